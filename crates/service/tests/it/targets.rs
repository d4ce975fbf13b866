//! The plan's targets against a hand count: a new village of the demo town is given a year of
//! records (last year, so nothing of the demo's falls in it), and every target of its dashboard
//! is checked against what was put in, the fire damage rate at 0.3‰ exactly and a square metre
//! above it. The 2021 plan of the demo measures the plan tasks done on time.

use super::{as_user, demo_towns, make_user};
use chrono::{Datelike, Utc};
use safegrid_domain::disaster::ReliefInput;
use safegrid_domain::incident::{FiguresInput, GradeInput, IncidentInput};
use safegrid_domain::monitoring::ObjectInput;
use safegrid_domain::project::ProjectInput;
use safegrid_domain::registry::PersonInput;
use safegrid_domain::target::{Measure, Metric, Status, TargetConfigInput};
use safegrid_domain::training::{OutreachInput, StaffInput, TrainingInput};
use safegrid_service::auth::UserInput;
use safegrid_service::hazards::HazardInput;
use safegrid_service::inspections::{InspectionInput, ItemInput};
use safegrid_service::registry::RegionInput;
use safegrid_service::registry::row_input;
use safegrid_service::{Error, Service, system};

fn line(d: &safegrid_service::targets::Dashboard, m: Metric) -> (Measure, Status) {
    let l = d.lines.iter().find(|l| l.def.metric == m).unwrap();
    (l.measure, l.status)
}

/// An incident at 10:00 on a day that the town learned of at `known` (20 minutes later when
/// `None`).
async fn incident_known(
    svc: &Service,
    kind: &str,
    region: i64,
    at: &str,
    object: Option<i64>,
    known: Option<&str>,
) -> i64 {
    let office = as_user(svc, "office").await;
    svc.create_incident(
        &office,
        &IncidentInput {
            kind: kind.into(),
            name: format!("{kind} {at}"),
            occurred_at: format!("{at} 10:00"),
            known_at: known.map(str::to_string).unwrap_or(format!("{at} 10:20")),
            region_id: region.to_string(),
            object_id: object.map(|o| o.to_string()).unwrap_or_default(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .incident
    .id
}

async fn incident(svc: &Service, kind: &str, region: i64, at: &str, object: Option<i64>) -> i64 {
    incident_known(svc, kind, region, at, object, None).await
}

async fn figures(svc: &Service, id: i64, f: FiguresInput) {
    let office = as_user(svc, "office").await;
    svc.set_incident_figures(&office, id, &f).await.unwrap();
}

#[tokio::test]
async fn every_target_matches_a_hand_count() {
    for (db, svc) in demo_towns().await {
        let b = db.backend();
        let sys = system();
        let office = as_user(&svc, "office").await;
        let y = safegrid_domain::local_time::day_of(Utc::now()).year() - 1;
        let day = |md: &str| format!("{y}-{md}");
        let town = svc
            .villages(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.name == "石坝村")
            .unwrap()
            .parent_id
            .unwrap();
        let v = svc
            .create_region(
                &sys,
                &RegionInput {
                    name: "考核村".into(),
                    level: "village".into(),
                    kind: "village".into(),
                    parent_id: Some(town),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let cadre = make_user(
            &svc,
            UserInput {
                username: "kaohe".into(),
                role: "village".into(),
                region_id: Some(v.id),
                ..Default::default()
            },
        )
        .await;

        // 1 000 ha of forest; a disaster site with a monitor.
        let forest = ObjectInput {
            kind: "forest_area".into(),
            name: "考核村林区".into(),
            region_id: v.id.to_string(),
            forest_hectares: "1000".into(),
            households: "0".into(),
            residents: "0".into(),
            ..Default::default()
        };
        svc.create_object(&office, &forest).await.unwrap();
        let site = svc
            .create_object(
                &office,
                &ObjectInput {
                    kind: "hazard_site".into(),
                    name: "考核村1号滑坡".into(),
                    hazard_type: "landslide".into(),
                    ..forest.clone()
                },
            )
            .await
            .unwrap();
        let mut people = Vec::new();
        for (i, role) in [
            "monitor",
            "office_staff",
            "office_staff",
            "office_staff",
            "office_staff",
            "office_staff",
        ]
        .iter()
        .enumerate()
        {
            let p = svc
                .create_person(
                    &office,
                    &PersonInput {
                        name: format!("考核{i}"),
                        mobile: format!("1390000{:04}", 7000 + i),
                        region_id: v.id.to_string(),
                        roles: vec![role.to_string()],
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            people.push(p.id);
        }
        svc.set_duty(&office, site.id, "monitor", &[people[0]])
            .await
            .unwrap();

        // Incidents of the year: 0.3 ha burned (3 000 m², 0.3‰); a 较大 accident and a
        // general one; a landslide at the monitored site (1 dead, 1 missing); a flood (1 dead).
        // A fire of the year before is not counted.
        let fire = incident(&svc, "forest_fire", v.id, &day("03-10"), None).await;
        figures(
            &svc,
            fire,
            FiguresInput {
                burned_hectares: "0.3".into(),
                ..Default::default()
            },
        )
        .await;
        let acc = incident(&svc, "production_accident", v.id, &day("04-01"), None).await;
        svc.set_incident_grade(
            &office,
            acc,
            &GradeInput {
                grade: "larger".into(),
                reason: "3人死亡，事后核定".into(),
            },
        )
        .await
        .unwrap();
        incident(&svc, "production_accident", v.id, &day("05-01"), None).await;
        // A general accident the town heard of two days later: reported late by the unit.
        let known = format!("{} 09:00", day("09-03"));
        incident_known(
            &svc,
            "production_accident",
            v.id,
            &day("09-01"),
            None,
            Some(&known),
        )
        .await;
        let slide = incident(&svc, "geo_hazard", v.id, &day("07-02"), Some(site.id)).await;
        figures(
            &svc,
            slide,
            FiguresInput {
                deaths: "1".into(),
                missing: "1".into(),
                ..Default::default()
            },
        )
        .await;
        let flood = incident(&svc, "natural_disaster", v.id, &day("07-03"), None).await;
        figures(
            &svc,
            flood,
            FiguresInput {
                deaths: "1".into(),
                ..Default::default()
            },
        )
        .await;
        let old = incident(&svc, "forest_fire", v.id, &format!("{}-03-10", y - 1), None).await;
        figures(
            &svc,
            old,
            FiguresInput {
                burned_hectares: "50".into(),
                ..Default::default()
            },
        )
        .await;
        // Three households after the flood, two with all five guarantees.
        for (head, all) in [("甲", true), ("乙", true), ("丙", false)] {
            let yes = |b: bool| if b { "true" } else { "false" }.to_string();
            svc.set_relief_household(
                &office,
                flood,
                &ReliefInput {
                    region_id: v.id.to_string(),
                    head_name: format!("张{head}"),
                    members: "3".into(),
                    food: yes(true),
                    clothing: yes(true),
                    water: yes(true),
                    safe_shelter: yes(true),
                    medical: yes(all),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }

        // Two enterprises, one inspected in the year; two hazards on the books, none closed.
        let model = svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| !e.high_risk)
            .unwrap();
        let mut firms = Vec::new();
        for (i, org) in ["MA7K8P01", "MA7K8P02"].iter().enumerate() {
            let uscc = safegrid_domain::uscc::compose("91", "500102", org).unwrap();
            let e = svc
                .create_enterprise(
                    &office,
                    &safegrid_domain::enterprise::EnterpriseInput {
                        name: format!("考核企业{i}"),
                        uscc: uscc.to_string(),
                        region_id: v.id.to_string(),
                        ..row_input(&model)
                    },
                )
                .await
                .unwrap();
            firms.push(e);
        }
        svc.record_inspection(
            &office,
            &InspectionInput {
                enterprise_id: firms[0].id.to_string(),
                template: "trade-2023".into(),
                kind: "government".into(),
                done_on: day("06-01"),
                results: vec![ItemInput {
                    item: "dust.7".into(),
                    outcome: "pass".into(),
                    note: String::new(),
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for name in ["消防通道堵塞", "配电箱未接地"] {
            svc.report_hazard(
                &office,
                &HazardInput {
                    enterprise_id: firms[1].id.to_string(),
                    name: name.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }

        // Outreach: two in the year, one the year before.
        for (kind, held) in [
            ("into_villages", day("05-12")),
            ("safety_month", day("06-16")),
            ("into_schools", format!("{}-06-01", y - 1)),
        ] {
            svc.record_outreach(
                &cadre,
                &OutreachInput {
                    kind: kind.into(),
                    region_id: v.id.to_string(),
                    held_on: held,
                    name: "宣讲".into(),
                    participants: "40".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        }

        // Guardrail: 4 000 m and 1 000 m finished in the year make 5 km exactly; 800 m the year
        // before do not count.
        for (m, done) in [
            ("4000", day("08-01")),
            ("1000", day("11-20")),
            ("800", format!("{}-10-01", y - 1)),
        ] {
            svc.put_project(
                &office,
                None,
                &ProjectInput {
                    name: format!("护栏{m}"),
                    category: "road_guardrail".into(),
                    region_id: v.id.to_string(),
                    length_m: m.into(),
                    completed_on: done,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }

        // Officers: four in post at the year's end, three qualified (75%, the goal from 2022);
        // one who left the year before, unqualified, is not counted.
        for (i, (q, left)) in [
            ("degree", ""),
            ("experience", ""),
            ("both", ""),
            ("none", ""),
            ("none", "2020-01-01"),
        ]
        .iter()
        .enumerate()
        {
            svc.put_staff(
                &office,
                &StaffInput {
                    person_id: people[i + 1].to_string(),
                    joined_on: "2019-03-01".into(),
                    qualification: q.to_string(),
                    left_on: left.to_string(),
                },
            )
            .await
            .unwrap();
        }
        // Principals: one trained 32 hours before and 12 in the year (compliant), one 30 hours
        // initially in the year (short).
        let t =
            |e: i64, who: &str, kind: &str, from: String, to: String, hours: &str| TrainingInput {
                trainee: who.into(),
                category: "principal".into(),
                kind: kind.into(),
                course: "主要负责人培训".into(),
                enterprise_id: e.to_string(),
                starts_on: from,
                ends_on: to,
                hours: hours.into(),
                ..Default::default()
            };
        for input in [
            t(
                firms[0].id,
                "王一",
                "initial",
                format!("{}-03-01", y - 2),
                format!("{}-03-04", y - 2),
                "32",
            ),
            t(
                firms[0].id,
                "王一",
                "annual",
                day("04-01"),
                day("04-02"),
                "12",
            ),
            t(
                firms[1].id,
                "李二",
                "initial",
                day("05-01"),
                day("05-04"),
                "30",
            ),
        ] {
            svc.record_training(&office, &input).await.unwrap();
        }

        // Outreach and training compliance are the town's to choose: taken up with no weight.
        let mut chosen = TargetConfigInput::of(&svc.target_config(y).await.unwrap());
        chosen.enabled.push("outreach_activities".into());
        chosen.enabled.push("training_compliance".into());
        svc.put_target_config(&office, &chosen).await.unwrap();

        let d = svc.target_dashboard(&cadre, y).await.unwrap();
        assert_eq!(
            line(&d, Metric::LargerAccidents),
            (Measure::Count(1), Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::LateReports),
            (Measure::Count(1), Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::DisasterDeaths),
            (Measure::Count(3), Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::MonitoredSiteDeaths),
            (Measure::Count(2), Status::Red),
            "{b}"
        );
        let forest_m2 = 1000 * 10_000;
        assert_eq!(
            line(&d, Metric::ForestFireRate),
            (
                Measure::Ratio {
                    num: 3_000,
                    den: forest_m2
                },
                Status::Green
            ),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::StaffQualifiedShare),
            (Measure::Ratio { num: 3, den: 4 }, Status::Green),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::GuardrailMetres),
            (Measure::Count(5_000), Status::Green),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::FiveGuaranteeRate),
            (Measure::Ratio { num: 2, den: 3 }, Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::HazardClosureRate),
            (Measure::Ratio { num: 0, den: 2 }, Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::InspectionCompletionRate),
            (Measure::Ratio { num: 1, den: 2 }, Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::PlanTasksOnTime),
            (Measure::Ratio { num: 0, den: 0 }, Status::NoData),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::OutreachActivities).0,
            Measure::Count(2),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::TrainingCompliance).0,
            Measure::Ratio { num: 1, den: 2 },
            "{b}"
        );

        // A square metre more burned and the rate is above 0.3‰: not met.
        let more = incident(&svc, "forest_fire", v.id, &day("10-01"), None).await;
        figures(
            &svc,
            more,
            FiguresInput {
                burned_hectares: "0.0001".into(),
                ..Default::default()
            },
        )
        .await;
        let d = svc.target_dashboard(&cadre, y).await.unwrap();
        assert_eq!(
            line(&d, Metric::ForestFireRate),
            (
                Measure::Ratio {
                    num: 3_001,
                    den: forest_m2
                },
                Status::Amber
            ),
            "{b}"
        );

        // The village's scorecard: the 较大 accident vetoes it whatever its score.
        let s = svc.scorecards(&office, Some(town), y).await.unwrap();
        let mine = s.villages.iter().find(|u| u.id == v.id).unwrap();
        assert!(mine.card.vetoed, "{b}");
        // Larger accident (15), late report (10), disaster deaths (10), site deaths (15), five
        // guarantees (10), hazards (10) and inspections (15) red; the fire rate (15) amber: 7.5.
        assert_eq!(mine.card.score_text(), "7.5", "{b}");

        // The demo's 2021 plan: 21 tasks due by the year's end, all but tasks 6 and 13 reported
        // done in time.
        let d = svc.target_dashboard(&office, 2021).await.unwrap();
        assert_eq!(
            line(&d, Metric::PlanTasksOnTime).0,
            Measure::Ratio { num: 19, den: 21 },
            "{b}"
        );
    }
}

#[tokio::test]
async fn weights_that_do_not_add_up_are_refused_and_only_the_office_sets_them() {
    for (db, svc) in demo_towns().await {
        let b = db.backend();
        let office = as_user(&svc, "office").await;
        let y = 2021;
        let mut input = TargetConfigInput::of(&svc.target_config(y).await.unwrap());
        for user in ["leader", "yjb", "shiba"] {
            let who = as_user(&svc, user).await;
            assert!(
                matches!(
                    svc.put_target_config(&who, &input).await,
                    Err(Error::Forbidden)
                ),
                "{user} {b}"
            );
        }
        let k = Metric::ALL
            .iter()
            .position(|m| *m == Metric::HazardClosureRate)
            .unwrap();
        input.department_weight[k] = "20".into();
        match svc.put_target_config(&office, &input).await {
            Err(Error::Invalid(e)) => {
                assert_eq!(e.errors[0].field, "department_weights", "{b}");
                assert_eq!(e.errors[0].code, "target.weights_sum", "{b}");
            }
            other => panic!("{b}: {other:?}"),
        }
        // Weighed again so they add up, with the fire rate vetoing: stored, and scorecards use it.
        let p = Metric::ALL
            .iter()
            .position(|m| *m == Metric::PlanTasksOnTime)
            .unwrap();
        input.department_weight[p] = "25".into();
        input.veto.push("forest_fire_rate".into());
        let c = svc.put_target_config(&office, &input).await.unwrap();
        assert!(c.get(Metric::ForestFireRate).unwrap().veto, "{b}");
        assert_eq!(svc.target_config(2030).await.unwrap(), c, "{b}");
    }
}

/// Scenario 4: the demo's year reads as the leader's December assessment.
#[tokio::test]
async fn the_demo_year_reads_as_the_year_end_assessment() {
    for (db, svc) in demo_towns().await {
        let b = db.backend();
        let leader = as_user(&svc, "leader").await;
        let y = safegrid_domain::local_time::day_of(Utc::now()).year();
        let d = svc.target_dashboard(&leader, y).await.unwrap();
        assert_eq!(
            line(&d, Metric::LargerAccidents),
            (Measure::Count(0), Status::Green),
            "{b}"
        );
        // 0.342 ha of 2 850 ha.
        assert_eq!(
            line(&d, Metric::ForestFireRate),
            (
                Measure::Ratio {
                    num: 3_420,
                    den: 28_500_000
                },
                Status::Green
            ),
            "{b}"
        );
        let l = d
            .lines
            .iter()
            .find(|l| l.def.metric == Metric::ForestFireRate)
            .unwrap();
        assert_eq!(l.value, "0.120", "{b}");
        assert_eq!(
            line(&d, Metric::StaffQualifiedShare),
            (Measure::Ratio { num: 7, den: 12 }, Status::Red),
            "{b}"
        );
        assert_eq!(
            line(&d, Metric::GuardrailMetres),
            (Measure::Count(5_300), Status::Green),
            "{b}"
        );
        let (five, st) = line(&d, Metric::FiveGuaranteeRate);
        assert!(
            matches!(five, Measure::Ratio { num, den } if num == den && den > 0),
            "{b}: {five:?}"
        );
        assert_eq!(st, Status::Green, "{b}");
        assert_eq!(
            line(&d, Metric::LateReports),
            (Measure::Count(1), Status::Red),
            "{b}"
        );
        let s = svc.scorecards(&leader, None, y).await.unwrap();
        let vetoed: Vec<&str> = s
            .villages
            .iter()
            .filter(|u| u.card.vetoed)
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(vetoed, ["文观村"], "{b}");
        assert_eq!(s.villages.len(), 12, "{b}");
        assert!(!s.departments.is_empty(), "{b}");
    }
}
