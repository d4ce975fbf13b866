//! Industries after GB/T 4754-2017: the 20 sections (门类 A-T) and the divisions (大类) and classes
//! a town meets most, with the high-risk ones of the work plan (mining, construction, hazardous
//! chemicals, fireworks, metal smelting) flagged.
//!
//! 管行业必须管安全: a department that supervises a code supervises every code under it, so a
//! department holding `C` supervises `C21` furniture too.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Industry {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// One of the high-risk industries that need a chief engineer (task 3) and stricter training.
    pub high_risk: bool,
}

const fn ind(
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    high_risk: bool,
) -> Industry {
    Industry {
        code,
        name_zh,
        name_en,
        high_risk,
    }
}

pub const CATALOGUE: &[Industry] = &[
    ind(
        "A",
        "农、林、牧、渔业",
        "Agriculture, forestry, animal husbandry and fishery",
        false,
    ),
    ind("B", "采矿业", "Mining", true),
    ind(
        "B10",
        "非金属矿采选业(非煤矿山)",
        "Non-metallic mineral mining (non-coal mines)",
        true,
    ),
    ind("C", "制造业", "Manufacturing", false),
    ind(
        "C13",
        "农副食品加工业",
        "Agricultural and sideline food processing",
        false,
    ),
    ind(
        "C20",
        "木材加工和木、竹、藤、棕、草制品业",
        "Wood processing",
        false,
    ),
    ind("C21", "家具制造业", "Furniture manufacturing", false),
    ind(
        "C26",
        "化学原料和化学制品制造业(危险化学品)",
        "Chemical raw materials and products (hazardous chemicals)",
        true,
    ),
    ind(
        "C2672",
        "焰火、鞭炮产品制造(烟花爆竹)",
        "Fireworks and firecrackers",
        true,
    ),
    ind(
        "C30",
        "非金属矿物制品业(建材)",
        "Non-metallic mineral products (building materials)",
        false,
    ),
    ind(
        "C31",
        "黑色金属冶炼和压延加工业(金属冶炼)",
        "Ferrous metal smelting and rolling",
        true,
    ),
    ind("C33", "金属制品业", "Fabricated metal products", false),
    ind(
        "D",
        "电力、热力、燃气及水生产和供应业",
        "Electricity, heat, gas and water supply",
        false,
    ),
    ind("E", "建筑业", "Construction", true),
    ind("E47", "房屋建筑业", "Building construction", true),
    ind("E48", "土木工程建筑业", "Civil engineering", true),
    ind("F", "批发和零售业", "Wholesale and retail trade", false),
    ind(
        "F5265",
        "机动车燃油零售(加油站)",
        "Motor fuel retail (filling stations)",
        true,
    ),
    ind(
        "G",
        "交通运输、仓储和邮政业",
        "Transport, storage and post",
        false,
    ),
    ind("G54", "道路运输业", "Road transport", false),
    ind("H", "住宿和餐饮业", "Accommodation and catering", false),
    ind(
        "I",
        "信息传输、软件和信息技术服务业",
        "Information technology services",
        false,
    ),
    ind("J", "金融业", "Finance", false),
    ind("K", "房地产业", "Real estate", false),
    ind(
        "L",
        "租赁和商务服务业",
        "Leasing and business services",
        false,
    ),
    ind(
        "M",
        "科学研究和技术服务业",
        "Scientific research and technical services",
        false,
    ),
    ind(
        "N",
        "水利、环境和公共设施管理业",
        "Water conservancy, environment and public facilities",
        false,
    ),
    ind("N7850", "游览景区管理", "Scenic area management", false),
    ind(
        "O",
        "居民服务、修理和其他服务业",
        "Resident services and repair",
        false,
    ),
    ind("P", "教育", "Education", false),
    ind("Q", "卫生和社会工作", "Health and social work", false),
    ind(
        "R",
        "文化、体育和娱乐业",
        "Culture, sports and entertainment",
        false,
    ),
    ind(
        "S",
        "公共管理、社会保障和社会组织",
        "Public administration and social organisations",
        false,
    ),
    ind("T", "国际组织", "International organisations", false),
];

/// The catalogue entry for a code, if the code is known.
pub fn find(code: &str) -> Option<&'static Industry> {
    CATALOGUE.iter().find(|i| i.code == code)
}

/// Whether a department holding `supervised` codes supervises an enterprise of `industry`.
pub fn supervises<'a>(supervised: impl IntoIterator<Item = &'a str>, industry: &str) -> bool {
    supervised.into_iter().any(|s| industry.starts_with(s))
}

/// Whether an industry is high-risk, by itself or by an enclosing code.
pub fn is_high_risk(code: &str) -> bool {
    find(code).is_some_and(|i| i.high_risk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_well_formed() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            assert!(
                a.code
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
            );
            assert!(
                CATALOGUE[i + 1..].iter().all(|b| b.code != a.code),
                "duplicate {}",
                a.code
            );
            // Every finer code lies under a section that is in the catalogue.
            assert!(find(&a.code[..1]).is_some());
        }
        assert_eq!(CATALOGUE.iter().filter(|i| i.code.len() == 1).count(), 20);
    }

    #[test]
    fn supervision_is_by_prefix() {
        assert!(supervises(["C"], "C21"));
        assert!(supervises(["E47", "B"], "B10"));
        assert!(!supervises(["C2"], "C31"));
        assert!(!supervises([], "C21"));
    }

    #[test]
    fn high_risk_flags() {
        assert!(is_high_risk("B10"));
        assert!(is_high_risk("E48"));
        assert!(is_high_risk("C26"));
        assert!(!is_high_risk("C21"));
        assert!(!is_high_risk("ZZ"));
    }
}
