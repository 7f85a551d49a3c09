fn main() {
    let path = std::env::args()
        .nth(2)
        .expect("usage: arkivar extract FILE");
    let bytes = std::fs::read(&path).expect("read");
    let limits = arkivar::pdf::Limits::default();
    let pdf = arkivar::pdf::load(&bytes, &limits).expect("load");
    let pages = arkivar::pdf::text::extract_pages(&pdf, &limits).expect("extract");
    let mut out = String::new();
    for p in pages {
        out.push_str(&p.text);
        out.push('\x0c');
    }
    print!("{out}");
}
