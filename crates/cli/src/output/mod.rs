//! Printing records on stdout: tables for people; JSON, NDJSON, CSV and references for
//! programs. Every format streams: records are written as they come, never collected.
//!
//! A record is a thread (`list`, `get`), the outcome of acting on one (`cancel`, `delete`)
//! or the plan for one (`--dry-run`); each is a JSON object whose first key is `ref`.

mod cells;
mod detail;
mod table;

use std::io::{self, IsTerminal, Write};

use aithreads::{Error, ItemResult, Thread, ThreadRef};
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Map, Value, json};
use time::UtcOffset;

use crate::Failure;
use crate::args::OutputFormat;
use crate::terminal;

pub use cells::{Zone, csv_line, when};
pub use detail::write_thread;
pub use table::{Column, Fit, Table};

/// What a record describes, and so which keys it has and which are shown by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A thread.
    Thread,
    /// What `cancel` or `delete` did to a thread.
    Outcome,
    /// What `cancel` or `delete` would do to a thread (`--dry-run`).
    Plan,
}

impl Kind {
    /// Every key of the record, in order.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Thread => &[
                "ref",
                "provider",
                "id",
                "status",
                "raw_status",
                "created_at",
                "updated_at",
                "title",
                "user",
                "assistant",
                "messages",
                "record",
            ],
            Self::Outcome => &["ref", "ok", "result", "error"],
            Self::Plan => &[
                "ref",
                "status",
                "raw_status",
                "created_at",
                "action",
                "error",
            ],
        }
    }

    /// The columns of a table, by default.
    fn table_columns(self) -> &'static [&'static str] {
        match self {
            Self::Thread => &["ref", "status", "raw_status", "created_at", "about"],
            Self::Outcome => &["ref", "result"],
            Self::Plan => &["ref", "status", "created_at", "action"],
        }
    }

    /// The columns of CSV, by default: every key that holds one value.
    fn csv_columns(self) -> &'static [&'static str] {
        match self {
            Self::Thread => &Self::Thread.keys()[..10],
            Self::Outcome => Self::Outcome.keys(),
            Self::Plan => Self::Plan.keys(),
        }
    }

    /// What a table says when there are no rows.
    fn nothing(self) -> &'static str {
        match self {
            Self::Thread => "no threads",
            Self::Outcome | Self::Plan => "nothing to do",
        }
    }
}

/// How records are printed: the format, the chosen fields and the time zone of tables.
#[derive(Debug, Clone)]
pub struct Output {
    format: OutputFormat,
    fields: Vec<String>,
    zone: Zone,
}

impl Output {
    /// `format`, or a table on a terminal and JSON otherwise; `fields` (empty: all);
    /// times in tables in UTC or at `local` offset.
    pub fn new(
        format: Option<OutputFormat>,
        fields: Vec<String>,
        local: Option<UtcOffset>,
    ) -> Self {
        let format = format.unwrap_or(if io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        });
        Self {
            format,
            fields,
            zone: local.map_or(Zone::Utc, Zone::Local),
        }
    }

    /// The format in use.
    pub fn format(&self) -> OutputFormat {
        self.format
    }

    /// The time zone of tables.
    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Refuses `--fields` naming a key records of `kind` do not have, before any request.
    pub fn check_fields(&self, kind: Kind) -> Result<(), Failure> {
        let keys = kind.keys();
        let unknown: Vec<&str> = self
            .fields
            .iter()
            .map(String::as_str)
            .filter(|field| !keys.contains(field))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        Err(Failure::Usage(format!(
            "--fields: no such field {}; these records have {}",
            unknown
                .iter()
                .map(|f| format!("`{}`", terminal::message(f)))
                .collect::<Vec<_>>()
                .join(", "),
            keys.join(", ")
        )))
    }

    /// A few threads, one row or record each.
    pub fn threads(&self, threads: &[Thread]) -> io::Result<()> {
        let mut sink = self.sink(Kind::Thread, io::stdout().lock());
        for thread in threads {
            sink.record(thread)?;
        }
        sink.finish()
    }

    /// A few threads in full (`get`): blocks for people, records otherwise.
    pub fn thread_details(&self, results: &[ItemResult<Thread>]) -> io::Result<()> {
        let mut sink = self.sink(Kind::Thread, io::stdout().lock());
        for item in results {
            match &item.result {
                Ok(thread) if self.format == OutputFormat::Table => {
                    let zone = self.zone;
                    sink.raw(|out| write_thread(out, &item.thread, thread, zone))?;
                }
                Ok(thread) => sink.thread_as(thread, &item.thread)?,
                Err(error) => sink.value(&failure_record(&item.thread, error))?,
            }
        }
        sink.finish()
    }

    /// The outcomes of acting on a few threads, `value` naming each success.
    pub fn results<T>(
        &self,
        results: &[ItemResult<T>],
        value: impl Fn(&T) -> Value,
    ) -> io::Result<()> {
        let mut sink = self.sink(Kind::Outcome, io::stdout().lock());
        for item in results {
            match &item.result {
                Ok(ok) => sink.value(&json!({
                    "ref": item.thread.to_string(),
                    "ok": true,
                    "result": value(ok),
                }))?,
                Err(error) => sink.value(&failure_record(&item.thread, error))?,
            }
        }
        sink.finish()
    }

    /// Values that are not thread records (items, TRTC answers): a JSON array, NDJSON
    /// lines, or (for the other formats) pretty JSON.
    pub fn values(&self, values: impl Iterator<Item = Value>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        match self.format {
            OutputFormat::Ndjson => {
                for value in values {
                    serde_json::to_writer(&mut out, &value)?;
                    writeln!(out)?;
                }
                Ok(())
            }
            _ => {
                let all: Vec<Value> = values.collect();
                serde_json::to_writer_pretty(&mut out, &all)?;
                writeln!(out)
            }
        }
    }

    /// One value that is not a thread record (a TRTC answer).
    pub fn value(&self, value: &impl Serialize) -> io::Result<()> {
        let mut out = io::stdout().lock();
        match self.format {
            OutputFormat::Ndjson => serde_json::to_writer(&mut out, value)?,
            _ => serde_json::to_writer_pretty(&mut out, value)?,
        }
        writeln!(out)
    }

    /// A sink for records of `kind`, writing to `out`.
    pub fn sink<W: Write>(&self, kind: Kind, out: W) -> Sink<W> {
        let columns: Vec<String> = if self.fields.is_empty() {
            match self.format {
                OutputFormat::Csv => kind.csv_columns(),
                _ => kind.table_columns(),
            }
            .iter()
            .map(|c| c.to_string())
            .collect()
        } else {
            self.fields.clone()
        };
        let table = (self.format == OutputFormat::Table).then(|| {
            let columns = columns
                .iter()
                .map(|c| cells::column(c, self.zone))
                .collect();
            Table::new(columns, terminal::width())
        });
        Sink {
            format: self.format,
            kind,
            picked: !self.fields.is_empty(),
            columns,
            zone: self.zone,
            table,
            out,
            written: 0,
        }
    }
}

/// Writes records one at a time in the chosen format.
pub struct Sink<W: Write> {
    format: OutputFormat,
    kind: Kind,
    /// Whether `--fields` picked the columns (else JSON records are written whole).
    picked: bool,
    columns: Vec<String>,
    zone: Zone,
    table: Option<Table>,
    out: W,
    written: usize,
}

impl<W: Write> Sink<W> {
    /// Writes one record. JSON and NDJSON without `--fields` serialise it straight to the
    /// output; every other case goes through its JSON value.
    pub fn record(&mut self, record: &impl Serialize) -> io::Result<()> {
        match self.format {
            OutputFormat::Json | OutputFormat::Ndjson if !self.picked => {
                self.open_json()?;
                write_json(self.format, &mut self.out, record)
            }
            _ => self.value(&serde_json::to_value(record).map_err(io::Error::other)?),
        }
    }

    /// Writes one record given as a JSON object.
    pub fn value(&mut self, record: &Value) -> io::Result<()> {
        let empty = Map::new();
        let object = record.as_object().unwrap_or(&empty);
        match self.format {
            OutputFormat::Json | OutputFormat::Ndjson => {
                self.open_json()?;
                if self.picked {
                    write_json(self.format, &mut self.out, &Picked(object, &self.columns))
                } else {
                    write_json(
                        self.format,
                        &mut self.out,
                        &InOrder(object, self.kind.keys()),
                    )
                }
            }
            OutputFormat::Csv => {
                if self.written == 0 {
                    writeln!(
                        self.out,
                        "{}",
                        cells::csv_line(self.columns.iter().cloned())
                    )?;
                }
                self.written += 1;
                let line = cells::csv_line(self.columns.iter().map(|c| cells::csv_cell(object, c)));
                writeln!(self.out, "{line}")
            }
            OutputFormat::Refs => {
                if !cells::acted_on(self.kind, object) {
                    return Ok(());
                }
                match object.get("ref").and_then(Value::as_str) {
                    Some(reference) => {
                        self.written += 1;
                        writeln!(self.out, "{reference}")
                    }
                    None => Ok(()),
                }
            }
            OutputFormat::Table => {
                self.written += 1;
                let row = self
                    .columns
                    .iter()
                    .map(|c| cells::table_cell(object, c, self.zone))
                    .collect();
                match &mut self.table {
                    Some(table) => table.row(row, &mut self.out),
                    None => Ok(()),
                }
            }
        }
    }

    /// Writes text of the caller's own (`get`'s blocks for people) in place of a record.
    pub fn raw(&mut self, write: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
        self.written += 1;
        write(&mut self.out)
    }

    /// A thread's record, named by the reference it was asked for.
    pub fn thread_as(&mut self, thread: &Thread, reference: &ThreadRef) -> io::Result<()> {
        self.record(&thread.serialize_with_ref(reference))
    }

    /// Writes what is buffered (the table's first rows too), for a pause in the records.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(table) = &mut self.table {
            table.lay_out(&mut self.out)?;
        }
        self.out.flush()
    }

    /// Ends the output (closes the JSON array; says so when a table is empty) and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                self.out
                    .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            OutputFormat::Table if self.written == 0 => {
                writeln!(self.out, "{}", self.kind.nothing())?;
            }
            _ => {}
        }
        self.flush()
    }

    fn open_json(&mut self) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            self.out
                .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
        }
        self.written += 1;
        Ok(())
    }
}

/// One JSON record: pretty inside a JSON array, compact on its own line for NDJSON.
fn write_json(
    format: OutputFormat,
    out: &mut impl Write,
    record: &impl Serialize,
) -> io::Result<()> {
    if format == OutputFormat::Json {
        serde_json::to_writer_pretty(out, record)?;
        Ok(())
    } else {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")
    }
}

/// The picked keys of a JSON object, in the order asked for.
struct Picked<'a>(&'a Map<String, Value>, &'a [String]);

impl Serialize for Picked<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.1.len()))?;
        for key in self.1 {
            map.serialize_entry(key, self.0.get(key).unwrap_or(&Value::Null))?;
        }
        map.end()
    }
}

/// A JSON object with its keys in the record's order (`ref` first), any others after.
struct InOrder<'a>(&'a Map<String, Value>, &'static [&'static str]);

impl Serialize for InOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (object, order) = (self.0, self.1);
        let mut map = serializer.serialize_map(Some(object.len()))?;
        for key in order {
            if let Some(value) = object.get(*key) {
                map.serialize_entry(key, value)?;
            }
        }
        for (key, value) in object {
            if !order.contains(&key.as_str()) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// The record of a failure: `{"ref", "ok": false, "error": {kind, message, code, status,
/// request_id}}`.
pub fn failure_record(thread: &ThreadRef, error: &Error) -> Value {
    json!({"ref": thread.to_string(), "ok": false, "error": error_json(error)})
}

/// The JSON of an error: its kind, message and the provider's facts.
pub fn error_json(error: &Error) -> Value {
    json!({
        "kind": error.kind(),
        "message": error.to_string(),
        "code": error.code(),
        "status": error.status(),
        "request_id": error.request_id(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads::{ProviderKind, RawStatus, Status};

    fn output(format: OutputFormat, fields: &[&str]) -> Output {
        Output::new(
            Some(format),
            fields.iter().map(|f| f.to_string()).collect(),
            None,
        )
    }

    fn thread(id: &str) -> Thread {
        Thread::new(
            ProviderKind::OpenAiChatKit,
            id,
            Status::Running,
            RawStatus::new("active"),
            json!({"id": id}),
        )
        .with_created_unix(Some(1_700_000_000))
        .with_title(Some("a \u{1b}[2Jtitle, \"quoted\"".into()))
    }

    fn print(out: &Output, kind: Kind, records: &[Value]) -> String {
        let mut buf = Vec::new();
        let mut sink = out.sink(kind, &mut buf);
        for record in records {
            sink.value(record).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn threads() -> Vec<Value> {
        ["cthr_a", "cthr_b"]
            .map(|id| serde_json::to_value(thread(id)).unwrap())
            .to_vec()
    }

    #[test]
    fn json_and_ndjson_stream_whole_records_with_ref_first() {
        let mut buf = Vec::new();
        let mut sink = output(OutputFormat::Ndjson, &[]).sink(Kind::Thread, &mut buf);
        sink.record(&thread("cthr_a")).unwrap();
        sink.record(&thread("cthr_b")).unwrap();
        sink.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.starts_with(r#"{"ref":"chatkit:cthr_a","#), "{text}");

        let text = print(&output(OutputFormat::Json, &[]), Kind::Thread, &threads());
        let parsed: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed.len(), 2);
        let outcome = json!({"result": "deleted", "ok": true, "ref": "chatkit:a", "extra": 1});
        assert_eq!(
            print(
                &output(OutputFormat::Ndjson, &[]),
                Kind::Outcome,
                &[outcome]
            ),
            "{\"ref\":\"chatkit:a\",\"ok\":true,\"result\":\"deleted\",\"extra\":1}\n"
        );
        assert_eq!(
            print(&output(OutputFormat::Json, &[]), Kind::Thread, &[]),
            "[]\n"
        );
    }

    #[test]
    fn fields_pick_keys_in_the_order_asked() {
        let text = print(
            &output(OutputFormat::Ndjson, &["status", "ref"]),
            Kind::Thread,
            &threads(),
        );
        assert_eq!(
            text.lines().next().unwrap(),
            r#"{"status":"running","ref":"chatkit:cthr_a"}"#
        );
        let out = output(OutputFormat::Json, &["ref", "nope"]);
        let err = out.check_fields(Kind::Thread).unwrap_err();
        assert!(
            matches!(err, Failure::Usage(m) if m.contains("`nope`") && m.contains("created_at"))
        );
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let text = print(
            &output(OutputFormat::Csv, &["ref", "title", "created_at"]),
            Kind::Thread,
            &threads(),
        );
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("ref,title,created_at"));
        assert_eq!(
            lines.next(),
            Some("chatkit:cthr_a,\"a \u{1b}[2Jtitle, \"\"quoted\"\"\",2023-11-14T22:13:20Z")
        );
        let default = print(&output(OutputFormat::Csv, &[]), Kind::Thread, &threads());
        assert!(default.starts_with(
            "ref,provider,id,status,raw_status,created_at,updated_at,title,user,assistant\n"
        ));
    }

    #[test]
    fn refs_lists_threads_and_only_what_was_acted_on() {
        let text = print(&output(OutputFormat::Refs, &[]), Kind::Thread, &threads());
        assert_eq!(text, "chatkit:cthr_a\nchatkit:cthr_b\n");
        let outcomes = [
            json!({"ref": "chatkit:a", "ok": true, "result": "deleted"}),
            json!({"ref": "chatkit:b", "ok": false, "error": {"message": "boom"}}),
        ];
        assert_eq!(
            print(&output(OutputFormat::Refs, &[]), Kind::Outcome, &outcomes),
            "chatkit:a\n"
        );
        let plans = [
            json!({"ref": "chatkit:a", "status": "running", "action": "would delete"}),
            json!({"ref": "chatkit:b", "status": null, "action": "not found"}),
        ];
        assert_eq!(
            print(&output(OutputFormat::Refs, &[]), Kind::Plan, &plans),
            "chatkit:a\n"
        );
    }

    #[test]
    fn tables_escape_cells_and_label_the_time_zone() {
        let text = print(&output(OutputFormat::Table, &[]), Kind::Thread, &threads());
        let header = text.lines().next().unwrap();
        assert!(header.contains("CREATED (UTC)"), "{header}");
        assert!(text.contains("2023-11-14 22:13:20"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("\\e[2J"), "{text}");
        let local = Output::new(
            Some(OutputFormat::Table),
            Vec::new(),
            Some(UtcOffset::from_hms(5, 30, 0).unwrap()),
        );
        let text = print(&local, Kind::Thread, &threads());
        assert!(
            text.contains("CREATED (UTC+05:30)") && text.contains("2023-11-15 03:43:20"),
            "{text}"
        );
        assert_eq!(
            print(&output(OutputFormat::Table, &[]), Kind::Thread, &[]),
            "no threads\n"
        );
    }
}
