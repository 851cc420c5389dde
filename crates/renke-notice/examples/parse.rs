//! Print the parsed draft of one notice as JSON: `cargo run -p renke-notice --example parse --
//! FILE` (`-` reads stdin).

use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: parse FILE|-")?;
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s
    } else {
        std::fs::read_to_string(&path)?
    };
    let notice = renke_notice::parse(&text)?;
    println!("{}", serde_json::to_string_pretty(&notice)?);
    Ok(())
}
