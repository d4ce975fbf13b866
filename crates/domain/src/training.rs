//! Training (培训) and the office's own capacity: training records with the hours the Safety
//! Training Provisions (原安监总局令第3号) require of enterprises' principal persons, safety managers
//! and new employees; the emergency office's staff with the work plan's rules for them (task 7:
//! entry training of at least three months, retraining of at least two weeks a year, a share of
//! staff qualified by degree or experience of 60% in 2021 and 75% from 2022); the standardisation
//! self-assessment on the eight aspects of task 5; and outreach activities (task 8).

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_reference, optional_text, required_date, required_text};
use crate::hazard::parse_date;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(
    /// Who was trained.
    TrainingCategory {
        /// 应急管理执法人员 of the office.
        EmergencyStaff = "emergency_staff",
        /// 镇党政领导 (the district's annual rotation).
        Leader = "leader",
        /// 主要负责人 of an enterprise.
        Principal = "principal",
        /// 安全生产管理人员.
        SafetyManager = "safety_manager",
        /// 新上岗从业人员 (三级安全教育).
        NewEmployee = "new_employee",
        /// Other employees (annual training, post changes).
        Employee = "employee",
    }
);

text_enum!(
    TrainingKind {
        /// 初次培训 (for new employees: 三级安全教育).
        Initial = "initial",
        /// 每年再培训.
        Annual = "annual",
        /// 入职培训 of emergency staff.
        Entry = "entry",
        /// 复训 of emergency staff.
        Retraining = "retraining",
    }
);

/// A training record as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingInput {
    pub trainee: String,
    pub category: String,
    pub kind: String,
    pub course: String,
    /// The enterprise the trainee works for, for enterprise people.
    pub enterprise_id: String,
    /// The person in the registry, for the office's staff.
    pub person_id: String,
    /// Where the training counts, when there is no enterprise (the town, a village).
    pub region_id: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Hours, whole or with decimals.
    pub hours: String,
    /// `true` unless the trainee failed the assessment.
    pub passed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainingDraft {
    pub trainee: String,
    pub category: TrainingCategory,
    pub kind: TrainingKind,
    pub course: String,
    pub enterprise_id: Option<i64>,
    pub person_id: Option<i64>,
    pub region_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub minutes: i64,
    pub passed: bool,
}

/// Days from the first to the last, both counted.
pub fn days_spanned(starts_on: NaiveDate, ends_on: NaiveDate) -> i64 {
    (ends_on - starts_on).num_days() + 1
}

impl TrainingInput {
    pub fn validate(&self) -> Result<TrainingDraft, Invalid> {
        let mut errs = Invalid::default();
        let trainee = required_text(&mut errs, "trainee", &self.trainee, 60);
        let category = TrainingCategory::parse(self.category.trim());
        if category.is_none() {
            errs.push("category", "choice");
        }
        let kind = TrainingKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let course = required_text(&mut errs, "course", &self.course, 200);
        let enterprise_id = optional_reference(&mut errs, "enterprise_id", &self.enterprise_id);
        let person_id = optional_reference(&mut errs, "person_id", &self.person_id);
        let region_id = optional_reference(&mut errs, "region_id", &self.region_id);
        if enterprise_id.is_none() && region_id.is_none() && person_id.is_none() {
            errs.push("region_id", "required");
        }
        let starts_on = required_date(&mut errs, "starts_on", &self.starts_on);
        let ends_on = required_date(&mut errs, "ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            errs.push("ends_on", "risk_list.ends_before_start");
        }
        let minutes = match parse_hours(&self.hours) {
            None if self.hours.trim().is_empty() => {
                errs.push("hours", "required");
                0
            }
            None => {
                errs.push("hours", "training.hours_form");
                0
            }
            Some(m) if m < 0 => {
                errs.push("hours", "training.hours_negative");
                0
            }
            Some(m) => m,
        };
        // A day has 24 hours: more hours than the days spanned hold is a typing error.
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e >= s
            && minutes > days_spanned(s, e) * 24 * 60
        {
            errs.push("hours", "training.hours_exceed_days");
        }
        let passed = !matches!(self.passed.trim(), "false" | "否" | "0" | "no");
        if let (Some(TrainingCategory::EmergencyStaff), None) = (category, person_id) {
            errs.push("person_id", "required");
        }
        errs.into_result()?;
        match (category, kind, starts_on, ends_on) {
            (Some(category), Some(kind), Some(starts_on), Some(ends_on)) => Ok(TrainingDraft {
                trainee,
                category,
                kind,
                course,
                enterprise_id,
                person_id,
                region_id,
                starts_on,
                ends_on,
                minutes,
                passed,
            }),
            _ => Err(Invalid::one("category", "choice")),
        }
    }
}

/// Hours typed as `32`, `1.5` or `-4` in minutes (rounded to the minute); `None` when not a
/// number.
pub fn parse_hours(s: &str) -> Option<i64> {
    let v: f64 = s.trim().parse().ok()?;
    if !v.is_finite() || v.abs() > 100_000.0 {
        return None;
    }
    Some((v * 60.0).round() as i64)
}

/// The hours rules.md §11 requires, in minutes: (initial, annual) for a category, general or
/// high-risk (煤矿、非煤矿山、危化品、烟花爆竹、金属冶炼). `None` where no national figure exists.
pub fn required_minutes(category: TrainingCategory, high_risk: bool) -> (Option<i64>, Option<i64>) {
    let h = |n: i64| Some(n * 60);
    match (category, high_risk) {
        (TrainingCategory::Principal | TrainingCategory::SafetyManager, false) => (h(32), h(12)),
        (TrainingCategory::Principal | TrainingCategory::SafetyManager, true) => (h(48), h(16)),
        (TrainingCategory::NewEmployee, false) => (h(24), None),
        (TrainingCategory::NewEmployee, true) => (h(72), h(20)),
        _ => (None, None),
    }
}

/// One record as the compliance rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub kind: TrainingKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub minutes: i64,
    pub passed: bool,
}

text_enum!(
    /// A trainee's standing for a year.
    Standing {
        Compliant = "compliant",
        /// Trained, but not enough.
        Short = "short",
        /// No training of the kind required.
        Missing = "missing",
        /// No national figure applies (other employees, leaders).
        NotRequired = "not_required",
    }
);

/// An enterprise person's standing for `year`: the initial training (any year, passed) must reach
/// the initial hours, and the year's annual training the annual hours; a year in which the initial
/// training was held needs no annual training besides it.
pub fn enterprise_standing(
    category: TrainingCategory,
    high_risk: bool,
    year: i32,
    records: &[Record],
) -> Standing {
    let (initial, annual) = required_minutes(category, high_risk);
    if initial.is_none() && annual.is_none() {
        return Standing::NotRequired;
    }
    let passed = records.iter().filter(|r| r.passed);
    let initial_done: Vec<&Record> = passed
        .clone()
        .filter(|r| r.kind == TrainingKind::Initial && r.starts_on.year() <= year)
        .collect();
    let initial_minutes: i64 = initial_done.iter().map(|r| r.minutes).sum();
    let initial_this_year = initial_done.iter().any(|r| r.starts_on.year() == year);
    let annual_minutes: i64 = passed
        .filter(|r| r.kind == TrainingKind::Annual && r.starts_on.year() == year)
        .map(|r| r.minutes)
        .sum();
    let initial_ok = initial.is_none_or(|need| initial_minutes >= need);
    let annual_ok = initial_this_year || annual.is_none_or(|need| annual_minutes >= need);
    if initial_ok && annual_ok {
        Standing::Compliant
    } else if initial_minutes == 0 && annual_minutes == 0 {
        Standing::Missing
    } else {
        Standing::Short
    }
}

/// Entry training of emergency staff lasts at least three months (task 7).
pub fn entry_long_enough(r: &Record) -> bool {
    r.starts_on
        .checked_add_months(Months::new(3))
        .is_some_and(|three| r.ends_on >= three.pred_opt().unwrap_or(three))
}

/// Days of retraining a year an emergency officer needs (two weeks).
pub const RETRAINING_DAYS: i64 = 14;

/// Days of passed retraining an officer had in `year`.
pub fn retraining_days(year: i32, records: &[Record]) -> i64 {
    records
        .iter()
        .filter(|r| r.passed && r.kind == TrainingKind::Retraining && r.starts_on.year() == year)
        .map(|r| days_spanned(r.starts_on, r.ends_on))
        .sum()
}

/// An officer's standing for `year`: an entry training of three months (passed) ever held by the
/// year, and fourteen days of retraining in the year, unless the entry training was that year.
pub fn staff_standing(year: i32, records: &[Record]) -> Standing {
    let entry: Vec<&Record> = records
        .iter()
        .filter(|r| r.passed && r.kind == TrainingKind::Entry && r.starts_on.year() <= year)
        .collect();
    let retraining_days = retraining_days(year, records);
    let entry_ok = entry.iter().any(|r| entry_long_enough(r));
    let entered_this_year = entry.iter().any(|r| r.starts_on.year() == year);
    if entry_ok && (entered_this_year || retraining_days >= RETRAINING_DAYS) {
        Standing::Compliant
    } else if entry.is_empty() && retraining_days == 0 {
        Standing::Missing
    } else {
        Standing::Short
    }
}

/// The share of qualified staff task 7 asks for in `year`, in percent: 60 in 2021, 75 from 2022.
pub fn qualified_share_goal(year: i32) -> i64 {
    if year <= 2021 { 60 } else { 75 }
}

text_enum!(
    /// What qualifies an officer (应急管理专业学历和实践经验).
    Qualification {
        Degree = "degree",
        Experience = "experience",
        Both = "both",
        None = "none",
    }
);

/// An officer of the emergency office as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaffInput {
    pub person_id: String,
    pub joined_on: String,
    pub qualification: String,
    pub left_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffDraft {
    pub person_id: i64,
    pub joined_on: NaiveDate,
    pub qualification: Qualification,
    pub left_on: Option<NaiveDate>,
}

impl StaffInput {
    pub fn validate(&self) -> Result<StaffDraft, Invalid> {
        let mut errs = Invalid::default();
        let person_id = crate::enterprise::parse_id(&mut errs, "person_id", &self.person_id);
        let joined_on = parse_date(&self.joined_on);
        if joined_on.is_none() {
            errs.push(
                "joined_on",
                if self.joined_on.trim().is_empty() {
                    "required"
                } else {
                    "date.form"
                },
            );
        }
        let qualification = Qualification::parse(self.qualification.trim());
        if qualification.is_none() {
            errs.push("qualification", "choice");
        }
        let left_on = match self.left_on.trim() {
            "" => None,
            v => parse_date(v).or_else(|| {
                errs.push("left_on", "date.form");
                None
            }),
        };
        if let (Some(j), Some(l)) = (joined_on, left_on)
            && l < j
        {
            errs.push("left_on", "risk_list.ends_before_start");
        }
        errs.into_result()?;
        match (joined_on, qualification) {
            (Some(joined_on), Some(qualification)) => Ok(StaffDraft {
                person_id,
                joined_on,
                qualification,
                left_on,
            }),
            _ => Err(Invalid::one("qualification", "choice")),
        }
    }
}

/// Whether an officer who joined and perhaps left was in post at the end of `year` (or today,
/// for the year under way): the share is of the staff in post.
pub fn in_post(joined_on: NaiveDate, left_on: Option<NaiveDate>, on: NaiveDate) -> bool {
    joined_on <= on && left_on.is_none_or(|l| l > on)
}

text_enum!(
    /// The eight aspects of the office's standardisation (task 5).
    Aspect {
        Organisation = "organisation",
        Duties = "duties",
        Staffing = "staffing",
        Equipment = "equipment",
        Enforcement = "enforcement",
        Supervision = "supervision",
        Rules = "rules",
        RescueTeam = "rescue_team",
    }
);

text_enum!(
    AspectRating { Met = "met", Partly = "partly", NotMet = "not_met" }
);

/// The self-assessment as typed: one rating and note per aspect, in [`Aspect::ALL`] order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssessmentInput {
    pub region_id: String,
    pub year: String,
    pub ratings: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentDraft {
    pub region_id: i64,
    pub year: i32,
    pub lines: Vec<(Aspect, AspectRating, Option<String>)>,
}

impl AssessmentInput {
    pub fn validate(&self) -> Result<AssessmentDraft, Invalid> {
        let mut errs = Invalid::default();
        let region_id = crate::enterprise::parse_id(&mut errs, "region_id", &self.region_id);
        let year = crate::workplan::parse_year(&mut errs, "year", &self.year);
        let mut lines = Vec::new();
        for (i, aspect) in Aspect::ALL.iter().enumerate() {
            let field = format!("aspect.{}", aspect.as_str());
            let rating = self.ratings.get(i).map(|s| s.trim()).unwrap_or("");
            let note = self.notes.get(i).map(String::as_str);
            let note = optional_text(&mut errs, &field, note, 500);
            match AspectRating::parse(rating) {
                Some(r) => lines.push((*aspect, r, note)),
                None => errs.push(field, "choice"),
            }
        }
        errs.into_result()?;
        Ok(AssessmentDraft {
            region_id,
            year,
            lines,
        })
    }
}

text_enum!(
    /// Outreach (宣教) activities of task 8.
    OutreachKind {
        IntoEnterprises = "into_enterprises",
        IntoCommunities = "into_communities",
        IntoFamilies = "into_families",
        IntoSchools = "into_schools",
        IntoVillages = "into_villages",
        /// 安全生产月 (June).
        SafetyMonth = "safety_month",
        /// 5·12 防灾减灾日.
        DisasterDay = "disaster_day",
        /// 青年安全生产示范岗 创建.
        ModelPost = "model_post",
        /// 户外 LED 等播放宣传片、警示片.
        Broadcast = "broadcast",
    }
);

impl OutreachKind {
    /// The five of 五进.
    pub fn is_five_into(self) -> bool {
        matches!(
            self,
            OutreachKind::IntoEnterprises
                | OutreachKind::IntoCommunities
                | OutreachKind::IntoFamilies
                | OutreachKind::IntoSchools
                | OutreachKind::IntoVillages
        )
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutreachInput {
    pub kind: String,
    pub region_id: String,
    pub held_on: String,
    /// What the activity was called.
    pub name: String,
    pub participants: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutreachDraft {
    pub kind: OutreachKind,
    pub region_id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub participants: i64,
    pub note: Option<String>,
}

impl OutreachInput {
    pub fn validate(&self, today: NaiveDate) -> Result<OutreachDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = OutreachKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let region_id = crate::enterprise::parse_id(&mut errs, "region_id", &self.region_id);
        let held_on = match parse_date(&self.held_on) {
            Some(d) if d > today => {
                errs.push("held_on", "date.future");
                None
            }
            Some(d) => Some(d),
            None => {
                errs.push(
                    "held_on",
                    if self.held_on.trim().is_empty() {
                        "required"
                    } else {
                        "date.form"
                    },
                );
                None
            }
        };
        let title = required_text(&mut errs, "name", &self.name, 200);
        let participants = match self.participants.trim().parse::<i64>() {
            Ok(n) if (0..=1_000_000).contains(&n) => n,
            _ => {
                errs.push("participants", "number.invalid");
                0
            }
        };
        let note = optional_text(&mut errs, "note", Some(&self.note), 1000);
        errs.into_result()?;
        match (kind, held_on) {
            (Some(kind), Some(held_on)) => Ok(OutreachDraft {
                kind,
                region_id,
                held_on,
                title,
                participants,
                note,
            }),
            _ => Err(Invalid::one("kind", "choice")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn input() -> TrainingInput {
        TrainingInput {
            trainee: "张三".into(),
            category: "principal".into(),
            kind: "initial".into(),
            course: "主要负责人安全培训".into(),
            enterprise_id: "7".into(),
            starts_on: "2021-04-01".into(),
            ends_on: "2021-04-04".into(),
            hours: "32".into(),
            ..Default::default()
        }
    }

    fn codes(i: &TrainingInput) -> Vec<(String, String)> {
        i.validate()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn hours_are_checked_against_the_days_they_span() {
        let t = input().validate().unwrap();
        assert_eq!(t.minutes, 32 * 60);
        assert!(t.passed);
        let mut i = input();
        i.hours = "-4".into();
        assert_eq!(
            codes(&i),
            vec![("hours".into(), "training.hours_negative".into())]
        );
        // Four days hold 96 hours, not 97.
        i.hours = "96".into();
        assert!(i.validate().is_ok());
        i.hours = "96.5".into();
        assert_eq!(
            codes(&i),
            vec![("hours".into(), "training.hours_exceed_days".into())]
        );
        i.hours = "三十二".into();
        assert_eq!(
            codes(&i),
            vec![("hours".into(), "training.hours_form".into())]
        );
        i.hours = "8".into();
        i.ends_on = "2021-03-31".into();
        assert_eq!(
            codes(&i),
            vec![("ends_on".into(), "risk_list.ends_before_start".into())]
        );
    }

    fn rec(kind: TrainingKind, from: &str, to: &str, hours: i64) -> Record {
        Record {
            kind,
            starts_on: d(from),
            ends_on: d(to),
            minutes: hours * 60,
            passed: true,
        }
    }

    #[test]
    fn principals_need_32_then_12_hours_and_48_then_16_in_high_risk_trades() {
        use TrainingCategory::*;
        use TrainingKind::*;
        let initial = rec(Initial, "2020-03-01", "2020-03-05", 32);
        let annual = rec(Annual, "2021-05-01", "2021-05-02", 12);
        assert_eq!(
            enterprise_standing(Principal, false, 2020, &[initial]),
            Standing::Compliant
        );
        assert_eq!(
            enterprise_standing(Principal, false, 2021, &[initial]),
            Standing::Short
        );
        assert_eq!(
            enterprise_standing(Principal, false, 2021, &[initial, annual]),
            Standing::Compliant
        );
        assert_eq!(
            enterprise_standing(Principal, true, 2021, &[initial, annual]),
            Standing::Short
        );
        let short = rec(Annual, "2021-05-01", "2021-05-02", 11);
        assert_eq!(
            enterprise_standing(SafetyManager, false, 2021, &[initial, short]),
            Standing::Short
        );
        assert_eq!(
            enterprise_standing(SafetyManager, false, 2021, &[]),
            Standing::Missing
        );
        let mut failed = annual;
        failed.passed = false;
        assert_eq!(
            enterprise_standing(Principal, false, 2021, &[initial, failed]),
            Standing::Short
        );
        // New employees: 24 hours, or 72 and 20 a year in high-risk trades.
        let new = rec(Initial, "2021-02-01", "2021-02-03", 24);
        assert_eq!(
            enterprise_standing(NewEmployee, false, 2022, &[new]),
            Standing::Compliant
        );
        assert_eq!(
            enterprise_standing(NewEmployee, true, 2021, &[new]),
            Standing::Short
        );
        assert_eq!(
            enterprise_standing(Employee, true, 2021, &[]),
            Standing::NotRequired
        );
    }

    #[test]
    fn staff_need_three_months_of_entry_training_then_two_weeks_a_year() {
        use TrainingKind::*;
        let entry = rec(Entry, "2020-03-01", "2020-05-31", 400);
        assert!(entry_long_enough(&entry));
        let one_day_short = rec(Entry, "2020-03-01", "2020-05-30", 400);
        assert!(!entry_long_enough(&one_day_short));
        assert_eq!(staff_standing(2020, &[entry]), Standing::Compliant);
        assert_eq!(staff_standing(2021, &[entry]), Standing::Short);
        let two_weeks = rec(Retraining, "2021-09-01", "2021-09-14", 80);
        assert_eq!(
            staff_standing(2021, &[entry, two_weeks]),
            Standing::Compliant
        );
        let thirteen = rec(Retraining, "2021-09-01", "2021-09-13", 80);
        assert_eq!(staff_standing(2021, &[entry, thirteen]), Standing::Short);
        assert_eq!(
            staff_standing(2021, &[one_day_short, two_weeks]),
            Standing::Short
        );
        assert_eq!(staff_standing(2021, &[]), Standing::Missing);
        assert_eq!(qualified_share_goal(2021), 60);
        assert_eq!(qualified_share_goal(2022), 75);
    }

    #[test]
    fn the_assessment_names_each_aspect_left_unrated() {
        let mut a = AssessmentInput {
            region_id: "2".into(),
            year: "2021".into(),
            ratings: vec!["met".into(); 8],
            notes: vec![],
        };
        assert_eq!(a.validate().unwrap().lines.len(), 8);
        a.ratings[6] = String::new();
        let e = a.validate().unwrap_err();
        assert_eq!(e.errors[0].field, "aspect.rules");
    }
}
