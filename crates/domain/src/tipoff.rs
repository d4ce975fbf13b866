//! Tip-offs with rewards (有奖举报): what anyone may report without an account, how staff move a
//! tip-off along, and what reward it earns.
//!
//! The reward follows 《安全生产领域举报奖励办法》 (应急管理部 财政部, 2018) and peers' practice: a
//! share of the fine the tip-off led to (15 % there; some provinces pay up to 50 %), never less than
//! CNY 3 000 and never more than CNY 300 000. The share, the floor and the cap are configuration.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_reference, optional_text, required_text};
use crate::hazard::{parse_date, parse_yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(
    /// Where a tip-off stands.
    TipStatus {
        /// Received, not yet looked at (已受理).
        Received = "received",
        /// Given to a department or village to check (核查中).
        Verifying = "verifying",
        /// Found true (属实).
        Substantiated = "substantiated",
        /// Found untrue or outside safety work (不属实).
        Unfounded = "unfounded",
    }
);

impl TipStatus {
    /// The statuses staff may move a tip-off to from this one. Checking may start over when an
    /// outcome is challenged, but a tip-off that earned a reward keeps its outcome (see
    /// [`outcome_may_change`]).
    pub fn next(self) -> &'static [TipStatus] {
        use TipStatus::*;
        match self {
            Received => &[Verifying, Unfounded],
            Verifying => &[Substantiated, Unfounded],
            Substantiated | Unfounded => &[Verifying],
        }
    }
}

/// A tip-off whose reward was decided keeps its outcome: the reward is owed.
pub fn outcome_may_change(reward_decided: bool) -> bool {
    !reward_decided
}

/// Limits against abuse of the public form, and the reward rule (configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TipOffRules {
    /// Tip-offs accepted from one address within an hour, and within a day.
    pub per_address_hour: u32,
    pub per_address_day: u32,
    /// Photos per tip-off, and the largest photo in bytes.
    pub max_photos: u32,
    pub max_photo_bytes: u64,
    /// The share of the fine paid as a reward by default, and the highest share allowed (percent).
    pub share_pct: u32,
    pub share_max_pct: u32,
    /// The smallest and largest reward, in fen.
    pub min_reward_fen: i64,
    pub max_reward_fen: i64,
}

impl Default for TipOffRules {
    fn default() -> Self {
        Self {
            per_address_hour: 5,
            per_address_day: 20,
            max_photos: 3,
            max_photo_bytes: 10 * 1024 * 1024,
            share_pct: 15,
            share_max_pct: 50,
            min_reward_fen: 300_000,
            max_reward_fen: 30_000_000,
        }
    }
}

impl TipOffRules {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        if self.per_address_hour == 0 || self.per_address_day < self.per_address_hour {
            errs.push("per_address_day", "tipoff.rules_limits");
        }
        if self.max_photos > 10 || self.max_photo_bytes == 0 || self.max_photo_bytes > 20 << 20 {
            errs.push("max_photo_bytes", "tipoff.rules_photos");
        }
        if self.share_pct == 0 || self.share_pct > self.share_max_pct || self.share_max_pct > 100 {
            errs.push("share_pct", "tipoff.rules_share");
        }
        if self.min_reward_fen <= 0 || self.max_reward_fen < self.min_reward_fen {
            errs.push("max_reward_fen", "tipoff.rules_reward");
        }
        errs.into_result()
    }

    /// The reward suggested for a tip-off that led to a fine of `fine_fen` (none: the floor).
    pub fn suggested(&self, fine_fen: Option<i64>) -> i64 {
        self.share_of(fine_fen, self.share_pct)
    }

    /// The most a tip-off that led to a fine of `fine_fen` may be paid.
    pub fn cap(&self, fine_fen: Option<i64>) -> i64 {
        self.share_of(fine_fen, self.share_max_pct)
    }

    fn share_of(&self, fine_fen: Option<i64>, pct: u32) -> i64 {
        let share = fine_fen.unwrap_or(0).max(0) * i64::from(pct) / 100;
        share.clamp(self.min_reward_fen, self.max_reward_fen)
    }

    /// Checks a reward typed in yuan against the rule; the amount in fen.
    pub fn check_reward(&self, yuan: &str, fine_fen: Option<i64>) -> Result<i64, Invalid> {
        match parse_yuan(yuan) {
            Some(f) if f > 0 && f <= self.cap(fine_fen) => Ok(f),
            Some(f) if f > 0 => Err(Invalid::one("reward_yuan", "tipoff.reward_above_cap")),
            _ => Err(Invalid::one("reward_yuan", "case.amount")),
        }
    }
}

/// A tip-off as typed on the public form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TipOffInput {
    /// What is wrong, in the reporter's words.
    pub text: String,
    /// Where: an address, a landmark.
    pub place: String,
    /// The village it is in, when the reporter picked one.
    pub region_id: String,
    /// Whom it is about (an enterprise's or shop's name), if known.
    pub subject: String,
    /// Left empty for an anonymous tip-off.
    pub reporter_name: String,
    pub reporter_phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TipOffDraft {
    pub text: String,
    pub place: String,
    pub region_id: Option<i64>,
    pub subject: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
}

impl TipOffDraft {
    /// Nobody to contact: the reporter follows the tip-off with its tracking code only.
    pub fn anonymous(&self) -> bool {
        self.reporter_name.is_none() && self.reporter_phone.is_none()
    }
}

impl TipOffInput {
    /// Checks the form. The text is kept as typed: markup in it is shown as text, never run.
    pub fn validate(&self) -> Result<TipOffDraft, Invalid> {
        let mut errs = Invalid::default();
        let text = required_text(&mut errs, "text", &self.text, 2000);
        let place = required_text(&mut errs, "place", &self.place, 200);
        let region_id = match self.region_id.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errs.push("region_id", "not_a_reference");
                    None
                }
            },
        };
        let subject = optional_text(&mut errs, "subject", Some(&self.subject), 100);
        let reporter_name =
            optional_text(&mut errs, "reporter_name", Some(&self.reporter_name), 50);
        let reporter_phone = match self.reporter_phone.trim() {
            "" => None,
            v => {
                // A landline is as good as a mobile for calling back: digits, dashes, 7 to 20.
                let digits = v.chars().filter(char::is_ascii_digit).count();
                if !(7..=20).contains(&digits)
                    || !v.chars().all(|c| c.is_ascii_digit() || "+- ()".contains(c))
                {
                    errs.push("reporter_phone", "tipoff.phone");
                }
                Some(v.to_string())
            }
        };
        errs.into_result()?;
        Ok(TipOffDraft {
            text,
            place,
            region_id,
            subject,
            reporter_name,
            reporter_phone,
        })
    }
}

/// The letters of a tracking code: no 0/O, 1/I/L, so it can be read over the phone.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A tracking code made of twelve random bytes (about 59 bits), shown as `XXXX-XXXX-XXXX`.
pub fn tracking_code(random: [u8; 12]) -> String {
    let mut s = String::with_capacity(14);
    for (i, b) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char);
    }
    s
}

/// A tracking code as typed back (lower case, spaces, missing dashes), in its stored form; `None`
/// when it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let chars: Vec<u8> = typed
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if chars.len() != 12 || !chars.iter().all(|c| CODE_ALPHABET.contains(c)) {
        return None;
    }
    let mut s = String::with_capacity(14);
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(*c as char);
    }
    Some(s)
}

/// What staff do to a tip-off, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HandleInput {
    /// The status it moves to (empty: it stays).
    pub status: String,
    /// The department given it to check.
    pub department_id: String,
    /// The enterprise it turned out to be about.
    pub enterprise_id: String,
    /// The hazard or case it led to.
    pub hazard_id: String,
    pub case_id: String,
    /// The answer the reporter reads with the tracking code.
    pub reply: String,
    /// Staff's own note, never shown to the reporter.
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HandleDraft {
    pub status: Option<TipStatus>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub hazard_id: Option<i64>,
    pub case_id: Option<i64>,
    pub reply: Option<String>,
    pub note: Option<String>,
}

impl HandleInput {
    /// Checks the step against where the tip-off stands.
    pub fn validate(&self, now: TipStatus, reward_decided: bool) -> Result<HandleDraft, Invalid> {
        let mut errs = Invalid::default();
        let status = match self.status.trim() {
            "" => None,
            s => match TipStatus::parse(s) {
                Some(s) if s == now => None,
                Some(s) if !now.next().contains(&s) => {
                    errs.push("status", "tipoff.transition");
                    None
                }
                Some(_) if !outcome_may_change(reward_decided) => {
                    errs.push("status", "tipoff.rewarded");
                    None
                }
                Some(s) => Some(s),
                None => {
                    errs.push("status", "choice");
                    None
                }
            },
        };
        let d = HandleDraft {
            status,
            department_id: optional_reference(&mut errs, "department_id", &self.department_id),
            enterprise_id: optional_reference(&mut errs, "enterprise_id", &self.enterprise_id),
            hazard_id: optional_reference(&mut errs, "hazard_id", &self.hazard_id),
            case_id: optional_reference(&mut errs, "case_id", &self.case_id),
            reply: optional_text(&mut errs, "reply", Some(&self.reply), 1000),
            note: optional_text(&mut errs, "note", Some(&self.note), 2000),
        };
        let after = d.status.unwrap_or(now);
        // Checking needs someone to check; an outcome needs an answer for the reporter.
        if after == TipStatus::Verifying && status.is_some() && d.department_id.is_none() {
            errs.push("department_id", "required");
        }
        if matches!(after, TipStatus::Substantiated | TipStatus::Unfounded)
            && status.is_some()
            && d.reply.is_none()
        {
            errs.push("reply", "required");
        }
        if (d.hazard_id.is_some() || d.case_id.is_some()) && after != TipStatus::Substantiated {
            errs.push(
                if d.hazard_id.is_some() {
                    "hazard_id"
                } else {
                    "case_id"
                },
                "tipoff.link_unsubstantiated",
            );
        }
        errs.into_result()?;
        Ok(d)
    }
}

/// A reward's payment, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaymentInput {
    pub paid_on: String,
    /// The voucher or transfer number.
    pub voucher: String,
}

impl PaymentInput {
    pub fn validate(
        &self,
        decided_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<(NaiveDate, String), Invalid> {
        let mut errs = Invalid::default();
        let voucher = required_text(&mut errs, "voucher", &self.voucher, 100);
        let paid_on = match parse_date(&self.paid_on) {
            Some(d) if d < decided_on => {
                errs.push("paid_on", "tipoff.paid_before_decided");
                None
            }
            Some(d) if d > today => {
                errs.push("paid_on", "date.future");
                None
            }
            Some(d) => Some(d),
            None if self.paid_on.trim().is_empty() => Some(today),
            None => {
                errs.push("paid_on", "date.form");
                None
            }
        };
        errs.into_result()?;
        Ok((paid_on.unwrap_or(today), voucher))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn reward_is_a_share_of_the_fine_between_floor_and_cap() {
        let r = TipOffRules::default();
        // No fine: the floor, CNY 3 000.
        assert_eq!(r.suggested(None), 300_000);
        // CNY 100 000 fine: 15 % = 15 000; at most 50 % = 50 000.
        assert_eq!(r.suggested(Some(10_000_000)), 1_500_000);
        assert_eq!(r.cap(Some(10_000_000)), 5_000_000);
        // A small fine still earns the floor.
        assert_eq!(r.suggested(Some(500_000)), 300_000);
        assert_eq!(r.cap(Some(500_000)), 300_000);
        // A huge fine is capped at CNY 300 000.
        assert_eq!(r.suggested(Some(10_000_000_000)), 30_000_000);
        assert_eq!(r.cap(Some(10_000_000_000)), 30_000_000);
    }

    #[test]
    fn a_reward_above_its_cap_or_not_positive_is_refused() {
        let r = TipOffRules::default();
        assert_eq!(r.check_reward("50000", Some(10_000_000)), Ok(5_000_000));
        let e = r.check_reward("50000.01", Some(10_000_000)).unwrap_err();
        assert_eq!(e.errors[0].code, "tipoff.reward_above_cap");
        assert_eq!(r.check_reward("3000", None), Ok(300_000));
        assert_eq!(
            r.check_reward("3001", None).unwrap_err().errors[0].code,
            "tipoff.reward_above_cap"
        );
        for bad in ["0", "-5", "abc", ""] {
            assert_eq!(
                r.check_reward(bad, None).unwrap_err().errors[0].code,
                "case.amount",
                "{bad}"
            );
        }
    }

    #[test]
    fn rules_that_contradict_themselves_are_refused() {
        assert!(TipOffRules::default().validate().is_ok());
        let bad = [
            TipOffRules {
                share_pct: 60,
                ..Default::default()
            },
            TipOffRules {
                min_reward_fen: 0,
                ..Default::default()
            },
            TipOffRules {
                max_reward_fen: 100,
                ..Default::default()
            },
            TipOffRules {
                per_address_hour: 0,
                ..Default::default()
            },
            TipOffRules {
                max_photo_bytes: 50 << 20,
                ..Default::default()
            },
        ];
        for r in bad {
            assert!(r.validate().is_err(), "{r:?}");
        }
    }

    #[test]
    fn the_public_form_keeps_markup_as_text_and_checks_the_phone() {
        let i = TipOffInput {
            text: "<script>alert(1)</script> 仓库堆放液化气瓶".into(),
            place: " 老街 3 号 ".into(),
            ..Default::default()
        };
        let d = i.validate().unwrap();
        assert!(d.text.starts_with("<script>"));
        assert_eq!(d.place, "老街 3 号");
        assert!(d.anonymous());
        let e = TipOffInput {
            reporter_phone: "call me".into(),
            region_id: "x".into(),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["text", "place", "region_id", "reporter_phone"]);
        let long = TipOffInput {
            text: "险".repeat(2001),
            place: "x".into(),
            ..Default::default()
        };
        assert_eq!(long.validate().unwrap_err().errors[0].code, "too_long");
    }

    #[test]
    fn tracking_codes_read_back_however_typed() {
        let c = tracking_code([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 255]);
        assert_eq!(c.len(), 14);
        assert_eq!(
            normalise_code(&c.to_lowercase().replace('-', " ")),
            Some(c.clone())
        );
        assert_eq!(normalise_code("ABCD-EFGH-JKM"), None);
        // 0 and O are not in the alphabet: a misread code is not found rather than matched.
        assert_eq!(normalise_code("0BCD-EFGH-JKMN"), None);
    }

    #[test]
    fn every_transition_is_decided() {
        use TipStatus::*;
        for from in TipStatus::ALL {
            for to in TipStatus::ALL {
                let i = HandleInput {
                    status: to.as_str().into(),
                    department_id: "1".into(),
                    reply: "已核实".into(),
                    ..Default::default()
                };
                let r = i.validate(*from, false);
                let allowed = from == to || from.next().contains(to);
                assert_eq!(r.is_ok(), allowed, "{from:?} -> {to:?}");
            }
        }
        // A rewarded tip-off keeps its outcome.
        let i = HandleInput {
            status: "verifying".into(),
            department_id: "1".into(),
            ..Default::default()
        };
        assert_eq!(
            i.validate(Substantiated, true).unwrap_err().errors[0].code,
            "tipoff.rewarded"
        );
        assert!(i.validate(Substantiated, false).is_ok());
    }

    #[test]
    fn steps_need_their_parts() {
        use TipStatus::*;
        let no_department = HandleInput {
            status: "verifying".into(),
            ..Default::default()
        };
        assert_eq!(
            no_department.validate(Received, false).unwrap_err().errors[0].field,
            "department_id"
        );
        let no_reply = HandleInput {
            status: "unfounded".into(),
            ..Default::default()
        };
        assert_eq!(
            no_reply.validate(Verifying, false).unwrap_err().errors[0].field,
            "reply"
        );
        let early_link = HandleInput {
            hazard_id: "7".into(),
            ..Default::default()
        };
        assert_eq!(
            early_link.validate(Verifying, false).unwrap_err().errors[0].code,
            "tipoff.link_unsubstantiated"
        );
        let link = HandleInput {
            status: "substantiated".into(),
            reply: "属实，已责令整改".into(),
            hazard_id: "7".into(),
            ..Default::default()
        };
        assert_eq!(link.validate(Verifying, false).unwrap().hazard_id, Some(7));
    }

    #[test]
    fn a_payment_is_dated_between_decision_and_today() {
        let i = PaymentInput {
            paid_on: "2026-11-01".into(),
            voucher: "ZF-001".into(),
        };
        assert_eq!(
            i.validate(d("2026-11-02"), d("2026-11-29"))
                .unwrap_err()
                .errors[0]
                .code,
            "tipoff.paid_before_decided"
        );
        assert_eq!(
            i.validate(d("2026-10-30"), d("2026-11-29")).unwrap(),
            (d("2026-11-01"), "ZF-001".to_string())
        );
        assert!(
            PaymentInput::default()
                .validate(d("2026-10-30"), d("2026-11-29"))
                .is_err()
        );
    }
}
