//! Parquet exports (feature `parquet`): the Arrow schema of [`ExportRecord`], row groups of
//! bounded size, and footer snapshots that let a checkpoint name a row-group boundary.
//!
//! The schema ([`export_arrow_schema`], also in this crate's `schemas/export.arrow.txt`):
//!
//! ```text
//! ref            utf8 not null         status_reason  utf8
//! provider       utf8 not null         created_at     timestamp[us, UTC]
//! id             utf8 not null         updated_at     timestamp[us, UTC]
//! status         utf8 not null         title, user, assistant   utf8
//! raw_status     utf8 not null         record         utf8 (JSON text, only with raw)
//! messages       list<struct<id utf8, role utf8 not null, text utf8 not null,
//!                            created_at timestamp[us, UTC], tool_call_id utf8,
//!                            tool_calls list<struct<id utf8, name utf8 not null,
//!                                                   arguments utf8 not null>> not null>> not null
//! ```
//!
//! Memory stays bounded: records are encoded [`BATCH_ROWS`] (or [`BATCH_BYTES`]) at a time
//! and a row group is closed at
//! [`ExportOptions::row_group_rows`](super::ExportOptions::row_group_rows) rows, also inside
//! a page (a RevCent window can hold more), or at a page end past [`ROW_GROUP_BYTES`] of
//! encoded data. A checkpoint names the last row group closed at a page end; one closed
//! inside a page is cut off by a resume, whose journal holds its records.

use std::fs::File;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use arrow_array::builder::{
    ListBuilder, StringBuilder, StructBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, StringArray, TimestampMicrosecondArray};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter, add_encoded_arrow_schema_to_metadata};
use parquet::basic::Compression;
use parquet::file::metadata::{FileMetaData, ParquetMetaDataBuilder, ParquetMetaDataWriter};
use parquet::file::properties::WriterProperties;
use time::OffsetDateTime;

use super::ExportError;
use super::encode::Boundary;
use super::files::LocalFile;
use super::record::{ExportMessage, ExportRecord};

/// Records encoded into Arrow arrays at a time…
pub const BATCH_ROWS: usize = 1024;
/// …or fewer, once their text reaches this many bytes (long transcripts).
pub const BATCH_BYTES: usize = 4 << 20;
/// Most encoded bytes buffered for one row group.
pub const ROW_GROUP_BYTES: usize = 32 << 20;

const TIMEZONE: &str = "UTC";

fn timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(TIMEZONE.into()))
}

fn tool_call_fields() -> Fields {
    Fields::from(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("name", DataType::Utf8, false),
        Field::new("arguments", DataType::Utf8, false),
    ])
}

fn message_fields() -> Fields {
    Fields::from(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("role", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("created_at", timestamp(), true),
        Field::new("tool_call_id", DataType::Utf8, true),
        Field::new(
            "tool_calls",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(tool_call_fields()),
                false,
            ))),
            false,
        ),
    ])
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let text = |name: &str, nullable| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        text("ref", false),
        text("provider", false),
        text("id", false),
        text("status", false),
        text("raw_status", false),
        text("status_reason", true),
        Field::new("created_at", timestamp(), true),
        Field::new("updated_at", timestamp(), true),
        text("title", true),
        text("user", true),
        text("assistant", true),
        Field::new(
            "messages",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(message_fields()),
                false,
            ))),
            false,
        ),
        text("record", true),
    ]))
});

/// The Arrow schema of a Parquet export: the columns of [`ExportRecord`].
pub fn export_arrow_schema() -> SchemaRef {
    SCHEMA.clone()
}

fn micros(time: Option<OffsetDateTime>) -> Option<i64> {
    time.map(|t| (t.unix_timestamp_nanos() / 1_000) as i64)
}

fn encode_error(error: impl std::fmt::Display) -> ExportError {
    ExportError::Encode(error.to_string())
}

/// The bytes of a record's longer texts: what its share of a batch's memory is.
fn text_bytes(record: &ExportRecord) -> usize {
    let messages: usize = record
        .messages
        .iter()
        .map(|m| {
            m.text.len()
                + m.tool_calls
                    .iter()
                    .map(|c| c.name.len() + c.arguments.len())
                    .sum::<usize>()
        })
        .sum();
    messages + record.record.as_ref().map_or(0, |_| 1024) + 256
}

/// `records` as one Arrow batch of [`export_arrow_schema`].
fn batch(records: &[ExportRecord]) -> Result<RecordBatch, ExportError> {
    let text = |get: &dyn Fn(&ExportRecord) -> &str| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(records.iter().map(get)))
    };
    let optional = |get: &dyn Fn(&ExportRecord) -> Option<&str>| -> ArrayRef {
        Arc::new(records.iter().map(get).collect::<StringArray>())
    };
    let time = |get: &dyn Fn(&ExportRecord) -> Option<OffsetDateTime>| -> ArrayRef {
        Arc::new(
            records
                .iter()
                .map(|r| micros(get(r)))
                .collect::<TimestampMicrosecondArray>()
                .with_timezone(TIMEZONE),
        )
    };
    let record_text: Vec<Option<String>> = records
        .iter()
        .map(|r| r.record.as_ref().map(|value| value.to_string()))
        .collect();
    let columns: Vec<ArrayRef> = vec![
        text(&|r| &r.reference),
        text(&|r| &r.provider),
        text(&|r| &r.id),
        text(&|r| &r.status),
        text(&|r| &r.raw_status),
        optional(&|r| r.status_reason.as_deref()),
        time(&|r| r.created_at),
        time(&|r| r.updated_at),
        optional(&|r| r.title.as_deref()),
        optional(&|r| r.user.as_deref()),
        optional(&|r| r.assistant.as_deref()),
        messages(records),
        Arc::new(StringArray::from(record_text)),
    ];
    RecordBatch::try_new(export_arrow_schema(), columns).map_err(encode_error)
}

/// The `messages` column.
fn messages(records: &[ExportRecord]) -> ArrayRef {
    let calls =
        ListBuilder::new(StructBuilder::from_fields(tool_call_fields(), 0)).with_field(Arc::new(
            Field::new("item", DataType::Struct(tool_call_fields()), false),
        ));
    let fields = message_fields();
    let message = StructBuilder::new(
        fields.clone(),
        vec![
            Box::new(StringBuilder::new()),
            Box::new(StringBuilder::new()),
            Box::new(StringBuilder::new()),
            Box::new(TimestampMicrosecondBuilder::new().with_timezone(TIMEZONE)),
            Box::new(StringBuilder::new()),
            Box::new(calls),
        ],
    );
    let mut list = ListBuilder::new(message).with_field(Arc::new(Field::new(
        "item",
        DataType::Struct(fields),
        false,
    )));
    for record in records {
        for m in &record.messages {
            append_message(list.values(), m);
        }
        list.append(true);
    }
    Arc::new(list.finish())
}

fn append_message(builder: &mut StructBuilder, message: &ExportMessage) {
    fn string(builder: &mut StructBuilder, i: usize) -> &mut StringBuilder {
        builder
            .field_builder::<StringBuilder>(i)
            .expect("message fields are built with these builders")
    }
    string(builder, 0).append_option(message.id.as_deref());
    string(builder, 1).append_value(&message.role);
    string(builder, 2).append_value(&message.text);
    builder
        .field_builder::<TimestampMicrosecondBuilder>(3)
        .expect("message fields are built with these builders")
        .append_option(micros(message.created_at));
    string(builder, 4).append_option(message.tool_call_id.as_deref());
    let calls = builder
        .field_builder::<ListBuilder<StructBuilder>>(5)
        .expect("message fields are built with these builders");
    for call in &message.tool_calls {
        let call_builder = calls.values();
        string(call_builder, 0).append_option(call.id.as_deref());
        string(call_builder, 1).append_value(&call.name);
        string(call_builder, 2).append_value(&call.arguments);
        call_builder.append(true);
    }
    calls.append(true);
    builder.append(true);
}

/// Writer settings: snappy; row groups are closed at page ends by
/// [`ParquetEncoder::boundary`], so that each one ends where a checkpoint can name it; the
/// writer itself closes one only past twice [`ROW_GROUP_BYTES`], as a safety net.
fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(None)
        .set_max_row_group_bytes(Some(2 * ROW_GROUP_BYTES))
        .build()
}

/// Encodes records into Parquet bytes, handed out as they are ready.
pub(crate) struct ParquetEncoder {
    writer: ArrowWriter<Vec<u8>>,
    pending: Vec<ExportRecord>,
    /// The text bytes of `pending`, roughly.
    pending_bytes: usize,
    /// Most rows in one row group.
    rows: usize,
    /// Row groups closed by the last [`boundary`](Self::boundary).
    groups_at_boundary: usize,
}

impl ParquetEncoder {
    /// An encoder closing row groups at `rows` rows (at least 1).
    pub fn new(rows: usize) -> Result<Self, ExportError> {
        let rows = rows.max(1);
        let writer = ArrowWriter::try_new(Vec::new(), export_arrow_schema(), Some(properties()))
            .map_err(encode_error)?;
        Ok(Self {
            writer,
            pending: Vec::with_capacity(BATCH_ROWS),
            pending_bytes: 0,
            rows,
            groups_at_boundary: 0,
        })
    }

    pub fn write(&mut self, record: ExportRecord) -> Result<(), ExportError> {
        self.pending_bytes += text_bytes(&record);
        self.pending.push(record);
        if self.pending.len() >= BATCH_ROWS.min(self.rows) || self.pending_bytes >= BATCH_BYTES {
            self.encode_pending()?;
            if self.writer.in_progress_rows() >= self.rows {
                self.writer.flush().map_err(encode_error)?;
            }
        }
        Ok(())
    }

    fn encode_pending(&mut self) -> Result<(), ExportError> {
        if !self.pending.is_empty() {
            let batch = batch(&self.pending)?;
            self.pending.clear();
            self.pending_bytes = 0;
            self.write_batch(&batch)?;
        }
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch) -> Result<(), ExportError> {
        self.writer.write(batch).map_err(encode_error)
    }

    pub fn ready(&self) -> usize {
        self.writer.inner().len()
    }

    pub fn take(&mut self) -> Result<Vec<u8>, ExportError> {
        // The file writer buffers its output: push it through to the `Vec` first.
        self.writer.sync().map_err(encode_error)?;
        Ok(std::mem::take(self.writer.inner_mut()))
    }

    /// Closes the row group when it is big enough, when a row group was closed since the
    /// last boundary (so that a checkpoint follows it and the journal restarts), or when
    /// `force`d; then answers the footer that makes every byte handed out so far a complete
    /// file.
    pub fn boundary(&mut self, force: bool) -> Result<Option<Boundary>, ExportError> {
        let waiting = self.writer.in_progress_rows() + self.pending.len();
        let closed_inside = self.writer.flushed_row_groups().len() > self.groups_at_boundary;
        if waiting > 0 {
            let full = waiting >= self.rows || self.writer.in_progress_size() >= ROW_GROUP_BYTES;
            if !(force || full || closed_inside) {
                return Ok(None);
            }
            self.encode_pending()?;
            self.writer.flush().map_err(encode_error)?;
        }
        self.groups_at_boundary = self.writer.flushed_row_groups().len();
        Ok(Some(Boundary {
            footer: Some(self.footer()?),
        }))
    }

    /// The footer of a file holding the row groups written so far: what
    /// [`ArrowWriter`] would write on close, without closing.
    fn footer(&self) -> Result<Vec<u8>, ExportError> {
        let mut props = properties();
        add_encoded_arrow_schema_to_metadata(&export_arrow_schema(), &mut props);
        let descriptor = ArrowSchemaConverter::new()
            .with_coerce_types(props.coerce_types())
            .convert(&export_arrow_schema())
            .map_err(encode_error)?;
        let row_groups = self.writer.flushed_row_groups().to_vec();
        let rows = row_groups.iter().map(|group| group.num_rows()).sum();
        let file = FileMetaData::new(
            props.writer_version().as_num(),
            rows,
            Some(props.created_by().to_owned()),
            props.key_value_metadata().cloned(),
            Arc::new(descriptor),
            None,
        );
        let metadata = ParquetMetaDataBuilder::new(file)
            .set_row_groups(row_groups)
            .build();
        let mut footer = Vec::new();
        ParquetMetaDataWriter::new(&mut footer, &metadata)
            .with_preserve_page_index_locations(false)
            .finish()
            .map_err(encode_error)?;
        Ok(footer)
    }

    pub fn finish(mut self) -> Result<Vec<u8>, ExportError> {
        self.encode_pending()?;
        self.writer.finish().map_err(encode_error)?;
        self.take()
    }
}

/// Continues a Parquet export: `old` cut back to its first `bytes` and closed with the
/// checkpoint's `footer` is a complete file; its rows are copied into a new encoder writing
/// to `new`, which is returned with the footer of that point.
pub(crate) fn recover(
    old: &Path,
    bytes: u64,
    footer: Option<&[u8]>,
    new: &Path,
    rows: usize,
) -> Result<(ParquetEncoder, LocalFile, Vec<u8>), ExportError> {
    let mut encoder = ParquetEncoder::new(rows)?;
    let mut partial = LocalFile::create(new)?;
    match footer {
        Some(footer) => {
            let mut head = LocalFile::continue_at(old, bytes)?;
            head.write(footer)?;
            let file = File::open(old).map_err(|e| ExportError::io(old, e))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .and_then(|builder| builder.with_batch_size(BATCH_ROWS).build())
                .map_err(|e| ExportError::Resume(format!("{}: {e}", old.display())))?;
            for batch in reader {
                let batch =
                    batch.map_err(|e| ExportError::Resume(format!("{}: {e}", old.display())))?;
                encoder.write_batch(&batch)?;
                if encoder.ready() >= super::sink::CHUNK {
                    partial.write(&encoder.take()?)?;
                }
            }
        }
        None if bytes == 0 => {}
        None => {
            return Err(ExportError::Resume(
                "the checkpoint of a Parquet export has no footer".into(),
            ));
        }
    }
    let boundary = encoder.boundary(true)?;
    partial.write(&encoder.take()?)?;
    let footer = boundary.and_then(|b| b.footer).unwrap_or_default();
    Ok((encoder, partial, footer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ProviderKind, RawStatus, Status, Thread};

    fn record(n: usize) -> ExportRecord {
        let thread = Thread::new(
            ProviderKind::OpenAiChatKit,
            format!("cthr_{n}"),
            Status::Running,
            RawStatus::new("active"),
            n,
        );
        ExportRecord::new(&thread, false).unwrap()
    }

    #[test]
    fn row_groups_close_when_full_and_page_ends_follow_them() {
        let mut encoder = ParquetEncoder::new(25).unwrap();
        for n in 0..20 {
            encoder.write(record(n)).unwrap();
        }
        assert_eq!(encoder.boundary(false).unwrap(), None);
        // Full inside a page: closed at once, so memory holds at most one row group.
        for n in 20..28 {
            encoder.write(record(n)).unwrap();
        }
        let rows = |encoder: &ParquetEncoder| -> Vec<i64> {
            let groups = encoder.writer.flushed_row_groups();
            groups.iter().map(|group| group.num_rows()).collect()
        };
        assert_eq!(rows(&encoder), [25]);
        // The page end closes the open one too: a checkpoint can name it.
        let boundary = encoder.boundary(false).unwrap().unwrap();
        assert!(boundary.footer.unwrap().ends_with(b"PAR1"));
        assert_eq!(rows(&encoder), [25, 3]);
        // Then page ends wait for the next full row group again.
        encoder.write(record(28)).unwrap();
        assert_eq!(encoder.boundary(false).unwrap(), None);
    }

    #[test]
    fn bytes_so_far_and_the_footer_make_a_complete_file() {
        let mut encoder = ParquetEncoder::new(10).unwrap();
        let mut file = Vec::new();
        for n in 0..25 {
            encoder.write(record(n)).unwrap();
            if n % 5 == 4 {
                encoder.boundary(false).unwrap();
            }
        }
        file.extend(encoder.take().unwrap());
        let footer = encoder.boundary(true).unwrap().unwrap().footer.unwrap();
        file.extend(encoder.take().unwrap());
        let mut snapshot = file.clone();
        snapshot.extend(footer);
        let mut on_disk = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut on_disk, &snapshot).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(on_disk)
            .unwrap()
            .build()
            .unwrap();
        let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
        assert_eq!(rows, 25);
    }
}
