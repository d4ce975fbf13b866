//! The town's annual work plan (工作要点): numbered tasks, each with its lead department, the
//! departments that co-operate, an indicator and a deadline; the departments' monthly progress
//! reports; and the state of each task on a day, which is what the monthly 打表推进 table shows.
//!
//! Departments are named, not numbered, in a plan: the same names come from the xlsx a town keeps
//! and from the form, and the service resolves them among the town's departments.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_text, required_text};
use crate::hazard::parse_date;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The columns of a plan sheet, in the order the export writes them.
pub const PLAN_COLUMNS: &[&str] = &[
    "number",
    "section",
    "task_title",
    "lead_department",
    "co_departments",
    "indicator",
    "due_on",
];

/// The columns a plan sheet must have; the others may be left out.
pub const REQUIRED_COLUMNS: &[&str] = &["number", "task_title", "lead_department", "due_on"];

/// A plan holds at most this many tasks (the town's has 21; a city's a few hundred).
pub const MAX_TASKS: usize = 500;

/// A plan's heading as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanInput {
    pub region_id: String,
    pub year: String,
    /// The plan's title (2021年全镇安全生产与自然灾害防治工作要点).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanDraft {
    pub region_id: i64,
    pub year: i32,
    pub title: String,
}

impl PlanInput {
    pub fn validate(&self) -> Result<PlanDraft, Invalid> {
        let mut errs = Invalid::default();
        let region_id = crate::enterprise::parse_id(&mut errs, "region_id", &self.region_id);
        let year = parse_year(&mut errs, "year", &self.year);
        let title = required_text(&mut errs, "name", &self.name, 200);
        errs.into_result()?;
        Ok(PlanDraft {
            region_id,
            year,
            title,
        })
    }
}

/// A year a plan, a report or an assessment may be about.
pub fn parse_year(errs: &mut Invalid, field: &str, s: &str) -> i32 {
    match s.trim().parse::<i32>() {
        Ok(y) if (2000..=2100).contains(&y) => y,
        _ if s.trim().is_empty() => {
            errs.push(field, "required");
            0
        }
        _ => {
            errs.push(field, "plan.year");
            0
        }
    }
}

/// One task as typed in the form or read from a row of the sheet.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanTaskInput {
    pub number: String,
    pub section: String,
    /// What the task is (its title).
    pub task_title: String,
    pub lead_department: String,
    /// Department names separated by 、 , ， ; or new lines.
    pub co_departments: String,
    pub indicator: String,
    /// The deadline (完成时限).
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanTaskDraft {
    pub number: i64,
    pub section: Option<String>,
    pub title: String,
    pub lead_department: String,
    pub co_departments: Vec<String>,
    pub indicator: Option<String>,
    pub deadline: NaiveDate,
}

impl PlanTaskInput {
    /// Checks the task against the plan's year: its deadline may not fall before the year begins.
    pub fn validate(&self, year: i32) -> Result<PlanTaskDraft, Invalid> {
        let mut errs = Invalid::default();
        let number = match self.number.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_TASKS as i64).contains(&n) => n,
            _ if self.number.trim().is_empty() => {
                errs.push("number", "required");
                0
            }
            _ => {
                errs.push("number", "plan.number");
                0
            }
        };
        let section = optional_text(&mut errs, "section", Some(&self.section), 100);
        let title = required_text(&mut errs, "task_title", &self.task_title, 300);
        let lead_department = self.lead_department.trim().to_string();
        if lead_department.is_empty() {
            errs.push("lead_department", "plan.no_lead");
        } else if lead_department.chars().count() > 60 {
            errs.push("lead_department", "too_long");
        }
        let mut co_departments: Vec<String> = Vec::new();
        for name in self
            .co_departments
            .split(['、', ',', '，', ';', '；', '\n'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            if name == lead_department {
                continue;
            }
            if !co_departments.iter().any(|c| c == name) {
                co_departments.push(name.to_string());
            }
        }
        let indicator = optional_text(&mut errs, "indicator", Some(&self.indicator), 500);
        let deadline = match self.due_on.trim() {
            "" => {
                errs.push("due_on", "required");
                None
            }
            v => match parse_date(v) {
                Some(d) if d.year() < year => {
                    errs.push("due_on", "plan.deadline_before_year");
                    None
                }
                Some(d) => Some(d),
                None => {
                    errs.push("due_on", "date.form");
                    None
                }
            },
        };
        errs.into_result()?;
        Ok(PlanTaskDraft {
            number,
            section,
            title,
            lead_department,
            co_departments,
            indicator,
            deadline: deadline.unwrap_or_default(),
        })
    }
}

text_enum!(
    /// What a department says of a task in its monthly report.
    ReportStatus {
        NotStarted = "not_started",
        Underway = "underway",
        Done = "done",
        /// Held up by something the department cannot solve alone: the office looks first.
        Blocked = "blocked",
    }
);

/// A monthly report as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportInput {
    /// `YYYY-MM`; the current month when empty.
    pub month: String,
    pub status: String,
    pub progress: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportDraft {
    /// The first day of the month reported on.
    pub month: NaiveDate,
    pub status: ReportStatus,
    pub progress: String,
}

/// `YYYY-MM` as the first day of that month.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    parse_date(&format!("{}-01", s.trim()))
}

impl ReportInput {
    /// A report is about a month of the plan's year (or January of the next, for the year's
    /// close) that has begun by `today`.
    pub fn validate(&self, year: i32, today: NaiveDate) -> Result<ReportDraft, Invalid> {
        let mut errs = Invalid::default();
        let this_month = today.with_day(1).unwrap_or(today);
        let month = match self.month.trim() {
            "" => Some(this_month),
            v => match parse_month(v) {
                Some(m) if m > this_month => {
                    errs.push("month", "plan.month_future");
                    None
                }
                Some(m)
                    if m.year() < year
                        || m > NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or(m) =>
                {
                    errs.push("month", "plan.month_outside_year");
                    None
                }
                Some(m) => Some(m),
                None => {
                    errs.push("month", "plan.month_form");
                    None
                }
            },
        };
        let status = ReportStatus::parse(self.status.trim());
        if status.is_none() {
            errs.push("status", "choice");
        }
        let progress = required_text(&mut errs, "progress", &self.progress, 2000);
        errs.into_result()?;
        match (month, status) {
            (Some(month), Some(status)) => Ok(ReportDraft {
                month,
                status,
                progress,
            }),
            _ => Err(Invalid::one("status", "choice")),
        }
    }
}

text_enum!(
    /// Where a task stands on a day, as the progress table colours it.
    TaskState {
        Done = "done",
        OnTrack = "on_track",
        /// Not done and the deadline has passed.
        Overdue = "overdue",
        /// Reported blocked.
        Blocked = "blocked",
        /// Nothing reported for this month or the one before, deadline not yet passed.
        Silent = "silent",
    }
);

/// A task's state on `today` from its deadline and the latest report of the lead department, if
/// any, as (month reported, status). A task done after its deadline is done; one reported done is
/// done whatever the month.
pub fn task_state(
    deadline: NaiveDate,
    latest: Option<(NaiveDate, ReportStatus)>,
    today: NaiveDate,
) -> TaskState {
    match latest {
        Some((_, ReportStatus::Done)) => TaskState::Done,
        _ if deadline < today => TaskState::Overdue,
        Some((_, ReportStatus::Blocked)) => TaskState::Blocked,
        Some((month, _)) if month >= previous_month(today) => TaskState::OnTrack,
        _ => TaskState::Silent,
    }
}

fn previous_month(d: NaiveDate) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn task() -> PlanTaskInput {
        PlanTaskInput {
            number: "9".into(),
            section: "（三）坚持预防为主".into(),
            task_title: "改善安全生产基础条件".into(),
            lead_department: "交通服务站".into(),
            co_departments: "应急办、建环办，交通服务站".into(),
            indicator: "新安装农村公路护栏5公里".into(),
            due_on: "2021-12-31".into(),
        }
    }

    #[test]
    fn a_task_names_its_lead_and_co_departments_once() {
        let t = task().validate(2021).unwrap();
        assert_eq!(t.number, 9);
        assert_eq!(t.co_departments, vec!["应急办", "建环办"]);
    }

    #[test]
    fn a_task_without_a_lead_department_is_refused_by_field() {
        let mut t = task();
        t.lead_department = "  ".into();
        t.number = "0".into();
        t.due_on = "2020-12-31".into();
        let e = t.validate(2021).unwrap_err();
        let fields: Vec<_> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert!(fields.contains(&("lead_department", "plan.no_lead")));
        assert!(fields.contains(&("number", "plan.number")));
        assert!(fields.contains(&("due_on", "plan.deadline_before_year")));
    }

    #[test]
    fn reports_are_about_a_begun_month_of_the_year() {
        let today = d("2021-06-15");
        let r = |m: &str| ReportInput {
            month: m.into(),
            status: "underway".into(),
            progress: "已完成3公里".into(),
        };
        assert_eq!(r("").validate(2021, today).unwrap().month, d("2021-06-01"));
        assert_eq!(
            r("2021-05").validate(2021, today).unwrap().month,
            d("2021-05-01")
        );
        let code = |m: &str| {
            r(m).validate(2021, today).unwrap_err().errors[0]
                .code
                .clone()
        };
        assert_eq!(code("2021-07"), "plan.month_future");
        assert_eq!(code("2020-12"), "plan.month_outside_year");
        assert_eq!(code("六月"), "plan.month_form");
    }

    #[test]
    fn task_states_follow_the_deadline_and_the_latest_report() {
        let dl = d("2021-06-30");
        let today = d("2021-06-10");
        assert_eq!(task_state(dl, None, today), TaskState::Silent);
        let may = Some((d("2021-05-01"), ReportStatus::Underway));
        assert_eq!(task_state(dl, may, today), TaskState::OnTrack);
        let april = Some((d("2021-04-01"), ReportStatus::Underway));
        assert_eq!(task_state(dl, april, today), TaskState::Silent);
        let blocked = Some((d("2021-06-01"), ReportStatus::Blocked));
        assert_eq!(task_state(dl, blocked, today), TaskState::Blocked);
        assert_eq!(task_state(dl, may, d("2021-07-01")), TaskState::Overdue);
        // The deadline day itself is still in time.
        assert_eq!(task_state(dl, may, dl), TaskState::OnTrack);
        let done = Some((d("2021-08-01"), ReportStatus::Done));
        assert_eq!(task_state(dl, done, d("2021-09-01")), TaskState::Done);
    }
}
