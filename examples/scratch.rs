fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    match serde_yaml::from_str::<serde_yaml::Value>(&text) {
        Ok(_) => println!("serde_yaml ok"),
        Err(e) => println!("serde_yaml: {e}"),
    }
}
