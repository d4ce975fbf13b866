//! Inspections (隐患排查): checklist templates, results per item, plans with a cadence (日周月:
//! daily by the team, weekly by the department, monthly by the manager) and which scheduled
//! inspections were missed.
//!
//! Built-in templates are data here; the 2023 trade-enterprise major-hazard criteria
//! (《工贸企业重大事故隐患判定标准》, 应急管理部令第10号, rules.md §3.3) mark each item whose
//! failure is a major hazard.

use crate::Invalid;
use crate::enterprise::text_enum;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(
    /// 自查 by the enterprise, 检查诊断/明查 by a department, 暗访 (covert).
    InspectionKind { SelfCheck = "self_check", Government = "government", Covert = "covert" }
);

text_enum!(
    /// 日周月: how often a plan's inspection is due.
    Cadence { Daily = "daily", Weekly = "weekly", Monthly = "monthly" }
);

text_enum!(
    /// The result of one checklist item.
    Outcome { Pass = "pass", Fail = "fail", NotApplicable = "na" }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Item {
    pub code: &'static str,
    pub text: &'static str,
    /// Where the requirement comes from.
    pub standard: &'static str,
    /// Failing it is a major hazard by the standard.
    pub major: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Template {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub items: &'static [Item],
}

const T10: &str = "应急管理部令第10号";

const fn item(code: &'static str, text: &'static str, standard: &'static str, major: bool) -> Item {
    Item {
        code,
        text,
        standard,
        major,
    }
}

/// 《工贸企业重大事故隐患判定标准》(2023): the general, dust-explosion, ammonia-refrigeration and
/// confined-space criteria.
pub const TRADE_2023: Template = Template {
    code: "trade-2023",
    name_zh: "工贸企业重大事故隐患判定标准(2023)",
    name_en: "Trade-enterprise major-hazard criteria (2023)",
    items: &[
        item(
            "general.1",
            "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查",
            T10,
            true,
        ),
        item(
            "general.2",
            "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
            T10,
            true,
        ),
        item(
            "general.3",
            "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格",
            T10,
            true,
        ),
        item(
            "dust.1",
            "粉尘爆炸危险场所设置在非框架结构的多层建构筑物内，或者与居民区、员工宿舍、会议室、办公室、休息室等人员聚集场所安全距离不足",
            T10,
            true,
        ),
        item(
            "dust.2",
            "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建筑物、不同防火分区共用一套除尘系统、除尘系统互联互通",
            T10,
            true,
        ),
        item(
            "dust.3",
            "干式除尘系统未采取泄爆、惰化、抑爆等任一种控爆措施",
            T10,
            true,
        ),
        item(
            "dust.4",
            "铝镁等金属粉尘除尘系统采用正压吹送粉尘，且未采取火花探测消除等防范点燃源措施",
            T10,
            true,
        ),
        item(
            "dust.5",
            "除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道",
            T10,
            true,
        ),
        item(
            "dust.6",
            "铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置",
            T10,
            true,
        ),
        item(
            "dust.7",
            "粉尘爆炸危险场所的20区未使用防爆电气设备设施",
            T10,
            true,
        ),
        item(
            "dust.8",
            "在粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机连接的风管未设置火花探测消除装置",
            T10,
            true,
        ),
        item(
            "dust.9",
            "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或者干式收集、堆放、储存场所未采取防水、防潮措施",
            T10,
            true,
        ),
        item(
            "dust.10",
            "未落实粉尘清理制度，造成作业现场积尘严重",
            T10,
            true,
        ),
        item(
            "ammonia.1",
            "包装、分割、产品整理场所的空调系统采用氨直接蒸发制冷",
            T10,
            true,
        ),
        item(
            "ammonia.2",
            "快速冻结装置未设置在单独的作业间内，或者作业间内作业人员数量超过9人",
            T10,
            true,
        ),
        item(
            "confined.1",
            "未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志",
            T10,
            true,
        ),
        item(
            "confined.2",
            "未落实有限空间作业审批，或者未执行“先通风、再检测、后作业”要求，或者作业现场未设置监护人员",
            T10,
            true,
        ),
    ],
};

/// A team's daily self-check (班组日排查), general items from practice.
pub const DAILY_SELF_CHECK: Template = Template {
    code: "daily-self-check",
    name_zh: "班组日常安全检查表",
    name_en: "Team daily safety check",
    items: &[
        item(
            "daily.1",
            "作业人员劳动防护用品佩戴齐全",
            "安全生产法第45条",
            false,
        ),
        item(
            "daily.2",
            "设备安全防护装置完好有效",
            "安全生产法第36条",
            false,
        ),
        item("daily.3", "安全出口、疏散通道畅通", "消防法第28条", false),
        item(
            "daily.4",
            "电气线路无私拉乱接，配电箱完好",
            "GB 50194",
            false,
        ),
        item("daily.5", "灭火器材在位有效", "消防法第16条", false),
        item(
            "daily.6",
            "岗位“两单两卡”上墙，员工知晓岗位风险",
            "镇工作要点任务4",
            false,
        ),
    ],
};

/// 五到位 (work plan task 3): the enterprise's self-assessment of its main responsibility.
pub const FIVE_IN_PLACE: Template = Template {
    code: "five-in-place",
    name_zh: "企业主体责任“五到位”自评",
    name_en: "Main responsibility self-assessment (five in place)",
    items: &[
        item(
            "five.responsibility",
            "责任到位：法定代表人、实际控制人履行安全生产法定职责，全员安全生产责任制建立并落实",
            "安全生产法第4、21条",
            false,
        ),
        item(
            "five.investment",
            "投入到位：按规定提取和使用安全生产费用，保证安全设施和整改资金",
            "安全生产法第23条",
            false,
        ),
        item(
            "five.training",
            "培训到位：主要负责人、安全管理人员、特种作业人员和新员工按规定培训合格",
            "安全生产法第28条",
            false,
        ),
        item(
            "five.management",
            "管理到位：双重预防机制、“日周月”排查、“两单两卡”落实",
            "安全生产法第41条",
            false,
        ),
        item(
            "five.rescue",
            "救援到位：应急预案编制演练，应急物资和救援力量落实",
            "安全生产法第81条",
            false,
        ),
    ],
};

pub const TEMPLATES: &[Template] = &[TRADE_2023, DAILY_SELF_CHECK, FIVE_IN_PLACE];

pub fn template(code: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.code == code)
}

impl Template {
    pub fn item(&self, code: &str) -> Option<&'static Item> {
        self.items.iter().find(|i| i.code == code)
    }
}

/// One item's result as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub item: String,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// Checks a set of results against a template: every item known, none twice, at least one, and
/// a failed item explained.
pub fn check_results(t: &Template, results: &[ItemResult]) -> Result<(), Invalid> {
    let mut errs = Invalid::default();
    if results.is_empty() {
        errs.push("results", "inspection.no_results");
    }
    let mut seen: Vec<&str> = Vec::new();
    for r in results {
        if t.item(&r.item).is_none() {
            errs.push(format!("results.{}", r.item), "inspection.unknown_item");
        } else if seen.contains(&r.item.as_str()) {
            errs.push(format!("results.{}", r.item), "inspection.item_twice");
        }
        seen.push(&r.item);
        if r.outcome == Outcome::Fail && r.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            errs.push(format!("results.{}", r.item), "inspection.fail_needs_note");
        }
    }
    errs.into_result()
}

/// The period a day falls in for a cadence: the day itself, its week (Monday first) or its month.
pub fn period_of(cadence: Cadence, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    match cadence {
        Cadence::Daily => (day, day),
        Cadence::Weekly => {
            let start = day - Duration::days(day.weekday().num_days_from_monday() as i64);
            (start, start + Duration::days(6))
        }
        Cadence::Monthly => {
            let start = day.with_day(1).unwrap_or(day);
            let next = if start.month() == 12 {
                NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
            };
            (start, next.map(|n| n - Duration::days(1)).unwrap_or(start))
        }
    }
}

/// The periods of a plan that ended between `from` and `until` (inclusive) without an
/// inspection done within them: the missed ones.
pub fn missed(
    cadence: Cadence,
    from: NaiveDate,
    until: NaiveDate,
    done: &[NaiveDate],
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut day = period_of(cadence, from).0;
    while day <= until {
        let (start, end) = period_of(cadence, day);
        if end <= until && end >= from && !done.iter().any(|d| *d >= start && *d <= end) {
            out.push((start, end));
        }
        day = end + Duration::days(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_2023_standard_is_complete() {
        assert_eq!(
            TRADE_2023
                .items
                .iter()
                .filter(|i| i.code.starts_with("dust."))
                .count(),
            10
        );
        assert_eq!(
            TRADE_2023
                .items
                .iter()
                .filter(|i| i.code.starts_with("general."))
                .count(),
            3
        );
        assert!(TRADE_2023.items.iter().all(|i| i.major));
        assert!(TRADE_2023.item("dust.3").unwrap().text.contains("泄爆"));
        for t in TEMPLATES {
            for (i, a) in t.items.iter().enumerate() {
                assert!(
                    t.items[i + 1..].iter().all(|b| b.code != a.code),
                    "{} twice",
                    a.code
                );
            }
        }
    }

    #[test]
    fn results_must_fit_the_template() {
        let r = |item: &str, outcome, note: Option<&str>| ItemResult {
            item: item.into(),
            outcome,
            note: note.map(String::from),
        };
        assert!(
            check_results(
                &TRADE_2023,
                &[
                    r("dust.3", Outcome::Fail, Some("干式除尘器无泄爆片")),
                    r("dust.7", Outcome::Pass, None)
                ]
            )
            .is_ok()
        );
        let e = check_results(
            &TRADE_2023,
            &[
                r("daily.1", Outcome::Pass, None),
                r("dust.3", Outcome::Fail, None),
                r("dust.3", Outcome::Pass, None),
            ],
        )
        .unwrap_err();
        let codes: Vec<_> = e.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "inspection.unknown_item",
                "inspection.fail_needs_note",
                "inspection.item_twice"
            ]
        );
        assert_eq!(
            check_results(&TRADE_2023, &[]).unwrap_err().errors[0].code,
            "inspection.no_results"
        );
    }

    #[test]
    fn periods() {
        // 2026-11-25 is a Wednesday.
        assert_eq!(
            period_of(Cadence::Weekly, day("2026-11-25")),
            (day("2026-11-23"), day("2026-11-29"))
        );
        assert_eq!(
            period_of(Cadence::Monthly, day("2026-12-15")),
            (day("2026-12-01"), day("2026-12-31"))
        );
        assert_eq!(
            period_of(Cadence::Monthly, day("2024-02-10")),
            (day("2024-02-01"), day("2024-02-29"))
        );
        assert_eq!(
            period_of(Cadence::Daily, day("2026-11-25")),
            (day("2026-11-25"), day("2026-11-25"))
        );
    }

    #[test]
    fn missed_inspections() {
        let done = [day("2026-11-23"), day("2026-11-25"), day("2026-11-26")];
        let m = missed(Cadence::Daily, day("2026-11-23"), day("2026-11-27"), &done);
        assert_eq!(
            m,
            [
                (day("2026-11-24"), day("2026-11-24")),
                (day("2026-11-27"), day("2026-11-27"))
            ]
        );
        // A week not yet over is not missed.
        assert!(missed(Cadence::Weekly, day("2026-11-23"), day("2026-11-27"), &[]).is_empty());
        let w = missed(
            Cadence::Weekly,
            day("2026-11-09"),
            day("2026-11-29"),
            &[day("2026-11-18")],
        );
        assert_eq!(
            w,
            [
                (day("2026-11-09"), day("2026-11-15")),
                (day("2026-11-23"), day("2026-11-29"))
            ]
        );
        let mo = missed(
            Cadence::Monthly,
            day("2026-09-01"),
            day("2026-11-29"),
            &[day("2026-10-31")],
        );
        assert_eq!(mo, [(day("2026-09-01"), day("2026-09-30"))]);
    }
}
