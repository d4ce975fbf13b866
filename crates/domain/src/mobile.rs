//! Mainland China mobile numbers: 11 digits, `1` then `3`-`9`. A leading `+86`/`86` and spaces or
//! dashes, as people type them, are accepted and dropped.

use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    /// Returns the normalised number, or the locale code of the rule broken.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let digits = if digits.len() == 13 && digits.starts_with("86") {
            &digits[2..]
        } else {
            digits
        };
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("mobile.character");
        }
        if digits.len() != 11 {
            return Err("mobile.length");
        }
        let b = digits.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err("mobile.prefix");
        }
        Ok(Mobile(digits.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Mobile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Mobile::parse("13812345678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            Mobile::parse("+86 138-1234-5678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            Mobile::parse("8619912345678").unwrap().as_str(),
            "19912345678"
        );
    }

    #[test]
    fn rejects() {
        assert_eq!(Mobile::parse("1381234567"), Err("mobile.length"));
        assert_eq!(Mobile::parse("138123456789"), Err("mobile.length"));
        assert_eq!(Mobile::parse("12812345678"), Err("mobile.prefix"));
        assert_eq!(Mobile::parse("23812345678"), Err("mobile.prefix"));
        assert_eq!(Mobile::parse("1381234567a"), Err("mobile.character"));
        assert_eq!(Mobile::parse("023-7288 1234"), Err("mobile.prefix"));
        assert_eq!(Mobile::parse(""), Err("mobile.length"));
    }
}
