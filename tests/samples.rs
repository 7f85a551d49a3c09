//! The committed `samples/` folder (what README's first command runs on) is exactly what
//! `cargo run --example make-samples -- samples` writes from the fixtures.

mod common;

#[test]
fn committed_samples_match_the_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let fix = "run `cargo run --example make-samples -- samples` and commit the result";
    for (name, bytes) in common::samples() {
        let committed =
            std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("samples/{name}: {e}; {fix}"));
        assert!(
            committed == bytes,
            "samples/{name} differs from its fixture; {fix}"
        );
    }
    let committed = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        committed,
        common::samples().len(),
        "samples/ has extra files; {fix}"
    );
}
