use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs the `renke` binary with `args` (and `stdin`, if given); environment variables that
/// would change which database is used are cleared.
pub fn renke(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_renke"));
    cmd.args(args)
        .env_remove("RENKE_DATABASE_URL")
        .env_remove("RENKE_DATA_DIR")
        .env_remove("RENKE_LISTEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn renke");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for renke")
}

/// A `renke` process started by a test, killed when dropped (also when the test fails).
pub struct Process(pub std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}
