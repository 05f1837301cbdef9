//! Where encoded records go: a local file with its partial name, checkpoint and error report,
//! or a pair of streams.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use serde::Serialize;

use super::checkpoint::{self, Checkpoint};
use super::encode::Encoder;
use super::files::{self, LocalFile};
use super::{Counts, ExportError, ExportOptions, ExportRecord, ExportTarget, Format};
use crate::{Error, ListQuery, ProviderKind, ThreadRef};

/// Encoded bytes are written out once this many are waiting.
pub(crate) const CHUNK: usize = 1 << 20;

/// What a sink hands back when it is done: where the data and the error report are.
#[derive(Debug, Default)]
pub(crate) struct Place {
    pub location: String,
    pub error_report: Option<String>,
    /// Where the checkpoint is, when the export can be resumed from it.
    pub checkpoint: Option<String>,
}

/// Where an export starts: the query (with its cursor) and the totals so far.
pub(crate) struct Start {
    pub query: ListQuery,
    pub counts: Counts,
    pub resumed: bool,
}

/// The receiving end of an export.
#[async_trait]
pub(crate) trait Sink: Send {
    /// Adds one record.
    async fn record(&mut self, record: ExportRecord) -> Result<(), ExportError>;
    /// Adds one line to the error report.
    async fn failure(&mut self, line: &FailureLine) -> Result<(), ExportError>;
    /// A page is done; `next` continues the listing after it.
    async fn page_end(&mut self, next: Option<String>, counts: Counts) -> Result<(), ExportError>;
    /// Everything was written: put the output in place.
    async fn finish(self: Box<Self>) -> Result<Place, ExportError>;
    /// The export stops early: leave a partial output ending on a complete record.
    async fn interrupt(self: Box<Self>) -> Result<Place, ExportError>;
}

/// One line of the error report.
#[derive(Debug, Serialize)]
pub(crate) struct FailureLine {
    #[serde(rename = "ref")]
    reference: String,
    error: &'static str,
    code: Option<String>,
    status: Option<u16>,
    request_id: Option<String>,
    message: String,
}

/// The error report's line for `thread`.
pub(crate) fn failure_line(thread: &ThreadRef, error: &Error) -> FailureLine {
    FailureLine {
        reference: thread.to_string(),
        error: error.kind().as_str(),
        code: error.code().map(str::to_owned),
        status: error.status(),
        request_id: error.request_id().map(str::to_owned),
        message: error.to_string(),
    }
}

pub(crate) fn json_line(line: &impl Serialize) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec(line).map_err(|e| ExportError::Encode(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Opens the sink for `target`, continuing a checkpoint when `options.resume` finds one.
pub(crate) async fn open(
    target: ExportTarget,
    provider: ProviderKind,
    query: &ListQuery,
    options: &ExportOptions,
) -> Result<(Box<dyn Sink>, Start), ExportError> {
    match target {
        ExportTarget::Path(path) if options.partition.is_some() => {
            #[cfg(feature = "object-store")]
            {
                let destination = super::object::Destination::folder(&path)?;
                parts(destination, provider, query, options).await
            }
            #[cfg(not(feature = "object-store"))]
            {
                let _ = path;
                Err(ExportError::Unsupported(
                    "partitions: enable the `object-store` feature".into(),
                ))
            }
        }
        ExportTarget::Path(path) => {
            let (sink, start) = FileSink::open(path, provider, query, options)?;
            Ok((Box::new(sink), start))
        }
        #[cfg(feature = "object-store")]
        ExportTarget::Url(url) => {
            if options.partition.is_some() && !url.ends_with('/') {
                return Err(ExportError::Unsupported(format!(
                    "partitions into one object: end the URL with `/` to name a folder ({url}/)"
                )));
            }
            parts(
                super::object::Destination::url(&url)?,
                provider,
                query,
                options,
            )
            .await
        }
        #[cfg(feature = "object-store")]
        ExportTarget::ObjectStore { store, prefix } => {
            let destination = super::object::Destination::store(store, prefix);
            parts(destination, provider, query, options).await
        }
        ExportTarget::Writer { data, errors } => {
            if options.resume {
                return Err(ExportError::Resume(
                    "an export to a stream keeps no checkpoint; export to a file to resume".into(),
                ));
            }
            if options.partition.is_some() {
                return Err(ExportError::Unsupported(
                    "partitions to a stream: export to a folder".into(),
                ));
            }
            let sink = WriterSink {
                encoder: Encoder::new(options.format, options.rows_per_group())?,
                data,
                errors,
            };
            let start = Start {
                query: query.clone(),
                counts: Counts::default(),
                resumed: false,
            };
            Ok((Box::new(sink), start))
        }
    }
}

#[cfg(feature = "object-store")]
async fn parts(
    destination: super::object::Destination,
    provider: ProviderKind,
    query: &ListQuery,
    options: &ExportOptions,
) -> Result<(Box<dyn Sink>, Start), ExportError> {
    let (sink, start) =
        super::object::PartsSink::open(destination, provider, query, options).await?;
    Ok((Box::new(sink), start))
}

/// A local output: `<output>.partial`, its checkpoint and its error report.
struct FileSink {
    encoder: Encoder,
    partial: LocalFile,
    output: PathBuf,
    checkpoint_path: PathBuf,
    checkpoint: Checkpoint,
    errors: ErrorReport,
    /// For Parquet: the records written since the last row group.
    journal: Option<Journal>,
}

impl FileSink {
    fn open(
        output: PathBuf,
        provider: ProviderKind,
        query: &ListQuery,
        options: &ExportOptions,
    ) -> Result<(Self, Start), ExportError> {
        let checkpoint_path = checkpoint::path(&output);
        let errors_path = files::sibling(&output, ".errors.ndjson");
        let saved = if options.resume {
            Checkpoint::load(&checkpoint_path)?
        } else {
            None
        };
        let (sink, resumed) = match saved {
            Some(saved) => {
                saved.check_matches(provider, options)?;
                (
                    Self::resume(output, checkpoint_path, errors_path, saved, options)?,
                    true,
                )
            }
            None => {
                // First what can fail for want of a feature, before anything is removed.
                let encoder = Encoder::new(options.format, options.rows_per_group())?;
                for stale in [&checkpoint_path, &errors_path, &journal_path(&output)] {
                    files::remove(stale)?;
                }
                let partial_path = partial_paths(&output)[0].clone();
                for stale in partial_paths(&output) {
                    files::remove(&stale)?;
                }
                let checkpoint =
                    Checkpoint::start(provider, query, options, files::file_name(&partial_path));
                let journal = match options.format {
                    Format::Parquet => Some(Journal::open(&journal_path(&output), 0)?),
                    Format::Ndjson => None,
                };
                let sink = Self {
                    encoder,
                    partial: LocalFile::create(&partial_path)?,
                    output,
                    checkpoint_path,
                    checkpoint,
                    errors: ErrorReport::new(errors_path),
                    journal,
                };
                sink.checkpoint.save(&sink.checkpoint_path)?;
                (sink, false)
            }
        };
        let start = Start {
            query: sink.checkpoint.query.query(sink.checkpoint.cursor.clone()),
            counts: Counts {
                pages: sink.checkpoint.pages,
                exported: sink.checkpoint.exported,
                failed: sink.checkpoint.failed,
            },
            resumed,
        };
        Ok((sink, start))
    }

    /// Continues the export `checkpoint` describes: the partial output and the error report
    /// cut back to what it counts (a Parquet output is rewritten into the other partial
    /// name, whose checkpoint then replaces this one).
    fn resume(
        output: PathBuf,
        checkpoint_path: PathBuf,
        errors_path: PathBuf,
        #[cfg_attr(not(feature = "parquet"), allow(unused_mut))] mut checkpoint: Checkpoint,
        options: &ExportOptions,
    ) -> Result<Self, ExportError> {
        let dir = output.parent().unwrap_or(Path::new(""));
        let partial_path = dir.join(&checkpoint.partial);
        if !partial_paths(&output).contains(&partial_path) {
            return Err(ExportError::Resume(format!(
                "the checkpoint names {} as the partial output of {}",
                checkpoint.partial,
                output.display()
            )));
        }
        for stale in partial_paths(&output) {
            if stale != partial_path {
                files::remove(&stale)?;
            }
        }
        let errors = ErrorReport::continue_at(errors_path, checkpoint.error_bytes)?;
        let (encoder, partial, journal) = match checkpoint.format {
            Format::Ndjson => (
                Encoder::new(Format::Ndjson, options.rows_per_group())?,
                LocalFile::continue_at(&partial_path, checkpoint.bytes)?,
                None,
            ),
            Format::Parquet => {
                #[cfg(feature = "parquet")]
                {
                    let footer = checkpoint.footer()?;
                    let next = partial_paths(&output)
                        .into_iter()
                        .find(|p| *p != partial_path)
                        .unwrap_or_default();
                    let (mut encoder, partial, footer) = super::parquet::recover(
                        &partial_path,
                        checkpoint.bytes,
                        footer.as_deref(),
                        &next,
                        options.rows_per_group(),
                    )?;
                    checkpoint.partial = files::file_name(&next);
                    checkpoint.bytes = partial.written();
                    checkpoint.footer = Some(hex::encode(footer));
                    checkpoint.save(&checkpoint_path)?;
                    files::remove(&partial_path)?;
                    // The records after the last row group: back into the encoder, and they
                    // stay in the journal until a row group holds them.
                    let journal = Journal::open(&journal_path(&output), checkpoint.journal_bytes)?;
                    for record in journal.records()? {
                        encoder.write(record)?;
                    }
                    (Encoder::Parquet(Box::new(encoder)), partial, Some(journal))
                }
                #[cfg(not(feature = "parquet"))]
                return Err(super::no_parquet());
            }
        };
        Ok(Self {
            encoder,
            partial,
            output,
            checkpoint_path,
            checkpoint,
            errors,
            journal,
        })
    }

    fn drain(&mut self) -> Result<(), ExportError> {
        let bytes = self.encoder.take()?;
        self.partial.write(&bytes)
    }

    fn place(&self, location: &Path, resumable: bool) -> Place {
        Place {
            location: location.display().to_string(),
            error_report: self
                .errors
                .used()
                .then(|| self.errors.path.display().to_string()),
            checkpoint: resumable.then(|| self.checkpoint_path.display().to_string()),
        }
    }
}

/// The journal of a Parquet output: `<output>.journal.ndjson`.
fn journal_path(output: &Path) -> PathBuf {
    files::sibling(output, ".journal.ndjson")
}

/// The records a Parquet export wrote since its last row group, as NDJSON, so that a resume
/// need not fetch them again: written out as it grows and at every page end, emptied when a
/// row group closes at a checkpoint.
struct Journal {
    file: LocalFile,
    buffer: Vec<u8>,
}

impl Journal {
    /// The journal at `path`, cut back to `length` bytes (created when new).
    fn open(path: &Path, length: u64) -> Result<Self, ExportError> {
        let file = if length == 0 {
            LocalFile::create(path)?
        } else {
            LocalFile::continue_at(path, length)?
        };
        Ok(Self {
            file,
            buffer: Vec::new(),
        })
    }

    /// The records in the journal.
    #[cfg(feature = "parquet")]
    fn records(&self) -> Result<Vec<ExportRecord>, ExportError> {
        let text =
            std::fs::read(self.file.path()).map_err(|e| ExportError::io(self.file.path(), e))?;
        text.split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| {
                serde_json::from_slice(line).map_err(|e| {
                    ExportError::Resume(format!("{}: {e}", self.file.path().display()))
                })
            })
            .collect()
    }

    /// Adds a record; the buffer goes to the file once it holds [`CHUNK`] bytes (what lies
    /// past the checkpoint's length is cut off by a resume), so memory holds no whole page.
    fn add(&mut self, record: &ExportRecord) -> Result<(), ExportError> {
        self.buffer.extend(json_line(record)?);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        self.file.write(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }

    fn reset(&mut self) -> Result<(), ExportError> {
        self.buffer.clear();
        self.file.reset()
    }
}

/// The two names a partial output takes: `<output>.partial`, and `<output>.resumed.partial`
/// for a Parquet output rewritten on resume (the two alternate).
fn partial_paths(output: &Path) -> [PathBuf; 2] {
    [
        files::sibling(output, ".partial"),
        files::sibling(output, ".resumed.partial"),
    ]
}

#[async_trait]
impl Sink for FileSink {
    async fn record(&mut self, record: ExportRecord) -> Result<(), ExportError> {
        if let Some(journal) = &mut self.journal {
            journal.add(&record)?;
        }
        self.encoder.write(record)?;
        if self.encoder.ready() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    async fn failure(&mut self, line: &FailureLine) -> Result<(), ExportError> {
        self.errors.write(&json_line(line)?)
    }

    async fn page_end(&mut self, next: Option<String>, counts: Counts) -> Result<(), ExportError> {
        let boundary = self.encoder.boundary(false)?;
        let checkpoint = &mut self.checkpoint;
        checkpoint.cursor = next;
        checkpoint.pages = counts.pages;
        checkpoint.exported = counts.exported;
        checkpoint.failed = counts.failed;
        checkpoint.error_bytes = self.errors.written();
        match boundary {
            // Everything is in the partial file: the journal is emptied, after the
            // checkpoint that no longer counts it is saved.
            Some(boundary) => {
                let bytes = self.encoder.take()?;
                self.partial.write(&bytes)?;
                let checkpoint = &mut self.checkpoint;
                checkpoint.bytes = self.partial.written();
                checkpoint.footer = boundary.footer.map(hex::encode);
                checkpoint.journal_bytes = 0;
                checkpoint.save(&self.checkpoint_path)?;
                if let Some(journal) = &mut self.journal {
                    journal.reset()?;
                }
                Ok(())
            }
            // A Parquet row group is still open: its records are in the journal.
            None => {
                let Some(journal) = &mut self.journal else {
                    return Ok(());
                };
                journal.flush()?;
                self.checkpoint.journal_bytes = journal.file.written();
                self.checkpoint.save(&self.checkpoint_path)
            }
        }
    }

    async fn finish(mut self: Box<Self>) -> Result<Place, ExportError> {
        let encoder = std::mem::replace(&mut self.encoder, Encoder::Ndjson(Vec::new()));
        self.partial.write(&encoder.finish()?)?;
        self.partial.sync()?;
        files::rename(self.partial.path(), &self.output)?;
        files::remove(&self.checkpoint_path)?;
        files::remove(&journal_path(&self.output))?;
        Ok(self.place(&self.output, false))
    }

    async fn interrupt(mut self: Box<Self>) -> Result<Place, ExportError> {
        // Everything encoded is whole records; a Parquet file gets its footer too, and the
        // checkpoint still names the last page boundary, where a resume cuts back to.
        let encoder = std::mem::replace(&mut self.encoder, Encoder::Ndjson(Vec::new()));
        self.partial.write(&encoder.finish()?)?;
        self.partial.sync()?;
        Ok(self.place(self.partial.path(), true))
    }
}

/// The error report beside a local output, created with its first line.
struct ErrorReport {
    path: PathBuf,
    file: Option<LocalFile>,
}

impl ErrorReport {
    fn new(path: PathBuf) -> Self {
        Self { path, file: None }
    }

    /// The report cut back to `length` bytes (none: no report).
    fn continue_at(path: PathBuf, length: u64) -> Result<Self, ExportError> {
        if length == 0 {
            files::remove(&path)?;
            return Ok(Self::new(path));
        }
        let file = LocalFile::continue_at(&path, length)?;
        Ok(Self {
            path,
            file: Some(file),
        })
    }

    fn write(&mut self, line: &[u8]) -> Result<(), ExportError> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(LocalFile::create(&self.path)?),
        };
        file.write(line)
    }

    fn written(&self) -> u64 {
        self.file.as_ref().map_or(0, LocalFile::written)
    }

    fn used(&self) -> bool {
        self.written() > 0
    }
}

/// Streams: data and error lines, no checkpoint.
struct WriterSink {
    encoder: Encoder,
    data: Box<dyn Write + Send>,
    errors: Box<dyn Write + Send>,
}

impl WriterSink {
    fn write_out(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.data
            .write_all(bytes)
            .and_then(|()| self.data.flush())
            .map_err(|e| ExportError::io(Path::new("<output>"), e))
    }

    fn close(&mut self) -> Result<Place, ExportError> {
        let encoder = std::mem::replace(&mut self.encoder, Encoder::Ndjson(Vec::new()));
        let bytes = encoder.finish()?;
        self.write_out(&bytes)?;
        Ok(Place {
            location: "-".into(),
            error_report: None,
            checkpoint: None,
        })
    }
}

#[async_trait]
impl Sink for WriterSink {
    async fn record(&mut self, record: ExportRecord) -> Result<(), ExportError> {
        self.encoder.write(record)?;
        if self.encoder.ready() >= CHUNK {
            let bytes = self.encoder.take()?;
            self.write_out(&bytes)?;
        }
        Ok(())
    }

    async fn failure(&mut self, line: &FailureLine) -> Result<(), ExportError> {
        self.errors
            .write_all(&json_line(line)?)
            .map_err(|e| ExportError::io(Path::new("<error report>"), e))
    }

    async fn page_end(&mut self, _: Option<String>, _: Counts) -> Result<(), ExportError> {
        // NDJSON goes out page by page, so a reader of the stream sees progress.
        if matches!(self.encoder, Encoder::Ndjson(_)) {
            let bytes = self.encoder.take()?;
            self.write_out(&bytes)?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> Result<Place, ExportError> {
        self.close()
    }

    async fn interrupt(mut self: Box<Self>) -> Result<Place, ExportError> {
        self.close()
    }
}
