use super::referenced_region;
use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::region::{ParentFacts, RegionDraft, RegionLevel, check_move};
use safegrid_store::regions::{self, RegionRow};
use serde::Deserialize;

/// One line of the region tree page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegionOverview {
    pub id: i64,
    pub name: String,
    pub level: String,
    pub kind: Option<String>,
    pub code: Option<String>,
    /// Levels below the caller's root, for indentation.
    pub depth: f64,
    pub enterprises: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegionInput {
    pub name: String,
    pub level: String,
    pub kind: String,
    pub code: String,
    pub parent_id: Option<i64>,
}

fn facts(r: &RegionRow) -> ParentFacts<'_> {
    ParentFacts {
        level: RegionLevel::parse(&r.level).unwrap_or(RegionLevel::Group),
        path: &r.path,
    }
}

impl Service {
    pub async fn create_region(&self, who: &Principal, input: &RegionInput) -> Result<RegionRow> {
        let mut tx = self.store.begin().await?;
        let parent = match input.parent_id {
            Some(id) => Some(referenced_region(&mut tx, "parent_id", id).await?),
            None => None,
        };
        ensure(who.can_manage_structure(parent.as_ref().map_or("/", |p| p.path.as_str())))?;
        let draft = RegionDraft::validate(
            &input.name,
            &input.level,
            Some(&input.kind),
            Some(&input.code),
            parent.as_ref().map(facts),
        )?;
        let row = regions::insert(&mut tx, &draft, parent.as_ref()).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "region",
            row.id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn rename_region(
        &self,
        who: &Principal,
        id: i64,
        name: &str,
        code: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let before = regions::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        ensure(who.can_manage_structure(&before.path))?;
        let parent = match before.parent_id {
            Some(p) => regions::get(&mut tx, p).await?,
            None => None,
        };
        let draft = RegionDraft::validate(
            name,
            &before.level,
            before.kind.as_deref(),
            Some(code),
            parent.as_ref().map(facts),
        )?;
        regions::update(&mut tx, id, &draft.name, draft.code.as_deref()).await?;
        let after = regions::get(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "update",
            "region",
            id,
            Some(&before),
            after.as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a region with everything in it under another parent.
    pub async fn move_region(&self, who: &Principal, id: i64, new_parent_id: i64) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let region = regions::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        let parent = referenced_region(&mut tx, "parent_id", new_parent_id).await?;
        ensure(who.can_manage_structure(&region.path) && who.can_manage_structure(&parent.path))?;
        let level = RegionLevel::parse(&region.level)
            .ok_or_else(|| Invalid::one("level", "region.level"))?;
        check_move(&region.path, level, facts(&parent))?;
        regions::move_under(&mut tx, &region, &parent).await?;
        let after = regions::get(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "move",
            "region",
            id,
            Some(&region),
            after.as_ref(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The caller's part of the region tree, in tree order.
    pub async fn region_tree(&self, who: &Principal) -> Result<Vec<RegionRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(regions::within(&self.store, &who.region_path).await?)
    }

    /// The caller's region tree with each region's depth below the caller's root and the number
    /// of enterprises inside it (its subtree included).
    pub async fn region_overview(&self, who: &Principal) -> Result<Vec<RegionOverview>> {
        let rows = self.region_tree(who).await?;
        let counts =
            safegrid_store::enterprises::count_by_region(&self.store, &who.region_path).await?;
        let root_depth = rows.first().map_or(0, |r| r.path.matches('/').count());
        // Add each region's own count to itself and every ancestor, read off its path.
        let path_of: std::collections::HashMap<i64, &str> =
            rows.iter().map(|r| (r.id, r.path.as_str())).collect();
        let mut inside: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        for (id, n) in &counts {
            for ancestor in path_of
                .get(id)
                .into_iter()
                .flat_map(|p| p.split('/'))
                .filter_map(|s| s.parse::<i64>().ok())
            {
                *inside.entry(ancestor).or_default() += n;
            }
        }
        Ok(rows
            .iter()
            .map(|r| RegionOverview {
                id: r.id,
                name: r.name.clone(),
                level: r.level.clone(),
                kind: r.kind.clone(),
                code: r.code.clone(),
                depth: (r.path.matches('/').count() - root_depth) as f64,
                enterprises: inside.get(&r.id).copied().unwrap_or(0),
            })
            .collect())
    }

    pub async fn region(&self, who: &Principal, id: i64) -> Result<RegionRow> {
        let r = regions::get(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_read_region(&r.path))?;
        Ok(r)
    }

    /// Villages and communities the caller can see; the choices of a region field.
    pub async fn villages(&self, who: &Principal) -> Result<Vec<RegionRow>> {
        if !who.can_read_region(&who.region_path) {
            return Ok(vec![]);
        }
        Ok(regions::at_level(&self.store, &who.region_path, "village").await?)
    }
}
