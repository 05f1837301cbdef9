//! Exports written in parts through the `object_store` crate (feature `object-store`): to
//! S3, GCS or Azure by URL, and to local folders when partitioned.
//!
//! - Every part is one object uploaded as it is written (multipart, a few chunks in flight,
//!   never the whole file in memory); it becomes visible only once complete, so an object
//!   that exists is finished.
//! - An output URL ending in `/` is a folder: parts are `part-00000-<run>.<ext>`,
//!   `part-00001-<run>…`, or with [`Partition::Date`] Hive-style
//!   `provider=<p>/date=<YYYY-MM-DD>/part-NNNNN-<run>.<ext>` that DuckDB, Spark, Trino and
//!   Athena read as one table. `<run>` names the export by what it exports (provider,
//!   query, format, …; kept by its resumes): the same export run again first deletes the
//!   parts of its earlier run, so the folder holds each record once, while other exports
//!   into the same folder add files and never replace another's. Any other URL is one
//!   object.
//! - In a folder, the open parts are completed together at a page end once they hold
//!   [`PART_BYTES`] (or [`MAX_OPEN_PARTS`] partitions are open); that is the checkpoint
//!   (`_aithreads.checkpoint.json` beside the parts, with the error report
//!   `_aithreads.errors.ndjson`; engines skip names starting with `_`). A resumed export
//!   deletes any part of its own run numbered after its checkpoint and goes on from there.
//!   A single object cannot be continued: resuming it starts it again.
//! - Credentials come from each store's standard variables (`AWS_ACCESS_KEY_ID`,
//!   `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT`,
//!   `AWS_ALLOW_HTTP`, `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_ACCOUNT_NAME`,
//!   `AZURE_STORAGE_ACCESS_KEY`, …). Only an object-store output configured with no
//!   credentials at all asks its cloud's instance metadata service for them, as the official
//!   SDKs do (S3: `AWS_METADATA_ENDPOINT`, default `169.254.169.254`; GCS: the GCE metadata
//!   server; Azure: the managed identity endpoint, `AZURE_MSI_ENDPOINT`); local outputs and
//!   every output with credentials never contact a metadata address.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};

use super::checkpoint::Checkpoint;
use super::encode::Encoder;
use super::sink::{FailureLine, Place, Sink, Start, json_line};
use super::{Counts, ExportError, ExportOptions, ExportRecord, Format, Partition};
use crate::{ListQuery, ProviderKind};

/// Encoded bytes in open parts at which they are completed (at a page end).
pub const PART_BYTES: usize = 64 << 20;
/// Partitions open at once before the open parts are completed (at a page end).
pub const MAX_OPEN_PARTS: usize = 8;
/// Upload chunks (multipart parts) in flight per object.
const UPLOADS_IN_FLIGHT: usize = 4;
/// Bytes per uploaded chunk (S3's smallest multipart part is 5 MiB).
const UPLOAD_CHUNK: usize = 8 << 20;

const CHECKPOINT_NAME: &str = "_aithreads.checkpoint.json";
const ERRORS_NAME: &str = "_aithreads.errors.ndjson";

fn store_error(error: object_store::Error) -> ExportError {
    ExportError::Store(error.to_string())
}

/// Where a parted export goes: a store and a folder in it, or one object.
pub(crate) struct Destination {
    store: Arc<dyn ObjectStore>,
    /// The folder of the parts, or the single object.
    base: Path,
    single: bool,
    /// How the output is named to people.
    display: String,
}

impl Destination {
    /// An object-store URL (`s3://bucket/prefix/`, `gs://…`, `az://…`, `file:///…`), with
    /// credentials from the environment.
    pub fn url(text: &str) -> Result<Self, ExportError> {
        let single = !text.ends_with('/');
        let trimmed = text.trim_end_matches('/');
        let url = url::Url::parse(trimmed)
            .map_err(|e| ExportError::Target(format!("`{text}`: not a URL ({e})")))?;
        let (store, base) = object_store::parse_url_opts(&url, std::env::vars())
            .map_err(|e| ExportError::Target(format!("`{text}`: {e}")))?;
        Ok(Self {
            store: Arc::from(store),
            base,
            single,
            display: text.to_owned(),
        })
    }

    /// A local folder, created when missing.
    pub fn folder(dir: &std::path::Path) -> Result<Self, ExportError> {
        std::fs::create_dir_all(dir).map_err(|e| ExportError::io(dir, e))?;
        let store =
            object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(store_error)?;
        Ok(Self {
            store: Arc::new(store),
            base: Path::default(),
            single: false,
            display: dir.display().to_string(),
        })
    }

    /// A store and folder given by the caller.
    pub fn store(store: Arc<dyn ObjectStore>, base: Path) -> Self {
        let display = format!("{store}/{base}");
        Self {
            store,
            base,
            single: false,
            display,
        }
    }

    /// An object beside the output: in the folder, or next to the single object.
    fn beside(&self, name: &str) -> Path {
        if self.single {
            Path::from(format!(
                "{}.{}",
                self.base,
                name.trim_start_matches("_aithreads.")
            ))
        } else {
            self.base.clone().join(name)
        }
    }
}

/// One object being written.
struct Part {
    encoder: Encoder,
    upload: WriteMultipart,
    /// Bytes handed to the upload so far.
    bytes: usize,
}

/// The sink writing parts.
pub(crate) struct PartsSink {
    destination: Destination,
    format: Format,
    row_group_rows: usize,
    partition: Option<Partition>,
    provider: ProviderKind,
    open: BTreeMap<Option<String>, Part>,
    checkpoint: Checkpoint,
    /// The error report, kept whole (failures are few) and stored at every checkpoint.
    errors: Vec<u8>,
}

impl PartsSink {
    pub async fn open(
        destination: Destination,
        provider: ProviderKind,
        query: &ListQuery,
        options: &ExportOptions,
    ) -> Result<(Self, Start), ExportError> {
        let checkpoint_path = destination.beside(CHECKPOINT_NAME);
        let saved = if options.resume {
            match destination.store.get(&checkpoint_path).await {
                Ok(found) => Some(Checkpoint::from_bytes(
                    &found.bytes().await.map_err(store_error)?,
                    checkpoint_path.as_ref(),
                )?),
                Err(object_store::Error::NotFound { .. }) => None,
                Err(error) => return Err(store_error(error)),
            }
        } else {
            None
        };
        let resumed = saved.is_some() && !destination.single;
        let (checkpoint, errors) = match saved {
            Some(saved) if !destination.single => {
                saved.check_matches(provider, options)?;
                let errors = match destination
                    .store
                    .get(&destination.beside(ERRORS_NAME))
                    .await
                {
                    Ok(found) => found.bytes().await.map_err(store_error)?.to_vec(),
                    Err(object_store::Error::NotFound { .. }) => Vec::new(),
                    Err(error) => return Err(store_error(error)),
                };
                let mut errors = errors;
                errors.truncate(saved.error_bytes as usize);
                (saved, errors)
            }
            _ => (
                Checkpoint::start(provider, query, options, String::new()),
                Vec::new(),
            ),
        };
        let sink = Self {
            format: options.format,
            row_group_rows: options.rows_per_group(),
            partition: options.partition,
            provider,
            open: BTreeMap::new(),
            checkpoint,
            errors,
            destination,
        };
        if !sink.destination.single {
            delete_parts_from(
                &sink.destination,
                &sink.checkpoint.run,
                sink.checkpoint.next_part,
            )
            .await?;
        }
        save_checkpoint(&sink.destination, &sink.errors, &sink.checkpoint).await?;
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

    /// Where the part for `key` numbered `number` goes.
    fn part_path(&self, key: &Option<String>, number: u64) -> Path {
        if self.destination.single {
            return self.destination.base.clone();
        }
        let name = format!(
            "part-{number:05}-{}.{}",
            self.checkpoint.run,
            self.format.as_str()
        );
        match key {
            Some(date) => self
                .destination
                .base
                .clone()
                .join(format!("provider={}", self.provider.as_str()).as_str())
                .join(format!("date={date}").as_str())
                .join(name.as_str()),
            None => self.destination.base.clone().join(name.as_str()),
        }
    }

    async fn part(&mut self, key: Option<String>) -> Result<&mut Part, ExportError> {
        if !self.open.contains_key(&key) {
            let path = self.part_path(&key, self.checkpoint.next_part);
            self.checkpoint.next_part += 1;
            let upload = self
                .destination
                .store
                .put_multipart(&path)
                .await
                .map_err(store_error)?;
            let part = Part {
                encoder: Encoder::new(self.format, self.row_group_rows)?,
                upload: WriteMultipart::new_with_chunk_size(upload, UPLOAD_CHUNK),
                bytes: 0,
            };
            self.open.insert(key.clone(), part);
        }
        self.open
            .get_mut(&key)
            .ok_or_else(|| ExportError::Encode("an open part went missing".into()))
    }

    /// Completes every open part.
    async fn complete_parts(&mut self) -> Result<(), ExportError> {
        for (_, part) in std::mem::take(&mut self.open) {
            let Part {
                encoder,
                mut upload,
                ..
            } = part;
            upload.write(&encoder.finish()?);
            upload.finish().await.map_err(store_error)?;
        }
        Ok(())
    }

    fn place(&self, resumable: bool) -> Place {
        Place {
            location: self.destination.display.clone(),
            error_report: (!self.errors.is_empty())
                .then(|| self.destination.beside(ERRORS_NAME).to_string()),
            checkpoint: (resumable && !self.destination.single)
                .then(|| self.destination.beside(CHECKPOINT_NAME).to_string()),
        }
    }
}

/// Stores the error report and the checkpoint (in that order: the checkpoint counts the
/// report's bytes, so a report longer than that is cut back on resume).
async fn save_checkpoint(
    destination: &Destination,
    errors: &[u8],
    checkpoint: &Checkpoint,
) -> Result<(), ExportError> {
    let store = &destination.store;
    if !errors.is_empty() {
        store
            .put(
                &destination.beside(ERRORS_NAME),
                PutPayload::from(errors.to_vec()),
            )
            .await
            .map_err(store_error)?;
    }
    store
        .put(
            &destination.beside(CHECKPOINT_NAME),
            PutPayload::from(checkpoint.to_bytes()?),
        )
        .await
        .map_err(store_error)?;
    Ok(())
}

/// Deletes the parts of `run` numbered `first` or later under `destination`: completed after
/// the last checkpoint, they hold records a resume writes again.
async fn delete_parts_from(
    destination: &Destination,
    run: &str,
    first: u64,
) -> Result<(), ExportError> {
    let prefix = (!destination.base.as_ref().is_empty()).then_some(&destination.base);
    let found: Vec<_> = destination
        .store
        .list(prefix)
        .try_collect()
        .await
        .map_err(store_error)?;
    for object in found {
        if part_number(&object.location).is_some_and(|(n, r)| r == run && n >= first) {
            destination
                .store
                .delete(&object.location)
                .await
                .map_err(store_error)?;
        }
    }
    Ok(())
}

/// The number and run of a part object (`…/part-00012-5f3a9c01.parquet` → 12, `5f3a9c01`).
fn part_number(path: &Path) -> Option<(u64, &str)> {
    let name = path.filename()?;
    let (stem, _) = name.strip_prefix("part-")?.split_once('.')?;
    let (digits, run) = stem.split_once('-')?;
    Some((digits.parse().ok()?, run))
}

#[async_trait]
impl Sink for PartsSink {
    async fn record(&mut self, record: ExportRecord) -> Result<(), ExportError> {
        let key = self.partition.map(|Partition::Date| record.date());
        let part = self.part(key).await?;
        part.encoder.write(record)?;
        if part.encoder.ready() >= UPLOAD_CHUNK {
            let bytes = part.encoder.take()?;
            part.bytes += bytes.len();
            part.upload.write(&bytes);
            part.upload
                .wait_for_capacity(UPLOADS_IN_FLIGHT)
                .await
                .map_err(store_error)?;
        }
        Ok(())
    }

    async fn failure(&mut self, line: &FailureLine) -> Result<(), ExportError> {
        self.errors.extend(json_line(line)?);
        Ok(())
    }

    async fn page_end(&mut self, next: Option<String>, counts: Counts) -> Result<(), ExportError> {
        let mut bytes = 0;
        for part in self.open.values_mut() {
            // Close full Parquet row groups, so memory stays bounded.
            part.encoder.boundary(false)?;
            bytes += part.bytes + part.encoder.ready();
        }
        let roll =
            !self.destination.single && (bytes >= PART_BYTES || self.open.len() > MAX_OPEN_PARTS);
        if !roll {
            return Ok(());
        }
        self.complete_parts().await?;
        let checkpoint = &mut self.checkpoint;
        checkpoint.cursor = next;
        checkpoint.pages = counts.pages;
        checkpoint.exported = counts.exported;
        checkpoint.failed = counts.failed;
        checkpoint.error_bytes = self.errors.len() as u64;
        save_checkpoint(&self.destination, &self.errors, &self.checkpoint).await
    }

    async fn finish(mut self: Box<Self>) -> Result<Place, ExportError> {
        self.complete_parts().await?;
        if !self.errors.is_empty() {
            self.destination
                .store
                .put(
                    &self.destination.beside(ERRORS_NAME),
                    PutPayload::from(self.errors.clone()),
                )
                .await
                .map_err(store_error)?;
        }
        self.destination
            .store
            .delete(&self.destination.beside(CHECKPOINT_NAME))
            .await
            .or_else(|e| match e {
                object_store::Error::NotFound { .. } => Ok(()),
                other => Err(store_error(other)),
            })?;
        Ok(self.place(false))
    }

    async fn interrupt(mut self: Box<Self>) -> Result<Place, ExportError> {
        // Open parts hold records after the checkpoint: they are dropped, never completed,
        // so every object in place is whole and the resume writes those records again.
        for (_, part) in std::mem::take(&mut self.open) {
            part.upload.abort().await.map_err(store_error)?;
        }
        Ok(self.place(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_numbers_are_read_from_names() {
        assert_eq!(
            part_number(&Path::from("a/part-00012-5f3a9c01.parquet")),
            Some((12, "5f3a9c01"))
        );
        assert_eq!(
            part_number(&Path::from(
                "provider=revcent/date=2026-11-30/part-00000-00ab.ndjson"
            )),
            Some((0, "00ab"))
        );
        assert_eq!(
            part_number(&Path::from("a/_aithreads.checkpoint.json")),
            None
        );
        assert_eq!(part_number(&Path::from("a/partial.ndjson")), None);
    }
}
