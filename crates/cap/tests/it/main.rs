//! The shared corpus of real CAP 1.2 alerts and feeds (../shared/testdata/cap): every valid file
//! accepted, every invalid one rejected; and alerts written by this crate read back unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a helper that fails fails its test

use safegrid_cap::feed::{Published, parse_feed, write_atom};
use safegrid_cap::*;
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/testdata/cap");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: the CAP corpus is not at {} (../shared is absent)",
            dir.display()
        );
        None
    }
}

fn files(dir: PathBuf) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

#[test]
fn every_valid_alert_is_accepted() {
    let Some(dir) = corpus() else { return };
    let mut n = 0;
    for f in files(dir.join("valid")) {
        let bytes = std::fs::read(&f).unwrap();
        if let Err(e) = parse(&bytes) {
            panic!("{} rejected: {e}", f.display());
        }
        n += 1;
    }
    assert!(n >= 40, "only {n} files");
}

#[test]
fn every_invalid_alert_is_rejected() {
    let Some(dir) = corpus() else { return };
    for f in files(dir.join("invalid")) {
        let bytes = std::fs::read(&f).unwrap();
        if let Ok((a, _)) = parse(&bytes) {
            panic!("{} accepted (identifier {})", f.display(), a.identifier);
        }
    }
}

#[test]
fn feeds_valid_and_invalid() {
    let Some(dir) = corpus() else { return };
    for f in files(dir.join("feeds/valid")) {
        if let Err(e) = parse_feed(&std::fs::read(&f).unwrap()) {
            panic!("{} rejected: {e}", f.display());
        }
    }
    for f in files(dir.join("feeds/invalid")) {
        assert!(
            parse_feed(&std::fs::read(&f).unwrap()).is_err(),
            "{} accepted",
            f.display()
        );
    }
}

#[test]
fn specific_reasons_are_named() {
    let Some(dir) = corpus() else { return };
    let reason = |name: &str| {
        parse(&std::fs::read(dir.join("invalid").join(name)).unwrap())
            .unwrap_err()
            .to_string()
    };
    assert!(reason("gcap-xee.cap").contains("DTD"));
    assert!(reason("gcap-weather.cap").contains("CAP 1.1"));
    assert!(reason("cpl-invalid_xmlns.cap").contains("namespace"));
    assert!(reason("cpl-sweden.cap").contains("senderName"));
    assert!(reason("kwc-dwd-update.xml").contains("at least 4"));
    assert!(reason("fpas-test_cap_data_1.xml").contains("not closed"));
    assert!(reason("atb-12.31.23.1.2.AT.123123.123123.cap").contains("sender"));
    assert!(reason("twbot-fifows_typhoon-warning_201908230536.xml").contains("description"));
    assert!(reason("gcap-invalid.cap").contains("scope"));
}

#[test]
fn a_written_alert_reads_back_the_same() {
    let mut a = Alert::new(
        "500102116000000_20260712004000_1",
        "mawu@safegrid",
        "2026-07-12T00:40:00+08:00",
        Status::Actual,
        MsgType::Alert,
        Scope::Public,
    );
    let mut info = Info::new(
        "Geo",
        "地质灾害",
        Urgency::Immediate,
        Severity::Extreme,
        Certainty::Likely,
    );
    info.language = Some("zh-CN".into());
    info.headline = Some("石坝村滑坡红色预警 <立即转移> & 撤离".into());
    info.expires = Some("2026-07-12T06:00:00+08:00".into());
    info.parameters.push(ValuePair {
        value_name: "level".into(),
        value: "red".into(),
    });
    info.areas.push(Area {
        area_desc: "石坝村".into(),
        polygons: vec!["29.50,107.30 29.60,107.30 29.60,107.40 29.50,107.30".into()],
        circles: vec!["29.55,107.35 1.5".into()],
        geocodes: vec![ValuePair {
            value_name: "GB/T 2260".into(),
            value: "500102".into(),
        }],
        altitude: None,
        ceiling: None,
    });
    a.infos.push(info);
    let xml = a.to_xml();
    let (back, warnings) = parse(xml.as_bytes()).unwrap();
    assert_eq!(back, a);
    assert!(warnings.is_empty());

    let mut cancel = Alert::new(
        "500102116000000_20260712060000_2",
        "mawu@safegrid",
        "2026-07-12T06:00:00+08:00",
        Status::Actual,
        MsgType::Cancel,
        Scope::Public,
    );
    cancel.references = Some(a.reference());
    let feed = write_atom(
        "urn:safegrid:mawu",
        "马武镇预警",
        "2026-07-12T06:00:00+08:00",
        "http://127.0.0.1/feed",
        &[
            Published {
                alert: &a,
                link: "http://127.0.0.1/cap/1",
                title: "红色预警",
            },
            Published {
                alert: &cancel,
                link: "http://127.0.0.1/cap/2",
                title: "解除",
            },
        ],
    );
    let f = parse_feed(feed.as_bytes()).unwrap();
    assert_eq!(f.entries.len(), 2);
    let (c, _) = parse_element(f.entries[1].embedded.as_ref().unwrap()).unwrap();
    assert_eq!(c.references.as_deref(), Some(a.reference().as_str()));
    assert_eq!(f.entries[0].link.as_deref(), Some("http://127.0.0.1/cap/1"));
}

#[test]
fn an_empty_feed_is_no_document_of_alerts_but_reads_as_nothing_current() {
    let empty = write_atom(
        "urn:safegrid:mawu",
        "马武镇预警",
        "2026-07-12T06:00:00+08:00",
        "http://127.0.0.1/feed",
        &[],
    );
    let e = parse_feed(empty.as_bytes()).unwrap_err();
    assert_eq!(
        (e.element.as_str(), e.rule.as_str()),
        ("feed", "has no entries")
    );
    let read = safegrid_cap::feed::read_feed(empty.as_bytes()).unwrap();
    assert!(read.entries.is_empty());
    assert_eq!(read.id, "urn:safegrid:mawu");
}

/// A bounded, deterministic stand-in for the fuzzer that runs in every test run: each corpus file
/// mutated many ways (bytes flipped, cut short, spliced) must be answered with Ok or Err, never a
/// panic or a hang. The coverage-guided fuzzer is `fuzz/` (see its README).
#[test]
fn mutated_corpus_files_never_panic() {
    let Some(dir) = corpus() else { return };
    let mut seed: u64 = 0x5AFE_C0DE;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut runs = 0;
    for sub in ["valid", "invalid", "feeds/valid", "feeds/invalid"] {
        for f in files(dir.join(sub)) {
            let original = std::fs::read(&f).unwrap();
            for _ in 0..60 {
                let mut b = original.clone();
                match next() % 3 {
                    0 => {
                        for _ in 0..1 + next() % 8 {
                            let i = (next() as usize) % b.len().max(1);
                            if let Some(x) = b.get_mut(i) {
                                *x = (next() & 0xFF) as u8;
                            }
                        }
                    }
                    1 => b.truncate((next() as usize) % (b.len() + 1)),
                    _ => {
                        let (i, j) = (
                            (next() as usize) % (b.len() + 1),
                            (next() as usize) % (b.len() + 1),
                        );
                        let piece = b[i.min(j)..i.max(j)].to_vec();
                        let at = (next() as usize) % (b.len() + 1);
                        b.splice(at..at, piece);
                    }
                }
                let _ = parse(&b);
                let _ = parse_feed(&b);
                runs += 1;
            }
        }
    }
    assert!(runs > 4000);
}
