//! The demo town's aftermath: Shiba's landslide, with its on-site commander, counted by the statistics system with its ledger
//! of damaged houses and its relocated households all assured the 五有 (one house already being
//! repaired), and an accident at Baozi's timber works two months ago, reported in time, ended,
//! with its dual investigation reported and the accountability still to decide.

use crate::{Result, Service, system};
use chrono::{Duration, Utc};
use safegrid_domain::disaster::{HouseInput, ReliefInput, StatsInput};
use safegrid_domain::incident::{FiguresInput, IncidentInput, ReportInput};
use safegrid_domain::investigation::StepInput;
use safegrid_domain::local_time::form_value;

impl Service {
    pub(crate) async fn demo_aftermath(
        &self,
        town_id: i64,
        shiba_id: i64,
        baozi_id: i64,
    ) -> Result<()> {
        let sys = system();
        let now = Utc::now();
        let landslide = safegrid_store::incidents::list(&self.store, "", 50)
            .await?
            .into_iter()
            .find(|i| i.title.contains("3号滑坡"));
        if let Some(l) = landslide {
            // The town's first staff member commands on site.
            if let Some(town) = safegrid_store::regions::get(&self.store, town_id).await?
                && let Some(p) = safegrid_store::people::all_within(&self.store, &town.path)
                    .await?
                    .into_iter()
                    .find(|p| p.region_path == town.path)
            {
                self.set_incident_commander(&sys, l.id, &p.id.to_string())
                    .await?;
            }
            self.set_disaster_stats(
                &sys,
                l.id,
                &StatsInput {
                    region_id: shiba_id.to_string(),
                    affected: "41".into(),
                    relocated: "41".into(),
                    urgent_aid: "9".into(),
                    crop_affected_hectares: "2.4".into(),
                    crop_damaged_hectares: "1.1".into(),
                    general_households: "2".into(),
                    general_rooms: "3".into(),
                    direct_loss_yuan: "186000".into(),
                    ..StatsInput::default()
                },
            )
            .await?;
            let mut first_house = None;
            for (head, rooms) in [("张永富", "2"), ("刘德才", "1")] {
                let v = self
                    .add_damaged_house(
                        &sys,
                        l.id,
                        &HouseInput {
                            region_id: shiba_id.to_string(),
                            head_name: head.into(),
                            address: "石坝村3组".into(),
                            damage: "general".into(),
                            rooms: rooms.into(),
                        },
                    )
                    .await?;
                first_house = first_house.or(v.houses.first().map(|h| h.id));
            }
            if let Some(h) = first_house {
                self.advance_rebuild(&sys, h, "underway", "").await?;
            }
            for (head, members) in [("张永富", "4"), ("刘德才", "3"), ("王桂兰", "2")] {
                let yes = "true".to_string();
                self.set_relief_household(
                    &sys,
                    l.id,
                    &ReliefInput {
                        region_id: shiba_id.to_string(),
                        head_name: head.into(),
                        address: "石坝村3组".into(),
                        members: members.into(),
                        food: yes.clone(),
                        clothing: yes.clone(),
                        water: yes.clone(),
                        safe_shelter: yes.clone(),
                        medical: yes,
                        note: "安置于村委会避灾点".into(),
                    },
                )
                .await?;
            }
        }

        let at = now - Duration::days(58);
        // The sawmill: an enterprise of the village, the wood-working one when there is one.
        let in_baozi: Vec<_> = self
            .all_enterprises(&sys)
            .await?
            .into_iter()
            .filter(|e| e.region_id == baozi_id)
            .collect();
        let sawmill = in_baozi
            .iter()
            .find(|e| e.industry_code.starts_with("C20"))
            .or(in_baozi.first())
            .map(|e| e.id.to_string())
            .unwrap_or_default();
        let accident = self
            .create_incident(
                &sys,
                &IncidentInput {
                    kind: "production_accident".into(),
                    name: "堡子村木材加工厂机械伤害事故".into(),
                    occurred_at: form_value(at),
                    known_at: form_value(at + Duration::minutes(15)),
                    region_id: baozi_id.to_string(),
                    place: "堡子村2组木材加工厂".into(),
                    course: "工人清理带锯机木屑时未停机，左手被卷入。".into(),
                    enterprise_id: sawmill,
                    object_id: String::new(),
                },
            )
            .await?;
        let id = accident.incident.id;
        self.report_incident(
            &sys,
            id,
            &ReportInput {
                stage: "accident".into(),
                reported_at: form_value(at + Duration::minutes(50)),
                summary: "堡子村木材加工厂1名工人左手被带锯机卷入致重伤，已送区人民医院。".into(),
            },
        )
        .await?;
        self.set_incident_figures(
            &sys,
            id,
            &FiguresInput {
                serious_injuries: "1".into(),
                direct_loss_yuan: "320000".into(),
                ..FiguresInput::default()
            },
        )
        .await?;
        self.end_incident(&sys, id).await?;
        self.report_incident(
            &sys,
            id,
            &ReportInput {
                stage: "final".into(),
                reported_at: String::new(),
                summary: "核报：重伤1人，直接经济损失32万元，企业已停产整改。".into(),
            },
        )
        .await?;
        self.investigation_step(
            &sys,
            id,
            &StepInput {
                action: "report".into(),
                findings: "作业人员未停机清理，企业未落实设备检修挂牌上锁制度，安全培训不到位。"
                    .into(),
                regulator_findings: "镇安全生产检查未将该厂列入年度检查计划，监管存在盲区。".into(),
                ..StepInput::default()
            },
        )
        .await?;
        Ok(())
    }
}
