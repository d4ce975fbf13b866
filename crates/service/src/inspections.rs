//! Inspections (隐患排查): plans with their cadence, recording an inspection against a checklist,
//! a failed item becoming a hazard in the same step, and the scheduled inspections that were missed.

use crate::hazards::{insert_hazard, today};
use crate::{Error, Result, Service, audit, ensure};
use chrono::NaiveDate;
use safegrid_domain::Invalid;
use safegrid_domain::access::{EnterpriseFacts, Principal, Role};
use safegrid_domain::evidence::{check, clean_name};
use safegrid_domain::hazard::{HazardSource, parse_date};
use safegrid_domain::inspection::{self, Cadence, InspectionKind, ItemResult, Outcome};
use safegrid_store::Page;
use safegrid_store::enterprises::{self, EnterpriseRow};
use safegrid_store::files::{self, AttachmentRow};
use safegrid_store::hazards::NewHazard;
use safegrid_store::inspections::{
    self, InspectionRow, NewInspection, NewPlan, PlanRow, ResultRow,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanInput {
    pub enterprise_id: String,
    pub template: String,
    pub kind: String,
    pub cadence: String,
    pub starts_on: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ItemInput {
    pub item: String,
    /// `pass`, `fail` or `na`.
    pub outcome: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InspectionInput {
    pub enterprise_id: String,
    pub plan_id: String,
    pub template: String,
    pub kind: String,
    /// `YYYY-MM-DD`; today when empty.
    pub done_on: String,
    pub results: Vec<ItemInput>,
}

/// An inspection with its results.
#[derive(Debug, Clone, Serialize)]
pub struct InspectionView {
    pub inspection: InspectionRow,
    pub results: Vec<ResultRow>,
    /// The photos taken at the items, each with its item as `part`.
    pub photos: Vec<AttachmentRow>,
}

/// A photo taken at one checklist item: the item's code, the file's name and its bytes.
pub struct ItemPhoto {
    pub item: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The most photos one item may carry.
const MAX_ITEM_PHOTOS: usize = 5;

/// A scheduled inspection that was not done.
#[derive(Debug, Clone, Serialize)]
pub struct Missed {
    pub plan_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub cadence: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

/// Government inspections by those who supervise the enterprise; self-checks by the enterprise
/// itself (or the office on its behalf, when entering a paper record).
fn may_inspect(who: &Principal, e: &EnterpriseRow, kind: InspectionKind) -> bool {
    let facts = EnterpriseFacts {
        id: Some(e.id),
        region_path: &e.region_path,
        industry_code: &e.industry_code,
    };
    match kind {
        InspectionKind::SelfCheck => who.can_write_enterprise(facts) && who.role != Role::Village,
        InspectionKind::Government | InspectionKind::Covert => {
            who.role != Role::Enterprise
                && who.role != Role::Village
                && who.can_write_enterprise(facts)
        }
    }
}

impl Service {
    pub async fn create_inspection_plan(
        &self,
        who: &Principal,
        input: &PlanInput,
    ) -> Result<PlanRow> {
        let mut errs = Invalid::default();
        let enterprise_id = crate::registry::parse_opt_id(Some(&input.enterprise_id));
        if enterprise_id.is_none() {
            errs.push("enterprise_id", "required");
        }
        if inspection::template(input.template.trim()).is_none() {
            errs.push("template", "choice");
        }
        let kind = InspectionKind::parse(input.kind.trim()).unwrap_or_else(|| {
            errs.push("kind", "choice");
            InspectionKind::SelfCheck
        });
        let cadence = Cadence::parse(input.cadence.trim()).unwrap_or_else(|| {
            errs.push("cadence", "choice");
            Cadence::Daily
        });
        let starts_on = parse_date(&input.starts_on).unwrap_or_else(|| {
            if input.starts_on.trim().is_empty() {
                today()
            } else {
                errs.push("starts_on", "date.form");
                today()
            }
        });
        errs.into_result()?;
        let mut tx = self.store.begin().await?;
        let e = enterprises::get(&mut tx, enterprise_id.unwrap_or_default())
            .await?
            .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
        ensure(may_inspect(who, &e, kind))?;
        let id = inspections::insert_plan(
            &mut tx,
            &NewPlan {
                enterprise_id: e.id,
                template: input.template.trim(),
                kind: kind.as_str(),
                cadence: cadence.as_str(),
                starts_on,
            },
        )
        .await?;
        let row = inspections::plan(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "inspection_plan",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn inspection_plans(&self, who: &Principal) -> Result<Vec<PlanRow>> {
        Ok(inspections::plans(&self.store, &who.scope()).await?)
    }

    /// Records an inspection; each failed item becomes a hazard in the same transaction, with the
    /// item as its major-hazard criterion when the standard says so.
    pub async fn record_inspection(
        &self,
        who: &Principal,
        input: &InspectionInput,
    ) -> Result<InspectionView> {
        self.record_inspection_with_photos(who, input, &[]).await
    }

    /// Records an inspection with the photos taken at its items, all in one transaction. A
    /// failed item's photos are also the evidence of the hazard it becomes.
    pub async fn record_inspection_with_photos(
        &self,
        who: &Principal,
        input: &InspectionInput,
        photos: &[ItemPhoto],
    ) -> Result<InspectionView> {
        let mut errs = Invalid::default();
        let enterprise_id = crate::registry::parse_opt_id(Some(&input.enterprise_id));
        if enterprise_id.is_none() {
            errs.push("enterprise_id", "required");
        }
        let template = inspection::template(input.template.trim());
        if template.is_none() {
            errs.push("template", "choice");
        }
        let kind = InspectionKind::parse(input.kind.trim()).unwrap_or_else(|| {
            errs.push("kind", "choice");
            InspectionKind::Government
        });
        let done_on = match input.done_on.trim() {
            "" => today(),
            s => match parse_date(s) {
                Some(d) if d > today() => {
                    errs.push("done_on", "date.future");
                    today()
                }
                Some(d) => d,
                None => {
                    errs.push("done_on", "date.form");
                    today()
                }
            },
        };
        // Items left unanswered in a form are not part of the inspection.
        let mut results = Vec::new();
        for r in input
            .results
            .iter()
            .filter(|r| !r.outcome.trim().is_empty())
        {
            match Outcome::parse(r.outcome.trim()) {
                Some(outcome) => results.push(ItemResult {
                    item: r.item.trim().to_string(),
                    outcome,
                    note: Some(r.note.trim().to_string()).filter(|n| !n.is_empty()),
                }),
                None => errs.push(format!("results.{}", r.item), "choice"),
            }
        }
        if let Some(t) = template
            && let Err(e) = inspection::check_results(t, &results)
        {
            errs.errors.extend(e.errors);
        }
        // Photos belong to items of the checklist that were answered, are pictures or PDFs by
        // their content, and are few.
        let mut checked = Vec::new();
        for ph in photos {
            let field = format!("photo.{}", ph.item);
            if !results.iter().any(|r| r.item == ph.item) {
                errs.push(field, "inspection.unknown_item");
                continue;
            }
            if photos.iter().filter(|x| x.item == ph.item).count() > MAX_ITEM_PHOTOS {
                if !errs.errors.iter().any(|e| e.field == field) {
                    errs.push(field, "too_many");
                }
                continue;
            }
            match check(&ph.bytes, self.settings.upload_max_bytes) {
                Ok(kind) => checked.push((ph, kind.mime(), clean_name(&ph.name))),
                Err(e) => errs.errors.extend(e.errors.into_iter().map(|mut f| {
                    f.field = field.clone();
                    f
                })),
            }
        }
        errs.into_result()?;
        let template = template.ok_or_else(|| Invalid::one("template", "choice"))?;
        let mut tx = self.store.begin().await?;
        let e = enterprises::get(&mut tx, enterprise_id.unwrap_or_default())
            .await?
            .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
        ensure(may_inspect(who, &e, kind))?;
        let plan_id = crate::registry::parse_opt_id(Some(&input.plan_id));
        if let Some(pid) = plan_id {
            let plan = inspections::plan(&mut tx, pid)
                .await?
                .ok_or_else(|| Invalid::one("plan_id", "not_a_reference"))?;
            if plan.enterprise_id != e.id {
                return Err(Invalid::one("plan_id", "not_a_reference").into());
            }
        }
        let failed = results
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .count() as i64;
        let id = inspections::insert(
            &mut tx,
            &NewInspection {
                plan_id,
                enterprise_id: e.id,
                template: template.code,
                kind: kind.as_str(),
                done_on,
                inspector_id: who.user_id,
                inspector_name: &who.username,
                failed,
            },
        )
        .await?;
        let mut stored_photos = Vec::new();
        let source = if kind == InspectionKind::SelfCheck {
            HazardSource::SelfCheck
        } else {
            HazardSource::Inspection
        };
        for r in &results {
            let mut hazard_id = None;
            if r.outcome == Outcome::Fail {
                let item = template
                    .item(&r.item)
                    .ok_or_else(|| Invalid::one("results", "inspection.unknown_item"))?;
                let title: String = item.text.chars().take(100).collect();
                let new = NewHazard {
                    enterprise_id: Some(e.id),
                    region_id: e.region_id,
                    title: &title,
                    description: r.note.as_deref(),
                    location: None,
                    source: source.as_str(),
                    found_on: done_on,
                    criterion: item.major.then_some(item.code),
                    reported_by: who.user_id,
                };
                hazard_id = Some(insert_hazard(&mut tx, who, &new).await?.id);
            }
            inspections::insert_result(
                &mut tx,
                id,
                &r.item,
                r.outcome.as_str(),
                r.note.as_deref(),
                hazard_id,
            )
            .await?;
            for (ph, mime, name) in checked.iter().filter(|c| c.0.item == r.item) {
                let sha256 = hex::encode(Sha256::digest(&ph.bytes));
                let mut targets = vec![("inspection", id, Some(r.item.as_str()))];
                if let Some(h) = hazard_id {
                    targets.push(("hazard", h, None));
                }
                for (entity_type, entity_id, part) in targets {
                    files::attach(
                        &mut tx,
                        &files::NewAttachment {
                            sha256: &sha256,
                            mime,
                            content: &ph.bytes,
                            entity_type,
                            entity_id,
                            part,
                            name,
                            by: who.user_id,
                        },
                    )
                    .await?;
                }
                stored_photos
                    .push(serde_json::json!({ "item": r.item, "name": name, "sha256": sha256 }));
            }
        }
        let row = inspections::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "inspection",
            id,
            None::<&()>,
            Some(&serde_json::json!({ "inspection": &row, "results": &results, "photos": stored_photos })),
        )
        .await?;
        tx.commit().await?;
        let results = inspections::results(&self.store, id).await?;
        Ok(InspectionView {
            photos: files::of(&self.store, "inspection", id).await?,
            inspection: row,
            results,
        })
    }

    pub async fn inspection(&self, who: &Principal, id: i64) -> Result<InspectionView> {
        let i = inspections::get(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        let visible = match who.role {
            Role::Enterprise => who.enterprise_id == Some(i.enterprise_id),
            _ => who.can_read_region(&i.region_path),
        };
        if !visible {
            return Err(Error::NotFound);
        }
        let results = inspections::results(&self.store, id).await?;
        Ok(InspectionView {
            photos: files::of(&self.store, "inspection", id).await?,
            inspection: i,
            results,
        })
    }

    pub async fn inspections(
        &self,
        who: &Principal,
        enterprise_id: Option<i64>,
        page: i64,
    ) -> Result<Page<InspectionRow>> {
        Ok(inspections::list(&self.store, &who.scope(), enterprise_id, page, 20).await?)
    }

    /// Scheduled inspections not done, over the last `days` days up to yesterday.
    pub async fn missed_inspections(&self, who: &Principal, days: i64) -> Result<Vec<Missed>> {
        let until = today() - chrono::Duration::days(1);
        let from = until - chrono::Duration::days(days - 1);
        let plans = self.inspection_plans(who).await?;
        let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
        let done =
            inspections::done_days(&self.store, &ids, from - chrono::Duration::days(31)).await?;
        let mut out = Vec::new();
        for p in &plans {
            let Some(cadence) = Cadence::parse(&p.cadence) else {
                continue;
            };
            let days_done: Vec<NaiveDate> = done
                .iter()
                .filter(|(id, _)| *id == p.id)
                .map(|(_, d)| *d)
                .collect();
            for (start, end) in
                inspection::missed(cadence, from.max(p.starts_on), until, &days_done)
            {
                out.push(Missed {
                    plan_id: p.id,
                    enterprise_id: p.enterprise_id,
                    enterprise_name: p.enterprise_name.clone(),
                    cadence: p.cadence.clone(),
                    period_start: start,
                    period_end: end,
                });
            }
        }
        Ok(out)
    }
}
