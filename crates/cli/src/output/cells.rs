//! One value of a record as text: a table cell (escaped, times in the table's zone) or a
//! CSV cell (as in the JSON).

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::Kind;
use super::table::{Column, Fit};
use crate::terminal;

/// The longest a table cell gets before the layout shortens it further.
const MAX_CELL_CHARS: usize = 200;

/// The time zone of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// UTC, the default.
    Utc,
    /// This machine's offset (`--local`), read once at start-up.
    Local(UtcOffset),
}

impl Zone {
    /// The zone's label: `UTC`, `UTC+05:30`.
    pub fn label(self) -> String {
        match self {
            Self::Utc => "UTC".into(),
            Self::Local(offset) if offset.is_utc() => "UTC".into(),
            Self::Local(offset) => {
                let (h, m, _) = offset.as_hms();
                let sign = if offset.is_negative() { '-' } else { '+' };
                format!("UTC{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
            }
        }
    }

    fn offset(self) -> UtcOffset {
        match self {
            Self::Utc => UtcOffset::UTC,
            Self::Local(offset) => offset,
        }
    }
}

/// A time as `2026-11-23 12:00:00` in `zone` (whose label the header carries), or `-`.
pub fn when(time: Option<OffsetDateTime>, zone: Zone) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time.and_then(|t| t.to_offset(zone.offset()).format(&format).ok())
        .unwrap_or_else(|| "-".into())
}

/// The table column showing a record's `key`: its header (upper case, times labelled with
/// their zone), how it gives way, and how expendable it is: the reference, the status and
/// what was (or would be) done never go; what the thread is about goes first, then the
/// provider's own status, then other keys (rightmost first), then the times.
pub fn column(key: &str, zone: Zone) -> Column {
    let (header, fit, expendable) = match key {
        "ref" => ("REF".into(), Fit::Never, None),
        "status" | "result" | "action" => (key.to_uppercase(), Fit::Shorten, None),
        "about" => ("ABOUT".into(), Fit::Shorten, Some(0)),
        "raw_status" => ("PROVIDER STATUS".into(), Fit::Shorten, Some(1)),
        "created_at" => (format!("CREATED ({})", zone.label()), Fit::Whole, Some(3)),
        "updated_at" => (format!("UPDATED ({})", zone.label()), Fit::Whole, Some(3)),
        other => (
            other.replace('_', " ").to_uppercase(),
            Fit::Shorten,
            Some(2),
        ),
    };
    Column {
        header,
        fit,
        expendable,
    }
}

/// A table cell: escaped and bounded, `-` for nothing.
pub fn table_cell(record: &Map<String, Value>, column: &str, zone: Zone) -> String {
    let value = record.get(column).unwrap_or(&Value::Null);
    let text = match (column, value) {
        ("created_at" | "updated_at", Value::String(text)) => {
            match OffsetDateTime::parse(text, &Rfc3339) {
                Ok(time) => when(Some(time), zone),
                Err(_) => text.clone(),
            }
        }
        ("about", _) => ["title", "assistant", "user"]
            .iter()
            .find_map(|key| record.get(*key).and_then(Value::as_str))
            .unwrap_or("")
            .to_owned(),
        ("result", Value::Null) => match error_message(record) {
            Some(message) => format!("FAILED: {message}"),
            None => "-".into(),
        },
        ("action", Value::String(action)) => match error_message(record) {
            Some(message) => format!("{action}: {message}"),
            None => action.clone(),
        },
        _ => plain(value).unwrap_or_else(|| "-".into()),
    };
    terminal::safe(&text, MAX_CELL_CHARS).into_owned()
}

/// A CSV cell: the value as text, empty for nothing.
pub fn csv_cell(record: &Map<String, Value>, column: &str) -> String {
    plain(record.get(column).unwrap_or(&Value::Null)).unwrap_or_default()
}

/// A value as one piece of text: strings as they are, a raw status as `value (reason)`, an
/// error as its message, other objects and arrays as compact JSON; `None` for null.
fn plain(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Object(object) if object.contains_key("value") => {
            let raw = object.get("value").and_then(Value::as_str).unwrap_or("");
            Some(match object.get("reason").and_then(Value::as_str) {
                Some(reason) => format!("{raw} ({reason})"),
                None => raw.to_owned(),
            })
        }
        Value::Object(object) if object.contains_key("message") => {
            object.get("message").and_then(plain)
        }
        other => Some(other.to_string()),
    }
}

fn error_message(record: &Map<String, Value>) -> Option<String> {
    record.get("error").and_then(plain)
}

/// One CSV line (RFC 4180): cells with a comma, quote or line break are quoted, quotes
/// doubled.
pub fn csv_line(cells: impl Iterator<Item = String>) -> String {
    cells
        .map(|cell| {
            if cell.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", cell.replace('"', "\"\""))
            } else {
                cell
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether `--output refs` lists this record: every thread; an outcome that succeeded; a
/// plan that would act.
pub fn acted_on(kind: Kind, record: &Map<String, Value>) -> bool {
    match kind {
        Kind::Thread => true,
        Kind::Outcome => record.get("ok") == Some(&Value::Bool(true)),
        Kind::Plan => record
            .get("action")
            .and_then(Value::as_str)
            .is_some_and(|action| action.starts_with("would ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn zones_are_labelled() {
        assert_eq!(Zone::Utc.label(), "UTC");
        assert_eq!(
            Zone::Local(UtcOffset::from_hms(-3, -30, 0).unwrap()).label(),
            "UTC-03:30"
        );
        assert_eq!(column("created_at", Zone::Utc).header, "CREATED (UTC)");
    }

    #[test]
    fn cells_read_well() {
        let record = json!({
            "ref": "chatkit:a",
            "raw_status": {"value": "locked", "reason": "moderation"},
            "title": null,
            "user": "u_1",
            "ok": false,
            "result": null,
            "error": {"kind": "not_found", "message": "no such\nthread"},
        });
        let record = record.as_object().unwrap();
        assert_eq!(
            table_cell(record, "raw_status", Zone::Utc),
            "locked (moderation)"
        );
        assert_eq!(table_cell(record, "about", Zone::Utc), "u_1");
        assert_eq!(table_cell(record, "title", Zone::Utc), "-");
        assert_eq!(
            table_cell(record, "result", Zone::Utc),
            "FAILED: no such\\nthread"
        );
        assert_eq!(csv_cell(record, "error"), "no such\nthread");
        assert_eq!(csv_cell(record, "title"), "");
        assert_eq!(csv_cell(record, "ok"), "false");
    }
}
