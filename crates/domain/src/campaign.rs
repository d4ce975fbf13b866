//! Special rectification campaigns (专项整治, work plan task 13): a list of targets — vehicles such
//! as 两客一危 coaches and modified tractors, enterprises, construction sites, scenic spots — each
//! with its status, and a deadline by which the count of those not cleared must reach zero. The
//! 五个一批 treatment of task 9 (each enterprise with its treatment) and the three-year action of
//! task 12 are campaigns too.

use crate::Invalid;
use crate::enterprise::{FringeTreatment, text_enum};
use crate::error::{optional_text, required_text};
use crate::hazard::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(
    CampaignKind {
        /// 专项整治 with a target list to clear.
        Special = "special",
        /// 五个一批: each enterprise with its treatment.
        FiveBatches = "five_batches",
        /// 三年行动: the three-year action, its targets over three years.
        ThreeYear = "three_year",
    }
);

text_enum!(
    TargetKind {
        Vehicle = "vehicle",
        Enterprise = "enterprise",
        ConstructionSite = "construction_site",
        ScenicSpot = "scenic_spot",
        Place = "place",
    }
);

text_enum!(
    TargetStatus {
        Open = "open",
        InProgress = "in_progress",
        Cleared = "cleared",
    }
);

/// Targets one campaign may hold: a county's modified tractors run to hundreds, not more.
pub const MAX_TARGETS_AT_ONCE: usize = 2000;

/// A campaign as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignInput {
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub starts_on: String,
    pub deadline: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignDraft {
    pub name: String,
    pub kind: CampaignKind,
    pub region_id: i64,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDate,
    pub description: Option<String>,
}

impl CampaignInput {
    pub fn validate(&self, today: NaiveDate) -> Result<CampaignDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 100);
        let kind = CampaignKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let region_id = self.region_id.trim().parse::<i64>().ok().filter(|n| *n > 0);
        if region_id.is_none() {
            errs.push("region_id", "required");
        }
        let starts_on = match self.starts_on.trim() {
            "" => Some(today),
            v => parse_date(v).or_else(|| {
                errs.push("starts_on", "date.form");
                None
            }),
        };
        let deadline = match self.deadline.trim() {
            "" => {
                errs.push("deadline", "required");
                None
            }
            v => parse_date(v).or_else(|| {
                errs.push("deadline", "date.form");
                None
            }),
        };
        if let (Some(s), Some(d)) = (starts_on, deadline)
            && d < s
        {
            errs.push("deadline", "risk_list.ends_before_start");
        }
        let description = optional_text(&mut errs, "description", Some(&self.description), 2000);
        errs.into_result()?;
        match (kind, region_id, starts_on, deadline) {
            (Some(kind), Some(region_id), Some(starts_on), Some(deadline)) => Ok(CampaignDraft {
                name,
                kind,
                region_id,
                starts_on,
                deadline,
                description,
            }),
            _ => Err(Invalid::one("name", "required")),
        }
    }
}

/// Targets added to a campaign: one per line (a plate, a site's name), or enterprises by id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetsInput {
    pub kind: String,
    pub lines: String,
    pub enterprise_ids: Vec<String>,
    /// The 五个一批 treatment, for a five-batches campaign.
    pub treatment: String,
    /// The village they are in, if one.
    pub region_id: String,
}

/// One target to add: its label, or the enterprise it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum NewTarget {
    Label(String),
    Enterprise(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetsDraft {
    pub kind: TargetKind,
    pub targets: Vec<NewTarget>,
    /// `None` when the enterprise's registered treatment is to be taken.
    pub treatment: Option<FringeTreatment>,
    pub region_id: Option<i64>,
}

/// Whether a plate reads like a Chinese one: a province's character, a letter, then five or six
/// letters and digits (new-energy plates have six), e.g. 渝H12345 or 渝HD12345.
pub fn is_plate(s: &str) -> bool {
    let mut c = s.chars();
    let province = c.next().is_some_and(|p| !p.is_ascii() && p.is_alphabetic());
    let letter = c.next().is_some_and(|l| l.is_ascii_uppercase());
    let rest: Vec<char> = c.collect();
    province
        && letter
        && (5..=6).contains(&rest.len())
        && rest
            .iter()
            .all(|x| x.is_ascii_uppercase() || x.is_ascii_digit() || matches!(x, '挂' | '学'))
}

impl TargetsInput {
    /// Checks every line; a bad one is named by its number and nothing is added.
    pub fn validate(&self, campaign: CampaignKind) -> Result<TargetsDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = TargetKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let mut targets = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (n, line) in self.lines.lines().enumerate() {
            // Plates are written with or without a dot or space after the letter.
            let mut label = line.trim().to_string();
            if label.is_empty() {
                continue;
            }
            let field = format!("lines.{}", n + 1);
            if kind == Some(TargetKind::Vehicle) {
                label = label
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '·' | '.' | '-'))
                    .collect::<String>()
                    .to_uppercase();
                if !is_plate(&label) {
                    errs.push(field, "campaign.plate");
                    continue;
                }
            } else if label.chars().count() > 100 {
                errs.push(field, "too_long");
                continue;
            }
            if !seen.insert(label.clone()) {
                errs.push(field, "campaign.duplicate_line");
                continue;
            }
            targets.push(NewTarget::Label(label));
        }
        for (n, id) in self.enterprise_ids.iter().enumerate() {
            match id.trim().parse::<i64>() {
                Ok(i) if i > 0 => {
                    if seen.insert(format!("#{i}")) {
                        targets.push(NewTarget::Enterprise(i));
                    }
                }
                _ => errs.push(format!("enterprise_ids.{}", n + 1), "not_a_reference"),
            }
        }
        if targets.is_empty() && errs.is_empty() {
            errs.push("lines", "required");
        }
        if targets.len() > MAX_TARGETS_AT_ONCE {
            errs.push("lines", "campaign.too_many");
        }
        if targets
            .iter()
            .any(|t| matches!(t, NewTarget::Enterprise(_)))
            && kind.is_some_and(|k| k != TargetKind::Enterprise)
        {
            errs.push("kind", "campaign.enterprise_kind");
        }
        let treatment = treatment(&mut errs, &self.treatment);
        // 五个一批 is a treatment per enterprise; other campaigns have none.
        match campaign {
            CampaignKind::FiveBatches => {
                if kind.is_some_and(|k| k != TargetKind::Enterprise) {
                    errs.push("kind", "campaign.five_batches_enterprises");
                }
            }
            _ => {
                if treatment.is_some() {
                    errs.push("treatment", "campaign.treatment_five_batches_only");
                }
            }
        }
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
        errs.into_result()?;
        Ok(TargetsDraft {
            kind: kind.unwrap_or(TargetKind::Place),
            targets,
            treatment,
            region_id,
        })
    }
}

/// A 五个一批 treatment as typed: empty is none; "none" is no treatment to give.
fn treatment(errs: &mut Invalid, v: &str) -> Option<FringeTreatment> {
    match v.trim() {
        "" => None,
        t => match FringeTreatment::parse(t) {
            Some(FringeTreatment::None) | None => {
                errs.push("treatment", "choice");
                None
            }
            Some(t) => Some(t),
        },
    }
}

/// A target's new status, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetUpdate {
    pub status: String,
    pub note: String,
    pub treatment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetChange {
    pub status: TargetStatus,
    pub note: Option<String>,
    pub treatment: Option<FringeTreatment>,
}

impl TargetUpdate {
    /// A target is cleared with a word on how (scrapped, re-registered, closed…); one that comes
    /// back (a tractor seen on the road again) is reopened with the reason.
    pub fn validate(&self, now: TargetStatus) -> Result<TargetChange, Invalid> {
        let mut errs = Invalid::default();
        let status = TargetStatus::parse(self.status.trim());
        if status.is_none() {
            errs.push("status", "choice");
        }
        let note = optional_text(&mut errs, "note", Some(&self.note), 500);
        let treatment = treatment(&mut errs, &self.treatment);
        let leaves_cleared = now == TargetStatus::Cleared && status != Some(TargetStatus::Cleared);
        if (status == Some(TargetStatus::Cleared) || leaves_cleared) && note.is_none() {
            errs.push("note", "campaign.note_required");
        }
        errs.into_result()?;
        Ok(TargetChange {
            status: status.unwrap_or(now),
            note,
            treatment,
        })
    }
}

/// How far a campaign is: the count to zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub total: i64,
    pub cleared: i64,
    pub remaining: i64,
    /// Percent cleared, rounded down.
    pub pct: i64,
    /// Past the deadline with targets remaining.
    pub overdue: bool,
    /// Days left to the deadline (negative when past).
    pub days_left: i64,
}

pub fn progress(total: i64, cleared: i64, deadline: NaiveDate, today: NaiveDate) -> Progress {
    let remaining = (total - cleared).max(0);
    Progress {
        total,
        cleared,
        remaining,
        pct: if total == 0 { 0 } else { cleared * 100 / total },
        overdue: remaining > 0 && today > deadline,
        days_left: (deadline - today).num_days(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_campaign_needs_a_deadline_after_its_start() {
        let ok = CampaignInput {
            name: "两客一危车辆专项整治".into(),
            kind: "special".into(),
            region_id: "2".into(),
            deadline: "2026-12-31".into(),
            ..Default::default()
        };
        let c = ok.validate(d("2026-03-01")).unwrap();
        assert_eq!(c.starts_on, d("2026-03-01"));
        let bad = CampaignInput {
            deadline: "2026-02-01".into(),
            ..ok.clone()
        };
        assert_eq!(
            bad.validate(d("2026-03-01")).unwrap_err().errors[0].field,
            "deadline"
        );
        let e = CampaignInput::default()
            .validate(d("2026-03-01"))
            .unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "region_id", "deadline"]);
    }

    #[test]
    fn plates_are_read_as_people_write_them_and_a_bad_line_is_named() {
        assert!(is_plate("渝H12345"));
        assert!(is_plate("渝HD12345"));
        assert!(is_plate("渝H1234挂"));
        assert!(!is_plate("H12345"));
        assert!(!is_plate("渝H123"));
        let i = TargetsInput {
            kind: "vehicle".into(),
            lines: "渝H·12345\n\n渝h 6789a\n拖拉机\n渝H12345\n".into(),
            ..Default::default()
        };
        let e = i.validate(CampaignKind::Special).unwrap_err();
        assert_eq!(
            e.errors,
            vec![
                crate::FieldError::new("lines.4", "campaign.plate"),
                crate::FieldError::new("lines.5", "campaign.duplicate_line"),
            ]
        );
        let ok = TargetsInput {
            lines: "渝H·12345\n渝h 6789a".into(),
            ..i
        };
        assert_eq!(
            ok.validate(CampaignKind::Special).unwrap().targets,
            vec![
                NewTarget::Label("渝H12345".into()),
                NewTarget::Label("渝H6789A".into())
            ]
        );
    }

    #[test]
    fn five_batches_is_for_enterprises_and_only_it_has_a_treatment() {
        let e = TargetsInput {
            kind: "enterprise".into(),
            enterprise_ids: vec!["3".into(), "3".into(), "x".into()],
            treatment: "relocate".into(),
            ..Default::default()
        };
        assert_eq!(
            e.validate(CampaignKind::FiveBatches).unwrap_err().errors[0].field,
            "enterprise_ids.3"
        );
        let e = TargetsInput {
            enterprise_ids: vec!["3".into(), "3".into()],
            ..e
        };
        let d = e.validate(CampaignKind::FiveBatches).unwrap();
        assert_eq!(d.targets, vec![NewTarget::Enterprise(3)]);
        assert_eq!(d.treatment, Some(FringeTreatment::Relocate));
        assert_eq!(
            e.validate(CampaignKind::Special).unwrap_err().errors[0].code,
            "campaign.treatment_five_batches_only"
        );
        let sites = TargetsInput {
            kind: "construction_site".into(),
            lines: "安置房工地".into(),
            ..Default::default()
        };
        assert_eq!(
            sites
                .validate(CampaignKind::FiveBatches)
                .unwrap_err()
                .errors[0]
                .code,
            "campaign.five_batches_enterprises"
        );
        assert!(sites.validate(CampaignKind::ThreeYear).is_ok());
    }

    #[test]
    fn clearing_and_reopening_say_why() {
        let clear = TargetUpdate {
            status: "cleared".into(),
            ..Default::default()
        };
        assert_eq!(
            clear.validate(TargetStatus::Open).unwrap_err().errors[0].code,
            "campaign.note_required"
        );
        let reopen = TargetUpdate {
            status: "open".into(),
            ..Default::default()
        };
        assert!(reopen.validate(TargetStatus::Cleared).is_err());
        assert!(reopen.validate(TargetStatus::InProgress).is_ok());
        let cleared = TargetUpdate {
            status: "cleared".into(),
            note: "已报废注销".into(),
            ..Default::default()
        };
        assert_eq!(
            cleared.validate(TargetStatus::Open).unwrap().status,
            TargetStatus::Cleared
        );
    }

    #[test]
    fn the_count_runs_to_zero_by_the_deadline() {
        let p = progress(40, 30, d("2026-12-31"), d("2026-12-01"));
        assert_eq!(
            (p.remaining, p.pct, p.overdue, p.days_left),
            (10, 75, false, 30)
        );
        assert!(progress(40, 30, d("2026-12-31"), d("2027-01-01")).overdue);
        assert!(!progress(40, 40, d("2026-12-31"), d("2027-01-01")).overdue);
        assert_eq!(progress(0, 0, d("2026-12-31"), d("2026-12-01")).pct, 0);
    }
}
