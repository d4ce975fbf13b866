//! The demo town's enforcement: a decided and published case against a person who burned off
//! stubble in the forest fire season, a case against an enterprise waiting on its notice, and the
//! National Day holidays in the working-day calendar; three tip-offs (one new, one being checked,
//! one found true that led to the stubble case, rewarded and paid); three campaigns: modified
//! tractors and 两客一危 vehicles to clear, the five batches of the fringe enterprises with the
//! treatments the registry holds, and the three-year action's sites.

use crate::{Result, Service, system};
use chrono::{Datelike, Utc};
use safegrid_domain::enforcement::{CaseInput, PenaltyInput, StepInput, WorkCalendar};

impl Service {
    pub(crate) async fn demo_enforcement(&self, town_id: i64, shiba_id: i64) -> Result<()> {
        let sys = system();
        let today = safegrid_domain::local_time::day_of(Utc::now());
        let year = today.year();
        let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(year, m, d);
        self.set_work_calendar(
            &sys,
            &WorkCalendar {
                holidays: (1..=7).filter_map(|d| day(10, d)).collect(),
                workdays: Vec::new(),
            },
        )
        .await?;
        let Some(town) = safegrid_store::regions::get(&self.store, town_id).await? else {
            return Ok(());
        };
        let staff: Vec<String> = safegrid_store::people::all_within(&self.store, &town.path)
            .await?
            .into_iter()
            .filter(|p| p.region_path == town.path)
            .take(2)
            .map(|p| p.id.to_string())
            .collect();
        let fire = self
            .file_case(
                &sys,
                &CaseInput {
                    party_kind: "person".into(),
                    party_name: "刘大明".into(),
                    party_id_number: "500232196805151234".into(),
                    region_id: shiba_id.to_string(),
                    cause: "森林防火期内在林区野外烧荒".into(),
                    basis: "《森林防火条例》第五十条".into(),
                    ..CaseInput::default()
                },
            )
            .await?;
        let fine = PenaltyInput {
            fine_yuan: "500".into(),
            ..PenaltyInput::default()
        };
        for step in [
            StepInput {
                action: "investigate".into(),
                officer_ids: staff.clone(),
                ..StepInput::default()
            },
            StepInput {
                action: "notify".into(),
                penalty: fine.clone(),
                ..StepInput::default()
            },
            StepInput {
                action: "decide".into(),
                penalty: fine,
                ..StepInput::default()
            },
            StepInput {
                action: "serve".into(),
                record: "直接送达，当事人签收".into(),
                ..StepInput::default()
            },
        ] {
            self.case_step(&sys, fire.case.id, &step).await?;
        }
        self.demo_tipoffs(shiba_id, fire.case.id).await?;
        self.demo_campaigns(town_id, shiba_id).await?;
        // An enterprise's case, investigated and waiting on its notice.
        if let Some(e) = self
            .all_enterprises(&sys)
            .await?
            .into_iter()
            .find(|e| e.industry_code.starts_with("C21"))
        {
            let case = self
                .file_case(
                    &sys,
                    &CaseInput {
                        party_kind: "organisation".into(),
                        party_name: e.name.clone(),
                        party_id_number: e.uscc.clone(),
                        enterprise_id: e.id.to_string(),
                        cause: "粉尘涉爆除尘系统未按规定设置泄爆装置".into(),
                        basis: "《安全生产法》第九十九条".into(),
                        ..CaseInput::default()
                    },
                )
                .await?;
            self.case_step(
                &sys,
                case.case.id,
                &StepInput {
                    action: "investigate".into(),
                    officer_ids: staff,
                    ..StepInput::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    async fn demo_tipoffs(&self, shiba_id: i64, case_id: i64) -> Result<()> {
        use safegrid_domain::tipoff::{HandleInput, PaymentInput, TipOffInput};
        let sys = system();
        let tip = |text: &str, place: &str, name: &str, phone: &str| TipOffInput {
            text: text.into(),
            place: place.into(),
            region_id: shiba_id.to_string(),
            reporter_name: name.into(),
            reporter_phone: phone.into(),
            ..TipOffInput::default()
        };
        let address = "demo";
        self.submit_tipoff(
            &tip(
                "河边有人夜间非法采砂，河堤已被挖空一段",
                "石坝村河湾处",
                "",
                "",
            ),
            &[],
            address,
        )
        .await?;
        let department = safegrid_store::organisations::departments_within(&self.store, "")
            .await?
            .into_iter()
            .next()
            .map(|d| d.id.to_string())
            .unwrap_or_default();
        let checking = self
            .submit_tipoff(
                &tip(
                    "小卖部后屋存放大量液化气瓶，旁边就是住户",
                    "石坝村场镇老街",
                    "",
                    "13600000001",
                ),
                &[],
                address,
            )
            .await?;
        let burned = self
            .submit_tipoff(
                &tip(
                    "有人在山林边烧荒，烟很大",
                    "石坝村后山",
                    "王秀英",
                    "13600000002",
                ),
                &[],
                address,
            )
            .await?;
        for (code, steps) in [
            (
                checking,
                vec![HandleInput {
                    status: "verifying".into(),
                    department_id: department.clone(),
                    ..HandleInput::default()
                }],
            ),
            (
                burned,
                vec![
                    HandleInput {
                        status: "verifying".into(),
                        department_id: department.clone(),
                        ..HandleInput::default()
                    },
                    HandleInput {
                        status: "substantiated".into(),
                        reply: "经核查属实，已对当事人立案处罚".into(),
                        case_id: case_id.to_string(),
                        ..HandleInput::default()
                    },
                ],
            ),
        ] {
            let Some(t) = safegrid_store::tipoffs::by_code(&self.store, &code).await? else {
                continue;
            };
            for step in steps {
                self.handle_tipoff(&sys, t.id, &step).await?;
            }
            if t.text.contains("烧荒") {
                self.decide_reward(&sys, t.id, "3000").await?;
                self.pay_reward(
                    &sys,
                    t.id,
                    &PaymentInput {
                        voucher: "镇财政举报奖励 001".into(),
                        ..PaymentInput::default()
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn demo_campaigns(&self, town_id: i64, shiba_id: i64) -> Result<()> {
        use safegrid_domain::campaign::{CampaignInput, TargetUpdate, TargetsInput};
        let sys = system();
        let year = safegrid_domain::local_time::day_of(Utc::now()).year();
        let campaign = |name: &str, kind: &str, deadline: String| CampaignInput {
            name: name.into(),
            kind: kind.into(),
            region_id: town_id.to_string(),
            starts_on: format!("{year}-03-01"),
            deadline,
            ..CampaignInput::default()
        };
        let vehicles = self
            .create_campaign(
                &sys,
                &campaign(
                    "“两客一危”及改装拖拉机专项整治",
                    "special",
                    format!("{year}-12-31"),
                ),
            )
            .await?;
        let d = self
            .add_targets(
                &sys,
                vehicles.campaign.id,
                &TargetsInput {
                    kind: "vehicle".into(),
                    lines: "渝G12871\n渝G30562\n渝GA6631\n渝G77405\n渝G52218\n渝G09134".into(),
                    region_id: shiba_id.to_string(),
                    ..TargetsInput::default()
                },
            )
            .await?;
        for (t, note) in d.targets.iter().zip([
            "已拆除改装部件，恢复原状",
            "已报废注销",
            "已安装卫星定位终端并接入平台",
        ]) {
            self.update_target(
                &sys,
                t.id,
                &TargetUpdate {
                    status: "cleared".into(),
                    note: note.into(),
                    ..TargetUpdate::default()
                },
            )
            .await?;
        }
        let fringe: Vec<String> = self
            .all_enterprises(&sys)
            .await?
            .into_iter()
            .filter(|e| e.fringe_treatment != "none")
            .map(|e| e.id.to_string())
            .collect();
        let batches = self
            .create_campaign(
                &sys,
                &campaign(
                    "城乡结合部小微企业“五个一批”整治",
                    "five_batches",
                    format!("{year}-11-30"),
                ),
            )
            .await?;
        if !fringe.is_empty() {
            let d = self
                .add_targets(
                    &sys,
                    batches.campaign.id,
                    &TargetsInput {
                        kind: "enterprise".into(),
                        enterprise_ids: fringe,
                        ..TargetsInput::default()
                    },
                )
                .await?;
            if let Some(t) = d.targets.first() {
                self.update_target(
                    &sys,
                    t.id,
                    &TargetUpdate {
                        status: "cleared".into(),
                        note: "已完成".into(),
                        ..TargetUpdate::default()
                    },
                )
                .await?;
            }
        }
        let three_year = self
            .create_campaign(
                &sys,
                &campaign(
                    "安全生产专项整治三年行动",
                    "three_year",
                    format!("{}-12-31", year + 2),
                ),
            )
            .await?;
        self.add_targets(
            &sys,
            three_year.campaign.id,
            &TargetsInput {
                kind: "construction_site".into(),
                lines: "场镇安置房建设工地\n马武至石坝公路改造工地".into(),
                ..TargetsInput::default()
            },
        )
        .await?;
        self.add_targets(
            &sys,
            three_year.campaign.id,
            &TargetsInput {
                kind: "scenic_spot".into(),
                lines: "石坝峡谷漂流".into(),
                ..TargetsInput::default()
            },
        )
        .await?;
        Ok(())
    }
}
