//! CAP 1.2, the OASIS Common Alerting Protocol, as a library that knows nothing of safegrid.
//!
//! - [`parse`] reads an alert and checks it against the CAP 1.2 schema's structure (element order,
//!   required elements, enumerations, date-time form) and the rules the CAP 1.2 text adds
//!   (identifier and sender characters, references, polygons, circles, scope, ceiling), and
//!   returns the [`Alert`] with any warnings.
//! - [`Alert::to_xml`] writes an alert.
//! - [`feed::parse_feed`] reads an Atom or RSS feed of alerts; [`feed::Feed::to_xml`] writes Atom.
//!
//! XML is read with document type declarations and every entity other than the five predefined
//! ones and character references refused, so nothing is ever expanded or fetched.

mod check;
pub mod feed;
mod model;
mod write;
pub mod xml;

pub use check::{parse, parse_element};
pub use model::*;

/// The CAP 1.2 namespace.
pub const NS: &str = "urn:oasis:names:tc:emergency:cap:1.2";
/// The CAP 1.1 namespace, which this crate recognises only to say so.
pub const NS_1_1: &str = "urn:oasis:names:tc:emergency:cap:1.1";
/// XML digital signatures, the only foreign elements an alert may carry (after its info blocks).
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

/// Why a document is not a valid CAP 1.2 alert (or feed). `element` names where, `rule` what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("<{element}>: {rule}")]
pub struct Error {
    /// A path like `alert/info[2]/area/polygon`, or `document` for problems before any element.
    pub element: String,
    pub rule: String,
}

impl Error {
    pub fn new(element: impl Into<String>, rule: impl Into<String>) -> Error {
        Error {
            element: element.into(),
            rule: rule.into(),
        }
    }
}

/// Something allowed but worth knowing, e.g. a UTC time written `+00:00` instead of `-00:00`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub element: String,
    pub note: String,
}
