//! The hazard (事故隐患) lifecycle, rules.md §3, as a state machine.
//!
//! reported → graded → rectifying (五落实 ordered) ⇄ extension requested → rectified →
//! verified: passed → closed (销号), failed → rectifying again. A general hazard found and fixed on
//! the spot may be closed at once with evidence. A major hazard is put under listed supervision
//! (挂牌督办) before rectification is ordered, and delisted (摘牌) only once closed.
//!
//! [`apply`] is a pure function of the hazard's facts, the action, who acts and today's date; the
//! service stores what it returns.

use crate::Invalid;
use crate::enterprise::text_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(
    /// 一般隐患 / 重大隐患.
    HazardGrade { General = "general", Major = "major" }
);

text_enum!(
    /// Where a hazard stands.
    HazardStatus {
        Reported = "reported",
        Graded = "graded",
        Rectifying = "rectifying",
        ExtensionRequested = "extension_requested",
        Rectified = "rectified",
        Closed = "closed",
    }
);

text_enum!(
    /// How a hazard was found.
    HazardSource { SelfCheck = "self_check", Inspection = "inspection", TipOff = "tip_off", Other = "other" }
);

/// Which side acts: the supervising government (departments, the office, village cadres) or the
/// enterprise that must fix the hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Government,
    Enterprise,
}

/// 五落实: responsibility, measures, funds, time limit and contingency plan — all required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    pub responsible: String,
    pub measures: String,
    /// In fen (分).
    pub funds_fen: i64,
    pub deadline: NaiveDate,
    pub contingency: String,
}

/// 五落实 as typed into a form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RectificationInput {
    pub responsible: String,
    pub measures: String,
    /// Yuan, up to two decimals ("12000", "350.5").
    pub funds: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    pub contingency: String,
}

/// Yuan as typed ("1,234.50", "350") into fen; `None` when not a non-negative amount.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let t = t.strip_suffix('元').unwrap_or(&t).trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

impl RectificationInput {
    pub fn validate(&self, today: NaiveDate) -> Result<Rectification, Invalid> {
        let mut errs = Invalid::default();
        let responsible =
            crate::error::required_text(&mut errs, "responsible", &self.responsible, 40);
        let measures = crate::error::required_text(&mut errs, "measures", &self.measures, 2000);
        let funds_fen = if self.funds.trim().is_empty() {
            errs.push("funds", "required");
            0
        } else {
            parse_yuan(&self.funds).unwrap_or_else(|| {
                errs.push("funds", "money.form");
                0
            })
        };
        let deadline = match parse_date(&self.deadline) {
            None if self.deadline.trim().is_empty() => {
                errs.push("deadline", "required");
                today
            }
            None => {
                errs.push("deadline", "date.form");
                today
            }
            Some(d) if d < today => {
                errs.push("deadline", "date.past");
                today
            }
            Some(d) => d,
        };
        let contingency =
            crate::error::required_text(&mut errs, "contingency", &self.contingency, 2000);
        errs.into_result()?;
        Ok(Rectification {
            responsible,
            measures,
            funds_fen,
            deadline,
            contingency,
        })
    }
}

/// What the lifecycle looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardFacts {
    pub status: HazardStatus,
    pub grade: Option<HazardGrade>,
    /// A matched major-hazard criterion (e.g. from the 2023 trade-enterprise standard).
    pub criterion: Option<String>,
    pub listed: bool,
    pub deadline: Option<NaiveDate>,
    pub requested_deadline: Option<NaiveDate>,
    /// The user who submitted the rectification; may not verify it.
    pub rectified_by: Option<i64>,
}

impl HazardFacts {
    pub fn reported(criterion: Option<String>) -> HazardFacts {
        HazardFacts {
            status: HazardStatus::Reported,
            grade: None,
            criterion,
            listed: false,
            deadline: None,
            requested_deadline: None,
            rectified_by: None,
        }
    }

    /// Days past the deadline on `today` (0 when not overdue or closed).
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        match (self.status, self.deadline) {
            (HazardStatus::Closed, _) | (_, None) => 0,
            (_, Some(d)) => (today - d).num_days().max(0),
        }
    }
}

/// A step of the lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Major needs a matched criterion or a written reason.
    Grade {
        grade: HazardGrade,
        reason: Option<String>,
    },
    OrderRectification(Rectification),
    RequestExtension {
        deadline: NaiveDate,
        reason: String,
    },
    ApproveExtension,
    RefuseExtension {
        reason: String,
    },
    SubmitRectification {
        evidence: String,
    },
    Verify {
        passed: bool,
        reason: Option<String>,
    },
    /// A general hazard fixed where it was found.
    CloseOnSpot {
        evidence: String,
    },
    /// 挂牌督办: supervising body and the deadline it sets.
    List {
        body: String,
        deadline: NaiveDate,
    },
    /// 摘牌.
    Delist,
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Grade { .. } => "grade",
            Action::OrderRectification(_) => "order_rectification",
            Action::RequestExtension { .. } => "request_extension",
            Action::ApproveExtension => "approve_extension",
            Action::RefuseExtension { .. } => "refuse_extension",
            Action::SubmitRectification { .. } => "submit_rectification",
            Action::Verify { .. } => "verify",
            Action::CloseOnSpot { .. } => "close_on_spot",
            Action::List { .. } => "list",
            Action::Delist => "delist",
        }
    }

    /// Which side may take the step.
    fn sides(&self) -> &'static [Side] {
        match self {
            Action::RequestExtension { .. } => &[Side::Enterprise],
            Action::SubmitRectification { .. } | Action::CloseOnSpot { .. } => {
                &[Side::Enterprise, Side::Government]
            }
            _ => &[Side::Government],
        }
    }
}

fn refuse(code: &str) -> Invalid {
    Invalid::one("action", code)
}

fn nonempty(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// Applies a step; returns the hazard's facts after it, or why it is refused.
pub fn apply(
    h: &HazardFacts,
    action: &Action,
    side: Side,
    user_id: i64,
    today: NaiveDate,
) -> Result<HazardFacts, Invalid> {
    use HazardStatus as S;
    if !action.sides().contains(&side) {
        return Err(refuse("hazard.side"));
    }
    let mut n = h.clone();
    match (h.status, action) {
        (S::Reported | S::Graded, Action::Grade { grade, reason }) => {
            if *grade == HazardGrade::Major && h.criterion.is_none() && !nonempty(reason) {
                return Err(Invalid::one("reason", "hazard.major_needs_reason"));
            }
            if h.listed && *grade == HazardGrade::General {
                return Err(refuse("hazard.listed_is_major"));
            }
            n.grade = Some(*grade);
            n.status = S::Graded;
        }
        (S::Graded, Action::OrderRectification(r)) => {
            if h.grade == Some(HazardGrade::Major) && !h.listed {
                return Err(refuse("hazard.major_not_listed"));
            }
            if r.deadline < today {
                return Err(Invalid::one("deadline", "date.past"));
            }
            n.deadline = Some(r.deadline);
            n.status = S::Rectifying;
        }
        (S::Rectifying, Action::RequestExtension { deadline, reason }) => {
            if reason.trim().is_empty() {
                return Err(Invalid::one("reason", "required"));
            }
            if h.deadline.is_some_and(|d| *deadline <= d) {
                return Err(Invalid::one("deadline", "hazard.extension_not_later"));
            }
            n.requested_deadline = Some(*deadline);
            n.status = S::ExtensionRequested;
        }
        (S::ExtensionRequested, Action::ApproveExtension) => {
            n.deadline = h.requested_deadline;
            n.requested_deadline = None;
            n.status = S::Rectifying;
        }
        (S::ExtensionRequested, Action::RefuseExtension { reason }) => {
            if reason.trim().is_empty() {
                return Err(Invalid::one("reason", "required"));
            }
            n.requested_deadline = None;
            n.status = S::Rectifying;
        }
        (S::Rectifying | S::ExtensionRequested, Action::SubmitRectification { evidence }) => {
            if evidence.trim().is_empty() {
                return Err(Invalid::one("evidence", "required"));
            }
            n.requested_deadline = None;
            n.rectified_by = Some(user_id);
            n.status = S::Rectified;
        }
        (S::Rectified, Action::Verify { passed, reason }) => {
            if h.rectified_by == Some(user_id) {
                return Err(refuse("hazard.same_person"));
            }
            if *passed {
                n.status = S::Closed;
            } else {
                if !nonempty(reason) {
                    return Err(Invalid::one("reason", "required"));
                }
                n.rectified_by = None;
                n.status = S::Rectifying;
            }
        }
        (S::Reported | S::Graded, Action::CloseOnSpot { evidence }) => {
            if h.grade == Some(HazardGrade::Major) || h.listed {
                return Err(refuse("hazard.major_not_on_spot"));
            }
            if evidence.trim().is_empty() {
                return Err(Invalid::one("evidence", "required"));
            }
            n.grade = Some(HazardGrade::General);
            n.rectified_by = Some(user_id);
            n.status = S::Closed;
        }
        (
            S::Graded | S::Rectifying | S::ExtensionRequested | S::Rectified,
            Action::List { body, deadline },
        ) => {
            if h.grade != Some(HazardGrade::Major) {
                return Err(refuse("hazard.list_only_major"));
            }
            if h.listed {
                return Err(refuse("hazard.already_listed"));
            }
            if body.trim().is_empty() {
                return Err(Invalid::one("supervising_body", "required"));
            }
            if *deadline < today {
                return Err(Invalid::one("deadline", "date.past"));
            }
            n.listed = true;
        }
        (S::Closed, Action::Delist) => {
            if !h.listed {
                return Err(refuse("hazard.not_listed"));
            }
            n.listed = false;
        }
        _ => return Err(refuse("hazard.wrong_state")),
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn rect(deadline: &str) -> Rectification {
        Rectification {
            responsible: "王厂长".into(),
            measures: "加装泄爆片".into(),
            funds_fen: 1_200_000,
            deadline: day(deadline),
            contingency: "停用除尘器".into(),
        }
    }

    fn actions() -> Vec<Action> {
        vec![
            Action::Grade {
                grade: HazardGrade::Major,
                reason: Some("干式除尘无泄爆".into()),
            },
            Action::OrderRectification(rect("2026-08-01")),
            Action::RequestExtension {
                deadline: day("2026-09-01"),
                reason: "设备到货延迟".into(),
            },
            Action::ApproveExtension,
            Action::RefuseExtension {
                reason: "理由不足".into(),
            },
            Action::SubmitRectification {
                evidence: "泄爆片已安装".into(),
            },
            Action::Verify {
                passed: true,
                reason: None,
            },
            Action::CloseOnSpot {
                evidence: "当场整改".into(),
            },
            Action::List {
                body: "镇安委办".into(),
                deadline: day("2026-08-15"),
            },
            Action::Delist,
        ]
    }

    fn facts(status: HazardStatus, grade: Option<HazardGrade>, listed: bool) -> HazardFacts {
        HazardFacts {
            status,
            grade,
            criterion: None,
            listed,
            deadline: Some(day("2026-08-01")),
            requested_deadline: Some(day("2026-09-01")),
            rectified_by: Some(7),
        }
    }

    /// Every status × grade × listing × action × side: allowed exactly where the table says.
    #[test]
    fn exhaustive_transitions() {
        use HazardStatus as S;
        let today = day("2026-07-10");
        let expected = |h: &HazardFacts, a: &Action, side: Side| -> Option<S> {
            let gov = side == Side::Government;
            let major = h.grade == Some(HazardGrade::Major);
            match (h.status, a.name()) {
                (S::Reported | S::Graded, "grade") if gov => Some(S::Graded),
                (S::Graded, "order_rectification") if gov && (!major || h.listed) => {
                    Some(S::Rectifying)
                }
                (S::Rectifying, "request_extension") if !gov => Some(S::ExtensionRequested),
                (S::ExtensionRequested, "approve_extension" | "refuse_extension") if gov => {
                    Some(S::Rectifying)
                }
                (S::Rectifying | S::ExtensionRequested, "submit_rectification") => {
                    Some(S::Rectified)
                }
                (S::Rectified, "verify") if gov => Some(S::Closed),
                (S::Reported | S::Graded, "close_on_spot") if !major && !h.listed => {
                    Some(S::Closed)
                }
                (S::Graded | S::Rectifying | S::ExtensionRequested | S::Rectified, "list")
                    if gov && major && !h.listed =>
                {
                    Some(h.status)
                }
                (S::Closed, "delist") if gov && h.listed => Some(S::Closed),
                _ => None,
            }
        };
        let mut checked = 0;
        for &status in HazardStatus::ALL {
            for grade in [None, Some(HazardGrade::General), Some(HazardGrade::Major)] {
                for listed in [false, true] {
                    let h = facts(status, grade, listed);
                    for a in actions() {
                        for side in [Side::Government, Side::Enterprise] {
                            // User 8 acts; user 7 rectified, so verification is by someone else.
                            let got = apply(&h, &a, side, 8, today).map(|n| n.status).ok();
                            assert_eq!(
                                got,
                                expected(&h, &a, side),
                                "{status:?} {grade:?} listed={listed} {} {side:?}",
                                a.name()
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 6 * 3 * 2 * 10 * 2);
    }

    #[test]
    fn a_major_hazard_from_report_to_delisting() {
        let today = day("2026-07-10");
        let gov =
            |h: &HazardFacts, a: Action, user| apply(h, &a, Side::Government, user, today).unwrap();
        let h = HazardFacts::reported(Some("dust.3".into()));
        let h = gov(
            &h,
            Action::Grade {
                grade: HazardGrade::Major,
                reason: None,
            },
            1,
        );
        assert_eq!(
            apply(
                &h,
                &Action::OrderRectification(rect("2026-08-01")),
                Side::Government,
                1,
                today
            )
            .unwrap_err()
            .errors[0]
                .code,
            "hazard.major_not_listed"
        );
        let h = gov(
            &h,
            Action::List {
                body: "镇安委办".into(),
                deadline: day("2026-09-01"),
            },
            1,
        );
        let h = gov(&h, Action::OrderRectification(rect("2026-08-01")), 1);
        assert_eq!(h.deadline, Some(day("2026-08-01")));
        let h = apply(
            &h,
            &Action::RequestExtension {
                deadline: day("2026-08-20"),
                reason: "到货延迟".into(),
            },
            Side::Enterprise,
            5,
            today,
        )
        .unwrap();
        let h = gov(&h, Action::ApproveExtension, 1);
        assert_eq!(
            (h.status, h.deadline),
            (HazardStatus::Rectifying, Some(day("2026-08-20")))
        );
        let h = apply(
            &h,
            &Action::SubmitRectification {
                evidence: "照片".into(),
            },
            Side::Enterprise,
            5,
            today,
        )
        .unwrap();
        let failed = gov(
            &h,
            Action::Verify {
                passed: false,
                reason: Some("泄爆面积不足".into()),
            },
            1,
        );
        assert_eq!(failed.status, HazardStatus::Rectifying);
        let h = gov(
            &h,
            Action::Verify {
                passed: true,
                reason: None,
            },
            1,
        );
        assert_eq!((h.status, h.listed), (HazardStatus::Closed, true));
        let h = gov(&h, Action::Delist, 1);
        assert!(!h.listed);
    }

    #[test]
    fn refusals_name_their_reason() {
        let today = day("2026-07-10");
        let code = |h: &HazardFacts, a: Action, side, user| {
            apply(h, &a, side, user, today).unwrap_err().errors[0].clone()
        };
        let reported = HazardFacts::reported(None);
        let e = code(
            &reported,
            Action::Grade {
                grade: HazardGrade::Major,
                reason: Some(" ".into()),
            },
            Side::Government,
            1,
        );
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("reason", "hazard.major_needs_reason")
        );
        let e = code(
            &reported,
            Action::Grade {
                grade: HazardGrade::General,
                reason: None,
            },
            Side::Enterprise,
            1,
        );
        assert_eq!(e.code, "hazard.side");
        let mut rectified = facts(HazardStatus::Rectified, Some(HazardGrade::General), false);
        rectified.rectified_by = Some(3);
        assert_eq!(
            code(
                &rectified,
                Action::Verify {
                    passed: true,
                    reason: None
                },
                Side::Government,
                3
            )
            .code,
            "hazard.same_person"
        );
        assert_eq!(
            code(
                &rectified,
                Action::Verify {
                    passed: false,
                    reason: None
                },
                Side::Government,
                4
            )
            .field,
            "reason"
        );
        let graded = facts(HazardStatus::Graded, Some(HazardGrade::General), false);
        assert_eq!(
            code(
                &graded,
                Action::OrderRectification(rect("2026-07-09")),
                Side::Government,
                1
            )
            .code,
            "date.past"
        );
        let rectifying = facts(HazardStatus::Rectifying, Some(HazardGrade::General), false);
        assert_eq!(
            code(
                &rectifying,
                Action::RequestExtension {
                    deadline: day("2026-07-30"),
                    reason: "x".into()
                },
                Side::Enterprise,
                5
            )
            .code,
            "hazard.extension_not_later"
        );
        assert_eq!(
            code(
                &facts(HazardStatus::Closed, None, false),
                Action::SubmitRectification {
                    evidence: "x".into()
                },
                Side::Enterprise,
                5
            )
            .code,
            "hazard.wrong_state"
        );
    }

    #[test]
    fn five_implementations_are_all_required_and_checked() {
        let today = day("2026-07-10");
        let ok = RectificationInput {
            responsible: "王厂长".into(),
            measures: "加装泄爆片".into(),
            funds: "12,000.5".into(),
            deadline: "2026-08-09".into(),
            contingency: "停用".into(),
        };
        assert_eq!(ok.validate(today).unwrap().funds_fen, 1_200_050);
        let bad = RectificationInput {
            funds: "-5".into(),
            deadline: "2026-07-09".into(),
            contingency: "".into(),
            ..ok.clone()
        };
        let e = bad.validate(today).unwrap_err();
        let got: Vec<_> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("funds", "money.form"),
                ("deadline", "date.past"),
                ("contingency", "required")
            ]
        );
        assert_eq!(
            RectificationInput {
                funds: "abc".into(),
                deadline: "8/9".into(),
                ..ok
            }
            .validate(today)
            .unwrap_err()
            .errors
            .len(),
            2
        );
    }

    #[test]
    fn yuan_and_overdue() {
        assert_eq!(parse_yuan("0"), Some(0));
        assert_eq!(parse_yuan("3.5元"), Some(350));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-1"), None);
        assert_eq!(parse_yuan(""), None);
        let mut h = facts(HazardStatus::Rectifying, Some(HazardGrade::General), false);
        assert_eq!(h.days_overdue(day("2026-08-04")), 3);
        assert_eq!(h.days_overdue(day("2026-08-01")), 0);
        h.status = HazardStatus::Closed;
        assert_eq!(h.days_overdue(day("2026-08-04")), 0);
    }
}
