//! What reaches a person's terminal: text made safe to show, the terminal's width, and
//! questions asked on it.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, BufRead, IsTerminal, Write};

/// The longest message (in characters) shown on one line; the rest is cut with a note.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// `text` on one line, safe to print on a terminal: control characters (escape sequences,
/// newlines, C1 controls) and the invisible characters that reorder text (bidirectional
/// overrides) are written as escapes (`\e`, `\n`, `\u{202e}`), and anything beyond `max`
/// characters is cut, ending in `…`.
///
/// What a server or an input file says can then neither drive the terminal (change its
/// title, clear it) nor split one report over several lines, nor flood it.
pub fn safe(text: &str, max: usize) -> Cow<'_, str> {
    escape(text, max, false)
}

/// [`safe`] with the bound for messages, saying how much a cut left out.
pub fn message(text: &str) -> Cow<'_, str> {
    escape(text, MAX_MESSAGE_CHARS, true)
}

fn escape(text: &str, max: usize, count_cut: bool) -> Cow<'_, str> {
    let plain = text.len() <= max && !text.chars().any(needs_escape);
    if plain {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max * 2));
    for (shown, (at, c)) in text.char_indices().enumerate() {
        if shown >= max {
            out.push('…');
            if count_cut {
                let _ = write!(out, " ({} more bytes)", text.len() - at);
            }
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Control characters (C0, DEL, C1) and the format characters that reorder or hide text.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How wide tables may be: `COLUMNS` when set, else the width of the terminal stdout is,
/// else 80.
pub fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<usize>().ok())
        .filter(|&columns| columns > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(io::stdout())
                .map(|(terminal_size::Width(w), _)| usize::from(w))
        })
        .unwrap_or(80)
}

/// Whether stderr is a terminal, where progress and questions go.
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Where the answer to a question can come from: stdin when it is a terminal, or the
/// controlling terminal (`/dev/tty`) when stdin carries the input data. `None` when there
/// is no one to ask: stderr (where the question goes) or that source is not a terminal.
pub fn answer_source(stdin_is_data: bool) -> Option<Box<dyn BufRead>> {
    if !stderr_is_terminal() {
        return None;
    }
    if io::stdin().is_terminal() && !stdin_is_data {
        return Some(Box::new(io::stdin().lock()));
    }
    let tty = std::fs::File::open("/dev/tty").ok()?;
    tty.is_terminal()
        .then(|| Box::new(io::BufReader::new(tty)) as Box<dyn BufRead>)
}

/// Asks `question` on stderr and reads the answer from `answers`: only an explicit yes
/// (`y`, `yes`, any case) is a yes.
pub fn confirm(question: &str, answers: &mut dyn BufRead) -> io::Result<bool> {
    let mut err = io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    answers.read_line(&mut answer)?;
    Ok(is_yes(&answer))
}

fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_untouched() {
        assert!(matches!(safe("cthr_1: not found", 100), Cow::Borrowed(_)));
        assert_eq!(safe("héllo wörld", 100), "héllo wörld");
    }

    #[test]
    fn control_and_reordering_characters_are_escaped() {
        let hostile = "a\u{1b}]0;pwned\u{7}b\r\nc\td\u{9b}2J\u{202e}e";
        let shown = safe(hostile, 100);
        assert_eq!(shown, "a\\e]0;pwned\\u{7}b\\r\\nc\\td\\u{9b}2J\\u{202e}e");
        assert!(!shown.chars().any(needs_escape));
    }

    #[test]
    fn long_text_becomes_one_bounded_line() {
        let huge = "x".repeat(10 << 20) + "\n" + &"y".repeat(10);
        let shown = message(&huge);
        assert!(shown.len() < MAX_MESSAGE_CHARS + 40, "{}", shown.len());
        assert!(shown.ends_with(&format!("… ({} more bytes)", huge.len() - 500)));
        assert!(!shown.contains('\n'));
        assert_eq!(safe("abcdef", 3), "abc…");
    }

    #[test]
    fn only_an_explicit_yes_is_yes() {
        for yes in ["y\n", "Y", "yes", " YES \n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yeah", "ok", "y es"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
