//! Local files of an export: the partial output, renamed when finished, and the error
//! report, each continued at a checkpoint's length on resume.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::ExportError;

/// `<path><suffix>`, beside `path`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The file name of `path`, as a checkpoint records it.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A file written from the start or continued from a given length.
#[derive(Debug)]
pub(crate) struct LocalFile {
    file: File,
    path: PathBuf,
    written: u64,
}

impl LocalFile {
    /// A new, empty file at `path` (replacing any).
    pub fn create(path: &Path) -> Result<Self, ExportError> {
        let file = File::create(path).map_err(|e| ExportError::io(path, e))?;
        Ok(Self {
            file,
            path: path.to_owned(),
            written: 0,
        })
    }

    /// The file at `path` cut back to its first `length` bytes, to be written on from there.
    pub fn continue_at(path: &Path, length: u64) -> Result<Self, ExportError> {
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| ExportError::io(path, e))?;
        let actual = file.metadata().map_err(|e| ExportError::io(path, e))?.len();
        if actual < length {
            return Err(ExportError::Resume(format!(
                "{} holds {actual} bytes but its checkpoint counts {length}: it was changed since; delete the checkpoint to start over",
                path.display()
            )));
        }
        file.set_len(length).map_err(|e| ExportError::io(path, e))?;
        Ok(Self {
            file,
            path: path.to_owned(),
            written: length,
        })
    }

    /// Appends `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.file
            .write_all(bytes)
            .map_err(|e| ExportError::io(&self.path, e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Empties the file, to be written again from its start.
    pub fn reset(&mut self) -> Result<(), ExportError> {
        self.file
            .set_len(0)
            .and_then(|()| self.file.seek(SeekFrom::Start(0)))
            .map_err(|e| ExportError::io(&self.path, e))?;
        self.written = 0;
        Ok(())
    }

    /// Bytes in the file.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Makes what was written durable.
    pub fn sync(&self) -> Result<(), ExportError> {
        self.file
            .sync_data()
            .map_err(|e| ExportError::io(&self.path, e))
    }
}

/// Removes `path` if it exists.
pub(crate) fn remove(path: &Path) -> Result<(), ExportError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(ExportError::io(path, error))
        }
        _ => Ok(()),
    }
}

/// Renames `from` to `to`.
pub(crate) fn rename(from: &Path, to: &Path) -> Result<(), ExportError> {
    std::fs::rename(from, to).map_err(|e| ExportError::io(to, e))
}
