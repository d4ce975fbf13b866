//! Reading a CAP 1.2 message from another sender (the district meteorological bureau, a
//! neighbouring town's safegrid) as a warning of this town: its kind and level from the event,
//! its area from the geocodes and area names matched against the town's regions, its text from
//! the zh-CN block (and the English one), and what it refers back to.
//!
//! An imported Alert becomes a draft the office checks, approves and issues to its own people
//! (预警逐级发布: each level passes the warning down to the people it answers for).

use crate::Invalid;
use crate::alarm::Level;
use crate::local_time;
use crate::warning::{MAX_HOURS, WarningDraft, WarningInput, WarningKind};
use chrono::{DateTime, Duration, Utc};
use safegrid_cap as cap;
use serde::{Deserialize, Serialize};

/// A region of the town, as the import matches areas against it.
#[derive(Debug, Clone)]
pub struct KnownRegion {
    pub id: i64,
    pub name: String,
    /// The administrative code (GB/T 2260, GB/T 10114), when known.
    pub code: Option<String>,
    pub path: String,
}

/// What a received message asks of the town.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub sender: String,
    pub identifier: String,
    pub sent: String,
    pub msg_type: cap::MsgType,
    /// `(sender, identifier)` of each message it refers to.
    pub references: Vec<(String, String)>,
    /// The warning it describes (none for a Cancel, which needs no text).
    pub draft: Option<WarningDraft>,
}

/// The feeds of CAP alerts the town reads (the district bureau, neighbouring towns): configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Subscriptions {
    pub feeds: Vec<Subscription>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Subscription {
    /// How the office calls it (区气象台, 邻镇); unique.
    pub name: String,
    /// An Atom feed or RSS channel of CAP alerts, over HTTP(S).
    pub url: String,
    /// Seconds between reads.
    pub every_secs: u64,
}

impl Default for Subscription {
    fn default() -> Self {
        Subscription {
            name: String::new(),
            url: String::new(),
            every_secs: 60,
        }
    }
}

/// Shortest and longest time between two reads of a feed.
pub const EVERY_SECS: std::ops::RangeInclusive<u64> = 5..=86_400;

impl Subscriptions {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        for (i, f) in self.feeds.iter().enumerate() {
            let at = |field: &str| format!("feeds.{i}.{field}");
            let name = f.name.trim();
            if name.is_empty() {
                errs.push(at("name"), "required");
            } else if name.chars().count() > 40 {
                errs.push(at("name"), "too_long");
            } else if self.feeds[..i].iter().any(|o| o.name.trim() == name) {
                errs.push(at("name"), "duplicate");
            }
            let url = f.url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || url.len() > 500
                || url.contains(char::is_whitespace)
            {
                errs.push(at("url"), "warning.feed_url");
            }
            if !EVERY_SECS.contains(&f.every_secs) {
                errs.push(at("every_secs"), "warning.feed_every");
            }
        }
        errs.into_result()
    }

    pub fn get(&self, name: &str) -> Option<&Subscription> {
        self.feeds.iter().find(|f| f.name.trim() == name)
    }
}

/// Time an imported warning stands when its message gives no expiry.
const DEFAULT_HOURS: i64 = 24;

/// Reads a parsed, valid CAP alert. Refused: messages that are not `Actual` (exercises, tests,
/// drafts and system messages are for their senders), an Alert or Update without an info block,
/// and one whose time is already over.
pub fn read(
    alert: &cap::Alert,
    regions: &[KnownRegion],
    now: DateTime<Utc>,
) -> Result<Received, Invalid> {
    if alert.status != cap::Status::Actual {
        return Err(Invalid::one("status", "warning.cap_not_actual"));
    }
    let references = alert
        .references
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|r| {
            let mut parts = r.split(',');
            Some((parts.next()?.to_string(), parts.next()?.to_string()))
        })
        .collect();
    let draft = match pick_info(&alert.infos, "zh") {
        Some(info) => Some(draft_of(alert, info, regions, now)?),
        None if alert.msg_type == cap::MsgType::Cancel => None,
        None => return Err(Invalid::one("info", "warning.cap_no_info")),
    };
    Ok(Received {
        sender: alert.sender.clone(),
        identifier: alert.identifier.clone(),
        sent: alert.sent.clone(),
        msg_type: alert.msg_type,
        references,
        draft,
    })
}

/// The info block in a language (`zh` matches `zh-CN`), else the first.
fn pick_info<'a>(infos: &'a [cap::Info], lang: &str) -> Option<&'a cap::Info> {
    infos
        .iter()
        .find(|i| in_language(i, lang))
        .or_else(|| infos.first())
}

fn in_language(i: &cap::Info, lang: &str) -> bool {
    // CAP's default language is en-US.
    let l = i
        .language
        .as_deref()
        .unwrap_or("en-US")
        .to_ascii_lowercase();
    l == lang || l.starts_with(&format!("{lang}-"))
}

fn draft_of(
    alert: &cap::Alert,
    info: &cap::Info,
    regions: &[KnownRegion],
    now: DateTime<Utc>,
) -> Result<WarningDraft, Invalid> {
    let en = alert
        .infos
        .iter()
        .find(|i| !std::ptr::eq(*i, info) && in_language(i, "en"));
    let time = |s: &Option<String>| s.as_deref().and_then(local_time::parse);
    let mut onset = time(&info.onset)
        .or_else(|| time(&info.effective))
        .or_else(|| local_time::parse(&alert.sent))
        .unwrap_or(now);
    let mut expires = time(&info.expires).unwrap_or(onset + Duration::hours(DEFAULT_HOURS));
    if expires <= now {
        return Err(Invalid::one("expires", "warning.cap_expired"));
    }
    // Longer than the town lets a warning stand: it stands that long from now, and the
    // sender's updates renew it.
    if expires - onset > Duration::hours(MAX_HOURS) {
        onset = onset.max(now);
        expires = expires.min(onset + Duration::hours(MAX_HOURS));
    }
    let (region_ids, polygon) = area_of(&info.areas, regions);
    let clip = |s: &Option<String>, n: usize| -> String {
        s.as_deref().unwrap_or("").trim().chars().take(n).collect()
    };
    let headline = match info.headline.as_deref().map(str::trim) {
        Some(h) if !h.is_empty() => info.headline.clone(),
        _ => Some(info.event.clone()),
    };
    let input = WarningInput {
        kind: kind_of(info).as_str().into(),
        level: level_of(info).as_str().into(),
        headline: clip(&headline, 140),
        description: clip(&info.description, 4000),
        instruction: clip(&info.instruction, 2000),
        headline_en: en
            .map(|e| clip(&e.headline.clone().or(Some(e.event.clone())), 300))
            .unwrap_or_default(),
        description_en: en.map(|e| clip(&e.description, 4000)).unwrap_or_default(),
        instruction_en: en.map(|e| clip(&e.instruction, 2000)).unwrap_or_default(),
        onset: onset.to_rfc3339(),
        expires: expires.to_rfc3339(),
        region_ids: region_ids.iter().map(i64::to_string).collect(),
        object_ids: vec![],
        polygon: polygon.unwrap_or_default(),
        alarm_id: String::new(),
    };
    input.validate(now)
}

/// The kind, from the event's words (Chinese or English) or else its category.
pub fn kind_of(info: &cap::Info) -> WarningKind {
    let e = info.event.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    if has(&[
        "地质灾害",
        "滑坡",
        "泥石流",
        "崩塌",
        "landslide",
        "geolog",
        "mudflow",
    ]) {
        WarningKind::GeoHazard
    } else if has(&["暴雨", "rainstorm", "heavy rain", "rain"]) {
        WarningKind::Rainstorm
    } else if has(&["洪水", "洪涝", "山洪", "flood"]) {
        WarningKind::Flood
    } else if has(&[
        "森林火",
        "火险",
        "forest fire",
        "wildfire",
        "bushfire",
        "fire",
    ]) {
        WarningKind::ForestFire
    } else if has(&["台风", "typhoon", "tropical", "cyclone", "hurricane"]) {
        WarningKind::Typhoon
    } else if has(&["大风", "gale", "wind"]) {
        WarningKind::Gale
    } else if has(&["高温", "heat", "high temperature"]) {
        WarningKind::HighTemperature
    } else {
        match info.categories.first().map(String::as_str) {
            Some("Geo") => WarningKind::GeoHazard,
            Some("Fire") => WarningKind::ForestFire,
            _ => WarningKind::Other,
        }
    }
}

/// The level, from the colour the event names (the Chinese signals name it: 暴雨红色预警), else
/// from the severity (rules.md Uncertain 6: Extreme → red … Minor → blue).
pub fn level_of(info: &cap::Info) -> Level {
    let e = info.event.to_lowercase();
    for (words, level) in [
        (["红色", "red"], Level::Red),
        (["橙色", "orange"], Level::Orange),
        (["黄色", "yellow"], Level::Yellow),
        (["蓝色", "blue"], Level::Blue),
    ] {
        if words.iter().any(|w| e.contains(w)) {
            return level;
        }
    }
    match info.severity {
        cap::Severity::Extreme => Level::Red,
        cap::Severity::Severe => Level::Orange,
        cap::Severity::Moderate => Level::Yellow,
        cap::Severity::Minor | cap::Severity::Unknown => Level::Blue,
    }
}

/// The town's regions an alert's areas name: by geocode (a region whose code equals the value,
/// or every top region of the town when the value is the code of a wider area holding it), then
/// by name in `<areaDesc>`; none matched is the whole town (the message was sent to it). The
/// first polygon is kept as drawn.
pub fn area_of(areas: &[cap::Area], regions: &[KnownRegion]) -> (Vec<i64>, Option<String>) {
    let mut hit: Vec<&KnownRegion> = Vec::new();
    for a in areas {
        for g in &a.geocodes {
            let v = g.value.trim();
            if v.is_empty() {
                continue;
            }
            for r in regions {
                if let Some(code) = r.code.as_deref().filter(|c| !c.is_empty())
                    && (code == v || (code.len() > v.len() && code.starts_with(v)))
                {
                    hit.push(r);
                }
            }
        }
        for name in a
            .area_desc
            .split(['、', ',', '，', ';', '；', ' '])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            hit.extend(regions.iter().filter(|r| r.name == name));
        }
    }
    // A region inside another one matched says nothing more.
    let outer: Vec<i64> = hit
        .iter()
        .filter(|r| {
            !hit.iter()
                .any(|o| o.path != r.path && crate::region::is_within(&r.path, &o.path))
        })
        .map(|r| r.id)
        .fold(Vec::new(), |mut v, id| {
            if !v.contains(&id) {
                v.push(id);
            }
            v
        });
    let ids = if outer.is_empty() {
        // The top of the town's tree: the region with the shortest path.
        regions
            .iter()
            .min_by_key(|r| r.path.len())
            .map(|r| vec![r.id])
            .unwrap_or_default()
    } else {
        outer
    };
    let polygon = areas
        .iter()
        .flat_map(|a| a.polygons.first())
        .next()
        .cloned();
    (ids, polygon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warning::{CapSource, Issuer, to_cap};

    fn regions() -> Vec<KnownRegion> {
        let r = |id, name: &str, code: &str, path: &str| KnownRegion {
            id,
            name: name.into(),
            code: (!code.is_empty()).then(|| code.into()),
            path: path.into(),
        };
        vec![
            r(2, "马武镇", "500102116", "/1/2/"),
            r(3, "石坝村", "500102116200", "/1/2/3/"),
            r(4, "文凤村", "500102116201", "/1/2/4/"),
            r(5, "一组", "", "/1/2/3/5/"),
        ]
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn draft(region_ids: Vec<i64>) -> WarningDraft {
        WarningDraft {
            kind: WarningKind::GeoHazard,
            level: Level::Orange,
            headline: "石坝村滑坡橙色预警".into(),
            description: Some("连续降雨，滑坡体位移加速。".into()),
            instruction: Some("立即组织受威胁群众撤离。".into()),
            headline_en: Some("Orange landslide warning".into()),
            description_en: None,
            instruction_en: Some("Evacuate now.".into()),
            onset: at("2026-07-12T14:00:00Z"),
            expires: at("2026-07-13T02:00:00Z"),
            region_ids,
            object_ids: vec![],
            polygon: Some("29.5,107.2 29.6,107.2 29.6,107.3 29.5,107.2".into()),
            alarm_id: None,
        }
    }

    fn alert_of(d: &WarningDraft, names: &[&str], codes: &[&str]) -> cap::Alert {
        let src = CapSource {
            draft: d,
            area_names: names.iter().map(|s| s.to_string()).collect(),
            area_codes: codes.iter().map(|s| s.to_string()).collect(),
            web: None,
            exercise: false,
        };
        to_cap(
            &src,
            &Issuer::default(),
            "500240000000000_20260712220000_0",
            at("2026-07-12T14:00:00Z"),
            cap::MsgType::Alert,
            &[],
        )
    }

    #[test]
    fn a_safegrid_warning_reads_back_as_written() {
        let d = draft(vec![3]);
        let a = alert_of(&d, &["石坝村"], &["500102116200"]);
        // Through XML, as another town reads it.
        let (a, _) = cap::parse(a.to_xml().as_bytes()).unwrap();
        let got = read(&a, &regions(), at("2026-07-12T15:00:00Z")).unwrap();
        assert_eq!(got.msg_type, cap::MsgType::Alert);
        assert_eq!(got.draft, Some(d));
        assert!(got.references.is_empty());
    }

    #[test]
    fn areas_by_code_by_wider_code_by_name_or_the_whole_town() {
        let area = |desc: &str, codes: &[&str]| cap::Area {
            area_desc: desc.into(),
            polygons: vec![],
            circles: vec![],
            geocodes: codes
                .iter()
                .map(|c| cap::ValuePair {
                    value_name: "GB/T 2260".into(),
                    value: c.to_string(),
                })
                .collect(),
            altitude: None,
            ceiling: None,
        };
        let rs = regions();
        assert_eq!(area_of(&[area("—", &["500102116201"])], &rs).0, vec![4]);
        // The district's code covers the town: the town, not each village again.
        assert_eq!(area_of(&[area("涪陵区", &["500102"])], &rs).0, vec![2]);
        assert_eq!(area_of(&[area("石坝村、文凤村", &[])], &rs).0, vec![3, 4]);
        // A group inside a named village adds nothing.
        assert_eq!(area_of(&[area("石坝村 一组", &[])], &rs).0, vec![3]);
        assert_eq!(
            area_of(&[area("重庆市东南部", &["510000"])], &rs).0,
            vec![2]
        );
        assert_eq!(area_of(&[], &rs).0, vec![2]);
    }

    #[test]
    fn kind_and_level_from_the_event_or_the_severity() {
        let mut i = cap::Info::new(
            "Met",
            "暴雨橙色预警",
            cap::Urgency::Expected,
            cap::Severity::Moderate,
            cap::Certainty::Likely,
        );
        assert_eq!(
            (kind_of(&i), level_of(&i)),
            (WarningKind::Rainstorm, Level::Orange)
        );
        i.event = "Severe Thunderstorm".into();
        assert_eq!(
            (kind_of(&i), level_of(&i)),
            (WarningKind::Other, Level::Yellow)
        );
        i.event = "Flood Warning".into();
        i.severity = cap::Severity::Extreme;
        assert_eq!(
            (kind_of(&i), level_of(&i)),
            (WarningKind::Flood, Level::Red)
        );
        i.event = "Bushfire".into();
        i.severity = cap::Severity::Unknown;
        assert_eq!(
            (kind_of(&i), level_of(&i)),
            (WarningKind::ForestFire, Level::Blue)
        );
        i.event = "泥石流".into();
        i.categories = vec!["Geo".into()];
        assert_eq!(kind_of(&i), WarningKind::GeoHazard);
    }

    #[test]
    fn feeds_are_named_once_over_http_and_read_at_a_sane_pace() {
        let f = |name: &str, url: &str, every_secs| Subscription {
            name: name.into(),
            url: url.into(),
            every_secs,
        };
        let ok = Subscriptions {
            feeds: vec![f("区气象台", "https://qx.example/cap.atom", 60)],
        };
        assert_eq!(ok.validate(), Ok(()));
        let bad = Subscriptions {
            feeds: vec![
                f("区气象台", "https://qx.example/cap.atom", 60),
                f("区气象台", "ftp://x", 1),
                f(" ", "http://a b", 100_000),
            ],
        };
        let codes: Vec<(String, String)> = bad
            .validate()
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        let want = [
            ("feeds.1.name", "duplicate"),
            ("feeds.1.url", "warning.feed_url"),
            ("feeds.1.every_secs", "warning.feed_every"),
            ("feeds.2.name", "required"),
            ("feeds.2.url", "warning.feed_url"),
            ("feeds.2.every_secs", "warning.feed_every"),
        ];
        assert_eq!(
            codes,
            want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec()
        );
    }

    #[test]
    fn refused_messages_say_why() {
        let d = draft(vec![3]);
        let mut a = alert_of(&d, &["石坝村"], &[]);
        let now = at("2026-07-12T15:00:00Z");
        a.status = cap::Status::Exercise;
        assert_eq!(
            read(&a, &regions(), now).unwrap_err(),
            Invalid::one("status", "warning.cap_not_actual")
        );
        a.status = cap::Status::Actual;
        assert_eq!(
            read(&a, &regions(), at("2026-07-14T00:00:00Z")).unwrap_err(),
            Invalid::one("expires", "warning.cap_expired")
        );
        let infos = std::mem::take(&mut a.infos);
        assert_eq!(
            read(&a, &regions(), now).unwrap_err(),
            Invalid::one("info", "warning.cap_no_info")
        );
        // A Cancel needs no text, and says what it cancels.
        a.msg_type = cap::MsgType::Cancel;
        a.references = Some("yjb.mawu@safegrid,X_1,2026-07-12T22:00:00+08:00".into());
        let got = read(&a, &regions(), now).unwrap();
        assert_eq!(got.draft, None);
        assert_eq!(
            got.references,
            vec![("yjb.mawu@safegrid".to_string(), "X_1".to_string())]
        );
        a.infos = infos;
    }

    #[test]
    fn a_long_warning_stands_the_towns_longest_and_no_expiry_a_day() {
        let now = at("2026-07-12T15:00:00Z");
        let mut d = draft(vec![3]);
        d.expires = at("2026-08-30T00:00:00Z");
        let a = alert_of(&d, &["石坝村"], &[]);
        let got = read(&a, &regions(), now).unwrap().draft.unwrap();
        assert_eq!(got.expires, now + Duration::hours(MAX_HOURS));
        let mut a = alert_of(&draft(vec![3]), &["石坝村"], &[]);
        a.infos[0].expires = None;
        let got = read(&a, &regions(), now).unwrap().draft.unwrap();
        assert_eq!(got.expires, got.onset + Duration::hours(DEFAULT_HOURS));
    }
}
