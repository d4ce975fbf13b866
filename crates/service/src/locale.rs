//! The locale catalogue: every word a user reads, in Chinese (the default) and English.
//!
//! Keys are stable codes. Error codes of `safegrid_domain` (`uscc.check_digit`), field names
//! (`field.uscc`), enumeration values (`role.admin`) and page words (`nav.enterprises`) all live
//! here, so the web pages, the API's messages and the CLI's import reports say the same thing.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// `zh`, `zh-CN`, `en`, `en-US`…; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first language of an `Accept-Language` header that safegrid speaks (quality order is
    /// the order browsers send); Chinese when none.
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
            .next()
            .unwrap_or_default()
    }

    /// The words for `key`; the key itself when the catalogue lacks it (a test checks it does not).
    pub fn t(self, key: &str) -> &str {
        match catalogue().get(key) {
            Some((zh, en)) => match self {
                Lang::Zh => zh,
                Lang::En => en,
            },
            None => key,
        }
    }

    /// The message for a field error: "<field label>: <rule>".
    pub fn field_error(self, field: &str, code: &str) -> String {
        // A field inside a list ("results.dust.3") is named by the list and the entry.
        let key = format!("field.{field}");
        // A field of a list entry ("cracks.2.width_mm") by the list, the entry and the field.
        let label = match (has(&key), field.split_once('.')) {
            (false, Some((list, entry))) => match entry.split_once('.') {
                Some((n, sub)) if has(&format!("field.{sub}")) => format!(
                    "{} {n} {}",
                    self.t(&format!("field.{list}")),
                    self.t(&format!("field.{sub}"))
                ),
                _ => format!("{} {entry}", self.t(&format!("field.{list}"))),
            },
            _ => self.t(&key).to_string(),
        };
        let sep = if self == Lang::Zh { "：" } else { ": " };
        format!("{label}{sep}{}", self.t(code))
    }
}

fn catalogue() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static MAP: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    MAP.get_or_init(|| ENTRIES.iter().map(|(k, zh, en)| (*k, (*zh, *en))).collect())
}

/// Whether the catalogue has a key; for tests that check every code used is translated.
pub fn has(key: &str) -> bool {
    catalogue().contains_key(key)
}

#[rustfmt::skip]
pub static ENTRIES: &[(&str, &str, &str)] = &[
    ("required", "必填", "is required"),
    ("too_long", "内容过长", "is too long"),
    ("choice", "不是可选的值", "is not one of the choices"),
    ("not_a_reference", "所指记录不存在", "refers to a record that does not exist"),
    ("number.range", "数字不在允许范围内", "is not a number in the allowed range"),
    ("duplicate", "已存在相同记录", "already exists"),
    ("not_a_number", "不是有效的数字", "is not a number"),
    ("out_of_range", "超出允许范围", "is outside the allowed range"),
    ("alarm.silence_alone", "“无数据”条件须单独成规则", "a silence condition must be a rule of its own"),
    ("alarm.negative", "不能为负数", "must not be negative"),
    ("alarm.bands_order", "蓝、黄、橙、红阈值须依次递进", "blue, yellow, orange and red thresholds must rise in turn"),
    ("alarm.wrong_state", "该报警当前状态不允许此操作", "the alarm is not in a state that allows this"),
    ("monitoring.guaranteed_above_warning", "保证水位应高于警戒水位", "must be above the warning level"),
    ("monitoring.sensor_code", "只能用字母、数字和 - _ .", "may use letters, digits and - _ . only"),
    ("monitoring.sensor_range", "指标名称或量程有误(如 crack_width:0:500)", "names no metric or has a wrong range (e.g. crack_width:0:500)"),
    ("reading.unknown_sensor", "未登记的传感器", "unknown sensor"),
    ("reading.unknown_metric", "该传感器没有此监测指标", "the sensor does not report this metric"),
    ("reading.not_finite", "数值不是有限数(NaN或无穷大)", "the value is not a finite number (NaN or infinity)"),
    ("reading.out_of_range", "数值超出该传感器的物理量程", "the value is outside the sensor's physical range"),
    ("reading.in_future", "时间晚于当前时间", "the time is in the future"),
    ("reading.too_old", "时间早于2000年", "the time is before 2000"),
    ("reading.duplicate", "该时刻的读数已收到(重复发送)", "a reading for this time was already received (resent)"),
    ("reading.malformed", "格式有误", "is malformed"),
    ("reading.not_own_sensor", "该传感器不属于此网关", "the sensor belongs to another gateway"),
    ("readings.media_type", "请以JSON(application/json)或CSV(text/csv)提交", "send JSON (application/json) or CSV (text/csv)"),
    ("readings.not_stored", "读数暂未保存，请稍后重发", "the readings were not stored; resend them later"),
    ("csv.not_utf8", "CSV须为UTF-8编码", "the CSV must be UTF-8"),
    ("uscc.length", "应为18位", "must have 18 characters"),
    ("uscc.character", "含有不允许的字符(不使用I、O、Z、S、V)", "contains a character not allowed (I, O, Z, S, V are never used)"),
    ("uscc.division", "第3-8位应为行政区划代码数字", "characters 3-8 must be the digits of a division code"),
    ("uscc.check_digit", "校验位不正确，请核对营业执照", "has a wrong check digit; check the business licence"),
    ("uscc.duplicate", "该统一社会信用代码已登记", "is already registered"),
    ("mobile.length", "手机号应为11位", "must have 11 digits"),
    ("mobile.character", "手机号只能包含数字", "may contain digits only"),
    ("mobile.prefix", "不是有效的手机号段", "is not a valid mobile number"),
    ("industry.unknown", "不是国民经济行业分类中的代码", "is not a GB/T 4754 industry code"),
    ("region.level", "区划层级不正确", "is not a region level"),
    ("region.kind", "只能是村或社区", "must be village or community"),
    ("region.kind_only_village", "只有村(社区)一级有此项", "applies to villages and communities only"),
    ("region.code", "区划代码只能是数字", "must be digits"),
    ("region.needs_parent", "须选择上级区划", "needs a parent region"),
    ("region.parent_level", "上级区划层级不对", "is not one level above"),
    ("region.cycle", "不能移到自身或其下级之下", "cannot be the region itself or one inside it"),
    ("department.still_supervises", "该部门仍负责行业监管，请先移交", "still supervises industries; hand them over first"),
    ("department.in_use", "该部门仍有关联的账号或记录", "still has accounts or records"),
    ("password.short", "密码至少10位", "must have at least 10 characters"),
    ("username.form", "只能用字母、数字和 . _ -", "may use letters, digits and . _ - only"),
    ("json.malformed", "请求内容不是有效的JSON", "the body is not valid JSON"),
    ("json.invalid", "请求内容字段有误", "the body has a wrong or unknown field"),
    ("body.too_large", "请求内容过大", "the body is too large"),
    ("xlsx.not_xlsx", "文件不是Excel(xlsx)表格", "the file is not an Excel (xlsx) workbook"),
    ("xlsx.no_sheet", "表格中没有可导入的工作表", "the workbook has no sheet to import"),
    ("xlsx.missing_column", "缺少列", "lacks a column"),
    ("xlsx.unknown_region", "找不到该村(社区)名称", "names no known village or community"),
    ("xlsx.duplicate_in_file", "文件中重复出现", "appears twice in the file"),
    ("error.forbidden", "无权进行此操作", "You may not do this."),
    ("error.not_found", "找不到该记录", "No such record."),
    ("error.unauthenticated", "请先登录", "Please log in."),
    ("error.login_failed", "用户名或密码不正确", "Wrong username or password."),
    ("error.throttled", "登录失败次数过多，请15分钟后再试", "Too many failed logins; try again in 15 minutes."),
    ("error.invalid", "填写有误，请按提示修改", "Some fields need correcting."),
    ("error.internal", "系统出错，请稍后再试", "Something went wrong; please try again later."),
    ("error.csrf", "页面已过期，请刷新后重新提交", "The page has expired; reload it and submit again."),
    ("field.id", "记录", "Record"),
    ("field.name", "名称", "Name"),
    ("field.uscc", "统一社会信用代码", "Unified social credit code"),
    ("field.region_id", "所在村(社区)", "Village or community"),
    ("field.industry_code", "行业", "Industry"),
    ("field.scale", "规模", "Size"),
    ("field.high_risk", "高危企业", "High-risk"),
    ("field.address", "地址", "Address"),
    ("field.legal_representative", "法定代表人", "Legal representative"),
    ("field.legal_representative_mobile", "法定代表人手机", "Legal representative's mobile"),
    ("field.actual_controller", "实际控制人", "Actual controller"),
    ("field.safety_director", "安全总监", "Safety director"),
    ("field.safety_director_mobile", "安全总监手机", "Safety director's mobile"),
    ("field.chief_engineer", "总工程师", "Chief engineer"),
    ("field.standard_grade", "安全生产标准化等级", "Standardisation grade"),
    ("field.fringe_treatment", "五个一批", "Fringe treatment (five batches)"),
    ("field.employees", "从业人员数", "Employees"),
    ("field.mobile", "手机", "Mobile"),
    ("field.organisation", "单位", "Organisation"),
    ("field.title", "职务", "Title"),
    ("field.roles", "职责", "Roles"),
    ("field.kind", "类别", "Kind"),
    ("field.level", "层级", "Level"),
    ("field.code", "区划代码", "Division code"),
    ("field.parent_id", "上级区划", "Parent region"),
    ("field.duties", "职责", "Duties"),
    ("field.industries", "监管行业", "Supervised industries"),
    ("field.enterprise_id", "企业", "Enterprise"),
    ("field.leader_id", "联系领导", "Leader"),
    ("field.member_ids", "成员", "Members"),
    ("field.director_id", "主任", "Director"),
    ("field.head_id", "负责人", "Head"),
    ("field.person_id", "人员", "Person"),
    ("field.position", "职务", "Position"),
    ("field.committee_id", "委员会", "Committee"),
    ("field.contact_name", "联系人", "Contact"),
    ("field.contact_mobile", "联系电话", "Contact mobile"),
    ("field.occupants", "在内人数", "People inside"),
    ("field.username", "用户名", "Username"),
    ("field.password", "密码", "Password"),
    ("field.role", "角色", "Role"),
    ("field.department_id", "部门", "Department"),
    ("field.body", "请求内容", "Request body"),
    ("field.file", "文件", "File"),
    ("field.sheet", "工作表", "Sheet"),
    ("role.admin", "系统管理员", "Administrator"),
    ("role.leader", "镇领导", "Town leader"),
    ("role.emergency_office", "应急办", "Emergency office"),
    ("role.department", "部门", "Department"),
    ("role.village", "村(社区)", "Village"),
    ("role.monitor", "监测员", "Monitor"),
    ("role.enterprise", "企业", "Enterprise"),
    ("level.district", "区县", "District"),
    ("level.town", "镇(街道)", "Town"),
    ("level.village", "村(社区)", "Village"),
    ("level.group", "组", "Group"),
    ("kind.village", "村", "Village"),
    ("kind.community", "社区", "Community"),
    ("scale.large", "大型", "Large"),
    ("scale.medium", "中型", "Medium"),
    ("scale.small", "小型", "Small"),
    ("scale.micro", "微型", "Micro"),
    ("grade.none", "未达标", "None"),
    ("grade.level1", "一级", "Level 1"),
    ("grade.level2", "二级", "Level 2"),
    ("grade.level3", "三级", "Level 3"),
    ("fringe.none", "不涉及", "None"),
    ("fringe.close", "关闭一批", "Close"),
    ("fringe.relocate", "搬迁一批", "Relocate"),
    ("fringe.renovate", "改造一批", "Renovate"),
    ("fringe.eliminate", "消除一批", "Eliminate"),
    ("fringe.listed_supervision", "挂牌督办一批", "Listed supervision"),
    ("person_role.town_leader", "镇领导", "Town leader"),
    ("person_role.office_staff", "应急办工作人员", "Emergency office staff"),
    ("person_role.department_staff", "部门工作人员", "Department staff"),
    ("person_role.village_head", "村(社区)主任", "Village head"),
    ("person_role.village_cadre", "村(社区)干部", "Village cadre"),
    ("person_role.grid_member", "网格员", "Grid member"),
    ("person_role.monitor", "灾害监测员", "Hazard monitor"),
    ("person_role.resident_geologist", "驻守地质队员", "Resident geologist"),
    ("person_role.district_technician", "区县技术管理员", "District technician"),
    ("person_role.safety_officer", "企业安全员", "Safety officer"),
    ("person_role.principal", "企业主要负责人", "Principal"),
    ("key_unit.school", "学校", "School"),
    ("key_unit.kindergarten", "幼儿园", "Kindergarten"),
    ("key_unit.hospital", "医院", "Hospital"),
    ("key_unit.elderly_home", "敬老院", "Elderly home"),
    ("key_unit.market", "集贸市场", "Market"),
    ("key_unit.scenic_spot", "旅游景区", "Scenic spot"),
    ("key_unit.other", "其他", "Other"),
    ("committee.work_safety", "安全生产委员会", "Work Safety Committee"),
    ("committee.disaster_reduction", "减灾委员会", "Disaster Reduction Committee"),
    ("office.office", "专项办公室", "Office"),
    ("office.headquarters", "专项指挥部", "Headquarters"),
    ("money.form", "金额须为不小于0的数字，最多两位小数", "must be an amount of at least 0 with at most two decimals"),
    ("date.form", "日期格式应为 2026-07-12", "must be a date like 2026-07-12"),
    ("date.past", "日期不能早于今天", "cannot be before today"),
    ("date.future", "日期不能晚于今天", "cannot be after today"),
    ("risk.factor", "不是评分表中的取值", "is not a value of the score table"),
    ("risk.bands_order", "分级界限须从重大到一般依次递减", "bands must fall from major to general"),
    ("hazard.side", "您无权进行这一步", "you may not take this step"),
    ("hazard.wrong_state", "隐患当前状态下不能进行这一步", "this step is not possible in the hazard's present state"),
    ("hazard.major_needs_reason", "定为重大隐患须符合判定标准或写明理由", "a major grading needs a matched criterion or a written reason"),
    ("hazard.listed_is_major", "挂牌督办的隐患不能改为一般隐患", "a hazard under listed supervision cannot be graded general"),
    ("hazard.major_not_listed", "重大隐患须先挂牌督办再下达整改", "a major hazard must be listed for supervision before rectification is ordered"),
    ("hazard.extension_not_later", "延期后的期限须晚于原期限", "the new deadline must be later than the present one"),
    ("hazard.same_person", "整改人不能验收自己的整改", "the person who rectified cannot verify it"),
    ("hazard.major_not_on_spot", "重大隐患不能当场销号", "a major hazard cannot be closed on the spot"),
    ("hazard.list_only_major", "只有重大隐患挂牌督办", "only major hazards are listed for supervision"),
    ("hazard.already_listed", "已挂牌督办", "already listed"),
    ("hazard.not_listed", "未挂牌督办", "not listed"),
    ("hazard_status.reported", "已登记", "Reported"),
    ("hazard_status.graded", "已定级", "Graded"),
    ("hazard_status.rectifying", "整改中", "Rectifying"),
    ("hazard_status.extension_requested", "申请延期", "Extension requested"),
    ("hazard_status.rectified", "待验收", "Awaiting verification"),
    ("hazard_status.closed", "已销号", "Closed"),
    ("hazard_grade.general", "一般隐患", "General"),
    ("hazard_grade.major", "重大隐患", "Major"),
    ("hazard_grade.ungraded", "未定级", "Ungraded"),
    ("hazard_source.self_check", "企业自查", "Self-check"),
    ("hazard_source.inspection", "检查发现", "Inspection"),
    ("hazard_source.tip_off", "群众举报", "Tip-off"),
    ("hazard_source.other", "其他", "Other"),
    ("step.grade", "定级", "Grade"),
    ("step.order_rectification", "下达整改(五落实)", "Order rectification"),
    ("step.request_extension", "申请延期", "Request extension"),
    ("step.approve_extension", "同意延期", "Approve extension"),
    ("step.refuse_extension", "不同意延期", "Refuse extension"),
    ("step.submit_rectification", "提交整改", "Submit rectification"),
    ("step.verify", "验收", "Verify"),
    ("step.close_on_spot", "当场整改销号", "Close on the spot"),
    ("step.list", "挂牌督办", "List for supervision"),
    ("step.delist", "摘牌", "Delist"),
    ("step.report", "登记", "Report"),
    ("progress.town_level", "镇级及其他", "Town level and other"),
    ("progress.no_enterprise", "非企业场所", "Places (no enterprise)"),
    ("field.description", "隐患描述", "Description"),
    ("field.location", "部位", "Location"),
    ("field.source", "来源", "Source"),
    ("field.found_on", "发现日期", "Found on"),
    ("field.criterion", "判定标准条款", "Major-hazard criterion"),
    ("field.grade", "隐患等级", "Grade"),
    ("field.reason", "理由", "Reason"),
    ("field.responsible", "责任人", "Responsible person"),
    ("field.measures", "整改措施", "Measures"),
    ("field.funds", "整改资金(元)", "Funds (yuan)"),
    ("field.deadline", "整改期限", "Deadline"),
    ("field.contingency", "应急预案", "Contingency plan"),
    ("field.evidence", "整改情况及证据", "Evidence"),
    ("field.passed", "验收结论", "Verdict"),
    ("field.supervising_body", "督办单位", "Supervising body"),
    ("field.action", "操作", "Step"),
    ("field.status", "状态", "Status"),
    ("field.l", "可能性 L", "Likelihood L"),
    ("field.e", "暴露频率 E", "Exposure E"),
    ("field.c", "后果 C", "Consequence C"),
    ("field.s", "严重性 S", "Severity S"),
    ("field.lec", "LEC 分级界限", "LEC bands"),
    ("field.ls", "LS 分级界限", "LS bands"),
    ("nav.dual", "双重预防", "Dual prevention"),
    ("nav.hazards", "隐患清单", "Hazards"),
    ("nav.progress", "打表推进", "Progress tables"),
    ("action.report_hazard", "登记隐患", "Report a hazard"),
    ("badge.listed", "挂牌督办", "Listed"),
    ("hazard.overdue_days", "逾期 {n} 天", "{n} days overdue"),
    ("hazard.next_steps", "下一步", "Next steps"),
    ("hazard.place_region", "场所所在村(社区)(非企业隐患)", "Village of the place (hazards outside enterprises)"),
    ("unit.yuan", "元", "yuan"),
    ("verify.passed", "验收通过，销号", "Passed: close"),
    ("verify.failed", "验收不通过，继续整改", "Failed: back to rectification"),
    ("view.all", "全部", "All"),
    ("view.open", "未销号", "Open"),
    ("view.overdue", "已逾期", "Overdue"),
    ("view.listed", "挂牌督办", "Listed"),
    ("progress.by_village", "按村(社区)", "By village"),
    ("progress.by_industry", "按行业", "By industry"),
    ("progress.by_grade", "按等级", "By grade"),
    ("progress.by_status", "按状态", "By status"),
    ("progress.found", "排查发现", "Found"),
    ("progress.open", "未销号", "Open"),
    ("progress.overdue", "逾期", "Overdue"),
    ("progress.closed", "已销号", "Closed"),
    ("progress.major", "重大隐患", "Major"),
    ("progress.listed_open", "挂牌未摘", "Listed, open"),
    ("progress.closure_rate", "销号率", "Closure rate"),
    ("progress.avg_days", "平均整改天数", "Average days to close"),
    ("progress.total", "合计", "Total"),
    ("home.hazards", "隐患治理", "Hazards"),
    ("home.due_week", "7日内到期", "Due within 7 days"),
    ("home.awaiting_verification", "待验收", "Awaiting verification"),
    ("inspection.no_results", "至少填写一个检查项", "at least one item needs a result"),
    ("inspection.unknown_item", "不是该检查表中的检查项", "is not an item of this checklist"),
    ("inspection.item_twice", "检查项重复", "appears twice"),
    ("inspection.fail_needs_note", "不合格项须写明情况", "a failed item needs a note"),
    ("inspection_kind.self_check", "企业自查", "Self-check"),
    ("inspection_kind.government", "检查诊断(明查)", "Government inspection"),
    ("inspection_kind.covert", "暗访", "Covert inspection"),
    ("cadence.daily", "班组日排查", "Daily (team)"),
    ("cadence.weekly", "部门周排查", "Weekly (department)"),
    ("cadence.monthly", "厂长(经理)月排查", "Monthly (manager)"),
    ("outcome.pass", "合格", "Pass"),
    ("outcome.fail", "不合格", "Fail"),
    ("outcome.na", "不适用", "N/A"),
    ("field.template", "检查表", "Checklist"),
    ("field.cadence", "频次", "Cadence"),
    ("field.starts_on", "开始日期", "Starts on"),
    ("field.done_on", "检查日期", "Inspected on"),
    ("field.plan_id", "排查计划", "Plan"),
    ("field.results", "检查项", "Item"),
    ("field.inspector", "检查人", "Inspector"),
    ("field.failed", "不合格项", "Failed items"),
    ("field.period", "应排查期间", "Period due"),
    ("nav.inspections", "隐患排查", "Inspections"),
    ("nav.plans", "排查计划", "Inspection plans"),
    ("action.new_inspection", "开始检查", "Start an inspection"),
    ("action.new_plan", "新增排查计划", "New plan"),
    ("inspection.missed", "漏查", "Missed inspections"),
    ("inspection.missed_days", "近14天应查未查", "Due but not done in the last 14 days"),
    ("inspection.hazard_created", "已生成隐患", "Hazard created"),
    ("inspection.choose", "选择企业和检查表", "Choose the enterprise and the checklist"),
    ("home.missed_inspections", "近7天漏查", "Inspections missed (7 days)"),
    ("risk_level.major", "重大风险", "Major"),
    ("risk_level.significant", "较大风险", "Significant"),
    ("risk_level.general", "一般风险", "General"),
    ("risk_level.low", "低风险", "Low"),
    ("tier.company", "公司级", "Company"),
    ("tier.department", "部门级", "Department"),
    ("tier.workshop", "车间级", "Workshop"),
    ("tier.team", "班组(岗位)级", "Team"),
    ("field.post", "岗位", "Post"),
    ("field.latitude", "纬度", "Latitude"),
    ("field.longitude", "经度", "Longitude"),
    ("field.hazard_type", "灾种", "Hazard type"),
    ("field.households", "受威胁户数", "Households threatened"),
    ("field.residents", "受威胁人数", "People threatened"),
    ("field.evacuation_route", "撤离路线", "Evacuation route"),
    ("field.shelter", "避险场所", "Shelter"),
    ("field.reservoir_class", "水库规模", "Reservoir class"),
    ("field.flood_limit_level", "汛限水位(m)", "Flood-limit level (m)"),
    ("field.warning_level", "警戒水位(m)", "Warning level (m)"),
    ("field.guaranteed_level", "保证水位(m)", "Guaranteed level (m)"),
    ("field.forest_hectares", "林地面积(公顷)", "Forest area (ha)"),
    ("field.note", "备注", "Note"),
    ("field.object_id", "监测对象", "Monitored object"),
    ("field.gateway_id", "网关", "Gateway"),
    ("field.metrics", "监测指标", "Metrics"),
    ("field.metric", "监测指标", "Metric"),
    ("field.conditions", "报警条件", "Condition"),
    ("field.people", "人员", "Person"),
    ("field.range", "时间范围", "Range"),
    ("field.hazard_factor", "危险有害因素", "Hazard factor"),
    ("field.accident_type", "事故类型", "Accident type"),
    ("field.controls", "管控措施", "Controls"),
    ("field.method", "评价方法", "Method"),
    ("field.score", "分值", "Score"),
    ("field.risk_level", "风险等级", "Risk level"),
    ("field.tier", "管控层级", "Control tier"),
    ("nav.risks", "风险分级管控", "Risk points"),
    ("action.new_risk", "新增风险点", "New risk point"),
    ("action.regrade", "按现行界限重新分级", "Re-grade with the bands in force"),
    ("risk.bands_title", "风险分级界限", "Risk bands"),
    ("risk.bands_hint", "修改界限不会自动改变已有分级；需要时请点“重新分级”，每一处变化都会记录。", "Changing the bands re-grades nothing by itself; re-grade explicitly, every change is recorded."),
    ("risk.lec_hint", "D = L × E × C；D 大于界限即为该等级", "D = L × E × C; D above a threshold takes that level"),
    ("risk.ls_hint", "R = L × S；R 不小于界限即为该等级", "R = L × S; R at or above a threshold takes that level"),
    ("risk.map", "四色风险分布图", "Four-colour risk picture"),
    ("risk.whole_site", "全厂", "Whole site"),
    ("msg.regraded", "重新分级完成，变化", "Re-graded; changed:"),
    ("coverage.high_risk_without_cards", "高危企业岗位“两单两卡”未落实", "High-risk enterprises whose posts lack their cards"),
    ("phone.form", "电话号码格式不对", "is not a phone number"),
    ("nav.posts", "岗位“两单两卡”", "Posts and cards"),
    ("action.new_post", "新增岗位", "New post"),
    ("action.print_cards", "打印口袋卡", "Print pocket cards"),
    ("cards.risk_list", "岗位风险清单", "Post risk list"),
    ("cards.duty_list", "岗位职责清单", "Post duty list"),
    ("cards.operating", "岗位操作卡", "Operating card"),
    ("cards.emergency", "岗位应急处置卡", "Emergency disposal card"),
    ("cards.complete", "已齐全", "Complete"),
    ("cards.incomplete", "未齐全", "Incomplete"),
    ("cards.lines_hint", "每行一条", "One entry per line"),
    ("cards.motto", "知风险、明职责、会操作、能应急", "Know the risks, know the duties, operate right, respond in emergencies"),
    ("field.duties_list", "岗位职责", "Duties"),
    ("field.prohibited", "禁止行为", "Prohibited acts"),
    ("field.basis", "依据", "Basis"),
    ("field.task", "作业任务", "Task"),
    ("field.pre_checks", "作业前检查", "Pre-checks"),
    ("field.steps", "操作步骤及安全要点", "Steps"),
    ("field.prohibitions", "禁止事项", "Prohibitions"),
    ("field.ppe", "劳动防护用品", "Protective equipment"),
    ("field.incident_type", "事故类型", "Incident type"),
    ("field.main_danger", "主要危险", "Main danger"),
    ("field.signs", "征兆", "Signs"),
    ("field.emergency_steps", "处置步骤(报警→隔离→施救→上报)", "Steps (alarm, isolate, rescue, report)"),
    ("field.cautions", "注意事项", "Cautions"),
    ("field.company_phone", "企业应急电话", "Company emergency phone"),
    ("field.department_phone", "部门电话", "Department phone"),
    ("cards.public_phones", "急救 120 · 火警 119", "Ambulance 120 · Fire 119"),
    ("nav.inbox", "消息", "Inbox"),
    ("inbox.mark_read", "全部标为已读", "Mark all read"),
    ("inbox.empty", "没有消息", "No messages"),
    ("inbox.title", "标题", "Title"),
    ("inbox.body", "内容", "Message"),
    ("file.empty", "文件是空的", "the file is empty"),
    ("file.too_large", "文件过大(不超过10MB)", "the file is too large (10 MB at most)"),
    ("file.type", "只能上传 JPG、PNG 照片或 PDF 文件", "only JPEG or PNG photos and PDF documents are accepted"),
    ("evidence.title", "照片和证据", "Photos and evidence"),
    ("evidence.upload", "上传照片/文件", "Upload a photo or file"),
    ("evidence.none", "暂无", "None yet"),
    ("board.major_open", "有重大隐患未销号", "Major hazard open"),
    ("board.overdue", "有逾期隐患", "Overdue hazard"),
    ("board.open", "有隐患整改中", "Hazards being fixed"),
    ("board.clear", "无未销号隐患", "Nothing open"),
    ("board.counts", "未销号 {open} · 逾期 {overdue} · 重大 {major}", "open {open} · overdue {overdue} · major {major}"),
    ("nav.board", "挂图作战", "Hazard board"),
    ("yes", "是", "Yes"),
    ("no", "否", "No"),
    ("action.add_grid_member", "添加网格员", "Add a grid member"),
    ("action.assign", "指定", "Assign"),
    ("action.cancel", "取消", "Cancel"),
    ("action.edit", "修改", "Edit"),
    ("action.edit_enterprise", "修改企业信息", "Edit enterprise"),
    ("action.export", "导出 Excel", "Export to Excel"),
    ("action.filter", "查询", "Filter"),
    ("action.history", "变更记录", "History"),
    ("action.login", "登录", "Log in"),
    ("action.logout", "退出", "Log out"),
    ("action.new_enterprise", "新增企业", "New enterprise"),
    ("action.new_person", "新增人员", "New person"),
    ("action.print", "打印", "Print"),
    ("action.save", "保存", "Save"),
    ("app.name", "安全生产与自然灾害防治", "safegrid"),
    ("app.print_unit", "安全生产与自然灾害防治", "Work safety and disaster prevention"),
    ("app.printed_on", "打印日期", "Printed on"),
    ("app.tagline", "镇安全生产与自然灾害防治工作平台", "The town's work safety and natural-disaster prevention system"),
    ("audit.action", "操作", "Action"),
    ("audit.actor", "操作人", "By"),
    ("audit.after", "变更后", "After"),
    ("audit.at", "时间", "Time"),
    ("audit.before", "变更前", "Before"),
    ("audit.entity", "对象", "Record"),
    ("badge.high_risk", "高危", "High-risk"),
    ("badge.missing", "缺", "Missing"),
    ("committees.members", "成员", "Members"),
    ("coverage.high_risk_without_officers", "高危企业未设总工程师或安全总监", "High-risk enterprises without a chief engineer or safety director"),
    ("coverage.none", "无", "None"),
    ("coverage.villages_without_grid_member", "村(社区)未配网格员", "Villages without a grid member"),
    ("alarm_level.blue", "蓝色", "Blue"),
    ("alarm_level.yellow", "黄色", "Yellow"),
    ("alarm_level.orange", "橙色", "Orange"),
    ("alarm_level.red", "红色", "Red"),
    ("alarm_level.none", "正常", "Normal"),
    ("alarm_status.open", "未处置", "Open"),
    ("alarm_status.acknowledged", "已响应", "Acknowledged"),
    ("alarm_status.resolved", "已解除", "Resolved"),
    ("alarm_source.rule", "监测数据", "Readings"),
    ("alarm_source.silence", "设备无数据", "Sensor silent"),
    ("alarm_source.patrol", "巡查报告", "Patrol report"),
    ("precursor.new_cracks", "出现新裂缝或裂缝加宽", "New or widening cracks"),
    ("precursor.bulging", "地面鼓胀、隆起", "Ground bulging"),
    ("precursor.springs_or_turbid_water", "泉水新出、断流或变浑", "Springs appearing, drying up or turning muddy"),
    ("precursor.sounds", "异常响声", "Unusual sounds"),
    ("precursor.tilted_trees", "树木歪斜(醉汉林)", "Trees tilting"),
    ("precursor.house_deformation", "房屋开裂、变形", "Houses cracking or deforming"),
    ("patrol.anomaly_contradiction", "勾选了前兆现象就不能同时选“无异常”", "cannot say nothing unusual while a precursor is ticked"),
    ("patrol.empty", "请选择“无异常”，或勾选前兆、填写测量或说明", "tick nothing unusual, or a precursor, a measurement or a note"),
    ("patrol.not_patrolled", "该类监测对象无需巡查", "objects of this kind are not patrolled"),
    ("patrol.season_order", "汛期结束日应晚于开始日", "the flood season must end after it starts"),
    ("patrol.period", "统计期间有误(结束不早于开始，最长一年)", "the period is wrong (end not before start, at most a year)"),
    ("time.future", "时间晚于当前时间", "is in the future"),
    ("time.too_early", "时间早于2000年", "is before 2000"),
    ("time.invalid", "时间格式应为 2026-07-12 14:05", "must be a time like 2026-07-12 14:05"),
    ("too_many", "数量过多", "has too many entries"),
    ("field.patrolled_at", "巡查时间", "Patrolled at"),
    ("field.no_anomaly", "无异常", "Nothing unusual"),
    ("field.precursors", "前兆现象", "Precursors"),
    ("field.cracks", "裂缝测量", "Crack measurement"),
    ("field.point", "测点", "Point"),
    ("field.width_mm", "宽度(毫米)", "Width (mm)"),
    ("field.photos", "照片", "Photos"),
    ("field.from", "起始日期", "From"),
    ("field.to", "截止日期", "To"),
    ("field.village", "村(社区)", "Village"),
    ("patrol.position", "位置", "Position"),
    ("field.reported_by", "上报人", "Reported by"),
    ("field.season_start", "汛期开始(月-日)", "Flood season starts (month-day)"),
    ("field.season_end", "汛期结束(月-日)", "Flood season ends (month-day)"),
    ("field.per_week_in_season", "汛期每周巡查次数", "Patrols a week in the flood season"),
    ("field.per_week_off_season", "非汛期每周巡查次数", "Patrols a week outside the flood season"),
    ("field.per_warning_day", "降雨预警期间每日巡查次数", "Patrols a day under a rain warning"),
    ("field.precursor_level", "发现一项前兆时的报警级别", "Alarm level for one precursor"),
    ("nav.patrols", "巡查", "Patrols"),
    ("patrol.new", "巡查上报", "Report a patrol"),
    ("patrol.title", "监测员巡查", "Monitor patrols"),
    ("patrol.recent", "最近巡查", "Recent patrols"),
    ("patrol.missed", "应巡未巡", "Patrols missed"),
    ("patrol.by_monitor", "按监测员", "By monitor"),
    ("patrol.by_village", "按村", "By village"),
    ("patrol.policy", "巡查频次要求", "Patrol frequency"),
    ("patrol.policy_text", "汛期({s}至{e})每周{w}次；非汛期每周{o}次；降雨预警期间每日{d}次(雨前、雨中、雨后)。", "Flood season ({s} to {e}): {w} a week; otherwise {o} a week; under a rain warning {d} a day (before, during and after the rain)."),
    ("patrol.signs_hint", "发现以下任一现象请勾选，系统将立即报警", "Tick any sign you see; an alarm is raised at once"),
    ("patrol.locate", "获取当前位置", "Use my position"),
    ("patrol.saved", "巡查已上报", "Patrol reported"),
    ("patrol.alarm_raised", "已发出报警，请立即组织群众撤离危险区并报告镇应急办", "An alarm has been raised: move people out of the danger zone and call the town emergency office"),
    ("patrol.widening", "裂缝变化", "Crack change"),
    ("patrol.crack_history", "裂缝监测记录", "Crack measurements"),
    ("patrol.stretch_week", "周", "Week"),
    ("patrol.stretch_warning", "预警日", "Warning day"),
    ("patrol.required_done", "应巡{r}次，实巡{d}次", "{d} of {r} done"),
    ("patrol.none_missed", "期间内没有应巡未巡", "No patrol was missed in the period"),
    ("patrol.no_monitor", "(未落实监测员)", "(no monitor named)"),
    ("patrol.sites_missing", "有缺巡的隐患点", "Sites with gaps"),
    ("patrol.patrols_missing", "缺巡次数", "Patrols missing"),
    ("patrol.sites", "隐患点数", "Sites"),
    ("patrol.done", "已巡次数", "Patrols made"),
    ("patrol.checked_in", "无异常", "Nothing unusual"),
    ("home.missed_patrols", "应巡未巡(近4周)", "Patrols missed (last 4 weeks)"),
    ("metric.rainfall", "雨量", "Rainfall"),
    ("metric.water_level", "水位", "Water level"),
    ("metric.displacement", "位移", "Displacement"),
    ("metric.crack_width", "裂缝宽度", "Crack width"),
    ("metric.soil_moisture", "土壤含水率", "Soil moisture"),
    ("metric.tilt", "倾角", "Tilt"),
    ("nav.monitoring", "监测预警", "Monitoring"),
    ("nav.monitoring_board", "监测总览", "Monitoring overview"),
    ("nav.alarms", "报警", "Alarms"),
    ("monitoring.no_data", "暂无数据", "No data yet"),
    ("monitoring.latest", "最新数据", "Latest readings"),
    ("monitoring.open_alarms", "未解除报警", "Unresolved alarms"),
    ("monitoring.duties", "责任人", "Responsible people"),
    ("monitoring.charts", "监测曲线", "Charts"),
    ("monitoring.live", "实时更新", "Live"),
    ("monitoring.threatened", "受威胁", "Threatened"),
    ("monitoring.households_people", "{h}户{p}人", "{h} households, {p} people"),
    ("monitoring.window", "{h}小时累计", "over {h} h"),
    ("monitoring.cleared", "条件已消失", "condition gone"),
    ("monitoring.rejects", "数据接收异常", "Refused readings"),
    ("field.opened_at", "报警时间", "Raised at"),
    ("field.figure", "数值", "Figure"),
    ("field.sensor", "传感器", "Sensor"),
    ("field.value", "数值", "Value"),
    ("field.time", "时间", "Time"),
    ("action.acknowledge", "响应", "Acknowledge"),
    ("action.resolve", "解除", "Resolve"),
    ("coverage.objects_missing_duties", "监测点、水库责任人缺位", "Hazard sites and reservoirs missing a responsible person"),
    ("duty.monitor", "群测群防员", "Monitor"),
    ("duty.town_official", "镇乡专管员", "Town official"),
    ("duty.resident_geologist", "驻守地质队员", "Resident geologist"),
    ("duty.district_technician", "区县技术管理员", "District technician"),
    ("duty.admin_responsible", "行政责任人", "Administrative responsible"),
    ("duty.technical_responsible", "技术责任人", "Technical responsible"),
    ("duty.patrol_responsible", "巡查责任人", "Patrol responsible"),
    ("duty.backup", "备岗人员", "Backup"),
    ("object.hazard_site", "地质灾害隐患点", "Geological hazard site"),
    ("object.reservoir", "水库", "Reservoir"),
    ("object.river_section", "河段", "River section"),
    ("object.rain_gauge", "雨量站", "Rain gauge"),
    ("object.soil_station", "墒情站", "Soil-moisture station"),
    ("object.forest_area", "林区", "Forest area"),
    ("object.flood_area", "易涝区", "Flood-prone area"),
    ("coverage.without_liaison_group", "企业未落实一企一组", "Enterprises without a liaison group"),
    ("coverage.without_supervisor", "企业所属行业无监管部门", "Enterprises whose industry no department supervises"),
    ("departments.rule", "管行业必须管安全：镇内每个行业都须有负责监管的部门。", "Whoever runs an industry answers for its safety: every industry in the town needs a supervising department."),
    ("field.updated_at", "更新时间", "Updated"),
    ("filter.all", "全部", "All"),
    ("filter.search", "关键词", "Search"),
    ("filter.search_hint", "名称或信用代码", "Name or credit code"),
    ("hint.high_risk", "矿山、建设施工、危险化学品、烟花爆竹、金属冶炼行业自动为高危", "Mining, construction, hazardous chemicals, fireworks and metal smelting are high-risk by their industry"),
    ("home.coverage", "责任落实缺口", "Responsibility gaps"),
    ("home.high_risk", "高危企业", "High-risk enterprises"),
    ("home.registry", "登记情况", "Registry"),
    ("home.title", "今日待办", "What needs me today"),
    ("list.next", "下一页", "Next"),
    ("list.prev", "上一页", "Previous"),
    ("list.total", "共", "Total"),
    ("msg.saved", "已保存", "Saved"),
    ("nav.audit", "审计记录", "Audit log"),
    ("nav.committees", "安委会·减灾委", "Committees"),
    ("nav.coverage", "责任覆盖", "Coverage"),
    ("nav.departments", "部门", "Departments"),
    ("nav.enterprises", "企业", "Enterprises"),
    ("nav.home", "首页", "Home"),
    ("nav.key_units", "重点单位", "Key units"),
    ("nav.liaison_groups", "一企一组", "Liaison groups"),
    ("nav.my_enterprise", "本企业", "My enterprise"),
    ("nav.people", "人员", "People"),
    ("nav.regions", "区划网格", "Regions"),
    ("nav.registry", "责任体系", "Responsibilities"),
    ("nav.system", "系统", "System"),
    ("nav.users", "用户", "Users"),
    ("users.active", "启用", "Active"),
    ("users.binding", "范围", "Bound to"),
    ("users.cli_hint", "新增、停用账号及重置密码请使用命令 safegrid user。", "Add, disable and reset accounts with the safegrid user command."),
    ("users.disabled", "已停用", "Disabled"),
    ("users.state", "状态", "State"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use safegrid_domain::access::Role;
    use safegrid_domain::enterprise::{FringeTreatment, Scale, StandardGrade};
    use safegrid_domain::region::RegionLevel;
    use safegrid_domain::registry::{CommitteeKind, KeyUnitKind, OfficeKind, PersonRole};

    #[test]
    fn keys_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (k, _, _) in ENTRIES {
            assert!(seen.insert(k), "duplicate key {k}");
        }
    }

    #[test]
    fn every_enumeration_value_has_words() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Role::ALL.iter().map(|r| format!("role.{}", r.as_str())));
        keys.extend(
            RegionLevel::ALL
                .iter()
                .map(|r| format!("level.{}", r.as_str())),
        );
        keys.extend(Scale::ALL.iter().map(|r| format!("scale.{}", r.as_str())));
        keys.extend(
            StandardGrade::ALL
                .iter()
                .map(|r| format!("grade.{}", r.as_str())),
        );
        keys.extend(
            FringeTreatment::ALL
                .iter()
                .map(|r| format!("fringe.{}", r.as_str())),
        );
        keys.extend(
            PersonRole::ALL
                .iter()
                .map(|r| format!("person_role.{}", r.as_str())),
        );
        keys.extend(
            KeyUnitKind::ALL
                .iter()
                .map(|r| format!("key_unit.{}", r.as_str())),
        );
        keys.extend(
            CommitteeKind::ALL
                .iter()
                .map(|r| format!("committee.{}", r.as_str())),
        );
        keys.extend(
            OfficeKind::ALL
                .iter()
                .map(|r| format!("office.{}", r.as_str())),
        );
        for k in keys {
            assert!(has(&k), "missing {k}");
        }
    }

    #[test]
    fn languages() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("fr-FR, zh-CN;q=0.5"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(
            Lang::En.field_error("uscc", "uscc.check_digit"),
            "Unified social credit code: has a wrong check digit; check the business licence"
        );
        assert_eq!(Lang::Zh.field_error("mobile", "required"), "手机：必填");
    }
}
