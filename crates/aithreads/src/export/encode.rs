//! Turning [`ExportRecord`]s into the bytes of one output file, NDJSON or Parquet.

use super::{ExportError, Format};
use crate::export::record::ExportRecord;

/// Where an encoder stands at a page end when everything written so far is in the bytes it
/// handed out: a checkpoint can name this point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Boundary {
    /// For Parquet: the footer that makes the bytes so far a complete file.
    pub footer: Option<Vec<u8>>,
}

/// The encoder of one output file.
pub(crate) enum Encoder {
    /// One JSON object per line; every line is complete when handed out.
    Ndjson(Vec<u8>),
    /// Parquet row groups.
    #[cfg(feature = "parquet")]
    Parquet(Box<super::parquet::ParquetEncoder>),
}

impl Encoder {
    /// An encoder for `format`; Parquet row groups hold at most `row_group_rows` rows.
    #[cfg_attr(not(feature = "parquet"), allow(unused_variables))]
    pub fn new(format: Format, row_group_rows: usize) -> Result<Self, ExportError> {
        match format {
            Format::Ndjson => Ok(Self::Ndjson(Vec::with_capacity(1 << 20))),
            #[cfg(feature = "parquet")]
            Format::Parquet => Ok(Self::Parquet(Box::new(
                super::parquet::ParquetEncoder::new(row_group_rows)?,
            ))),
            #[cfg(not(feature = "parquet"))]
            Format::Parquet => Err(super::no_parquet()),
        }
    }

    /// Adds one record.
    pub fn write(&mut self, record: ExportRecord) -> Result<(), ExportError> {
        match self {
            Self::Ndjson(buffer) => {
                serde_json::to_writer(&mut *buffer, &record)
                    .map_err(|e| ExportError::Encode(e.to_string()))?;
                buffer.push(b'\n');
                Ok(())
            }
            #[cfg(feature = "parquet")]
            Self::Parquet(encoder) => encoder.write(record),
        }
    }

    /// How many encoded bytes wait to be written out.
    pub fn ready(&self) -> usize {
        match self {
            Self::Ndjson(buffer) => buffer.len(),
            #[cfg(feature = "parquet")]
            Self::Parquet(encoder) => encoder.ready(),
        }
    }

    /// The encoded bytes waiting to be written out, in order.
    pub fn take(&mut self) -> Result<Vec<u8>, ExportError> {
        match self {
            Self::Ndjson(buffer) => Ok(std::mem::replace(buffer, Vec::with_capacity(1 << 20))),
            #[cfg(feature = "parquet")]
            Self::Parquet(encoder) => encoder.take(),
        }
    }

    /// At a page end: `Some` when the bytes handed out by [`take`](Self::take) now hold every
    /// record written, so a checkpoint can name this point. NDJSON always can; Parquet when
    /// a row group is complete (it closes one once enough rows are waiting, or when `force`).
    #[cfg_attr(not(feature = "parquet"), allow(unused_variables))]
    pub fn boundary(&mut self, force: bool) -> Result<Option<Boundary>, ExportError> {
        match self {
            Self::Ndjson(_) => Ok(Some(Boundary { footer: None })),
            #[cfg(feature = "parquet")]
            Self::Parquet(encoder) => encoder.boundary(force),
        }
    }

    /// Ends the file: the last bytes to write out (Parquet's last row group and footer).
    pub fn finish(self) -> Result<Vec<u8>, ExportError> {
        match self {
            Self::Ndjson(buffer) => Ok(buffer),
            #[cfg(feature = "parquet")]
            Self::Parquet(encoder) => encoder.finish(),
        }
    }
}
