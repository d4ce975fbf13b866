//! Posts (岗位) and their 两单两卡 (rules.md §10): the risk list comes from the post's risk points;
//! the duty list, the operating card and the emergency disposal card are written for the post.
//! Lists are entered one entry per line.

use crate::Invalid;
use crate::error::{optional_text, required_text};
use serde::{Deserialize, Serialize};

/// The cards of a post as typed (one entry per line in the list fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostInput {
    pub enterprise_id: String,
    pub name: String,
    /// 岗位职责清单.
    pub duties: String,
    pub prohibited: String,
    pub basis: String,
    /// 岗位操作卡.
    pub task: String,
    pub pre_checks: String,
    pub steps: String,
    pub prohibitions: String,
    pub ppe: String,
    /// 岗位应急处置卡.
    pub incident_type: String,
    pub main_danger: String,
    pub signs: String,
    pub emergency_steps: String,
    pub cautions: String,
    pub company_phone: String,
    pub department_phone: String,
}

/// The cards as stored and printed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostCards {
    pub duties: Vec<String>,
    pub prohibited: Vec<String>,
    pub basis: Option<String>,
    pub task: Option<String>,
    pub pre_checks: Vec<String>,
    pub steps: Vec<String>,
    pub prohibitions: Vec<String>,
    pub ppe: Option<String>,
    pub incident_type: Option<String>,
    pub main_danger: Option<String>,
    pub signs: Option<String>,
    pub emergency_steps: Vec<String>,
    pub cautions: Vec<String>,
    pub company_phone: Option<String>,
    pub department_phone: Option<String>,
}

impl PostCards {
    /// A post has its cards when each has its core: duties, operating steps, emergency steps.
    pub fn complete(&self) -> bool {
        !self.duties.is_empty() && !self.steps.is_empty() && !self.emergency_steps.is_empty()
    }

    /// The cards as input, to pre-fill an edit form.
    pub fn to_input(&self, enterprise_id: i64, name: &str) -> PostInput {
        let j = |v: &Vec<String>| v.join("\n");
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        PostInput {
            enterprise_id: enterprise_id.to_string(),
            name: name.into(),
            duties: j(&self.duties),
            prohibited: j(&self.prohibited),
            basis: o(&self.basis),
            task: o(&self.task),
            pre_checks: j(&self.pre_checks),
            steps: j(&self.steps),
            prohibitions: j(&self.prohibitions),
            ppe: o(&self.ppe),
            incident_type: o(&self.incident_type),
            main_danger: o(&self.main_danger),
            signs: o(&self.signs),
            emergency_steps: j(&self.emergency_steps),
            cautions: j(&self.cautions),
            company_phone: o(&self.company_phone),
            department_phone: o(&self.department_phone),
        }
    }
}

fn lines(errs: &mut Invalid, field: &str, s: &str) -> Vec<String> {
    let v: Vec<String> = s
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '、')
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect();
    if v.len() > 50 || v.iter().any(|l| l.chars().count() > 300) {
        errs.push(field, "too_long");
    }
    v
}

fn phone(errs: &mut Invalid, field: &str, s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let digits = t.chars().filter(|c| c.is_ascii_digit()).count();
    if !(3..=20).contains(&digits)
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')'))
    {
        errs.push(field, "phone.form");
    }
    Some(t.to_string())
}

impl PostInput {
    /// Validates the post's name and cards. Cards may be filled in over time; `complete()` says
    /// whether they are.
    pub fn validate(&self) -> Result<(String, PostCards), Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 60);
        let cards = PostCards {
            duties: lines(&mut errs, "duties", &self.duties),
            prohibited: lines(&mut errs, "prohibited", &self.prohibited),
            basis: optional_text(&mut errs, "basis", Some(&self.basis), 200),
            task: optional_text(&mut errs, "task", Some(&self.task), 100),
            pre_checks: lines(&mut errs, "pre_checks", &self.pre_checks),
            steps: lines(&mut errs, "steps", &self.steps),
            prohibitions: lines(&mut errs, "prohibitions", &self.prohibitions),
            ppe: optional_text(&mut errs, "ppe", Some(&self.ppe), 200),
            incident_type: optional_text(&mut errs, "incident_type", Some(&self.incident_type), 60),
            main_danger: optional_text(&mut errs, "main_danger", Some(&self.main_danger), 200),
            signs: optional_text(&mut errs, "signs", Some(&self.signs), 200),
            emergency_steps: lines(&mut errs, "emergency_steps", &self.emergency_steps),
            cautions: lines(&mut errs, "cautions", &self.cautions),
            company_phone: phone(&mut errs, "company_phone", &self.company_phone),
            department_phone: phone(&mut errs, "department_phone", &self.department_phone),
        };
        errs.into_result()?;
        Ok((name, cards))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PostInput {
        PostInput {
            enterprise_id: "4".into(),
            name: "打磨工".into(),
            duties: "1. 班前检查除尘器\n2、每班清扫积尘\n\n".into(),
            steps: "开启除尘\n启动砂光机".into(),
            emergency_steps: "报警\n隔离\n施救\n上报".into(),
            company_phone: "023-7288 1234".into(),
            ..Default::default()
        }
    }

    #[test]
    fn lines_are_numbered_entries() {
        let (name, cards) = input().validate().unwrap();
        assert_eq!(name, "打磨工");
        assert_eq!(cards.duties, ["班前检查除尘器", "每班清扫积尘"]);
        assert!(cards.complete());
        let (_, partial) = PostInput {
            emergency_steps: String::new(),
            ..input()
        }
        .validate()
        .unwrap();
        assert!(!partial.complete());
        assert_eq!(
            PostCards::default().to_input(4, "x").validate().unwrap().1,
            PostCards::default()
        );
        let (_, back) = cards.to_input(4, "打磨工").validate().unwrap();
        assert_eq!(back, cards);
    }

    #[test]
    fn phones_and_names_are_checked() {
        let e = PostInput {
            name: "".into(),
            company_phone: "call me".into(),
            ..input()
        }
        .validate()
        .unwrap_err();
        let got: Vec<_> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(got, [("name", "required"), ("company_phone", "phone.form")]);
    }
}
