//! Text extraction: content streams interpreted over lopdf's object model, fonts decoded to
//! Unicode, glyphs placed on the page and read back in reading order.
//!
//! Layers, after hayro: `lexer` (bytes → operands and operators), `interpreter` (graphics and
//! text state, one `match` over operators, a `Device` that receives glyphs and images),
//! `font` (code → Unicode and advance), `layout` (glyphs → words → lines → blocks → text).

pub mod font;

use schemars::JsonSchema;
use serde::Serialize;

/// The text of one page and what OCR needs to know about it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PageText {
    /// 1-based page number.
    pub number: usize,
    /// The page's text in reading order, NFC.
    pub text: String,
    /// True when the page has a text layer worth using (enough decodable characters).
    pub has_text_layer: bool,
    /// Share of the page area covered by images, 0.0 to 1.0.
    pub image_coverage: f64,
}
