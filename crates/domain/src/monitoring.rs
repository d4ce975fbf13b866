//! Monitored objects (地质灾害隐患点, 水库, 河段, 雨量站, 墒情站, 林区, 易涝区), the people who answer
//! for each, and the sensors bound to them.

use crate::Invalid;
use crate::enterprise::{parse_enum, parse_id, text_enum};
use crate::error::{optional_text, required_text};
use crate::registry::parse_count;
use crate::telemetry::{Metric, Range};
use serde::{Deserialize, Serialize};

text_enum!(
    /// What is monitored.
    ObjectKind {
        HazardSite = "hazard_site",
        Reservoir = "reservoir",
        RiverSection = "river_section",
        RainGauge = "rain_gauge",
        SoilStation = "soil_station",
        ForestArea = "forest_area",
        FloodArea = "flood_area",
    }
);

text_enum!(
    /// Geological hazard type (灾种).
    HazardType {
        Landslide = "landslide",
        Collapse = "collapse",
        DebrisFlow = "debris_flow",
        Subsidence = "subsidence",
        UnstableSlope = "unstable_slope",
    }
);

text_enum!(
    /// Scale of a geological hazard (rules.md §4.2): 小型, 中型, 大型, 特大型.
    HazardScale { Small = "small", Medium = "medium", Large = "large", Huge = "huge" }
);

text_enum!(
    /// Reservoir size class (rules.md §7): 小(2)型, 小(1)型, 中型, 大型.
    ReservoirClass { Small2 = "small2", Small1 = "small1", Medium = "medium", Large = "large" }
);

text_enum!(
    /// A person's duty at an object. Hazard sites have the four grid roles of rules.md §5
    /// (群测群防员, 镇乡专管员, 驻守地质队员, 区县技术管理员); reservoirs the three responsible
    /// persons of §7 (行政, 技术, 巡查).
    DutyRole {
        Monitor = "monitor",
        TownOfficial = "town_official",
        ResidentGeologist = "resident_geologist",
        DistrictTechnician = "district_technician",
        AdminResponsible = "admin_responsible",
        TechnicalResponsible = "technical_responsible",
        PatrolResponsible = "patrol_responsible",
        Backup = "backup",
    }
);

impl ObjectKind {
    /// Objects someone walks: slopes, dams, banks and low ground. Gauges and stations are not
    /// patrolled.
    pub fn is_patrolled(self) -> bool {
        matches!(
            self,
            ObjectKind::HazardSite
                | ObjectKind::Reservoir
                | ObjectKind::RiverSection
                | ObjectKind::FloodArea
        )
    }

    /// Whether a stored kind code is a patrolled kind.
    pub fn code_is_patrolled(code: &str) -> bool {
        ObjectKind::parse(code).is_some_and(ObjectKind::is_patrolled)
    }

    /// The duties that must each have a named person; a gap shows on the coverage report.
    pub fn required_roles(self) -> &'static [DutyRole] {
        match self {
            ObjectKind::HazardSite => &[
                DutyRole::Monitor,
                DutyRole::TownOfficial,
                DutyRole::ResidentGeologist,
                DutyRole::DistrictTechnician,
            ],
            ObjectKind::Reservoir => &[
                DutyRole::AdminResponsible,
                DutyRole::TechnicalResponsible,
                DutyRole::PatrolResponsible,
            ],
            _ => &[],
        }
    }
}

/// A monitored object as entered: text throughout, so that each bad field is named.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ObjectInput {
    pub kind: String,
    pub name: String,
    pub code: String,
    pub region_id: String,
    pub latitude: String,
    pub longitude: String,
    pub hazard_type: String,
    pub scale: String,
    pub households: String,
    pub residents: String,
    pub evacuation_route: String,
    pub shelter: String,
    pub reservoir_class: String,
    pub flood_limit_level: String,
    pub warning_level: String,
    pub guaranteed_level: String,
    pub forest_hectares: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectDraft {
    pub kind: ObjectKind,
    pub name: String,
    /// The office's own number for the object (e.g. the hazard-site register number).
    pub code: Option<String>,
    pub region_id: i64,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub hazard_type: Option<HazardType>,
    pub scale: Option<HazardScale>,
    /// Households and people threatened (hazard sites, flood areas).
    pub households: i64,
    pub residents: i64,
    pub evacuation_route: Option<String>,
    pub shelter: Option<String>,
    pub reservoir_class: Option<ReservoirClass>,
    /// 汛限水位 of a reservoir, m.
    pub flood_limit_level: Option<f64>,
    /// 警戒水位 and 保证水位 of a river section, m.
    pub warning_level: Option<f64>,
    pub guaranteed_level: Option<f64>,
    pub forest_hectares: Option<f64>,
    pub note: Option<String>,
}

pub(crate) fn parse_number(
    errs: &mut Invalid,
    field: &str,
    s: &str,
    min: f64,
    max: f64,
) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => Some(v),
        Ok(v) if v.is_finite() => {
            errs.push(field, "number.range");
            None
        }
        _ => {
            errs.push(field, "not_a_number");
            None
        }
    }
}

/// A position as typed: both coordinates or neither, each in its range.
pub(crate) fn parse_position(
    errs: &mut Invalid,
    latitude: &str,
    longitude: &str,
) -> (Option<f64>, Option<f64>) {
    let lat = parse_number(errs, "latitude", latitude, -90.0, 90.0);
    let lon = parse_number(errs, "longitude", longitude, -180.0, 180.0);
    let (lat_blank, lon_blank) = (latitude.trim().is_empty(), longitude.trim().is_empty());
    if lat_blank != lon_blank {
        errs.push(if lat_blank { "latitude" } else { "longitude" }, "required");
    }
    (lat, lon)
}

impl ObjectInput {
    pub fn validate(&self) -> Result<ObjectDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = ObjectKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(
                "kind",
                if self.kind.trim().is_empty() {
                    "required"
                } else {
                    "choice"
                },
            );
        }
        let kind = kind.unwrap_or(ObjectKind::RainGauge);
        let name = required_text(&mut errs, "name", &self.name, 100);
        let code = optional_text(&mut errs, "code", Some(&self.code), 40);
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let (latitude, longitude) = parse_position(&mut errs, &self.latitude, &self.longitude);
        let hazard_type = parse_enum(&mut errs, "hazard_type", &self.hazard_type, None, |v| {
            HazardType::parse(v).map(Some)
        });
        let scale = parse_enum(&mut errs, "scale", &self.scale, None, |v| {
            HazardScale::parse(v).map(Some)
        });
        let reservoir_class = parse_enum(
            &mut errs,
            "reservoir_class",
            &self.reservoir_class,
            None,
            |v| ReservoirClass::parse(v).map(Some),
        );
        if kind == ObjectKind::HazardSite
            && hazard_type.is_none()
            && self.hazard_type.trim().is_empty()
        {
            errs.push("hazard_type", "required");
        }
        if kind == ObjectKind::Reservoir
            && reservoir_class.is_none()
            && self.reservoir_class.trim().is_empty()
        {
            errs.push("reservoir_class", "required");
        }
        let households = parse_count(&mut errs, "households", &self.households);
        let residents = parse_count(&mut errs, "residents", &self.residents);
        let evacuation_route = optional_text(
            &mut errs,
            "evacuation_route",
            Some(&self.evacuation_route),
            200,
        );
        let shelter = optional_text(&mut errs, "shelter", Some(&self.shelter), 100);
        let flood_limit_level = parse_number(
            &mut errs,
            "flood_limit_level",
            &self.flood_limit_level,
            -100.0,
            9000.0,
        );
        let warning_level = parse_number(
            &mut errs,
            "warning_level",
            &self.warning_level,
            -100.0,
            9000.0,
        );
        let guaranteed_level = parse_number(
            &mut errs,
            "guaranteed_level",
            &self.guaranteed_level,
            -100.0,
            9000.0,
        );
        if let (Some(w), Some(g)) = (warning_level, guaranteed_level)
            && g <= w
        {
            errs.push("guaranteed_level", "monitoring.guaranteed_above_warning");
        }
        let forest_hectares = parse_number(
            &mut errs,
            "forest_hectares",
            &self.forest_hectares,
            0.0,
            10_000_000.0,
        );
        if kind == ObjectKind::ForestArea
            && forest_hectares.is_none()
            && self.forest_hectares.trim().is_empty()
        {
            errs.push("forest_hectares", "required");
        }
        let note = optional_text(&mut errs, "note", Some(&self.note), 500);
        errs.into_result()?;
        Ok(ObjectDraft {
            kind,
            name,
            code,
            region_id,
            latitude,
            longitude,
            hazard_type,
            scale,
            households,
            residents,
            evacuation_route,
            shelter,
            reservoir_class,
            flood_limit_level,
            warning_level,
            guaranteed_level,
            forest_hectares,
            note,
        })
    }
}

/// A sensor as entered. `metrics` lists what it reports, e.g. `rainfall` or
/// `crack_width:0:500` (metric, optionally with the sensor's own minimum and maximum).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SensorInput {
    pub code: String,
    pub object_id: String,
    pub gateway_id: String,
    pub metrics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensorDraft {
    /// The name the gateway sends readings under; unique in the database.
    pub code: String,
    pub object_id: i64,
    pub gateway_id: Option<i64>,
    pub metrics: Vec<(Metric, Range)>,
}

/// Sensor codes travel in MQTT topics and CSV lines: letters, digits, `-`, `_` and `.` only.
/// A threatened household (受威胁户) registered at a site: who to call when a warning comes, and
/// how many people live there.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HouseholdInput {
    pub head_name: String,
    pub mobile: String,
    /// People living there, as typed.
    pub people: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Household {
    pub head_name: String,
    pub mobile: String,
    pub people: i64,
    pub note: Option<String>,
}

/// Most people one household may count.
pub const HOUSEHOLD_MAX: i64 = 50;

/// Checks a site's list of households whole: each row's fields by `household.{i}.{field}`, and
/// a number given twice named at its second row.
pub fn check_households(rows: &[HouseholdInput]) -> Result<Vec<Household>, Invalid> {
    let mut errs = Invalid::default();
    let mut out: Vec<Household> = Vec::new();
    for (i, h) in rows.iter().enumerate() {
        let at = |f: &str| format!("household.{i}.{f}");
        let head_name = required_text(&mut errs, &at("head_name"), &h.head_name, 40);
        let mobile = match crate::Mobile::parse(&h.mobile) {
            Ok(m) => m.as_str().to_string(),
            Err(code) => {
                errs.push(at("mobile"), code);
                String::new()
            }
        };
        if !mobile.is_empty() && out.iter().any(|o| o.mobile == mobile) {
            errs.push(at("mobile"), "duplicate");
        }
        let people = match h.people.trim() {
            "" => {
                errs.push(at("people"), "required");
                0
            }
            v => match v.parse::<i64>() {
                Ok(n) if (1..=HOUSEHOLD_MAX).contains(&n) => n,
                _ => {
                    errs.push(at("people"), "number.range");
                    0
                }
            },
        };
        let note = optional_text(&mut errs, &at("note"), Some(&h.note), 200);
        out.push(Household {
            head_name,
            mobile,
            people,
            note,
        });
    }
    errs.into_result().map(|()| out)
}

pub fn valid_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl SensorInput {
    pub fn validate(&self) -> Result<SensorDraft, Invalid> {
        let mut errs = Invalid::default();
        let code = self.code.trim().to_string();
        if code.is_empty() {
            errs.push("code", "required");
        } else if !valid_code(&code) {
            errs.push("code", "monitoring.sensor_code");
        }
        let object_id = parse_id(&mut errs, "object_id", &self.object_id);
        let gateway_id = if self.gateway_id.trim().is_empty() {
            None
        } else {
            Some(parse_id(&mut errs, "gateway_id", &self.gateway_id))
        };
        let mut metrics: Vec<(Metric, Range)> = Vec::new();
        for (i, raw) in self.metrics.iter().enumerate() {
            let field = format!("metrics.{i}");
            let mut parts = raw.trim().split(':');
            let name = parts.next().unwrap_or_default();
            let Some(metric) = Metric::parse(name) else {
                errs.push(field, "choice");
                continue;
            };
            let bound = |p: Option<&str>| -> Result<Option<f64>, ()> {
                match p.map(str::trim).filter(|s| !s.is_empty()) {
                    None => Ok(None),
                    Some(s) => s.parse::<f64>().map(Some).map_err(|_| ()),
                }
            };
            let (min, max) = (bound(parts.next()), bound(parts.next()));
            let range = match (min, max) {
                (Ok(a), Ok(b)) if parts.next().is_none() => Range::narrowed(metric, a, b),
                _ => None,
            };
            match range {
                None => errs.push(field, "monitoring.sensor_range"),
                Some(_) if metrics.iter().any(|(m, _)| *m == metric) => {
                    errs.push(field, "duplicate")
                }
                Some(r) => metrics.push((metric, r)),
            }
        }
        if self.metrics.is_empty() {
            errs.push("metrics", "required");
        }
        errs.into_result()?;
        Ok(SensorDraft {
            code,
            object_id,
            gateway_id,
            metrics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> ObjectInput {
        ObjectInput {
            kind: "hazard_site".into(),
            name: "石坝村3号滑坡".into(),
            region_id: "4".into(),
            hazard_type: "landslide".into(),
            scale: "small".into(),
            households: "12".into(),
            residents: "41".into(),
            latitude: "29.5".into(),
            longitude: "106.5".into(),
            ..ObjectInput::default()
        }
    }

    fn fields(e: Invalid) -> Vec<String> {
        e.errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_hazard_site_needs_its_type() {
        let d = site().validate().unwrap();
        assert_eq!(d.kind, ObjectKind::HazardSite);
        assert_eq!(d.residents, 41);
        let mut bad = site();
        bad.hazard_type = String::new();
        bad.latitude = "95".into();
        bad.households = "-3".into();
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            vec!["latitude", "hazard_type", "households"]
        );
    }

    #[test]
    fn river_levels_in_order() {
        let river = ObjectInput {
            kind: "river_section".into(),
            name: "龙溪河石坝段".into(),
            region_id: "4".into(),
            warning_level: "3.5".into(),
            guaranteed_level: "3.0".into(),
            ..ObjectInput::default()
        };
        assert_eq!(
            fields(river.validate().unwrap_err()),
            vec!["guaranteed_level"]
        );
    }

    #[test]
    fn roles_required_by_kind() {
        assert_eq!(ObjectKind::HazardSite.required_roles().len(), 4);
        assert_eq!(ObjectKind::Reservoir.required_roles().len(), 3);
        assert!(ObjectKind::RainGauge.required_roles().is_empty());
    }

    #[test]
    fn sensors_name_each_bad_metric() {
        let s = SensorInput {
            code: "SB-3-CR1".into(),
            object_id: "5".into(),
            gateway_id: String::new(),
            metrics: vec!["crack_width:0:500".into(), "rainfall".into()],
        };
        let d = s.validate().unwrap();
        assert_eq!(
            d.metrics[0].1,
            Range {
                min: 0.0,
                max: 500.0
            }
        );
        assert_eq!(d.metrics[1].1, Range::of(Metric::Rainfall));
        let bad = SensorInput {
            code: "SB 3/CR1".into(),
            metrics: vec![
                "heat".into(),
                "crack_width:0:x".into(),
                "tilt:-100:10".into(),
                "tilt".into(),
                "tilt".into(),
            ],
            ..s
        };
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            vec!["code", "metrics.0", "metrics.1", "metrics.2", "metrics.4"]
        );
    }

    #[test]
    fn households_are_checked_whole_by_row() {
        let h = |name: &str, mobile: &str, people: &str| HouseholdInput {
            head_name: name.into(),
            mobile: mobile.into(),
            people: people.into(),
            note: String::new(),
        };
        let ok = check_households(&[
            h("张大", "138 0000 1111", "4"),
            h("李二", "13900002222", "1"),
        ])
        .unwrap();
        assert_eq!(ok[0].mobile, "13800001111");
        assert_eq!(ok[1].people, 1);
        let e = check_households(&[
            h("张大", "13800001111", "4"),
            h("", "+8613800001111", "0"),
            h("王三", "12345", "51"),
            h("赵四", "13700003333", ""),
            h("钱五", "13600004444", "四"),
        ])
        .unwrap_err();
        let got: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|x| (x.field.as_str(), x.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("household.1.head_name", "required"),
                ("household.1.mobile", "duplicate"),
                ("household.1.people", "number.range"),
                ("household.2.mobile", "mobile.length"),
                ("household.2.people", "number.range"),
                ("household.3.people", "required"),
                ("household.4.people", "number.range"),
            ]
        );
    }
}
