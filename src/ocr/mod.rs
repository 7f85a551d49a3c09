//! OCR of scanned pages: which pages need it, their images, and the text an engine reads.
//!
//! The stage owns the choice of pages (no usable text layer, mostly covered by an image: the
//! text stage's per-page facts), putting together what each paints, turned as the page is
//! displayed ([`compose`]), and decoding its images ([`image`], with [`ccitt`] and [`jbig2`]
//! for bitonal scans, and [`mask`] for what their masks hide), levelling crooked
//! scans ([`deskew`]), running an engine over them in parallel with a time limit
//! per page and within the document's time budget, the ink on each page ([`ink`]), and what
//! the record says about it ([`OcrInfo`]). The engine is a trait ([`OcrEngine`]): the
//! pipeline is handed one, and only its implementation ([`tesseract`]) spawns processes.
//! Reading the minutes out of the text is left to `minutes`; judging it to `verify`
//! (`document.ocr_used`, pen signatures).

pub mod ccitt;
pub mod compose;
pub mod deskew;
pub mod image;
pub mod ink;
pub mod jbig2;
pub mod mask;
pub mod rules;
pub mod tesseract;
pub mod tsv;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lopdf::Document;
use schemars::JsonSchema;
use serde::Serialize;
use thiserror::Error;

use crate::pdf::text::{PageText, TextSource};
use crate::pdf::{Deadline, Limits};
use image::{GrayImage, ImageError};
use ink::PageLayout;
use tsv::{TsvError, Word};

/// A page whose images cover at least this share of it, and that has no usable text layer,
/// is a scanned page.
pub const MIN_IMAGE_COVERAGE: f64 = 0.5;
/// A page whose images cover at least this share of it is taken to be one image drawn over the
/// whole page, so that the page's size gives the image's resolution.
pub const FULL_PAGE_COVERAGE: f64 = 0.9;
/// Most OCR runs at once, whatever the core count: each tesseract holds a page image and its
/// models (~100 MB).
pub const MAX_PARALLEL_PAGES: usize = 16;
/// Bytes of page images the pages being read at once may hold together
/// ([`compose::PagePlan::cost`]); a page over it is read alone. Keeps OCR of a document within
/// its 256 MiB peak RSS (docs/benchmarks.md) however many cores read pages.
pub const MAX_PARALLEL_IMAGE_BYTES: usize = 128 * 1024 * 1024;

/// Admits pages to be read while the image memory they hold together stays under
/// [`MAX_PARALLEL_IMAGE_BYTES`].
struct MemoryGate {
    used: Mutex<usize>,
    freed: std::sync::Condvar,
}

impl MemoryGate {
    fn new() -> Self {
        MemoryGate {
            used: Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    /// Waits until `cost` more bytes fit (or nothing else is held), up to `deadline`;
    /// `None` when the deadline passed first.
    fn enter(&self, cost: usize, deadline: &crate::pdf::Deadline) -> Option<GatePass<'_>> {
        let cost = cost.min(MAX_PARALLEL_IMAGE_BYTES);
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used > 0 && *used + cost > MAX_PARALLEL_IMAGE_BYTES {
            let left = deadline.remaining();
            if left.is_zero() {
                return None;
            }
            used = self
                .freed
                .wait_timeout(used, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        *used += cost;
        Some(GatePass { gate: self, cost })
    }
}

/// Memory admitted by a [`MemoryGate`], given back on drop.
struct GatePass<'g> {
    gate: &'g MemoryGate,
    cost: usize,
}

impl Drop for GatePass<'_> {
    fn drop(&mut self) {
        let mut used = self.gate.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(self.cost);
        self.gate.freed.notify_all();
    }
}

/// The engine's name and version, for the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineInfo {
    /// `tesseract`.
    pub engine: String,
    /// `5.3.0`.
    pub version: String,
}

/// Why an engine could not read a page.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum EngineError {
    /// The program could not be started.
    #[error(
        "OCR engine {program} could not be started: {reason} (install it: apt-get install tesseract-ocr tesseract-ocr-swe tesseract-ocr-eng)"
    )]
    Unavailable {
        /// The program.
        program: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The engine ran past the time limit and was killed.
    #[error("OCR took longer than {seconds} s and was stopped")]
    Timeout {
        /// The limit.
        seconds: f64,
    },
    /// The engine exited with an error.
    #[error("OCR engine failed (exit status {status:?}): {stderr}")]
    Failed {
        /// Exit code, when it exited normally.
        status: Option<i32>,
        /// The start of its error output.
        stderr: String,
    },
    /// The engine's output did not parse.
    #[error("OCR engine output: {0}")]
    Output(TsvError),
    /// A language name that is not a traineddata name.
    #[error("OCR language {0:?} is not a language name (e.g. \"swe\")")]
    Language(String),
}

/// Reads the words of a page image.
///
/// Implementations do I/O (a subprocess, a library call); callers run them on worker
/// threads. `Send + Sync` because pages are read in parallel through one engine.
pub trait OcrEngine: Send + Sync + std::fmt::Debug {
    /// The engine's name and version.
    fn info(&self) -> Result<EngineInfo, EngineError>;
    /// The words of `image`, in reading order, in `languages` (traineddata names); `ppi` is
    /// its resolution in pixels per inch when the page tells it.
    fn recognize(
        &self,
        image: &GrayImage,
        ppi: Option<u32>,
        languages: &[String],
        time_limit: Duration,
    ) -> Result<Vec<Word>, EngineError>;
}

/// How OCR is run for a document.
#[derive(Debug, Clone)]
pub struct OcrSettings {
    /// The engine.
    pub engine: Arc<dyn OcrEngine>,
    /// Traineddata names, in order of preference.
    pub languages: Vec<String>,
    /// Time limit per page.
    pub page_time_limit: Duration,
    /// Most pages read at once.
    pub parallel: usize,
    /// When the document's time budget (`Limits::max_millis_per_document`) runs out: no page
    /// is started after it, and a page's own limit is cut to what is left of it.
    pub deadline: Deadline,
}

/// OCR ran out of the document's time budget: the verdict would rest on pages that were not
/// read, so the document gets an error record instead.
#[derive(Debug, Clone, Error, PartialEq)]
#[error(
    "the time limit of {millis} ms per document ran out during OCR: {read} of {pages} scanned page(s) read, page {page} was not"
)]
pub struct OcrOverBudget {
    /// The document's budget.
    pub millis: u64,
    /// The first page that could not be read in time.
    pub page: usize,
    /// Scanned pages read before the budget ran out.
    pub read: usize,
    /// Scanned pages in the document.
    pub pages: usize,
}

/// What the record says about OCR: engine, languages and each OCRed page.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct OcrInfo {
    /// The engine (`tesseract`).
    pub engine: String,
    /// Its version, or null when it could not be asked.
    pub version: Option<String>,
    /// The languages it read with.
    pub languages: Vec<String>,
    /// One entry per page that needed OCR, in page order.
    pub pages: Vec<OcrPage>,
}

/// One OCRed page.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct OcrPage {
    /// 1-based page number.
    pub page: usize,
    /// Words recognised.
    pub words: usize,
    /// Mean word confidence, 0–100; null without words.
    pub confidence: Option<f64>,
    /// Lines that look like handwriting (pen signatures, initials), left out of the text.
    pub ink_marks: usize,
    /// Why the page could not be read (no image, undecodable image, engine failure).
    pub error: Option<String>,
    /// The skew of the scan in degrees (positive: lines descended to the right), when the
    /// page was turned level before OCR; null when it was read as it was.
    pub deskewed_degrees: Option<f64>,
    /// Printed lines and ink marks, for the pen-signature check; not part of the record
    /// (the findings cite what they use of it).
    #[serde(skip)]
    pub layout: PageLayout,
}

impl OcrInfo {
    /// Pages whose text came from OCR (at least one word).
    pub fn pages_with_text(&self) -> usize {
        self.pages.iter().filter(|p| p.words > 0).count()
    }
}

/// True when `page` has no usable text layer and is mostly image: a scan.
pub fn needs_ocr(page: &PageText) -> bool {
    !page.has_text_layer && page.image_coverage >= MIN_IMAGE_COVERAGE
}

/// What OCR of one page gave.
enum PageResult {
    Read(Vec<Word>, PageLayout, Option<f64>),
    Failed(String),
    /// The document's time budget ran out before or while the page was read.
    OverBudget,
}

/// OCRs every page of `pages` that [`needs_ocr`], in parallel, and puts the text it reads in
/// place of the page's (empty) text layer. `Ok(None)` when no page needed OCR; an error when
/// the document's time budget ran out before every page was read. `limits` bound walking a
/// page's content for its images and decoding them (`max_stream_bytes`).
pub fn ocr_pages(
    doc: &Document,
    pages: &mut [PageText],
    settings: &OcrSettings,
    limits: &Limits,
) -> Result<Option<OcrInfo>, OcrOverBudget> {
    let max_stream_bytes = usize::try_from(limits.max_stream_bytes).unwrap_or(usize::MAX);
    let page_ids = doc.get_pages();
    let todo: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| needs_ocr(p))
        .map(|(i, _)| i)
        .collect();
    if todo.is_empty() {
        return Ok(None);
    }
    let info = settings.engine.info();
    let results: Mutex<Vec<Option<PageResult>>> =
        Mutex::new((0..todo.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let workers = settings
        .parallel
        .clamp(1, MAX_PARALLEL_PAGES)
        .min(todo.len());
    let deadline = settings.deadline;
    let gate = MemoryGate::new();
    let read_one = |k: usize| -> PageResult {
        if deadline.passed() {
            return PageResult::OverBudget;
        }
        let Some(page) = todo.get(k).and_then(|&i| pages.get(i)) else {
            return PageResult::Failed("no such page".into());
        };
        let Some(&page_id) = u32::try_from(page.number)
            .ok()
            .and_then(|n| page_ids.get(&n))
        else {
            return PageResult::Failed(format!("page {} is not in the page tree", page.number));
        };
        let Some(plan) = compose::plan(doc, page_id, limits, deadline) else {
            return PageResult::Failed(format!(
                "page {}: no image XObject to read (vector-only pages are not rendered)",
                page.number
            ));
        };
        let Some(_pass) = gate.enter(plan.cost(doc), &deadline) else {
            return PageResult::OverBudget;
        };
        let composed = match plan.compose(doc, page.number, max_stream_bytes, &deadline) {
            Ok(composed) => composed,
            Err(e) => return PageResult::Failed(ImageError::to_string(&e)),
        };
        // The resolution the images are drawn at; for an image seen only in the resources,
        // from the page's size when the images cover it (a scan). The raster is turned as the
        // page is displayed, so a page turned by a quarter is as wide as the media box is high.
        let turned = plan.quarter_turns() % 2 == 1;
        let ppi = composed.ppi.or_else(|| {
            (page.image_coverage >= FULL_PAGE_COVERAGE)
                .then(|| crate::pdf::text::declared_media_box(doc, page_id))
                .flatten()
                .and_then(|media| {
                    let (across, down) = if turned {
                        (media.height(), media.width())
                    } else {
                        (media.width(), media.height())
                    };
                    image::pixels_per_inch(
                        composed.image.width,
                        composed.image.height,
                        across,
                        down,
                    )
                })
        });
        let image = composed.image;
        let (image, skew) = deskew::deskew(image);
        // Decoding and levelling a large page take time too.
        let left = deadline.remaining();
        if left.is_zero() {
            return PageResult::OverBudget;
        }
        // Tesseract reads the page without its rules (tables read row by row, names without
        // the dots over them); ink is looked for between the tables' borders.
        let rules = rules::find(&image, ppi);
        let mut for_ocr = image.clone();
        rules.erase(&mut for_ocr, true);
        let mut image = image;
        rules.erase(&mut image, false);
        drop(rules);
        match settings.engine.recognize(
            &for_ocr,
            ppi,
            &settings.languages,
            settings.page_time_limit.min(left),
        ) {
            Ok(words) => {
                let layout = ink::layout(&image, &words);
                PageResult::Read(words, layout, skew)
            }
            // A page stopped because the document's budget ran out is not a page that is
            // too slow on its own.
            Err(EngineError::Timeout { .. }) if deadline.passed() => PageResult::OverBudget,
            Err(e) => PageResult::Failed(format!("page {}: {e}", page.number)),
        }
    };
    // An engine that cannot even say its version cannot read pages either: one message for
    // all of them, and no processes started.
    if let Err(e) = &info {
        let mut r = results.lock().unwrap_or_else(|p| p.into_inner());
        for slot in r.iter_mut() {
            *slot = Some(PageResult::Failed(e.to_string()));
        }
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        if k >= todo.len() {
                            break;
                        }
                        let result = read_one(k);
                        // A poisoned lock means another worker panicked mid-write of its
                        // own slot; ours is still ours to fill.
                        let mut r = results.lock().unwrap_or_else(|p| p.into_inner());
                        if let Some(slot) = r.get_mut(k) {
                            *slot = Some(result);
                        }
                    }
                });
            }
        });
    }
    let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(k) = results
        .iter()
        .position(|r| matches!(r, Some(PageResult::OverBudget)))
    {
        return Err(OcrOverBudget {
            millis: deadline.millis(),
            page: todo
                .get(k)
                .and_then(|&i| pages.get(i))
                .map_or(0, |p| p.number),
            read: results
                .iter()
                .filter(|r| matches!(r, Some(PageResult::Read(..))))
                .count(),
            pages: todo.len(),
        });
    }
    let mut report = Vec::with_capacity(todo.len());
    for (&i, result) in todo.iter().zip(results) {
        let Some(page) = pages.get_mut(i) else {
            continue;
        };
        let entry = match result {
            Some(PageResult::Read(words, layout, deskewed_degrees)) => {
                let confidence = tsv::mean_confidence(&words);
                page.text = tsv::text(&words);
                page.source = TextSource::Ocr;
                page.ocr_confidence = confidence;
                // They were about the text layer, which the OCR text replaces.
                page.warnings.clear();
                OcrPage {
                    page: page.number,
                    words: words.len(),
                    confidence,
                    ink_marks: tsv::ink_lines(&words).len(),
                    error: None,
                    deskewed_degrees,
                    layout,
                }
            }
            Some(PageResult::Failed(error)) => OcrPage {
                page: page.number,
                words: 0,
                confidence: None,
                ink_marks: 0,
                error: Some(error),
                deskewed_degrees: None,
                layout: PageLayout::default(),
            },
            // Over budget was returned above; `None` is a worker that panicked.
            Some(PageResult::OverBudget) | None => OcrPage {
                page: page.number,
                words: 0,
                confidence: None,
                ink_marks: 0,
                error: Some("OCR did not run (a worker failed)".into()),
                deskewed_degrees: None,
                layout: PageLayout::default(),
            },
        };
        report.push(entry);
    }
    let (engine, version) = match info {
        Ok(i) => (i.engine, Some(i.version)),
        Err(_) => ("tesseract".to_owned(), None),
    };
    Ok(Some(OcrInfo {
        engine,
        version,
        languages: settings.languages.clone(),
        pages: report,
    }))
}

/// Helpers shared by the OCR tests: images built in code.
#[cfg(test)]
pub(crate) mod testing {
    /// A grey JPEG of `w` × `h` whose pixel (x, y) is `f(x, y)`.
    pub fn gray_jpeg(w: u16, h: u16, f: impl Fn(u16, u16) -> u8) -> Vec<u8> {
        let mut pixels = Vec::new();
        for y in 0..h {
            for x in 0..w {
                pixels.push(f(x, y));
            }
        }
        let mut out = Vec::new();
        let encoder = jpeg_encoder::Encoder::new(&mut out, 95);
        encoder
            .encode(&pixels, w, h, jpeg_encoder::ColorType::Luma)
            .expect("encode");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine that answers from a script: the OCR stage's own logic (page choice, order,
    /// failure per page) is what these tests show; real tesseract is exercised in
    /// `tests/ocr.rs`.
    #[derive(Debug)]
    struct Scripted {
        fail_on_width: usize,
    }

    /// An engine that takes `seconds` per page, or its time limit if that is shorter (as
    /// tesseract killed at its limit does).
    #[derive(Debug)]
    struct Slow {
        seconds: f64,
    }

    impl OcrEngine for Slow {
        fn info(&self) -> Result<EngineInfo, EngineError> {
            Ok(EngineInfo {
                engine: "slow".into(),
                version: "1".into(),
            })
        }
        fn recognize(
            &self,
            _: &GrayImage,
            _: Option<u32>,
            _: &[String],
            limit: Duration,
        ) -> Result<Vec<Word>, EngineError> {
            let wanted = Duration::from_secs_f64(self.seconds);
            std::thread::sleep(wanted.min(limit));
            if limit < wanted {
                return Err(EngineError::Timeout {
                    seconds: limit.as_secs_f64(),
                });
            }
            Ok(Vec::new())
        }
    }

    impl OcrEngine for Scripted {
        fn info(&self) -> Result<EngineInfo, EngineError> {
            Ok(EngineInfo {
                engine: "scripted".into(),
                version: "1".into(),
            })
        }
        fn recognize(
            &self,
            image: &GrayImage,
            _: Option<u32>,
            _: &[String],
            _: Duration,
        ) -> Result<Vec<Word>, EngineError> {
            if image.width == self.fail_on_width {
                return Err(EngineError::Timeout { seconds: 1.0 });
            }
            Ok(vec![Word {
                line: (1, 1, 1),
                bbox: (0, 0, 1, 1),
                confidence: 90.0,
                text: format!("w{}", image.width),
            }])
        }
    }

    fn page(number: usize, has_text_layer: bool, image_coverage: f64) -> PageText {
        PageText {
            number,
            text: String::new(),
            has_text_layer,
            image_coverage,
            source: TextSource::TextLayer,
            ocr_confidence: None,
            warnings: Vec::new(),
        }
    }

    /// A document of pages that each paint one grey image `widths[i]` pixels wide.
    fn doc_with_images(widths: &[i64]) -> Document {
        use lopdf::{Object, Stream, dictionary};
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut kids = Vec::new();
        for &w in widths {
            let img = doc.add_object(Stream::new(
                dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray"},
                vec![255; usize::try_from(w).unwrap()],
            ));
            let page = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id,
                "Resources" => dictionary! {"XObject" => dictionary! {"Im0" => img}},
            });
            kids.push(Object::Reference(page));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {"Type" => "Pages", "Kids" => kids, "Count" => count}),
        );
        let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
        doc.trailer.set("Root", catalog);
        doc
    }

    fn small_limits() -> Limits {
        Limits {
            max_stream_bytes: 1 << 20,
            ..Limits::default()
        }
    }

    fn settings(engine: Scripted) -> OcrSettings {
        OcrSettings {
            engine: Arc::new(engine),
            languages: vec!["swe".into()],
            page_time_limit: Duration::from_secs(1),
            parallel: 2,
            deadline: Deadline::none(),
        }
    }

    fn budget(millis: u64) -> Deadline {
        crate::pdf::Limits {
            max_millis_per_document: millis,
            ..crate::pdf::Limits::default()
        }
        .deadline()
    }

    #[test]
    fn ocr_past_the_document_budget_is_an_error_not_a_wait() {
        let doc = doc_with_images(&[10, 20, 30, 40]);
        let mut pages: Vec<PageText> = (1..=4).map(|n| page(n, false, 1.0)).collect();
        let started = std::time::Instant::now();
        let err = ocr_pages(
            &doc,
            &mut pages,
            &OcrSettings {
                engine: Arc::new(Slow { seconds: 0.15 }),
                languages: vec!["swe".into()],
                page_time_limit: Duration::from_secs(60),
                parallel: 1,
                deadline: budget(400),
            },
            &small_limits(),
        )
        .unwrap_err();
        // One worker, 0.15 s a page: pages 1 and 2 fit into 0.4 s, page 3 is cut off.
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(err.millis, 400);
        assert_eq!(err.pages, 4);
        assert!(err.read >= 1 && err.read < 4, "{err}");
        assert!(err.to_string().contains("400 ms"), "{err}");
    }

    #[test]
    fn a_slow_page_within_the_budget_is_a_page_error_only() {
        let doc = doc_with_images(&[10, 20]);
        let mut pages = vec![page(1, false, 1.0), page(2, false, 1.0)];
        let info = ocr_pages(
            &doc,
            &mut pages,
            &OcrSettings {
                engine: Arc::new(Slow { seconds: 5.0 }),
                languages: vec!["swe".into()],
                page_time_limit: Duration::from_millis(100),
                parallel: 2,
                deadline: budget(60_000),
            },
            &small_limits(),
        )
        .unwrap()
        .unwrap();
        assert!(
            info.pages.iter().all(|p| p
                .error
                .as_deref()
                .is_some_and(|e| e.contains("longer than"))),
            "{:?}",
            info.pages
        );
    }

    #[test]
    fn only_image_pages_without_text_are_read_and_a_failure_stays_on_its_page() {
        let doc = doc_with_images(&[10, 20, 30]);
        let mut pages = vec![page(1, false, 1.0), page(2, true, 1.0), page(3, false, 0.9)];
        pages[1].text = "born digital".into();
        let info = ocr_pages(
            &doc,
            &mut pages,
            &settings(Scripted { fail_on_width: 30 }),
            &small_limits(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(pages[0].text, "w10\n");
        assert_eq!(pages[0].source, TextSource::Ocr);
        assert_eq!(pages[0].ocr_confidence, Some(90.0));
        assert_eq!(pages[1].text, "born digital");
        assert_eq!(pages[1].source, TextSource::TextLayer);
        assert_eq!(pages[2].source, TextSource::TextLayer);
        assert_eq!(info.pages.len(), 2);
        assert_eq!(info.pages_with_text(), 1);
        assert!(
            info.pages[1].error.as_deref().unwrap().contains("page 3"),
            "{:?}",
            info.pages[1]
        );
        assert_eq!(info.version.as_deref(), Some("1"));
    }

    #[test]
    fn a_page_drawn_as_tiles_is_read_as_one_image() {
        use lopdf::{Object, Stream, dictionary};
        // Three 10 × 4 tiles side by side over a 30 × 4 pt page: the engine gets one 30 pixel
        // wide raster (the largest tile alone would be 10 wide).
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut xobjects = lopdf::Dictionary::new();
        for i in 0..3 {
            let img = doc.add_object(Stream::new(
                dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 10, "Height" => 4, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray"},
                vec![255; 40],
            ));
            xobjects.set(format!("T{i}"), img);
        }
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"q 10 0 0 4 0 0 cm /T0 Do Q q 10 0 0 4 10 0 cm /T1 Do Q q 10 0 0 4 20 0 cm /T2 Do Q"
                .to_vec(),
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 30.into(), 4.into()],
            "Resources" => dictionary! {"XObject" => xobjects},
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1},
            ),
        );
        let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
        doc.trailer.set("Root", catalog);
        let mut pages = vec![page(1, false, 1.0)];
        ocr_pages(
            &doc,
            &mut pages,
            &settings(Scripted { fail_on_width: 0 }),
            &small_limits(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(pages[0].text, "w30\n");
        // The memory gate is told the raster (with deskew's or the rules' copies) and the
        // largest tile's decoding.
        let plan = compose::plan(&doc, page_id, &small_limits(), Deadline::none()).unwrap();
        assert_eq!(plan.images(), 3);
        assert_eq!(plan.cost(&doc), 30 * 4 * 3 + 10 * 4 * 2);
    }

    #[test]
    fn a_rotated_page_reaches_the_engine_upright() {
        // A 10 × 1 image on a page turned by a quarter is read 1 pixel wide; the same page
        // unturned (the near miss) 10 wide.
        for (rotate, want) in [(Some(90), "w1\n"), (Some(0), "w10\n"), (None, "w10\n")] {
            let mut doc = doc_with_images(&[10]);
            if let Some(degrees) = rotate {
                let pages_id = doc
                    .catalog()
                    .and_then(|c| c.get(b"Pages"))
                    .and_then(lopdf::Object::as_reference)
                    .unwrap();
                // Inherited from the page tree's node.
                doc.get_dictionary_mut(pages_id)
                    .unwrap()
                    .set("Rotate", degrees);
            }
            let mut pages = vec![page(1, false, 1.0)];
            ocr_pages(
                &doc,
                &mut pages,
                &settings(Scripted { fail_on_width: 0 }),
                &small_limits(),
            )
            .unwrap()
            .unwrap();
            assert_eq!(pages[0].text, want, "{rotate:?}");
        }
    }

    #[test]
    fn a_born_digital_document_needs_no_ocr() {
        let doc = doc_with_images(&[10]);
        let mut pages = vec![page(1, true, 0.0)];
        assert!(
            ocr_pages(
                &doc,
                &mut pages,
                &settings(Scripted { fail_on_width: 0 }),
                &small_limits()
            )
            .unwrap()
            .is_none()
        );
        // Text layer missing but hardly any image: a blank page, not a scan.
        let mut pages = vec![page(1, false, 0.1)];
        assert!(
            ocr_pages(
                &doc,
                &mut pages,
                &settings(Scripted { fail_on_width: 0 }),
                &small_limits()
            )
            .unwrap()
            .is_none()
        );
    }
}
