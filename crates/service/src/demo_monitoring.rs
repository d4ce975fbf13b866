//! The demo town's monitoring: hazard sites with their four-role rosters (Shiba's landslide no. 1
//! has lost its resident geologist), two reservoirs with their three responsible persons,
//! a river section, a soil station, sensors with alarm rules, and a day of light rain so that the
//! charts have something to show. `safegrid simulate` brings the storm.

use crate::ingest::{Ingest, RawReading};
use crate::{Result, Service, system};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use safegrid_domain::alarm::{Condition, Level, RainWindow, default_rain_windows};
use safegrid_domain::local_time;
use safegrid_domain::monitoring::{HouseholdInput, ObjectInput, SensorInput};
use safegrid_domain::patrol::{CrackInput, PatrolInput};
use safegrid_domain::registry::PersonInput;
use safegrid_domain::telemetry::Metric;
use safegrid_store::people::PersonRow;

/// The sensors of the demo town: (code, object name, metrics).
pub const DEMO_SENSORS: &[(&str, &str, &str)] = &[
    ("SB3-RAIN", "石坝村3号滑坡", "rainfall"),
    ("SB3-CRACK", "石坝村3号滑坡", "crack_width:0:500"),
    ("SB3-GNSS", "石坝村3号滑坡", "displacement"),
    ("SB1-RAIN", "石坝村1号滑坡", "rainfall"),
    ("SB1-CRACK", "石坝村1号滑坡", "crack_width:0:500"),
    ("BZ-CRACK", "堡子村危岩崩塌", "crack_width:0:500"),
    ("XS-TILT", "新生村不稳定斜坡", "tilt"),
    ("LC-LEVEL", "龙池水库", "water_level"),
    ("GH-LEVEL", "桂花水库", "water_level"),
    ("MW-RIVER", "马武河石坝段", "water_level"),
    ("SB-SOIL", "石坝村墒情站", "soil_moisture"),
];

/// A plausible quiet value of a demo sensor at step `i` (10-minute steps) of a quiet day.
pub fn quiet_value(code: &str, i: u64) -> f64 {
    let wave = ((i as f64) / 9.0).sin();
    match code {
        // Light showers in the afternoon: up to 1.5 mm per 10 minutes.
        c if c.ends_with("-RAIN") && (84..102).contains(&(i % 144)) => 0.5 + wave.abs(),
        c if c.ends_with("-RAIN") => 0.0,
        c if c.ends_with("-CRACK") => 3.2 + 0.05 * wave,
        "SB3-GNSS" => 12.0 + 0.2 * wave,
        "XS-TILT" => 0.8 + 0.02 * wave,
        "LC-LEVEL" => 509.6 + 0.1 * wave,
        "GH-LEVEL" => 318.2 + 0.05 * wave,
        "MW-RIVER" => 2.1 + 0.1 * wave,
        "SB-SOIL" => 34.0 + wave,
        _ => 0.0,
    }
}

fn find<'a>(people: &'a [PersonRow], role: &str, path: Option<&str>) -> Option<&'a PersonRow> {
    people.iter().find(|p| {
        p.roles.split(',').any(|r| r == role) && path.is_none_or(|v| p.region_path.starts_with(v))
    })
}

impl Service {
    pub(crate) async fn demo_monitoring(
        &self,
        villages: &[(i64, String, String)],
        town_id: i64,
    ) -> Result<usize> {
        let sys = system();
        let mut g = crate::demo::Gen::new(2024);
        let village = |name: &str| {
            villages
                .iter()
                .find(|v| v.1 == name)
                .cloned()
                .unwrap_or_else(|| villages[0].clone())
        };
        // A town official (镇乡专管员) and a water technician for the reservoirs.
        for (title, roles) in [
            ("地灾专管员", vec!["office_staff"]),
            ("水利站技术员", vec!["office_staff"]),
        ] {
            self.create_person(
                &sys,
                &PersonInput {
                    name: g.name(),
                    mobile: g.mobile(),
                    email: String::new(),
                    region_id: town_id.to_string(),
                    organisation: "马武镇人民政府".into(),
                    title: title.into(),
                    roles: roles.into_iter().map(str::to_string).collect(),
                },
            )
            .await?;
        }
        let people = safegrid_store::people::all_within(&self.store, "/").await?;
        let official = people
            .iter()
            .find(|p| p.title.as_deref() == Some("地灾专管员"))
            .map(|p| p.id);
        let water = people
            .iter()
            .find(|p| p.title.as_deref() == Some("水利站技术员"))
            .map(|p| p.id);
        let geologist = find(&people, "resident_geologist", None).map(|p| p.id);
        let technician = find(&people, "district_technician", None).map(|p| p.id);
        let leader = find(&people, "town_leader", None).map(|p| p.id);

        // (name, kind, village, details)
        let sites: &[(&str, &str, &str, &str, i64, i64)] = &[
            ("石坝村3号滑坡", "landslide", "石坝村", "medium", 12, 41),
            ("石坝村1号滑坡", "landslide", "石坝村", "small", 6, 19),
            ("堡子村危岩崩塌", "collapse", "堡子村", "small", 4, 13),
            (
                "新生村不稳定斜坡",
                "unstable_slope",
                "新生村",
                "small",
                8,
                27,
            ),
            ("木根村泥石流沟", "debris_flow", "木根村", "medium", 11, 31),
        ];
        let mut ids = std::collections::HashMap::new();
        for (i, (name, kind, vname, scale, households, residents)) in sites.iter().enumerate() {
            let v = village(vname);
            let o = self
                .create_object(
                    &sys,
                    &ObjectInput {
                        kind: "hazard_site".into(),
                        name: (*name).into(),
                        code: format!("500102116-DZ{:03}", i + 1),
                        region_id: v.0.to_string(),
                        latitude: format!("{:.5}", 29.4850 + i as f64 * 0.011),
                        longitude: format!("{:.5}", 107.5120 + i as f64 * 0.013),
                        hazard_type: (*kind).into(),
                        scale: (*scale).into(),
                        households: households.to_string(),
                        residents: residents.to_string(),
                        evacuation_route: format!("沿{}村道向东撤离至村委会", v.1),
                        shelter: format!("{}村委会避灾点", v.1),
                        ..Default::default()
                    },
                )
                .await?;
            let monitor = find(&people, "monitor", Some(&v.2)).map(|p| p.id);
            let cadre = find(&people, "village_cadre", Some(&v.2)).map(|p| p.id);
            let roster = [
                ("monitor", monitor),
                ("town_official", official),
                // The resident geologist of Shiba's landslide no. 1 has left: a gap on the
                // coverage report.
                (
                    "resident_geologist",
                    if *name == "石坝村1号滑坡" {
                        None
                    } else {
                        geologist
                    },
                ),
                ("district_technician", technician),
                ("backup", cadre),
            ];
            for (role, person) in roster {
                if let Some(p) = person {
                    self.set_duty(&sys, o.id, role, &[p]).await?;
                }
            }
            // Every household under threat registered, the residents shared among them.
            let homes: Vec<HouseholdInput> = (0..*households)
                .map(|h| HouseholdInput {
                    head_name: g.name(),
                    mobile: g.mobile(),
                    people: (residents / households + i64::from(h < residents % households))
                        .to_string(),
                    note: String::new(),
                })
                .collect();
            self.set_households(&sys, o.id, &homes).await?;
            ids.insert(*name, o.id);
        }
        let reservoirs: &[(&str, &str, &str, f64)] = &[
            ("龙池水库", "龙池村", "small1", 510.5),
            ("桂花水库", "桂花村", "small2", 319.0),
        ];
        for (name, vname, class, limit) in reservoirs {
            let v = village(vname);
            let o = self
                .create_object(
                    &sys,
                    &ObjectInput {
                        kind: "reservoir".into(),
                        name: (*name).into(),
                        region_id: v.0.to_string(),
                        reservoir_class: (*class).into(),
                        flood_limit_level: limit.to_string(),
                        ..Default::default()
                    },
                )
                .await?;
            let patrol = find(&people, "village_cadre", Some(&v.2)).map(|p| p.id);
            for (role, person) in [
                ("admin_responsible", leader),
                ("technical_responsible", water),
                ("patrol_responsible", patrol),
            ] {
                if let Some(p) = person {
                    self.set_duty(&sys, o.id, role, &[p]).await?;
                }
            }
            ids.insert(*name, o.id);
        }
        for (name, kind, vname, extra) in [
            (
                "马武河石坝段",
                "river_section",
                "石坝村",
                ("3.5", "4.2", ""),
            ),
            ("石坝村墒情站", "soil_station", "石坝村", ("", "", "")),
            (
                "马武镇集体林区",
                "forest_area",
                "马武社区",
                ("", "", "2850"),
            ),
            ("马武场镇易涝区", "flood_area", "马武社区", ("", "", "")),
        ] {
            let v = village(vname);
            let o = self
                .create_object(
                    &sys,
                    &ObjectInput {
                        kind: kind.into(),
                        name: name.into(),
                        region_id: v.0.to_string(),
                        warning_level: extra.0.into(),
                        guaranteed_level: extra.1.into(),
                        forest_hectares: extra.2.into(),
                        households: if kind == "flood_area" {
                            "36".into()
                        } else {
                            String::new()
                        },
                        residents: if kind == "flood_area" {
                            "104".into()
                        } else {
                            String::new()
                        },
                        ..Default::default()
                    },
                )
                .await?;
            ids.insert(name, o.id);
        }

        let mut sensor_ids = std::collections::HashMap::new();
        for (code, object, metric) in DEMO_SENSORS {
            let rows = self
                .create_sensor(
                    &sys,
                    &SensorInput {
                        code: (*code).into(),
                        object_id: ids[object].to_string(),
                        gateway_id: String::new(),
                        metrics: vec![(*metric).into()],
                    },
                )
                .await?;
            sensor_ids.insert(*code, rows[0].id);
        }

        // Rules: the county's rolling-rainfall thresholds per site, cracks by width, the storm
        // rule of rainfall with an accelerating crack, silence of a crack meter, reservoir and
        // river levels.
        let bands = |b: [f64; 4]| b.map(Some);
        for (site, rain, crack) in [
            ("石坝村3号滑坡", "SB3-RAIN", "SB3-CRACK"),
            ("石坝村1号滑坡", "SB1-RAIN", "SB1-CRACK"),
        ] {
            let o = ids[site];
            let (rain, crack) = (sensor_ids[rain], sensor_ids[crack]);
            self.create_rule(
                &sys,
                o,
                "降雨量(1/3/6/24小时)",
                &[Condition::Rainfall {
                    sensor_id: Some(rain),
                    windows: default_rain_windows(),
                }],
            )
            .await?;
            self.create_rule(
                &sys,
                o,
                "裂缝宽度",
                &[Condition::Threshold {
                    metric: Metric::CrackWidth,
                    sensor_id: Some(crack),
                    below: false,
                    bands: bands([5.0, 10.0, 20.0, 30.0]),
                    hysteresis: 0.3,
                    min_duration_s: 0,
                }],
            )
            .await?;
            self.create_rule(
                &sys,
                o,
                "强降雨且裂缝加速",
                &[
                    Condition::Rainfall {
                        sensor_id: Some(rain),
                        windows: vec![RainWindow {
                            hours: 3,
                            bands: bands([55.0, 75.0, 100.0, 120.0]),
                        }],
                    },
                    Condition::Rate {
                        metric: Metric::CrackWidth,
                        sensor_id: Some(crack),
                        window_h: 1,
                        bands: bands([2.0, 5.0, 10.0, 20.0]),
                        hysteresis: 0.0,
                    },
                ],
            )
            .await?;
            self.create_rule(
                &sys,
                o,
                "裂缝计无数据",
                &[Condition::Silence {
                    sensor_id: crack,
                    minutes: 60,
                    level: Level::Yellow,
                }],
            )
            .await?;
        }
        for (res, code, limit) in [
            ("龙池水库", "LC-LEVEL", 510.5),
            ("桂花水库", "GH-LEVEL", 319.0),
        ] {
            self.create_rule(
                &sys,
                ids[res],
                "库水位(汛限水位)",
                &[Condition::Threshold {
                    metric: Metric::WaterLevel,
                    sensor_id: Some(sensor_ids[code]),
                    below: false,
                    bands: bands([limit - 0.5, limit, limit + 0.5, limit + 1.0]),
                    hysteresis: 0.05,
                    min_duration_s: 0,
                }],
            )
            .await?;
        }
        self.create_rule(
            &sys,
            ids["马武河石坝段"],
            "河道水位(警戒/保证)",
            &[Condition::Threshold {
                metric: Metric::WaterLevel,
                sensor_id: Some(sensor_ids["MW-RIVER"]),
                below: false,
                bands: bands([3.2, 3.5, 3.85, 4.2]),
                hysteresis: 0.05,
                min_duration_s: 0,
            }],
        )
        .await?;

        self.demo_patrols(ids["石坝村3号滑坡"], ids["石坝村1号滑坡"])
            .await?;

        // A quiet day: readings every 10 minutes for the last 24 hours, through the ingestion.
        let ingest = Ingest::start(self.clone()).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let mut items = Vec::new();
        for i in 0..144u64 {
            let ts = now - (144 - i as i64) * 600_000;
            for (code, _, _) in DEMO_SENSORS {
                let r = RawReading {
                    sensor: serde_json::Value::String((*code).into()),
                    ts: serde_json::Value::from(ts),
                    value: serde_json::Value::from(quiet_value(code, i)),
                    ..RawReading::default()
                };
                items.push((format!("{code}@{i}"), Ok(r)));
            }
        }
        let n = items.len();
        ingest.submit("demo", None, items).await?;
        Ok(n)
    }

    /// The last flood season's patrols of Shiba's two landslides by the village monitor: no. 3
    /// walked every Tuesday and Friday with its cracks measured, no. 1 with two weeks of July
    /// missed and one report of new cracks in August; and this week's check-ins.
    async fn demo_patrols(&self, sb3: i64, sb1: i64) -> Result<()> {
        let Some(row) = safegrid_store::users::by_username(&self.store, "monitor").await? else {
            return Ok(());
        };
        let monitor = self.principal_of(&row).await?;
        let office = match safegrid_store::users::by_username(&self.store, "office").await? {
            Some(u) => self.principal_of(&u).await?,
            None => return Ok(()),
        };
        let today = crate::hazards::today();
        let year = if today.month() >= 10 {
            today.year()
        } else {
            today.year() - 1
        };
        let at = |d: NaiveDate, h: u32| local_time::form_value(local_time::at(d, h, 0));
        let mut d = NaiveDate::from_ymd_opt(year, 6, 1).unwrap_or(today);
        let end = NaiveDate::from_ymd_opt(year, 9, 30).unwrap_or(today);
        let mut n = 0.0;
        while d <= end {
            if matches!(d.weekday(), Weekday::Tue | Weekday::Fri) {
                n += 1.0;
                let cracks = vec![
                    CrackInput {
                        point: "L1".into(),
                        width_mm: format!("{:.1}", 3.0 + n * 0.02),
                    },
                    CrackInput {
                        point: "L2".into(),
                        width_mm: format!("{:.1}", 1.5 + n * 0.01),
                    },
                ];
                let input = PatrolInput {
                    object_id: sb3.to_string(),
                    patrolled_at: at(d, 9),
                    no_anomaly: true,
                    cracks,
                    ..PatrolInput::default()
                };
                self.record_patrol(&monitor, &input, &[]).await?;
                let july_gap = d.month() == 7 && (13..=26).contains(&d.day());
                if !july_gap {
                    let signs = d.month() == 8
                        && (15..=21).contains(&d.day())
                        && d.weekday() == Weekday::Tue;
                    let input = PatrolInput {
                        object_id: sb1.to_string(),
                        patrolled_at: at(d, 10),
                        no_anomaly: !signs,
                        precursors: if signs {
                            vec!["new_cracks".into()]
                        } else {
                            vec![]
                        },
                        note: if signs {
                            "后缘新增拉张裂缝约3米，已通知受威胁户夜间转移".into()
                        } else {
                            String::new()
                        },
                        ..PatrolInput::default()
                    };
                    let receipt = self.record_patrol(&monitor, &input, &[]).await?;
                    if let Some(n) = receipt.notice {
                        // The office looked and closed it after the geologist's visit.
                        self.resolve_alarm(
                            &office,
                            n.alarm_id,
                            "驻守地质队员现场核查，裂缝未继续扩展，解除报警",
                        )
                        .await?;
                    }
                }
            }
            d += Duration::days(1);
        }
        let yesterday = today - Duration::days(1);
        if yesterday > end {
            let input = PatrolInput {
                object_id: sb3.to_string(),
                patrolled_at: at(yesterday, 9),
                no_anomaly: true,
                cracks: vec![CrackInput {
                    point: "L1".into(),
                    width_mm: format!("{:.1}", 3.0 + n * 0.02),
                }],
                ..PatrolInput::default()
            };
            self.record_patrol(&monitor, &input, &[]).await?;
        }
        Ok(())
    }
}
