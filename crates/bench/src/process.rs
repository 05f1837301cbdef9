//! Peak memory of processes: this one's from `/proc/self/status`, a child's from the kernel's
//! accounting when it is reaped (`wait4`), which sees the child's whole life, exit included.
//!
//! The kernel folds the spawning process's own peak into a child's `ru_maxrss` when the
//! child calls `exec`, so a child spawned straight from the harness (which holds a simulator)
//! would report the harness's memory. Children are therefore spawned through a small
//! launcher, this binary's hidden `peak-rss` command, whose own footprint is a few MiB: it
//! runs the program with the launcher's stdio, reaps it and reports its peak on stderr.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// This process's peak resident set (`VmHWM`), KiB.
pub fn own_peak_rss_kib() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .context("no VmHWM line in /proc/self/status")
}

/// How a child ran.
#[derive(Debug)]
pub struct Finished {
    /// Its exit code (`None` when a signal ended it).
    pub code: Option<i32>,
    /// Lines it wrote on stdout.
    pub stdout_lines: usize,
    /// What it wrote on stderr.
    pub stderr: String,
    /// Its peak resident set, KiB.
    pub peak_rss_kib: u64,
    /// From spawn to exit.
    pub elapsed: Duration,
}

/// What the launcher writes as its last stderr line, before the peak in KiB.
const REPORT: &str = "aithreads-bench peak-rss-kib ";

/// The launcher: runs `program` with `args`, then reports its peak RSS on stderr and exits
/// with its exit code.
pub fn launch(program: &OsString, args: &[OsString]) -> Result<ExitCode> {
    let child = Command::new(program)
        .args(args)
        .spawn()
        .with_context(|| format!("starting {}", program.to_string_lossy()))?;
    let (code, peak_rss_kib) = wait4(child)?;
    eprintln!("{REPORT}{peak_rss_kib}");
    Ok(ExitCode::from(
        code.and_then(|c| u8::try_from(c).ok()).unwrap_or(255),
    ))
}

/// Runs `program args` through the launcher `exe`, with `stdin` as its input, counting its
/// output lines. Blocks: call it off the async runtime.
pub fn run_measured(
    exe: &Path,
    program: &Path,
    args: &[String],
    env: &[(&str, String)],
    stdin: Vec<u8>,
) -> Result<Finished> {
    let started = Instant::now();
    let mut command = Command::new(exe);
    command
        .arg("peak-rss")
        .arg(program)
        .arg("--")
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {:?}", command.get_program()))?;
    let (Some(mut input), Some(mut output), Some(mut errors)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        bail!("the child's pipes are missing");
    };
    // Each pipe gets its own thread, so a full pipe never blocks the child.
    let writer = thread::spawn(move || input.write_all(&stdin));
    let counter = thread::spawn(move || -> io::Result<usize> {
        let mut lines = 0;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = output.read(&mut buf)?;
            if n == 0 {
                return Ok(lines);
            }
            lines += buf[..n].iter().filter(|b| **b == b'\n').count();
        }
    });
    let reader = thread::spawn(move || {
        let mut text = String::new();
        errors.read_to_string(&mut text).map(|_| text)
    });
    let status = child.wait()?;
    let elapsed = started.elapsed();
    let join = |name: &str| anyhow::anyhow!("the {name} thread panicked");
    // A child that exits without reading all its input closes the pipe: not an error here.
    let _ = writer.join().map_err(|_| join("stdin"))?;
    let stdout_lines = counter.join().map_err(|_| join("stdout"))??;
    let mut stderr = reader.join().map_err(|_| join("stderr"))??;
    let report = stderr
        .rfind(REPORT)
        .context("the launcher reported no peak RSS")?;
    let peak_rss_kib = stderr[report + REPORT.len()..].trim().parse()?;
    stderr.truncate(report);
    Ok(Finished {
        code: status.code(),
        stdout_lines,
        stderr,
        peak_rss_kib,
        elapsed,
    })
}

/// Reaps `child`: its exit code and peak resident set (KiB).
fn wait4(child: Child) -> Result<(Option<i32>, u64)> {
    let pid = libc::pid_t::try_from(child.id())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own child, not reaped yet (std's `Child` never waits unless
        // asked); both pointers are to live locals for the duration of the call.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = io::Error::last_os_error();
        if error.kind() != io::ErrorKind::Interrupted {
            return Err(error).context("wait4");
        }
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // Linux reports ru_maxrss in KiB.
    Ok((code, u64::try_from(usage.ru_maxrss).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reaped_child_reports_its_exit_code_and_peak() {
        let child = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
        let (code, peak_rss_kib) = wait4(child).unwrap();
        assert_eq!(code, Some(3));
        assert!(peak_rss_kib > 0);
        assert!(own_peak_rss_kib().unwrap() > 0);
    }
}
