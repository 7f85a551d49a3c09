//! `document.ocr_used`: some or all of the text the verdict rests on was read by OCR from
//! page images, so names and dates may carry recognition errors (verdict.md § Findings).

use serde_json::json;

use super::{FindingCode, finding};
use crate::ocr::OcrInfo;
use crate::record::Finding;
use crate::verify::policy::Policy;

/// One finding when any page was handed to OCR. When OCR read nothing, the message says so
/// and why, because the rest of the verdict (`document.not_protocol`, `unsigned`) then rests
/// on pages arkivar could not read.
pub fn ocr_used(ocr: Option<&OcrInfo>, policy: &Policy) -> Vec<Finding> {
    let Some(ocr) = ocr.filter(|o| !o.pages.is_empty()) else {
        return Vec::new();
    };
    let read: Vec<usize> = ocr
        .pages
        .iter()
        .filter(|p| p.words > 0)
        .map(|p| p.page)
        .collect();
    let errors: Vec<String> = ocr.pages.iter().filter_map(|p| p.error.clone()).collect();
    let confidences: Vec<f64> = ocr.pages.iter().filter_map(|p| p.confidence).collect();
    let mean = (!confidences.is_empty())
        .then(|| confidences.iter().sum::<f64>() / confidences.len() as f64);
    let message = if read.is_empty() {
        format!(
            "{} page(s) are images without a text layer and OCR found no recognisable text on them{}",
            ocr.pages.len(),
            errors
                .first()
                .map(|e| format!(": {e}"))
                .unwrap_or_else(|| ".".into())
        )
    } else {
        format!(
            "The text of {} of {} image page(s) was read by OCR ({} {}, mean word confidence {:.0}); names and dates may carry recognition errors.",
            read.len(),
            ocr.pages.len(),
            ocr.engine,
            ocr.version.as_deref().unwrap_or("version unknown"),
            mean.unwrap_or(0.0)
        )
    };
    vec![finding(
        policy,
        FindingCode::DocumentOcrUsed,
        message,
        &[
            ("pages", json!(read)),
            ("engine", json!(ocr.engine)),
            ("version", json!(ocr.version)),
            ("languages", json!(ocr.languages)),
            ("mean_confidence", json!(mean)),
            ("errors", json!(errors)),
        ],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::OcrPage;
    use crate::record::Severity;

    fn info(pages: Vec<OcrPage>) -> OcrInfo {
        OcrInfo {
            engine: "tesseract".into(),
            version: Some("5.3.0".into()),
            languages: vec!["swe".into()],
            pages,
        }
    }

    fn page(page: usize, words: usize, error: Option<&str>) -> OcrPage {
        OcrPage {
            page,
            words,
            confidence: (words > 0).then_some(90.0),
            ink_marks: 0,
            error: error.map(str::to_owned),
            deskewed_degrees: None,
            layout: Default::default(),
        }
    }

    #[test]
    fn a_scanned_page_read_by_ocr_is_reported_as_info() {
        let f = ocr_used(Some(&info(vec![page(1, 200, None)])), &Policy::default());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "document.ocr_used");
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(f[0].evidence["pages"], json!([1]));
    }

    #[test]
    fn born_digital_text_is_not_ocr() {
        assert!(ocr_used(None, &Policy::default()).is_empty());
        assert!(ocr_used(Some(&info(vec![])), &Policy::default()).is_empty());
    }

    #[test]
    fn ocr_that_read_nothing_says_why() {
        let f = ocr_used(
            Some(&info(vec![page(1, 0, Some("OCR took longer than 60 s"))])),
            &Policy::default(),
        );
        assert!(
            f[0].message.contains("no recognisable text"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("60 s"), "{}", f[0].message);
    }
}
