//! The demo town's risk identification lists: the winter-spring forest fire season now on, with
//! the town's most severe risk points on it, and the plum festival next month with its own risk
//! points (the crowd, the temporary power).

use crate::{Result, Service, system};
use chrono::{Duration, Utc};
use safegrid_domain::risk::RiskPointInput;
use safegrid_domain::risk_list::RiskListInput;

impl Service {
    pub(crate) async fn demo_risk_lists(&self, town_id: i64) -> Result<()> {
        let sys = system();
        let today = safegrid_domain::local_time::day_of(Utc::now());
        let season = self
            .create_risk_list(
                &sys,
                &RiskListInput {
                    kind: "key_period".into(),
                    name: "冬春森林防火和春节期间重点时段".into(),
                    region_id: town_id.to_string(),
                    starts_on: (today - Duration::days(14)).to_string(),
                    ends_on: (today + Duration::days(100)).to_string(),
                    description: "野外用火、烟花爆竹、人员密集场所和燃气使用".into(),
                },
            )
            .await?;
        for p in self
            .risk_points(&sys, None, None)
            .await?
            .into_iter()
            .take(4)
        {
            self.add_to_risk_list(&sys, season.id, &p.id.to_string())
                .await?;
        }
        let festival = self
            .create_risk_list(
                &sys,
                &RiskListInput {
                    kind: "major_event".into(),
                    name: "马武镇第三届李子节".into(),
                    region_id: town_id.to_string(),
                    starts_on: (today + Duration::days(30)).to_string(),
                    ends_on: (today + Duration::days(31)).to_string(),
                    description: "场镇主街，预计游客8000人次，镇文化服务中心承办".into(),
                },
            )
            .await?;
        for (name, factor, kind, controls, l, s) in [
            (
                "主街人员聚集",
                "人流高峰时段拥挤踩踏",
                "其他伤害",
                "分时段限流、设置单向通道、安排安保和医疗点",
                "3",
                "4",
            ),
            (
                "舞台及摊位临时用电",
                "临时线路私拉乱接漏电",
                "触电",
                "专业电工布线、安装漏电保护器、每日巡查",
                "2",
                "4",
            ),
        ] {
            self.create_list_risk_point(
                &sys,
                festival.id,
                &RiskPointInput {
                    name: name.into(),
                    hazard_factor: factor.into(),
                    accident_type: kind.into(),
                    controls: controls.into(),
                    method: "ls".into(),
                    l: l.into(),
                    s: s.into(),
                    ..RiskPointInput::default()
                },
            )
            .await?;
        }
        Ok(())
    }
}
