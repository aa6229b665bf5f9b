//! Unpacking an uploaded vectors folder (tar, or gzip-compressed tar) into a
//! fresh folder, within limits.
//!
//! Owns what an upload may contain: regular files and folders only, relative
//! paths that stay inside the folder, bounded count, depth and sizes. Refuses
//! `..` components, absolute paths, symbolic and hard links, device nodes and
//! FIFOs, and anything over a limit; the first refusal stops the unpacking.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Bounds on an upload.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Sum of the files' sizes, in bytes.
    pub max_total: u64,
    /// One file's size, in bytes.
    pub max_file: u64,
    /// Number of entries (files and folders).
    pub max_entries: usize,
    /// Path components of an entry.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total: 64 << 20,
            max_file: 16 << 20,
            max_entries: 4096,
            max_depth: 16,
        }
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// Not a readable tar (or tar.gz).
    #[error("not a tar archive: {0}")]
    Malformed(String),
    /// An entry's path has a `..` component.
    #[error("entry {entry}: a `..` component would leave the folder")]
    PathEscape {
        /// The entry's path as stored.
        entry: String,
    },
    /// An entry's path is absolute.
    #[error("entry {entry}: absolute paths are refused")]
    AbsolutePath {
        /// The entry's path as stored.
        entry: String,
    },
    /// A symbolic or hard link.
    #[error("entry {entry}: links are refused")]
    Link {
        /// The entry's path as stored.
        entry: String,
    },
    /// A device node, FIFO or other special entry.
    #[error("entry {entry}: entry type {kind} is refused")]
    Special {
        /// The entry's path as stored.
        entry: String,
        /// The tar type byte.
        kind: u8,
    },
    /// Too many entries.
    #[error("more than {limit} entries")]
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// Nested too deep.
    #[error("entry {entry}: deeper than {limit} components")]
    TooDeep {
        /// The entry's path as stored.
        entry: String,
        /// The limit.
        limit: usize,
    },
    /// One file too large.
    #[error("entry {entry}: larger than {limit} bytes")]
    FileTooLarge {
        /// The entry's path as stored.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// All files together too large.
    #[error("files larger than {limit} bytes in total")]
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// Writing the unpacked files failed.
    #[error("unpacking failed: {0}")]
    Io(String),
}

impl ArchiveError {
    /// A stable code for problems (`ARCHIVE_PATH_ESCAPE`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            ArchiveError::Malformed(_) => "ARCHIVE_MALFORMED",
            ArchiveError::PathEscape { .. } => "ARCHIVE_PATH_ESCAPE",
            ArchiveError::AbsolutePath { .. } => "ARCHIVE_ABSOLUTE_PATH",
            ArchiveError::Link { .. } => "ARCHIVE_LINK",
            ArchiveError::Special { .. } => "ARCHIVE_SPECIAL_ENTRY",
            ArchiveError::TooManyEntries { .. } => "ARCHIVE_TOO_MANY_ENTRIES",
            ArchiveError::TooDeep { .. } => "ARCHIVE_TOO_DEEP",
            ArchiveError::FileTooLarge { .. } => "ARCHIVE_FILE_TOO_LARGE",
            ArchiveError::TooLarge { .. } => "ARCHIVE_TOO_LARGE",
            ArchiveError::Io(_) => "ARCHIVE_IO",
        }
    }
}

/// The safe relative path of an entry, or why not.
fn checked_path(raw: &[u8], limits: &Limits) -> Result<Option<PathBuf>, ArchiveError> {
    let entry = String::from_utf8_lossy(raw).into_owned();
    let path = Path::new(
        std::str::from_utf8(raw)
            .map_err(|_| ArchiveError::Malformed(format!("entry {entry}: path is not UTF-8")))?,
    );
    if raw.first() == Some(&b'/') || raw.first() == Some(&b'\\') {
        return Err(ArchiveError::AbsolutePath { entry });
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => {
                if n.to_string_lossy().contains('\\') {
                    return Err(ArchiveError::PathEscape { entry });
                }
                out.push(n)
            }
            Component::CurDir => {}
            Component::ParentDir => return Err(ArchiveError::PathEscape { entry }),
            Component::RootDir | Component::Prefix(_) => {
                return Err(ArchiveError::AbsolutePath { entry });
            }
        }
    }
    if out.components().count() > limits.max_depth {
        return Err(ArchiveError::TooDeep {
            entry,
            limit: limits.max_depth,
        });
    }
    Ok((!out.as_os_str().is_empty()).then_some(out))
}

/// Unpacks `bytes` (tar, or tar.gz by its magic) into `dest`, an empty
/// folder. Returns the number of files written.
pub fn unpack(bytes: &[u8], dest: &Path, limits: &Limits) -> Result<usize, ArchiveError> {
    // Bounds the decompressed stream too: the files plus two header blocks each.
    let bound = limits.max_total + (limits.max_entries as u64 + 4) * 1024 + (1 << 20);
    let reader: Box<dyn Read> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(bytes).take(bound))
    } else {
        Box::new(bytes)
    };
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| ArchiveError::Malformed(e.to_string()))?;
    let (mut count, mut files, mut total) = (0usize, 0usize, 0u64);
    for entry in entries {
        let mut entry = entry.map_err(|e| ArchiveError::Malformed(e.to_string()))?;
        count += 1;
        if count > limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                limit: limits.max_entries,
            });
        }
        let raw = entry.path_bytes().into_owned();
        let entry_name = String::from_utf8_lossy(&raw).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(ArchiveError::Link { entry: entry_name });
        }
        let rel = checked_path(&raw, limits)?;
        if kind.is_dir() {
            if let Some(rel) = rel {
                std::fs::create_dir_all(dest.join(rel))
                    .map_err(|e| ArchiveError::Io(e.to_string()))?;
            }
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            return Err(ArchiveError::Special {
                entry: entry_name,
                kind: kind.as_byte(),
            });
        }
        let Some(rel) = rel else {
            return Err(ArchiveError::Malformed(
                "a file entry without a name".into(),
            ));
        };
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > limits.max_file {
            return Err(ArchiveError::FileTooLarge {
                entry: entry_name,
                limit: limits.max_file,
            });
        }
        total = total.saturating_add(size);
        if total > limits.max_total {
            return Err(ArchiveError::TooLarge {
                limit: limits.max_total,
            });
        }
        let target = dest.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| ArchiveError::Io(e.to_string()))?;
        }
        // create_new: never through an existing file (there are no links to follow).
        let mut out = std::fs::File::create_new(&target)
            .map_err(|e| ArchiveError::Io(format!("{entry_name}: {e}")))?;
        let copied = std::io::copy(&mut (&mut entry).take(limits.max_file + 1), &mut out)
            .map_err(|e| ArchiveError::Malformed(format!("{entry_name}: {e}")))?;
        if copied > limits.max_file {
            return Err(ArchiveError::FileTooLarge {
                entry: entry_name,
                limit: limits.max_file,
            });
        }
        files += 1;
    }
    Ok(files)
}
