//! A tolerant walk of the page tree, and the in-memory repair of trees lopdf cannot walk.
//!
//! lopdf's `page_iter` (which `get_pages` and every page consumer use) follows only indirect
//! kids typed `/Page` or `/Pages` under a catalog `/Pages` that is a reference to a node with
//! `/Kids`. Real files break that in ways pdf.js, poppler and MuPDF read through: pages written
//! as direct dictionaries in `/Kids`, a catalog `/Pages` that is itself the one page, nodes
//! without `/Type`, `/Kids` that is a lone reference, kids that name missing objects. This
//! module walks the tree as those readers do and, only when the walk finds pages lopdf does
//! not see as it should, rewrites the tree in memory into one flat `/Pages` node listing every
//! page, so all consumers of `get_pages` work unchanged. The file's bytes are not touched
//! (signature checks read those), and a well-formed tree is never rewritten.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};
use thiserror::Error;

use super::object::deref;

/// Deepest page tree followed; lopdf's own iterator stops at the same depth.
pub const MAX_TREE_DEPTH: usize = 256;

/// Defects are listed in the record up to this many; the rest are counted.
const MAX_LISTED_DEFECTS: usize = 4;

/// Attributes a page inherits from its ancestors (ISO 32000-2 §7.7.3.4, Table 31).
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Something wrong with the page tree that the walk read through or had to skip.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TreeDefect {
    /// The trailer's `/Root` is unusable; a catalog was found among the objects instead.
    #[error("the trailer's /Root is not a usable catalog; object {} {} was used", .0.0, .0.1)]
    CatalogFound(ObjectId),
    /// No catalog has a `/Pages` entry and no page tree root stands alone.
    #[error("no catalog with a /Pages entry and no page tree root was found")]
    NoPagesEntry,
    /// No catalog is readable; a `/Pages` node without a parent was taken as the tree's root.
    #[error("no catalog is readable; object {} {}, a /Pages node without /Parent, was used as the page tree", .0.0, .0.1)]
    TreeRootFound(ObjectId),
    /// The catalog's `/Pages` names an object the file does not have.
    #[error("the catalog's /Pages names object {} {}, which the file does not have", .0.0, .0.1)]
    RootMissing(ObjectId),
    /// A node lists itself among its own ancestors' kids.
    #[error("object {} {} is its own ancestor in the page tree (a cycle); it was skipped", .0.0, .0.1)]
    Cycle(ObjectId),
    /// A node is listed twice in different places.
    #[error("object {} {} is reached twice in the page tree; the second was skipped", .0.0, .0.1)]
    Shared(ObjectId),
    /// The tree is deeper than [`MAX_TREE_DEPTH`].
    #[error("the page tree is deeper than {MAX_TREE_DEPTH} levels; deeper kids were skipped")]
    TooDeep,
    /// Pages written as dictionaries inside `/Kids` instead of as references.
    #[error("{0} page(s) are direct dictionaries in /Kids instead of references")]
    DirectPages(usize),
    /// The catalog's `/Pages` is itself a page.
    #[error("the catalog's /Pages is a page, not a page tree node")]
    RootIsPage,
    /// Pages or nodes lopdf cannot classify (no or a wrong `/Type`).
    #[error("{0} page tree object(s) have no or a wrong /Type; it was inferred from /Kids")]
    Untyped(usize),
    /// Kids that name objects the file does not have; each is read as a blank page.
    #[error("{0} page(s) name missing objects and are read as blank pages")]
    MissingPages(usize),
    /// Kids that are neither dictionaries nor references to them.
    #[error("{0} kid(s) are neither page dictionaries nor references to them and were skipped")]
    NotPages(usize),
    /// No page could be reached from a tree, but the file has objects typed `/Page`.
    #[error(
        "no page was reachable through a page tree; {0} object(s) typed /Page were read in object-number order"
    )]
    PagesScanned(usize),
}

/// A page the walk found, with what it inherits, owned so the document can then be changed.
#[derive(Debug, Clone)]
enum Found {
    /// An indirect page object.
    Indirect { id: ObjectId, inherited: Inherited },
    /// A page dictionary written directly in a `/Kids` array.
    Direct {
        dict: Box<Dictionary>,
        inherited: Inherited,
    },
    /// A kid naming an object the document does not have.
    Missing { inherited: Inherited },
}

impl Found {
    fn id(&self) -> Option<ObjectId> {
        match self {
            Found::Indirect { id, .. } => Some(*id),
            Found::Direct { .. } | Found::Missing { .. } => None,
        }
    }
}

/// The nearest ancestor's value of each of [`INHERITED`].
type Inherited = [Option<Object>; INHERITED.len()];

/// What the tolerant walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// The catalog the walk started from (`None` when there is none and the tree's root was
    /// found by itself).
    catalog: Option<ObjectId>,
    /// True when the walk found a page tree root to start from.
    found_root: bool,
    pages: Vec<Found>,
    defects: Vec<TreeDefect>,
}

impl Walk {
    /// Pages found (direct, indirect and missing ones).
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// What was wrong with the tree.
    pub fn defects(&self) -> &[TreeDefect] {
        &self.defects
    }

    /// Kids that name objects the document does not have.
    pub fn missing_count(&self) -> usize {
        self.pages
            .iter()
            .filter(|found| matches!(found, Found::Missing { .. }))
            .count()
    }

    /// Why the walk found no page, for the record.
    pub fn why_empty(&self) -> Option<String> {
        if self.defects.is_empty() {
            return None;
        }
        Some(
            self.defects
                .iter()
                .take(MAX_LISTED_DEFECTS)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}

/// How one tree object is read.
enum Kind<'d> {
    Page,
    Node(&'d [Object]),
}

/// Classifies a page tree dictionary as readers do: `/Type /Page` is a page; a dictionary with
/// `/Kids` is a node whatever its `/Type`; anything else (a `/Pages` without `/Kids`, an
/// untyped dictionary) is a page. The flag says whether lopdf would classify it differently.
fn classify<'d>(doc: &'d Document, dict: &'d Dictionary) -> (Kind<'d>, bool) {
    let declared = dict.get(b"Type").ok().and_then(|t| t.as_name().ok());
    let kids = dict.get(b"Kids").ok().and_then(|kids| match kids {
        // A lone reference where an array belongs: read as a one-element array unless it
        // names the array.
        Object::Reference(id) => match doc.objects.get(id) {
            Some(Object::Array(array)) => Some(array.as_slice()),
            _ => Some(std::slice::from_ref(kids)),
        },
        Object::Array(array) => Some(array.as_slice()),
        _ => None,
    });
    match (declared, kids) {
        (Some(b"Page"), _) => (Kind::Page, false),
        (Some(b"Pages"), Some(kids)) => (Kind::Node(kids), false),
        (_, Some(kids)) => (Kind::Node(kids), true),
        (_, None) => (Kind::Page, declared != Some(b"Page")),
    }
}

/// One level of the walk: the kids still to visit and what they inherit.
struct Frame<'d> {
    kids: &'d [Object],
    inherited: Inherited,
    /// The node's object id, for cycle detection (`None` for a direct node).
    node: Option<ObjectId>,
}

/// Walks the page tree of `doc` tolerantly, stopping after `max_pages + 1` pages so a page
/// limit check still sees that there are too many.
pub fn walk(doc: &Document, max_pages: usize) -> Walk {
    let mut walk = walk_tree(doc, max_pages);
    let no_tree = walk
        .defects
        .iter()
        .any(|d| matches!(d, TreeDefect::RootMissing(_) | TreeDefect::NoPagesEntry));
    if walk.pages.is_empty() && no_tree {
        scan_pages(doc, max_pages, &mut walk);
    }
    walk
}

/// When there is no tree to walk (the catalog's `/Pages` names a missing object, or there is
/// no catalog or tree root at all, as in truncated and fuzzed files), takes every object typed
/// `/Page` in object-number order, as poppler and MuPDF do when they repair such a file, each
/// with what it inherits through its `/Parent` chain. A tree that is there but empty is left
/// empty: its old page objects may be pages an update removed. A file with no page object
/// keeps the walk's defects and is refused with them.
fn scan_pages(doc: &Document, max_pages: usize, walk: &mut Walk) {
    let cap = max_pages.saturating_add(1);
    let pages: Vec<Found> = doc
        .objects
        .iter()
        .filter_map(|(id, object)| match object {
            Object::Dictionary(dict) if dict.has_type(b"Page") => Some(Found::Indirect {
                id: *id,
                inherited: inherited_through_parents(doc, dict),
            }),
            _ => None,
        })
        .take(cap)
        .collect();
    if pages.is_empty() {
        return;
    }
    walk.defects.push(TreeDefect::PagesScanned(pages.len()));
    walk.pages = pages;
    walk.found_root = true;
    // Keep the file's catalog (its forms, outlines, names) when it has one without `/Pages`.
    if walk.catalog.is_none()
        && let Ok(Object::Reference(id)) = doc.trailer.get(b"Root")
        && let Some(Object::Dictionary(_)) = doc.objects.get(id).and_then(|o| deref(doc, o))
    {
        walk.catalog = Some(*id);
    }
}

/// What a page found outside any walk inherits: each attribute from its nearest ancestor along
/// `/Parent` that sets it (at most [`MAX_TREE_DEPTH`] levels, so a parent cycle ends).
fn inherited_through_parents(doc: &Document, page: &Dictionary) -> Inherited {
    let mut chain = vec![page];
    let mut at = page;
    while chain.len() <= MAX_TREE_DEPTH {
        let Some(Object::Dictionary(parent)) =
            at.get(b"Parent").ok().and_then(|parent| deref(doc, parent))
        else {
            break;
        };
        chain.push(parent);
        at = parent;
    }
    // Root first, so nearer ancestors (and the page itself) override farther ones.
    chain
        .iter()
        .rev()
        .fold(Inherited::default(), |inherited, dict| {
            inherit(inherited, dict)
        })
}

/// Walks the tree from the catalog's `/Pages` (or a tree root found by itself).
fn walk_tree(doc: &Document, max_pages: usize) -> Walk {
    let mut walk = Walk::default();
    let Some((catalog, root)) = find_root(doc, &mut walk.defects) else {
        return walk;
    };
    walk.catalog = catalog;
    walk.found_root = true;
    let cap = max_pages.saturating_add(1);
    let mut counts = Counts::default();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut stack: Vec<Frame> = Vec::new();

    // The root is a kid like any other, with nothing to inherit.
    let root_slice = std::slice::from_ref(&root);
    stack.push(Frame {
        kids: root_slice,
        inherited: Default::default(),
        node: None,
    });
    let mut at_root = true;
    while let Some(frame) = stack.last_mut() {
        let Some((kid, rest)) = frame.kids.split_first() else {
            stack.pop();
            continue;
        };
        frame.kids = rest;
        let inherited = frame.inherited.clone();
        let is_root = std::mem::take(&mut at_root);
        if walk.pages.len() >= cap {
            break;
        }
        let (id, dict) = match kid {
            Object::Reference(id) => match doc.objects.get(id) {
                // A missing root is no page, and there is no tree to read.
                None if is_root => {
                    walk.defects.push(TreeDefect::RootMissing(*id));
                    break;
                }
                None => {
                    counts.missing += 1;
                    walk.pages.push(Found::Missing { inherited });
                    continue;
                }
                Some(object) => match deref(doc, object) {
                    Some(Object::Dictionary(dict)) => (Some(*id), dict),
                    _ => {
                        counts.not_pages += 1;
                        continue;
                    }
                },
            },
            Object::Dictionary(dict) => (None, dict),
            _ => {
                counts.not_pages += 1;
                continue;
            }
        };
        if let Some(id) = id {
            if stack.iter().any(|f| f.node == Some(id)) {
                push_once(&mut walk.defects, TreeDefect::Cycle(id));
                continue;
            }
            if !seen.insert(id) && !matches!(classify(doc, dict).0, Kind::Page) {
                push_once(&mut walk.defects, TreeDefect::Shared(id));
                continue;
            }
        }
        let (kind, untyped) = classify(doc, dict);
        if untyped {
            counts.untyped += 1;
        }
        let inherited = inherit(inherited, dict);
        match kind {
            Kind::Page => {
                if is_root {
                    walk.defects.push(TreeDefect::RootIsPage);
                }
                walk.pages.push(match id {
                    Some(id) => Found::Indirect { id, inherited },
                    None => {
                        counts.direct += 1;
                        Found::Direct {
                            dict: Box::new(dict.clone()),
                            inherited,
                        }
                    }
                });
            }
            Kind::Node(kids) => {
                // The root's frame is not a tree level.
                if stack.len() > MAX_TREE_DEPTH {
                    push_once(&mut walk.defects, TreeDefect::TooDeep);
                    continue;
                }
                stack.push(Frame {
                    kids,
                    inherited,
                    node: id,
                });
            }
        }
    }
    counts.record(&mut walk.defects);
    walk
}

/// Tallies of defects found many times, reported once each.
#[derive(Default)]
struct Counts {
    direct: usize,
    untyped: usize,
    missing: usize,
    not_pages: usize,
}

impl Counts {
    fn record(self, defects: &mut Vec<TreeDefect>) {
        let tallies = [
            (
                self.direct,
                TreeDefect::DirectPages as fn(usize) -> TreeDefect,
            ),
            (self.untyped, TreeDefect::Untyped),
            (self.missing, TreeDefect::MissingPages),
            (self.not_pages, TreeDefect::NotPages),
        ];
        for (count, defect) in tallies {
            if count > 0 {
                defects.push(defect(count));
            }
        }
    }
}

fn push_once(defects: &mut Vec<TreeDefect>, defect: TreeDefect) {
    if !defects.contains(&defect) {
        defects.push(defect);
    }
}

/// `inherited` with the values `dict` sets itself replacing its ancestors'.
fn inherit(mut inherited: Inherited, dict: &Dictionary) -> Inherited {
    for (slot, key) in inherited.iter_mut().zip(INHERITED) {
        if let Ok(value) = dict.get(key) {
            *slot = Some(value.clone());
        }
    }
    inherited
}

/// The catalog and its `/Pages` value: the trailer's `/Root` when it is a catalog with
/// `/Pages`, otherwise the first object typed `/Catalog` that has one, as pdf.js and poppler
/// recover it; failing that (no catalog parses), a `/Pages` node without `/Parent`, with no
/// catalog (the repair makes one).
fn find_root(doc: &Document, defects: &mut Vec<TreeDefect>) -> Option<(Option<ObjectId>, Object)> {
    let pages_of = |id: &ObjectId| -> Option<Object> {
        match doc.objects.get(id).and_then(|o| deref(doc, o)) {
            Some(Object::Dictionary(catalog)) => catalog.get(b"Pages").ok().cloned(),
            _ => None,
        }
    };
    if let Ok(Object::Reference(id)) = doc.trailer.get(b"Root")
        && let Some(pages) = pages_of(id)
    {
        return Some((Some(*id), pages));
    }
    let catalog = doc.objects.iter().find_map(|(id, object)| match object {
        Object::Dictionary(dict) if dict.has_type(b"Catalog") => {
            dict.get(b"Pages").ok().map(|pages| (*id, pages.clone()))
        }
        _ => None,
    });
    if let Some((id, pages)) = catalog {
        defects.push(TreeDefect::CatalogFound(id));
        return Some((Some(id), pages));
    }
    let orphan = doc.objects.iter().find_map(|(id, object)| match object {
        Object::Dictionary(dict)
            if dict.has_type(b"Pages") && !dict.has(b"Parent") && dict.has(b"Kids") =>
        {
            Some(*id)
        }
        _ => None,
    });
    match orphan {
        Some(id) => {
            defects.push(TreeDefect::TreeRootFound(id));
            Some((None, Object::Reference(id)))
        }
        None => {
            defects.push(TreeDefect::NoPagesEntry);
            None
        }
    }
}

/// Repairs the page tree in memory when lopdf's iterator does not yield exactly the pages the
/// tolerant walk finds (and the walk found some). Returns a sentence for the record saying
/// what was repaired, or `None` when the tree was left as it is. `lopdf_pages` is what
/// `doc.page_iter()` yielded.
pub fn repair(doc: &mut Document, walk: Walk, lopdf_pages: &[ObjectId]) -> Option<String> {
    if !walk.found_root {
        return None;
    }
    let same = walk.pages.len() == lopdf_pages.len()
        && walk
            .pages
            .iter()
            .zip(lopdf_pages)
            .all(|(found, id)| found.id() == Some(*id));
    if walk.pages.is_empty() || (same && !walk.defects.iter().any(needs_root_fix)) {
        return None;
    }
    let tree_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(walk.pages.len());
    for found in walk.pages {
        let id = match found {
            Found::Indirect { id, inherited } => {
                // Checked by the walk; a page that vanished meanwhile is skipped.
                let Ok(page) = doc.get_dictionary_mut(id) else {
                    continue;
                };
                settle(page, inherited, tree_id);
                id
            }
            Found::Direct {
                mut dict,
                inherited,
            } => {
                settle(&mut dict, inherited, tree_id);
                doc.add_object(Object::Dictionary(*dict))
            }
            Found::Missing { inherited } => {
                let mut blank = Dictionary::new();
                blank.set("Type", Object::Name(b"Page".to_vec()));
                settle(&mut blank, inherited, tree_id);
                doc.add_object(Object::Dictionary(blank))
            }
        };
        kids.push(Object::Reference(id));
    }
    let count = i64::try_from(kids.len()).unwrap_or(i64::MAX);
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"Pages".to_vec()));
    tree.set("Count", Object::Integer(count));
    tree.set("Kids", Object::Array(kids));
    doc.objects.insert(tree_id, Object::Dictionary(tree));
    // A catalog reached through a chain of references is replaced by a direct copy under its
    // own id, so the new `/Pages` lands where `catalog()` looks.
    let existing =
        walk.catalog.and_then(
            |id| match doc.objects.get(&id).and_then(|o| deref(doc, o)) {
                Some(Object::Dictionary(dict)) => Some((id, dict.clone())),
                _ => None,
            },
        );
    let (catalog, mut catalog_dict) = match existing {
        Some(found) => found,
        None => {
            let mut made = Dictionary::new();
            made.set("Type", Object::Name(b"Catalog".to_vec()));
            (doc.new_object_id(), made)
        }
    };
    catalog_dict.set("Pages", Object::Reference(tree_id));
    doc.objects
        .insert(catalog, Object::Dictionary(catalog_dict));
    doc.trailer.set("Root", Object::Reference(catalog));
    Some(describe(&walk.defects))
}

/// True for defects that change the tree even when lopdf's pages are the walk's.
fn needs_root_fix(defect: &TreeDefect) -> bool {
    matches!(
        defect,
        TreeDefect::CatalogFound(_) | TreeDefect::TreeRootFound(_)
    )
}

/// Gives a page what it inherits and makes `parent` its parent.
fn settle(page: &mut Dictionary, inherited: Inherited, parent: ObjectId) {
    for (key, value) in INHERITED.iter().zip(inherited) {
        if let Some(value) = value
            && !page.has(key)
        {
            page.set(*key, value);
        }
    }
    page.set("Parent", Object::Reference(parent));
}

/// The record's sentence for a repaired tree.
fn describe(defects: &[TreeDefect]) -> String {
    let listed: Vec<String> = defects
        .iter()
        .take(MAX_LISTED_DEFECTS)
        .map(ToString::to_string)
        .collect();
    let more = defects.len().saturating_sub(MAX_LISTED_DEFECTS);
    let tail = if more > 0 {
        format!(" (and {more} more)")
    } else {
        String::new()
    };
    let what = if listed.is_empty() {
        "lopdf could not walk it".to_owned()
    } else {
        listed.join("; ")
    };
    format!(
        "the page tree was read tolerantly and rebuilt in memory as one flat list: {what}{tail}"
    )
}

/// How page `page_id` is turned for display: its `/Rotate` (ISO 32000-2 §7.7.3.3, inherited
/// from the nearest ancestor that sets it) as clockwise quarter turns, 0 to 3. A value that is
/// not a multiple of 90 is 0, as pdf.js and poppler read it; -90 is 3.
pub fn quarter_turns(doc: &Document, page_id: ObjectId) -> u8 {
    let mut node = doc.get_dictionary(page_id).ok();
    for _ in 0..MAX_TREE_DEPTH {
        let Some(dict) = node else { break };
        if let Ok(value) = dict.get(b"Rotate") {
            let degrees = match deref(doc, value) {
                Some(Object::Integer(i)) => Some(*i),
                Some(Object::Real(r)) if r.fract() == 0.0 && r.abs() < 1e9 => Some(*r as i64),
                _ => None,
            };
            return match degrees {
                Some(d) if d % 90 == 0 => (d.rem_euclid(360) / 90) as u8,
                _ => 0,
            };
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A page under a node that sets `/Rotate` to `node`, the page itself setting `page`.
    fn rotated(node: Option<Object>, page: Option<Object>) -> (Document, ObjectId) {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut page_dict = dictionary! {"Type" => "Page", "Parent" => pages_id};
        if let Some(p) = page {
            page_dict.set("Rotate", p);
        }
        let page_id = doc.add_object(page_dict);
        let mut tree =
            dictionary! {"Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1};
        if let Some(n) = node {
            tree.set("Rotate", n);
        }
        doc.objects.insert(pages_id, Object::Dictionary(tree));
        (doc, page_id)
    }

    #[test]
    fn rotate_is_read_from_the_page_or_inherited_as_clockwise_quarter_turns() {
        for (node, page, want) in [
            (None, None, 0),
            (None, Some(90), 1),
            (None, Some(180), 2),
            (None, Some(270), 3),
            (None, Some(-90), 3),
            (None, Some(450), 1),
            (Some(90), None, 1),
            // The page's own value wins over its parent's, even 0.
            (Some(90), Some(0), 0),
            // Not a multiple of 90: not turned.
            (None, Some(45), 0),
        ] {
            let (doc, id) = rotated(node.map(Object::Integer), page.map(Object::Integer));
            assert_eq!(quarter_turns(&doc, id), want, "{node:?} {page:?}");
        }
        let (doc, id) = rotated(None, Some(Object::Real(270.0)));
        assert_eq!(quarter_turns(&doc, id), 3);
        let (doc, id) = rotated(None, Some(Object::Name(b"90".to_vec())));
        assert_eq!(quarter_turns(&doc, id), 0);
    }
}
