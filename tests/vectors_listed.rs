//! tests/wasm.rs embeds the vector files by name (browsers have no file
//! system); this checks that it names every file in tests/vectors.

#[test]
fn wasm_suite_embeds_every_vector_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let source = std::fs::read_to_string(dir.join("wasm.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir.join("vectors")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") && !source.contains(&format!("\"{name}\"")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "add to FILES in tests/wasm.rs: {missing:?}"
    );
}
