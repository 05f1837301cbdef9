//! The checkpoint kept beside an export's output: everything needed to continue it with no
//! record missing and none twice.
//!
//! It is rewritten (to a temporary file, then renamed over) at the end of every page whose
//! threads are all written out. It names the cursor that continues the listing after that
//! page and how many bytes of the partial output and of the error report were written by
//! then. A Parquet file is only complete at the end of a row group, so for Parquet it names
//! the bytes and footer of the last row group, and the bytes of the journal
//! (`<output>.journal.ndjson`) that holds the records written since.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{ExportError, Format};
use crate::{ListQuery, Order, ProviderKind, Status};

/// The checkpoint format's version; a checkpoint of another version is refused.
const VERSION: u32 = 1;

/// What a checkpoint holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    /// [`VERSION`].
    pub version: u32,
    /// The provider exported.
    pub provider: ProviderKind,
    /// The output format.
    pub format: Format,
    /// Whether transcripts are fetched.
    pub transcripts: bool,
    /// Whether provider records are kept.
    pub raw: bool,
    /// The query, with every relative time already resolved.
    pub query: SavedQuery,
    /// Where the listing continues; `None`: from its start.
    pub cursor: Option<String>,
    /// Pages fully written.
    pub pages: u64,
    /// Threads written.
    pub exported: u64,
    /// Threads in the error report.
    pub failed: u64,
    /// The partial output's file name (beside the output).
    pub partial: String,
    /// Bytes of the partial output that hold the records counted here.
    pub bytes: u64,
    /// Bytes of the error report that hold the failures counted here.
    pub error_bytes: u64,
    /// For Parquet: the footer (hex) that makes the first `bytes` a complete file.
    pub footer: Option<String>,
    /// For Parquet: bytes of the journal (the records written since the last row group, as
    /// NDJSON) that belong to the pages counted here.
    #[serde(default)]
    pub journal_bytes: u64,
    /// For an export written in parts (object storage, partitions): the number of the next
    /// part; every part numbered below it is complete and counted here.
    #[serde(default)]
    pub next_part: u64,
    /// The name of this export's run, in its part names: the same export run again into
    /// a folder replaces its own parts, another export adds its parts beside them
    /// ([`run_name`]).
    #[serde(default)]
    pub run: String,
}

/// A [`ListQuery`] as a checkpoint keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SavedQuery {
    since: Option<i64>,
    until: Option<i64>,
    statuses: Vec<Status>,
    user: Option<String>,
    limit: Option<u32>,
    order: Option<Order>,
}

impl SavedQuery {
    /// The query as saved (its cursor is the checkpoint's own).
    pub fn new(query: &ListQuery) -> Self {
        Self {
            since: query.since.map(OffsetDateTime::unix_timestamp),
            until: query.until.map(OffsetDateTime::unix_timestamp),
            statuses: query.statuses.clone(),
            user: query.user.clone(),
            limit: query.limit,
            order: query.order,
        }
    }

    /// The query to continue with, from `cursor`.
    pub fn query(&self, cursor: Option<String>) -> ListQuery {
        let time = |t: Option<i64>| t.and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
        let mut query = ListQuery::new().with_statuses(self.statuses.iter().copied());
        query.since = time(self.since);
        query.until = time(self.until);
        query.user = self.user.clone();
        query.limit = self.limit;
        query.order = self.order;
        query.cursor = cursor;
        query
    }
}

/// The checkpoint file of the output `output`: `<output>.checkpoint.json`.
pub(crate) fn path(output: &Path) -> PathBuf {
    super::files::sibling(output, ".checkpoint.json")
}

impl Checkpoint {
    /// Reads the checkpoint at `path`; `None` when there is none.
    pub fn load(path: &Path) -> Result<Option<Self>, ExportError> {
        match std::fs::read(path) {
            Ok(text) => Self::from_bytes(&text, &path.display().to_string()).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(ExportError::io(path, error)),
        }
    }

    /// Reads a checkpoint kept at `place`.
    pub fn from_bytes(text: &[u8], place: &str) -> Result<Self, ExportError> {
        let checkpoint: Self = serde_json::from_slice(text).map_err(|e| {
            ExportError::Resume(format!(
                "{place} is not an aithreads export checkpoint ({e}); delete it to start over"
            ))
        })?;
        if checkpoint.version != VERSION {
            return Err(ExportError::Resume(format!(
                "{place} was written by another version of aithreads (checkpoint version {}); delete it to start over",
                checkpoint.version
            )));
        }
        Ok(checkpoint)
    }

    /// The checkpoint as it is stored.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ExportError> {
        serde_json::to_vec(self).map_err(|e| ExportError::Encode(e.to_string()))
    }

    /// Writes the checkpoint to `path` atomically (a temporary file renamed over it).
    pub fn save(&self, path: &Path) -> Result<(), ExportError> {
        let temporary = super::files::sibling(path, ".tmp");
        std::fs::write(&temporary, self.to_bytes()?).map_err(|e| ExportError::io(&temporary, e))?;
        std::fs::rename(&temporary, path).map_err(|e| ExportError::io(path, e))
    }

    /// A new checkpoint: nothing written yet.
    pub fn start(
        provider: ProviderKind,
        query: &ListQuery,
        options: &super::ExportOptions,
        partial: String,
    ) -> Self {
        let saved = SavedQuery::new(query);
        let run = run_name(provider, &saved, query.cursor.as_deref(), options);
        Self {
            version: VERSION,
            provider,
            format: options.format,
            transcripts: options.transcripts,
            raw: options.raw,
            query: saved,
            cursor: query.cursor.clone(),
            pages: 0,
            exported: 0,
            failed: 0,
            partial,
            bytes: 0,
            error_bytes: 0,
            footer: None,
            journal_bytes: 0,
            next_part: 0,
            run,
        }
    }

    /// Refuses to continue this checkpoint with other settings.
    pub fn check_matches(
        &self,
        provider: ProviderKind,
        options: &super::ExportOptions,
    ) -> Result<(), ExportError> {
        let mismatch = |what: &str, was: String, now: String| {
            Err(ExportError::Resume(format!(
                "the interrupted export used {what} {was}, not {now}: run it with the same settings, or delete its checkpoint to start over"
            )))
        };
        if self.provider != provider {
            return mismatch("provider", self.provider.to_string(), provider.to_string());
        }
        if self.format != options.format {
            return mismatch(
                "format",
                self.format.as_str().into(),
                options.format.as_str().into(),
            );
        }
        if self.transcripts != options.transcripts {
            return mismatch(
                "--transcripts",
                self.transcripts.to_string(),
                options.transcripts.to_string(),
            );
        }
        if self.raw != options.raw {
            return mismatch("--raw", self.raw.to_string(), options.raw.to_string());
        }
        Ok(())
    }

    /// The Parquet footer, decoded.
    #[cfg(feature = "parquet")]
    pub fn footer(&self) -> Result<Option<Vec<u8>>, ExportError> {
        self.footer
            .as_deref()
            .map(|hex| {
                hex::decode(hex).map_err(|_| {
                    ExportError::Resume("the checkpoint's Parquet footer is damaged".into())
                })
            })
            .transpose()
    }
}

/// The run name of an export: eight hex digits of a SHA-256 of what it exports (provider,
/// query with its times resolved, cursor, format, transcripts, records, partitioning), the same
/// on every machine and run, so an export run again replaces the parts it wrote before
/// instead of adding a second copy of every record, while a different export (another range,
/// filter or format) into the same folder keeps its own. A range given relative to now
/// (`--since 1d`) resolves differently on every run, so each run adds its own parts.
fn run_name(
    provider: ProviderKind,
    query: &SavedQuery,
    cursor: Option<&str>,
    options: &super::ExportOptions,
) -> String {
    use sha2::{Digest, Sha256};
    let identity = serde_json::json!({
        "provider": provider,
        "query": query,
        "cursor": cursor,
        "format": options.format,
        "transcripts": options.transcripts,
        "raw": options.raw,
        "partition": options.partition.map(|super::Partition::Date| "date"),
    });
    hex::encode(&Sha256::digest(identity.to_string().as_bytes())[..4])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_the_checkpoint() {
        let query = ListQuery::new()
            .with_range(
                OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
                OffsetDateTime::from_unix_timestamp(1_700_100_000).unwrap(),
            )
            .with_statuses([Status::Running, Status::Cancelled])
            .with_user("u")
            .with_limit(7)
            .with_order(Order::Asc);
        let saved = SavedQuery::new(&query);
        let text = serde_json::to_string(&saved).unwrap();
        let back: SavedQuery = serde_json::from_str(&text).unwrap();
        assert_eq!(back.query(None), query);
        assert_eq!(back.query(Some("c".into())).cursor.as_deref(), Some("c"));
    }

    #[test]
    fn the_run_is_named_by_what_is_exported() {
        let at = |unix| OffsetDateTime::from_unix_timestamp(unix).unwrap();
        let query = ListQuery::new().with_range(at(1_700_000_000), at(1_700_100_000));
        let options = super::super::ExportOptions::new();
        let run = |provider, query: &ListQuery, options: &super::super::ExportOptions| {
            Checkpoint::start(provider, query, options, String::new()).run
        };
        let first = run(ProviderKind::RevCent, &query, &options);
        assert_eq!(first.len(), 8);
        assert!(first.bytes().all(|b| b.is_ascii_hexdigit()), "{first}");
        assert_eq!(run(ProviderKind::RevCent, &query, &options), first);
        let others = [
            run(ProviderKind::OpenAiChatKit, &query, &options),
            run(
                ProviderKind::RevCent,
                &query
                    .clone()
                    .with_range(at(1_700_000_001), at(1_700_100_000)),
                &options,
            ),
            run(
                ProviderKind::RevCent,
                &query.clone().with_statuses([Status::Running]),
                &options,
            ),
            run(
                ProviderKind::RevCent,
                &query,
                &options.clone().with_raw(true),
            ),
        ];
        for other in others {
            assert_ne!(other, first);
        }
    }
}
