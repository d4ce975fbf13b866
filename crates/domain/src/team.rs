//! Rescue teams (救援队伍): the town's comprehensive team, professional teams (forest fire,
//! flood, mine rescue) and social teams, with their members and skills, how to call them, and
//! the incidents they are sent to.

use crate::Invalid;
use crate::enterprise::{parse_id, text_enum};
use crate::error::{optional_text, required_text};
use serde::{Deserialize, Serialize};

text_enum!(
    /// 综合、专业、社会救援队伍.
    TeamKind { Comprehensive = "comprehensive", Professional = "professional", Social = "social" }
);

/// A team as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TeamInput {
    pub name: String,
    pub kind: String,
    pub region_id: String,
    /// What it does (森林灭火, 抗洪抢险, 地灾排危…).
    pub specialty: String,
    pub leader: String,
    pub leader_mobile: String,
    /// How to call it out (on-duty phone, the assembly point, time to muster).
    pub call_out: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamDraft {
    pub name: String,
    pub kind: TeamKind,
    pub region_id: i64,
    pub specialty: Option<String>,
    pub leader: String,
    pub leader_mobile: String,
    pub call_out: Option<String>,
}

impl TeamInput {
    pub fn validate(&self) -> Result<TeamDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 60);
        let kind = TeamKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let specialty = optional_text(&mut errs, "specialty", Some(&self.specialty), 100);
        let leader = required_text(&mut errs, "leader", &self.leader, 40);
        let leader_mobile = match crate::Mobile::parse(&self.leader_mobile) {
            Ok(m) => m.as_str().to_string(),
            Err(code) => {
                errs.push("leader_mobile", code);
                String::new()
            }
        };
        let call_out = optional_text(&mut errs, "call_out", Some(&self.call_out), 200);
        errs.into_result()?;
        Ok(TeamDraft {
            name,
            kind: kind.unwrap_or(TeamKind::Social),
            region_id,
            specialty,
            leader,
            leader_mobile,
            call_out,
        })
    }
}

/// A member as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MemberInput {
    pub name: String,
    pub mobile: String,
    /// Skills and certificates, comma-separated (驾驶, 急救证, 无人机).
    pub skills: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberDraft {
    pub name: String,
    pub mobile: String,
    pub skills: Option<String>,
}

impl MemberInput {
    pub fn validate(&self) -> Result<MemberDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 40);
        let mobile = match crate::Mobile::parse(&self.mobile) {
            Ok(m) => m.as_str().to_string(),
            Err(code) => {
                errs.push("mobile", code);
                String::new()
            }
        };
        let skills = optional_text(&mut errs, "skills", Some(&self.skills), 200);
        errs.into_result()?;
        Ok(MemberDraft {
            name,
            mobile,
            skills,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_needs_a_leader_who_can_be_called() {
        let e = TeamInput {
            name: "马武镇综合应急救援队".into(),
            kind: "army".into(),
            region_id: "2".into(),
            leader: "张队长".into(),
            leader_mobile: "12345".into(),
            ..TeamInput::default()
        }
        .validate()
        .unwrap_err();
        let got: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|x| (x.field.as_str(), x.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [("kind", "choice"), ("leader_mobile", "mobile.length")]
        );
        let m = MemberInput {
            name: "李四".into(),
            mobile: "+86 139 0000 1234".into(),
            skills: "急救证,驾驶".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(m.mobile, "13900001234");
    }
}
