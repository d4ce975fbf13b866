//! Validation errors that name the field and the rule broken.
//!
//! Messages are not written here: a [`FieldError`] carries a stable `code` (such as
//! `uscc.check_digit`) that the locale catalogue turns into words in the user's language.

use serde::Serialize;

/// One field that failed one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as the API and the forms use it, e.g. `uscc`.
    pub field: String,
    /// The broken rule, a key of the locale catalogue, e.g. `uscc.check_digit`.
    pub code: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
        }
    }
}

/// Every field error found in one input. A draft is checked whole so that a form shows all of its
/// problems at once rather than one per submit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid input: {}", .errors.iter().map(|e| format!("{}: {}", e.field, e.code)).collect::<Vec<_>>().join(", "))]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

impl Invalid {
    pub fn one(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            errors: vec![FieldError::new(field, code)],
        }
    }
    pub fn push(&mut self, field: impl Into<String>, code: impl Into<String>) {
        self.errors.push(FieldError::new(field, code));
    }
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }
    /// `Ok(())` when nothing was pushed, else `Err(self)`.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// Trims a required text field; records `required` or `too_long` against `field`.
pub fn required_text(errs: &mut Invalid, field: &str, value: &str, max_chars: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errs.push(field, "required");
    } else if v.chars().count() > max_chars {
        errs.push(field, "too_long");
    }
    v.to_string()
}

/// Trims an optional text field: empty becomes `None`; records `too_long`.
pub fn optional_text(
    errs: &mut Invalid,
    field: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Option<String> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    if v.chars().count() > max_chars {
        errs.push(field, "too_long");
    }
    Some(v.to_string())
}

/// An optional reference to another record: empty is `None`; anything but a positive whole
/// number records `not_a_reference`.
pub fn optional_reference(errs: &mut Invalid, field: &str, value: &str) -> Option<i64> {
    match value.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errs.push(field, "not_a_reference");
                None
            }
        },
    }
}

/// A required `YYYY-MM-DD` day: records `required` or `date.form`.
pub fn required_date(errs: &mut Invalid, field: &str, value: &str) -> Option<chrono::NaiveDate> {
    match value.trim() {
        "" => {
            errs.push(field, "required");
            None
        }
        v => crate::hazard::parse_date(v).or_else(|| {
            errs.push(field, "date.form");
            None
        }),
    }
}
