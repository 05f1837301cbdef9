//! The `peak-rss` launcher the load test measures the CLI with: the program keeps the
//! launcher's stdio and exit code, and the last stderr line reports its peak RSS.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn the_launcher_passes_stdio_and_exit_code_through_and_reports_the_peak() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aithreads-bench"))
        .args([
            "peak-rss",
            "sh",
            "--",
            "-c",
            "read line; echo \"got $line\"; echo oops >&2; exit 3",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"hello\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "got hello\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (before, report) = stderr.trim_end().rsplit_once('\n').unwrap();
    assert_eq!(before, "oops");
    let kib: u64 = report
        .strip_prefix("aithreads-bench peak-rss-kib ")
        .unwrap()
        .parse()
        .unwrap();
    // A shell's peak, not the launcher's or the test's: a few MiB at most.
    assert!((1..64 * 1024).contains(&kib), "{kib} KiB");
}
