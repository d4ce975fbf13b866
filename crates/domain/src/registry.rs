//! The rest of the registry (task 1-4): departments and the industries they supervise, people and
//! their roles, key units, liaison groups (一企一组) and the committees (安委会, 减灾委).

use crate::enterprise::{parse_id, parse_mobile, text_enum};
use crate::error::{Invalid, optional_text, required_text};
use crate::industry;
use crate::mobile::Mobile;
use serde::{Deserialize, Serialize};

text_enum!(
    /// What a person does for the town's safety work; a person may hold several.
    PersonRole {
        TownLeader = "town_leader",
        OfficeStaff = "office_staff",
        DepartmentStaff = "department_staff",
        VillageHead = "village_head",
        VillageCadre = "village_cadre",
        GridMember = "grid_member",
        Monitor = "monitor",
        ResidentGeologist = "resident_geologist",
        DistrictTechnician = "district_technician",
        SafetyOfficer = "safety_officer",
        Principal = "principal",
    }
);

text_enum!(
    /// 重点单位: places where many or vulnerable people gather.
    KeyUnitKind {
        School = "school",
        Kindergarten = "kindergarten",
        Hospital = "hospital",
        ElderlyHome = "elderly_home",
        Market = "market",
        ScenicSpot = "scenic_spot",
        Other = "other",
    }
);

text_enum!(
    /// 安委会 (work safety committee) or 减灾委 (disaster reduction committee).
    CommitteeKind { WorkSafety = "work_safety", DisasterReduction = "disaster_reduction" }
);

text_enum!(
    /// A committee's 专项办公室 (office) or 专项指挥部 (headquarters).
    OfficeKind { Office = "office", Headquarters = "headquarters" }
);

fn parse_list<T>(
    errs: &mut Invalid,
    field: &str,
    items: &[String],
    parse: impl Fn(&str) -> Option<T>,
) -> Vec<T>
where
    T: PartialEq,
{
    let mut out = Vec::new();
    for raw in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        match parse(raw) {
            Some(v) if !out.contains(&v) => out.push(v),
            Some(_) => {}
            None => {
                errs.push(field, "choice");
                break;
            }
        }
    }
    out
}

pub(crate) fn parse_count(errs: &mut Invalid, field: &str, s: &str) -> i64 {
    match s.trim() {
        "" => 0,
        s => match s.parse::<i64>() {
            Ok(n) if (0..=10_000_000).contains(&n) => n,
            _ => {
                errs.push(field, "number.range");
                0
            }
        },
    }
}

/// A department (镇属部门) as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DepartmentInput {
    pub name: String,
    pub region_id: String,
    pub duties: String,
    /// GB/T 4754 codes of the industries it supervises.
    pub industries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentDraft {
    pub name: String,
    pub region_id: i64,
    pub duties: Option<String>,
    pub industries: Vec<String>,
}

impl DepartmentInput {
    pub fn validate(&self) -> Result<DepartmentDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 60);
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let duties = optional_text(&mut errs, "duties", Some(&self.duties), 2000);
        let mut industries: Vec<String> = Vec::new();
        for code in self
            .industries
            .iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
        {
            if industry::find(&code).is_none() {
                errs.push("industries", "industry.unknown");
                break;
            }
            if !industries.contains(&code) {
                industries.push(code);
            }
        }
        errs.into_result()?;
        Ok(DepartmentDraft {
            name,
            region_id,
            duties,
            industries,
        })
    }
}

/// A person as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PersonInput {
    pub name: String,
    pub mobile: String,
    /// Optional; warnings also go by e-mail where the town has an SMTP server.
    pub email: String,
    pub region_id: String,
    pub organisation: String,
    pub title: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonDraft {
    pub name: String,
    pub mobile: Mobile,
    pub email: Option<String>,
    pub region_id: i64,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub roles: Vec<PersonRole>,
}

impl PersonInput {
    pub fn validate(&self) -> Result<PersonDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 40);
        let mobile = if self.mobile.trim().is_empty() {
            errs.push("mobile", "required");
            None
        } else {
            parse_mobile(&mut errs, "mobile", &self.mobile)
        };
        let email = match self.email.trim() {
            "" => None,
            e if crate::delivery::is_email(e) => Some(e.to_string()),
            _ => {
                errs.push("email", "email.invalid");
                None
            }
        };
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let organisation = optional_text(&mut errs, "organisation", Some(&self.organisation), 100);
        let title = optional_text(&mut errs, "title", Some(&self.title), 60);
        let roles = parse_list(&mut errs, "roles", &self.roles, PersonRole::parse);
        errs.into_result()?;
        let mobile = mobile.ok_or_else(|| Invalid::one("mobile", "required"))?;
        Ok(PersonDraft {
            name,
            mobile,
            email,
            region_id,
            organisation,
            title,
            roles,
        })
    }
}

/// A key unit (重点单位) as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyUnitInput {
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub address: String,
    pub contact_name: String,
    pub contact_mobile: String,
    pub occupants: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyUnitDraft {
    pub name: String,
    pub kind: KeyUnitKind,
    pub region_id: i64,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<Mobile>,
    /// People usually inside: pupils, patients, residents.
    pub occupants: i64,
}

impl KeyUnitInput {
    pub fn validate(&self) -> Result<KeyUnitDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 100);
        let kind = KeyUnitKind::parse(self.kind.trim());
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
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let address = optional_text(&mut errs, "address", Some(&self.address), 200);
        let contact_name = optional_text(&mut errs, "contact_name", Some(&self.contact_name), 40);
        let contact_mobile = parse_mobile(&mut errs, "contact_mobile", &self.contact_mobile);
        let occupants = parse_count(&mut errs, "occupants", &self.occupants);
        errs.into_result()?;
        Ok(KeyUnitDraft {
            name,
            kind: kind.unwrap_or(KeyUnitKind::Other),
            region_id,
            address,
            contact_name,
            contact_mobile,
            occupants,
        })
    }
}

/// A liaison group (一企一组): the town leader and staff who answer for one enterprise.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LiaisonGroupInput {
    pub enterprise_id: String,
    pub leader_id: String,
    pub member_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiaisonGroupDraft {
    pub enterprise_id: i64,
    pub leader_id: i64,
    /// Members other than the leader, without repeats.
    pub member_ids: Vec<i64>,
}

impl LiaisonGroupInput {
    pub fn validate(&self) -> Result<LiaisonGroupDraft, Invalid> {
        let mut errs = Invalid::default();
        let enterprise_id = parse_id(&mut errs, "enterprise_id", &self.enterprise_id);
        let leader_id = parse_id(&mut errs, "leader_id", &self.leader_id);
        let mut member_ids = Vec::new();
        for m in self.member_ids.iter().filter(|m| !m.trim().is_empty()) {
            let id = parse_id(&mut errs, "member_ids", m);
            if id != leader_id && id > 0 && !member_ids.contains(&id) {
                member_ids.push(id);
            }
        }
        errs.into_result()?;
        Ok(LiaisonGroupDraft {
            enterprise_id,
            leader_id,
            member_ids,
        })
    }
}

/// A committee (安委会 or 减灾委) of a region with its director.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommitteeInput {
    pub kind: String,
    pub region_id: String,
    pub name: String,
    pub director_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitteeDraft {
    pub kind: CommitteeKind,
    pub region_id: i64,
    pub name: String,
    pub director_id: i64,
}

impl CommitteeInput {
    pub fn validate(&self) -> Result<CommitteeDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = CommitteeKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let name = required_text(&mut errs, "name", &self.name, 60);
        let director_id = parse_id(&mut errs, "director_id", &self.director_id);
        errs.into_result()?;
        Ok(CommitteeDraft {
            kind: kind.unwrap_or(CommitteeKind::WorkSafety),
            region_id,
            name,
            director_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn department_industries_are_checked_and_deduplicated() {
        let d = DepartmentInput {
            name: "产服中心".into(),
            region_id: "2".into(),
            industries: vec!["c".into(), "C".into(), " B10 ".into(), "".into()],
            ..Default::default()
        };
        assert_eq!(d.validate().unwrap().industries, ["C", "B10"]);
        let bad = DepartmentInput {
            industries: vec!["X1".into()],
            ..d
        };
        assert_eq!(
            bad.validate().unwrap_err().errors[0].code,
            "industry.unknown"
        );
    }

    #[test]
    fn person_needs_a_valid_mobile_and_known_roles() {
        let p = PersonInput {
            name: "李四".into(),
            mobile: "139 0000 1111".into(),
            region_id: "5".into(),
            roles: vec!["grid_member".into(), "monitor".into()],
            ..Default::default()
        };
        let d = p.validate().unwrap();
        assert_eq!(d.mobile.as_str(), "13900001111");
        assert_eq!(d.roles, [PersonRole::GridMember, PersonRole::Monitor]);
        let e = PersonInput {
            mobile: "".into(),
            roles: vec!["king".into()],
            ..p
        }
        .validate()
        .unwrap_err();
        let got: Vec<_> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(got, [("mobile", "required"), ("roles", "choice")]);
    }

    #[test]
    fn key_unit_kind_is_required() {
        let k = KeyUnitInput {
            name: "马武小学".into(),
            region_id: "3".into(),
            ..Default::default()
        };
        assert_eq!(k.validate().unwrap_err().errors[0].field, "kind");
        let k = KeyUnitInput {
            kind: "school".into(),
            occupants: "640".into(),
            ..k
        };
        assert_eq!(k.validate().unwrap().occupants, 640);
    }

    #[test]
    fn liaison_group_drops_the_leader_from_members() {
        let g = LiaisonGroupInput {
            enterprise_id: "9".into(),
            leader_id: "1".into(),
            member_ids: vec!["1".into(), "2".into(), "2".into(), "3".into()],
        };
        assert_eq!(g.validate().unwrap().member_ids, [2, 3]);
        let e = LiaisonGroupInput {
            leader_id: "".into(),
            ..g
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.errors[0].field, "leader_id");
    }
}
