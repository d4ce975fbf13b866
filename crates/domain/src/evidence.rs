//! Evidence files (photos, documents): what is accepted is decided by the bytes, not by the name
//! or the type the browser claims.

use crate::Invalid;

/// The kinds of file accepted as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != FileKind::Pdf
    }
}

/// The kind of a file from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// Checks an upload: not empty, not over `max_bytes`, and really a JPEG, PNG or PDF.
pub fn check(bytes: &[u8], max_bytes: usize) -> Result<FileKind, Invalid> {
    if bytes.is_empty() {
        return Err(Invalid::one("file", "file.empty"));
    }
    if bytes.len() > max_bytes {
        return Err(Invalid::one("file", "file.too_large"));
    }
    sniff(bytes).ok_or_else(|| Invalid::one("file", "file.type"))
}

/// A file name safe to show and to offer for download: no path, no control characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "file".into()
    } else {
        cleaned.trim().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileKind::Png));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        // A text file named photo.jpg is still text.
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(
            check(b"hello, I am a jpeg", 100).unwrap_err().errors[0].code,
            "file.type"
        );
        assert_eq!(check(b"", 100).unwrap_err().errors[0].code, "file.empty");
        assert_eq!(
            check(&[0xFF, 0xD8, 0xFF, 0, 0], 4).unwrap_err().errors[0].code,
            "file.too_large"
        );
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 0, 0], 5).unwrap(), FileKind::Jpeg);
    }

    #[test]
    fn names_lose_their_paths() {
        assert_eq!(clean_name("C:\\Users\\x\\现场照片.jpg"), "现场照片.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}\"b.pdf"), "ab.pdf");
        assert_eq!(clean_name("/"), "file");
    }
}
