//! Enterprises (企业 / 生产经营单位): the units whose main responsibility for safety the town
//! supervises. A draft is validated whole; region and department facts that need the database are
//! checked by the service.

use crate::error::{Invalid, optional_text, required_text};
use crate::industry;
use crate::mobile::Mobile;
use crate::uscc::Uscc;
use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$variant),)+ _ => None } }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Enterprise size class (大型, 中型, 小型, 微型).
    Scale { Large = "large", Medium = "medium", Small = "small", Micro = "micro" }
);

text_enum!(
    /// Work-safety standardisation grade (安全生产标准化等级).
    StandardGrade { None = "none", Level1 = "level1", Level2 = "level2", Level3 = "level3" }
);

text_enum!(
    /// 五个一批 (work plan task 9): the treatment assigned to a small enterprise on the urban fringe.
    FringeTreatment {
        None = "none",
        Close = "close",
        Relocate = "relocate",
        Renovate = "renovate",
        Eliminate = "eliminate",
        ListedSupervision = "listed_supervision",
    }
);

/// An enterprise as typed into a form or sent to the API: every field is text so that a bad value
/// comes back with its field named rather than failing to deserialise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnterpriseInput {
    pub name: String,
    pub uscc: String,
    pub region_id: String,
    pub industry_code: String,
    pub scale: String,
    /// `"true"`/`"on"` for a form checkbox; empty means the industry decides.
    pub high_risk: String,
    pub address: String,
    pub legal_representative: String,
    pub legal_representative_mobile: String,
    pub actual_controller: String,
    pub safety_director: String,
    pub safety_director_mobile: String,
    pub chief_engineer: String,
    pub standard_grade: String,
    pub fringe_treatment: String,
    pub employees: String,
}

/// A valid enterprise, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnterpriseDraft {
    pub name: String,
    pub uscc: Uscc,
    pub region_id: i64,
    pub industry_code: String,
    pub scale: Scale,
    pub high_risk: bool,
    pub address: Option<String>,
    pub legal_representative: String,
    pub legal_representative_mobile: Option<Mobile>,
    pub actual_controller: Option<String>,
    pub safety_director: Option<String>,
    pub safety_director_mobile: Option<Mobile>,
    pub chief_engineer: Option<String>,
    pub standard_grade: StandardGrade,
    pub fringe_treatment: FringeTreatment,
    pub employees: i64,
}

fn parse_flag(s: &str) -> Option<bool> {
    match s.trim() {
        "" => None,
        "true" | "on" | "1" | "yes" | "是" => Some(true),
        _ => Some(false),
    }
}

pub(crate) fn parse_id(errs: &mut Invalid, field: &str, s: &str) -> i64 {
    match s.trim().parse::<i64>() {
        Ok(v) if v > 0 => v,
        _ if s.trim().is_empty() => {
            errs.push(field, "required");
            0
        }
        _ => {
            errs.push(field, "not_a_reference");
            0
        }
    }
}

pub(crate) fn parse_mobile(errs: &mut Invalid, field: &str, s: &str) -> Option<Mobile> {
    if s.trim().is_empty() {
        return None;
    }
    match Mobile::parse(s) {
        Ok(m) => Some(m),
        Err(code) => {
            errs.push(field, code);
            None
        }
    }
}

pub(crate) fn parse_enum<T: Copy>(
    errs: &mut Invalid,
    field: &str,
    s: &str,
    default: T,
    parse: fn(&str) -> Option<T>,
) -> T {
    let s = s.trim();
    if s.is_empty() {
        return default;
    }
    parse(s).unwrap_or_else(|| {
        errs.push(field, "choice");
        default
    })
}

impl EnterpriseInput {
    pub fn validate(&self) -> Result<EnterpriseDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 100);
        let uscc = if self.uscc.trim().is_empty() {
            errs.push("uscc", "required");
            None
        } else {
            Uscc::parse(&self.uscc)
                .map_err(|e| errs.push("uscc", e.code()))
                .ok()
        };
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let industry_code = self.industry_code.trim().to_ascii_uppercase();
        if industry_code.is_empty() {
            errs.push("industry_code", "required");
        } else if industry::find(&industry_code).is_none() {
            errs.push("industry_code", "industry.unknown");
        }
        let scale = parse_enum(&mut errs, "scale", &self.scale, Scale::Small, Scale::parse);
        let high_risk =
            parse_flag(&self.high_risk).unwrap_or(false) || industry::is_high_risk(&industry_code);
        let address = optional_text(&mut errs, "address", Some(&self.address), 200);
        let legal_representative = required_text(
            &mut errs,
            "legal_representative",
            &self.legal_representative,
            40,
        );
        let legal_representative_mobile = parse_mobile(
            &mut errs,
            "legal_representative_mobile",
            &self.legal_representative_mobile,
        );
        let actual_controller = optional_text(
            &mut errs,
            "actual_controller",
            Some(&self.actual_controller),
            40,
        );
        let safety_director = optional_text(
            &mut errs,
            "safety_director",
            Some(&self.safety_director),
            40,
        );
        let safety_director_mobile = parse_mobile(
            &mut errs,
            "safety_director_mobile",
            &self.safety_director_mobile,
        );
        let chief_engineer =
            optional_text(&mut errs, "chief_engineer", Some(&self.chief_engineer), 40);
        let standard_grade = parse_enum(
            &mut errs,
            "standard_grade",
            &self.standard_grade,
            StandardGrade::None,
            StandardGrade::parse,
        );
        let fringe_treatment = parse_enum(
            &mut errs,
            "fringe_treatment",
            &self.fringe_treatment,
            FringeTreatment::None,
            FringeTreatment::parse,
        );
        let employees = match self.employees.trim() {
            "" => 0,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => n,
                _ => {
                    errs.push("employees", "number.range");
                    0
                }
            },
        };
        errs.into_result()?;
        let uscc = uscc.ok_or_else(|| Invalid::one("uscc", "required"))?;
        Ok(EnterpriseDraft {
            name,
            uscc,
            region_id,
            industry_code,
            scale,
            high_risk,
            address,
            legal_representative,
            legal_representative_mobile,
            actual_controller,
            safety_director,
            safety_director_mobile,
            chief_engineer,
            standard_grade,
            fringe_treatment,
            employees,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> EnterpriseInput {
        EnterpriseInput {
            name: "马武石材有限公司".into(),
            uscc: "91350100M000100Y43".into(),
            region_id: "3".into(),
            industry_code: "b10".into(),
            legal_representative: "张三".into(),
            legal_representative_mobile: "13812345678".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_input_becomes_a_draft() {
        let d = good().validate().unwrap();
        assert_eq!(d.industry_code, "B10");
        assert!(d.high_risk, "mining is high-risk by its industry");
        assert_eq!(d.scale, Scale::Small);
        assert_eq!(d.fringe_treatment, FringeTreatment::None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = EnterpriseInput {
            name: "".into(),
            uscc: "91350100M000100Y44".into(),
            region_id: "x".into(),
            industry_code: "Q9".into(),
            scale: "huge".into(),
            legal_representative: "".into(),
            legal_representative_mobile: "12345".into(),
            employees: "-1".into(),
            fringe_treatment: "burn".into(),
            ..Default::default()
        };
        let e = input.validate().unwrap_err();
        let got: Vec<_> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("uscc", "uscc.check_digit"),
                ("region_id", "not_a_reference"),
                ("industry_code", "industry.unknown"),
                ("scale", "choice"),
                ("legal_representative", "required"),
                ("legal_representative_mobile", "mobile.length"),
                ("fringe_treatment", "choice"),
                ("employees", "number.range"),
            ]
        );
    }

    #[test]
    fn high_risk_can_be_set_for_a_non_high_risk_industry() {
        let mut i = good();
        i.industry_code = "C21".into();
        assert!(!i.validate().unwrap().high_risk);
        i.high_risk = "on".into();
        assert!(i.validate().unwrap().high_risk);
    }
}
