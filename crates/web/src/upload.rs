//! Reading the one file of an upload form (field `file`), for the pages and the API alike.

use axum::body::Bytes;
use axum::extract::Multipart;

/// What an upload form held.
pub enum Upload {
    /// The file's name as the browser gave it, and its bytes.
    File(String, Bytes),
    /// No file part.
    Empty,
    /// The body was cut off at the request size limit (or was not multipart at all).
    TooLarge,
}

/// The first part named `file`; other parts are skipped.
pub async fn first_file(form: &mut Multipart) -> Upload {
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("file").to_string();
                return match field.bytes().await {
                    Ok(bytes) => Upload::File(name, bytes),
                    Err(_) => Upload::TooLarge,
                };
            }
            Ok(Some(_)) => {}
            Ok(None) => return Upload::Empty,
            Err(_) => return Upload::TooLarge,
        }
    }
}
