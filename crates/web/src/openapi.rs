//! The OpenAPI 3.1 document of `/api/v1`, built from one table of operations.
//!
//! Inputs are text fields by design (so a bad value comes back named instead of failing to
//! parse), which makes their schemas plain; they are generated from the field lists here rather
//! than by derives on the domain's types, which keeps the domain free of web concerns.

use serde_json::{Value, json};

/// (method, path, summary, request schema, response description)
pub const OPERATIONS: &[(&str, &str, &str, Option<&str>, &str)] = &[
    (
        "get",
        "/me",
        "The caller",
        None,
        "The caller's account and binding",
    ),
    (
        "get",
        "/regions",
        "The caller's part of the region tree",
        None,
        "Regions in tree order",
    ),
    (
        "post",
        "/regions",
        "Create a region",
        Some("RegionInput"),
        "The created region",
    ),
    (
        "get",
        "/departments",
        "Departments with the industries they supervise",
        None,
        "Departments",
    ),
    (
        "post",
        "/departments",
        "Create a department",
        Some("DepartmentInput"),
        "The created department",
    ),
    (
        "get",
        "/departments/{id}",
        "One department",
        None,
        "The department",
    ),
    (
        "put",
        "/departments/{id}",
        "Change a department",
        Some("DepartmentInput"),
        "The department",
    ),
    (
        "delete",
        "/departments/{id}",
        "Delete a department that supervises nothing",
        None,
        "Deleted",
    ),
    (
        "get",
        "/enterprises",
        "Enterprises, filtered and paged",
        None,
        "A page of enterprises",
    ),
    (
        "post",
        "/enterprises",
        "Register an enterprise",
        Some("EnterpriseInput"),
        "The created enterprise",
    ),
    (
        "get",
        "/enterprises/{id}",
        "One enterprise",
        None,
        "The enterprise",
    ),
    (
        "put",
        "/enterprises/{id}",
        "Change an enterprise",
        Some("EnterpriseInput"),
        "The enterprise",
    ),
    (
        "get",
        "/enterprises/{id}/liaison-group",
        "The liaison group (一企一组) of an enterprise",
        None,
        "The group or null",
    ),
    (
        "put",
        "/enterprises/{id}/liaison-group",
        "Assign the liaison group of an enterprise",
        Some("LiaisonGroupInput"),
        "The group",
    ),
    (
        "get",
        "/liaison-groups",
        "All liaison groups",
        None,
        "Liaison groups",
    ),
    (
        "get",
        "/people",
        "People, filtered and paged",
        None,
        "A page of people",
    ),
    (
        "post",
        "/people",
        "Register a person",
        Some("PersonInput"),
        "The created person",
    ),
    ("get", "/people/{id}", "One person", None, "The person"),
    (
        "put",
        "/people/{id}",
        "Change a person",
        Some("PersonInput"),
        "The person",
    ),
    (
        "get",
        "/key-units",
        "Key units (schools, hospitals, elderly homes…)",
        None,
        "Key units",
    ),
    (
        "post",
        "/key-units",
        "Register a key unit",
        Some("KeyUnitInput"),
        "The created key unit",
    ),
    (
        "get",
        "/committees",
        "Committees with offices and members",
        None,
        "Committees",
    ),
    (
        "get",
        "/coverage",
        "The coverage report",
        None,
        "Coverage gaps",
    ),
    (
        "get",
        "/audit/{entity_type}/{id}",
        "The audit history of a record",
        None,
        "Entries, newest first",
    ),
    (
        "post",
        "/readings",
        "Send sensor readings (gateway token; JSON batch or CSV sensor,metric,ts,value)",
        Some("ReadingBatch"),
        "What was accepted, and every refused reading with its reason",
    ),
    (
        "get",
        "/ingest/rejects",
        "Refused readings lately and the counts of the last seven days",
        None,
        "Refusals and counts",
    ),
    (
        "get",
        "/objects",
        "Monitored objects in the caller's region (?kind=)",
        None,
        "Objects",
    ),
    (
        "post",
        "/objects",
        "Create a monitored object",
        Some("ObjectInput"),
        "The created object",
    ),
    (
        "get",
        "/objects/{id}",
        "One monitored object with its duties, sensors and rules",
        None,
        "The object",
    ),
    (
        "put",
        "/objects/{id}",
        "Change a monitored object",
        Some("ObjectInput"),
        "The object",
    ),
    (
        "put",
        "/objects/{id}/duties/{role}",
        "Name the people holding one duty at an object",
        Some("DutyInput"),
        "The object",
    ),
    (
        "put",
        "/objects/{id}/households",
        "Register the households threatened at a site (the whole list; each row head_name, mobile, people, note), reached by its warnings",
        Some("Households"),
        "The object with its households",
    ),
    (
        "post",
        "/objects/{id}/rules",
        "Add an alarm rule to an object",
        Some("RuleInput"),
        "The created rule",
    ),
    (
        "get",
        "/objects/{id}/series",
        "Chart points of one sensor's metric (?sensor_id=&metric=&range=24h|7d|30d)",
        None,
        "Buckets and threshold lines",
    ),
    (
        "post",
        "/sensors",
        "Register a sensor",
        Some("SensorInput"),
        "The sensor's metrics",
    ),
    ("get", "/gateways", "Gateways", None, "Gateways"),
    (
        "post",
        "/gateways",
        "Register a gateway; its token is shown once",
        Some("GatewayInput"),
        "The gateway and its token",
    ),
    (
        "get",
        "/alarms",
        "Unresolved alarms in the caller's region (?object_id=&all=true)",
        None,
        "Alarms",
    ),
    (
        "get",
        "/alarms/{id}",
        "One alarm with its history",
        None,
        "The alarm and its events",
    ),
    (
        "post",
        "/alarms/{id}/acknowledge",
        "Acknowledge an alarm",
        None,
        "The alarm",
    ),
    (
        "post",
        "/alarms/{id}/resolve",
        "Resolve an alarm with a note",
        Some("ResolveInput"),
        "The alarm",
    ),
    (
        "get",
        "/patrols",
        "Patrols in the caller's scope, newest first (?object_id=)",
        None,
        "Patrols",
    ),
    (
        "post",
        "/patrols",
        "Report a patrol of a site; a precursor raises an alarm",
        Some("PatrolInput"),
        "The patrol, the alarm it raised and how each crack changed",
    ),
    (
        "get",
        "/patrols/missed",
        "Patrols due and not made, per site, monitor and village (?from=&to=)",
        None,
        "The missed-patrol report",
    ),
    (
        "get",
        "/patrols/{id}",
        "A patrol with its crack measurements and photos",
        None,
        "The patrol",
    ),
    (
        "get",
        "/patrol-policy",
        "The patrol frequency policy in force",
        None,
        "The policy",
    ),
    (
        "put",
        "/patrol-policy",
        "Set the patrol frequency policy",
        Some("PatrolPolicy"),
        "The policy",
    ),
    (
        "get",
        "/warnings",
        "Warnings over the caller's area, newest first (?live=true: issued and not ended)",
        None,
        "Warnings",
    ),
    (
        "post",
        "/warnings",
        "Draft a warning",
        Some("WarningInput"),
        "The draft",
    ),
    (
        "get",
        "/warnings/{id}",
        "A warning with its areas, CAP messages, recipients and answers",
        None,
        "The warning",
    ),
    (
        "put",
        "/warnings/{id}",
        "Rewrite a draft (an approved one goes back to draft)",
        Some("WarningInput"),
        "The draft",
    ),
    (
        "post",
        "/warnings/{id}/approve",
        "Approve a draft (the level decides who may)",
        None,
        "The warning",
    ),
    (
        "post",
        "/warnings/{id}/issue",
        "Issue an approved warning: its CAP Alert and its recipients",
        None,
        "The warning",
    ),
    (
        "post",
        "/warnings/{id}/update",
        "Change an issued warning: a CAP Update referring back",
        Some("WarningInput"),
        "The warning",
    ),
    (
        "post",
        "/warnings/{id}/cancel",
        "Cancel a warning (a CAP Cancel when it was issued)",
        None,
        "The warning",
    ),
    (
        "get",
        "/alarms/{id}/warning-draft",
        "A warning prefilled from an alarm, to draft",
        None,
        "A WarningInput",
    ),
    (
        "get",
        "/warning-policy",
        "Who approves each level and the answer windows",
        None,
        "The policy",
    ),
    (
        "put",
        "/warning-policy",
        "Set the warning policy",
        Some("WarningPolicy"),
        "The policy",
    ),
    (
        "get",
        "/cap-issuer",
        "The CAP sender and the GB/T 35965.1 codes",
        None,
        "The issuer",
    ),
    (
        "put",
        "/cap-issuer",
        "Set the CAP sender and codes",
        Some("CapIssuer"),
        "The issuer",
    ),
    (
        "get",
        "/channels",
        "The town's channels: SMS gateway, SMTP, group robots, answer-link address",
        None,
        "The channels",
    ),
    (
        "put",
        "/channels",
        "Set the channels (office)",
        Some("Channels"),
        "The channels",
    ),
    (
        "get",
        "/cases",
        "Enforcement cases the caller sees (an enterprise: its own), each with its statutory clocks",
        None,
        "The cases",
    ),
    (
        "post",
        "/cases",
        "File a case (立案) against an enterprise or a person or organisation in a region",
        Some("CaseInput"),
        "The case",
    ),
    (
        "get",
        "/cases/{id}",
        "A case with its steps, hazards, documents and clocks",
        None,
        "The case",
    ),
    (
        "post",
        "/cases/{id}/steps",
        "The next step: investigate, notify, request_hearing, hold_hearing, review, decide, serve, execute, close",
        Some("CaseStepInput"),
        "The case",
    ),
    (
        "post",
        "/cases/{id}/documents/{step}",
        "A document of a step (multipart, field file), kept by its hash in the audit chain",
        None,
        "The attachment",
    ),
    (
        "get",
        "/enforcement-stats",
        "Cases per department and month of ?year= (this year), departments with none flagged, open and covert inspections",
        None,
        "The statistics",
    ),
    (
        "get",
        "/blacklist",
        "Blacklist listings of the caller's area (an enterprise: its own), each with whether it is in force",
        None,
        "The listings",
    ),
    (
        "post",
        "/blacklist",
        "List an enterprise (reason, basis, start, end); the enterprise and its liaison group are told",
        Some("BlacklistInput"),
        "The listing",
    ),
    (
        "post",
        "/blacklist/{id}/delist",
        "Lift a listing, with the reason",
        None,
        "The listing",
    ),
    (
        "get",
        "/case-rules",
        "The statutory periods and the thresholds of a large fine",
        None,
        "The rules",
    ),
    (
        "put",
        "/case-rules",
        "Set the statutory periods and thresholds (office)",
        None,
        "The rules",
    ),
    (
        "get",
        "/tipoffs",
        "Tip-offs the caller may see (never an enterprise's account), newest first, without the reporter",
        None,
        "The tip-offs",
    ),
    (
        "get",
        "/tipoffs/{id}",
        "A tip-off with its photos, what the caller may do and the reward the rule suggests and allows",
        None,
        "The tip-off",
    ),
    (
        "post",
        "/tipoffs/{id}",
        "Move a tip-off along: to a department, to its outcome with the answer for the reporter, to the hazard or case it led to",
        Some("HandleInput"),
        "The tip-off",
    ),
    (
        "post",
        "/tipoffs/{id}/reward",
        "Decide the reward of a tip-off found true ({\"reward_yuan\"}), within the cap for the fine it led to (office)",
        None,
        "The tip-off",
    ),
    (
        "post",
        "/tipoffs/{id}/payment",
        "Record the reward's payment (office)",
        Some("PaymentInput"),
        "The tip-off",
    ),
    (
        "post",
        "/tipoffs/{id}/reporter",
        "Who reported (office); each look is audited",
        None,
        "Name and phone",
    ),
    (
        "get",
        "/campaigns",
        "Rectification campaigns over or inside the caller's region, with the count to zero",
        None,
        "The campaigns",
    ),
    (
        "post",
        "/campaigns",
        "Draw up a campaign (special, five_batches, three_year) over a region with its deadline (office)",
        Some("CampaignInput"),
        "The campaign",
    ),
    (
        "get",
        "/campaigns/{id}",
        "A campaign with the targets inside the caller's region and the tallies per treatment",
        None,
        "The campaign",
    ),
    (
        "post",
        "/campaigns/{id}/targets",
        "Add targets, all or none: lines (plates, sites) or enterprise ids; a bad line is named",
        Some("TargetsInput"),
        "The campaign",
    ),
    (
        "post",
        "/campaign-targets/{id}",
        "Move a target: in_progress, cleared (with how) or open again (with why)",
        Some("TargetUpdate"),
        "The target",
    ),
    (
        "get",
        "/ratings",
        "Every enterprise the caller sees rated: the tally per grade and a page (?grade=A..D&page=n, 100 a page) of ratings (grade, score, reasons, facts), worst first",
        None,
        "The ratings",
    ),
    (
        "get",
        "/tipoff-rules",
        "Limits of the public form and the reward rule (share of the fine, floor, cap)",
        None,
        "The rules",
    ),
    (
        "put",
        "/tipoff-rules",
        "Set the tip-off limits and the reward rule (office)",
        None,
        "The rules",
    ),
    (
        "get",
        "/work-calendar",
        "Public holidays and weekend days worked, for the working-day periods",
        None,
        "The calendar",
    ),
    (
        "put",
        "/work-calendar",
        "Set the holiday calendar (office)",
        None,
        "The calendar",
    ),
    (
        "get",
        "/risk-lists",
        "Risk identification lists (major events, key periods, major changes) with their phase and risk points",
        None,
        "The lists",
    ),
    (
        "post",
        "/risk-lists",
        "Draw up a risk identification list with its period (at most a year)",
        Some("RiskListInput"),
        "The list",
    ),
    (
        "post",
        "/risk-lists/{id}/points",
        "Put a known risk point inside the list's region on the list",
        Some("ListPointInput"),
        "The list",
    ),
    (
        "post",
        "/risk-lists/{id}/risk-points",
        "Make a risk point of the list's own (in its region unless an enterprise's) and put it on the list",
        None,
        "The risk point",
    ),
    (
        "get",
        "/incidents",
        "Incidents of the caller's region, newest first",
        None,
        "The incidents",
    ),
    (
        "post",
        "/incidents",
        "Record an incident (office, leaders; a village in its own area); its first report's clock starts",
        Some("IncidentInput"),
        "The incident with its next report due",
    ),
    (
        "get",
        "/incidents/{id}",
        "An incident: figures, grade, reports made, the report owed next (overdue or not), the timeline",
        None,
        "The incident",
    ),
    (
        "put",
        "/incidents/{id}/figures",
        "Casualty and loss figures; the grade is computed again and within the window only rises",
        Some("FiguresInput"),
        "The incident",
    ),
    (
        "post",
        "/incidents/{id}/reports",
        "A report made upward (accident, initial, update, final)",
        Some("ReportInput"),
        "The incident",
    ),
    (
        "post",
        "/incidents/{id}/log",
        "A timeline entry",
        Some("LogInput"),
        "The incident",
    ),
    (
        "get",
        "/plans/{id}/files",
        "The files of a plan (its signed text, annexes)",
        None,
        "The attachments",
    ),
    (
        "post",
        "/plans/{id}/files",
        "Attach a file to a plan (multipart, field file; PDF, JPEG or PNG, type read from the content)",
        None,
        "The attachment",
    ),
    (
        "put",
        "/incidents/{id}/commander",
        "Name the on-site commander (a person of the town or of the incident's area)",
        Some("CommanderInput"),
        "The incident",
    ),
    (
        "post",
        "/incidents/{id}/links",
        "Link one warning or one hazard to the incident",
        Some("LinkInput"),
        "The incident",
    ),
    (
        "put",
        "/incidents/{id}/grade",
        "Set the grade by hand; one the figures do not give needs a written reason",
        Some("GradeInput"),
        "The incident",
    ),
    (
        "put",
        "/incidents/{id}/statistics",
        "A village's disaster statistics (statistics system indicators); checked against each other",
        Some("StatsInput"),
        "The statistics, ledgers, relief and investigation of the incident",
    ),
    (
        "post",
        "/incidents/{id}/casualties",
        "A line of the ledger of the dead and missing",
        Some("CasualtyInput"),
        "The statistics, ledgers, relief and investigation of the incident",
    ),
    (
        "post",
        "/incidents/{id}/damaged-houses",
        "A line of the ledger of collapsed and damaged houses",
        Some("HouseInput"),
        "The statistics, ledgers, relief and investigation of the incident",
    ),
    (
        "post",
        "/damaged-houses/{id}/rebuild",
        "Move a damaged house's rebuilding forward (pending, underway, completed with its date)",
        Some("RebuildInput"),
        "The statistics, ledgers, relief and investigation of the incident",
    ),
    (
        "put",
        "/incidents/{id}/relief",
        "An affected household and its 五有 (food, clothing, water, shelter, medical)",
        Some("ReliefInput"),
        "The statistics, ledgers, relief and investigation of the incident",
    ),
    (
        "post",
        "/incidents/{id}/investigation",
        "A step of the incident's investigation: extend (once, ≤ 60 days), report, decide",
        Some("StepInput"),
        "The statistics, ledgers, relief and investigation of the incident",
    ),
    (
        "get",
        "/relief",
        "The 五有 guarantee rate per village and over all, for the incidents of ?year= (this year)",
        None,
        "The rates and households",
    ),
    (
        "get",
        "/rebuilding",
        "The damaged houses of the caller's area and where their rebuilding stands",
        None,
        "The houses",
    ),
    (
        "get",
        "/investigations",
        "The investigations of the caller's area with their due days",
        None,
        "The investigations",
    ),
    (
        "post",
        "/incidents/{id}/end",
        "End the response; the final report's clock starts",
        None,
        "The incident",
    ),
    (
        "get",
        "/stock",
        "Warehouses, their items (flagged low, expiring within 30 days, expired) and recent movements",
        None,
        "The stock",
    ),
    (
        "post",
        "/warehouses",
        "A warehouse of the town, a village or a team",
        Some("WarehouseInput"),
        "The warehouse",
    ),
    (
        "post",
        "/warehouses/{id}/items",
        "A new item line, at zero",
        Some("ItemInput"),
        "The item",
    ),
    (
        "post",
        "/stock-items/{id}/movements",
        "Move stock: receive, issue, transfer (to_warehouse_id), dispatch (incident_id), write_off; never below zero",
        Some("MovementInput"),
        "The item after",
    ),
    (
        "get",
        "/incidents/{id}/dispatched",
        "Stock dispatched to an incident",
        None,
        "The movements",
    ),
    (
        "get",
        "/teams",
        "Rescue teams and their members",
        None,
        "The teams",
    ),
    (
        "post",
        "/teams",
        "Register a rescue team",
        Some("TeamInput"),
        "The team",
    ),
    (
        "post",
        "/teams/{id}/members",
        "Add a member to a team",
        Some("MemberInput"),
        "The team",
    ),
    (
        "post",
        "/incidents/{id}/teams",
        "Send a team to an incident (written in its timeline)",
        Some("SendTeam"),
        "The teams sent",
    ),
    (
        "get",
        "/preparedness",
        "Plans with their next revision (overdue flagged), revisions, a year's drills (query year) and drills per village and town against the quota",
        None,
        "Plans and drills",
    ),
    (
        "post",
        "/plans",
        "Register an emergency plan (office; a village its own)",
        Some("PlanInput"),
        "The plan",
    ),
    (
        "post",
        "/plans/{id}/revisions",
        "A new version of a plan",
        Some("RevisionInput"),
        "The plan",
    ),
    (
        "post",
        "/drills",
        "Record a drill held",
        Some("DrillInput"),
        "The drill",
    ),
    (
        "post",
        "/drills/{id}/problems/{index}/hazard",
        "Make a problem a drill found (0-based line) a hazard of its area, once",
        None,
        "The hazard",
    ),
    (
        "get",
        "/drill-quota",
        "Drills a year asked of each village and of the town",
        None,
        "The quota",
    ),
    (
        "put",
        "/drill-quota",
        "Set the drill quota (office)",
        Some("DrillQuota"),
        "The quota",
    ),
    (
        "get",
        "/duty-roster",
        "The duty roster of the caller's region, by day (query from, to: 2026-07-01; the current month by default)",
        None,
        "The roster days",
    ),
    (
        "put",
        "/duty-roster",
        "Set one day of a region's roster (office): the duty leader and officer, people of the region",
        Some("RosterInput"),
        "The day",
    ),
    (
        "get",
        "/duty-roster/now",
        "Who is on duty now (the duty day runs 08:30 to 08:30); escalations reach the duty officer",
        None,
        "The day, or null",
    ),
    (
        "get",
        "/incident-clocks",
        "The reporting clocks",
        None,
        "The clocks",
    ),
    (
        "put",
        "/incident-clocks",
        "Set the reporting clocks (office)",
        Some("ReportClocks"),
        "The clocks",
    ),
    (
        "post",
        "/cap/import",
        "Read a CAP 1.2 message from another sender: an Alert becomes a draft warning, an Update revises it, a Cancel cancels it (office)",
        Some("CapXml"),
        "What became of it: outcome (drafted, revised, cancelled, noted, unrelated, already_held) and the warning",
    ),
    (
        "get",
        "/cap-feeds",
        "The feeds of CAP alerts the town reads",
        None,
        "The feeds",
    ),
    (
        "put",
        "/cap-feeds",
        "Set the feeds the town reads (office)",
        Some("CapFeeds"),
        "The feeds",
    ),
    (
        "get",
        "/cap-feeds/status",
        "Each feed with its last read, its error if it failed, and its next read",
        None,
        "The feeds' state",
    ),
    (
        "get",
        "/required-actions",
        "What warnings ask of each kind of recipient: rules in order, first match wins",
        None,
        "The rules",
    ),
    (
        "put",
        "/required-actions",
        "Set the required-action rules (office)",
        Some("ActionRules"),
        "The rules",
    ),
    (
        "get",
        "/warnings/{id}/board",
        "The answer board: each person's deliveries, answer, actions, escalation; people moved per place",
        None,
        "The board",
    ),
    (
        "get",
        "/sms-replies/unmatched",
        "SMS replies that matched no one (unknown number, wrong code, no live warning)",
        None,
        "The replies",
    ),
    (
        "get",
        "/work-plans",
        "The annual work plans over and inside the caller's region",
        None,
        "The plans",
    ),
    (
        "post",
        "/work-plans",
        "Draw up a town's plan for a year (office)",
        Some("WorkPlanInput"),
        "The plan",
    ),
    (
        "get",
        "/work-plans/{id}",
        "A plan's tasks, where each stands today and the lead department's status each month",
        None,
        "The plan",
    ),
    (
        "post",
        "/work-plans/{id}/tasks",
        "Add a task, or replace the one with its number; departments by name (office)",
        Some("PlanTaskInput"),
        "The task",
    ),
    (
        "post",
        "/work-plans/{id}/import",
        "Load tasks from an xlsx (multipart field file): all rows or none; 422 names each bad row and column",
        None,
        "The counts added and replaced",
    ),
    (
        "get",
        "/plan-tasks/{id}",
        "A task with every report and its evidence",
        None,
        "The task",
    ),
    (
        "post",
        "/plan-tasks/{id}/reports",
        "A department's report for a month (department_id, month YYYY-MM, status, progress)",
        None,
        "The report",
    ),
    (
        "get",
        "/training",
        "The year's training (?year=): records, each trainee's standing, the officers and the qualified share",
        None,
        "The training",
    ),
    (
        "post",
        "/trainings",
        "Record a training; hours checked against the days spanned",
        Some("TrainingInput"),
        "The record",
    ),
    (
        "put",
        "/emergency-staff",
        "Add or change an officer of the emergency office (office)",
        Some("StaffInput"),
        "Saved",
    ),
    (
        "put",
        "/standardisation",
        "The office's self-assessment on the eight aspects of task 5 (office)",
        None,
        "The assessment",
    ),
    (
        "get",
        "/outreach",
        "The year's outreach activities with counts by kind (?year=)",
        None,
        "The activities",
    ),
    (
        "post",
        "/outreach",
        "Record an outreach activity",
        Some("OutreachInput"),
        "The activity",
    ),
    (
        "get",
        "/projects",
        "Construction projects with their 三同时 stages and breaches",
        None,
        "The projects",
    ),
    (
        "post",
        "/projects",
        "Enter a construction project",
        Some("ProjectInput"),
        "The project",
    ),
    (
        "get",
        "/projects/{id}",
        "A construction project",
        None,
        "The project",
    ),
    (
        "put",
        "/projects/{id}",
        "Change a construction project",
        Some("ProjectInput"),
        "The project",
    ),
    (
        "get",
        "/targets",
        "The year's targets counted from the records, each with its figure and colour (?year=)",
        None,
        "The dashboard",
    ),
    (
        "get",
        "/scorecards",
        "The scorecards of a town's villages and departments (?town=&year=)",
        None,
        "The scorecards",
    ),
    (
        "get",
        "/target-config",
        "The targets' goals, margins, weights and vetoes",
        None,
        "The settings",
    ),
    (
        "put",
        "/target-config",
        "Set the targets (office); each weight set must add up to the total",
        None,
        "The settings",
    ),
    (
        "get",
        "/inspection-plans",
        "The inspection plans (日周月) of the enterprises the caller sees",
        None,
        "The plans",
    ),
    (
        "post",
        "/inspection-plans",
        "Set an enterprise's inspection plan: template, kind and cadence",
        Some("InspectionPlanInput"),
        "The plan",
    ),
    (
        "post",
        "/plan-reports/{id}/files",
        "Evidence for a department's report on a plan task (multipart field file)",
        None,
        "The attachment",
    ),
];

fn text_object(fields: &[&str], required: &[&str]) -> Value {
    let props: serde_json::Map<String, Value> = fields
        .iter()
        .map(|f| (f.to_string(), json!({ "type": "string" })))
        .collect();
    json!({ "type": "object", "additionalProperties": false, "properties": props, "required": required })
}

pub fn document() -> Value {
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "EnterpriseInput".into(),
        text_object(
            &[
                "name",
                "uscc",
                "region_id",
                "industry_code",
                "scale",
                "high_risk",
                "address",
                "legal_representative",
                "legal_representative_mobile",
                "actual_controller",
                "safety_director",
                "safety_director_mobile",
                "chief_engineer",
                "standard_grade",
                "fringe_treatment",
                "employees",
            ],
            &[
                "name",
                "uscc",
                "region_id",
                "industry_code",
                "legal_representative",
            ],
        ),
    );
    let mut person = text_object(
        &["name", "mobile", "region_id", "organisation", "title"],
        &["name", "mobile", "region_id"],
    );
    person["properties"]["roles"] = json!({ "type": "array", "items": { "type": "string" } });
    schemas.insert("PersonInput".into(), person);
    let mut dept = text_object(&["name", "region_id", "duties"], &["name", "region_id"]);
    dept["properties"]["industries"] = json!({ "type": "array", "items": { "type": "string" } });
    schemas.insert("DepartmentInput".into(), dept);
    schemas.insert(
        "KeyUnitInput".into(),
        text_object(
            &[
                "name",
                "kind",
                "region_id",
                "address",
                "contact_name",
                "contact_mobile",
                "occupants",
            ],
            &["name", "kind", "region_id"],
        ),
    );
    let mut lg = text_object(&["enterprise_id", "leader_id"], &["leader_id"]);
    lg["properties"]["member_ids"] = json!({ "type": "array", "items": { "type": "string" } });
    schemas.insert("LiaisonGroupInput".into(), lg);
    let mut region = text_object(&["name", "level", "kind", "code"], &["name", "level"]);
    region["properties"]["parent_id"] = json!({ "type": ["integer", "null"] });
    schemas.insert("RegionInput".into(), region);
    schemas.insert(
        "TeamInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["name", "kind", "region_id", "leader", "leader_mobile"], "properties": {
            "name": { "type": "string" }, "kind": { "type": "string", "enum": ["comprehensive", "professional", "social"] },
            "region_id": { "type": "string" }, "specialty": { "type": "string" }, "leader": { "type": "string" },
            "leader_mobile": { "type": "string" }, "call_out": { "type": "string" } } }),
    );
    schemas.insert(
        "MemberInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["name", "mobile"], "properties": {
            "name": { "type": "string" }, "mobile": { "type": "string" }, "skills": { "type": "string" } } }),
    );
    schemas.insert(
        "SendTeam".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["team_id"], "properties": { "team_id": { "type": "integer" } } }),
    );
    schemas.insert(
        "InspectionPlanInput".into(),
        text_object(
            &["enterprise_id", "template", "kind", "cadence", "starts_on"],
            &["enterprise_id", "template", "kind", "cadence"],
        ),
    );
    let mut insp = text_object(
        &["enterprise_id", "plan_id", "template", "kind", "done_on"],
        &["enterprise_id", "template", "kind", "results"],
    );
    insp["properties"]["results"] = json!({ "type": "array", "items": { "type": "object", "additionalProperties": false,
        "properties": { "item": { "type": "string" }, "outcome": { "type": "string", "enum": ["pass", "fail", "na"] }, "note": { "type": "string" } } } });
    schemas.insert("InspectionInput".into(), insp);
    schemas.insert(
        "HazardInput".into(),
        text_object(
            &[
                "enterprise_id",
                "region_id",
                "name",
                "description",
                "location",
                "source",
                "found_on",
                "criterion",
            ],
            &["name"],
        ),
    );
    schemas.insert(
        "StepInput".into(),
        text_object(
            &[
                "action",
                "grade",
                "reason",
                "responsible",
                "measures",
                "funds",
                "deadline",
                "contingency",
                "evidence",
                "passed",
                "supervising_body",
            ],
            &["action"],
        ),
    );
    schemas.insert(
        "RegionRename".into(),
        text_object(&["name", "code"], &["name"]),
    );
    schemas.insert(
        "RegionMove".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": { "parent_id": { "type": "integer" } }, "required": ["parent_id"] }),
    );
    let mut object = text_object(
        &[
            "kind",
            "name",
            "code",
            "region_id",
            "latitude",
            "longitude",
            "hazard_type",
            "scale",
            "households",
            "residents",
            "evacuation_route",
            "shelter",
            "reservoir_class",
            "flood_limit_level",
            "warning_level",
            "guaranteed_level",
            "forest_hectares",
            "note",
        ],
        &["kind", "name", "region_id"],
    );
    object["description"] = json!(
        "kind: hazard_site, reservoir, river_section, rain_gauge, soil_station, forest_area, flood_area"
    );
    schemas.insert("ObjectInput".into(), object);
    let mut sensor = text_object(&["code", "object_id", "gateway_id"], &["code", "object_id"]);
    sensor["properties"]["metrics"] = json!({ "type": "array", "items": { "type": "string" },
        "description": "metric or metric:min:max; metrics: rainfall, water_level, displacement, crack_width, soil_moisture, tilt" });
    schemas.insert("SensorInput".into(), sensor);
    schemas.insert("GatewayInput".into(), text_object(&["name"], &["name"]));
    schemas.insert("ResolveInput".into(), text_object(&["note"], &["note"]));
    let mut patrol = text_object(
        &["object_id", "patrolled_at", "latitude", "longitude", "note"],
        &["object_id"],
    );
    patrol["properties"]["no_anomaly"] = json!({ "type": "boolean" });
    patrol["properties"]["precursors"] = json!({ "type": "array", "items": { "type": "string", "enum":
        ["new_cracks", "bulging", "springs_or_turbid_water", "sounds", "tilted_trees", "house_deformation"] } });
    patrol["properties"]["cracks"] = json!({ "type": "array", "items": text_object(&["point", "width_mm"], &["point", "width_mm"]) });
    patrol["description"] =
        json!("patrolled_at: 2026-07-12T14:05 (Beijing time) or RFC 3339; blank is now");
    schemas.insert("PatrolInput".into(), patrol);
    let mut w = text_object(
        &[
            "kind",
            "level",
            "headline",
            "description",
            "instruction",
            "headline_en",
            "description_en",
            "instruction_en",
            "onset",
            "expires",
            "polygon",
            "alarm_id",
        ],
        &["kind", "level", "headline", "expires"],
    );
    w["properties"]["region_ids"] = json!({ "type": "array", "items": { "type": "string" } });
    w["properties"]["object_ids"] = json!({ "type": "array", "items": { "type": "string" } });
    w["description"] = json!(
        "kind: rainstorm, geo_hazard, flood, forest_fire, typhoon, gale, high_temperature, other; level: blue, yellow, orange, red; times 2026-07-12T22:00 (Beijing) or RFC 3339; polygon: lat,lon pairs, closed"
    );
    schemas.insert("WarningInput".into(), w);
    schemas.insert(
        "WarningPolicy".into(),
        json!({ "type": "object", "properties": {
            "levels": { "type": "array", "items": { "type": "object", "required": ["level", "approvers", "answer_minutes"], "properties": {
                "level": { "type": "string" }, "approvers": { "type": "array", "items": { "type": "string" } },
                "answer_minutes": { "type": "integer" } } } },
            "four_eyes_from": { "type": "string" } } }),
    );
    schemas.insert(
        "Channels".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "base_url": { "type": "string" },
            "first": { "type": "array", "items": { "type": "string", "enum": ["inbox", "sms", "email", "webhook"] } },
            "timeout_secs": { "type": "integer" },
            "sms": { "type": "object", "properties": {
                "url": { "type": "string" }, "content_type": { "type": "string" },
                "body_template": { "type": "string", "description": "with {mobile}, {text} and {id}" },
                "per_second": { "type": "integer" }, "inbound_secret": { "type": "string" } } },
            "smtp": { "type": "object", "properties": {
                "host": { "type": "string" }, "port": { "type": "integer" }, "security": { "type": "string", "enum": ["none", "starttls", "tls"] }, "from": { "type": "string" },
                "username": { "type": "string" }, "password": { "type": "string" }, "per_second": { "type": "integer" } } },
            "webhooks": { "type": "array", "items": { "type": "object", "properties": {
                "name": { "type": "string" }, "format": { "type": "string", "enum": ["wecom", "dingtalk", "json"] },
                "url": { "type": "string" }, "region_path": { "type": "string" }, "per_minute": { "type": "integer" } } } } } }),
    );
    schemas.insert(
        "IncidentInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["kind", "name", "occurred_at", "region_id"], "properties": {
            "kind": { "type": "string", "enum": ["production_accident", "road_traffic", "fire", "forest_fire", "geo_hazard", "natural_disaster"] },
            "name": { "type": "string" }, "occurred_at": { "type": "string" }, "known_at": { "type": "string" },
            "region_id": { "type": "string" }, "place": { "type": "string" }, "course": { "type": "string" },
            "enterprise_id": { "type": "string", "description": "the enterprise an accident happened at" },
            "object_id": { "type": "string", "description": "the monitored object (a disaster site) it happened at" } } }),
    );
    schemas.insert(
        "BlacklistInput".into(),
        text_object(
            &["enterprise_id", "reason", "basis", "starts_on", "ends_on"],
            &["enterprise_id", "reason", "basis", "ends_on"],
        ),
    );
    schemas.insert(
        "WorkPlanInput".into(),
        text_object(
            &["region_id", "year", "name"],
            &["region_id", "year", "name"],
        ),
    );
    schemas.insert(
        "PlanTaskInput".into(),
        text_object(
            &[
                "number",
                "section",
                "task_title",
                "lead_department",
                "co_departments",
                "indicator",
                "due_on",
            ],
            &["number", "task_title", "lead_department", "due_on"],
        ),
    );
    schemas.insert(
        "TrainingInput".into(),
        text_object(
            &[
                "trainee",
                "category",
                "kind",
                "course",
                "enterprise_id",
                "person_id",
                "region_id",
                "starts_on",
                "ends_on",
                "hours",
                "passed",
            ],
            &[
                "trainee",
                "category",
                "kind",
                "course",
                "starts_on",
                "ends_on",
                "hours",
            ],
        ),
    );
    schemas.insert(
        "StaffInput".into(),
        text_object(
            &["person_id", "joined_on", "qualification", "left_on"],
            &["person_id", "joined_on", "qualification"],
        ),
    );
    schemas.insert(
        "OutreachInput".into(),
        text_object(
            &[
                "kind",
                "region_id",
                "held_on",
                "name",
                "participants",
                "note",
            ],
            &["kind", "region_id", "held_on", "name"],
        ),
    );
    schemas.insert(
        "ProjectInput".into(),
        text_object(
            &[
                "name",
                "category",
                "region_id",
                "enterprise_id",
                "review",
                "reviewed_on",
                "review_note",
                "main_designed_on",
                "safety_designed_on",
                "main_built_on",
                "safety_built_on",
                "main_in_use_on",
                "safety_in_use_on",
                "length_m",
                "completed_on",
            ],
            &["name", "category", "region_id"],
        ),
    );
    schemas.insert(
        "CampaignInput".into(),
        text_object(
            &[
                "name",
                "kind",
                "region_id",
                "starts_on",
                "deadline",
                "description",
            ],
            &["name", "kind", "region_id", "deadline"],
        ),
    );
    schemas.insert(
        "TargetsInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["kind"], "properties": {
            "kind": { "type": "string", "enum": ["vehicle", "enterprise", "construction_site", "scenic_spot", "place"] },
            "lines": { "type": "string", "description": "one target per line" },
            "enterprise_ids": { "type": "array", "items": { "type": "string" } },
            "treatment": { "type": "string", "enum": ["", "close", "relocate", "renovate", "eliminate", "listed_supervision"] },
            "region_id": { "type": "string" } } }),
    );
    schemas.insert(
        "TargetUpdate".into(),
        text_object(&["status", "note", "treatment"], &["status"]),
    );
    schemas.insert(
        "HandleInput".into(),
        text_object(
            &[
                "status",
                "department_id",
                "enterprise_id",
                "hazard_id",
                "case_id",
                "reply",
                "note",
            ],
            &[],
        ),
    );
    schemas.insert(
        "PaymentInput".into(),
        text_object(&["paid_on", "voucher"], &["voucher"]),
    );
    schemas.insert(
        "CaseInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["party_kind", "party_name", "cause"], "properties": {
            "party_kind": { "type": "string", "enum": ["person", "organisation"] },
            "party_name": { "type": "string" }, "party_id_number": { "type": "string" },
            "enterprise_id": { "type": "string" }, "region_id": { "type": "string" },
            "cause": { "type": "string" }, "basis": { "type": "string" }, "inspection_id": { "type": "string" },
            "hazard_ids": { "type": "array", "items": { "type": "string" } }, "department_id": { "type": "string" } } }),
    );
    schemas.insert(
        "CaseStepInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["action"], "properties": {
            "action": { "type": "string", "enum": ["investigate", "notify", "request_hearing", "hold_hearing", "review", "decide", "serve", "execute", "close"] },
            "on": { "type": "string" }, "officer_ids": { "type": "array", "items": { "type": "string" } },
            "penalty": { "type": "object", "properties": { "fine_yuan": { "type": "string" }, "confiscation_yuan": { "type": "string" },
                "other_penalties": { "type": "array", "items": { "type": "string" } } } },
            "hearing_notified_on": { "type": "string" }, "record": { "type": "string" }, "paid_yuan": { "type": "string" } } }),
    );
    schemas.insert(
        "RiskListInput".into(),
        text_object(
            &[
                "kind",
                "name",
                "region_id",
                "starts_on",
                "ends_on",
                "description",
            ],
            &["kind", "name", "region_id", "starts_on", "ends_on"],
        ),
    );
    schemas["RiskListInput"]["description"] =
        json!("kind: major_event, key_period, major_change; dates 2026-07-01");
    schemas.insert(
        "ListPointInput".into(),
        text_object(&["risk_point_id"], &["risk_point_id"]),
    );
    schemas.insert(
        "CommanderInput".into(),
        text_object(&["person_id"], &["person_id"]),
    );
    schemas.insert(
        "LinkInput".into(),
        text_object(&["warning_id", "hazard_id"], &[]),
    );
    schemas["LinkInput"]["description"] = json!("exactly one of warning_id and hazard_id");
    schemas.insert(
        "GradeInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["grade"], "properties": {
            "grade": { "type": "string", "enum": ["general", "larger", "major", "especially_major"] },
            "reason": { "type": "string" } } }),
    );
    schemas.insert(
        "StatsInput".into(),
        text_object(
            &[
                "region_id",
                "affected",
                "deaths",
                "missing",
                "relocated",
                "urgent_aid",
                "crop_affected_hectares",
                "crop_damaged_hectares",
                "crop_lost_hectares",
                "collapsed_households",
                "collapsed_rooms",
                "severe_households",
                "severe_rooms",
                "general_households",
                "general_rooms",
                "direct_loss_yuan",
            ],
            &["region_id"],
        ),
    );
    schemas.insert(
        "CasualtyInput".into(),
        text_object(
            &[
                "region_id",
                "full_name",
                "status",
                "gender",
                "age",
                "address",
                "circumstances",
            ],
            &["region_id", "full_name", "status"],
        ),
    );
    schemas["CasualtyInput"]["description"] = json!("status: dead, missing; gender: 男, 女");
    schemas.insert(
        "HouseInput".into(),
        text_object(
            &["region_id", "head_name", "address", "damage", "rooms"],
            &["region_id", "head_name", "damage", "rooms"],
        ),
    );
    schemas["HouseInput"]["description"] = json!("damage: collapsed, severe, general");
    schemas.insert(
        "RebuildInput".into(),
        text_object(&["rebuild", "completed_on"], &["rebuild"]),
    );
    schemas["RebuildInput"]["description"] =
        json!("rebuild: underway, completed (with completed_on 2026-10-01)");
    schemas.insert(
        "ReliefInput".into(),
        text_object(
            &[
                "region_id",
                "head_name",
                "address",
                "members",
                "food",
                "clothing",
                "water",
                "safe_shelter",
                "medical",
                "note",
            ],
            &["region_id", "head_name", "members"],
        ),
    );
    schemas["ReliefInput"]["description"] =
        json!("food, clothing, water, safe_shelter, medical: true or false");
    schemas.insert(
        "StepInput".into(),
        text_object(
            &[
                "action",
                "days",
                "reason",
                "on",
                "findings",
                "regulator_findings",
                "accountability",
            ],
            &["action"],
        ),
    );
    schemas["StepInput"]["description"] = json!(
        "action: extend (days, reason), report (on, findings, regulator_findings for a dual investigation), decide (on, accountability)"
    );
    schemas.insert(
        "FiguresInput".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "deaths": { "type": "string" }, "missing": { "type": "string" }, "serious_injuries": { "type": "string" },
            "direct_loss_yuan": { "type": "string" }, "burned_hectares": { "type": "string" } } }),
    );
    schemas.insert(
        "ReportInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["stage", "summary"], "properties": {
            "stage": { "type": "string", "enum": ["accident", "initial", "update", "final"] },
            "reported_at": { "type": "string" }, "summary": { "type": "string" } } }),
    );
    schemas.insert(
        "WarehouseInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["name", "kind", "region_id"], "properties": {
            "name": { "type": "string" }, "kind": { "type": "string", "enum": ["town", "village", "team"] },
            "region_id": { "type": "string" }, "address": { "type": "string" }, "keeper": { "type": "string" },
            "keeper_mobile": { "type": "string" } } }),
    );
    schemas.insert(
        "ItemInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["name", "category", "unit"], "properties": {
            "name": { "type": "string" }, "category": { "type": "string", "enum": ["relief", "flood", "forest_fire", "equipment", "medical", "other"] },
            "unit": { "type": "string" }, "min_stock": { "type": "string" }, "expires_on": { "type": "string" } } }),
    );
    schemas.insert(
        "MovementInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["kind", "quantity"], "properties": {
            "kind": { "type": "string", "enum": ["receive", "issue", "transfer", "dispatch", "write_off"] },
            "quantity": { "type": "string" }, "to_warehouse_id": { "type": "string" }, "incident_id": { "type": "string" },
            "reason": { "type": "string" } } }),
    );
    schemas.insert(
        "PlanInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["name", "level", "kind", "region_id", "version", "revised_on"], "properties": {
            "name": { "type": "string" }, "level": { "type": "string", "enum": ["town", "village", "enterprise"] },
            "kind": { "type": "string", "enum": ["comprehensive", "flood", "geo_hazard", "forest_fire", "production_safety", "hazardous_chemicals", "other"] },
            "region_id": { "type": "string" }, "department": { "type": "string" }, "version": { "type": "string" },
            "revised_on": { "type": "string" }, "period_months": { "type": "string", "description": "blank: 36" } } }),
    );
    schemas.insert(
        "RevisionInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["version", "revised_on"], "properties": {
            "version": { "type": "string" }, "revised_on": { "type": "string" }, "note": { "type": "string" } } }),
    );
    schemas.insert(
        "DrillInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["region_id", "held_on", "scenario", "participants"], "properties": {
            "drilled_plan_id": { "type": "string" }, "region_id": { "type": "string" }, "held_on": { "type": "string" },
            "place": { "type": "string" }, "scenario": { "type": "string" }, "participants": { "type": "string" },
            "teams": { "type": "string" }, "joint_with": { "type": "string" }, "evaluation": { "type": "string" },
            "problems": { "type": "string", "description": "one per line" } } }),
    );
    schemas.insert(
        "DrillQuota".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "per_village": { "type": "integer" }, "per_town": { "type": "integer" } } }),
    );
    schemas.insert(
        "RosterInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["day", "region_id", "duty_leader_id", "duty_officer_id"], "properties": {
            "day": { "type": "string" }, "region_id": { "type": "string" }, "duty_leader_id": { "type": "string" },
            "duty_officer_id": { "type": "string" }, "note": { "type": "string" } } }),
    );
    schemas.insert(
        "LogInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["entry"], "properties": { "entry": { "type": "string" } } }),
    );
    schemas.insert(
        "ReportClocks".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "accident_minutes": { "type": "integer" }, "initial_minutes": { "type": "integer" },
            "update_hours": { "type": "integer" }, "final_days": { "type": "integer" } } }),
    );
    schemas.insert(
        "Households".into(),
        json!({ "type": "array", "items": { "type": "object", "additionalProperties": false, "required": ["head_name", "mobile", "people"], "properties": {
            "head_name": { "type": "string" }, "mobile": { "type": "string" },
            "people": { "type": "string", "description": "people living there, 1 to 50" }, "note": { "type": "string" } } } }),
    );
    schemas.insert(
        "CapFeeds".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "feeds": { "type": "array", "items": { "type": "object", "required": ["name", "url"], "properties": {
                "name": { "type": "string" }, "url": { "type": "string", "description": "an Atom feed or RSS channel of CAP alerts" },
                "every_secs": { "type": "integer", "minimum": 5, "maximum": 86400 } } } } } }),
    );
    schemas.insert(
        "ActionRules".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["rules"], "properties": {
            "rules": { "type": "array", "items": { "type": "object", "required": ["reached", "min_level", "actions"], "properties": {
                "reached": { "type": "array", "items": { "type": "string" }, "description": "duty:monitor, person:village_head, key_unit:school, enterprise:high_risk, …" },
                "kinds": { "type": "array", "items": { "type": "string" } },
                "min_level": { "type": "string", "enum": ["blue", "yellow", "orange", "red"] },
                "actions": { "type": "array", "items": { "type": "string", "enum": ["patrol", "evacuate", "stop_work", "suspend_outdoor", "suspend_classes", "close_site", "stand_by"] } } } } } } }),
    );
    schemas.insert(
        "CapIssuer".into(),
        text_object(&["area_code", "org_code", "sender", "sender_name"], &[]),
    );
    schemas.insert(
        "PatrolPolicy".into(),
        json!({ "type": "object", "properties": {
            "season_start": { "type": "array", "items": { "type": "integer" }, "description": "[month, day]" },
            "season_end": { "type": "array", "items": { "type": "integer" }, "description": "[month, day]" },
            "per_week_in_season": { "type": "integer" }, "per_week_off_season": { "type": "integer" },
            "per_warning_day": { "type": "integer" },
            "precursor_level": { "type": "string", "enum": ["blue", "yellow", "orange", "red"] } } }),
    );
    schemas.insert(
        "DutyInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["people"],
                "properties": { "people": { "type": "array", "items": { "type": "integer" } } } }),
    );
    schemas.insert(
        "RuleInput".into(),
        json!({ "type": "object", "additionalProperties": false, "required": ["name", "conditions"],
                "properties": { "name": { "type": "string" }, "conditions": { "type": "array", "items": { "type": "object",
                  "description": "{kind: threshold, metric, sensor_id?, below?, bands: [blue, yellow, orange, red], hysteresis?, min_duration_s?} | {kind: rate, metric, sensor_id?, window_h?, bands, hysteresis?} | {kind: rainfall, sensor_id?, windows: [{hours, bands}]} | {kind: silence, sensor_id, minutes, level}",
                  "required": ["kind"], "properties": { "kind": { "type": "string", "enum": ["threshold", "rate", "rainfall", "silence"] } } } } } }),
    );
    schemas.insert(
        "ReadingBatch".into(),
        json!({ "type": "object", "required": ["readings"], "properties": { "readings": { "type": "array", "items": {
            "type": "object", "required": ["sensor", "value"], "properties": {
                "sensor": { "type": "string" }, "metric": { "type": "string" },
                "ts": { "description": "RFC 3339, or seconds / milliseconds since the epoch; now if absent" },
                "value": { "description": "a number (or a number as text)" } } } } } }),
    );
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "properties": {
                "code": { "type": "string" },
                "message": { "type": "string" },
                "fields": { "type": "array", "items": { "type": "object", "properties": {
                    "field": { "type": "string" }, "code": { "type": "string" }, "message": { "type": "string" } } } }
            },
            "required": ["code", "message", "fields"]
        }),
    );

    let mut paths = serde_json::Map::new();
    for (method, path, summary, body, response) in OPERATIONS {
        let mut op = json!({
            "summary": summary,
            "responses": {
                "200": { "description": response, "content": { "application/json": {} } },
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "422": { "$ref": "#/components/responses/Error" }
            }
        });
        let mut params = Vec::new();
        for seg in path.split('/').filter(|s| s.starts_with('{')) {
            let name = seg.trim_matches(['{', '}']);
            params.push(json!({ "name": name, "in": "path", "required": true, "schema": { "type": if name == "id" { "integer" } else { "string" } } }));
        }
        if *method == "get" && (*path == "/enterprises" || *path == "/people") {
            for q in [
                "region_id",
                "industry",
                "high_risk",
                "role",
                "q",
                "page",
                "per_page",
            ] {
                params.push(json!({ "name": q, "in": "query", "required": false, "schema": { "type": "string" } }));
            }
        }
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        if *body == Some("CapXml") {
            op["requestBody"] = json!({ "required": true, "content": { "application/cap+xml": { "schema": { "type": "string" } } } });
        } else if let Some(b) = body {
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{b}") } } } });
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "safegrid API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "The town registry of safegrid. Authenticate with `Authorization: Bearer <token>` (issue one with `safegrid user token`)." },
        "servers": [{ "url": "/api/v1" }],
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "responses": { "Error": { "description": "A refusal or an input error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }
        },
        "security": [{ "bearer": [] }],
        "paths": paths
    })
}
