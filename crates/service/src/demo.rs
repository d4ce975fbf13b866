//! The demo town: a realistic, deterministic town modelled on the 2021 work plan of a town in
//! Fuling district, Chongqing: its villages and groups, the departments the plan names with the
//! industries they supervise, enterprises across industries (some high-risk), key units, people
//! with their roles, liaison groups and the two committees.
//!
//! It is generated from a fixed seed, so every demo town is the same, and it is plausible: USCCs
//! carry correct check digits and mobiles use real number ranges. A few gaps are left on purpose
//! (enterprises without a liaison group, a village without a grid member, an unsupervised
//! industry, high-risk enterprises without a chief engineer) so the coverage report has something
//! to show.

use crate::auth::UserInput;
use crate::registry::RegionInput;
use crate::registry::enterprises::write_enterprise;
use crate::{Result, Service, system};
use chrono::Datelike;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use safegrid_domain::enterprise::EnterpriseInput;
use safegrid_domain::registry::{
    CommitteeInput, DepartmentInput, KeyUnitInput, LiaisonGroupInput, PersonInput,
};
use safegrid_domain::uscc;

/// The password of the demo accounts (printed by `safegrid demo`); only the demo has them.
pub const DEMO_PASSWORD: &str = "safegrid-demo";

const VILLAGES: &[(&str, &str)] = &[
    ("马武社区", "community"),
    ("石坝村", "village"),
    ("文观村", "village"),
    ("堡子村", "village"),
    ("龙池村", "village"),
    ("新生村", "village"),
    ("中心村", "village"),
    ("木根村", "village"),
    ("桂花村", "village"),
    ("金鸡村", "village"),
    ("双桥村", "village"),
    ("永胜社区", "community"),
];
const GROUP_NAMES: &[&str] = &["一组", "二组", "三组", "四组", "五组", "六组"];

/// Departments named in the work plan, with the industries each supervises (管行业必须管安全).
const DEPARTMENTS: &[(&str, &str, &[&str])] = &[
    (
        "应急办",
        "安全生产综合监管，危险化学品、烟花爆竹、工贸行业监管，自然灾害防治统筹协调和抢险救援",
        &[
            "C26", "C2672", "C13", "C20", "C21", "C30", "C31", "C33", "F5265",
        ],
    ),
    ("规资所", "非煤矿山、地质灾害防治", &["B"]),
    (
        "农服中心",
        "农业、水利、森林防火、水旱灾害防治",
        &["A", "N"],
    ),
    ("产服中心", "产业服务，高危高风险企业安全现状评估", &["D"]),
    ("建环办", "建设施工安全监管", &["E"]),
    ("交通服务站", "道路运输、农村公路安全", &["G"]),
    ("市场监管所", "商贸、餐饮、特种设备", &["F", "H", "O"]),
    (
        "社会事务办",
        "学校、医院、敬老院等重点单位",
        &["P", "Q", "R"],
    ),
];

/// Enterprise kinds: industry, name patterns, how many, whether high-risk by decision.
const KINDS: &[(&str, &[&str], usize)] = &[
    (
        "B10",
        &[
            "{v}石材有限公司",
            "{v}页岩砖厂采石场",
            "{v}建筑石料用灰岩矿",
        ],
        3,
    ),
    (
        "E47",
        &["重庆{s}建筑工程有限公司{v}项目部", "{v}安置房建设项目"],
        5,
    ),
    ("E48", &["{v}农村公路改建工程", "{v}人饮工程施工项目"], 4),
    ("C26", &["涪陵{s}化工有限公司"], 2),
    ("C2672", &["{v}烟花爆竹零售点"], 1),
    ("F5265", &["{v}加油站"], 2),
    ("C21", &["{v}{s}家具厂", "重庆{s}家具有限公司"], 8),
    ("C20", &["{v}{s}木材加工厂"], 6),
    (
        "C13",
        &[
            "{v}{s}榨菜加工厂",
            "涪陵{s}食品有限公司",
            "{v}{s}粮油加工坊",
        ],
        12,
    ),
    ("C30", &["{v}{s}页岩砖厂", "{v}{s}商品混凝土站"], 5),
    ("C33", &["{v}{s}五金加工厂"], 4),
    ("F", &["{v}{s}超市", "{v}{s}农资店", "{v}{s}建材经营部"], 22),
    ("H", &["{v}{s}农家乐", "{v}{s}餐馆", "{v}{s}宾馆"], 16),
    ("G54", &["涪陵{s}运输有限公司", "{v}{s}货运部"], 6),
    ("A", &["{v}{s}种植专业合作社", "{v}{s}养殖场"], 14),
    ("N7850", &["{v}{s}生态旅游景区"], 2),
    ("D", &["{v}供水站"], 2),
    ("K", &["重庆{s}房地产开发有限公司"], 1),
];

const SHOP_WORDS: &[&str] = &[
    "鑫源", "宏发", "兴旺", "永盛", "华康", "富民", "金鑫", "顺达", "佳禾", "恒泰", "瑞丰", "长青",
    "润泽", "广源", "福星", "和谐",
];
const SURNAMES: &[&str] = &[
    "张", "王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "罗", "冉", "秦",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞",
    "平", "刚", "兰", "华", "建国", "志强", "红梅", "德明", "玉兰", "国庆", "小平", "世福", "正华",
    "永红",
];
const MOBILE_PREFIXES: &[&str] = &[
    "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "183", "187",
    "130", "131", "132", "155", "156", "186", "133", "153", "180", "189", "177", "199",
];
const USCC_BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A seeded generator of plausible names, mobiles and codes.
pub struct Gen {
    rng: StdRng,
    used_mobiles: std::collections::HashSet<String>,
    used_usccs: std::collections::HashSet<String>,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: StdRng::seed_from_u64(seed),
            used_mobiles: Default::default(),
            used_usccs: Default::default(),
        }
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs.choose(&mut self.rng).copied().unwrap_or("")
    }

    pub fn name(&mut self) -> String {
        format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN))
    }

    pub fn mobile(&mut self) -> String {
        loop {
            let m = format!(
                "{}{:08}",
                self.pick(MOBILE_PREFIXES),
                self.rng.gen_range(0..100_000_000u32)
            );
            if self.used_mobiles.insert(m.clone()) {
                return m;
            }
        }
    }

    /// A USCC of an enterprise registered in Fuling (500102) with a valid check digit.
    pub fn uscc(&mut self) -> String {
        loop {
            let body: String = (0..6)
                .map(|_| USCC_BODY[self.rng.gen_range(0..USCC_BODY.len())] as char)
                .collect();
            let org = format!("MA{body}");
            if let Some(u) = uscc::compose("91", "500102", &org)
                && self.used_usccs.insert(u.to_string())
            {
                return u.to_string();
            }
        }
    }
}

/// What the demo created, for the CLI to print.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub villages: usize,
    pub enterprises: usize,
    pub people: usize,
    pub hazards: usize,
    /// Readings of the monitoring sensors (a quiet day).
    pub readings: usize,
    /// (username, role) of the demo accounts, all with [`DEMO_PASSWORD`].
    pub accounts: Vec<(String, String)>,
}

impl Service {
    /// Whether the database already holds a town (the demo is loaded only into an empty one).
    pub async fn has_regions(&self) -> Result<bool> {
        Ok(!safegrid_store::regions::within(&self.store, "/")
            .await?
            .is_empty())
    }

    /// Loads the demo town. `extra_enterprises` adds that many more generated enterprises spread
    /// over the villages (for load tests); `progress(done, total)` reports on them.
    pub async fn load_demo(
        &self,
        extra_enterprises: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<DemoSummary> {
        let sys = system();
        let mut g = Gen::new(2021);
        let mut summary = DemoSummary::default();
        let region =
            |name: &str, level: &str, kind: &str, code: &str, parent: Option<i64>| RegionInput {
                name: name.into(),
                level: level.into(),
                kind: kind.into(),
                code: code.into(),
                parent_id: parent,
            };
        let district = self
            .create_region(&sys, &region("涪陵区", "district", "", "500102", None))
            .await?;
        let town = self
            .create_region(
                &sys,
                &region("马武镇", "town", "", "500102116", Some(district.id)),
            )
            .await?;
        let mut villages = Vec::new();
        for (i, (name, kind)) in VILLAGES.iter().enumerate() {
            let v = self
                .create_region(
                    &sys,
                    &region(
                        name,
                        "village",
                        kind,
                        &format!("500102116{:03}", 200 + i),
                        Some(town.id),
                    ),
                )
                .await?;
            let groups = 3 + i % 4;
            let mut gs = Vec::new();
            for gname in &GROUP_NAMES[..groups] {
                gs.push(
                    self.create_region(&sys, &region(gname, "group", "", "", Some(v.id)))
                        .await?
                        .id,
                );
            }
            villages.push((v, gs));
        }
        summary.villages = villages.len();

        let person =
            |g: &mut Gen, region_id: i64, org: &str, title: &str, roles: &[&str]| PersonInput {
                name: g.name(),
                mobile: g.mobile(),
                email: String::new(),
                region_id: region_id.to_string(),
                organisation: org.into(),
                title: title.into(),
                roles: roles.iter().map(|r| r.to_string()).collect(),
            };
        // Town leaders and the emergency office.
        let mut leaders = Vec::new();
        for title in [
            "党委书记",
            "镇长",
            "党委副书记",
            "副镇长",
            "副镇长",
            "副镇长",
            "人大主席",
            "武装部长",
        ] {
            let p = self
                .create_person(
                    &sys,
                    &person(&mut g, town.id, "马武镇人民政府", title, &["town_leader"]),
                )
                .await?;
            leaders.push(p.id);
        }
        let mut office = Vec::new();
        for title in ["应急办主任", "应急办副主任", "安全监管员", "安全监管员"]
        {
            office.push(
                self.create_person(
                    &sys,
                    &person(&mut g, town.id, "应急办", title, &["office_staff"]),
                )
                .await?
                .id,
            );
        }
        // Departments with their heads.
        let mut dept_ids = Vec::new();
        let mut dept_heads = Vec::new();
        for (name, duties, industries) in DEPARTMENTS {
            let d = self
                .create_department(
                    &sys,
                    &DepartmentInput {
                        name: (*name).into(),
                        region_id: town.id.to_string(),
                        duties: (*duties).into(),
                        industries: industries.iter().map(|s| s.to_string()).collect(),
                    },
                )
                .await?;
            let head = if *name == "应急办" {
                office[0]
            } else {
                self.create_person(
                    &sys,
                    &person(&mut g, town.id, name, "负责人", &["department_staff"]),
                )
                .await?
                .id
            };
            self.create_person(
                &sys,
                &person(&mut g, town.id, name, "工作人员", &["department_staff"]),
            )
            .await?;
            dept_ids.push(d.id);
            dept_heads.push(head);
        }
        // Village cadres, grid members (one per group) and hazard monitors. 木根村 has lost its
        // grid members: a gap for the coverage report.
        for (i, (v, groups)) in villages.iter().enumerate() {
            let org = format!("{}委员会", v.name);
            self.create_person(
                &sys,
                &person(
                    &mut g,
                    v.id,
                    &org,
                    "主任",
                    &["village_head", "village_cadre"],
                ),
            )
            .await?;
            self.create_person(
                &sys,
                &person(&mut g, v.id, &org, "综治专干", &["village_cadre"]),
            )
            .await?;
            if v.name != "木根村" {
                for gid in groups {
                    self.create_person(
                        &sys,
                        &person(&mut g, *gid, &org, "网格员", &["grid_member"]),
                    )
                    .await?;
                }
            }
            if i % 2 == 1 {
                self.create_person(
                    &sys,
                    &person(&mut g, v.id, &org, "地质灾害监测员", &["monitor"]),
                )
                .await?;
            }
        }
        self.create_person(
            &sys,
            &person(
                &mut g,
                town.id,
                "涪陵区地质灾害防治中心",
                "驻守地质队员",
                &["resident_geologist"],
            ),
        )
        .await?;
        self.create_person(
            &sys,
            &person(
                &mut g,
                district.id,
                "涪陵区规划和自然资源局",
                "技术管理员",
                &["district_technician"],
            ),
        )
        .await?;

        // Key units.
        let units: &[(&str, &str, usize, i64)] = &[
            ("马武中学", "school", 0, 1260),
            ("马武中心小学", "school", 0, 980),
            ("石坝村小学", "school", 1, 146),
            ("马武中心幼儿园", "kindergarten", 0, 310),
            ("马武镇卫生院", "hospital", 0, 60),
            ("马武镇敬老院", "elderly_home", 11, 48),
            ("马武场镇集贸市场", "market", 0, 2000),
            ("龙池生态旅游景区", "scenic_spot", 4, 800),
        ];
        for (name, kind, vi, occupants) in units {
            let contact = g.name();
            let mobile = g.mobile();
            self.create_key_unit(
                &sys,
                &KeyUnitInput {
                    name: (*name).into(),
                    kind: (*kind).into(),
                    region_id: villages[*vi].0.id.to_string(),
                    address: format!("马武镇{}", villages[*vi].0.name),
                    contact_name: contact,
                    contact_mobile: mobile,
                    occupants: occupants.to_string(),
                },
            )
            .await?;
        }

        // Enterprises with their liaison groups; the two newest have none yet.
        let mut enterprise_ids = Vec::new();
        let mut n = 0usize;
        for (industry, patterns, count) in KINDS {
            for k in 0..*count {
                let (v, _) = &villages[(n * 7 + k) % villages.len()];
                let input = self.demo_enterprise(&mut g, industry, patterns, &v.name, v.id, n);
                let e = self.create_enterprise(&sys, &input).await?;
                enterprise_ids.push(e.id);
                n += 1;
            }
        }
        let grouped = enterprise_ids.len().saturating_sub(2);
        for (i, eid) in enterprise_ids.iter().take(grouped).enumerate() {
            let leader = leaders[i % leaders.len()];
            let members = vec![
                office[i % office.len()].to_string(),
                dept_heads[i % dept_heads.len()].to_string(),
            ];
            self.put_liaison_group(
                &sys,
                &LiaisonGroupInput {
                    enterprise_id: eid.to_string(),
                    leader_id: leader.to_string(),
                    member_ids: members,
                },
            )
            .await?;
        }
        summary.enterprises = enterprise_ids.len();

        // Committees of task 1.
        let wsc = self
            .create_committee(
                &sys,
                &CommitteeInput {
                    kind: "work_safety".into(),
                    region_id: town.id.to_string(),
                    name: "马武镇安全生产委员会".into(),
                    director_id: leaders[1].to_string(),
                },
            )
            .await?;
        self.add_committee_office(&sys, wsc, "office", "安委会办公室", office[0])
            .await?;
        let drc = self
            .create_committee(
                &sys,
                &CommitteeInput {
                    kind: "disaster_reduction".into(),
                    region_id: town.id.to_string(),
                    name: "马武镇减灾委员会".into(),
                    director_id: leaders[1].to_string(),
                },
            )
            .await?;
        self.add_committee_office(&sys, drc, "office", "减灾委办公室", office[0])
            .await?;
        self.add_committee_office(&sys, drc, "headquarters", "防汛抗旱指挥部", leaders[3])
            .await?;
        self.add_committee_office(&sys, drc, "headquarters", "森林防火指挥部", leaders[4])
            .await?;
        self.add_committee_office(&sys, drc, "headquarters", "地质灾害防治指挥部", leaders[5])
            .await?;
        for (i, head) in dept_heads.iter().enumerate() {
            self.put_committee_member(&sys, wsc, *head, "成员").await?;
            if i < 4 {
                self.put_committee_member(&sys, drc, *head, "成员").await?;
            }
        }
        self.put_committee_member(&sys, wsc, leaders[0], "主任")
            .await?;
        self.put_committee_member(&sys, wsc, leaders[3], "副主任")
            .await?;

        // Demo accounts, one per kind of user.
        let shiba = villages[1].0.id;
        let accounts: Vec<(String, UserInput)> = vec![
            (
                "office".into(),
                UserInput {
                    role: "emergency_office".into(),
                    region_id: Some(town.id),
                    ..Default::default()
                },
            ),
            (
                "leader".into(),
                UserInput {
                    role: "leader".into(),
                    region_id: Some(town.id),
                    ..Default::default()
                },
            ),
            (
                "yjb".into(),
                UserInput {
                    role: "department".into(),
                    department_id: dept_ids.first().copied(),
                    ..Default::default()
                },
            ),
            (
                "jhb".into(),
                UserInput {
                    role: "department".into(),
                    department_id: dept_ids.get(4).copied(),
                    ..Default::default()
                },
            ),
            (
                "shiba".into(),
                UserInput {
                    role: "village".into(),
                    region_id: Some(shiba),
                    ..Default::default()
                },
            ),
            (
                "monitor".into(),
                UserInput {
                    role: "monitor".into(),
                    region_id: Some(shiba),
                    ..Default::default()
                },
            ),
            (
                "firm".into(),
                UserInput {
                    role: "enterprise".into(),
                    enterprise_id: enterprise_ids.get(20).copied(),
                    ..Default::default()
                },
            ),
        ];
        for (username, mut u) in accounts {
            u.username = username.clone();
            u.password = DEMO_PASSWORD.into();
            let role = u.role.clone();
            self.add_user(&sys, &u).await?;
            summary.accounts.push((username, role));
        }
        // Shiba's village head and monitor use their accounts: the warnings that reach them
        // also reach their inboxes.
        let shiba_path = &villages[1].0.path;
        let shiba_people = safegrid_store::people::all_within(&self.store, shiba_path).await?;
        for (username, role) in [("shiba", "village_head"), ("monitor", "monitor")] {
            if let Some(p) = shiba_people
                .iter()
                .find(|p| p.roles.split(',').any(|r| r == role))
            {
                self.link_person(&sys, username, Some(p.id)).await?;
            }
        }

        self.demo_risks().await?;
        self.demo_risk_lists(town.id).await?;
        self.demo_posts().await?;
        self.demo_inspections().await?;
        summary.hazards = self
            .demo_hazards(&villages.iter().map(|(v, _)| v.id).collect::<Vec<_>>())
            .await?;
        let named: Vec<(i64, String, String)> = villages
            .iter()
            .map(|(v, _)| (v.id, v.name.clone(), v.path.clone()))
            .collect();
        summary.readings = self.demo_monitoring(&named, town.id).await?;
        self.demo_roster(town.id, &leaders, &office).await?;
        self.demo_stock(town.id, villages[1].0.id).await?;
        self.demo_plans(town.id, villages[1].0.id).await?;
        self.demo_aftermath(town.id, villages[1].0.id, villages[3].0.id)
            .await?;
        self.demo_enforcement(town.id, villages[1].0.id).await?;
        self.demo_targets(town.id, villages[1].0.id).await?;

        // Extra enterprises for load tests, in batches of one transaction each.
        let all_regions: Vec<i64> = villages
            .iter()
            .flat_map(|(v, gs)| std::iter::once(v.id).chain(gs.iter().copied()))
            .collect();
        let names: Vec<String> = villages.iter().map(|(v, _)| v.name.clone()).collect();
        let mut done = 0;
        while done < extra_enterprises {
            let batch = (extra_enterprises - done).min(1000);
            let mut tx = self.store.begin().await?;
            for i in 0..batch {
                let k = (done + i) % KINDS.len();
                let (industry, patterns, _) = KINDS[k];
                let r = (done + i) % all_regions.len();
                let input = self.demo_enterprise(
                    &mut g,
                    industry,
                    patterns,
                    &names[r % names.len()],
                    all_regions[r],
                    n + done + i,
                );
                let draft = input.validate()?;
                write_enterprise(&mut tx, &sys, None, &draft).await?;
            }
            tx.commit().await?;
            done += batch;
            progress(done, extra_enterprises);
        }
        summary.enterprises += extra_enterprises;
        self.store.after_bulk_load().await?;
        summary.people = safegrid_store::people::all_within(&self.store, "/")
            .await?
            .len();
        Ok(summary)
    }

    /// Risk points of the high-risk enterprises and the furniture factories, by LEC and LS.
    async fn demo_risks(&self) -> Result<()> {
        use safegrid_domain::risk::RiskPointInput;
        let gov = system();
        let all = self.all_enterprises(&gov).await?;
        // (industry, post, name, factor, accident type, controls, method, l, e/s, c)
        let kinds: &[(&str, &str, &str, &str, &str, &str, &str, &str, &str, &str)] = &[
            (
                "C21",
                "打磨工",
                "打磨除尘系统",
                "木粉尘积聚遇点火源",
                "粉尘爆炸",
                "泄爆片、每班清扫、禁止明火",
                "lec",
                "3",
                "6",
                "40",
            ),
            (
                "C21",
                "喷漆工",
                "喷漆房",
                "漆雾、有机溶剂挥发",
                "火灾",
                "防爆电气、通风、禁火",
                "lec",
                "3",
                "6",
                "15",
            ),
            (
                "C21",
                "木工",
                "木工机械",
                "刀具外露",
                "机械伤害",
                "防护罩、两人操作",
                "ls",
                "3",
                "3",
                "",
            ),
            (
                "B10",
                "爆破工",
                "采场爆破作业",
                "盲炮、飞石",
                "放炮",
                "警戒、专人清点",
                "lec",
                "3",
                "6",
                "40",
            ),
            (
                "B10",
                "挖掘机司机",
                "采场边坡",
                "台阶坡面角过大",
                "坍塌",
                "按设计削坡、每日巡查",
                "lec",
                "1",
                "6",
                "40",
            ),
            (
                "B10",
                "装载机司机",
                "矿区道路",
                "车辆冲撞",
                "车辆伤害",
                "限速、警示标志",
                "ls",
                "2",
                "3",
                "",
            ),
            (
                "C26",
                "仓管员",
                "原料仓库",
                "危化品泄漏",
                "中毒和窒息",
                "温湿度监测、双人双锁",
                "lec",
                "1",
                "6",
                "40",
            ),
            (
                "C26",
                "反应釜操作工",
                "反应釜",
                "超温超压",
                "容器爆炸",
                "联锁、安全阀定期校验",
                "lec",
                "1",
                "6",
                "100",
            ),
            (
                "F5265",
                "加油员",
                "加油区",
                "油气泄漏遇静电",
                "火灾",
                "静电接地、禁止使用手机",
                "lec",
                "1",
                "10",
                "15",
            ),
            (
                "E47",
                "架子工",
                "外脚手架",
                "高处坠落",
                "高处坠落",
                "安全带、连墙件检查",
                "lec",
                "3",
                "6",
                "15",
            ),
        ];
        for (industry, post, name, factor, accident, controls, method, l, e_or_s, c) in kinds {
            for e in all.iter().filter(|e| e.industry_code == *industry).take(2) {
                let input = RiskPointInput {
                    enterprise_id: e.id.to_string(),
                    post: (*post).into(),
                    name: (*name).into(),
                    hazard_factor: (*factor).into(),
                    accident_type: (*accident).into(),
                    controls: (*controls).into(),
                    method: (*method).into(),
                    l: (*l).into(),
                    e: if *method == "lec" {
                        (*e_or_s).into()
                    } else {
                        String::new()
                    },
                    s: if *method == "ls" {
                        (*e_or_s).into()
                    } else {
                        String::new()
                    },
                    c: (*c).into(),
                    ..Default::default()
                };
                self.create_risk_point(&gov, &input).await?;
            }
        }
        Ok(())
    }

    /// Posts with their 两单两卡 at the first furniture factory and the first quarry; the other
    /// high-risk enterprises have none yet, which the coverage report shows.
    async fn demo_posts(&self) -> Result<()> {
        use safegrid_domain::cards::PostInput;
        let gov = system();
        let all = self.all_enterprises(&gov).await?;
        let posts: &[(&str, &str, &str, &str, &str, &str)] = &[
            (
                "C21",
                "打磨工",
                "班前检查除尘器和泄爆片\n每班清扫积尘，不留死角\n发现火花、异味立即停机报告",
                "检查除尘器运行\n检查砂光机接地",
                "开启除尘系统\n启动砂光机\n作业结束先停机后停除尘",
                "粉尘爆炸",
            ),
            (
                "C21",
                "喷漆工",
                "穿戴防静电服和防毒面具\n保持喷漆房通风\n漆料按量领用",
                "检查通风和防爆电器",
                "开启通风\n调漆\n喷涂\n清洗工具",
                "火灾",
            ),
            (
                "B10",
                "爆破工",
                "持证上岗\n按爆破设计装药\n爆后检查盲炮",
                "检查警戒范围和信号",
                "验药\n装药\n设警戒\n起爆\n爆后检查",
                "放炮",
            ),
            (
                "B10",
                "挖掘机司机",
                "按设计台阶作业\n不在伞檐下作业",
                "检查边坡有无裂缝",
                "绕车检查\n启动预热\n分层开挖",
                "坍塌",
            ),
        ];
        for (industry, post, duties, pre, steps, incident) in posts {
            let Some(e) = all.iter().find(|e| e.industry_code == *industry) else {
                continue;
            };
            let input = PostInput {
                enterprise_id: e.id.to_string(),
                name: (*post).into(),
                duties: (*duties).into(),
                prohibited: "酒后上岗\n擅自拆除安全装置".into(),
                basis: "《安全生产法》及企业安全操作规程".into(),
                task: format!("{post}日常作业"),
                pre_checks: (*pre).into(),
                steps: (*steps).into(),
                prohibitions: "无证操作\n带病作业".into(),
                ppe: "安全帽、防护眼镜、手套".into(),
                incident_type: (*incident).into(),
                main_danger: format!("{incident}造成人员伤亡"),
                signs: "异响、冒烟、异味、裂缝".into(),
                emergency_steps: "立即报警(企业应急电话)\n隔离现场、切断电源\n在确保安全前提下施救\n向企业负责人和镇应急办报告".into(),
                cautions: "不盲目施救\n保护现场".into(),
                company_phone: e.safety_director_mobile.clone().unwrap_or_else(|| "023-72881234".into()),
                department_phone: "023-72880119".into(),
            };
            self.put_post(&gov, &input).await?;
        }
        Ok(())
    }

    /// Inspection plans (日周月) with a history: the quarry's daily team check was skipped on five
    /// days last week, so the office sees it missed.
    async fn demo_inspections(&self) -> Result<()> {
        use crate::hazards::today;
        use crate::inspections::{InspectionInput, ItemInput, PlanInput};
        let gov = system();
        let all = self.all_enterprises(&gov).await?;
        let t = today();
        let ymd = |day: chrono::NaiveDate| day.format("%Y-%m-%d").to_string();
        let last_monday = t - chrono::Duration::days(t.weekday().num_days_from_monday() as i64 + 7);
        let mut plans = Vec::new();
        for (industry, cadence) in [("B10", "daily"), ("C21", "weekly"), ("C26", "monthly")] {
            if let Some(e) = all.iter().find(|e| e.industry_code == industry) {
                let p = PlanInput {
                    enterprise_id: e.id.to_string(),
                    template: "daily-self-check".into(),
                    kind: "self_check".into(),
                    cadence: cadence.into(),
                    starts_on: ymd(t - chrono::Duration::days(28)),
                };
                plans.push((self.create_inspection_plan(&gov, &p).await?, e.id));
            }
        }
        let results = |fail: bool| {
            safegrid_domain::inspection::DAILY_SELF_CHECK
                .items
                .iter()
                .map(|i| ItemInput {
                    item: i.code.into(),
                    outcome: if fail && i.code == "daily.3" {
                        "fail".into()
                    } else {
                        "pass".into()
                    },
                    note: if fail && i.code == "daily.3" {
                        "成品堆放占用疏散通道".into()
                    } else {
                        String::new()
                    },
                })
                .collect::<Vec<_>>()
        };
        for (plan, enterprise_id) in plans {
            let firm = safegrid_domain::access::Principal {
                user_id: -enterprise_id,
                username: "demo-enterprise".into(),
                role: safegrid_domain::access::Role::Enterprise,
                region_path: plan.region_path.clone(),
                department_id: None,
                enterprise_id: Some(enterprise_id),
                supervised: vec![],
            };
            let step = match plan.cadence.as_str() {
                "daily" => 1,
                "weekly" => 7,
                _ => 30,
            };
            let mut day = plan.starts_on;
            while day < t {
                // The quarry skipped Monday to Friday of last week.
                let skipped = plan.cadence == "daily"
                    && day >= last_monday
                    && day < last_monday + chrono::Duration::days(5);
                if !skipped {
                    let input = InspectionInput {
                        enterprise_id: enterprise_id.to_string(),
                        plan_id: plan.id.to_string(),
                        template: plan.template.clone(),
                        kind: "self_check".into(),
                        done_on: ymd(day),
                        results: results(plan.cadence == "weekly" && day == plan.starts_on),
                    };
                    self.record_inspection(&firm, &input).await?;
                }
                day += chrono::Duration::days(step);
            }
        }
        Ok(())
    }

    /// Hazards in every state of their lifecycle, dated back from today so that some are overdue:
    /// the furniture factory's dust collector (major, listed, overdue), others due this week,
    /// waiting for an extension or verification, closed, or closed on the spot.
    async fn demo_hazards(&self, village_ids: &[i64]) -> Result<usize> {
        use crate::hazards::{HazardInput, StepInput, today};
        let gov = system();
        let all = self.all_enterprises(&gov).await?;
        let pick = |industry: &str, nth: usize| {
            all.iter()
                .filter(|e| e.industry_code == industry)
                .nth(nth)
                .map(|e| e.id)
        };
        let t = today();
        let d = |days: i64| t + chrono::Duration::days(days);
        let ymd = |day: chrono::NaiveDate| day.format("%Y-%m-%d").to_string();
        // (enterprise, name, location, criterion, found days ago, grade, deadline in days from today, end state)
        type Plan<'a> = (
            Option<i64>,
            &'a str,
            &'a str,
            &'a str,
            i64,
            &'a str,
            i64,
            &'a str,
        );
        let plan: Vec<Plan<'_>> = vec![
            (
                pick("C21", 0),
                "干式除尘器未设置泄爆装置",
                "打磨车间除尘系统",
                "dust.3",
                40,
                "major",
                -5,
                "rectifying",
            ),
            (
                pick("C21", 1),
                "粉尘清扫制度未落实，积尘严重",
                "喷漆打磨工位",
                "",
                30,
                "general",
                -3,
                "rectifying",
            ),
            (
                pick("C13", 0),
                "配电箱未接地、线路私拉乱接",
                "腌制车间",
                "",
                45,
                "general",
                -12,
                "rectifying",
            ),
            (
                pick("E47", 0),
                "脚手架连墙件缺失",
                "3号楼外架",
                "",
                12,
                "general",
                2,
                "rectifying",
            ),
            (
                pick("B10", 0),
                "采场边坡台阶坡面角超过设计",
                "北采场",
                "",
                8,
                "general",
                20,
                "rectifying",
            ),
            (
                pick("C30", 0),
                "砖机传动部位防护罩缺失",
                "成型车间",
                "",
                20,
                "general",
                6,
                "extension_requested",
            ),
            (
                pick("F5265", 0),
                "油罐区静电接地线断开",
                "油罐区",
                "",
                15,
                "general",
                10,
                "rectified",
            ),
            (
                pick("H", 0),
                "厨房燃气报警器失效",
                "后厨",
                "",
                25,
                "general",
                -10,
                "closed",
            ),
            (
                pick("C20", 0),
                "木工机械安全防护装置缺失",
                "锯木车间",
                "",
                35,
                "general",
                -20,
                "closed",
            ),
            (
                pick("F", 2),
                "疏散通道堆放杂物",
                "营业厅",
                "",
                3,
                "",
                0,
                "on_spot",
            ),
            (
                pick("N7850", 0),
                "观景台护栏松动",
                "龙池观景台",
                "",
                5,
                "",
                0,
                "on_spot",
            ),
            (
                pick("G54", 0),
                "车辆未按规定安装动态监控",
                "停车场",
                "",
                2,
                "",
                0,
                "reported",
            ),
            (
                pick("C26", 0),
                "危化品仓库温湿度监测缺失",
                "原料库",
                "",
                4,
                "general",
                0,
                "graded",
            ),
            (
                None,
                "村道急弯处无防护栏",
                "石坝村三组村道",
                "",
                18,
                "general",
                15,
                "rectifying",
            ),
        ];
        let mut n = 0;
        for (i, (ent, name, location, criterion, found_ago, grade, due, end)) in
            plan.into_iter().enumerate()
        {
            let found = d(-found_ago);
            let input = HazardInput {
                enterprise_id: ent.map(|e| e.to_string()).unwrap_or_default(),
                region_id: if ent.is_none() {
                    village_ids
                        .get(1)
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                name: name.into(),
                description: String::new(),
                location: location.into(),
                source: if i % 3 == 0 {
                    "inspection".into()
                } else {
                    "self_check".into()
                },
                found_on: ymd(found),
                criterion: criterion.into(),
            };
            // The dust collector is found by a government inspection against the 2023 standard.
            let h = if criterion == "dust.3" {
                let inspection = crate::inspections::InspectionInput {
                    enterprise_id: input.enterprise_id.clone(),
                    template: "trade-2023".into(),
                    kind: "government".into(),
                    done_on: ymd(found),
                    results: vec![
                        crate::inspections::ItemInput {
                            item: "dust.3".into(),
                            outcome: "fail".into(),
                            note: "打磨车间干式除尘器未设泄爆片".into(),
                        },
                        crate::inspections::ItemInput {
                            item: "dust.7".into(),
                            outcome: "pass".into(),
                            note: String::new(),
                        },
                        crate::inspections::ItemInput {
                            item: "dust.10".into(),
                            outcome: "pass".into(),
                            note: String::new(),
                        },
                    ],
                    ..Default::default()
                };
                let view = self.record_inspection(&gov, &inspection).await?;
                let hid = view
                    .results
                    .iter()
                    .find_map(|r| r.hazard_id)
                    .ok_or(crate::Error::NotFound)?;
                self.hazard(&gov, hid).await?
            } else {
                self.report_hazard(&gov, &input).await?
            };
            n += 1;
            // The enterprise's side of the steps, acting as its safety officer; for a place, the village.
            let firm = safegrid_domain::access::Principal {
                user_id: -h.id,
                username: "demo-enterprise".into(),
                role: safegrid_domain::access::Role::Enterprise,
                region_path: h.region_path.clone(),
                department_id: None,
                enterprise_id: h.enterprise_id,
                supervised: vec![],
            };
            let rectifier = if h.enterprise_id.is_some() {
                firm.clone()
            } else {
                safegrid_domain::access::Principal {
                    user_id: -1000 - h.id,
                    username: "demo-village".into(),
                    ..gov.clone()
                }
            };
            let step = |action: &str| StepInput {
                action: action.into(),
                ..Default::default()
            };
            match end {
                "reported" => continue,
                "on_spot" => {
                    let s = StepInput {
                        evidence: "已当场清理并拍照留存".into(),
                        ..step("close_on_spot")
                    };
                    self.hazard_step_on(&firm, h.id, &s, found).await?;
                    continue;
                }
                _ => {}
            }
            let g = StepInput {
                grade: grade.into(),
                reason: "符合重大事故隐患判定标准".into(),
                ..step("grade")
            };
            self.hazard_step_on(&gov, h.id, &g, found).await?;
            if end == "graded" {
                continue;
            }
            if grade == "major" {
                let listing = StepInput {
                    supervising_body: "马武镇安委会办公室".into(),
                    deadline: ymd(d(due + 10)),
                    ..step("list")
                };
                self.hazard_step_on(&gov, h.id, &listing, found).await?;
            }
            let order = StepInput {
                responsible: "企业主要负责人".into(),
                measures: "按标准整改，整改期间落实临时管控措施".into(),
                funds: "8000".into(),
                deadline: ymd(d(due)),
                contingency: "整改期间停用相关设备，专人值守".into(),
                ..step("order_rectification")
            };
            self.hazard_step_on(&gov, h.id, &order, found).await?;
            match end {
                "extension_requested" => {
                    let ext = StepInput {
                        deadline: ymd(d(due + 15)),
                        reason: "防护罩定制需两周".into(),
                        ..step("request_extension")
                    };
                    self.hazard_step_on(&firm, h.id, &ext, found).await?;
                }
                "rectified" | "closed" => {
                    let done_on = if end == "closed" { d(due - 2) } else { t };
                    let submit = StepInput {
                        evidence: "已整改，附整改前后照片".into(),
                        ..step("submit_rectification")
                    };
                    self.hazard_step_on(&rectifier, h.id, &submit, done_on)
                        .await?;
                    if end == "closed" {
                        self.hazard_step_on(
                            &gov,
                            h.id,
                            &StepInput {
                                passed: "true".into(),
                                ..step("verify")
                            },
                            done_on,
                        )
                        .await?;
                    }
                }
                _ => {}
            }
        }
        Ok(n)
    }

    fn demo_enterprise(
        &self,
        g: &mut Gen,
        industry: &str,
        patterns: &[&str],
        village: &str,
        region_id: i64,
        n: usize,
    ) -> EnterpriseInput {
        let pattern = patterns[n % patterns.len()];
        let shop = SHOP_WORDS[g.rng.gen_range(0..SHOP_WORDS.len())];
        let mut name = pattern.replace("{v}", village).replace("{s}", shop);
        if n >= 120 {
            // Generated load-test enterprises get a number so names stay distinguishable.
            name = format!("{name}{n}");
        }
        let high_risk_industry = safegrid_domain::industry::is_high_risk(industry);
        // Every fourth high-risk enterprise lacks a chief engineer, every seventh a safety director.
        let chief_engineer = if high_risk_industry && n % 4 != 1 {
            g.name()
        } else {
            String::new()
        };
        let (safety_director, sd_mobile) = if n % 7 == 3 {
            (String::new(), String::new())
        } else {
            (g.name(), g.mobile())
        };
        let scale = match g.rng.gen_range(0..10) {
            0 => "medium",
            1..=5 => "small",
            _ => "micro",
        };
        let fringe = match n % 23 {
            5 => "close",
            9 => "relocate",
            13 => "renovate",
            17 => "eliminate",
            21 => "listed_supervision",
            _ => "none",
        };
        EnterpriseInput {
            name,
            uscc: g.uscc(),
            region_id: region_id.to_string(),
            industry_code: industry.into(),
            scale: scale.into(),
            high_risk: String::new(),
            address: format!("重庆市涪陵区马武镇{village}"),
            legal_representative: g.name(),
            legal_representative_mobile: g.mobile(),
            actual_controller: g.name(),
            safety_director,
            safety_director_mobile: sd_mobile,
            chief_engineer,
            standard_grade: if n.is_multiple_of(5) {
                "level3".into()
            } else {
                "none".into()
            },
            fringe_treatment: fringe.into(),
            employees: g.rng.gen_range(3..180).to_string(),
        }
    }
}

impl Service {
    /// The town warehouse and one village store, stocked, one item short of its minimum and one
    /// expiring soon, with a few movements.
    async fn demo_stock(&self, town_id: i64, village_id: i64) -> Result<()> {
        use safegrid_domain::stock::{ItemInput, MovementInput, WarehouseInput};
        let sys = system();
        let today = safegrid_domain::local_time::day_of(chrono::Utc::now());
        let town = self
            .create_warehouse(
                &sys,
                &WarehouseInput {
                    name: "马武镇应急物资仓库".into(),
                    kind: "town".into(),
                    region_id: town_id.to_string(),
                    address: "马武镇政府后院".into(),
                    keeper: "应急办".into(),
                    ..Default::default()
                },
            )
            .await?;
        let village = self
            .create_warehouse(
                &sys,
                &WarehouseInput {
                    name: "石坝村物资储备点".into(),
                    kind: "village".into(),
                    region_id: village_id.to_string(),
                    ..Default::default()
                },
            )
            .await?;
        // (warehouse, name, category, unit, minimum, expiry in days, received)
        let soon = (today + chrono::Duration::days(20)).to_string();
        let later = (today + chrono::Duration::days(400)).to_string();
        let lines: [(i64, &str, &str, &str, i64, &str, i64); 8] = [
            (town.id, "救灾帐篷", "relief", "顶", 20, "", 30),
            (town.id, "棉被", "relief", "床", 100, "", 160),
            (town.id, "方便面", "relief", "箱", 50, &soon, 60),
            (town.id, "瓶装水", "relief", "箱", 50, &later, 80),
            (town.id, "编织袋(沙袋)", "flood", "条", 2000, "", 1500),
            (town.id, "救生衣", "flood", "件", 50, "", 60),
            (town.id, "风力灭火机", "forest_fire", "台", 5, "", 8),
            (village.id, "手摇报警器", "equipment", "个", 2, "", 3),
        ];
        for (w, name, category, unit, min, expires, qty) in lines {
            let item = self
                .add_stock_item(
                    &sys,
                    w,
                    &ItemInput {
                        name: name.into(),
                        category: category.into(),
                        unit: unit.into(),
                        min_stock: min.to_string(),
                        expires_on: expires.into(),
                    },
                )
                .await?;
            self.move_stock(
                &sys,
                item.id,
                &MovementInput {
                    kind: "receive".into(),
                    quantity: qty.to_string(),
                    reason: "年度采购入库".into(),
                    ..Default::default()
                },
            )
            .await?;
        }
        Ok(())
    }

    /// The town's plans (the flood plan overdue for revision), a drill of Shiba's landslide
    /// plan held jointly with the neighbouring town, and an open landslide incident with its
    /// initial report made and a few entries in its timeline.
    async fn demo_plans(&self, town_id: i64, shiba_id: i64) -> Result<()> {
        use safegrid_domain::incident::{IncidentInput, ReportInput};
        use safegrid_domain::plan::{DrillInput, PlanInput};
        let sys = system();
        let now = chrono::Utc::now();
        let today = safegrid_domain::local_time::day_of(now);
        let mut ids = Vec::new();
        for (name, level, kind, region, revised) in [
            (
                "马武镇突发事件总体应急预案",
                "town",
                "comprehensive",
                town_id,
                "2024-03-15",
            ),
            (
                "马武镇防汛抗旱应急预案",
                "town",
                "flood",
                town_id,
                "2022-04-20",
            ),
            (
                "马武镇森林防灭火应急预案",
                "town",
                "forest_fire",
                town_id,
                "2025-01-08",
            ),
            (
                "石坝村地质灾害避险应急预案",
                "village",
                "geo_hazard",
                shiba_id,
                "2025-04-01",
            ),
        ] {
            let p = self
                .create_plan(
                    &sys,
                    &PlanInput {
                        name: name.into(),
                        level: level.into(),
                        kind: kind.into(),
                        region_id: region.to_string(),
                        department: "应急办".into(),
                        version: format!("{}版", &revised[..4]),
                        revised_on: revised.into(),
                        period_months: String::new(),
                    },
                )
                .await?;
            ids.push(p.id);
        }
        self.record_drill(
            &sys,
            &DrillInput {
                drilled_plan_id: ids[3].to_string(),
                region_id: shiba_id.to_string(),
                held_on: (today - chrono::Duration::days(150)).to_string(),
                place: "石坝村3号滑坡".into(),
                scenario: "强降雨引发滑坡险情，群众避险转移".into(),
                participants: "86".into(),
                teams: "镇应急分队、石坝村民兵".into(),
                joint_with: "邻镇".into(),
                evaluation: "转移用时25分钟，达到预案要求".into(),
                problems: "手摇报警器一台电池失效\n转移路线标识牌被遮挡".into(),
            },
        )
        .await?;
        let incident = self
            .create_incident(
                &sys,
                &IncidentInput {
                    kind: "geo_hazard".into(),
                    name: "石坝村3号滑坡前缘局部垮塌".into(),
                    occurred_at: safegrid_domain::local_time::form_value(
                        now - chrono::Duration::hours(3),
                    ),
                    known_at: safegrid_domain::local_time::form_value(
                        now - chrono::Duration::minutes(170),
                    ),
                    region_id: shiba_id.to_string(),
                    place: "石坝村3组".into(),
                    course: "连续降雨后滑坡前缘垮塌约300方，堵塞村道，无人员伤亡。".into(),
                    enterprise_id: String::new(),
                    object_id: String::new(),
                },
            )
            .await?;
        let id = incident.incident.id;
        self.report_incident(
            &sys,
            id,
            &ReportInput {
                stage: "initial".into(),
                reported_at: String::new(),
                summary: "石坝村3号滑坡前缘局部垮塌约300方，村道中断，已转移受威胁群众12户41人，无人员伤亡。".into(),
            },
        )
        .await?;
        let team = self
            .create_team(
                &sys,
                &safegrid_domain::team::TeamInput {
                    name: "马武镇综合应急救援队".into(),
                    kind: "comprehensive".into(),
                    region_id: town_id.to_string(),
                    specialty: "抗洪抢险、地灾排危、森林灭火".into(),
                    leader: "王强".into(),
                    leader_mobile: "13808230001".into(),
                    call_out: "值班室电话通知，30分钟内镇政府院坝集结".into(),
                },
            )
            .await?;
        for (name, mobile, skills) in [
            ("李明", "13808230002", "急救证,驾驶"),
            ("赵亮", "13808230003", "无人机"),
            ("陈刚", "13808230004", "油锯,水泵"),
        ] {
            self.add_team_member(
                &sys,
                team.id,
                &safegrid_domain::team::MemberInput {
                    name: name.into(),
                    mobile: mobile.into(),
                    skills: skills.into(),
                },
            )
            .await?;
        }
        self.send_team(&sys, id, team.id).await?;
        for entry in [
            "群测群防员发现前缘垮塌，电话报告村委会",
            "镇应急分队到达现场，设置警戒",
            "受威胁群众12户41人转移至村委会避灾点",
        ] {
            self.log_incident(&sys, id, entry).await?;
        }
        Ok(())
    }

    /// The duty roster from the first of this month for two months: the town's leaders lead in
    /// turn, the office's staff stand duty in turn.
    async fn demo_roster(&self, town_id: i64, leaders: &[i64], office: &[i64]) -> Result<()> {
        use chrono::Datelike;
        if leaders.is_empty() || office.is_empty() {
            return Ok(());
        }
        let today = safegrid_domain::duty::duty_day(chrono::Utc::now());
        let first = today.with_day(1).unwrap_or(today);
        for i in 0..61usize {
            let day = first + chrono::Days::new(i as u64);
            self.set_duty_day(
                &system(),
                &safegrid_domain::duty::RosterInput {
                    day: day.to_string(),
                    region_id: town_id.to_string(),
                    duty_leader_id: leaders[i % leaders.len()].to_string(),
                    duty_officer_id: office[i % office.len()].to_string(),
                    note: String::new(),
                },
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_are_valid_and_repeatable() {
        let mut a = Gen::new(7);
        let mut b = Gen::new(7);
        for _ in 0..200 {
            let u = a.uscc();
            assert!(safegrid_domain::Uscc::parse(&u).is_ok(), "{u}");
            assert_eq!(u, b.uscc());
            let m = a.mobile();
            assert!(safegrid_domain::Mobile::parse(&m).is_ok(), "{m}");
            assert_eq!(m, b.mobile());
        }
    }
}
