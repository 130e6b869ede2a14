//! The instruction-count benches (gungraun) need valgrind and `gungraun-runner` at exactly the
//! library's version. Without them, `cargo bench` must not stop half-way: each instruction bench
//! asks [`runner_missing`] first and, when the tools are not there, prints one line saying how
//! to install them and exits successfully, so the criterion benches after it still run.

use std::process::Command;

/// The gungraun version in `Cargo.toml`; the runner must be exactly this version.
pub const GUNGRAUN_VERSION: &str = "0.20.0";

/// Why the instruction counts cannot run here (one line, with the fix), or `None` when they can.
///
/// Under the runner (which re-runs the bench binary inside valgrind with `--gungraun-run`) this
/// checks nothing, so the check is never part of what is counted.
pub fn runner_missing() -> Option<String> {
    if std::env::args().nth(1).as_deref() == Some("--gungraun-run") {
        return None;
    }
    let install = format!(
        "cargo install gungraun-runner --version {GUNGRAUN_VERSION} --locked (and valgrind from \
         your package manager)"
    );
    let runner = std::env::var("GUNGRAUN_RUNNER").unwrap_or_else(|_| "gungraun-runner".into());
    let version = match Command::new(&runner).arg("--version").output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Err(_) => return Some(format!("gungraun-runner is not installed: {install}")),
    };
    if !version.ends_with(GUNGRAUN_VERSION) {
        return Some(format!(
            "gungraun-runner is '{version}', not {GUNGRAUN_VERSION}: {install}"
        ));
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        return Some("valgrind is not installed: install it with your package manager".into());
    }
    None
}

/// What an instruction bench's `main` does first: `true` (after one line on stdout) when the
/// counts cannot run here and the bench should end successfully without them.
pub fn skip(bench: &str) -> bool {
    match runner_missing() {
        Some(why) => {
            println!("{bench}: skipped, no instruction counts: {why}");
            true
        }
        None => false,
    }
}
