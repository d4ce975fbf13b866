//! Pictures drawn on the server as SVG: no script, prints as it shows.

use safegrid_service::Lang;
use safegrid_store::risks::RiskPointRow;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The national colour of a risk level.
fn fill(level: &str) -> (&'static str, &'static str) {
    match level {
        "major" => ("#c81e1e", "#fff"),
        "significant" => ("#e8710a", "#fff"),
        "general" => ("#f2c200", "#222"),
        _ => ("#1a5fb4", "#fff"),
    }
}

/// 四色风险分布图: an enterprise's risk points as tiles grouped by post, each in its level's
/// colour and always with the level's word, with a legend.
pub fn risk_picture(title: &str, points: &[RiskPointRow], lang: Lang) -> String {
    let mut posts: Vec<String> = Vec::new();
    for p in points {
        let post = p
            .post
            .clone()
            .unwrap_or_else(|| lang.t("risk.whole_site").to_string());
        if !posts.contains(&post) {
            posts.push(post);
        }
    }
    let (w, tile_w, tile_h, per_row) = (860, 200, 62, 4);
    let mut rows_total = 0;
    for post in &posts {
        let n = points
            .iter()
            .filter(|p| {
                p.post
                    .clone()
                    .unwrap_or_else(|| lang.t("risk.whole_site").to_string())
                    == *post
            })
            .count();
        rows_total += n.div_ceil(per_row).max(1);
    }
    let h = 70 + posts.len() * 30 + rows_total * (tile_h + 10) + 40;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" role="img" aria-label="{}">"#,
        esc(title)
    );
    let _ = write!(
        s,
        r##"<rect width="{w}" height="{h}" fill="#fff"/><text x="16" y="30" font-size="20" font-weight="700">{}</text>"##,
        esc(title)
    );
    // Legend: colour and word together.
    for (i, level) in ["major", "significant", "general", "low"]
        .iter()
        .enumerate()
    {
        let (bg, _) = fill(level);
        let x = 16 + i * 150;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="44" width="16" height="16" fill="{bg}"/><text x="{}" y="57" font-size="13">{}</text>"#,
            x + 22,
            esc(lang.t(&format!("risk_level.{level}")))
        );
    }
    let mut y = 80;
    for post in &posts {
        let _ = write!(
            s,
            r#"<text x="16" y="{}" font-size="15" font-weight="600">{}</text>"#,
            y + 16,
            esc(post)
        );
        y += 26;
        let in_post: Vec<&RiskPointRow> = points
            .iter()
            .filter(|p| {
                p.post
                    .clone()
                    .unwrap_or_else(|| lang.t("risk.whole_site").to_string())
                    == *post
            })
            .collect();
        for (i, p) in in_post.iter().enumerate() {
            let (bg, fg) = fill(&p.level);
            let x = 16 + (i % per_row) * (tile_w + 10);
            let ty = y + (i / per_row) * (tile_h + 10);
            let name: String = p.name.chars().take(12).collect();
            let _ = write!(
                s,
                r#"<a href="/risks?enterprise_id={}#risk-{}"><rect x="{x}" y="{ty}" width="{tile_w}" height="{tile_h}" rx="4" fill="{bg}"/><text x="{}" y="{}" font-size="14" fill="{fg}">{}</text><text x="{}" y="{}" font-size="12" fill="{fg}">{} · {}</text></a>"#,
                p.enterprise_id.unwrap_or_default(),
                p.id,
                x + 10,
                ty + 24,
                esc(&name),
                x + 10,
                ty + 46,
                esc(lang.t(&format!("risk_level.{}", p.level))),
                esc(lang.t(&format!("tier.{}", p.tier))),
            );
        }
        y += in_post.len().div_ceil(per_row).max(1) * (tile_h + 10) + 4;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: i64, post: Option<&str>, name: &str, level: &str) -> RiskPointRow {
        RiskPointRow {
            id,
            enterprise_id: Some(1),
            enterprise_name: None,
            region_id: 1,
            region_path: "/1/".into(),
            post: post.map(String::from),
            name: name.into(),
            hazard_factor: "x".into(),
            accident_type: None,
            controls: "x".into(),
            assessment: "{}".into(),
            score: 0,
            level: level.into(),
            tier: "team".into(),
        }
    }

    #[test]
    fn every_tile_carries_its_word_and_text_is_escaped() {
        let svg = risk_picture(
            "厂 <A&B>",
            &[
                point(1, Some("打磨工"), "除尘<系统>", "major"),
                point(2, None, "仓库", "low"),
            ],
            Lang::Zh,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("厂 &lt;A&amp;B&gt;"));
        assert!(svg.contains("除尘&lt;系统&gt;"));
        assert_eq!(svg.matches("重大风险").count(), 2, "legend and tile");
        assert!(svg.contains("全厂"));
        assert!(svg.contains("#c81e1e") && svg.contains("#1a5fb4"));
    }
}
