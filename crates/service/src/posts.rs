//! Posts and their 两单两卡: the risk list drawn from the post's risk points, and the three
//! written cards.

use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::{EnterpriseFacts, Principal};
use safegrid_domain::cards::{PostCards, PostInput};
use safegrid_store::posts::{self, PostRow};
use safegrid_store::risks::RiskPointRow;
use serde::Serialize;

/// A post with its cards and its risk list.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub post: PostRow,
    pub cards: PostCards,
    pub risks: Vec<RiskPointRow>,
}

impl Service {
    /// Creates a post or replaces its cards.
    pub async fn put_post(&self, who: &Principal, input: &PostInput) -> Result<PostRow> {
        let (name, cards) = input.validate()?;
        let eid = crate::registry::parse_opt_id(Some(&input.enterprise_id))
            .ok_or_else(|| Invalid::one("enterprise_id", "required"))?;
        let mut tx = self.store.begin().await?;
        let e = safegrid_store::enterprises::get(&mut tx, eid)
            .await?
            .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
        ensure(who.can_write_enterprise(EnterpriseFacts {
            id: Some(e.id),
            region_path: &e.region_path,
            industry_code: &e.industry_code,
        }))?;
        let json = serde_json::to_string(&cards).map_err(|err| Error::Internal(err.to_string()))?;
        let id = posts::put(&mut tx, e.id, &name, &json, cards.complete()).await?;
        let row = posts::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(&mut tx, who, "put", "post", id, None::<&()>, Some(&row)).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn posts(&self, who: &Principal, enterprise_id: i64) -> Result<Vec<PostRow>> {
        self.enterprise(who, enterprise_id).await?;
        Ok(posts::of_enterprise(&self.store, enterprise_id).await?)
    }

    pub async fn post(&self, who: &Principal, id: i64) -> Result<PostView> {
        let post = posts::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_enterprise(EnterpriseFacts {
            id: Some(post.enterprise_id),
            region_path: &post.region_path,
            industry_code: &post.industry_code,
        }) {
            return Err(Error::NotFound);
        }
        let cards: PostCards =
            serde_json::from_str(&post.cards).map_err(|e| Error::Internal(e.to_string()))?;
        let risks = self
            .risk_points(who, Some(post.enterprise_id), None)
            .await?
            .into_iter()
            .filter(|r| r.post.as_deref() == Some(post.name.as_str()))
            .collect();
        Ok(PostView { post, cards, risks })
    }
}
