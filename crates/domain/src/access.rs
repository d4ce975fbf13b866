//! Who may see and change what. Every decision is a pure function of the caller ([`Principal`]) and
//! the facts of the record, so each rule can be tested by trying to break it.
//!
//! A user is bound either to a region subtree (leaders, the emergency office, village cadres,
//! monitors) or to one organisation (a department, an enterprise). Admins are bound to nothing.

use crate::enterprise::text_enum;
use crate::industry;
use crate::region::is_within;
use serde::{Deserialize, Serialize};

text_enum!(
    /// The roles of safegrid's users.
    Role {
        Admin = "admin",
        Leader = "leader",
        EmergencyOffice = "emergency_office",
        Department = "department",
        Village = "village",
        Monitor = "monitor",
        Enterprise = "enterprise",
    }
);

/// The caller of a use case, as loaded from the session or API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// Path of the region the user is bound to; `/` (everything) for an admin.
    pub region_path: String,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Industry codes the user's department supervises (empty for other roles).
    pub supervised: Vec<String>,
}

/// The facts of an enterprise that access rules look at.
#[derive(Debug, Clone, Copy)]
pub struct EnterpriseFacts<'a> {
    pub id: Option<i64>,
    pub region_path: &'a str,
    pub industry_code: &'a str,
}

/// The part of a list a caller may see: rows inside `region_path`, and when `enterprise_id` is set,
/// only that enterprise's rows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scope {
    pub region_path: String,
    pub enterprise_id: Option<i64>,
}

impl Principal {
    /// The scope of every list this caller asks for.
    pub fn scope(&self) -> Scope {
        Scope {
            region_path: self.region_path.clone(),
            enterprise_id: if self.role == Role::Enterprise {
                Some(self.enterprise_id.unwrap_or(-1))
            } else {
                None
            },
        }
    }

    fn inside(&self, path: &str) -> bool {
        self.role == Role::Admin || is_within(path, &self.region_path)
    }

    /// Reading regions, departments, people, key units and the like inside `path`.
    pub fn can_read_region(&self, path: &str) -> bool {
        self.role != Role::Enterprise && self.inside(path)
    }

    pub fn can_read_enterprise(&self, e: EnterpriseFacts<'_>) -> bool {
        match self.role {
            Role::Enterprise => e.id.is_some() && e.id == self.enterprise_id,
            _ => self.inside(e.region_path),
        }
    }

    /// Creating (`e.id` is `None`) or changing an enterprise. A department changes only the
    /// enterprises of the industries it supervises (管行业必须管安全).
    pub fn can_write_enterprise(&self, e: EnterpriseFacts<'_>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Leader | Role::EmergencyOffice | Role::Village => self.inside(e.region_path),
            Role::Department => {
                self.inside(e.region_path)
                    && industry::supervises(
                        self.supervised.iter().map(String::as_str),
                        e.industry_code,
                    )
            }
            Role::Enterprise => e.id.is_some() && e.id == self.enterprise_id,
            Role::Monitor => false,
        }
    }

    /// People and key units: the office and leaders everywhere in their region, village cadres in
    /// their village.
    pub fn can_write_people(&self, path: &str) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice | Role::Village
        ) && self.inside(path)
    }

    /// The town's structure: regions, departments, committees, liaison groups.
    pub fn can_manage_structure(&self, path: &str) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice
        ) && self.inside(path)
    }

    /// Recording an incident in `path` and reporting on it: the office, leaders and admins over
    /// it, and the cadres of the village it happened in (often the first to know).
    pub fn can_record_incident(&self, path: &str) -> bool {
        self.can_manage_structure(path) || (self.role == Role::Village && self.inside(path))
    }

    /// Filing and moving an enforcement case: the office and leaders over its place, and a
    /// department over the enterprises of the industries it supervises (or a place in its town
    /// when the party is not an enterprise).
    pub fn can_enforce(&self, path: &str, enterprise: Option<EnterpriseFacts<'_>>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Leader | Role::EmergencyOffice => self.inside(path),
            Role::Department => {
                self.inside(path)
                    && enterprise.is_none_or(|e| {
                        industry::supervises(
                            self.supervised.iter().map(String::as_str),
                            e.industry_code,
                        )
                    })
            }
            _ => false,
        }
    }

    /// Seeing an enforcement case: everyone of its region but monitors and enterprises, and the
    /// enterprise that is its party.
    pub fn can_read_case(&self, path: &str, enterprise_id: Option<i64>) -> bool {
        match self.role {
            Role::Enterprise => enterprise_id.is_some() && enterprise_id == self.enterprise_id,
            Role::Monitor => false,
            _ => self.inside(path),
        }
    }

    /// Tracking the investigation of an incident in `path` (its report, the accountability):
    /// the office, leaders and admins over it.
    pub fn can_track_investigation(&self, path: &str) -> bool {
        self.can_manage_structure(path)
    }

    /// Keeping a warehouse in `path` (its items and their movements): the office, leaders and
    /// admins over it, and the cadres of its village (村级储备).
    pub fn can_keep_stock(&self, path: &str) -> bool {
        self.can_record_incident(path)
    }

    /// Seeing an incident: everyone of its region but enterprises.
    pub fn can_read_incident(&self, path: &str) -> bool {
        self.can_read_region(path)
    }

    /// Monitored objects, their duties, sensors, gateways and alarm rules: the office, leaders and
    /// admins.
    pub fn can_manage_monitoring(&self, path: &str) -> bool {
        self.can_manage_structure(path)
    }

    /// Seeing monitored objects, readings and alarms: everyone of the region but enterprises.
    pub fn can_read_monitoring(&self, path: &str) -> bool {
        self.can_read_region(path)
    }

    /// Acknowledging an alarm ("seen, on it"): whoever answers for the place, monitors and
    /// village cadres included. Departments read alarms but do not handle them.
    pub fn can_acknowledge_alarm(&self, path: &str) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice | Role::Village | Role::Monitor
        ) && self.inside(path)
    }

    /// Reporting a patrol of a site: the monitors and village cadres who walk it, and the office
    /// and leaders who sometimes do. Departments and enterprises do not.
    pub fn can_record_patrol(&self, path: &str) -> bool {
        self.can_acknowledge_alarm(path)
    }

    /// Town-wide configuration (risk bands, the patrol policy): the office and admins.
    pub fn can_configure(&self) -> bool {
        matches!(self.role, Role::Admin | Role::EmergencyOffice)
    }

    /// Seeing a warning whose area lies at `path`: the warning's area is inside the caller's
    /// region, or covers it (a town-wide warning reaches every village).
    pub fn can_read_warning(&self, path: &str) -> bool {
        self.can_read_monitoring(path)
            || (self.can_read_monitoring(&self.region_path) && is_within(&self.region_path, path))
    }

    /// Drafting, approving (as the level allows), issuing, updating and cancelling warnings: the
    /// office, leaders and admins.
    pub fn can_write_warnings(&self) -> bool {
        self.can_manage_structure(&self.region_path)
    }

    /// Resolving an alarm closes it for good: the office, leaders and admins.
    pub fn can_resolve_alarm(&self, path: &str) -> bool {
        self.can_manage_structure(path)
    }

    pub fn can_manage_users(&self) -> bool {
        self.role == Role::Admin
    }

    /// Seeing a tip-off about a place at `path`: the office, leaders and admins over it, the
    /// cadres of its village (who often check it), and the department given it to check. Never an
    /// enterprise: a tip-off may be about that very enterprise.
    pub fn can_read_tipoff(&self, path: &str, department_id: Option<i64>) -> bool {
        match self.role {
            Role::Department => department_id.is_some() && department_id == self.department_id,
            Role::Enterprise | Role::Monitor => false,
            _ => self.inside(path),
        }
    }

    /// Moving a tip-off along (to a department, to its outcome, to the hazard or case it led
    /// to): the office, leaders and admins over it, and the department given it to check.
    pub fn can_handle_tipoff(&self, path: &str, department_id: Option<i64>) -> bool {
        match self.role {
            Role::Department => self.can_read_tipoff(path, department_id),
            _ => self.can_manage_structure(path),
        }
    }

    /// Who reported: the emergency office that answers the reporter and pays the reward, and
    /// admins. Each look is audited.
    pub fn can_see_reporter(&self, path: &str) -> bool {
        matches!(self.role, Role::Admin | Role::EmergencyOffice) && self.inside(path)
    }

    /// Deciding and paying a reward: the same office.
    pub fn can_reward(&self, path: &str) -> bool {
        self.can_see_reporter(path)
    }

    /// Working a campaign's target at `path` (marking it in progress or cleared): the office,
    /// leaders and departments over it, and the cadres of its village, who know the tractors.
    pub fn can_work_campaign(&self, path: &str) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice | Role::Department | Role::Village
        ) && self.inside(path)
    }

    /// Reporting progress on a task of the work plan over `path`: the office, leaders and admins
    /// over the plan, and the departments that lead the task or co-operate in it.
    pub fn can_report_task(&self, path: &str, lead: i64, co: &[i64]) -> bool {
        match self.role {
            Role::Department => {
                self.department_id
                    .is_some_and(|d| d == lead || co.contains(&d))
                    && (self.inside(path) || is_within(&self.region_path, path))
            }
            _ => self.can_manage_structure(path),
        }
    }

    /// Recording a training at `path`: the office, leaders and admins over it; a department for
    /// the enterprises of the industries it supervises; an enterprise for its own people.
    pub fn can_record_training(&self, path: &str, enterprise: Option<EnterpriseFacts<'_>>) -> bool {
        match (self.role, enterprise) {
            (Role::Admin | Role::Leader | Role::EmergencyOffice, _) => self.inside(path),
            (Role::Department | Role::Enterprise, Some(e)) => self.can_write_enterprise(e),
            _ => false,
        }
    }

    /// Recording an outreach activity at `path`: the office, leaders, departments and the
    /// cadres of the village that held it.
    pub fn can_record_outreach(&self, path: &str) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice | Role::Department | Role::Village
        ) && self.inside(path)
    }

    /// Keeping construction projects at `path` (their review and 三同时 milestones): the office,
    /// leaders, admins and the departments of the town.
    pub fn can_keep_projects(&self, path: &str) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice | Role::Department
        ) && self.inside(path)
    }

    /// Reading targets and scorecards of `path`: everyone bound to a region over it, but not an
    /// enterprise or a monitor, whose work is elsewhere.
    pub fn can_read_targets(&self, path: &str) -> bool {
        !matches!(self.role, Role::Enterprise | Role::Monitor) && self.inside(path)
    }

    /// The audit history holds before-and-after copies of records, so only those who see all
    /// records of their region read it.
    pub fn can_read_audit(&self) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice
        )
    }
}

/// What a user account is bound to, checked when it is created.
pub fn check_binding(
    role: Role,
    region_id: Option<i64>,
    department_id: Option<i64>,
    enterprise_id: Option<i64>,
) -> Result<(), crate::Invalid> {
    let mut errs = crate::Invalid::default();
    match role {
        Role::Admin => {}
        Role::Department if department_id.is_none() => errs.push("department_id", "required"),
        Role::Enterprise if enterprise_id.is_none() => errs.push("enterprise_id", "required"),
        Role::Leader | Role::EmergencyOffice | Role::Village | Role::Monitor
            if region_id.is_none() =>
        {
            errs.push("region_id", "required")
        }
        _ => {}
    }
    errs.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, path: &str) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            region_path: path.into(),
            department_id: None,
            enterprise_id: None,
            supervised: vec![],
        }
    }

    const SHIBA: &str = "/1/2/3/";
    const WENWU: &str = "/1/2/4/";

    fn ent<'a>(id: i64, path: &'a str, industry: &'a str) -> EnterpriseFacts<'a> {
        EnterpriseFacts {
            id: Some(id),
            region_path: path,
            industry_code: industry,
        }
    }

    #[test]
    fn tip_offs_stay_away_from_enterprises_and_reporters_stay_with_the_office() {
        let office = p(Role::EmergencyOffice, "/1/2/");
        let leader = p(Role::Leader, "/1/2/");
        let village = p(Role::Village, SHIBA);
        let mut dept = p(Role::Department, "/1/2/");
        dept.department_id = Some(7);
        let mut firm = p(Role::Enterprise, SHIBA);
        firm.enterprise_id = Some(1);
        let monitor = p(Role::Monitor, SHIBA);
        assert!(office.can_read_tipoff(SHIBA, None));
        assert!(leader.can_read_tipoff(SHIBA, None));
        assert!(village.can_read_tipoff(SHIBA, None));
        assert!(!village.can_read_tipoff(WENWU, None));
        assert!(!firm.can_read_tipoff(SHIBA, None));
        assert!(!monitor.can_read_tipoff(SHIBA, None));
        assert!(dept.can_read_tipoff(SHIBA, Some(7)));
        assert!(!dept.can_read_tipoff(SHIBA, Some(8)));
        assert!(!dept.can_read_tipoff(SHIBA, None));
        assert!(dept.can_handle_tipoff(SHIBA, Some(7)));
        assert!(!village.can_handle_tipoff(SHIBA, None));
        assert!(leader.can_handle_tipoff(SHIBA, None));
        assert!(office.can_see_reporter(SHIBA));
        assert!(!office.can_see_reporter("/1/9/"));
        for who in [&leader, &village, &dept, &firm, &monitor] {
            assert!(!who.can_see_reporter(SHIBA), "{:?}", who.role);
            assert!(!who.can_reward(SHIBA), "{:?}", who.role);
        }
    }

    #[test]
    fn the_years_work_is_reported_and_recorded_by_those_who_answer_for_it() {
        const TOWN: &str = "/1/2/";
        let office = p(Role::EmergencyOffice, TOWN);
        let mut lead = p(Role::Department, TOWN);
        lead.department_id = Some(7);
        lead.supervised = vec!["C".into()];
        let mut other = p(Role::Department, TOWN);
        other.department_id = Some(9);
        let village = p(Role::Village, SHIBA);
        let mut firm = p(Role::Enterprise, SHIBA);
        firm.enterprise_id = Some(1);
        let monitor = p(Role::Monitor, SHIBA);
        // A task of the town's plan, led by department 7 with 8 co-operating.
        assert!(office.can_report_task(TOWN, 7, &[8]));
        assert!(lead.can_report_task(TOWN, 7, &[8]));
        assert!(!other.can_report_task(TOWN, 7, &[8]));
        other.department_id = Some(8);
        assert!(other.can_report_task(TOWN, 7, &[8]));
        assert!(!lead.can_report_task("/1/5/", 7, &[8]));
        for who in [&village, &firm, &monitor] {
            assert!(!who.can_report_task(TOWN, 7, &[8]), "{:?}", who.role);
        }
        // Training: a department for the enterprises it supervises, an enterprise for its own.
        let mine = ent(1, SHIBA, "C13");
        let theirs = ent(2, SHIBA, "B06");
        assert!(office.can_record_training(SHIBA, Some(theirs)));
        assert!(office.can_record_training(TOWN, None));
        assert!(lead.can_record_training(SHIBA, Some(mine)));
        assert!(!lead.can_record_training(SHIBA, Some(theirs)));
        assert!(!lead.can_record_training(TOWN, None));
        assert!(firm.can_record_training(SHIBA, Some(mine)));
        assert!(!firm.can_record_training(SHIBA, Some(theirs)));
        assert!(!village.can_record_training(SHIBA, None));
        assert!(!monitor.can_record_training(SHIBA, Some(mine)));
        // Outreach: the village holds its own; projects are the town's and its departments'.
        assert!(village.can_record_outreach(SHIBA));
        assert!(!village.can_record_outreach(WENWU));
        assert!(!firm.can_record_outreach(SHIBA));
        assert!(!monitor.can_record_outreach(SHIBA));
        assert!(lead.can_keep_projects(SHIBA));
        assert!(!village.can_keep_projects(SHIBA));
        assert!(!firm.can_keep_projects(SHIBA));
        // Targets: read over one's region, never by an enterprise or a monitor.
        assert!(village.can_read_targets(SHIBA));
        assert!(!village.can_read_targets(TOWN));
        assert!(office.can_read_targets(TOWN));
        assert!(!firm.can_read_targets(SHIBA));
        assert!(!monitor.can_read_targets(SHIBA));
    }

    #[test]
    fn campaign_targets_are_worked_where_people_answer_for_them() {
        let mut dept = p(Role::Department, "/1/2/");
        dept.department_id = Some(7);
        for who in [
            p(Role::EmergencyOffice, "/1/2/"),
            p(Role::Leader, "/1/2/"),
            p(Role::Village, SHIBA),
            dept,
        ] {
            assert!(who.can_work_campaign(SHIBA), "{:?}", who.role);
        }
        assert!(!p(Role::Village, SHIBA).can_work_campaign(WENWU));
        assert!(!p(Role::Village, SHIBA).can_work_campaign("/1/2/"));
        assert!(!p(Role::Monitor, SHIBA).can_work_campaign(SHIBA));
        assert!(!p(Role::Enterprise, SHIBA).can_work_campaign(SHIBA));
    }

    #[test]
    fn village_sees_and_changes_only_its_village() {
        let v = p(Role::Village, SHIBA);
        assert!(v.can_read_enterprise(ent(1, "/1/2/3/9/", "C21")));
        assert!(v.can_write_enterprise(ent(1, SHIBA, "C21")));
        assert!(!v.can_read_enterprise(ent(2, WENWU, "C21")));
        assert!(!v.can_write_enterprise(ent(2, WENWU, "C21")));
        assert!(
            !v.can_read_region("/1/2/"),
            "a village cannot read the town level"
        );
        assert!(!v.can_manage_structure(SHIBA));
        assert!(v.can_write_people(SHIBA));
        assert!(!v.can_write_people(WENWU));
    }

    #[test]
    fn department_changes_only_what_it_supervises() {
        let mut d = p(Role::Department, "/1/2/");
        d.supervised = vec!["C".into(), "B10".into()];
        assert!(d.can_read_enterprise(ent(1, SHIBA, "E47")));
        assert!(!d.can_write_enterprise(ent(1, SHIBA, "E47")));
        assert!(d.can_write_enterprise(ent(1, SHIBA, "C21")));
        assert!(d.can_write_enterprise(EnterpriseFacts {
            id: None,
            region_path: WENWU,
            industry_code: "B10"
        }));
        assert!(
            !d.can_write_enterprise(ent(1, "/1/9/3/", "C21")),
            "not in another town"
        );
        assert!(!d.can_write_people(SHIBA));
        assert!(!d.can_manage_users());
        assert!(!d.can_read_audit());
    }

    #[test]
    fn enterprise_sees_only_itself() {
        let mut e = p(Role::Enterprise, "/1/2/3/");
        e.enterprise_id = Some(7);
        assert!(e.can_read_enterprise(ent(7, SHIBA, "C21")));
        assert!(e.can_write_enterprise(ent(7, SHIBA, "C21")));
        assert!(!e.can_read_enterprise(ent(8, SHIBA, "C21")));
        assert!(!e.can_write_enterprise(EnterpriseFacts {
            id: None,
            region_path: SHIBA,
            industry_code: "C21"
        }));
        assert!(!e.can_read_region(SHIBA));
        assert_eq!(e.scope().enterprise_id, Some(7));
        // An enterprise account that lost its binding sees nothing rather than everything.
        e.enterprise_id = None;
        assert_eq!(e.scope().enterprise_id, Some(-1));
    }

    #[test]
    fn monitor_reads_but_never_writes_the_registry() {
        let m = p(Role::Monitor, SHIBA);
        assert!(m.can_read_enterprise(ent(1, SHIBA, "C21")));
        assert!(!m.can_write_enterprise(ent(1, SHIBA, "C21")));
        assert!(!m.can_write_people(SHIBA));
    }

    #[test]
    fn office_and_leader_manage_their_town_only() {
        for role in [Role::EmergencyOffice, Role::Leader] {
            let o = p(role, "/1/2/");
            assert!(o.can_manage_structure(SHIBA));
            assert!(
                !o.can_manage_structure("/1/"),
                "{role:?} cannot change the district"
            );
            assert!(
                !o.can_manage_structure("/1/20/"),
                "a town path sharing a prefix digit is another town"
            );
            assert!(o.can_read_audit());
            assert!(!o.can_manage_users());
        }
        let a = p(Role::Admin, "/");
        assert!(
            a.can_manage_users()
                && a.can_manage_structure("/1/")
                && a.can_write_enterprise(ent(1, "/9/", "A"))
        );
    }

    #[test]
    fn alarms_are_handled_by_those_who_answer_for_the_place() {
        let village = "/1/2/";
        for (role, path, ack, resolve) in [
            (Role::Monitor, "/1/2/", true, false),
            (Role::Monitor, "/1/3/", false, false),
            (Role::Village, "/1/2/", true, false),
            (Role::Department, "/1/", false, false),
            (Role::Enterprise, "/1/", false, false),
            (Role::EmergencyOffice, "/1/", true, true),
            (Role::EmergencyOffice, "/9/", false, false),
            (Role::Leader, "/1/", true, true),
        ] {
            let who = p(role, path);
            assert_eq!(
                who.can_acknowledge_alarm(village),
                ack,
                "{role:?} at {path}"
            );
            assert_eq!(
                who.can_resolve_alarm(village),
                resolve,
                "{role:?} at {path}"
            );
            assert_eq!(
                who.can_manage_monitoring(village),
                resolve,
                "{role:?} at {path}"
            );
        }
        assert!(!p(Role::Enterprise, "/1/").can_read_monitoring(village));
        assert!(p(Role::Department, "/1/").can_read_monitoring(village));
    }

    #[test]
    fn bindings() {
        assert!(check_binding(Role::Admin, None, None, None).is_ok());
        assert_eq!(
            check_binding(Role::Department, Some(1), None, None)
                .unwrap_err()
                .errors[0]
                .field,
            "department_id"
        );
        assert_eq!(
            check_binding(Role::Enterprise, None, None, None)
                .unwrap_err()
                .errors[0]
                .field,
            "enterprise_id"
        );
        assert_eq!(
            check_binding(Role::Village, None, None, None)
                .unwrap_err()
                .errors[0]
                .field,
            "region_id"
        );
        assert!(check_binding(Role::Monitor, Some(3), None, None).is_ok());
    }

    #[test]
    fn warnings_are_seen_by_their_area_and_written_by_the_office() {
        let town = "/1/";
        let shiba = "/1/12/";
        let other = "/1/13/";
        // A village sees the town's warnings and its own, not another village's.
        let v = p(Role::Village, shiba);
        assert!(v.can_read_warning(town) && v.can_read_warning(shiba));
        assert!(!v.can_read_warning(other));
        assert!(!v.can_write_warnings());
        let e = p(Role::Enterprise, shiba);
        assert!(!e.can_read_warning(town) && !e.can_read_warning(shiba));
        let d = p(Role::Department, town);
        assert!(d.can_read_warning(shiba) && !d.can_write_warnings());
        assert!(!p(Role::Monitor, shiba).can_write_warnings());
        for r in [Role::Admin, Role::Leader, Role::EmergencyOffice] {
            assert!(p(r, town).can_write_warnings(), "{r:?}");
        }
    }

    #[test]
    fn incidents_are_recorded_by_the_office_or_their_own_village() {
        let (town, shiba, other) = ("/1/", "/1/12/", "/1/13/");
        let v = p(Role::Village, shiba);
        assert!(v.can_record_incident(shiba) && v.can_read_incident(shiba));
        assert!(!v.can_record_incident(other) && !v.can_read_incident(other));
        assert!(!v.can_record_incident(town));
        for r in [Role::Admin, Role::Leader, Role::EmergencyOffice] {
            assert!(p(r, town).can_record_incident(shiba), "{r:?}");
        }
        for r in [Role::Department, Role::Monitor, Role::Enterprise] {
            assert!(!p(r, town).can_record_incident(shiba), "{r:?}");
        }
        assert!(p(Role::Department, town).can_read_incident(shiba));
        // Stock likewise: a village keeps its own warehouse, not the town's nor another's.
        assert!(v.can_keep_stock(shiba) && !v.can_keep_stock(town) && !v.can_keep_stock(other));
        assert!(!p(Role::Department, town).can_keep_stock(shiba));
        assert!(!p(Role::Enterprise, shiba).can_read_incident(shiba));
    }
}
