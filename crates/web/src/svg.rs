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

/// 挂图作战: the town's villages as a board, each coloured by its worst open hazard (major red,
/// overdue orange, open yellow, none blue) with the counts written in, linking to its list.
pub fn hazard_board(
    title: &str,
    lines: &[safegrid_service::hazards::ProgressLine],
    region_ids: &[(String, i64)],
    lang: Lang,
) -> String {
    let per_row = 4;
    let (box_w, box_h, gap) = (200, 96, 12);
    let rows = lines.len().div_ceil(per_row).max(1);
    let w = 16 * 2 + per_row * box_w + (per_row - 1) * gap;
    let h = 80 + rows * (box_h + gap) + 10;
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
    let legend = [
        ("#c81e1e", "board.major_open"),
        ("#e8710a", "board.overdue"),
        ("#f2c200", "board.open"),
        ("#1a5fb4", "board.clear"),
    ];
    for (i, (colour, key)) in legend.iter().enumerate() {
        let x = 16 + i * 170;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="44" width="16" height="16" fill="{colour}"/><text x="{}" y="57" font-size="13">{}</text>"#,
            x + 22,
            esc(lang.t(key))
        );
    }
    for (i, l) in lines.iter().enumerate() {
        let (bg, fg) = if l.major_open > 0 {
            ("#c81e1e", "#fff")
        } else if l.overdue > 0 {
            ("#e8710a", "#fff")
        } else if l.rectifying > 0 {
            ("#f2c200", "#222")
        } else {
            ("#1a5fb4", "#fff")
        };
        let x = 16 + (i % per_row) * (box_w + gap);
        let y = 76 + (i / per_row) * (box_h + gap);
        let id = region_ids
            .iter()
            .find(|(k, _)| *k == l.key)
            .map(|(_, id)| *id)
            .unwrap_or_default();
        let counts = lang
            .t("board.counts")
            .replace("{open}", &l.rectifying.to_string())
            .replace("{overdue}", &l.overdue.to_string())
            .replace("{major}", &l.major_open.to_string());
        let _ = write!(
            s,
            r#"<a href="/hazards?region_id={id}&amp;view=open"><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="{bg}"/><text x="{}" y="{}" font-size="17" font-weight="700" fill="{fg}">{}</text><text x="{}" y="{}" font-size="13" fill="{fg}">{}</text><text x="{}" y="{}" font-size="12" fill="{fg}">{} {}%</text></a>"#,
            x + 12,
            y + 28,
            esc(&l.label),
            x + 12,
            y + 54,
            esc(&counts),
            x + 12,
            y + 78,
            esc(lang.t("progress.closure_rate")),
            l.closure_rate
        );
    }
    s.push_str("</svg>");
    s
}

/// The national colour of an alarm or warning level (blue, yellow, orange, red).
pub fn level_colour(level: &str) -> &'static str {
    match level {
        "red" => "#c81e1e",
        "orange" => "#e8710a",
        "yellow" => "#f2c200",
        "blue" => "#1a5fb4",
        _ => "#2e7d32",
    }
}

/// A chart of one sensor's metric: the range of each bucket as a band, its mean as a line
/// (rainfall: the amount per bucket as bars), and each threshold of the object's rules as a
/// dashed line in its level's colour, labelled.
pub fn series_chart(
    title: &str,
    series: &safegrid_service::monitoring::Series,
    lang: Lang,
) -> String {
    let (w, h, left, right, top, bottom) = (760.0, 300.0, 56.0, 16.0, 40.0, 36.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let rain = series.metric.accumulates();
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for p in &series.points {
        let (a, b) = if rain { (0.0, p.total) } else { (p.min, p.max) };
        lo = lo.min(a);
        hi = hi.max(b);
    }
    for (_, t) in &series.thresholds {
        lo = lo.min(*t);
        hi = hi.max(*t);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if rain {
        lo = 0.0;
    }
    let pad = ((hi - lo) * 0.08).max(0.01);
    let (lo, hi) = (lo - if rain { 0.0 } else { pad }, hi + pad);
    let x = |t: i64| left + (t - series.from) as f64 / (series.to - series.from).max(1) as f64 * pw;
    let y = |v: f64| top + (hi - v) / (hi - lo) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif" role="img" aria-label="{t}"><rect width="{w}" height="{h}" fill="#fff"/><text x="{left}" y="24" font-size="15" font-weight="700">{t}</text>"##,
        t = esc(title)
    );
    // Axes with five value ticks and the start, middle and end times.
    for i in 0..=4 {
        let v = lo + (hi - lo) * i as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e5e7eb"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">{v:.1}</text>"##,
            left + pw,
            left - 6.0,
            y(v) + 4.0,
            yy = y(v)
        );
    }
    for t in [series.from, (series.from + series.to) / 2, series.to] {
        let label = chrono::DateTime::from_timestamp_millis(t)
            .map(safegrid_domain::local_time::display)
            .unwrap_or_default();
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
            x(t).clamp(left + 40.0, left + pw - 40.0),
            h - 12.0,
            esc(&label)
        );
    }
    let bw = (pw * (series.span * 1000) as f64 / (series.to - series.from).max(1) as f64).max(1.0);
    if rain {
        for p in &series.points {
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#1a5fb4"/>"##,
                x(p.t),
                y(p.total),
                (bw - 1.0).max(1.0),
                (y(0.0) - y(p.total)).max(0.0)
            );
        }
    } else if !series.points.is_empty() {
        let mut band = String::new();
        for p in &series.points {
            let _ = write!(band, "{:.1},{:.1} ", x(p.t) + bw / 2.0, y(p.max));
        }
        for p in series.points.iter().rev() {
            let _ = write!(band, "{:.1},{:.1} ", x(p.t) + bw / 2.0, y(p.min));
        }
        let line: Vec<String> = series
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.t) + bw / 2.0, y(p.mean)))
            .collect();
        let _ = write!(
            s,
            r##"<polygon points="{band}" fill="#1a5fb4" fill-opacity="0.18"/><polyline points="{}" fill="none" stroke="#1a5fb4" stroke-width="2"/>"##,
            line.join(" ")
        );
    }
    for (level, t) in &series.thresholds {
        let c = level_colour(level.as_str());
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" stroke="{c}" stroke-width="1.5" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="{c}" text-anchor="end">{} {t}</text>"#,
            left + pw,
            left + pw - 4.0,
            y(*t) - 4.0,
            esc(lang.t(&format!("alarm_level.{}", level.as_str()))),
            yy = y(*t)
        );
    }
    if series.points.is_empty() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="14" fill="#6b7280" text-anchor="middle">{}</text>"##,
            left + pw / 2.0,
            top + ph / 2.0,
            esc(lang.t("monitoring.no_data"))
        );
    }
    s.push_str("</svg>");
    s
}

/// The 五有 guarantee rate per village as horizontal bars against the plan's 100% line: a full
/// bar is green, a short one red, each with its figures written beside it.
pub fn rate_bars(
    title: &str,
    rates: &[(String, safegrid_domain::disaster::GuaranteeRate)],
    lang: Lang,
) -> String {
    let (w, left, right, row, top) = (640.0, 120.0, 150.0, 28.0, 36.0);
    let h = top + row * rates.len().max(1) as f64 + 12.0;
    let pw = w - left - right;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" class="chart"><text x="8" y="22" font-size="15" font-weight="bold">{t}</text>"#,
        t = esc(title)
    );
    if rates.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{left}" y="{y}" font-size="13" fill="#666">{}</text>"##,
            esc(lang.t("disaster.no_lines")),
            y = top + 18.0
        );
    }
    for (n, (name, r)) in rates.iter().enumerate() {
        let y = top + row * n as f64;
        let share = match r.per_mille() {
            Some(p) => p as f64 / 1000.0,
            None => 1.0,
        };
        let colour = if r.meets_target() {
            "#2e7d32"
        } else {
            "#c81e1e"
        };
        let _ = write!(
            out,
            r##"<text x="{tx}" y="{ty}" font-size="13" text-anchor="end">{name}</text><rect x="{left}" y="{ry}" width="{pw}" height="18" fill="#eee"/><rect x="{left}" y="{ry}" width="{bw:.1}" height="18" fill="{colour}"/><text x="{vx}" y="{ty}" font-size="13">{pct} ({met}/{all})</text>"##,
            tx = left - 8.0,
            ty = y + 14.0,
            name = esc(name),
            ry = y + 1.0,
            bw = pw * share,
            vx = left + pw + 8.0,
            pct = r.percent(),
            met = r.met,
            all = r.households,
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{y2}" stroke="#222" stroke-dasharray="4 3"/></svg>"##,
        x = left + pw,
        y2 = h - 8.0
    );
    out
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
    fn a_chart_draws_its_thresholds_and_says_when_empty() {
        use safegrid_domain::alarm::Level;
        use safegrid_domain::telemetry::Metric;
        use safegrid_service::monitoring::{Series, SeriesPoint};
        let mut series = Series {
            sensor_id: 1,
            metric: Metric::CrackWidth,
            unit: "mm",
            span: 600,
            from: 0,
            to: 6_000_000,
            points: vec![],
            thresholds: vec![(Level::Red, 30.0), (Level::Yellow, 10.0)],
        };
        let empty = series_chart("裂缝 <1>", &series, Lang::Zh);
        assert!(empty.contains("裂缝 &lt;1&gt;") && empty.contains("暂无数据"));
        series.points = (0..10)
            .map(|i| SeriesPoint {
                t: i * 600_000,
                n: 1,
                min: 3.0,
                max: 4.0,
                mean: 3.5,
                total: 3.5,
            })
            .collect();
        let svg = series_chart("裂缝", &series, Lang::Zh);
        assert!(svg.contains("<polyline") && !svg.contains("暂无数据"));
        assert_eq!(svg.matches("stroke-dasharray").count(), 2);
        assert!(svg.contains("#c81e1e") && svg.contains("红色 30"));
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

    #[test]
    fn rate_bars_show_each_village_and_say_when_empty() {
        use safegrid_domain::disaster::GuaranteeRate;
        let rates = vec![
            (
                "石坝村".to_string(),
                GuaranteeRate {
                    met: 3,
                    households: 3,
                },
            ),
            (
                "<堡子村>".to_string(),
                GuaranteeRate {
                    met: 1,
                    households: 2,
                },
            ),
        ];
        let svg = rate_bars("五有保障率", &rates, Lang::Zh);
        assert!(
            svg.contains("100.0% (3/3)") && svg.contains("50.0% (1/2)"),
            "{svg}"
        );
        assert!(svg.contains("&lt;堡子村&gt;") && svg.contains("#c81e1e"));
        assert!(rate_bars("x", &[], Lang::Zh).contains("暂无"));
    }
}
