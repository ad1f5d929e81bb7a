//! Source files: reading them safely and mapping byte offsets to the
//! line and column an editor sees.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::diag::{Code, Diagnostic};

/// Largest source file legalsite reads. A 100,000-word policy is under 1 MB;
/// anything past this is a mistake (a pasted export, a binary) and would only
/// make every page slow.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A text file of the site, as an editor sees it: a UTF-8 byte-order mark
/// is dropped and CRLF line ends read as LF. Neither changes a line or column
/// number an editor would count.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators, for messages.
    pub path: String,
    /// The normalized text.
    pub text: String,
    /// Where each line starts, found when a message first needs a line:
    /// most files never have one (20 MB and 1 % of `check` on a large site).
    line_starts: OnceLock<Vec<usize>>,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &SourceFile) -> bool {
        self.path == other.path && self.text == other.text
    }
}

impl Eq for SourceFile {}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl AsRef<str>) -> SourceFile {
        // Normalized on the borrowed text, so a file is copied once
        // whatever it needs.
        let text = text.as_ref();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = match text.contains('\r') {
            true => text.replace("\r\n", "\n"),
            false => text.to_owned(),
        };
        SourceFile {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // memchr's SIMD search: a policy's lines are short, and finding
            // each with `match_indices` cost ~200 instructions a line.
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&start| start <= offset);
        let start = line_starts[line.saturating_sub(1)];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line.max(1), column)
    }

    /// Byte offset of the start of a 1-based line (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of a 1-based line, without its line end.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        self.text.get(start..end.max(start)).unwrap_or("")
    }
}

/// Reads one file of the site. `display` is its path relative to the root.
/// Every way this can fail is a diagnostic that names the file.
pub fn read(absolute: &Path, display: &str) -> Result<SourceFile, Diagnostic> {
    let bytes = read_bytes(absolute, display)?;
    decode(display, &bytes)
}

/// Reads a file's bytes, refusing files too large to be a policy.
pub fn read_bytes(absolute: &Path, display: &str) -> Result<Vec<u8>, Diagnostic> {
    let metadata = fs::metadata(absolute).map_err(|e| io_error(display, "read", &e))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "this file is {:.1} MB; legalsite reads files of at most {} MB",
                metadata.len() as f64 / 1_048_576.0,
                MAX_FILE_BYTES / 1_048_576
            ),
        )
        .in_file(display)
        .help("a policy text is plain Markdown; check that the right file was saved here"));
    }
    fs::read(absolute).map_err(|e| io_error(display, "read", &e))
}

/// Decodes bytes as UTF-8, pointing at the first byte that is not.
pub fn decode(display: &str, bytes: &[u8]) -> Result<SourceFile, Diagnostic> {
    // simdutf8 validates a policy's bytes ~10x faster than std (which goes
    // byte by byte through non-ASCII text: 4 % of `check` on a corpus in ten
    // languages); the copy into a `String` costs less than the difference.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(display, text)),
        Err(_) => {
            // The fast check says only that the bytes are invalid; std's
            // says where, for the message.
            let valid_up_to = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let prefix = SourceFile::new(display, String::from_utf8_lossy(&bytes[..valid_up_to]));
            let (line, column) = prefix.line_col(prefix.text.len());
            Err(Diagnostic::error(
                Code::NotUtf8,
                format!("this file is not UTF-8 text (byte {valid_up_to} is not valid UTF-8)"),
            )
            .in_file(display)
            .at_line_col(line, column, prefix.line_text(line).to_string(), 1)
            .help("save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)"))
        }
    }
}

/// A diagnostic for an I/O failure on a site file.
pub fn io_error(display: &str, action: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("could not {action} this file: {error}"))
        .in_file(display)
        .help("check that the file exists and that you may read it")
}

/// `path` relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let file = SourceFile::new("a.md", "ab\nçé x\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        // "çé " is 5 bytes, 3 characters.
        assert_eq!(file.line_col(8), (2, 4));
        assert_eq!(file.line_text(2), "çé x");
        assert_eq!(file.line_text(3), "");
    }

    #[test]
    fn bom_and_crlf_do_not_move_lines_or_columns() {
        let file = SourceFile::new("a.md", "\u{feff}---\r\ntitle: x\r\n");
        assert_eq!(file.text, "---\ntitle: x\n");
        assert_eq!(file.line_col(file.text.find('x').unwrap()), (2, 8));
    }

    #[test]
    fn a_file_is_the_same_file_whether_or_not_a_message_read_its_lines() {
        let read = SourceFile::new("a.md", "one\ntwo\n");
        assert_eq!(read.line_col(5), (2, 2));
        assert_eq!(read.line_text(2), "two");
        assert_eq!(read, SourceFile::new("a.md", "one\ntwo\n"));
        assert_ne!(read, SourceFile::new("a.md", "one\ntwo!\n"));
    }

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let diag = decode("a.md", b"ok\nab\xffcd").unwrap_err();
        assert_eq!(diag.code, Code::NotUtf8);
        assert_eq!((diag.line, diag.column), (Some(2), Some(3)));
    }
}
