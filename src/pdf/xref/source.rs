//! Random access to a PDF's bytes: the [`Source`] trait, over memory or a
//! file read by offset, so that a large file is never held in memory.

use crate::pdf::PdfError;

/// Random access to a file's bytes.
pub trait Source {
    /// Length in bytes.
    fn len(&self) -> u64;
    /// Reads up to `buf.len()` bytes at `offset`; fewer only at the end.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize>;
    /// Whether it is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// All the bytes, when they are in memory (parsed in place, not copied).
    fn bytes(&self) -> Option<&[u8]> {
        None
    }
}

impl Source for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(<[u8]>::len(self));
        let n = buf.len().min(<[u8]>::len(self) - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
    fn bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl Source for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        self.as_slice().read_at(offset, buf)
    }
    fn bytes(&self) -> Option<&[u8]> {
        Some(self.as_slice())
    }
}

/// A file on disk, read by offset.
pub struct FileSource {
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    /// Opens `path`.
    pub fn open(path: &std::path::Path) -> std::io::Result<FileSource> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl Source for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            let n = self.file.read_at(&mut buf[done..], offset + done as u64)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }
}

/// The bytes an object at `offset` may span (at most `max`), borrowed from
/// a source in memory; None for a source read by offset.
pub fn in_memory(src: &dyn Source, offset: u64, max: usize) -> Option<&[u8]> {
    let all = src.bytes()?;
    let from = usize::try_from(offset).ok()?.min(all.len());
    Some(&all[from..from.saturating_add(max).min(all.len())])
}

/// Reads `len` bytes at `offset` (fewer at the end of the source).
pub fn read_range(src: &dyn Source, offset: u64, len: usize) -> Result<Vec<u8>, PdfError> {
    let avail = src.len().saturating_sub(offset);
    let mut buf = vec![0u8; len.min(usize::try_from(avail).unwrap_or(usize::MAX))];
    let n = src.read_at(offset, &mut buf).map_err(PdfError::io)?;
    buf.truncate(n);
    Ok(buf)
}
