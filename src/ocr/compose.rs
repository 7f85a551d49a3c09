//! A scanned page's image as the page shows it: every image the page paints, put together in
//! one grey raster, turned upright as the page is displayed.
//!
//! Most scanners draw one image over the page, but some (and some PDF writers after them)
//! draw a page as several horizontal strips or tiles placed next to each other by `cm`, and
//! mixed-raster scans paint a sharp bitonal mask over a coarse background. Where the images
//! go is what the text stage's content-stream interpreter already works out (it measures
//! image coverage to decide which pages are scans), so [`plan`] runs that interpreter over
//! the page again with a device that records each image XObject and inline image and its
//! transformation (page content, form XObjects inside it, and annotation appearances, as the
//! coverage counts them). Inline images' data is copied into the plan, up to
//! [`MAX_INLINE_BYTES`] a page; one past it fails the page like an image that does not decode.
//!
//! One placed image is decoded at its own resolution, over white paper where its mask
//! ([`super::mask`]) hides it, and turned the way the page shows it (mirrored or turned by
//! quarter turns, as its matrix says). Several are painted, in the
//! page's order, on a white raster over the area they cover (within the media box), at the
//! resolution of the finest image among those that matter (an image under a sixteenth of the
//! largest one's area, such as a logo, does not set it); each image lands where its matrix
//! puts it, nearest-neighbour sampled, blended by its mask's opacity over what is below, and
//! an image mask paints only its black. The raster is then turned clockwise by the page's
//! `/Rotate`, so that OCR and the ink measure read the page as it is displayed. Images
//! neither axis-aligned nor turned by a quarter (skewed, rotated by another angle) are left
//! out of a composed page; a page of only such an image gets that image as it is, as before.
//! A small image (under the same sixteenth) that does not decode is left out; any other that
//! does not fails the page. The raster is capped at [`MAX_IMAGE_SIDE`] per side and [`MAX_IMAGE_PIXELS`] (a finer
//! resolution is scaled down to fit), and at most [`MAX_PAGE_IMAGES`] images (the largest)
//! are painted, so a page costs a bounded amount whatever it draws ([`PagePlan::cost`]).

use std::sync::Arc;

use lopdf::{Document, Object, ObjectId, Stream};

use super::image::{self, GrayImage, ImageError, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, declared_size};
use super::mask;
use crate::pdf::text::geometry::{Matrix, Rect};
use crate::pdf::text::inline_image::InlineImage;
use crate::pdf::text::interpreter::{Budget, Device, FontCache, Interpreter, PlacedGlyph};
use crate::pdf::{Deadline, Limits};

/// Most image placements recorded while walking a page; later ones are not seen. Bounds the
/// walk's memory on a page that paints an image a million times.
const MAX_RECORDED: usize = 4096;
/// Most bytes of inline image data one page's plan holds (it copies them out of the content
/// stream): a full A4 page at 600 dpi in uncompressed grey is 35 MB. An inline image past it
/// is recorded as unreadable, so a large one fails the page rather than leave a hole.
const MAX_INLINE_BYTES: usize = 64 * 1024 * 1024;
/// Most images painted into one page raster: the largest ones are kept. A scan drawn in
/// strips has tens at most.
pub const MAX_PAGE_IMAGES: usize = 256;
/// An image whose area on the page is under this share of the largest one's does not set the
/// composed page's resolution: a 600 dpi logo on a 200 dpi scan would triple the raster.
const RESOLUTION_AREA_SHARE: f64 = 1.0 / 16.0;
/// How far, relative to the matrix's scale, an off-axis entry may be from 0 for the image to
/// count as axis-aligned (rounding in a writer's matrices).
const ALIGN_TOLERANCE: f64 = 1e-3;

/// How an image's unit square lies on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orientation {
    /// Image columns run along the page's x axis, rows along its y axis (`b = c = 0`);
    /// `flip_x` when `a < 0`, `flip_y` when `d < 0` (the image is drawn upside down).
    Upright { flip_x: bool, flip_y: bool },
    /// Turned by a quarter: image columns run along the page's y axis (`a = d = 0`);
    /// `c_negative` and `b_negative` give the direction of each axis.
    Turned { c_negative: bool, b_negative: bool },
    /// Rotated by another angle, or skewed.
    Skewed,
}

impl Orientation {
    fn of(ctm: &Matrix) -> Orientation {
        let [a, b, c, d, ..] = ctm.m;
        let scale = a.abs().max(b.abs()).max(c.abs()).max(d.abs());
        let small = |v: f64| v.abs() <= ALIGN_TOLERANCE * scale;
        if scale > 0.0 && small(b) && small(c) && !small(a) && !small(d) {
            Orientation::Upright {
                flip_x: a < 0.0,
                flip_y: d < 0.0,
            }
        } else if scale > 0.0 && small(a) && small(d) && !small(b) && !small(c) {
            Orientation::Turned {
                c_negative: c < 0.0,
                b_negative: b < 0.0,
            }
        } else {
            Orientation::Skewed
        }
    }

    /// For pixel centres across a destination span along the page's x axis (`x`) or its y
    /// axis downwards (`!x`), at fractions `f` of the span: which image axis they step along
    /// (true: columns) and the fraction along it, from the image's first column or row.
    fn source(self, x: bool, f: f64) -> (bool, f64) {
        match self {
            // Row 0 is the top of the image (v = 1), which an upright image puts at the top.
            Orientation::Upright { flip_x, .. } if x => (true, if flip_x { 1.0 - f } else { f }),
            Orientation::Upright { flip_y, .. } => (false, if flip_y { 1.0 - f } else { f }),
            // x = c·v + e: v grows rightwards when c > 0, and row 0 is at v = 1.
            Orientation::Turned { c_negative, .. } if x => {
                (false, if c_negative { f } else { 1.0 - f })
            }
            // y = b·u + f: u grows upwards when b > 0; downwards on the raster it falls.
            Orientation::Turned { b_negative, .. } => (true, if b_negative { f } else { 1.0 - f }),
            Orientation::Skewed => (x, f),
        }
    }
}

/// An image's stream: an image XObject of the document, or an inline image written out as
/// one.
#[derive(Debug, Clone)]
enum ImageStream<'d> {
    Object(&'d Stream),
    Inline(Arc<Stream>),
}

impl ImageStream<'_> {
    fn get(&self) -> &Stream {
        match self {
            ImageStream::Object(s) => s,
            ImageStream::Inline(s) => s,
        }
    }
}

/// One image the page paints, where it paints it.
#[derive(Debug, Clone)]
struct Placed<'d> {
    /// The image XObject; [`image::INLINE`] for an inline image.
    object: ObjectId,
    stream: ImageStream<'d>,
    /// Why an inline image's data was not kept (over [`MAX_INLINE_BYTES`]).
    unreadable: Option<Arc<str>>,
    /// The image's declared size in pixels.
    size: (usize, usize),
    orientation: Orientation,
    /// The unit square's bounding box on the page.
    bbox: Rect,
}

impl Placed<'_> {
    fn area(&self) -> f64 {
        self.bbox.width() * self.bbox.height()
    }

    /// Pixels per point of the image on the page: the finer of its two axes.
    fn resolution(&self) -> f64 {
        let (w, h) = (self.size.0 as f64, self.size.1 as f64);
        let (along_x, along_y) = match self.orientation {
            Orientation::Turned { .. } => (h, w),
            _ => (w, h),
        };
        (along_x / self.bbox.width()).max(along_y / self.bbox.height())
    }
}

/// How the page's raster is made.
#[derive(Debug, Clone)]
enum Layout {
    /// One image, at its own resolution, turned as the page shows it.
    Single,
    /// Several images painted on a `width` × `height` raster over `region` of the page, at
    /// `scale` pixels per point.
    Composed {
        region: Rect,
        scale: f64,
        width: usize,
        height: usize,
    },
}

/// What a scanned page paints and how its raster will be made, before anything is decoded.
#[derive(Debug, Clone)]
pub struct PagePlan<'d> {
    images: Vec<Placed<'d>>,
    layout: Layout,
    /// The page's `/Rotate` as clockwise quarter turns: the raster is turned so that it reads
    /// as the page is displayed.
    quarter_turns: u8,
}

/// A page's raster and, when the placement gives it credibly, its resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImage {
    /// The grey raster.
    pub image: GrayImage,
    /// Pixels per inch on the page ([`image::CREDIBLE_PPI`]); `None` when the placement does
    /// not give one (the two axes disagree, no placement was seen).
    pub ppi: Option<u32>,
}

/// An image the walk saw painted.
enum Seen {
    Object(ObjectId),
    /// An inline image written out as an image XObject, or why its data was not kept.
    Inline(Result<Stream, (Stream, String)>),
}

/// Records the images a page paints.
struct Placements<'d> {
    doc: &'d Document,
    seen: Vec<(Seen, Matrix)>,
    /// Bytes of inline image data kept.
    inline_bytes: usize,
}

impl Device for Placements<'_> {
    fn glyph(&mut self, _: &PlacedGlyph<'_>) {}

    fn image(&mut self, ctm: &Matrix, object: Option<ObjectId>) {
        if let Some(id) = object
            && self.seen.len() < MAX_RECORDED
        {
            self.seen.push((Seen::Object(id), *ctm));
        }
    }

    fn inline_image(&mut self, ctm: &Matrix, image: &InlineImage<'_>) {
        if self.seen.len() >= MAX_RECORDED {
            return;
        }
        let left = MAX_INLINE_BYTES.saturating_sub(self.inline_bytes);
        let seen = match image.to_stream(self.doc, left) {
            Ok(stream) => {
                self.inline_bytes = self.inline_bytes.saturating_add(stream.content.len());
                Ok(stream)
            }
            // Its dictionary still gives its size, so that its share of the page is known.
            Err(e) => Err((
                Stream::new(image.dictionary(self.doc), Vec::new()),
                e.to_string(),
            )),
        };
        self.seen.push((Seen::Inline(seen), *ctm));
    }
}

/// What page `page_id` paints, planned; `None` when it paints no image and its resources
/// hold none. The walk runs within `limits` and `deadline` (a walk cut short plans what it
/// saw).
pub fn plan<'d>(
    doc: &'d Document,
    page_id: ObjectId,
    limits: &Limits,
    deadline: Deadline,
) -> Option<PagePlan<'d>> {
    let mut fonts = FontCache::default();
    let mut budget = Budget::new(limits, deadline);
    let mut device = Placements {
        doc,
        seen: Vec::new(),
        inline_bytes: 0,
    };
    {
        let mut interpreter = Interpreter::new(doc, &mut fonts, &mut budget);
        // An error (the deadline, a broken page) ends the walk; what it saw stands.
        if interpreter.run_page(page_id, &mut device).is_ok() {
            let _ = interpreter.run_annotations(page_id, &mut device);
        }
    }
    let media = crate::pdf::text::declared_media_box(doc, page_id);
    let quarter_turns = crate::pdf::pages::quarter_turns(doc, page_id);
    let placed: Vec<Placed<'d>> = device
        .seen
        .into_iter()
        .filter_map(|(seen, ctm)| placed(doc, seen, &ctm))
        .filter(|p| media.is_none_or(|m| p.bbox.intersect(&m).is_some()))
        .collect();
    let plan = plan_placed(placed, media).or_else(|| {
        // Nothing painted that the walk saw (a content stream it could not read): the
        // largest image of the page's resources, as it is.
        let (object, stream) = largest_image(doc, page_id)?;
        Some(PagePlan {
            images: vec![Placed {
                object,
                stream: ImageStream::Object(stream),
                unreadable: None,
                size: declared_size(doc, &stream.dict),
                orientation: Orientation::Upright {
                    flip_x: false,
                    flip_y: false,
                },
                bbox: Rect::from_corners(0.0, 0.0, 0.0, 0.0),
            }],
            layout: Layout::Single,
            quarter_turns: 0,
        })
    })?;
    Some(PagePlan {
        quarter_turns,
        ..plan
    })
}

/// The image `seen` placed by `ctm`; `None` when it is not an image of some size drawn over
/// some area.
fn placed<'d>(doc: &'d Document, seen: Seen, ctm: &Matrix) -> Option<Placed<'d>> {
    let (object, stream, unreadable) = match seen {
        Seen::Object(object) => {
            let Ok(Object::Stream(stream)) = doc.get_object(object) else {
                return None;
            };
            (object, ImageStream::Object(stream), None)
        }
        Seen::Inline(Ok(stream)) => (image::INLINE, ImageStream::Inline(Arc::new(stream)), None),
        Seen::Inline(Err((stream, why))) => (
            image::INLINE,
            ImageStream::Inline(Arc::new(stream)),
            Some(Arc::from(why)),
        ),
    };
    if !image::is_image(stream.get()) || !ctm.is_finite() {
        return None;
    }
    // With a finer mask, the mask's size: the image is blended at it.
    let size = mask::declared_size(doc, stream.get());
    let bbox = Rect::unit_square(ctm);
    let drawn = bbox.width() > 0.0 && bbox.height() > 0.0 && bbox.width().is_finite();
    (size.0 > 0 && size.1 > 0 && drawn).then(|| Placed {
        object,
        stream,
        unreadable,
        size,
        orientation: Orientation::of(ctm),
        bbox,
    })
}

fn plan_placed<'d>(placed: Vec<Placed<'d>>, media: Option<Rect>) -> Option<PagePlan<'d>> {
    let (mut aligned, skewed): (Vec<_>, Vec<_>) = placed
        .into_iter()
        .partition(|p| p.orientation != Orientation::Skewed);
    if aligned.len() <= 1 {
        // One image (or only skewed ones: the largest, decoded as it is).
        let one = aligned.pop().or_else(|| {
            skewed
                .into_iter()
                .max_by(|a, b| a.area().total_cmp(&b.area()))
        })?;
        return Some(PagePlan {
            images: vec![one],
            layout: Layout::Single,
            quarter_turns: 0,
        });
    }
    if aligned.len() > MAX_PAGE_IMAGES {
        // The largest, kept in the order the page paints them.
        let mut by_area: Vec<f64> = aligned.iter().map(Placed::area).collect();
        by_area.sort_by(|a, b| b.total_cmp(a));
        let floor = by_area.get(MAX_PAGE_IMAGES - 1).copied().unwrap_or(0.0);
        aligned.retain(|p| p.area() >= floor);
        aligned.truncate(MAX_PAGE_IMAGES);
    }
    let mut region = aligned.first()?.bbox;
    for p in &aligned {
        region = union(&region, &p.bbox);
    }
    if let Some(clipped) = media.and_then(|m| region.intersect(&m)) {
        region = clipped;
    }
    let largest = aligned.iter().map(Placed::area).fold(0.0, f64::max);
    let mut scale = aligned
        .iter()
        .filter(|p| p.area() >= largest * RESOLUTION_AREA_SHARE)
        .map(Placed::resolution)
        .filter(|r| r.is_finite())
        .fold(0.0, f64::max);
    if !(scale > 0.0 && region.width() > 0.0 && region.height() > 0.0) {
        return None;
    }
    // Cap the raster: a finer resolution is scaled down until it fits.
    // Whole pixels, not one more for a rounding error in the writer's numbers.
    let side = |scale: f64| (region.width() * scale - 1e-6).ceil().max(1.0);
    let other = |scale: f64| (region.height() * scale - 1e-6).ceil().max(1.0);
    let max_side = MAX_IMAGE_SIDE as f64;
    let fit = (max_side / side(scale))
        .min(max_side / other(scale))
        .min((MAX_IMAGE_PIXELS as f64 / (side(scale) * other(scale))).sqrt());
    if fit < 1.0 {
        scale *= fit;
    }
    let (mut width, mut height) = (side(scale) as usize, other(scale) as usize);
    // Ceiling may add a pixel past the caps.
    width = width.min(MAX_IMAGE_SIDE);
    height = height.min(MAX_IMAGE_SIDE);
    while width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        height -= 1;
    }
    Some(PagePlan {
        images: aligned,
        layout: Layout::Composed {
            region,
            scale,
            width,
            height,
        },
        quarter_turns: 0,
    })
}

fn union(a: &Rect, b: &Rect) -> Rect {
    Rect::from_corners(
        a.x0.min(b.x0),
        a.y0.min(b.y0),
        a.x1.max(b.x1),
        a.y1.max(b.y1),
    )
}

impl PagePlan<'_> {
    /// Images the page's raster is made of.
    pub fn images(&self) -> usize {
        self.images.len()
    }

    /// Clockwise quarter turns the raster is given for the page's `/Rotate` (0 to 3): with an
    /// odd number its width runs along the page's height.
    pub fn quarter_turns(&self) -> u8 {
        self.quarter_turns
    }

    /// Bytes of memory making and reading the page's raster may hold at once, from declared
    /// sizes: the largest image being decoded ([`image::decode_cost`]: its samples and grey
    /// copy), the raster (for one image, its turned copy) and the copy `deskew` levels. For
    /// [`super::ocr_pages`] to run no more pages at once than memory allows.
    pub fn cost(&self, doc: &Document) -> usize {
        let decoding = self
            .images
            .iter()
            .map(|p| {
                let stream = p.stream.get();
                image::decode_cost(doc, stream).saturating_add(mask::extra_cost(doc, stream))
            })
            .max()
            .unwrap_or(0);
        // Inline images' data, held by the plan.
        let inline: usize = self
            .images
            .iter()
            .filter_map(|p| match &p.stream {
                ImageStream::Inline(s) => Some(s.content.len()),
                ImageStream::Object(_) => None,
            })
            .sum();
        let raster = match self.layout {
            Layout::Single => self.images.first().map_or(0, |p| {
                p.size
                    .0
                    .min(MAX_IMAGE_SIDE)
                    .saturating_mul(p.size.1.min(MAX_IMAGE_SIDE))
                    .min(MAX_IMAGE_PIXELS)
            }),
            Layout::Composed { width, height, .. } => width.saturating_mul(height),
        };
        // The raster, and deskew's copy or the rules' mask and the copy tesseract reads.
        decoding
            .saturating_add(raster.saturating_mul(3))
            .saturating_add(inline)
    }

    /// Decodes the page's images and makes its raster. Images are decoded one at a time; once
    /// `deadline` passes no further image is painted (the caller sees the deadline too).
    pub fn compose(
        &self,
        doc: &Document,
        page: usize,
        max_stream_bytes: usize,
        deadline: &Deadline,
    ) -> Result<PageImage, ImageError> {
        let painted = self.paint(doc, page, max_stream_bytes, deadline)?;
        Ok(PageImage {
            image: turn_clockwise(painted.image, self.quarter_turns),
            ppi: painted.ppi,
        })
    }

    /// The raster as the page's content paints it, before `/Rotate`.
    fn paint(
        &self,
        doc: &Document,
        page: usize,
        max_stream_bytes: usize,
        deadline: &Deadline,
    ) -> Result<PageImage, ImageError> {
        let decode = |p: &Placed<'_>| match &p.unreadable {
            Some(reason) => Err(ImageError::Corrupt {
                page,
                object: p.object,
                reason: reason.to_string(),
            }),
            None => mask::decode(doc, p.stream.get(), page, p.object, max_stream_bytes),
        };
        match self.layout {
            Layout::Single => {
                let Some(p) = self.images.first() else {
                    return Err(ImageError::Corrupt {
                        page,
                        object: (0, 0),
                        reason: "no image to read".into(),
                    });
                };
                let decoded = decode(p)?;
                let image = orient(decoded.over_white(), p.orientation);
                // A skewed image's bounding box is not its size on the page.
                let ppi = (p.bbox.width() > 0.0 && p.orientation != Orientation::Skewed)
                    .then(|| {
                        image::pixels_per_inch(
                            image.width,
                            image.height,
                            p.bbox.width(),
                            p.bbox.height(),
                        )
                    })
                    .flatten();
                Ok(PageImage { image, ppi })
            }
            Layout::Composed {
                region,
                scale,
                width,
                height,
            } => {
                let mut canvas = GrayImage {
                    width,
                    height,
                    pixels: vec![255; width * height],
                };
                let largest = self.images.iter().map(Placed::area).fold(0.0, f64::max);
                for p in &self.images {
                    if deadline.passed() {
                        break;
                    }
                    let decoded = match decode(p) {
                        Ok(decoded) => decoded,
                        // A small image that does not decode (a logo, a stamp) costs itself;
                        // a strip of the scan costs the page, which is reported, not read
                        // with a hole in it.
                        Err(e) if p.area() < largest * RESOLUTION_AREA_SHARE => {
                            tracing::debug!(%e, "small page image left out");
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    let dest = Dest {
                        x0: (p.bbox.x0 - region.x0) * scale,
                        x1: (p.bbox.x1 - region.x0) * scale,
                        y0: (region.y1 - p.bbox.y1) * scale,
                        y1: (region.y1 - p.bbox.y0) * scale,
                    };
                    let stencil = image::is_image_mask(&p.stream.get().dict);
                    let source = Source {
                        image: &decoded.image,
                        opacity: decoded.opacity.as_deref(),
                        stencil,
                    };
                    paint(&mut canvas, &source, &dest, p.orientation);
                }
                let ppi = image::pixels_per_inch(width, height, region.width(), region.height());
                Ok(PageImage { image: canvas, ppi })
            }
        }
    }
}

/// `image` turned clockwise by `quarter_turns` quarter turns (ISO 32000-2 §7.7.3.3: a page's
/// `/Rotate` turns it clockwise for display), so that it reads upright.
pub fn turn_clockwise(image: GrayImage, quarter_turns: u8) -> GrayImage {
    let GrayImage {
        width,
        height,
        mut pixels,
    } = image;
    match quarter_turns % 4 {
        0 => GrayImage {
            width,
            height,
            pixels,
        },
        // Read backwards, the pixels are the image turned by a half.
        2 => {
            pixels.reverse();
            GrayImage {
                width,
                height,
                pixels,
            }
        }
        // The turned raster is `height` wide: its row y is the source's column y, read
        // bottom up for a quarter clockwise, top down (and from the right) for three.
        turns => {
            let source = |x: usize, y: usize| pixels.get(y * width + x).copied().unwrap_or(255);
            let mut out = Vec::with_capacity(pixels.len());
            for y in 0..width {
                for x in 0..height {
                    out.push(if turns == 1 {
                        source(y, height - 1 - x)
                    } else {
                        source(width - 1 - y, x)
                    });
                }
            }
            GrayImage {
                width: height,
                height: width,
                pixels: out,
            }
        }
    }
}

/// Where an image lands on the raster, in raster pixels (y downwards), edges as fractions.
struct Dest {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

/// `image` turned the way `orientation` shows it on the page, at its own resolution.
fn orient(image: GrayImage, orientation: Orientation) -> GrayImage {
    let (width, height) = match orientation {
        Orientation::Upright {
            flip_x: false,
            flip_y: false,
        }
        | Orientation::Skewed => return image,
        Orientation::Upright { .. } => (image.width, image.height),
        Orientation::Turned { .. } => (image.height, image.width),
    };
    let mut out = GrayImage {
        width,
        height,
        pixels: vec![255; width * height],
    };
    let dest = Dest {
        x0: 0.0,
        x1: width as f64,
        y0: 0.0,
        y1: height as f64,
    };
    let source = Source {
        image: &image,
        opacity: None,
        stencil: false,
    };
    paint(&mut out, &source, &dest, orientation);
    out
}

/// For each raster pixel in `range` of a span whose edges are `lo` and `hi`, along the page's
/// x axis (`x`) or its y axis: which image axis it samples (true: columns) and the index
/// along it.
fn source_indices(
    lo: f64,
    hi: f64,
    range: std::ops::Range<usize>,
    x: bool,
    orientation: Orientation,
    image: &GrayImage,
) -> (bool, Vec<usize>) {
    let columns = orientation.source(x, 0.0).0;
    let n = if columns { image.width } else { image.height };
    let indices = range
        .map(|i| {
            let f = ((i as f64 + 0.5 - lo) / (hi - lo)).clamp(0.0, 1.0);
            let g = orientation.source(x, f).1;
            // Nearest neighbour: the pixel whose cell holds the fraction.
            ((g * n as f64) as usize).min(n.saturating_sub(1))
        })
        .collect();
    (columns, indices)
}

/// A decoded image and how it covers what is below it.
struct Source<'i> {
    image: &'i GrayImage,
    /// Opacity per pixel (its soft, stencil or colour-key mask); `None` for opaque.
    opacity: Option<&'i [u8]>,
    /// An image mask (`/ImageMask`): it paints only its ink (dark pixels).
    stencil: bool,
}

/// Paints `source` onto `canvas` over `dest`, turned by `orientation`: an image mask only its
/// ink, an image with a mask blended by its opacity, other images everything they cover.
fn paint(canvas: &mut GrayImage, source: &Source<'_>, dest: &Dest, orientation: Orientation) {
    let image = source.image;
    if image.width == 0 || image.height == 0 || dest.x1 <= dest.x0 || dest.y1 <= dest.y0 {
        return;
    }
    // Edges rounded the same way for every image: strips that meet on the page meet on the
    // raster, with no gap or overlap between them.
    let clamp = |v: f64, max: usize| (v.round().max(0.0) as usize).min(max);
    let (cx0, cx1) = (clamp(dest.x0, canvas.width), clamp(dest.x1, canvas.width));
    let (cy0, cy1) = (clamp(dest.y0, canvas.height), clamp(dest.y1, canvas.height));
    if cx0 >= cx1 || cy0 >= cy1 {
        return;
    }
    let (x_columns, xs) = source_indices(dest.x0, dest.x1, cx0..cx1, true, orientation, image);
    let (_, ys) = source_indices(dest.y0, dest.y1, cy0..cy1, false, orientation, image);
    for (dy, &sy) in (cy0..cy1).zip(&ys) {
        let row_start = dy * canvas.width;
        let Some(row) = canvas.pixels.get_mut(row_start + cx0..row_start + cx1) else {
            continue;
        };
        for (out, &sx) in row.iter_mut().zip(&xs) {
            // Raster x samples the image's columns (upright) or rows (turned by a quarter).
            let (col, r) = if x_columns { (sx, sy) } else { (sy, sx) };
            let at = r * image.width + col;
            let value = image.pixels.get(at).copied().unwrap_or(255);
            if source.stencil {
                if value < 128 {
                    *out = value;
                }
            } else if let Some(opacity) = source.opacity {
                let alpha = opacity.get(at).copied().unwrap_or(255);
                *out = mask::blend(value, *out, alpha);
            } else {
                *out = value;
            }
        }
    }
}

/// The image XObject of the page's resources with the most pixels.
fn largest_image(doc: &Document, page_id: ObjectId) -> Option<(ObjectId, &Stream)> {
    let (direct, inherited) = doc.get_page_resources(page_id).ok()?;
    let dicts = direct.into_iter().chain(
        inherited
            .iter()
            .filter_map(|id| doc.get_dictionary(*id).ok()),
    );
    let mut best: Option<(usize, ObjectId, &Stream)> = None;
    for resources in dicts {
        let Some(Object::Dictionary(xobjects)) = resources
            .get(b"XObject")
            .ok()
            .and_then(|o| image::resolve(doc, o))
        else {
            continue;
        };
        for (_, value) in xobjects.iter() {
            let Object::Reference(id) = value else {
                continue;
            };
            let Ok(Object::Stream(stream)) = doc.get_object(*id) else {
                continue;
            };
            if !image::is_image(stream) {
                continue;
            }
            let (w, h) = declared_size(doc, &stream.dict);
            let area = w.saturating_mul(h);
            if best.as_ref().is_none_or(|(a, _, _)| area > *a) {
                best = Some((area, *id, stream));
            }
        }
    }
    best.map(|(_, id, s)| (id, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, dictionary};

    /// A grey image XObject of `w` × `h` whose pixel (x, y) is `f(x, y)`.
    fn gray(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Stream {
        let pixels = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y));
        Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
                "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray",
            },
            pixels.collect(),
        )
    }

    /// A one-page document whose page (`media` wide and high) runs `content` with the image
    /// XObjects `images` (named Im0, Im1, …) and `forms` (named Fm0, …, each a form XObject
    /// drawing with the same images).
    fn page_doc(
        media: (f64, f64),
        content: &(impl AsRef<[u8]> + ?Sized),
        images: Vec<Stream>,
        forms: &[&str],
    ) -> (Document, ObjectId) {
        let mut doc = Document::with_version("1.7");
        let mut xobjects = Dictionary::new();
        for (i, image) in images.into_iter().enumerate() {
            xobjects.set(format!("Im{i}"), doc.add_object(image));
        }
        let mut page_xobjects = xobjects.clone();
        for (i, form) in forms.iter().enumerate() {
            let id = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 10_000.into(), 10_000.into()],
                    "Resources" => dictionary! {"XObject" => xobjects.clone()},
                },
                form.as_bytes().to_vec(),
            ));
            page_xobjects.set(format!("Fm{i}"), id);
        }
        let pages_id = doc.new_object_id();
        let contents = doc.add_object(Stream::new(dictionary! {}, content.as_ref().to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(media.0 as f32), Object::Real(media.1 as f32)],
            "Contents" => contents,
            "Resources" => dictionary! {"XObject" => page_xobjects},
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! {"Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1},
            ),
        );
        let catalog = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
        doc.trailer.set("Root", catalog);
        (doc, page)
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(data).unwrap();
        z.finish().unwrap()
    }

    fn read(doc: &Document, page: ObjectId) -> PageImage {
        let limits = Limits::default();
        plan(doc, page, &limits, Deadline::none())
            .expect("a plan")
            .compose(doc, 1, 1 << 24, &Deadline::none())
            .unwrap()
    }

    fn pattern(x: usize, y: usize) -> u8 {
        ((x * 7 + y * 13) % 256) as u8
    }

    /// 30 × 24 pixels drawn over 7.2 × 5.76 pt: 300 dpi.
    const W: usize = 30;
    const H: usize = 24;
    const MEDIA: (f64, f64) = (7.2, 5.76);

    #[test]
    fn three_strips_give_the_pixels_of_one_full_image() {
        let (doc, page) = page_doc(
            MEDIA,
            "q 7.2 0 0 5.76 0 0 cm /Im0 Do Q",
            vec![gray(W, H, pattern)],
            &[],
        );
        let full = read(&doc, page);
        assert_eq!((full.image.width, full.image.height), (W, H));
        assert_eq!(full.ppi, Some(300));
        // The same picture as three strips of 8 rows, top strip first, each 1.92 pt high;
        // once drawn on the page, once inside a form XObject, once bottom strip first.
        let strips = || {
            (0..3)
                .map(|s| gray(W, 8, move |x, y| pattern(x, y + 8 * s)))
                .collect::<Vec<_>>()
        };
        let on_page = "q 7.2 0 0 1.92 0 3.84 cm /Im0 Do Q q 7.2 0 0 1.92 0 1.92 cm /Im1 Do Q \
                       q 7.2 0 0 1.92 0 0 cm /Im2 Do Q";
        let reversed = "q 7.2 0 0 1.92 0 0 cm /Im2 Do Q q 7.2 0 0 1.92 0 1.92 cm /Im1 Do Q \
                        q 7.2 0 0 1.92 0 3.84 cm /Im0 Do Q";
        for (content, forms) in [
            (on_page, vec![]),
            ("q /Fm0 Do Q", vec![on_page]),
            (reversed, vec![]),
        ] {
            let (doc, page) = page_doc(MEDIA, content, strips(), &forms);
            let composed = read(&doc, page);
            assert_eq!(composed.image, full.image, "{content}");
            assert_eq!(composed.ppi, Some(300));
        }
    }

    #[test]
    fn tiles_and_a_missing_tile_leave_white() {
        // Four 15 × 12 tiles, the bottom right one not drawn.
        let tile =
            |tx: usize, ty: usize| gray(15, 12, move |x, y| pattern(x + 15 * tx, y + 12 * ty));
        let (doc, page) = page_doc(
            MEDIA,
            "q 3.6 0 0 2.88 0 2.88 cm /Im0 Do Q q 3.6 0 0 2.88 3.6 2.88 cm /Im1 Do Q \
             q 3.6 0 0 2.88 0 0 cm /Im2 Do Q",
            vec![tile(0, 0), tile(1, 0), tile(0, 1)],
            &[],
        );
        let img = read(&doc, page).image;
        assert_eq!((img.width, img.height), (W, H));
        for y in 0..H {
            for x in 0..W {
                let want = if x >= 15 && y >= 12 {
                    255
                } else {
                    pattern(x, y)
                };
                assert_eq!(img.pixels[y * W + x], want, "({x}, {y})");
            }
        }
    }

    /// A 3 × 2 image: A B C over D E F.
    fn abc() -> Stream {
        gray(3, 2, |x, y| [[1, 2, 3], [4, 5, 6]][y][x])
    }

    #[test]
    fn flipped_and_turned_placements_read_as_the_page_shows_them() {
        let cases: [(&str, usize, Vec<u8>); 5] = [
            ("3 0 0 2 0 0 cm", 3, vec![1, 2, 3, 4, 5, 6]),
            // Upside down: d < 0.
            ("3 0 0 -2 0 2 cm", 3, vec![4, 5, 6, 1, 2, 3]),
            // Mirrored: a < 0.
            ("-3 0 0 2 3 0 cm", 3, vec![3, 2, 1, 6, 5, 4]),
            // A quarter turn anticlockwise: the top row runs up the left column.
            ("0 3 -2 0 2 0 cm", 2, vec![3, 6, 2, 5, 1, 4]),
            // A quarter turn clockwise.
            ("0 -3 2 0 0 3 cm", 2, vec![4, 1, 5, 2, 6, 3]),
        ];
        for (cm, width, want) in cases {
            let (doc, page) = page_doc((3.0, 3.0), &format!("q {cm} /Im0 Do Q"), vec![abc()], &[]);
            let img = read(&doc, page).image;
            assert_eq!(
                (img.width, img.pixels.as_slice()),
                (width, want.as_slice()),
                "{cm}"
            );
            // The same placement next to a white image is composed the same way.
            let (doc, page) = page_doc(
                (6.0, 3.0),
                &format!("q 3 0 0 3 3 0 cm /Im1 Do Q q {cm} /Im0 Do Q"),
                vec![abc(), gray(3, 3, |_, _| 255)],
                &[],
            );
            let img = read(&doc, page).image;
            let left: Vec<u8> = img
                .pixels
                .chunks(img.width)
                .flat_map(|row| row[..width].to_vec())
                .filter(|&p| p != 255)
                .collect();
            assert_eq!(left, want, "composed {cm}");
        }
    }

    /// Sets the page's `/Rotate`.
    fn rotate(doc: &mut Document, page: ObjectId, value: Object) {
        doc.get_dictionary_mut(page)
            .expect("the page")
            .set("Rotate", value);
    }

    #[test]
    fn a_rotated_page_is_turned_clockwise_to_read_as_displayed() {
        let cases: [(i64, usize, Vec<u8>); 5] = [
            (0, 3, vec![1, 2, 3, 4, 5, 6]),
            // A quarter clockwise: the left column, bottom up, is the top row.
            (90, 2, vec![4, 1, 5, 2, 6, 3]),
            (180, 3, vec![6, 5, 4, 3, 2, 1]),
            (270, 2, vec![3, 6, 2, 5, 1, 4]),
            // Near miss: not a multiple of 90, not turned.
            (45, 3, vec![1, 2, 3, 4, 5, 6]),
        ];
        for (degrees, width, want) in cases {
            let (mut doc, page) =
                page_doc((3.0, 2.0), "q 3 0 0 2 0 0 cm /Im0 Do Q", vec![abc()], &[]);
            rotate(&mut doc, page, Object::Integer(degrees));
            let img = read(&doc, page).image;
            assert_eq!(
                (img.width, img.pixels.as_slice()),
                (width, want.as_slice()),
                "/Rotate {degrees}"
            );
        }
        // Composed beside a white image, the page turns as a whole: the image on the left is
        // on top after a quarter clockwise, the white one on the right below it.
        let (mut doc, page) = page_doc(
            (6.0, 2.0),
            "q 3 0 0 2 0 0 cm /Im0 Do Q q 3 0 0 2 3 0 cm /Im1 Do Q",
            vec![abc(), gray(3, 2, |_, _| 255)],
            &[],
        );
        rotate(&mut doc, page, Object::Integer(90));
        let turned = read(&doc, page);
        assert_eq!((turned.image.width, turned.image.height), (2, 6));
        assert_eq!(&turned.image.pixels[..6], &[4, 1, 5, 2, 6, 3]);
        assert!(turned.image.pixels[6..].iter().all(|&p| p == 255));
    }

    #[test]
    fn turning_four_quarters_is_the_image_again() {
        let img = GrayImage {
            width: 3,
            height: 2,
            pixels: vec![1, 2, 3, 4, 5, 6],
        };
        let mut turned = img.clone();
        for _ in 0..4 {
            turned = turn_clockwise(turned, 1);
        }
        assert_eq!(turned, img);
        assert_eq!(turn_clockwise(turn_clockwise(img.clone(), 1), 3), img);
        assert_eq!(turn_clockwise(img.clone(), 4), img);
        let empty = GrayImage {
            width: 0,
            height: 0,
            pixels: vec![],
        };
        assert_eq!(turn_clockwise(empty.clone(), 1), empty);
    }

    #[test]
    fn a_mask_paints_its_ink_at_its_finer_resolution_over_the_background() {
        // A 2 × 2 mid-grey background and a 4 × 4 mask over the same area, ink on its
        // diagonal: the page is read at the mask's resolution.
        let mask = Stream::new(
            dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 4, "Height" => 4, "ImageMask" => true},
            vec![0b0111_0000, 0b1011_0000, 0b1101_0000, 0b1110_0000],
        );
        let (doc, page) = page_doc(
            (4.0, 4.0),
            "q 4 0 0 4 0 0 cm /Im0 Do Q q 4 0 0 4 0 0 cm /Im1 Do Q",
            vec![gray(2, 2, |_, _| 128), mask],
            &[],
        );
        let img = read(&doc, page).image;
        assert_eq!((img.width, img.height), (4, 4));
        for y in 0..4 {
            for x in 0..4 {
                assert_eq!(
                    img.pixels[y * 4 + x],
                    if x == y { 0 } else { 128 },
                    "({x}, {y})"
                );
            }
        }
    }

    #[test]
    fn an_image_with_a_soft_mask_shows_its_letters_not_a_black_rectangle() {
        // A 4 × 4 black image whose soft mask (2 × 2, coarser) lets through its left half.
        let with_smask = |doc: &mut Document| {
            let smask = doc.add_object(gray(2, 2, |x, _| if x == 0 { 255 } else { 0 }));
            let mut black = gray(4, 4, |_, _| 0);
            black.dict.set("SMask", smask);
            black
        };
        // Alone on the page: over white paper.
        let (mut doc, page) = page_doc((4.0, 4.0), "q 4 0 0 4 0 0 cm /Im0 Do Q", vec![], &[]);
        let black = with_smask(&mut doc);
        let id = doc.add_object(black);
        doc.get_dictionary_mut(page).unwrap().set(
            "Resources",
            dictionary! {"XObject" => dictionary! {"Im0" => id}},
        );
        let img = read(&doc, page).image;
        for (i, &p) in img.pixels.iter().enumerate() {
            assert_eq!(p, if i % 4 < 2 { 0 } else { 255 }, "pixel {i}");
        }
        // Over a mid-grey background: the background shows where the mask is clear.
        let (mut doc, page) = page_doc(
            (4.0, 4.0),
            "q 4 0 0 4 0 0 cm /Im0 Do Q q 4 0 0 4 0 0 cm /Im1 Do Q",
            vec![gray(2, 2, |_, _| 128)],
            &[],
        );
        let black = with_smask(&mut doc);
        let id = doc.add_object(black);
        let resources = doc
            .get_dictionary_mut(page)
            .unwrap()
            .get_mut(b"Resources")
            .unwrap()
            .as_dict_mut()
            .unwrap()
            .get_mut(b"XObject")
            .unwrap()
            .as_dict_mut()
            .unwrap();
        resources.set("Im1", id);
        let img = read(&doc, page).image;
        for (i, &p) in img.pixels.iter().enumerate() {
            assert_eq!(p, if i % 4 < 2 { 0 } else { 128 }, "pixel {i}");
        }
        // Near miss: the same image without its mask is the black rectangle.
        let (doc, page) = page_doc(
            (4.0, 4.0),
            "q 4 0 0 4 0 0 cm /Im0 Do Q",
            vec![gray(4, 4, |_, _| 0)],
            &[],
        );
        assert!(read(&doc, page).image.pixels.iter().all(|&p| p == 0));
    }

    /// `BI … ID data EI` with `params`.
    fn inline(params: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!("BI {params} ID ").into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nEI ");
        out
    }

    #[test]
    fn inline_images_are_read_like_image_xobjects() {
        // One inline image, and one whose data holds " EI ".
        let abc_inline = |data: &[u8]| {
            let mut content = b"q 3 0 0 2 0 0 cm ".to_vec();
            content.extend(inline("/W 3 /H 2 /BPC 8 /CS /G", data));
            content.extend_from_slice(b"Q");
            content
        };
        let (doc, page) = page_doc((3.0, 3.0), &abc_inline(&[1, 2, 3, 4, 5, 6]), vec![], &[]);
        assert_eq!(read(&doc, page).image.pixels, [1, 2, 3, 4, 5, 6]);
        let (doc, page) = page_doc((3.0, 3.0), &abc_inline(b"\x01 EI \x06"), vec![], &[]);
        assert_eq!(read(&doc, page).image.pixels, b"\x01 EI \x06");
        // The picture as three inline strips, Flate-compressed with the abbreviations, equals
        // the image XObject drawn whole.
        let (doc, page) = page_doc(
            MEDIA,
            "q 7.2 0 0 5.76 0 0 cm /Im0 Do Q",
            vec![gray(W, H, pattern)],
            &[],
        );
        let full = read(&doc, page);
        let mut content = Vec::new();
        for s in 0..3 {
            let rows: Vec<u8> = (0..8)
                .flat_map(|y| (0..W).map(move |x| pattern(x, y + 8 * s)))
                .collect();
            let y = 3.84 - 1.92 * s as f64;
            content.extend(format!("q 7.2 0 0 1.92 0 {y} cm ").into_bytes());
            content.extend(inline(
                &format!("/W {W} /H 8 /BPC 8 /CS /G /F /Fl"),
                &zlib(&rows),
            ));
            content.extend_from_slice(b"Q ");
        }
        let (doc, page) = page_doc(MEDIA, &content, vec![], &[]);
        let composed = read(&doc, page);
        assert_eq!(composed.image, full.image);
        assert_eq!(composed.ppi, Some(300));
    }

    #[test]
    fn an_inline_image_mask_and_an_indexed_inline_image_from_the_resources() {
        // A 4 × 1 stencil painting its zeros black over a white image XObject.
        let mut content = b"q 4 0 0 1 0 0 cm /Im0 Do Q q 4 0 0 1 0 0 cm ".to_vec();
        content.extend(inline("/W 4 /H 1 /IM true", &[0b0101_0000]));
        content.extend_from_slice(b"Q");
        let (doc, page) = page_doc((4.0, 1.0), &content, vec![gray(4, 1, |_, _| 255)], &[]);
        assert_eq!(read(&doc, page).image.pixels, [0, 255, 0, 255]);
        // An indexed palette named by the page's resources: index 1 is black.
        let (mut doc, page) = page_doc((2.0, 1.0), "", vec![], &[]);
        let mut content = b"q 2 0 0 1 0 0 cm ".to_vec();
        content.extend(inline("/W 2 /H 1 /BPC 8 /CS /P0", &[1, 0]));
        content.extend_from_slice(b"Q");
        let contents = doc.add_object(Stream::new(dictionary! {}, content));
        let palette = Object::Array(vec![
            Object::Name(b"Indexed".to_vec()),
            Object::Name(b"DeviceGray".to_vec()),
            Object::Integer(1),
            Object::String(vec![255, 0], lopdf::StringFormat::Hexadecimal),
        ]);
        let page_dict = doc.get_dictionary_mut(page).unwrap();
        page_dict.set("Contents", contents);
        page_dict.set(
            "Resources",
            dictionary! {"ColorSpace" => dictionary! {"P0" => palette}},
        );
        assert_eq!(read(&doc, page).image.pixels, [0, 255]);
    }

    #[test]
    fn a_broken_inline_image_fails_its_page_or_is_left_out_never_a_panic() {
        // Data short of its size: the page is this image, so the page fails, naming it.
        let mut content = b"q 3 0 0 2 0 0 cm ".to_vec();
        content.extend(inline("/W 3 /H 2 /BPC 8 /CS /G", &[1, 2]));
        content.extend_from_slice(b"Q");
        let (doc, page) = page_doc((3.0, 3.0), &content, vec![], &[]);
        let err = plan(&doc, page, &Limits::default(), Deadline::none())
            .unwrap()
            .compose(&doc, 1, 1 << 20, &Deadline::none())
            .unwrap_err();
        assert!(err.to_string().contains("an inline image"), "{err}");
        // As a small stamp on a scan it is left out.
        let mut content = b"q 7.2 0 0 5.76 0 0 cm /Im0 Do Q q 0.7 0 0 0.7 0 0 cm ".to_vec();
        content.extend(inline("/W 3 /H 2 /BPC 8 /CS /G", &[1, 2]));
        content.extend_from_slice(b"Q");
        let (doc, page) = page_doc(MEDIA, &content, vec![gray(W, H, pattern)], &[]);
        assert_eq!(read(&doc, page).image.pixels[0], pattern(0, 0));
        // No EI, a huge declared size, garbage parameters, a bad /L: no panic, no hang.
        for content in [
            &b"q 3 0 0 2 0 0 cm BI /W 3 /H 2 /BPC 8 /CS /G ID \x01\x02"[..],
            b"q 3 0 0 2 0 0 cm BI /W 99999999 /H 99999999 /CS /G /BPC 8 ID abc EI Q",
            b"q 3 0 0 2 0 0 cm BI /W -3 /H (x) /CS [/I] /F 5 ID abc EI Q",
            b"q 3 0 0 2 0 0 cm BI /W 3 /H 2 /L 99999 /CS /G /BPC 8 ID abcdef EI Q",
            b"q 3 0 0 2 0 0 cm BI ID EI Q",
        ] {
            let (doc, page) = page_doc((3.0, 3.0), content, vec![], &[]);
            if let Some(plan) = plan(&doc, page, &Limits::default(), Deadline::none()) {
                let _ = plan.compose(&doc, 1, 1 << 20, &Deadline::none());
            }
        }
    }

    #[test]
    fn a_small_fine_logo_does_not_set_the_resolution() {
        // A 30 × 24 scan over the page and a 40 × 40 logo in a corner a tenth of its size.
        let logo = || gray(40, 40, |_, _| 0);
        let (doc, page) = page_doc(
            MEDIA,
            "q 7.2 0 0 5.76 0 0 cm /Im0 Do Q q 0.72 0 0 0.72 0 0 cm /Im1 Do Q",
            vec![gray(W, H, pattern), logo()],
            &[],
        );
        let img = read(&doc, page).image;
        assert_eq!((img.width, img.height), (W, H));
        // Near miss: a logo as large as a quarter of the page does set it.
        let (doc, page) = page_doc(
            MEDIA,
            "q 7.2 0 0 5.76 0 0 cm /Im0 Do Q q 3.6 0 0 2.88 0 0 cm /Im1 Do Q",
            vec![gray(W, H, pattern), logo()],
            &[],
        );
        let img = read(&doc, page).image;
        assert!(img.width > W, "{} × {}", img.width, img.height);
    }

    #[test]
    fn a_skewed_image_is_left_out_of_a_composed_page_and_read_alone_otherwise() {
        let (doc, page) = page_doc(
            (6.0, 3.0),
            "q 3 0 0 2 0 0 cm /Im0 Do Q q 2 1 -1 2 4 0 cm /Im1 Do Q q 3 0 0 2 3 0 cm /Im0 Do Q",
            vec![abc(), gray(5, 5, |_, _| 0)],
            &[],
        );
        let img = read(&doc, page).image;
        assert_eq!((img.width, img.height), (6, 2));
        assert_eq!(img.pixels, [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
        let (doc, page) = page_doc((6.0, 3.0), "q 2 1 -1 2 4 0 cm /Im0 Do Q", vec![abc()], &[]);
        let read = read(&doc, page);
        assert_eq!(read.image.pixels, [1, 2, 3, 4, 5, 6]);
        assert_eq!(read.ppi, None);
    }

    #[test]
    fn a_broken_logo_is_left_out_but_a_broken_strip_fails_the_page() {
        let broken = || {
            Stream::new(
                dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 40, "Height" => 40, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Filter" => "DCTDecode"},
                b"no jpeg".to_vec(),
            )
        };
        let (doc, page) = page_doc(
            MEDIA,
            "q 7.2 0 0 5.76 0 0 cm /Im0 Do Q q 0.72 0 0 0.72 0 0 cm /Im1 Do Q",
            vec![gray(W, H, pattern), broken()],
            &[],
        );
        let img = read(&doc, page).image;
        assert_eq!(img.pixels[0], pattern(0, 0));
        let (doc, page) = page_doc(
            MEDIA,
            "q 7.2 0 0 2.88 0 2.88 cm /Im0 Do Q q 7.2 0 0 2.88 0 0 cm /Im1 Do Q",
            vec![gray(W, 12, pattern), broken()],
            &[],
        );
        let err = plan(&doc, page, &Limits::default(), Deadline::none())
            .unwrap()
            .compose(&doc, 1, 1 << 24, &Deadline::none())
            .unwrap_err();
        assert!(matches!(err, ImageError::Corrupt { page: 1, .. }), "{err}");
    }

    #[test]
    fn images_only_in_the_resources_are_read_as_before() {
        let (doc, page) = page_doc((3.0, 3.0), "", vec![abc(), gray(1, 1, |_, _| 0)], &[]);
        assert_eq!(read(&doc, page).image.pixels, [1, 2, 3, 4, 5, 6]);
        // Near miss: no image at all.
        let (doc, page) = page_doc((3.0, 3.0), "0 0 m 1 1 l S", vec![], &[]);
        assert!(plan(&doc, page, &Limits::default(), Deadline::none()).is_none());
    }

    #[test]
    fn huge_and_many_images_are_capped_before_decoding() {
        // Two 20 000 × 20 000 images side by side: 800 M pixels declared, none decoded here.
        let huge = || {
            Stream::new(
                dictionary! {"Type" => "XObject", "Subtype" => "Image", "Width" => 20_000, "Height" => 20_000, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray"},
                vec![],
            )
        };
        let (doc, page) = page_doc(
            (200.0, 100.0),
            "q 100 0 0 100 0 0 cm /Im0 Do Q q 100 0 0 100 100 0 cm /Im1 Do Q",
            vec![huge(), huge()],
            &[],
        );
        let plan = plan(&doc, page, &Limits::default(), Deadline::none()).unwrap();
        let Layout::Composed { width, height, .. } = plan.layout else {
            panic!("{:?}", plan.layout);
        };
        assert!(width <= MAX_IMAGE_SIDE && width * height <= MAX_IMAGE_PIXELS);
        assert!(width >= 8_900, "{width} × {height}");
        let cost = plan.cost(&doc);
        assert!(
            cost <= 5 * MAX_IMAGE_PIXELS && cost >= 3 * width * height,
            "{cost}"
        );
        // 300 tiles drawn: the 256 largest are kept.
        let content: String = (0..300)
            .map(|i| format!("q 1 0 0 1 {} 0 cm /Im{} Do Q ", i % 30, i % 2))
            .collect();
        let (doc, page) = page_doc((30.0, 1.0), &content, vec![abc(), abc()], &[]);
        let plan = super::plan(&doc, page, &Limits::default(), Deadline::none()).unwrap();
        assert_eq!(plan.images(), MAX_PAGE_IMAGES);
    }

    #[test]
    fn odd_matrices_never_panic() {
        for cm in [
            "0 0 0 0 0 0 cm",
            "1e30 0 0 1e30 0 0 cm",
            "-1e-30 0 0 1e-30 5 5 cm",
            "3 0 0 2 1e9 1e9 cm",
            "0.0001 0 0 0.0001 0 0 cm",
        ] {
            let content = format!("q {cm} /Im0 Do Q q 3 0 0 2 0 0 cm /Im0 Do Q");
            let (doc, page) = page_doc((3.0, 3.0), &content, vec![abc()], &[]);
            if let Some(plan) = plan(&doc, page, &Limits::default(), Deadline::none()) {
                let _ = plan.compose(&doc, 1, 1 << 20, &Deadline::none());
            }
        }
    }
}
