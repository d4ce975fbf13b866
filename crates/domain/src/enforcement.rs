//! Administrative penalty cases (行政处罚, the 2021 Administrative Penalty Law, rules.md §9.2):
//! 立案 → 调查取证 → 告知 → 听证 (when a trigger applies and the party asks) → 法制审核 (for a major
//! decision) → 决定 → 送达 → 执行 → 结案, as a state machine with its statutory clocks.
//!
//! Art. 85 counts the law's 2, 3, 5 and 7-day periods in working days, without public holidays;
//! the others (90 days to decide, 15 days to pay) are calendar days. Holidays and the weekend
//! days worked in their place (调休) are configuration, because the State Council sets them each
//! year.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::required_text;
use crate::hazard::{parse_date, parse_yuan};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

text_enum!(
    /// Where a case stands: the last step taken.
    CaseStep {
        Filed = "filed",
        Investigation = "investigation",
        Notice = "notice",
        Hearing = "hearing",
        LegalReview = "legal_review",
        Decision = "decision",
        Service = "service",
        Execution = "execution",
        Closed = "closed",
    }
);

text_enum!(
    /// Who is penalised: the thresholds of a "large" fine differ.
    PartyKind {
        Person = "person",
        Organisation = "organisation",
    }
);

/// Public holidays and the weekend days worked in their place (configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkCalendar {
    pub holidays: Vec<NaiveDate>,
    /// Saturdays and Sundays that are working days (调休上班).
    pub workdays: Vec<NaiveDate>,
}

impl WorkCalendar {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        if self.holidays.len() + self.workdays.len() > 1000 {
            errs.push("holidays", "too_long");
        }
        if self.holidays.iter().any(|d| self.workdays.contains(d)) {
            errs.push("workdays", "calendar.both");
        }
        errs.into_result()
    }

    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The last day of a period of `n` working days that starts the day after `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }
}

/// The statutory periods and the thresholds of a large fine (configuration; defaults of the law
/// and of common provincial practice for 较大数额罚款).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseRules {
    /// Art. 60: decide within this many days of filing.
    pub decision_days: i64,
    /// Art. 64: the party asks for a hearing within this many working days of the notice.
    pub hearing_request_working_days: u32,
    /// Art. 64: the party is told of the hearing this many working days before it.
    pub hearing_notice_working_days: u32,
    /// Art. 61: a decision not handed over is served within this many working days.
    pub service_working_days: u32,
    /// Art. 67: the fine is paid within this many days of service.
    pub payment_days: i64,
    /// Art. 72: the late fee per day, in per-mille of the fine (30 = 3%), never above the fine.
    pub late_fee_permille: i64,
    /// A fine or confiscation from this amount gives a person the right to a hearing (fen).
    pub large_fine_person_fen: i64,
    /// The same for an organisation (fen).
    pub large_fine_organisation_fen: i64,
}

impl Default for CaseRules {
    fn default() -> Self {
        CaseRules {
            decision_days: 90,
            hearing_request_working_days: 5,
            hearing_notice_working_days: 7,
            service_working_days: 7,
            payment_days: 15,
            late_fee_permille: 30,
            large_fine_person_fen: 5_000 * 100,
            large_fine_organisation_fen: 50_000 * 100,
        }
    }
}

impl CaseRules {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        for (f, v, lo, hi) in [
            ("decision_days", self.decision_days, 1, 365),
            (
                "hearing_request_working_days",
                i64::from(self.hearing_request_working_days),
                1,
                30,
            ),
            (
                "hearing_notice_working_days",
                i64::from(self.hearing_notice_working_days),
                1,
                30,
            ),
            (
                "service_working_days",
                i64::from(self.service_working_days),
                1,
                30,
            ),
            ("payment_days", self.payment_days, 1, 90),
            ("late_fee_permille", self.late_fee_permille, 0, 100),
            (
                "large_fine_person_fen",
                self.large_fine_person_fen,
                1,
                i64::MAX,
            ),
            (
                "large_fine_organisation_fen",
                self.large_fine_organisation_fen,
                1,
                i64::MAX,
            ),
        ] {
            if !(lo..=hi).contains(&v) {
                errs.push(f, "number.range");
            }
        }
        errs.into_result()
    }
}

text_enum!(
    /// Penalties other than a fine (Art. 9).
    Measure {
        Warning = "warning",
        Confiscation = "confiscation",
        LowerQualification = "lower_qualification",
        SuspendOrClose = "suspend_or_close",
        RevokeLicence = "revoke_licence",
        RestrictPractice = "restrict_practice",
    }
);

/// A penalty proposed in the notice or decided.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    /// The fine in fen, if any.
    pub fine_fen: Option<i64>,
    /// What is confiscated, valued in fen.
    pub confiscation_fen: Option<i64>,
    pub measures: Vec<Measure>,
}

impl Penalty {
    /// Art. 63: the party may ask for a hearing.
    pub fn hearing_applies(&self, party: PartyKind, rules: &CaseRules) -> bool {
        let large = match party {
            PartyKind::Person => rules.large_fine_person_fen,
            PartyKind::Organisation => rules.large_fine_organisation_fen,
        };
        self.fine_fen.unwrap_or(0) >= large
            || self.confiscation_fen.unwrap_or(0) >= large
            || self.measures.iter().any(|m| {
                matches!(
                    m,
                    Measure::LowerQualification
                        | Measure::SuspendOrClose
                        | Measure::RevokeLicence
                        | Measure::RestrictPractice
                )
            })
    }

    /// Not heavier than `other` in any respect (Art. 45: stating one's case never makes the
    /// penalty heavier).
    pub fn within(&self, other: &Penalty) -> bool {
        self.fine_fen.unwrap_or(0) <= other.fine_fen.unwrap_or(0)
            && self.confiscation_fen.unwrap_or(0) <= other.confiscation_fen.unwrap_or(0)
            && self.measures.iter().all(|m| other.measures.contains(m))
    }

    fn is_empty(&self) -> bool {
        self.fine_fen.is_none() && self.confiscation_fen.is_none() && self.measures.is_empty()
    }
}

/// A penalty as typed: amounts in yuan, the measures by code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PenaltyInput {
    pub fine_yuan: String,
    pub confiscation_yuan: String,
    /// Penalties other than a fine, by code (`warning`, `suspend_or_close`, …).
    pub other_penalties: Vec<String>,
}

impl PenaltyInput {
    pub fn validate(&self, errs: &mut Invalid) -> Penalty {
        // A fine is a positive amount in fen: "0" or "-5" is not a fine.
        let mut amount = |field: &str, v: &str| match v.trim() {
            "" => None,
            v => match parse_yuan(v) {
                Some(f) if f > 0 => Some(f),
                _ => {
                    errs.push(field, "case.amount");
                    None
                }
            },
        };
        let fine_fen = amount("fine_yuan", &self.fine_yuan);
        let confiscation_fen = amount("confiscation_yuan", &self.confiscation_yuan);
        let mut measures = Vec::new();
        for m in &self.other_penalties {
            match Measure::parse(m.trim()) {
                Some(m) if !measures.contains(&m) => measures.push(m),
                Some(_) => {}
                None => errs.push("other_penalties", "choice"),
            }
        }
        let p = Penalty {
            fine_fen,
            confiscation_fen,
            measures,
        };
        if p.is_empty() && errs.is_empty() {
            errs.push("fine_yuan", "case.no_penalty");
        }
        p
    }
}

/// What a case holds that its steps read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseFacts {
    pub step: CaseStep,
    pub party: PartyKind,
    pub filed_on: NaiveDate,
    pub officers: usize,
    /// The penalty the notice proposed.
    pub proposed: Option<Penalty>,
    pub noticed_on: Option<NaiveDate>,
    pub hearing_requested_on: Option<NaiveDate>,
    pub hearing_held_on: Option<NaiveDate>,
    pub decided: Option<Penalty>,
    pub decided_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
}

/// A step as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StepInput {
    /// `investigate`, `notify`, `request_hearing`, `hold_hearing`, `review`, `decide`, `serve`,
    /// `execute`, `close`.
    pub action: String,
    /// The day it was done; today when blank.
    pub on: String,
    /// `investigate`: the officers (at least two).
    pub officer_ids: Vec<String>,
    /// `notify`, `decide`.
    pub penalty: PenaltyInput,
    /// `hold_hearing`: when the party was told of it.
    pub hearing_notified_on: String,
    /// The record of the step: the hearing's minutes, the review's opinion, how it was served.
    pub record: String,
    /// `execute`: what was paid, in yuan (the fine and any late fee).
    pub paid_yuan: String,
}

/// A step that may be applied, with what it sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Step {
    Investigate { officer_ids: Vec<i64> },
    Notify { on: NaiveDate, penalty: Penalty },
    RequestHearing { on: NaiveDate },
    HoldHearing { on: NaiveDate, record: String },
    Review { on: NaiveDate, record: String },
    Decide { on: NaiveDate, penalty: Penalty },
    Serve { on: NaiveDate, record: String },
    Execute { on: NaiveDate, paid_fen: i64 },
    Close { on: NaiveDate },
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::Investigate { .. } => "investigate",
            Step::Notify { .. } => "notify",
            Step::RequestHearing { .. } => "request_hearing",
            Step::HoldHearing { .. } => "hold_hearing",
            Step::Review { .. } => "review",
            Step::Decide { .. } => "decide",
            Step::Serve { .. } => "serve",
            Step::Execute { .. } => "execute",
            Step::Close { .. } => "close",
        }
    }
}

/// The late fee on a fine paid on `paid_on` when due on `due` (Art. 72): the per-mille of the
/// fine for each day late, never more than the fine.
pub fn late_fee(fine_fen: i64, due: NaiveDate, paid_on: NaiveDate, rules: &CaseRules) -> i64 {
    let days = (paid_on - due).num_days().max(0);
    (fine_fen * rules.late_fee_permille / 1000 * days).min(fine_fen)
}

/// The day a case's fine is due: the payment period after service.
pub fn payment_due(f: &CaseFacts, rules: &CaseRules) -> Option<NaiveDate> {
    f.served_on.map(|s| s + Duration::days(rules.payment_days))
}

fn day(
    errs: &mut Invalid,
    field: &str,
    v: &str,
    today: NaiveDate,
    not_before: NaiveDate,
) -> NaiveDate {
    match v.trim() {
        "" => today,
        v => match parse_date(v) {
            Some(d) if d > today => {
                errs.push(field, "date.future");
                today
            }
            Some(d) if d < not_before => {
                errs.push(field, "case.before_previous");
                today
            }
            Some(d) => d,
            None => {
                errs.push(field, "date.form");
                today
            }
        },
    }
}

impl StepInput {
    /// The step and the case's next step, or why it may not be taken now (the error names the
    /// field; a step out of order names `action`).
    pub fn validate(
        &self,
        f: &CaseFacts,
        cal: &WorkCalendar,
        rules: &CaseRules,
        today: NaiveDate,
    ) -> Result<(Step, CaseStep), Invalid> {
        use CaseStep::*;
        let out_of_order = || Invalid::one("action", "case.out_of_order");
        let mut errs = Invalid::default();
        let last = [
            f.served_on,
            f.decided_on,
            f.hearing_held_on,
            f.hearing_requested_on,
            f.noticed_on,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(f.filed_on);
        let on = |errs: &mut Invalid| day(errs, "on", &self.on, today, last);
        let major = f
            .proposed
            .as_ref()
            .is_some_and(|p| p.hearing_applies(f.party, rules));
        let (step, next) = match (self.action.trim(), f.step) {
            ("investigate", Filed) => {
                let mut ids: Vec<i64> = Vec::new();
                for o in &self.officer_ids {
                    match o.trim().parse::<i64>() {
                        Ok(id) if id > 0 && !ids.contains(&id) => ids.push(id),
                        Ok(id) if ids.contains(&id) => {}
                        _ => errs.push("officer_ids", "not_a_reference"),
                    }
                }
                // 全过程记录: evidence is gathered by at least two officers.
                if ids.len() < 2 && errs.is_empty() {
                    errs.push("officer_ids", "case.two_officers");
                }
                (Step::Investigate { officer_ids: ids }, Investigation)
            }
            ("notify", Investigation) => {
                let on = on(&mut errs);
                let penalty = self.penalty.validate(&mut errs);
                (Step::Notify { on, penalty }, Notice)
            }
            ("request_hearing", Notice) => {
                if !major {
                    return Err(Invalid::one("action", "case.no_hearing_right"));
                }
                let on = on(&mut errs);
                let noticed = f.noticed_on.unwrap_or(f.filed_on);
                if on > cal.add_working_days(noticed, rules.hearing_request_working_days) {
                    errs.push("on", "case.hearing_request_late");
                }
                (Step::RequestHearing { on }, Hearing)
            }
            ("hold_hearing", Hearing) if f.hearing_held_on.is_none() => {
                let on = on(&mut errs);
                let requested = f.hearing_requested_on.unwrap_or(f.filed_on);
                let told = day(
                    &mut errs,
                    "hearing_notified_on",
                    &self.hearing_notified_on,
                    today,
                    requested,
                );
                if self.hearing_notified_on.trim().is_empty() {
                    errs.push("hearing_notified_on", "required");
                } else if on < cal.add_working_days(told, rules.hearing_notice_working_days) {
                    errs.push("hearing_notified_on", "case.hearing_notice_short");
                }
                let record = required_text(&mut errs, "record", &self.record, 4000);
                (Step::HoldHearing { on, record }, Hearing)
            }
            ("review", Notice | Hearing) => {
                if !major {
                    // Only a major decision goes to the legal review; a minor one is decided.
                    return Err(Invalid::one("action", "case.review_not_needed"));
                }
                if f.step == Hearing && f.hearing_held_on.is_none() {
                    return Err(Invalid::one("action", "case.hearing_not_held"));
                }
                let on = on(&mut errs);
                if f.step == Notice {
                    let noticed = f.noticed_on.unwrap_or(f.filed_on);
                    // A hearing is not skipped: while the party may still ask, nothing moves on.
                    if on <= cal.add_working_days(noticed, rules.hearing_request_working_days) {
                        errs.push("on", "case.hearing_window_open");
                    }
                }
                let record = required_text(&mut errs, "record", &self.record, 4000);
                (Step::Review { on, record }, LegalReview)
            }
            ("decide", Notice | Hearing | LegalReview) => {
                if major && f.step != LegalReview {
                    return Err(Invalid::one("action", "case.review_required"));
                }
                let on = on(&mut errs);
                let penalty = self.penalty.validate(&mut errs);
                if errs.is_empty() && f.proposed.as_ref().is_some_and(|p| !penalty.within(p)) {
                    errs.push("fine_yuan", "case.heavier_than_notice");
                }
                (Step::Decide { on, penalty }, Decision)
            }
            ("serve", Decision) => {
                let on = on(&mut errs);
                let record = required_text(&mut errs, "record", &self.record, 1000);
                (Step::Serve { on, record }, Service)
            }
            ("execute", Service) => {
                let on = on(&mut errs);
                let fine = f.decided.as_ref().and_then(|p| p.fine_fen).unwrap_or(0);
                let owed =
                    fine + payment_due(f, rules).map_or(0, |due| late_fee(fine, due, on, rules));
                let paid = match self.paid_yuan.trim() {
                    "" => 0,
                    v => parse_yuan(v).unwrap_or(-1),
                };
                if paid != owed {
                    errs.push("paid_yuan", "case.paid_amount");
                }
                (Step::Execute { on, paid_fen: paid }, Execution)
            }
            ("close", Execution) => (Step::Close { on: on(&mut errs) }, Closed),
            (
                "investigate" | "notify" | "request_hearing" | "hold_hearing" | "review" | "decide"
                | "serve" | "execute" | "close",
                _,
            ) => return Err(out_of_order()),
            _ => return Err(Invalid::one("action", "choice")),
        };
        errs.into_result()?;
        Ok((step, next))
    }
}

text_enum!(
    /// A statutory clock of a case.
    ClockKind {
        /// Art. 60: decide within 90 days of filing.
        Decision = "decision",
        /// Art. 64: the hearing-request window after the notice.
        HearingRequest = "hearing_request",
        /// Art. 61: serve the decision.
        Service = "service",
        /// Art. 67: pay the fine.
        Payment = "payment",
    }
);

/// The clocks running on a case now: what is due and by which day.
pub fn clocks(f: &CaseFacts, cal: &WorkCalendar, rules: &CaseRules) -> Vec<(ClockKind, NaiveDate)> {
    use CaseStep::*;
    let mut out = Vec::new();
    if matches!(
        f.step,
        Filed | Investigation | Notice | Hearing | LegalReview
    ) {
        out.push((
            ClockKind::Decision,
            f.filed_on + Duration::days(rules.decision_days),
        ));
    }
    if let (Notice, Some(n)) = (f.step, f.noticed_on)
        && f.proposed
            .as_ref()
            .is_some_and(|p| p.hearing_applies(f.party, rules))
    {
        out.push((
            ClockKind::HearingRequest,
            cal.add_working_days(n, rules.hearing_request_working_days),
        ));
    }
    if let (Decision, Some(d)) = (f.step, f.decided_on) {
        out.push((
            ClockKind::Service,
            cal.add_working_days(d, rules.service_working_days),
        ));
    }
    if f.step == Service
        && f.decided.as_ref().is_some_and(|p| p.fine_fen.is_some())
        && let Some(due) = payment_due(f, rules)
    {
        out.push((ClockKind::Payment, due));
    }
    out
}

/// A case as filed (立案).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaseInput {
    pub party_kind: String,
    pub party_name: String,
    pub party_id_number: String,
    /// The enterprise that is the party, if it is one of the registry's.
    pub enterprise_id: String,
    /// Where it happened; an enterprise's own place when blank.
    pub region_id: String,
    /// 案由.
    pub cause: String,
    /// The provisions broken and applied.
    pub basis: String,
    /// The inspection it came from, and the hazards it is about.
    pub inspection_id: String,
    pub hazard_ids: Vec<String>,
    /// The department that enforces (for the statistics).
    pub department_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDraft {
    pub party_kind: PartyKind,
    pub party_name: String,
    pub party_id_number: Option<String>,
    pub enterprise_id: Option<i64>,
    pub region_id: Option<i64>,
    pub cause: String,
    pub basis: Option<String>,
    pub inspection_id: Option<i64>,
    pub hazard_ids: Vec<i64>,
    pub department_id: Option<i64>,
}

fn opt_id(errs: &mut Invalid, field: &str, v: &str) -> Option<i64> {
    match v.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errs.push(field, "not_a_reference");
                None
            }
        },
    }
}

impl CaseInput {
    pub fn validate(&self) -> Result<CaseDraft, Invalid> {
        let mut errs = Invalid::default();
        let party_kind = PartyKind::parse(self.party_kind.trim());
        if party_kind.is_none() {
            errs.push("party_kind", "choice");
        }
        let party_name = required_text(&mut errs, "party_name", &self.party_name, 100);
        let party_id_number = crate::error::optional_text(
            &mut errs,
            "party_id_number",
            Some(&self.party_id_number),
            30,
        );
        let enterprise_id = opt_id(&mut errs, "enterprise_id", &self.enterprise_id);
        let region_id = opt_id(&mut errs, "region_id", &self.region_id);
        if enterprise_id.is_none() && region_id.is_none() && errs.is_empty() {
            errs.push("region_id", "required");
        }
        let cause = required_text(&mut errs, "cause", &self.cause, 500);
        let basis = crate::error::optional_text(&mut errs, "basis", Some(&self.basis), 1000);
        let inspection_id = opt_id(&mut errs, "inspection_id", &self.inspection_id);
        let mut hazard_ids = Vec::new();
        for h in &self.hazard_ids {
            if let Some(id) = opt_id(&mut errs, "hazard_ids", h)
                && !hazard_ids.contains(&id)
            {
                hazard_ids.push(id);
            }
        }
        let department_id = opt_id(&mut errs, "department_id", &self.department_id);
        errs.into_result()?;
        Ok(CaseDraft {
            party_kind: party_kind.unwrap_or(PartyKind::Organisation),
            party_name,
            party_id_number,
            enterprise_id,
            region_id,
            cause,
            basis,
            inspection_id,
            hazard_ids,
            department_id,
        })
    }
}

/// A person's name as the public notice shows it: the surname and a star for each other
/// character. An organisation's name is public and shown whole.
pub fn public_name(kind: PartyKind, name: &str) -> String {
    match kind {
        PartyKind::Organisation => name.to_string(),
        PartyKind::Person => name
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 0 { c } else { '*' })
            .collect(),
    }
}

/// An identity number as the public notice shows it: a person's only by its first three and
/// last four characters; an organisation's credit code whole.
pub fn public_id(kind: PartyKind, id: &str) -> String {
    match kind {
        PartyKind::Organisation => id.to_string(),
        PartyKind::Person => {
            let chars: Vec<char> = id.chars().collect();
            if chars.len() <= 7 {
                return "*".repeat(chars.len());
            }
            chars
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i < 3 || i >= chars.len() - 4 {
                        *c
                    } else {
                        '*'
                    }
                })
                .collect()
        }
    }
}

/// An enterprise put on the blacklist (失信惩戒名单), as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlacklistInput {
    pub enterprise_id: String,
    pub reason: String,
    /// The provision it is listed under.
    pub basis: String,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlacklistDraft {
    pub enterprise_id: i64,
    pub reason: String,
    pub basis: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl BlacklistInput {
    pub fn validate(&self, today: NaiveDate) -> Result<BlacklistDraft, Invalid> {
        let mut errs = Invalid::default();
        let enterprise_id = opt_id(&mut errs, "enterprise_id", &self.enterprise_id);
        if enterprise_id.is_none() && errs.is_empty() {
            errs.push("enterprise_id", "required");
        }
        let reason = required_text(&mut errs, "reason", &self.reason, 500);
        let basis = required_text(&mut errs, "basis", &self.basis, 500);
        let mut date = |field: &str, v: &str, blank: Option<NaiveDate>| match v.trim() {
            "" => blank.or_else(|| {
                errs.push(field, "required");
                None
            }),
            v => parse_date(v).or_else(|| {
                errs.push(field, "date.form");
                None
            }),
        };
        let starts_on = date("starts_on", &self.starts_on, Some(today));
        let ends_on = date("ends_on", &self.ends_on, None);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            errs.push("ends_on", "risk_list.ends_before_start");
        }
        errs.into_result()?;
        match (enterprise_id, starts_on, ends_on) {
            (Some(enterprise_id), Some(starts_on), Some(ends_on)) => Ok(BlacklistDraft {
                enterprise_id,
                reason,
                basis,
                starts_on,
                ends_on,
            }),
            _ => Err(Invalid::one("enterprise_id", "required")),
        }
    }
}

/// Whether a listing is in force on `today`: begun, not ended, not lifted.
pub fn listed(starts_on: NaiveDate, ends_on: NaiveDate, delisted: bool, today: NaiveDate) -> bool {
    !delisted && starts_on <= today && today <= ends_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// 2026: 1 October (Thursday) to 8 October are holidays; Saturday 10 October is worked.
    fn cal() -> WorkCalendar {
        WorkCalendar {
            holidays: (1..=8).map(|n| d(&format!("2026-10-0{n}"))).collect(),
            workdays: vec![d("2026-10-10")],
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_the_days_worked_instead() {
        let c = cal();
        // Monday 21 September + 5 working days = Monday 28 September.
        assert_eq!(c.add_working_days(d("2026-09-21"), 5), d("2026-09-28"));
        // Across the National Day holiday: Tuesday 29 September + 3 = Saturday 10 October
        // (30 Sep, 9 Oct, and the Saturday worked).
        assert_eq!(c.add_working_days(d("2026-09-29"), 3), d("2026-10-10"));
        assert!(!c.is_working(d("2026-10-01")) && c.is_working(d("2026-10-10")));
        assert!(!WorkCalendar::default().is_working(d("2026-10-11")));
        let both = WorkCalendar {
            holidays: vec![d("2026-10-10")],
            workdays: vec![d("2026-10-10")],
        };
        assert_eq!(both.validate().unwrap_err().errors[0].code, "calendar.both");
    }

    #[test]
    fn late_fees_are_three_percent_a_day_up_to_the_fine() {
        let r = CaseRules::default();
        let due = d("2026-06-15");
        assert_eq!(late_fee(100_000, due, due, &r), 0);
        assert_eq!(late_fee(100_000, due, d("2026-06-14"), &r), 0);
        assert_eq!(late_fee(100_000, due, d("2026-06-16"), &r), 3_000);
        assert_eq!(late_fee(100_000, due, d("2026-07-18"), &r), 99_000);
        // 34 days would be 102%: capped at the fine.
        assert_eq!(late_fee(100_000, due, d("2026-07-19"), &r), 100_000);
        assert_eq!(late_fee(100_000, due, d("2027-01-01"), &r), 100_000);
    }

    #[test]
    fn a_large_fine_or_a_heavy_measure_gives_a_hearing() {
        let r = CaseRules::default();
        let fine = |yuan: i64| Penalty {
            fine_fen: Some(yuan * 100),
            ..Penalty::default()
        };
        assert!(!fine(4_999).hearing_applies(PartyKind::Person, &r));
        assert!(fine(5_000).hearing_applies(PartyKind::Person, &r));
        assert!(!fine(49_999).hearing_applies(PartyKind::Organisation, &r));
        assert!(fine(50_000).hearing_applies(PartyKind::Organisation, &r));
        let close = Penalty {
            measures: vec![Measure::SuspendOrClose],
            ..Penalty::default()
        };
        assert!(close.hearing_applies(PartyKind::Person, &r));
        let warning = Penalty {
            measures: vec![Measure::Warning],
            ..Penalty::default()
        };
        assert!(!warning.hearing_applies(PartyKind::Organisation, &r));
        assert!(fine(100).within(&fine(200)) && !fine(300).within(&fine(200)));
        assert!(!close.within(&fine(1)));
    }

    #[test]
    fn a_fine_is_a_positive_amount_and_a_penalty_is_something() {
        let check = |fine: &str, measures: &[&str]| {
            let mut errs = Invalid::default();
            let p = PenaltyInput {
                fine_yuan: fine.into(),
                confiscation_yuan: String::new(),
                other_penalties: measures.iter().map(|m| m.to_string()).collect(),
            }
            .validate(&mut errs);
            (
                p,
                errs.errors
                    .into_iter()
                    .map(|e| (e.field, e.code))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(check("2,000", &[]).0.fine_fen, Some(200_000));
        for bad in ["0", "-5", "abc", "1.234"] {
            assert_eq!(
                check(bad, &[]).1[0],
                ("fine_yuan".into(), "case.amount".into()),
                "{bad}"
            );
        }
        assert_eq!(check("", &[]).1[0].1, "case.no_penalty");
        assert_eq!(
            check("", &["warning", "warning"]).0.measures,
            vec![Measure::Warning]
        );
        assert_eq!(check("", &["flogging"]).1[0].0, "other_penalties");
    }

    fn facts(step: CaseStep, major: bool) -> CaseFacts {
        let proposed = Penalty {
            fine_fen: Some(if major { 80_000 * 100 } else { 2_000 * 100 }),
            ..Penalty::default()
        };
        let after = |s: CaseStep| step.rank() >= s.rank();
        CaseFacts {
            step,
            party: PartyKind::Organisation,
            filed_on: d("2026-06-01"),
            officers: if after(CaseStep::Investigation) { 2 } else { 0 },
            proposed: after(CaseStep::Notice).then(|| proposed.clone()),
            noticed_on: after(CaseStep::Notice).then(|| d("2026-06-10")),
            hearing_requested_on: (step == CaseStep::Hearing).then(|| d("2026-06-12")),
            hearing_held_on: None,
            decided: after(CaseStep::Decision).then(|| proposed.clone()),
            decided_on: after(CaseStep::Decision).then(|| d("2026-07-01")),
            served_on: after(CaseStep::Service).then(|| d("2026-07-02")),
        }
    }

    impl CaseStep {
        fn rank(self) -> usize {
            CaseStep::ALL.iter().position(|s| *s == self).unwrap_or(0)
        }
    }

    /// A complete, valid input for each action (on a day that satisfies every clock).
    fn input(action: &str) -> StepInput {
        StepInput {
            action: action.into(),
            on: "2026-07-03".into(),
            officer_ids: vec!["3".into(), "4".into()],
            penalty: PenaltyInput {
                fine_yuan: "2000".into(),
                ..PenaltyInput::default()
            },
            hearing_notified_on: "2026-06-15".into(),
            record: "记录".into(),
            paid_yuan: "2000".into(),
        }
    }

    #[test]
    fn every_action_from_every_step() {
        use CaseStep::*;
        let today = d("2026-07-20");
        let r = CaseRules::default();
        let c = WorkCalendar::default();
        let actions = [
            "investigate",
            "notify",
            "request_hearing",
            "hold_hearing",
            "review",
            "decide",
            "serve",
            "execute",
            "close",
        ];
        for major in [false, true] {
            for step in CaseStep::ALL {
                for action in actions {
                    let f = facts(*step, major);
                    let mut i = input(action);
                    if action == "request_hearing" {
                        i.on = "2026-06-12".into();
                    }
                    let got = i.validate(&f, &c, &r, today).map(|(_, n)| n);
                    let want: Result<CaseStep, &str> = match (action, step, major) {
                        ("investigate", Filed, _) => Ok(Investigation),
                        ("notify", Investigation, _) => Ok(Notice),
                        ("request_hearing", Notice, true) => Ok(Hearing),
                        ("request_hearing", Notice, false) => Err("case.no_hearing_right"),
                        ("hold_hearing", Hearing, _) => Ok(Hearing),
                        ("review", Notice, true) => Ok(LegalReview),
                        ("review", Hearing, true) => Err("case.hearing_not_held"),
                        ("review", Notice | Hearing, false) => Err("case.review_not_needed"),
                        ("decide", LegalReview, _) => Ok(Decision),
                        ("decide", Notice | Hearing, true) => Err("case.review_required"),
                        ("decide", Notice | Hearing, false) => Ok(Decision),
                        ("serve", Decision, _) => Ok(Service),
                        ("execute", Service, _) => {
                            if major {
                                Err("case.paid_amount")
                            } else {
                                Ok(Execution)
                            }
                        }
                        ("close", Execution, _) => Ok(Closed),
                        _ => Err("case.out_of_order"),
                    };
                    assert_eq!(
                        got.map_err(|e| e.errors[0].code.clone()),
                        want.map_err(str::to_string),
                        "{action} from {step:?} (major {major})"
                    );
                }
            }
        }
        assert_eq!(
            input("appeal")
                .validate(&facts(Filed, false), &c, &r, today)
                .unwrap_err()
                .errors[0]
                .field,
            "action"
        );
    }

    #[test]
    fn the_clocks_of_hearing_decision_and_payment_hold_at_their_boundaries() {
        let r = CaseRules::default();
        let c = WorkCalendar::default();
        let today = d("2026-07-20");
        // One officer is not enough.
        let mut one = input("investigate");
        one.officer_ids = vec!["3".into(), "3".into()];
        let e = one
            .validate(&facts(CaseStep::Filed, true), &c, &r, today)
            .unwrap_err();
        assert_eq!(e.errors[0].code, "case.two_officers");
        // Noticed Wednesday 10 June: the window is five working days, to Wednesday 17 June.
        let notice = facts(CaseStep::Notice, true);
        let mut ask = input("request_hearing");
        ask.on = "2026-06-17".into();
        assert!(ask.validate(&notice, &c, &r, today).is_ok());
        ask.on = "2026-06-18".into();
        assert_eq!(
            ask.validate(&notice, &c, &r, today).unwrap_err().errors[0].code,
            "case.hearing_request_late"
        );
        // While the window is open the case does not move past the hearing.
        let mut review = input("review");
        review.on = "2026-06-17".into();
        assert_eq!(
            review.validate(&notice, &c, &r, today).unwrap_err().errors[0].code,
            "case.hearing_window_open"
        );
        review.on = "2026-06-18".into();
        assert!(review.validate(&notice, &c, &r, today).is_ok());
        // The hearing: told seven working days before it.
        let hearing = facts(CaseStep::Hearing, true);
        let mut hold = input("hold_hearing");
        hold.hearing_notified_on = "2026-06-15".into();
        hold.on = "2026-06-24".into();
        assert!(hold.validate(&hearing, &c, &r, today).is_ok());
        hold.on = "2026-06-23".into();
        assert_eq!(
            hold.validate(&hearing, &c, &r, today).unwrap_err().errors[0].code,
            "case.hearing_notice_short"
        );
        // A decision heavier than the notice is refused.
        let reviewed = CaseFacts {
            step: CaseStep::LegalReview,
            ..facts(CaseStep::Notice, true)
        };
        let mut decide = input("decide");
        decide.penalty.fine_yuan = "90000".into();
        assert_eq!(
            decide
                .validate(&reviewed, &c, &r, today)
                .unwrap_err()
                .errors[0]
                .code,
            "case.heavier_than_notice"
        );
        // Served 2 July: paid by 17 July owes the fine; on 20 July three days' late fee more.
        let served = facts(CaseStep::Service, false);
        let mut pay = input("execute");
        pay.on = "2026-07-17".into();
        pay.paid_yuan = "2000".into();
        assert!(pay.validate(&served, &c, &r, today).is_ok());
        pay.on = "2026-07-20".into();
        assert_eq!(
            pay.validate(&served, &c, &r, today).unwrap_err().errors[0].field,
            "paid_yuan"
        );
        pay.paid_yuan = "2180".into();
        assert!(pay.validate(&served, &c, &r, today).is_ok());
        // The clocks shown: decision 90 days after filing; payment 15 days after service.
        let clocks_of = |f: &CaseFacts| clocks(f, &c, &r);
        assert!(
            clocks_of(&facts(CaseStep::Investigation, true))
                .contains(&(ClockKind::Decision, d("2026-08-30")))
        );
        assert!(clocks_of(&notice).contains(&(ClockKind::HearingRequest, d("2026-06-17"))));
        assert!(clocks_of(&served).contains(&(ClockKind::Payment, d("2026-07-17"))));
        assert!(
            clocks_of(&facts(CaseStep::Decision, false))
                .contains(&(ClockKind::Service, d("2026-07-10")))
        );
        // A date before the previous step, or in the future, is refused.
        let mut early = input("serve");
        early.on = "2026-06-30".into();
        assert_eq!(
            early
                .validate(&facts(CaseStep::Decision, false), &c, &r, today)
                .unwrap_err()
                .errors[0]
                .code,
            "case.before_previous"
        );
        early.on = "2026-07-21".into();
        assert_eq!(
            early
                .validate(&facts(CaseStep::Decision, false), &c, &r, today)
                .unwrap_err()
                .errors[0]
                .code,
            "date.future"
        );
    }

    #[test]
    fn a_case_names_its_party_and_the_public_notice_masks_a_person() {
        let ok = CaseInput {
            party_kind: "person".into(),
            party_name: "张三丰".into(),
            party_id_number: "500232199001011234".into(),
            region_id: "7".into(),
            cause: "未取得许可从事烟花爆竹零售".into(),
            hazard_ids: vec!["4".into(), "4".into()],
            ..CaseInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.hazard_ids, vec![4]);
        assert_eq!(public_name(PartyKind::Person, "张三丰"), "张**");
        assert_eq!(public_name(PartyKind::Organisation, "马武砖厂"), "马武砖厂");
        assert_eq!(
            public_id(PartyKind::Person, "500232199001011234"),
            "500***********1234"
        );
        assert_eq!(public_id(PartyKind::Person, "1234567"), "*******");
        let e = CaseInput {
            party_kind: "firm".into(),
            hazard_ids: vec!["x".into()],
            ..CaseInput::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["party_kind", "party_name", "cause", "hazard_ids"]);
    }

    #[test]
    fn a_listing_has_its_reason_basis_and_period_and_is_in_force_inside_it() {
        let today = d("2026-07-01");
        let input = |from: &str, to: &str| BlacklistInput {
            enterprise_id: "5".into(),
            reason: "拒不执行停产整顿决定".into(),
            basis: "安全生产法第一百一十二条".into(),
            starts_on: from.into(),
            ends_on: to.into(),
        };
        let ok = input("", "2027-06-30").validate(today).unwrap();
        assert_eq!(ok.starts_on, today);
        let e = input("2026-08-01", "2026-07-31")
            .validate(today)
            .unwrap_err();
        assert_eq!(e.errors[0].field, "ends_on");
        let e = BlacklistInput::default().validate(today).unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["enterprise_id", "reason", "basis", "ends_on"]);
        let (s, end) = (d("2026-07-01"), d("2026-12-31"));
        assert!(listed(s, end, false, d("2026-07-01")) && listed(s, end, false, d("2026-12-31")));
        assert!(!listed(s, end, false, d("2027-01-01")) && !listed(s, end, false, d("2026-06-30")));
        assert!(!listed(s, end, true, d("2026-08-01")));
    }
}
