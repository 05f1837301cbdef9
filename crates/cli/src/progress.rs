//! Progress of bulk commands on stderr: done/total, rate, ETA and failures so far, drawn
//! only when stderr is a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::terminal;

/// A progress bar, or nothing when stderr is not a terminal.
pub struct Progress {
    bar: ProgressBar,
    failed: u64,
}

impl Progress {
    /// A bar for `verb` (`cancelled`, `fetched`) over `total` items when known.
    pub fn new(verb: &str, total: Option<u64>) -> Self {
        Self::with_target(verb, total, terminal::stderr_is_terminal())
    }

    fn with_target(verb: &str, total: Option<u64>, visible: bool) -> Self {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(total, target);
        let template = if total.is_some() {
            "{spinner} {pos}/{len} {prefix} [{wide_bar}] {per_sec} ETA {eta} {msg}"
        } else {
            "{spinner} {pos} {prefix}  {per_sec} {msg}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(terminal::message(verb).into_owned());
        if visible {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Self { bar, failed: 0 }
    }

    /// One item done, failed or not.
    pub fn done(&mut self, ok: bool) {
        if !ok {
            self.failed += 1;
            self.bar.set_message(format!("{} failed", self.failed));
        }
        self.bar.inc(1);
    }

    /// Prints a line on stderr above the bar.
    pub fn println(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    /// Runs `f` with the bar cleared (for output to the same terminal).
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_done_and_failed_items_hidden_or_not() {
        for visible in [false, true] {
            let mut progress = Progress::with_target("cancelled", Some(3), visible);
            progress.done(true);
            progress.done(false);
            assert_eq!(progress.bar.position(), 2);
            assert_eq!(progress.bar.length(), Some(3));
            assert_eq!(progress.failed, 1);
            assert_eq!(progress.bar.message(), "1 failed");
            progress.finish();
        }
    }
}
