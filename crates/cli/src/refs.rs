//! Thread references from the command line and stdin.
//!
//! References given as arguments are checked before anything runs. `-` reads more from
//! stdin as the work goes (a reader thread a bounded channel ahead of it), so a million
//! references take no more memory than a few: one per line, or the tool's own records
//! (NDJSON lines or a JSON array, each record's `ref`), so the output of `list`, `get`,
//! `cancel` or `delete` can be piped into another command.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};

use aithreads::ThreadRef;
use futures::stream::{self, BoxStream, StreamExt};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use tokio::sync::mpsc;

use crate::Failure;
use crate::terminal;

/// References read from stdin ahead of the work, at most.
const READ_AHEAD: usize = 1024;

/// An input that is not a reference, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRef {
    /// Where: `stdin line 3`, `stdin item 3`.
    pub at: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for BadRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, terminal::message(&self.message))
    }
}

/// One input: a reference, or what stood in its place.
pub type RefItem = Result<ThreadRef, BadRef>;

/// The references of a command: those given as arguments, checked, around `-` (stdin).
#[derive(Debug)]
pub struct RefArgs {
    before: Vec<ThreadRef>,
    stdin: bool,
    after: Vec<ThreadRef>,
}

impl RefArgs {
    /// Parses the arguments; `-` stands for stdin and may be given once. Any bad reference
    /// is a usage error naming all of them, before anything runs.
    pub fn parse(args: &[String]) -> Result<Self, Failure> {
        let mut refs = Self {
            before: Vec::new(),
            stdin: false,
            after: Vec::new(),
        };
        let mut bad = Vec::new();
        for arg in args {
            if arg == "-" {
                if refs.stdin {
                    return Err(Failure::Usage("`-` may be given only once".into()));
                }
                refs.stdin = true;
                continue;
            }
            match parse_ref(arg) {
                Ok(thread) if refs.stdin => refs.after.push(thread),
                Ok(thread) => refs.before.push(thread),
                Err(message) => bad.push(message),
            }
        }
        match bad.len() {
            0 if !refs.stdin && refs.before.is_empty() => {
                Err(Failure::Usage("no thread references given".into()))
            }
            0 => Ok(refs),
            1 => Err(Failure::Usage(bad.remove(0))),
            n => Err(Failure::Usage(format!(
                "{n} bad thread references: {}",
                bad.join("; ")
            ))),
        }
    }

    /// The references given as arguments (not those stdin will bring).
    pub fn named(&self) -> impl Iterator<Item = &ThreadRef> {
        self.before.iter().chain(&self.after)
    }

    /// Whether `-` reads stdin.
    pub fn reads_stdin(&self) -> bool {
        self.stdin
    }

    /// How many references there are, when all are known now (none from stdin).
    pub fn known_count(&self) -> Option<usize> {
        (!self.stdin).then(|| self.before.len() + self.after.len())
    }

    /// Every reference in order, stdin's read as they are pulled.
    pub fn into_stream(self) -> BoxStream<'static, RefItem> {
        let stdin = if self.stdin {
            read_lazily(|| io::stdin().lock()).left_stream()
        } else {
            stream::empty().right_stream()
        };
        stream::iter(self.before.into_iter().map(Ok))
            .chain(stdin)
            .chain(stream::iter(self.after.into_iter().map(Ok)))
            .boxed()
    }
}

/// A reference checked by its provider's id rules too ([`aithreads::check_ref`]).
fn parse_ref(text: &str) -> Result<ThreadRef, String> {
    text.parse::<ThreadRef>()
        .and_then(|r| aithreads::check_ref(&r).map(|()| r))
        .map_err(|error| terminal::message(&error.message()).into_owned())
}

/// Reads references from the reader `open` gives, on a thread of its own, at most
/// [`READ_AHEAD`] ahead of the stream's consumer. The thread stops when the stream is
/// dropped.
pub fn read_lazily<R: Read + 'static>(
    open: impl FnOnce() -> R + Send + 'static,
) -> BoxStream<'static, RefItem> {
    let (tx, mut rx) = mpsc::channel(READ_AHEAD);
    std::thread::spawn(move || {
        read_refs(open(), |item| tx.blocking_send(item).is_ok());
    });
    stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}

/// Reads `input`, handing each reference (or bad entry) to `send` until it returns false.
/// A JSON array (the first non-blank byte is `[`) is read element by element; anything
/// else line by line, where a line is a reference, a JSON record, blank, or a `#` comment.
pub fn read_refs(input: impl Read, mut send: impl FnMut(RefItem) -> bool) {
    let mut input = BufReader::new(input);
    match first_byte(&mut input) {
        Ok(Some(b'[')) => read_array(input, &mut send),
        Ok(_) => read_lines(input, &mut send),
        Err(error) => {
            send(Err(BadRef {
                at: "stdin".into(),
                message: format!("cannot read: {error}"),
            }));
        }
    }
}

/// The first byte that is not white space, left unread.
fn first_byte(input: &mut impl BufRead) -> io::Result<Option<u8>> {
    loop {
        let buf = input.fill_buf()?;
        let Some(&first) = buf.first() else {
            return Ok(None);
        };
        if !first.is_ascii_whitespace() {
            return Ok(Some(first));
        }
        input.consume(1);
    }
}

fn read_lines(mut input: impl BufRead, send: &mut impl FnMut(RefItem) -> bool) {
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        match input.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) => {
                send(Err(BadRef {
                    at: format!("stdin line {number}"),
                    message: format!("cannot read: {error}"),
                }));
                return;
            }
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let item = if text.starts_with('{') {
            serde_json::from_str::<Entry>(text)
                .map_err(|e| format!("not a JSON record: {e}"))
                .and_then(Entry::into_text)
        } else {
            Ok(text.to_owned())
        }
        .and_then(|text| parse_ref(&text))
        .map_err(|message| BadRef {
            at: format!("stdin line {number}"),
            message,
        });
        if !send(item) {
            return;
        }
    }
}

fn read_array(input: impl BufRead, send: &mut impl FnMut(RefItem) -> bool) {
    let mut deserializer = serde_json::Deserializer::from_reader(input);
    let mut stopped = false;
    let result = Elements {
        send: &mut *send,
        stopped: &mut stopped,
    }
    .deserialize(&mut deserializer);
    if let Err(error) = result
        && !stopped
    {
        send(Err(BadRef {
            at: "stdin".into(),
            message: format!("not a JSON array of records or references: {error}"),
        }));
    }
}

/// One entry of the input: a reference as a string, or a record carrying `ref`.
struct Entry(Option<String>);

impl Entry {
    fn into_text(self) -> Result<String, String> {
        self.0
            .ok_or_else(|| "the record has no `ref` (a string naming a thread)".to_owned())
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reference or a record with `ref`")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Entry, E> {
        Ok(Entry(Some(text.to_owned())))
    }

    /// Takes `ref` and skips every other member without keeping it, however large.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "ref" && found.is_none() {
                found = map.next_value::<Option<String>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Entry(found))
    }
}

/// The elements of a JSON array, each sent as soon as it is read.
struct Elements<'s, F> {
    send: &'s mut F,
    stopped: &'s mut bool,
}

impl<'de, F: FnMut(RefItem) -> bool> DeserializeSeed<'de> for Elements<'_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(RefItem) -> bool> Visitor<'de> for Elements<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0u64;
        while let Some(entry) = seq.next_element::<Entry>()? {
            number += 1;
            let item = entry
                .into_text()
                .and_then(|text| parse_ref(&text))
                .map_err(|message| BadRef {
                    at: format!("stdin item {number}"),
                    message,
                });
            if !(self.send)(item) {
                *self.stopped = true;
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn read(input: &str) -> Vec<Result<String, String>> {
        let mut out = Vec::new();
        read_refs(input.as_bytes(), |item| {
            out.push(item.map(|r| r.to_string()).map_err(|b| b.to_string()));
            true
        });
        out
    }

    #[test]
    fn arguments_are_checked_before_anything_runs() {
        let refs = args(&["chatkit:ok", "nope", "revcent:short", "chatkit:a/b"]);
        match RefArgs::parse(&refs) {
            Err(Failure::Usage(message)) => {
                assert!(message.starts_with("3 bad thread references"), "{message}");
                assert!(
                    message.contains("nope")
                        && message.contains("RevCent thread id `short` has 5 characters")
                        && message.contains("thread id `a/b` contains `/`"),
                    "{message}"
                );
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
        assert!(matches!(
            RefArgs::parse(&args(&["-", "-"])),
            Err(Failure::Usage(_))
        ));
        let parsed = RefArgs::parse(&args(&["chatkit:a", "-", "chatkit:b"])).unwrap();
        assert!(parsed.reads_stdin());
        assert_eq!(parsed.known_count(), None);
    }

    #[test]
    fn lines_hold_references_or_records() {
        let input = "chatkit:cthr_a\n\n# a comment\n  revcent:abcdefghij0123456789  \n\
            {\"ref\":\"trtc:ap-tokyo/x\",\"status\":\"running\",\"record\":{\"ref\":\"no\"}}\n\
            {\"ok\":false}\nnonsense\n";
        assert_eq!(
            read(input),
            vec![
                Ok("chatkit:cthr_a".into()),
                Ok("revcent:abcdefghij0123456789".into()),
                Ok("trtc:ap-tokyo/x".into()),
                Err("stdin line 6: the record has no `ref` (a string naming a thread)".into()),
                Err(read("nonsense")[0]
                    .clone()
                    .unwrap_err()
                    .replace("line 1", "line 7")),
            ]
        );
    }

    #[test]
    fn a_json_array_is_read_element_by_element() {
        let input = "\n [\n  {\"ref\": \"chatkit:a\", \"messages\": [{\"text\": \"hi\"}]},\n  \"chatkit:b\",\n  {\"ref\": \"chatkit:c/d\"}\n]\n";
        let got = read(input);
        assert_eq!(got[..2], [Ok("chatkit:a".into()), Ok("chatkit:b".into())]);
        assert!(
            got[2].as_ref().unwrap_err().starts_with("stdin item 3: "),
            "{got:?}"
        );
        let broken = read("[\"chatkit:a\", {");
        assert_eq!(broken[0], Ok("chatkit:a".into()));
        assert!(
            broken[1].as_ref().unwrap_err().contains("not a JSON array"),
            "{broken:?}"
        );
    }

    #[test]
    fn a_huge_bad_line_is_reported_in_one_bounded_line() {
        let huge = format!("chatkit:{}\u{1b}]0;x\u{7}\n", "x".repeat(10 << 20));
        let got = read(&huge);
        let message = got[0].as_ref().unwrap_err();
        assert!(message.len() < 1_000, "{} bytes", message.len());
        assert!(!message.contains('\u{1b}'));
    }

    #[test]
    fn reading_stops_when_the_consumer_does() {
        let input: String = (0..1000).map(|i| format!("chatkit:c{i}\n")).collect();
        let mut taken = 0;
        read_refs(input.as_bytes(), |_| {
            taken += 1;
            taken < 3
        });
        assert_eq!(taken, 3);
    }
}
