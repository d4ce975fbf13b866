//! 统一社会信用代码 (unified social credit code), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V). The last
//! character is a check digit over the first 17 with weights 3^(i) mod 31. Positions 3-8 are the
//! GB/T 2260 administrative division code, so they are digits.

use serde::{Serialize, Serializer};
use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A USCC whose check digit is right. Stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// Why a text is not a USCC; each maps to a locale code `uscc.<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    Length,
    Character,
    Division,
    CheckDigit,
}

impl UsccError {
    pub fn code(self) -> &'static str {
        match self {
            UsccError::Length => "uscc.length",
            UsccError::Character => "uscc.character",
            UsccError::Division => "uscc.division",
            UsccError::CheckDigit => "uscc.check_digit",
        }
    }
}

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (which must be from the alphabet).
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl Uscc {
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let s = input.trim().to_ascii_uppercase();
        let bytes = s.as_bytes();
        if s.chars().count() != 18 || bytes.len() != 18 {
            return Err(UsccError::Length);
        }
        if bytes.iter().any(|b| value_of(*b).is_none()) {
            return Err(UsccError::Character);
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::Division);
        }
        let expected = check_char(&bytes[..17]).ok_or(UsccError::Character)?;
        if bytes[17] as char != expected {
            return Err(UsccError::CheckDigit);
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The GB 11714 organisation-code check character for 8 characters; used to make plausible codes.
pub fn org_code_check(first8: &[u8]) -> Option<char> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0u32;
    for (c, w) in first8.iter().zip(W) {
        let v = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from(b'0' + n as u8),
    })
}

/// Builds a valid USCC from a registration-type prefix (2 chars), a 6-digit division code and an
/// 8-digit organisation body; used by the demo town generator.
pub fn compose(prefix: &str, division: &str, org_body: &str) -> Option<Uscc> {
    let org_check = org_code_check(org_body.as_bytes())?;
    let first17 = format!("{prefix}{division}{org_body}{org_check}");
    let check = check_char(first17.as_bytes())?;
    Uscc::parse(&format!("{first17}{check}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Codes printed on real business licences.
        for c in [
            "91350100M000100Y43",
            "91110000600037341L",
            "911100001000128855",
        ] {
            assert!(Uscc::parse(c).is_ok(), "{c}");
        }
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        assert_eq!(
            Uscc::parse(" 91350100m000100y43 ").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn rejects_each_kind_of_error() {
        assert_eq!(Uscc::parse("91350100M000100Y4"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91350100M000100Y433"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91350100M000100I43"), Err(UsccError::Character));
        assert_eq!(Uscc::parse("9135010OM000100Y43"), Err(UsccError::Character));
        assert_eq!(Uscc::parse("913501A0M000100Y43"), Err(UsccError::Division));
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::CheckDigit)
        );
        assert_eq!(
            Uscc::parse("统一社会信用代码统一社会信用代码统一"),
            Err(UsccError::Length)
        );
    }

    #[test]
    fn every_single_character_change_is_caught() {
        let good = b"91350100M000100Y43";
        for i in 0..18 {
            for &c in ALPHABET.iter() {
                if c == good[i] {
                    continue;
                }
                let mut s = good.to_vec();
                s[i] = c;
                let s = String::from_utf8(s).unwrap();
                assert!(Uscc::parse(&s).is_err(), "{s} should fail");
            }
        }
    }

    #[test]
    fn composed_codes_are_valid() {
        let u = compose("91", "500102", "MA5U7K3P").unwrap();
        assert!(Uscc::parse(u.as_str()).is_ok());
        // GB 11714 known example: D2143569 has check digit X.
        assert_eq!(org_code_check(b"D2143569"), Some('X'));
    }
}
