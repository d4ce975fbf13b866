//! Warnings (预警) issued to people: their kinds and levels, the states a warning goes through,
//! who may approve which level, how long a recipient has to answer (叫应), and the warning's
//! CAP 1.2 form with the GB/T 35965.1 identifier of rules.md §4.4.

use crate::Invalid;
use crate::access::Role;
use crate::alarm::Level;
use crate::enterprise::{parse_enum, text_enum};
use crate::error::{optional_text, required_text};
use crate::local_time;
use crate::monitoring::{DutyRole, ObjectKind};
use crate::registry::{KeyUnitKind, PersonRole};
use chrono::{DateTime, Duration, Utc};
use safegrid_cap as cap;
use serde::{Deserialize, Serialize};

/// Warning levels are the national four: 蓝 IV, 黄 III, 橙 II, 红 I.
pub type WarningLevel = Level;

text_enum!(
    /// What a warning is about (the meteorological signals of rules.md §4.1 the town acts on, and
    /// the hazards it watches itself).
    WarningKind {
        Rainstorm = "rainstorm",
        GeoHazard = "geo_hazard",
        Flood = "flood",
        ForestFire = "forest_fire",
        Typhoon = "typhoon",
        Gale = "gale",
        HighTemperature = "high_temperature",
        Other = "other",
    }
);

impl WarningKind {
    /// The CAP `<category>`.
    pub fn cap_category(self) -> &'static str {
        match self {
            WarningKind::GeoHazard => "Geo",
            WarningKind::ForestFire => "Fire",
            WarningKind::Other => "Safety",
            _ => "Met",
        }
    }
}

/// The CAP severity of a level (rules.md, Uncertain 6: red → Extreme … blue → Minor).
pub fn cap_severity(level: Level) -> cap::Severity {
    match level {
        Level::Red => cap::Severity::Extreme,
        Level::Orange => cap::Severity::Severe,
        Level::Yellow => cap::Severity::Moderate,
        Level::Blue => cap::Severity::Minor,
    }
}

text_enum!(
    /// Where a warning stands.
    Status {
        Draft = "draft",
        Approved = "approved",
        Issued = "issued",
        Updated = "updated",
        Cancelled = "cancelled",
        Expired = "expired",
    }
);

text_enum!(
    /// What can be done to a warning.
    Action {
        Edit = "edit",
        Approve = "approve",
        Issue = "issue",
        Update = "update",
        Cancel = "cancel",
        Expire = "expire",
    }
);

impl Status {
    /// Issued and not yet over: recipients are reached and must answer.
    pub fn is_live(self) -> bool {
        matches!(self, Status::Issued | Status::Updated)
    }
}

/// The state an action leads to, or `None` when the action is not allowed in `from`. Editing an
/// approved draft sends it back for approval; an issued warning changes only by an update (a new
/// CAP message referring to the last), and ends cancelled or expired.
pub fn next(from: Status, action: Action) -> Option<Status> {
    use Action as A;
    use Status as S;
    match (from, action) {
        (S::Draft | S::Approved, A::Edit) => Some(S::Draft),
        (S::Draft, A::Approve) => Some(S::Approved),
        (S::Approved, A::Issue) => Some(S::Issued),
        (S::Issued | S::Updated, A::Update) => Some(S::Updated),
        (S::Draft | S::Approved | S::Issued | S::Updated, A::Cancel) => Some(S::Cancelled),
        (S::Issued | S::Updated, A::Expire) => Some(S::Expired),
        _ => None,
    }
}

text_enum!(
    /// What a recipient must do besides answering (rules are the defaults of [`required_actions`]).
    RequiredAction {
        Patrol = "patrol",
        Evacuate = "evacuate",
        StopWork = "stop_work",
        SuspendOutdoor = "suspend_outdoor",
        SuspendClasses = "suspend_classes",
        CloseSite = "close_site",
        StandBy = "stand_by",
    }
);

/// Why a recipient is reached, which decides what they must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// A duty at a monitored object inside the area.
    Duty(DutyRole),
    /// A person of the area by their role in the registry.
    Person(PersonRole),
    /// The contact of a key unit in the area.
    KeyUnit(KeyUnitKind),
    /// The safety contact of an enterprise in the area.
    Enterprise { high_risk: bool },
    /// A household registered as threatened at a site in the area.
    Household,
}

/// One rule of what a warning asks: for recipients reached as one of `reached` (keys such as
/// `duty:monitor`, `person:village_head`, `key_unit:school`, `enterprise:high_risk`), by a warning
/// of one of `kinds` (all kinds when empty) at `min_level` or above, the `actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRule {
    pub reached: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<WarningKind>,
    pub min_level: Level,
    pub actions: Vec<RequiredAction>,
}

/// The town's rules of required actions (work plan tasks 13 and 18), first match wins; whoever no
/// rule matches stands by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRules {
    pub rules: Vec<ActionRule>,
}

impl Default for ActionRules {
    /// Monitors patrol; villages and threatened households move people from orange up when the
    /// ground may move;
    /// schools keep children in from yellow and close at red; scenic spots close and cap visitors
    /// and high-risk enterprises (mines, construction) stop work from orange up.
    fn default() -> Self {
        use RequiredAction as A;
        use WarningKind as K;
        let rule = |reached: &[&str], kinds: &[WarningKind], min_level, actions: &[A]| ActionRule {
            reached: reached.iter().map(|r| r.to_string()).collect(),
            kinds: kinds.to_vec(),
            min_level,
            actions: actions.to_vec(),
        };
        let ground = [K::Rainstorm, K::GeoHazard, K::Flood, K::Typhoon];
        let school = ["key_unit:school", "key_unit:kindergarten"];
        ActionRules {
            rules: vec![
                rule(
                    &["duty:monitor", "duty:patrol_responsible", "person:monitor"],
                    &[],
                    Level::Blue,
                    &[A::Patrol],
                ),
                rule(
                    &[
                        "duty:town_official",
                        "duty:admin_responsible",
                        "person:village_head",
                        "person:village_cadre",
                        "person:grid_member",
                    ],
                    &ground,
                    Level::Orange,
                    &[A::Evacuate],
                ),
                // Threatened households move themselves (and say how many) when the ground may.
                rule(
                    &["household:threatened"],
                    &ground,
                    Level::Orange,
                    &[A::Evacuate],
                ),
                rule(&school, &[], Level::Red, &[A::SuspendClasses]),
                rule(&school, &[], Level::Yellow, &[A::SuspendOutdoor]),
                rule(
                    &["key_unit:scenic_spot"],
                    &[],
                    Level::Orange,
                    &[A::CloseSite],
                ),
                rule(
                    &["enterprise:high_risk"],
                    &[],
                    Level::Orange,
                    &[A::StopWork],
                ),
            ],
        }
    }
}

impl ActionRules {
    /// What a warning of `kind` and `level` asks of someone reached as `r`.
    pub fn actions_for(&self, kind: WarningKind, level: Level, r: Reached) -> Vec<RequiredAction> {
        let key = r.key();
        self.rules
            .iter()
            .find(|x| {
                level >= x.min_level
                    && (x.kinds.is_empty() || x.kinds.contains(&kind))
                    && x.reached.contains(&key)
            })
            .map(|x| x.actions.clone())
            .unwrap_or_else(|| vec![RequiredAction::StandBy])
    }

    /// Every rule names known recipients and at least one action.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.reached.is_empty() {
                errs.push(format!("rules.{i}.reached"), "required");
            }
            for (j, k) in rule.reached.iter().enumerate() {
                if Reached::parse_key(k).is_none() {
                    errs.push(format!("rules.{i}.reached.{j}"), "choice");
                }
            }
            if rule.actions.is_empty() {
                errs.push(format!("rules.{i}.actions"), "required");
            }
        }
        errs.into_result()
    }
}

/// The actions the default rules ask (see [`ActionRules::default`]).
pub fn required_actions(kind: WarningKind, level: Level, r: Reached) -> Vec<RequiredAction> {
    ActionRules::default().actions_for(kind, level, r)
}

impl Reached {
    /// The key rules use: `duty:monitor`, `person:village_head`, `key_unit:school`,
    /// `enterprise:high_risk`.
    pub fn key(self) -> String {
        let source = match self {
            Reached::Duty(_) => "duty",
            Reached::Person(_) => "person",
            Reached::KeyUnit(_) => "key_unit",
            Reached::Enterprise { .. } => "enterprise",
            Reached::Household => "household",
        };
        format!("{source}:{}", self.code())
    }

    /// Every key a rule may name, in the order forms list them.
    pub fn keys() -> Vec<String> {
        let mut all: Vec<Reached> = DutyRole::ALL.iter().map(|r| Reached::Duty(*r)).collect();
        all.extend(PersonRole::ALL.iter().map(|r| Reached::Person(*r)));
        all.extend(KeyUnitKind::ALL.iter().map(|k| Reached::KeyUnit(*k)));
        all.push(Reached::Enterprise { high_risk: true });
        all.push(Reached::Enterprise { high_risk: false });
        all.push(Reached::Household);
        all.into_iter().map(Reached::key).collect()
    }

    /// The reached class a rule's key names, if it names one.
    pub fn parse_key(key: &str) -> Option<Reached> {
        let (source, code) = key.split_once(':')?;
        match source {
            "duty" => DutyRole::parse(code).map(Reached::Duty),
            "person" => PersonRole::parse(code).map(Reached::Person),
            "key_unit" => KeyUnitKind::parse(code).map(Reached::KeyUnit),
            "enterprise" => match code {
                "high_risk" => Some(Reached::Enterprise { high_risk: true }),
                "other" => Some(Reached::Enterprise { high_risk: false }),
                _ => None,
            },
            "household" if code == "threatened" => Some(Reached::Household),
            _ => None,
        }
    }

    /// The role, kind or class by which someone was reached, as stored in their reasons.
    pub fn code(self) -> &'static str {
        match self {
            Reached::Duty(r) => r.as_str(),
            Reached::Person(r) => r.as_str(),
            Reached::KeyUnit(k) => k.as_str(),
            Reached::Enterprise { high_risk: true } => "high_risk",
            Reached::Enterprise { high_risk: false } => "other",
            Reached::Household => "threatened",
        }
    }
}

/// Adds `more` to the actions a recipient reached several ways already has: each once, and
/// standing by only while nothing else is asked of them.
pub fn merge_actions(into: &mut Vec<RequiredAction>, more: &[RequiredAction]) {
    for a in more {
        if !into.contains(a) {
            into.push(*a);
        }
    }
    if into.len() > 1 {
        into.retain(|a| *a != RequiredAction::StandBy);
    }
}

/// What a warning made from an alarm starts with.
#[derive(Debug, Clone)]
pub struct AlarmFacts<'a> {
    pub id: i64,
    pub object_id: i64,
    pub object_name: &'a str,
    pub object_kind: Option<ObjectKind>,
    /// The alarm came from rainfall.
    pub rainfall: bool,
    pub level: Level,
}

/// How long a warning made from an alarm stands unless the office changes it.
pub const FROM_ALARM_HOURS: i64 = 12;

/// A warning prefilled from an alarm: its object, its level, the kind its object or metric
/// suggests, a standard instruction, standing [`FROM_ALARM_HOURS`] from `now`.
pub fn input_from_alarm(a: &AlarmFacts<'_>, now: DateTime<Utc>) -> WarningInput {
    let kind = match a.object_kind {
        Some(ObjectKind::HazardSite) => WarningKind::GeoHazard,
        Some(ObjectKind::Reservoir | ObjectKind::RiverSection | ObjectKind::FloodArea) => {
            WarningKind::Flood
        }
        Some(ObjectKind::ForestArea) => WarningKind::ForestFire,
        _ if a.rainfall => WarningKind::Rainstorm,
        _ => WarningKind::Other,
    };
    let instruction = match (kind, a.level >= Level::Orange) {
        (WarningKind::GeoHazard, true) => {
            "立即组织受威胁群众按撤离路线转移至避险点，严禁返回；监测员加密巡查。"
        }
        (WarningKind::Flood, true) => "立即转移低洼地带群众，巡查堤坝，做好抢险准备。",
        _ => "加强巡查和值守，做好转移准备，发现险情立即报告。",
    };
    WarningInput {
        kind: kind.as_str().into(),
        level: a.level.as_str().into(),
        headline: format!("{}{}", a.object_name, zh_event(kind, a.level)),
        instruction: instruction.into(),
        onset: local_time::form_value(now),
        expires: local_time::form_value(now + Duration::hours(FROM_ALARM_HOURS)),
        object_ids: vec![a.object_id.to_string()],
        alarm_id: a.id.to_string(),
        ..WarningInput::default()
    }
}

/// What one level needs: who may approve it and how long a recipient has to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRule {
    pub level: Level,
    pub approvers: Vec<Role>,
    /// Minutes a recipient has to answer (叫应) before the warning is escalated past them.
    pub answer_minutes: u32,
}

/// Approval and answer rules, stored as configuration; these are the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub levels: Vec<LevelRule>,
    /// From this level up the approver must be another person than the author.
    pub four_eyes_from: Level,
}

impl Default for Policy {
    fn default() -> Self {
        let office = vec![Role::EmergencyOffice, Role::Leader];
        Policy {
            levels: vec![
                LevelRule {
                    level: Level::Blue,
                    approvers: office.clone(),
                    answer_minutes: 60,
                },
                LevelRule {
                    level: Level::Yellow,
                    approvers: office.clone(),
                    answer_minutes: 30,
                },
                LevelRule {
                    level: Level::Orange,
                    approvers: office,
                    answer_minutes: 10,
                },
                // A red warning needs a leader (带班领导).
                LevelRule {
                    level: Level::Red,
                    approvers: vec![Role::Leader],
                    answer_minutes: 5,
                },
            ],
            four_eyes_from: Level::Orange,
        }
    }
}

impl Policy {
    fn rule(&self, level: Level) -> Option<&LevelRule> {
        self.levels.iter().find(|r| r.level == level)
    }

    /// Whether a person of `role` may approve a warning of `level` written by `author`.
    pub fn may_approve(&self, level: Level, role: Role, approver: i64, author: i64) -> bool {
        let Some(rule) = self.rule(level) else {
            return false;
        };
        rule.approvers.contains(&role) && (level < self.four_eyes_from || approver != author)
    }

    /// How long a recipient has to answer a warning of `level`.
    pub fn answer_window(&self, level: Level) -> Duration {
        Duration::minutes(i64::from(self.rule(level).map_or(5, |r| r.answer_minutes)))
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        for l in Level::ALL {
            match self.levels.iter().filter(|r| r.level == *l).count() {
                1 => {}
                0 => errs.push(format!("levels.{}", l.as_str()), "required"),
                _ => errs.push(format!("levels.{}", l.as_str()), "duplicate"),
            }
        }
        for r in &self.levels {
            let field = format!("levels.{}", r.level.as_str());
            if r.approvers.is_empty() {
                errs.push(format!("{field}.approvers"), "required");
            }
            if r.approvers
                .iter()
                .any(|a| matches!(a, Role::Enterprise | Role::Monitor))
            {
                errs.push(format!("{field}.approvers"), "choice");
            }
            if !(1..=1440).contains(&r.answer_minutes) {
                errs.push(format!("{field}.answer_minutes"), "number.range");
            }
        }
        errs.into_result()
    }
}

/// A warning as written in the form or the API: text throughout, so each bad field is named.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WarningInput {
    pub kind: String,
    pub level: String,
    pub headline: String,
    pub description: String,
    pub instruction: String,
    /// The English text, when the town provides one (a second CAP `<info>`).
    pub headline_en: String,
    pub description_en: String,
    pub instruction_en: String,
    /// `2026-07-12T22:00` Beijing time or RFC 3339; blank is now.
    pub onset: String,
    pub expires: String,
    pub region_ids: Vec<String>,
    pub object_ids: Vec<String>,
    /// A polygon as CAP writes it: `lat,lon lat,lon …`, closed.
    pub polygon: String,
    /// The alarm the warning was made from.
    pub alarm_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarningDraft {
    pub kind: WarningKind,
    pub level: Level,
    pub headline: String,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub headline_en: Option<String>,
    pub description_en: Option<String>,
    pub instruction_en: Option<String>,
    pub onset: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub region_ids: Vec<i64>,
    pub object_ids: Vec<i64>,
    pub polygon: Option<String>,
    pub alarm_id: Option<i64>,
}

/// Longest a warning may stand before it is renewed by an update.
pub const MAX_HOURS: i64 = 7 * 24;

fn parse_ids(errs: &mut Invalid, field: &str, values: &[String]) -> Vec<i64> {
    let mut out = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match v.parse::<i64>() {
            Ok(id) if id > 0 => {
                if !out.contains(&id) {
                    out.push(id)
                }
            }
            _ => errs.push(field, "not_a_reference"),
        }
    }
    out
}

/// Checks a CAP polygon: pairs of `lat,lon` in range, at least four, first equal to last.
pub fn check_polygon(s: &str) -> Result<String, &'static str> {
    let mut pairs = Vec::new();
    for p in s.split_whitespace() {
        let (a, b) = p.split_once(',').ok_or("polygon.form")?;
        let (lat, lon): (f64, f64) = (
            a.parse().map_err(|_| "polygon.form")?,
            b.parse().map_err(|_| "polygon.form")?,
        );
        if !lat.is_finite() || !lon.is_finite() || lat.abs() > 90.0 || lon.abs() > 180.0 {
            return Err("polygon.form");
        }
        pairs.push((lat, lon));
    }
    if pairs.len() < 4 {
        return Err("polygon.too_few");
    }
    if pairs.first() != pairs.last() {
        return Err("polygon.not_closed");
    }
    Ok(pairs
        .iter()
        .map(|(a, b)| format!("{a},{b}"))
        .collect::<Vec<_>>()
        .join(" "))
}

impl WarningInput {
    /// Checks the warning whole; `now` is when the form is sent.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<WarningDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = parse_enum(&mut errs, "kind", &self.kind, None, |v| {
            WarningKind::parse(v).map(Some)
        });
        if kind.is_none() && self.kind.trim().is_empty() {
            errs.push("kind", "required");
        }
        let level = parse_enum(&mut errs, "level", &self.level, None, |v| {
            Level::parse(v).map(Some)
        });
        if level.is_none() && self.level.trim().is_empty() {
            errs.push("level", "required");
        }
        let headline = required_text(&mut errs, "headline", &self.headline, 140);
        let description = optional_text(&mut errs, "description", Some(&self.description), 4000);
        let instruction = optional_text(&mut errs, "instruction", Some(&self.instruction), 2000);
        let headline_en = optional_text(&mut errs, "headline_en", Some(&self.headline_en), 300);
        let description_en = optional_text(
            &mut errs,
            "description_en",
            Some(&self.description_en),
            4000,
        );
        let instruction_en = optional_text(
            &mut errs,
            "instruction_en",
            Some(&self.instruction_en),
            2000,
        );
        if headline_en.is_none() && (description_en.is_some() || instruction_en.is_some()) {
            errs.push("headline_en", "required");
        }
        let mut time = |field: &str, v: &str, blank: Option<DateTime<Utc>>| {
            let v = v.trim();
            if v.is_empty() {
                if blank.is_none() {
                    errs.push(field, "required");
                }
                return blank;
            }
            let t = local_time::parse(v);
            if t.is_none() {
                errs.push(field, "time.invalid");
            }
            t
        };
        let onset = time("onset", &self.onset, Some(now));
        let expires = time("expires", &self.expires, None);
        if let (Some(o), Some(e)) = (onset, expires) {
            if e <= o || e <= now {
                errs.push("expires", "warning.expires_before_onset");
            } else if e - o > Duration::hours(MAX_HOURS) {
                errs.push("expires", "warning.too_long");
            }
        }
        let region_ids = parse_ids(&mut errs, "region_ids", &self.region_ids);
        let object_ids = parse_ids(&mut errs, "object_ids", &self.object_ids);
        let polygon = match self.polygon.trim() {
            "" => None,
            p => match check_polygon(p) {
                Ok(p) => Some(p),
                Err(code) => {
                    errs.push("polygon", code);
                    None
                }
            },
        };
        if region_ids.is_empty() && object_ids.is_empty() && self.polygon.trim().is_empty() {
            errs.push("region_ids", "warning.no_area");
        }
        let alarm_id = match self.alarm_id.trim() {
            "" => None,
            v => parse_ids(&mut errs, "alarm_id", &[v.to_string()])
                .first()
                .copied(),
        };
        errs.into_result()?;
        let (Some(kind), Some(level), Some(onset), Some(expires)) = (kind, level, onset, expires)
        else {
            return Err(Invalid::one("kind", "required"));
        };
        Ok(WarningDraft {
            kind,
            level,
            headline,
            description,
            instruction,
            headline_en,
            description_en,
            instruction_en,
            onset,
            expires,
            region_ids,
            object_ids,
            polygon,
            alarm_id,
        })
    }
}

/// Who issues the town's CAP messages (configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Issuer {
    /// GB/T 2260 six-digit administrative area code of the town's county.
    pub area_code: String,
    /// GB/T 4657 three-digit code of the issuing organisation.
    pub org_code: String,
    /// CAP `<sender>`: no spaces, commas or `<&`.
    pub sender: String,
    /// CAP `<senderName>`.
    pub sender_name: String,
}

impl Default for Issuer {
    fn default() -> Self {
        Issuer {
            area_code: "500240".into(),
            org_code: "000".into(),
            sender: "yjb.mawu@safegrid".into(),
            sender_name: "马武镇应急管理办公室".into(),
        }
    }
}

impl Issuer {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(&self.area_code, 6) {
            errs.push("area_code", "warning.area_code");
        }
        if !digits(&self.org_code, 3) {
            errs.push("org_code", "warning.org_code");
        }
        // CAP 1.2: the sender holds no spaces, commas or restricted characters.
        if self.sender.is_empty()
            || self
                .sender
                .chars()
                .any(|c| c.is_whitespace() || ",<&".contains(c))
        {
            errs.push("sender", "warning.sender");
        }
        errs.into_result()
    }

    /// The identifier of a CAP message sent at `at`, `seq` (0-9) telling apart messages of the
    /// same second: `ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N`, 31 characters, Beijing time.
    pub fn identifier(&self, at: DateTime<Utc>, seq: u8) -> String {
        format!(
            "{:0>6.6}{:0>3.3}00000_{}_{}",
            self.area_code,
            self.org_code,
            local_time::compact(at),
            seq.min(9)
        )
    }
}

/// A warning with everything its CAP form needs.
#[derive(Debug, Clone)]
pub struct CapSource<'a> {
    pub draft: &'a WarningDraft,
    /// The names of the regions and objects it covers, for `<areaDesc>`.
    pub area_names: Vec<String>,
    /// The administrative codes of its regions, for `<geocode>`: how another town's safegrid
    /// finds them in its own registry.
    pub area_codes: Vec<String>,
    /// The warning's public page, as `<web>`.
    pub web: Option<String>,
    pub exercise: bool,
}

/// The CAP 1.2 message of a warning: Alert when first issued, Update with `references` to the
/// messages before it, Cancel likewise.
pub fn to_cap(
    src: &CapSource<'_>,
    issuer: &Issuer,
    identifier: &str,
    sent: DateTime<Utc>,
    msg_type: cap::MsgType,
    references: &[String],
) -> cap::Alert {
    let d = src.draft;
    let mut alert = cap::Alert::new(
        identifier,
        &issuer.sender,
        &local_time::cap(sent),
        if src.exercise {
            cap::Status::Exercise
        } else {
            cap::Status::Actual
        },
        msg_type,
        cap::Scope::Public,
    );
    if !references.is_empty() {
        alert.references = Some(references.join(" "));
    }
    let urgency = if d.onset <= sent {
        cap::Urgency::Immediate
    } else {
        cap::Urgency::Expected
    };
    let certainty = if d.alarm_id.is_some() {
        cap::Certainty::Observed
    } else {
        cap::Certainty::Likely
    };
    let area_desc = if src.area_names.is_empty() {
        "—".to_string()
    } else {
        src.area_names.join("、")
    };
    let info = |lang: &str,
                event: String,
                headline: &str,
                desc: &Option<String>,
                instr: &Option<String>| {
        let mut i = cap::Info::new(
            d.kind.cap_category(),
            &event,
            urgency,
            cap_severity(d.level),
            certainty,
        );
        i.language = Some(lang.into());
        i.response_types = vec![if d.level >= Level::Orange {
            "Evacuate".into()
        } else {
            "Prepare".into()
        }];
        i.onset = Some(local_time::cap(d.onset));
        i.expires = Some(local_time::cap(d.expires));
        i.sender_name = Some(issuer.sender_name.clone());
        i.headline = Some(headline.to_string());
        i.description = desc.clone();
        i.instruction = instr.clone();
        i.web = src.web.clone();
        i.areas = vec![cap::Area {
            area_desc: area_desc.clone(),
            polygons: d.polygon.iter().cloned().collect(),
            circles: vec![],
            geocodes: src
                .area_codes
                .iter()
                .map(|c| cap::ValuePair {
                    // Six digits are a county or wider (GB/T 2260); longer, a town or village.
                    value_name: if c.len() == 6 {
                        "GB/T 2260"
                    } else {
                        "GB/T 10114"
                    }
                    .into(),
                    value: c.clone(),
                })
                .collect(),
            altitude: None,
            ceiling: None,
        }];
        i
    };
    alert.infos.push(info(
        "zh-CN",
        zh_event(d.kind, d.level),
        &d.headline,
        &d.description,
        &d.instruction,
    ));
    if let Some(h) = &d.headline_en {
        alert.infos.push(info(
            "en",
            format!("{} {} warning", level_en(d.level), kind_en(d.kind)),
            h,
            &d.description_en,
            &d.instruction_en,
        ));
    }
    alert
}

/// `地质灾害红色预警` — the CAP `<event>` in Chinese.
pub fn zh_event(kind: WarningKind, level: Level) -> String {
    let k = match kind {
        WarningKind::Rainstorm => "暴雨",
        WarningKind::GeoHazard => "地质灾害",
        WarningKind::Flood => "洪水",
        WarningKind::ForestFire => "森林火险",
        WarningKind::Typhoon => "台风",
        WarningKind::Gale => "大风",
        WarningKind::HighTemperature => "高温",
        WarningKind::Other => "突发事件",
    };
    let l = match level {
        Level::Blue => "蓝色",
        Level::Yellow => "黄色",
        Level::Orange => "橙色",
        Level::Red => "红色",
    };
    format!("{k}{l}预警")
}

fn level_en(l: Level) -> &'static str {
    match l {
        Level::Blue => "Blue",
        Level::Yellow => "Yellow",
        Level::Orange => "Orange",
        Level::Red => "Red",
    }
}

fn kind_en(k: WarningKind) -> &'static str {
    match k {
        WarningKind::Rainstorm => "rainstorm",
        WarningKind::GeoHazard => "geological hazard",
        WarningKind::Flood => "flood",
        WarningKind::ForestFire => "forest fire",
        WarningKind::Typhoon => "typhoon",
        WarningKind::Gale => "gale",
        WarningKind::HighTemperature => "high temperature",
        WarningKind::Other => "emergency",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn every_transition_is_decided() {
        use Action as A;
        use Status as S;
        let allowed = [
            (S::Draft, A::Edit, S::Draft),
            (S::Draft, A::Approve, S::Approved),
            (S::Draft, A::Cancel, S::Cancelled),
            (S::Approved, A::Edit, S::Draft),
            (S::Approved, A::Issue, S::Issued),
            (S::Approved, A::Cancel, S::Cancelled),
            (S::Issued, A::Update, S::Updated),
            (S::Issued, A::Cancel, S::Cancelled),
            (S::Issued, A::Expire, S::Expired),
            (S::Updated, A::Update, S::Updated),
            (S::Updated, A::Cancel, S::Cancelled),
            (S::Updated, A::Expire, S::Expired),
        ];
        let mut n = 0;
        for s in S::ALL {
            for a in A::ALL {
                let want = allowed
                    .iter()
                    .find(|(f, x, _)| f == s && x == a)
                    .map(|t| t.2);
                assert_eq!(next(*s, *a), want, "{s:?} {a:?}");
                n += 1;
            }
        }
        assert_eq!(n, 36);
        assert!(S::Issued.is_live() && S::Updated.is_live());
        assert!(!S::Approved.is_live() && !S::Cancelled.is_live() && !S::Expired.is_live());
    }

    #[test]
    fn red_needs_a_leader_and_a_second_person() {
        let p = Policy::default();
        assert!(p.may_approve(Level::Yellow, Role::EmergencyOffice, 3, 3));
        assert!(!p.may_approve(Level::Orange, Role::EmergencyOffice, 3, 3));
        assert!(p.may_approve(Level::Orange, Role::EmergencyOffice, 4, 3));
        assert!(!p.may_approve(Level::Red, Role::EmergencyOffice, 4, 3));
        assert!(p.may_approve(Level::Red, Role::Leader, 4, 3));
        assert!(!p.may_approve(Level::Red, Role::Leader, 3, 3));
        for r in [
            Role::Admin,
            Role::Department,
            Role::Village,
            Role::Monitor,
            Role::Enterprise,
        ] {
            assert!(!p.may_approve(Level::Blue, r, 4, 3), "{r:?}");
        }
        assert_eq!(p.answer_window(Level::Red), Duration::minutes(5));
        assert_eq!(p.answer_window(Level::Orange), Duration::minutes(10));
        assert_eq!(p.answer_window(Level::Yellow), Duration::minutes(30));
        assert_eq!(p.answer_window(Level::Blue), Duration::minutes(60));
        assert!(p.validate().is_ok());
        let mut bad = Policy::default();
        bad.levels.pop();
        bad.levels[0].approvers = vec![Role::Monitor];
        bad.levels[1].answer_minutes = 0;
        let codes: Vec<(String, String)> = bad
            .validate()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("levels.red".into(), "required".into()),
                ("levels.blue.approvers".into(), "choice".into()),
                ("levels.yellow.answer_minutes".into(), "number.range".into()),
            ]
        );
    }

    fn input() -> WarningInput {
        WarningInput {
            kind: "geo_hazard".into(),
            level: "red".into(),
            headline: "石坝村3号滑坡红色预警".into(),
            instruction: "立即撤离受威胁群众".into(),
            onset: "2026-07-13T00:45".into(),
            expires: "2026-07-13T06:00".into(),
            region_ids: vec!["12".into()],
            object_ids: vec!["3".into(), "3".into()],
            ..WarningInput::default()
        }
    }

    #[test]
    fn a_warning_is_checked_whole() {
        let now = at("2026-07-12T16:40:00Z");
        let d = input().validate(now).unwrap();
        assert_eq!(d.onset, at("2026-07-12T16:45:00Z"));
        assert_eq!(d.object_ids, vec![3]);
        let e = WarningInput {
            kind: "meteor".into(),
            level: "".into(),
            headline: "".into(),
            description_en: "Move now".into(),
            expires: "2026-07-12T23:00".into(),
            region_ids: vec!["x".into()],
            object_ids: vec![],
            polygon: "29.1,107.5 29.2,107.5 29.2,107.6".into(),
            ..input()
        }
        .validate(now)
        .unwrap_err();
        let codes: Vec<(String, String)> =
            e.errors.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("kind".into(), "choice".into()),
                ("level".into(), "required".into()),
                ("headline".into(), "required".into()),
                ("headline_en".into(), "required".into()),
                ("expires".into(), "warning.expires_before_onset".into()),
                ("region_ids".into(), "not_a_reference".into()),
                ("polygon".into(), "polygon.too_few".into()),
            ]
        );
        let e = WarningInput {
            expires: "2026-07-21T00:00".into(),
            polygon: "29.1,107.5 29.2,107.5 29.2,107.6 29.1,107.6".into(),
            ..input()
        }
        .validate(now)
        .unwrap_err();
        let codes: Vec<&str> = e.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, vec!["warning.too_long", "polygon.not_closed"]);
        let e = WarningInput {
            region_ids: vec![],
            object_ids: vec![],
            ..input()
        }
        .validate(now)
        .unwrap_err();
        assert_eq!(e.errors[0].code, "warning.no_area");
    }

    #[test]
    fn action_rules_are_configuration_checked_by_name() {
        let mut rules = ActionRules::default();
        assert!(rules.validate().is_ok());
        // A town that wants grid members to patrol from blue puts its rule first.
        rules.rules.insert(
            0,
            ActionRule {
                reached: vec!["person:grid_member".into()],
                kinds: vec![WarningKind::Rainstorm],
                min_level: Level::Blue,
                actions: vec![RequiredAction::Patrol],
            },
        );
        let gm = Reached::Person(PersonRole::GridMember);
        assert_eq!(
            rules.actions_for(WarningKind::Rainstorm, Level::Blue, gm),
            vec![RequiredAction::Patrol]
        );
        assert_eq!(
            rules.actions_for(WarningKind::Gale, Level::Blue, gm),
            vec![RequiredAction::StandBy]
        );
        for r in [
            Reached::Duty(DutyRole::Backup),
            Reached::Person(PersonRole::Monitor),
            Reached::KeyUnit(KeyUnitKind::ElderlyHome),
            Reached::Enterprise { high_risk: false },
            Reached::Household,
        ] {
            assert_eq!(Reached::parse_key(&r.key()), Some(r));
        }
        // Every key a form offers reads back, and every default rule names one of them.
        let keys = Reached::keys();
        assert!(keys.iter().all(|k| Reached::parse_key(k).is_some()));
        assert!(
            ActionRules::default()
                .rules
                .iter()
                .flat_map(|r| &r.reached)
                .all(|k| keys.contains(k))
        );
        rules.rules.push(ActionRule {
            reached: vec!["person:mayor".into()],
            kinds: vec![],
            min_level: Level::Red,
            actions: vec![],
        });
        let e = rules.validate().unwrap_err();
        let n = rules.rules.len() - 1;
        let fields: Vec<String> = e.errors.iter().map(|e| e.field.clone()).collect();
        assert_eq!(
            fields,
            vec![format!("rules.{n}.reached.0"), format!("rules.{n}.actions")]
        );
    }

    #[test]
    fn each_recipient_is_asked_what_their_place_needs() {
        use RequiredAction as A;
        let geo = WarningKind::GeoHazard;
        let r = |k, l, who| required_actions(k, l, who);
        assert_eq!(
            r(geo, Level::Blue, Reached::Duty(DutyRole::Monitor)),
            vec![A::Patrol]
        );
        assert_eq!(
            r(geo, Level::Yellow, Reached::Person(PersonRole::VillageHead)),
            vec![A::StandBy]
        );
        assert_eq!(
            r(geo, Level::Orange, Reached::Person(PersonRole::VillageHead)),
            vec![A::Evacuate]
        );
        assert_eq!(
            r(
                WarningKind::HighTemperature,
                Level::Red,
                Reached::Person(PersonRole::VillageHead)
            ),
            vec![A::StandBy]
        );
        assert_eq!(
            r(geo, Level::Blue, Reached::KeyUnit(KeyUnitKind::School)),
            vec![A::StandBy]
        );
        assert_eq!(
            r(geo, Level::Yellow, Reached::KeyUnit(KeyUnitKind::School)),
            vec![A::SuspendOutdoor]
        );
        assert_eq!(
            r(geo, Level::Red, Reached::KeyUnit(KeyUnitKind::Kindergarten)),
            vec![A::SuspendClasses]
        );
        assert_eq!(
            r(
                geo,
                Level::Yellow,
                Reached::KeyUnit(KeyUnitKind::ScenicSpot)
            ),
            vec![A::StandBy]
        );
        assert_eq!(
            r(
                geo,
                Level::Orange,
                Reached::KeyUnit(KeyUnitKind::ScenicSpot)
            ),
            vec![A::CloseSite]
        );
        assert_eq!(
            r(geo, Level::Red, Reached::Enterprise { high_risk: true }),
            vec![A::StopWork]
        );
        assert_eq!(
            r(geo, Level::Yellow, Reached::Enterprise { high_risk: true }),
            vec![A::StandBy]
        );
        assert_eq!(
            r(geo, Level::Red, Reached::Enterprise { high_risk: false }),
            vec![A::StandBy]
        );
    }

    #[test]
    fn actions_merge_and_standing_by_gives_way() {
        use RequiredAction as A;
        let mut v = vec![A::StandBy];
        merge_actions(&mut v, &[A::StandBy]);
        assert_eq!(v, vec![A::StandBy]);
        merge_actions(&mut v, &[A::Patrol]);
        assert_eq!(v, vec![A::Patrol]);
        merge_actions(&mut v, &[A::Evacuate, A::Patrol]);
        assert_eq!(v, vec![A::Patrol, A::Evacuate]);
        merge_actions(&mut v, &[A::StandBy]);
        assert_eq!(v, vec![A::Patrol, A::Evacuate]);
    }

    #[test]
    fn a_warning_from_an_alarm_takes_its_object_and_level() {
        let now = at("2026-07-12T16:40:00Z");
        let facts = AlarmFacts {
            id: 9,
            object_id: 3,
            object_name: "石坝村1号滑坡",
            object_kind: Some(ObjectKind::HazardSite),
            rainfall: true,
            level: Level::Red,
        };
        let i = input_from_alarm(&facts, now);
        assert_eq!((i.kind.as_str(), i.level.as_str()), ("geo_hazard", "red"));
        assert_eq!(i.headline, "石坝村1号滑坡地质灾害红色预警");
        assert_eq!(
            (i.onset.as_str(), i.expires.as_str()),
            ("2026-07-13T00:40", "2026-07-13T12:40")
        );
        assert!(i.instruction.contains("撤离"));
        // What it gives is a valid warning as it stands.
        let d = i.validate(now).unwrap();
        assert_eq!((d.object_ids, d.alarm_id), (vec![3], Some(9)));
        let gauge = AlarmFacts {
            object_kind: Some(ObjectKind::RainGauge),
            level: Level::Blue,
            ..facts.clone()
        };
        let i = input_from_alarm(&gauge, now);
        assert_eq!(i.kind, "rainstorm");
        assert!(!i.instruction.contains("撤离"));
        let reservoir = AlarmFacts {
            object_kind: Some(ObjectKind::Reservoir),
            ..facts
        };
        assert_eq!(input_from_alarm(&reservoir, now).kind, "flood");
    }

    #[test]
    fn the_identifier_follows_gb_t_35965() {
        assert!(Issuer::default().validate().is_ok());
        let bad = Issuer {
            area_code: "5002".into(),
            org_code: "0a0".into(),
            sender: "马武镇 应急办".into(),
            ..Issuer::default()
        };
        assert_eq!(bad.validate().unwrap_err().errors.len(), 3);
        let id = Issuer::default().identifier(at("2026-07-12T16:45:09Z"), 0);
        assert_eq!(id, "50024000000000_20260713004509_0");
        assert_eq!(id.len(), 31);
    }

    #[test]
    fn the_cap_form_is_valid_cap_and_an_update_refers_back() {
        let now = at("2026-07-12T16:40:00Z");
        let mut d = input().validate(now).unwrap();
        d.headline_en = Some("Landslide red warning".into());
        d.polygon = Some(check_polygon("29.1,107.5 29.2,107.5 29.2,107.6 29.1,107.5").unwrap());
        let src = CapSource {
            draft: &d,
            area_names: vec!["石坝村".into(), "石坝村3号滑坡".into()],
            area_codes: vec!["500102116200".into()],
            web: Some("https://town.example/w/1".into()),
            exercise: false,
        };
        let issuer = Issuer::default();
        let first_id = issuer.identifier(now, 0);
        let first = to_cap(&src, &issuer, &first_id, now, cap::MsgType::Alert, &[]);
        let xml = first.to_xml();
        let (parsed, _) = cap::parse(xml.as_bytes()).unwrap();
        assert_eq!(parsed, first);
        assert_eq!(parsed.infos.len(), 2);
        assert_eq!(parsed.infos[0].event, "地质灾害红色预警");
        assert_eq!(parsed.infos[0].severity, cap::Severity::Extreme);
        assert_eq!(
            parsed.infos[0].onset.as_deref(),
            Some("2026-07-13T00:45:00+08:00")
        );
        assert_eq!(parsed.infos[0].areas[0].area_desc, "石坝村、石坝村3号滑坡");
        let later = now + Duration::hours(5);
        let cancel = to_cap(
            &src,
            &issuer,
            &issuer.identifier(later, 0),
            later,
            cap::MsgType::Cancel,
            &[first.reference()],
        );
        let (parsed, _) = cap::parse(cancel.to_xml().as_bytes()).unwrap();
        assert_eq!(parsed.msg_type, cap::MsgType::Cancel);
        assert_eq!(parsed.references, Some(first.reference()));
    }
}
