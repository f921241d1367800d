//! Rebuild when content changes: include_dir alone does not notice new or removed files.
fn main() {
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=quizzes");
    println!("cargo:rerun-if-changed=assets");
}
