//! Training and the office's capacity: training records with each trainee's standing for the
//! year, the emergency office's staff with their training and the qualified share, the
//! standardisation self-assessment, and outreach activities with their counts.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{Datelike, NaiveDate, Utc};
use safegrid_domain::access::{EnterpriseFacts, Principal};
use safegrid_domain::hazard::parse_date;
use safegrid_domain::target::{Measure, Metric, Milli, Status, status};
use safegrid_domain::training::{
    Aspect, AssessmentInput, OutreachInput, OutreachKind, Record, StaffInput, Standing,
    TrainingCategory, TrainingInput, TrainingKind, enterprise_standing, in_post,
    qualified_share_goal, retraining_days, staff_standing,
};
use safegrid_domain::{Invalid, local_time};
use safegrid_store::training::{self as store, AspectRow, OutreachRow, StaffRow, TrainingRow};
use safegrid_store::{enterprises, people, regions};
use serde::Serialize;
use std::collections::BTreeMap;

/// A trainee of an enterprise with their standing for the year.
#[derive(Debug, Clone, Serialize)]
pub struct TraineeStanding {
    pub trainee: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub category: String,
    pub high_risk: bool,
    pub standing: Standing,
    /// Hours of passed training in the year.
    pub hours: String,
}

/// An officer with their standing for the year.
#[derive(Debug, Clone, Serialize)]
pub struct OfficerStanding {
    pub staff: StaffRow,
    pub in_post: bool,
    pub standing: Standing,
    pub retraining_days: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrainingBoard {
    pub year: i32,
    pub records: Vec<TrainingRow>,
    pub trainees: Vec<TraineeStanding>,
    /// Trainees who must be trained, and those compliant.
    pub required: usize,
    pub compliant: usize,
    pub officers: Vec<OfficerStanding>,
    /// Officers in post, and those qualified by degree or experience.
    pub staff_in_post: i64,
    pub staff_qualified: i64,
    /// The share task 7 asks for this year, in percent.
    pub share_goal: i64,
    pub share_met: bool,
}

/// The office's self-assessment of a year, one line per aspect in order.
#[derive(Debug, Clone, Serialize)]
pub struct Standardisation {
    pub region_id: i64,
    pub year: i32,
    pub lines: Vec<(String, Option<AspectRow>)>,
    pub met: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutreachBoard {
    pub year: i32,
    pub rows: Vec<OutreachRow>,
    /// (kind, activities, participants) in [`OutreachKind::ALL`] order.
    pub counts: Vec<(String, i64, i64)>,
    /// Activities of the five of 五进.
    pub five_into: i64,
}

fn record(r: &TrainingRow) -> Option<Record> {
    Some(Record {
        kind: TrainingKind::parse(&r.kind)?,
        starts_on: parse_date(&r.starts_on)?,
        ends_on: parse_date(&r.ends_on)?,
        minutes: r.minutes,
        passed: r.passed,
    })
}

/// The last day a year's figures look at: its end, or today for the year under way.
pub(crate) fn year_end(year: i32, today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(today)
        .min(today.max(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today)))
}

/// Each enterprise trainee's standing for `year`, from every training of theirs up to its end.
pub(crate) fn trainee_standings(records: &[TrainingRow], year: i32) -> Vec<TraineeStanding> {
    let mut by: BTreeMap<(i64, String, String), Vec<&TrainingRow>> = BTreeMap::new();
    for r in records {
        if let Some(e) = r.enterprise_id {
            by.entry((e, r.trainee.clone(), r.category.clone()))
                .or_default()
                .push(r);
        }
    }
    by.into_iter()
        .filter_map(|((enterprise_id, trainee, category), rs)| {
            let cat = TrainingCategory::parse(&category)?;
            let high_risk = rs[0].high_risk.unwrap_or(false);
            let recs: Vec<Record> = rs.iter().filter_map(|r| record(r)).collect();
            let minutes: i64 = recs
                .iter()
                .filter(|r| r.passed && r.starts_on.year() == year)
                .map(|r| r.minutes)
                .sum();
            Some(TraineeStanding {
                trainee,
                enterprise_id,
                enterprise_name: rs[0].enterprise_name.clone().unwrap_or_default(),
                category,
                high_risk,
                standing: enterprise_standing(cat, high_risk, year, &recs),
                hours: format!("{:.1}", minutes as f64 / 60.0),
            })
        })
        .collect()
}

/// Trainees who must be trained, and those compliant.
pub(crate) fn compliance(trainees: &[TraineeStanding]) -> (usize, usize) {
    (
        trainees
            .iter()
            .filter(|t| t.standing != Standing::NotRequired)
            .count(),
        trainees
            .iter()
            .filter(|t| t.standing == Standing::Compliant)
            .count(),
    )
}

/// Each officer's standing and whether in post at the year's end.
fn officer_standings(
    staff: Vec<StaffRow>,
    records: &[TrainingRow],
    year: i32,
    on: NaiveDate,
) -> Vec<OfficerStanding> {
    let mut out = Vec::new();
    for s in staff {
        let recs: Vec<Record> = records
            .iter()
            .filter(|r| r.person_id == Some(s.person_id) && r.category == "emergency_staff")
            .filter_map(record)
            .collect();
        let joined = parse_date(&s.joined_on).unwrap_or(on);
        let left = s.left_on.as_deref().and_then(parse_date);
        out.push(OfficerStanding {
            standing: staff_standing(year, &recs),
            in_post: in_post(joined, left, on),
            retraining_days: retraining_days(year, &recs),
            staff: s,
        });
    }
    out
}

impl Service {
    /// Records a training. Its place is its enterprise's, or the region given.
    pub async fn record_training(
        &self,
        who: &Principal,
        input: &TrainingInput,
    ) -> Result<TrainingRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let (region_id, path, facts) = match d.enterprise_id {
            Some(id) => {
                let e = enterprises::get(&mut tx, id)
                    .await?
                    .filter(|e| {
                        who.can_read_enterprise(EnterpriseFacts {
                            id: Some(e.id),
                            region_path: &e.region_path,
                            industry_code: &e.industry_code,
                        })
                    })
                    .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
                (
                    e.region_id,
                    e.region_path.clone(),
                    Some((e.id, e.industry_code.clone())),
                )
            }
            None => {
                let rid = match (d.region_id, d.person_id) {
                    (Some(r), _) => r,
                    (None, Some(p)) => {
                        people::get(&mut tx, p)
                            .await?
                            .ok_or_else(|| Invalid::one("person_id", "not_a_reference"))?
                            .region_id
                    }
                    (None, None) => return Err(Invalid::one("region_id", "required").into()),
                };
                let r = crate::registry::visible_region(&mut tx, who, "region_id", rid).await?;
                (r.id, r.path, None)
            }
        };
        if let Some(p) = d.person_id {
            people::get(&mut tx, p)
                .await?
                .filter(|x| who.can_read_region(&x.region_path))
                .ok_or_else(|| Invalid::one("person_id", "not_a_reference"))?;
        }
        let facts = facts.as_ref().map(|(id, code)| EnterpriseFacts {
            id: Some(*id),
            region_path: &path,
            industry_code: code,
        });
        ensure(who.can_record_training(&path, facts))?;
        let id = store::insert_training(&mut tx, &d, region_id, &path, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "training",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        tx.commit().await?;
        store::training(&self.store, id)
            .await?
            .ok_or(Error::NotFound)
    }

    /// The year's training inside the caller's region (an enterprise: its own): the records,
    /// each enterprise trainee's standing, the officers' standings and the qualified share.
    pub async fn training_board(&self, who: &Principal, year: i32) -> Result<TrainingBoard> {
        let enterprise_only = who
            .enterprise_id
            .filter(|_| who.role == safegrid_domain::access::Role::Enterprise);
        ensure(enterprise_only.is_some() || who.can_read_targets(&who.region_path))?;
        let today = local_time::day_of(Utc::now());
        let end = year_end(year, today);
        let until = format!("{year}-12-31");
        let all =
            store::trainings_within(&self.store, &who.region_path, &until, enterprise_only).await?;
        let trainees = trainee_standings(&all, year);
        let (required, compliant) = compliance(&trainees);
        // The share is counted as the targets count it, of the officers in post at the end.
        let (officers, staff) = if enterprise_only.is_some() {
            (Vec::new(), safegrid_store::targets::Tally::default())
        } else {
            let staff = store::staff_within(&self.store, &who.region_path).await?;
            (
                officer_standings(staff, &all, year, end),
                safegrid_store::targets::staff(&self.store, &who.region_path, &end.to_string())
                    .await?,
            )
        };
        let share_goal = qualified_share_goal(year);
        let share = Measure::Ratio {
            num: staff.hit,
            den: staff.n,
        };
        let records = all
            .into_iter()
            .filter(|r| r.starts_on.starts_with(&year.to_string()))
            .collect();
        Ok(TrainingBoard {
            year,
            records,
            trainees,
            required,
            compliant,
            officers,
            share_met: status(
                Metric::StaffQualifiedShare,
                share,
                Milli(share_goal * 1000),
                Milli(0),
            ) == Status::Green,
            staff_in_post: staff.n,
            staff_qualified: staff.hit,
            share_goal,
        })
    }

    /// Adds or changes an officer of the emergency office.
    pub async fn put_staff(&self, who: &Principal, input: &StaffInput) -> Result<()> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let p = people::get(&mut tx, d.person_id)
            .await?
            .filter(|x| who.can_read_region(&x.region_path))
            .ok_or_else(|| Invalid::one("person_id", "not_a_reference"))?;
        ensure(who.can_manage_structure(&p.region_path))?;
        store::put_staff(&mut tx, &d, &p.region_path).await?;
        audit::record(
            &mut tx,
            who,
            "put",
            "emergency_staff",
            d.person_id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the self-assessment of a year on the eight aspects, all at once.
    pub async fn put_standardisation(
        &self,
        who: &Principal,
        input: &AssessmentInput,
    ) -> Result<Standardisation> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let r = crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_manage_structure(&r.path))?;
        store::put_assessment(&mut tx, &d, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "assess",
            "standardisation",
            d.region_id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        tx.commit().await?;
        self.standardisation(who, d.region_id, d.year).await
    }

    pub async fn standardisation(
        &self,
        who: &Principal,
        region_id: i64,
        year: i32,
    ) -> Result<Standardisation> {
        let r = regions::get(&self.store, region_id)
            .await?
            .filter(|r| who.can_read_targets(&r.path))
            .ok_or(Error::NotFound)?;
        let rows: Vec<AspectRow> = store::assessments_within(&self.store, &r.path, year)
            .await?
            .into_iter()
            .filter(|a| a.region_id == region_id)
            .collect();
        let lines: Vec<(String, Option<AspectRow>)> = Aspect::ALL
            .iter()
            .map(|a| {
                (
                    a.as_str().to_string(),
                    rows.iter().find(|x| x.aspect == a.as_str()).cloned(),
                )
            })
            .collect();
        Ok(Standardisation {
            region_id,
            year,
            met: lines
                .iter()
                .filter(|(_, r)| r.as_ref().is_some_and(|r| r.rating == "met"))
                .count(),
            lines,
        })
    }

    pub async fn record_outreach(
        &self,
        who: &Principal,
        input: &OutreachInput,
    ) -> Result<OutreachRow> {
        let d = input.validate(local_time::day_of(Utc::now()))?;
        let mut tx = self.store.begin().await?;
        let r = crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_record_outreach(&r.path))?;
        let id = store::insert_outreach(&mut tx, &d, &r.path, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "outreach",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        tx.commit().await?;
        let from = format!("{}-01-01", d.held_on.year());
        store::outreach_within(&self.store, &r.path, &from, &d.held_on.to_string())
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .ok_or(Error::NotFound)
    }

    /// The year's outreach inside the caller's region, with counts by kind.
    pub async fn outreach(&self, who: &Principal, year: i32) -> Result<OutreachBoard> {
        ensure(who.can_read_targets(&who.region_path))?;
        let rows = store::outreach_within(
            &self.store,
            &who.region_path,
            &format!("{year}-01-01"),
            &format!("{year}-12-31"),
        )
        .await?;
        let counts: Vec<(String, i64, i64)> = OutreachKind::ALL
            .iter()
            .map(|k| {
                let of = rows.iter().filter(|r| r.kind == k.as_str());
                (
                    k.as_str().to_string(),
                    of.clone().count() as i64,
                    of.map(|r| r.participants).sum(),
                )
            })
            .collect();
        let five_into = OutreachKind::ALL
            .iter()
            .zip(&counts)
            .filter(|(k, _)| k.is_five_into())
            .map(|(_, c)| c.1)
            .sum();
        Ok(OutreachBoard {
            year,
            rows,
            counts,
            five_into,
        })
    }

    /// The office staff the caller may keep (people of the office's roles inside its region).
    pub async fn staff_choices(&self, who: &Principal) -> Result<Vec<(i64, String)>> {
        ensure(who.can_manage_structure(&who.region_path))?;
        Ok(people::all_within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .filter(|p| p.roles.split(',').any(|r| r == "office_staff"))
            .map(|p| (p.id, p.name))
            .collect())
    }
}
