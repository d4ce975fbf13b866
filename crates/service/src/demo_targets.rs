//! The demo town's year of work: its 2021 work plan as issued (马武府发〔2021〕21号, 21 tasks, each
//! with the department that leads it) and that year's monthly reports; and for this year what the
//! year-end assessment reads: twelve enforcement officers of whom seven are qualified (58%, short
//! of task 7), their training and that of enterprise principals and new employees, the
//! standardisation self-assessment, outreach, 5.3 km of guardrail, a factory extension whose
//! safety facilities lag behind, a small forest fire (0.12‰ of the town's forest), and an
//! accident at 文观村 the town heard of three days late, which vetoes that village.

use crate::{Result, Service, system};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use safegrid_domain::access::Scope;
use safegrid_domain::incident::{self, FiguresInput, IncidentInput};
use safegrid_domain::project::ProjectInput;
use safegrid_domain::training::{AssessmentInput, OutreachInput, StaffInput, TrainingInput};
use safegrid_domain::workplan::{PlanInput, PlanTaskInput, ReportInput};

/// (number, section, title, lead, co-operating, indicator, deadline) of the 2021 plan.
const PLAN_2021: &[(i64, &str, &str, &str, &str, &str, &str)] = &[
    (
        1,
        "（一）压实各方责任，构建齐抓共管工作格局",
        "压实党政领导责任",
        "应急办",
        "",
        "严格落实一企一组制度；健全镇安委会及专项办公室、减灾委及专项指挥部",
        "2021-12-31",
    ),
    (
        2,
        "（一）压实各方责任，构建齐抓共管工作格局",
        "压实行业部门监管责任",
        "应急办",
        "规资所、农服中心",
        "行业领域安全监管全覆盖",
        "2021-12-31",
    ),
    (
        3,
        "（一）压实各方责任，构建齐抓共管工作格局",
        "压实企业安全生产主体责任",
        "应急办",
        "产服中心、市场监管所",
        "责任、投入、培训、管理、救援“五到位”；班组日排查、部门周排查、厂长月排查",
        "2021-12-31",
    ),
    (
        4,
        "（一）压实各方责任，构建齐抓共管工作格局",
        "压实企业一线从业人员自律责任",
        "产服中心",
        "应急办",
        "年内全面落实“两单两卡”",
        "2021-12-31",
    ),
    (
        5,
        "（二）夯实基层基础，提升应急管理能力水平",
        "推动基层应急机构规范化建设",
        "应急办",
        "",
        "机构设置、职能职责、人员配备、设施装备、执法检查、监管监控、工作制度、救援队伍8个方面",
        "2021-12-31",
    ),
    (
        6,
        "（二）夯实基层基础，提升应急管理能力水平",
        "探索应急系统准军事化管理",
        "应急办",
        "",
        "统一执法装备标准，统筹配备执法装备",
        "2021-12-31",
    ),
    (
        7,
        "（二）夯实基层基础，提升应急管理能力水平",
        "提升应急管理队伍综合能力",
        "应急办",
        "",
        "入职培训不少于3个月，每年复训不少于2周；具有专业学历和实践经验的人数不低于60%",
        "2021-12-31",
    ),
    (
        8,
        "（二）夯实基层基础，提升应急管理能力水平",
        "开展应急知识大宣教",
        "应急办",
        "社会事务办、市场监管所",
        "“五进”活动；安全生产月、“5·12”防灾减灾日",
        "2021-06-30",
    ),
    (
        9,
        "（三）坚持预防为主，改善安全保障基本面",
        "改善安全生产基础条件",
        "交通服务站",
        "应急办、产服中心",
        "城郊结合部中小微企业“五个一批”；新安装农村公路护栏5公里",
        "2021-12-31",
    ),
    (
        10,
        "（三）坚持预防为主，改善安全保障基本面",
        "推进防灾减灾基础工程",
        "农服中心",
        "规资所、社会事务办",
        "学校、医院、敬老院等重点单位，水库、堤防护岸等重点设施的灾害防治",
        "2021-12-31",
    ),
    (
        11,
        "（三）坚持预防为主，改善安全保障基本面",
        "大力统筹村镇安全发展",
        "建环办",
        "规资所",
        "定期排查重点区域、部位、设施的风险点和危险源",
        "2021-12-31",
    ),
    (
        12,
        "（四）强化工作措施，深化专项整治三年行动",
        "聚焦根本性问题落实根本性措施",
        "应急办",
        "",
        "问题隐患清单和措施制度清单，挂图作战，打表推进",
        "2021-12-31",
    ),
    (
        13,
        "（四）强化工作措施，深化专项整治三年行动",
        "深化“两重大一突出”专项治理",
        "应急办",
        "交通服务站、建环办、市场监管所",
        "“两客一危”动态监管；变型拖拉机清零",
        "2021-12-31",
    ),
    (
        14,
        "（五）深化执法改革，推进应急管理依法治理",
        "推动应急管理综合行政执法改革",
        "应急办",
        "",
        "行政处罚、行政强制职能整合",
        "2021-12-31",
    ),
    (
        15,
        "（五）深化执法改革，推进应急管理依法治理",
        "开展执法攻坚行动",
        "应急办",
        "规资所、农服中心、建环办、交通服务站、市场监管所",
        "“检查诊断、行政处罚、整改复查”闭环执法；完善有奖举报制度",
        "2021-12-31",
    ),
    (
        16,
        "（五）深化执法改革，推进应急管理依法治理",
        "严格追责问责",
        "应急办",
        "",
        "死亡（失踪）1人及以上的均开展调查评估；“黑名单”管理",
        "2021-12-31",
    ),
    (
        17,
        "（六）加强应急准备，提高事故灾害处置能力",
        "加强风险研判和落实管控",
        "应急办",
        "产服中心",
        "风险辨识清单；高危高风险企业安全现状评估",
        "2021-12-31",
    ),
    (
        18,
        "（六）加强应急准备，提高事故灾害处置能力",
        "强化灾害监测预警和响应",
        "规资所",
        "农服中心、应急办",
        "地质灾害“四重”网格化监测；监测员镇、村和重点防御单位全覆盖",
        "2021-12-31",
    ),
    (
        19,
        "（六）加强应急准备，提高事故灾害处置能力",
        "完善应急救援队伍体系",
        "应急办",
        "",
        "镇综合救援队伍正规化建设",
        "2021-12-31",
    ),
    (
        20,
        "（六）加强应急准备，提高事故灾害处置能力",
        "提升事故灾害应急救援能力",
        "应急办",
        "社会事务办",
        "受灾困难群众“五有”生活保障率100%",
        "2021-12-31",
    ),
    (
        21,
        "（六）加强应急准备，提高事故灾害处置能力",
        "强化区域应急联动",
        "应急办",
        "农服中心",
        "与周边乡镇联动机制；跨区域联合演练",
        "2021-12-31",
    ),
];

/// (task, month, status, progress) reported by the lead department in 2021.
const REPORTS_2021: &[(i64, &str, &str, &str)] = &[
    (
        7,
        "2021-04",
        "underway",
        "2名新进执法人员参加区应急局入职培训",
    ),
    (
        7,
        "2021-10",
        "done",
        "入职培训满3个月；在职人员复训均满2周；专业学历和实践经验人员占75%",
    ),
    (
        8,
        "2021-05",
        "underway",
        "“5·12”防灾减灾日集中宣传，发放资料1200份",
    ),
    (8, "2021-06", "done", "安全生产月活动完成，“五进”活动23场"),
    (9, "2021-05", "underway", "马武至石坝段护栏开工"),
    (9, "2021-09", "underway", "已安装护栏3.2公里"),
    (9, "2021-12", "done", "全年新安装农村公路护栏5.3公里"),
    (
        13,
        "2021-08",
        "blocked",
        "3辆变型拖拉机车主外出务工，无法联系",
    ),
    (
        6,
        "2021-11",
        "underway",
        "待区应急局统一部署准军事化管理试点",
    ),
    (
        20,
        "2021-07",
        "underway",
        "7月洪灾受灾困难群众“五有”保障落实",
    ),
];

impl Service {
    pub(crate) async fn demo_targets(&self, town_id: i64, shiba_id: i64) -> Result<()> {
        let sys = system();
        let plan = self
            .create_work_plan(
                &sys,
                &PlanInput {
                    region_id: town_id.to_string(),
                    year: "2021".into(),
                    name: "2021年全镇安全生产与自然灾害防治工作要点".into(),
                },
            )
            .await?;
        let mut ids = std::collections::HashMap::new();
        for (number, section, title, lead, co, indicator, deadline) in PLAN_2021 {
            let t = self
                .put_plan_task(
                    &sys,
                    plan.id,
                    &PlanTaskInput {
                        number: number.to_string(),
                        section: (*section).into(),
                        task_title: (*title).into(),
                        lead_department: (*lead).into(),
                        co_departments: (*co).into(),
                        indicator: (*indicator).into(),
                        due_on: (*deadline).into(),
                    },
                )
                .await?;
            ids.insert(*number, (t.id, t.lead_department_id));
        }
        for (task, month, status, progress) in REPORTS_2021 {
            let (id, lead) = ids[task];
            self.report_plan_task(
                &sys,
                id,
                lead,
                &ReportInput {
                    month: (*month).into(),
                    status: (*status).into(),
                    progress: (*progress).into(),
                },
            )
            .await?;
        }
        // The rest were closed at the year's end; tasks 6 and 13 were not.
        for (number, (id, lead)) in &ids {
            if [6, 13].contains(number)
                || REPORTS_2021.iter().any(|r| r.0 == *number && r.2 == "done")
            {
                continue;
            }
            self.report_plan_task(
                &sys,
                *id,
                *lead,
                &ReportInput {
                    month: "2021-12".into(),
                    status: "done".into(),
                    progress: "全年任务完成，台账资料已归档".into(),
                },
            )
            .await?;
        }
        self.demo_year(town_id, shiba_id).await
    }

    /// This year's training, staff, standardisation, outreach and projects.
    async fn demo_year(&self, town_id: i64, shiba_id: i64) -> Result<()> {
        let sys = system();
        let today = safegrid_domain::local_time::day_of(Utc::now());
        let year = today.year();
        // Dates of this year that have passed: `days` after New Year, no later than today.
        let on = |days: i64| {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
            (first + Duration::days(days)).min(today).to_string()
        };
        let Some(town) = safegrid_store::regions::get(&self.store, town_id).await? else {
            return Ok(());
        };
        // The office's four: two with a degree, one with experience, one new without either.
        let office: Vec<_> = safegrid_store::people::all_within(&self.store, &town.path)
            .await?
            .into_iter()
            .filter(|p| {
                p.region_path == town.path && p.roles.split(',').any(|r| r == "office_staff")
            })
            .take(4)
            .collect();
        let quals = ["degree", "both", "experience", "none"];
        // Eight more officers from the departments, four of them qualified.
        let departments: Vec<_> = safegrid_store::people::all_within(&self.store, &town.path)
            .await?
            .into_iter()
            .filter(|p| p.region_path == town.path && p.title.as_deref() == Some("工作人员"))
            .take(8)
            .collect();
        for (i, p) in departments.iter().enumerate() {
            self.put_staff(
                &sys,
                &StaffInput {
                    person_id: p.id.to_string(),
                    joined_on: format!("{}-09-01", year - 2),
                    qualification: if i % 2 == 0 { "experience" } else { "none" }.into(),
                    left_on: String::new(),
                },
            )
            .await?;
        }
        for (i, p) in office.iter().enumerate() {
            let joined = if i == 3 {
                on(20)
            } else {
                format!("{}-03-01", year - 3 - i as i32)
            };
            self.put_staff(
                &sys,
                &StaffInput {
                    person_id: p.id.to_string(),
                    joined_on: joined.clone(),
                    qualification: quals[i % 4].into(),
                    left_on: String::new(),
                },
            )
            .await?;
            let (kind, from, to, hours) = if i == 3 {
                let start = NaiveDate::parse_from_str(&joined, "%Y-%m-%d").unwrap_or(today);
                (
                    "entry",
                    start.to_string(),
                    (start + Duration::days(91)).min(today).to_string(),
                    "480",
                )
            } else {
                // Fourteen days, ten and six: the first is retrained as task 7 asks, the others short.
                ("retraining", on(60), on(60 + 13 - i as i64 * 4), "64")
            };
            self.record_training(
                &sys,
                &TrainingInput {
                    trainee: p.name.clone(),
                    category: "emergency_staff".into(),
                    kind: kind.into(),
                    course: "区应急局应急管理执法人员培训".into(),
                    person_id: p.id.to_string(),
                    starts_on: from,
                    ends_on: to,
                    hours: hours.into(),
                    ..Default::default()
                },
            )
            .await?;
            if i < 3 {
                self.record_training(
                    &sys,
                    &TrainingInput {
                        trainee: p.name.clone(),
                        category: "emergency_staff".into(),
                        kind: "entry".into(),
                        course: "应急管理执法人员入职培训".into(),
                        person_id: p.id.to_string(),
                        starts_on: format!("{}-03-01", year - 3 - i as i32),
                        ends_on: format!("{}-06-10", year - 3 - i as i32),
                        hours: "520".into(),
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
        // Principals and new employees of a few enterprises.
        let firms = safegrid_store::enterprises::all_within(
            &self.store,
            &Scope {
                region_path: town.path.clone(),
                enterprise_id: None,
            },
        )
        .await?;
        for (i, e) in firms.iter().take(8).enumerate() {
            let (initial, annual) = if e.high_risk {
                ("48", "16")
            } else {
                ("32", "12")
            };
            let short = i % 4 == 3;
            let base = TrainingInput {
                trainee: e.legal_representative.clone(),
                category: "principal".into(),
                enterprise_id: e.id.to_string(),
                course: "主要负责人安全生产知识和管理能力培训".into(),
                ..Default::default()
            };
            self.record_training(
                &sys,
                &TrainingInput {
                    kind: "initial".into(),
                    starts_on: format!("{}-04-06", year - 2),
                    ends_on: format!("{}-04-12", year - 2),
                    hours: initial.into(),
                    ..base.clone()
                },
            )
            .await?;
            self.record_training(
                &sys,
                &TrainingInput {
                    kind: "annual".into(),
                    starts_on: on(100 + i as i64),
                    ends_on: on(101 + i as i64),
                    hours: if short { "8" } else { annual }.into(),
                    ..base
                },
            )
            .await?;
            self.record_training(
                &sys,
                &TrainingInput {
                    trainee: format!(
                        "{}新员工{}",
                        e.name.chars().take(4).collect::<String>(),
                        i + 1
                    ),
                    category: "new_employee".into(),
                    kind: "initial".into(),
                    enterprise_id: e.id.to_string(),
                    course: "三级安全教育（厂、车间、班组）".into(),
                    starts_on: on(30 + i as i64),
                    ends_on: on(33 + i as i64),
                    hours: if e.high_risk { "72" } else { "24" }.into(),
                    ..Default::default()
                },
            )
            .await?;
        }
        let ratings = ["met", "met", "partly", "met", "met", "partly", "met", "met"];
        self.put_standardisation(
            &sys,
            &AssessmentInput {
                region_id: town_id.to_string(),
                year: year.to_string(),
                ratings: ratings.iter().map(|s| s.to_string()).collect(),
                notes: vec![
                    String::new(),
                    String::new(),
                    "执法人员4人，缺1人".into(),
                    String::new(),
                    String::new(),
                    "视频监控未覆盖全部重点企业".into(),
                ],
            },
        )
        .await?;
        for (kind, region, days, title, people) in [
            (
                "disaster_day",
                shiba_id,
                131,
                "“5·12”防灾减灾日避险转移演练及宣传",
                230,
            ),
            ("into_schools", town_id, 95, "应急知识进校园——马武中学", 620),
            ("into_enterprises", town_id, 150, "安全生产法进企业宣讲", 85),
            ("safety_month", town_id, 160, "安全生产月咨询日", 400),
            ("into_villages", shiba_id, 200, "森林防火进农村", 150),
            ("broadcast", town_id, 10, "场镇户外LED播放警示片", 0),
        ] {
            self.record_outreach(
                &sys,
                &OutreachInput {
                    kind: kind.into(),
                    region_id: region.to_string(),
                    held_on: on(days),
                    name: title.into(),
                    participants: people.to_string(),
                    note: String::new(),
                },
            )
            .await?;
        }
        for (name, region, metres, done) in [
            ("马武—石坝村道护栏", shiba_id, "3200", on(150)),
            ("场镇至文观村道护栏", town_id, "2100", on(240)),
        ] {
            self.put_project(
                &sys,
                None,
                &ProjectInput {
                    name: name.into(),
                    category: "road_guardrail".into(),
                    region_id: region.to_string(),
                    review: "passed".into(),
                    reviewed_on: on(20),
                    length_m: metres.into(),
                    completed_on: done,
                    main_designed_on: on(25),
                    safety_designed_on: on(25),
                    ..Default::default()
                },
            )
            .await?;
        }
        // Incidents happen at an hour of their day, so their days are before today.
        let before_today = |days: i64| {
            let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
            (first + Duration::days(days))
                .min(today - Duration::days(1))
                .to_string()
        };
        self.demo_incidents(&town.path, &firms, &before_today)
            .await?;
        if let Some(f) = firms.iter().find(|e| !e.high_risk) {
            self.put_project(
                &sys,
                None,
                &ProjectInput {
                    name: format!("{}扩建车间", f.name),
                    category: "production".into(),
                    region_id: f.region_id.to_string(),
                    enterprise_id: f.id.to_string(),
                    review: "passed".into(),
                    reviewed_on: on(40),
                    review_note: "安全设施设计审查通过".into(),
                    main_designed_on: on(45),
                    safety_designed_on: on(45),
                    main_built_on: on(120),
                    safety_built_on: on(150),
                    ..Default::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    /// The year's forest fire (0.342 ha of the town's 2 850 ha: 0.12‰) and an accident at a
    /// 文观村 enterprise the town heard of three days after it happened.
    async fn demo_incidents(
        &self,
        town_path: &str,
        firms: &[safegrid_store::enterprises::EnterpriseRow],
        on: &impl Fn(i64) -> String,
    ) -> Result<()> {
        let sys = system();
        let villages = safegrid_store::regions::at_level(&self.store, town_path, "village").await?;
        let at = |day: String, time: &str| format!("{day} {time}");
        if let Some(forest) = villages.iter().find(|v| v.name == "马武社区") {
            let fire = self
                .create_incident(
                    &sys,
                    &IncidentInput {
                        kind: "forest_fire".into(),
                        name: "马武社区集体林区山火".into(),
                        occurred_at: at(on(75), "14:10"),
                        known_at: at(on(75), "14:25"),
                        region_id: forest.id.to_string(),
                        place: "马武社区集体林区东坡".into(),
                        course: "村民清明祭祀用火引燃林下杂草，镇应急分队和村民扑救，1小时内扑灭。"
                            .into(),
                        ..Default::default()
                    },
                )
                .await?;
            self.set_incident_figures(
                &sys,
                fire.incident.id,
                &FiguresInput {
                    burned_hectares: "0.342".into(),
                    ..Default::default()
                },
            )
            .await?;
            self.demo_reports(
                fire.incident.id,
                (
                    "initial",
                    at(on(75), "14:50"),
                    "马武社区集体林区东坡山火，已扑灭，过火面积约0.34公顷，无人员伤亡。",
                ),
                "核报：过火有林地0.342公顷，无人员伤亡。",
            )
            .await?;
        }
        let Some(wenwu) = villages.iter().find(|v| v.name == "文观村") else {
            return Ok(());
        };
        let firm = firms
            .iter()
            .find(|e| e.region_path.starts_with(&wenwu.path));
        let accident = self
            .create_incident(
                &sys,
                &IncidentInput {
                    kind: "production_accident".into(),
                    name: format!(
                        "{}机械伤害事故",
                        firm.map_or("文观村砖厂", |f| f.name.as_str())
                    ),
                    occurred_at: at(on(190), "08:40"),
                    known_at: at(on(193), "16:00"),
                    region_id: wenwu.id.to_string(),
                    place: "文观村".into(),
                    course: "工人清理搅拌机时未停机受伤；企业和村均未报告，三日后经群众举报获知。"
                        .into(),
                    enterprise_id: firm.map(|f| f.id.to_string()).unwrap_or_default(),
                    ..Default::default()
                },
            )
            .await?;
        self.set_incident_figures(
            &sys,
            accident.incident.id,
            &FiguresInput {
                serious_injuries: "1".into(),
                direct_loss_yuan: "86000".into(),
                ..Default::default()
            },
        )
        .await?;
        self.demo_reports(
            accident.incident.id,
            (
                "accident",
                at(on(193), "16:40"),
                "文观村一企业工人清理搅拌机时受伤，重伤1人；事发三日后经举报获知，企业和村未报告。",
            ),
            "核报：重伤1人，直接经济损失8.6万元；企业迟报，已立案调查。",
        )
        .await?;
        self.investigation_step(
            &sys,
            accident.incident.id,
            &safegrid_domain::investigation::StepInput {
                action: "report".into(),
                findings:
                    "作业人员未停机清理搅拌机；企业未按规定在1小时内报告，事发三日后经举报获知。"
                        .into(),
                regulator_findings: "村未落实网格员信息报送职责。".into(),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }

    /// The town's first report on an incident, its end, and its final report.
    async fn demo_reports(&self, id: i64, first: (&str, String, &str), last: &str) -> Result<()> {
        let sys = system();
        self.report_incident(
            &sys,
            id,
            &incident::ReportInput {
                stage: first.0.into(),
                reported_at: first.1,
                summary: first.2.into(),
            },
        )
        .await?;
        self.end_incident(&sys, id).await?;
        self.report_incident(
            &sys,
            id,
            &incident::ReportInput {
                stage: "final".into(),
                reported_at: String::new(),
                summary: last.into(),
            },
        )
        .await?;
        Ok(())
    }
}
