//! Exports to files: [`Client::export_to`] writes every thread of a listing to NDJSON or
//! Parquet, locally or (feature `object-store`) to object storage, and never loses a record.
//!
//! - **One failing thread never ends an export.** With transcripts, a thread whose fetch
//!   still fails after the transport's retries goes to the error report
//!   (`<output>.errors.ndjson`: `ref`, `error` (the [`ErrorKind`](crate::ErrorKind)),
//!   `code`, `status`, `request_id`, `message`) and the export goes on, unless
//!   [`OnThreadError::Stop`] is asked for.
//! - **A file that looks finished is finished.** Data goes to `<output>.partial`, renamed to
//!   the output when the export ends well. Stopped (the `stop` future, e.g. SIGINT) or
//!   failed, the partial file ends on a complete record (a Parquet one is closed).
//! - **Resume.** A checkpoint beside the output (`<output>.checkpoint.json`) names the
//!   listing cursor after the last page written out (RevCent: the window and page; ChatKit:
//!   the `after` cursor) and the bytes of the partial output holding its records, so
//!   [`ExportOptions::resume`] continues with no record missing and none twice, even after
//!   `SIGKILL`, fetching again at most the page it was writing. Both formats checkpoint at
//!   every page: a Parquet file is complete only at the end of a row group, so its
//!   checkpoint keeps the footer of the last one, and the records written since are kept in
//!   a journal beside the output (`<output>.journal.ndjson`) until a row group holds them.
//! - **One schema** for every provider and format: [`ExportRecord`], published as JSON
//!   Schema ([`EXPORT_JSON_SCHEMA`]) and, for Parquet, as an Arrow schema.

mod checkpoint;
mod encode;
mod files;
#[cfg(feature = "object-store")]
pub mod object;
#[cfg(feature = "parquet")]
pub mod parquet;
mod record;
mod sink;
mod steps;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::{Client, Error, ListQuery, ProviderKind};

pub use record::{EXPORT_JSON_SCHEMA, ExportMessage, ExportRecord, ExportToolCall};
pub(crate) use steps::{Step, steps};

/// Rows in one Parquet row group unless [`ExportOptions::row_group_rows`] says otherwise.
pub const DEFAULT_ROW_GROUP_ROWS: usize = 50_000;

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One JSON object per line ([`EXPORT_JSON_SCHEMA`]).
    #[default]
    Ndjson,
    /// Apache Parquet (feature `parquet`), snappy-compressed, in bounded row groups.
    Parquet,
}

impl Format {
    /// `ndjson` or `parquet`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ndjson => "ndjson",
            Self::Parquet => "parquet",
        }
    }

    /// The format a file name implies: Parquet for a `.parquet` name, else NDJSON.
    pub fn for_name(name: &str) -> Self {
        if name.to_ascii_lowercase().ends_with(".parquet") {
            Self::Parquet
        } else {
            Self::Ndjson
        }
    }
}

/// How an export into a folder splits its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Partition {
    /// Hive-style folders by creation day (UTC):
    /// `provider=<p>/date=<YYYY-MM-DD>/part-NNNNN.<ext>` (`date=unknown` without a time).
    Date,
}

/// What an export does when one thread's transcript cannot be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnThreadError {
    /// Report it (error report, [`ItemResult`](crate::ItemResult)) and go on.
    #[default]
    Continue,
    /// End the export with that error.
    Stop,
}

/// How [`Client::export_to`] exports.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ExportOptions {
    /// The output format.
    pub format: Format,
    /// Fetch every thread in full, with its transcript (one more request per thread).
    pub transcripts: bool,
    /// Keep the provider's full record in each row (`record`).
    pub raw: bool,
    /// Continue an interrupted export from its checkpoint (a fresh export without one).
    pub resume: bool,
    /// What a thread that cannot be fetched does.
    pub on_error: OnThreadError,
    /// Split the output into partition folders (feature `object-store`; the output is then
    /// a folder).
    pub partition: Option<Partition>,
    /// Most rows in one Parquet row group (default [`DEFAULT_ROW_GROUP_ROWS`]).
    pub row_group_rows: Option<usize>,
    /// Kept equal to the number of threads written, for a progress display.
    pub progress: Option<Arc<AtomicU64>>,
}

impl ExportOptions {
    /// NDJSON, listings only, no records, no resume, failures reported.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the format.
    pub fn with_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Fetches transcripts.
    pub fn with_transcripts(mut self, transcripts: bool) -> Self {
        self.transcripts = transcripts;
        self
    }

    /// Keeps provider records.
    pub fn with_raw(mut self, raw: bool) -> Self {
        self.raw = raw;
        self
    }

    /// Continues from a checkpoint.
    pub fn with_resume(mut self, resume: bool) -> Self {
        self.resume = resume;
        self
    }

    /// Partitions the output.
    pub fn with_partition(mut self, partition: Option<Partition>) -> Self {
        self.partition = partition;
        self
    }

    /// Sets the most rows in one Parquet row group.
    pub fn with_row_group_rows(mut self, rows: usize) -> Self {
        self.row_group_rows = Some(rows);
        self
    }

    pub(crate) fn rows_per_group(&self) -> usize {
        self.row_group_rows.unwrap_or(DEFAULT_ROW_GROUP_ROWS).max(1)
    }

    /// Counts written threads into `progress` as the export goes.
    pub fn with_progress(mut self, progress: Arc<AtomicU64>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Sets what a failing thread does.
    pub fn with_on_error(mut self, on_error: OnThreadError) -> Self {
        self.on_error = on_error;
        self
    }
}

/// Where an export goes.
pub enum ExportTarget {
    /// A local file, written as `<path>.partial` and renamed when finished; its checkpoint
    /// and error report sit beside it.
    Path(PathBuf),
    /// An object-store URL (feature `object-store`): `s3://bucket/prefix/`, `gs://…`,
    /// `az://…`, `file:///…`; a URL ending in `/` is a folder of parts (see the `object`
    /// module).
    #[cfg(feature = "object-store")]
    Url(String),
    /// A folder in an object store configured by the caller.
    #[cfg(feature = "object-store")]
    ObjectStore {
        /// The store.
        store: Arc<dyn object_store::ObjectStore>,
        /// The folder in it.
        prefix: object_store::path::Path,
    },
    /// Streams (standard output, say): no partial file, no checkpoint; the error report's
    /// lines go to `errors`.
    Writer {
        /// The data.
        data: Box<dyn std::io::Write + Send>,
        /// The error report.
        errors: Box<dyn std::io::Write + Send>,
    },
}

impl std::fmt::Debug for ExportTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Path(path) => f.debug_tuple("Path").field(path).finish(),
            #[cfg(feature = "object-store")]
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
            #[cfg(feature = "object-store")]
            Self::ObjectStore { store, prefix } => write!(f, "ObjectStore({store}/{prefix})"),
            Self::Writer { .. } => f.write_str("Writer"),
        }
    }
}

/// What an export did.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExportReport {
    /// Threads written (over every run, when resumed).
    pub exported: u64,
    /// Threads in the error report.
    pub failed: u64,
    /// Where the data is: the output when finished, else the partial file.
    pub location: String,
    /// The error report, when any thread failed.
    pub error_report: Option<String>,
    /// The checkpoint an unfinished export can be resumed from.
    pub checkpoint: Option<String>,
    /// Whether this run continued an interrupted export.
    pub resumed: bool,
    /// How it ended.
    pub end: ExportEnd,
}

/// How an export ended.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExportEnd {
    /// Every page was written and the output is in place.
    Finished,
    /// The `stop` future fired; the partial file and checkpoint are kept.
    Stopped,
    /// An error ended it; the partial file and checkpoint are kept.
    Failed(ExportError),
}

impl ExportReport {
    /// Whether the export can be continued with [`ExportOptions::resume`].
    pub fn resumable(&self) -> bool {
        !matches!(self.end, ExportEnd::Finished) && self.checkpoint.is_some()
    }
}

/// Why an export could not start or did not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The provider answered an error, or the query was refused.
    #[error(transparent)]
    Api(#[from] Error),
    /// A local file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A record could not be encoded.
    #[error("cannot encode the export: {0}")]
    Encode(String),
    /// The checkpoint cannot be continued.
    #[error("cannot resume: {0}")]
    Resume(String),
    /// The export needs a cargo feature this build lacks, or asks for a combination that
    /// cannot work.
    #[error("this build cannot export {0}")]
    Unsupported(String),
    /// An object store refused or failed.
    #[error("object store: {0}")]
    Store(String),
    /// The output cannot be written as given (an unknown URL scheme, a bucket missing from
    /// the URL).
    #[error("cannot export to {0}")]
    Target(String),
}

impl ExportError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// Whether the export never started because of its input or configuration (a bad query,
    /// a missing provider or feature, a checkpoint that does not match).
    pub fn is_usage(&self) -> bool {
        match self {
            Self::Api(error) => error.is_config() || error.is_invalid_input(),
            Self::Resume(_) | Self::Unsupported(_) | Self::Target(_) => true,
            Self::Io { .. } | Self::Encode(_) | Self::Store(_) => false,
        }
    }
}

#[cfg(not(feature = "parquet"))]
pub(crate) fn no_parquet() -> ExportError {
    ExportError::Unsupported("Parquet: enable the `parquet` feature".into())
}

impl Client {
    /// Exports every thread of `provider` matching `query` to `target`, as `options` say,
    /// until the listing ends, an error ends it or `stop` completes (pass
    /// `std::future::pending()` for no stop).
    ///
    /// `Err` means nothing was written (bad query or settings, a file that cannot be
    /// created, a checkpoint that does not fit); once writing started, the outcome is in
    /// [`ExportReport::end`], with the counts and where the data is.
    pub async fn export_to(
        &self,
        provider: ProviderKind,
        query: ListQuery,
        target: ExportTarget,
        options: &ExportOptions,
        stop: impl Future<Output = ()> + Send,
    ) -> Result<ExportReport, ExportError> {
        let (lister, query) = self.export_lister(provider, query)?;
        let (mut sink, start) = sink::open(target, provider, &query, options).await?;
        let resumed = start.resumed;
        let mut counts = start.counts;
        let mut steps = steps(lister, start.query, options.transcripts, self.concurrency());
        let mut stop = std::pin::pin!(stop);
        let end = loop {
            let step = tokio::select! {
                biased;
                () = &mut stop => break ExportEnd::Stopped,
                step = steps.next() => step,
            };
            let done = match step {
                None => break ExportEnd::Finished,
                Some(Err(error)) => break ExportEnd::Failed(error.into()),
                Some(Ok(Step::Thread(thread))) => match ExportRecord::new(&thread, options.raw) {
                    Ok(record) => sink.record(record).await.map(|()| counts.exported += 1),
                    Err(error) => Err(ExportError::Encode(error.to_string())),
                },
                Some(Ok(Step::Failed(thread, error))) => match options.on_error {
                    OnThreadError::Stop => break ExportEnd::Failed(error.into()),
                    OnThreadError::Continue => sink
                        .failure(&sink::failure_line(&thread, &error))
                        .await
                        .map(|()| counts.failed += 1),
                },
                Some(Ok(Step::PageEnd(next))) => {
                    counts.pages += 1;
                    sink.page_end(next, counts).await
                }
            };
            if let Err(error) = done {
                break ExportEnd::Failed(error);
            }
            if let Some(progress) = &options.progress {
                progress.store(counts.exported, Ordering::Relaxed);
            }
        };
        drop(steps);
        let place = match &end {
            ExportEnd::Finished => sink.finish().await,
            ExportEnd::Stopped | ExportEnd::Failed(_) => sink.interrupt().await,
        };
        let (end, place) = match place {
            Ok(place) => (end, place),
            // Finishing failed: that is the end, and the partial file stays.
            Err(error) => (ExportEnd::Failed(error), sink::Place::default()),
        };
        Ok(ExportReport {
            exported: counts.exported,
            failed: counts.failed,
            location: place.location,
            error_report: place.error_report,
            checkpoint: place.checkpoint,
            resumed,
            end,
        })
    }
}

/// Running totals of an export, kept in its checkpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub pages: u64,
    pub exported: u64,
    pub failed: u64,
}
