//! The pages in a real headless Chromium, driven through ChromeDriver.

use super::{Server, servers};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// ChromeDriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts ChromeDriver, or says why the browser test cannot run here.
fn driver() -> Result<Driver, String> {
    let exe = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or("chromedriver is not installed (scripts/test installs chromium-driver)")?;
    let port = super::free_port();
    let child = Command::new(exe)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Driver { child, port });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err("chromedriver did not start".into())
}

/// A browser with a fresh profile; the profile folder goes when the returned guard is dropped.
async fn browser(d: &Driver, width: u32) -> (Client, tempfile::TempDir) {
    let profile = tempfile::tempdir().unwrap();
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "prefs": { "intl.accept_languages": "zh-CN,zh" },
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--window-size={width},900"), format!("--user-data-dir={}", profile.path().display()), "--lang=zh-CN"]
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .unwrap();
    (client, profile)
}

/// Saves a screenshot when SAFEGRID_SCREENSHOTS names a folder (for people to look at).
async fn shot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("SAFEGRID_SCREENSHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

async fn log_in(c: &Client, s: &Server, user: &str) {
    c.goto(&format!("{}/login", s.base)).await.unwrap();
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(safegrid_service::demo::DEMO_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("header.top"))
        .await
        .unwrap();
}

#[tokio::test]
async fn register_an_enterprise_with_a_bad_code_fix_it_and_find_it() {
    let d = match driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED register_an_enterprise_with_a_bad_code_fix_it_and_find_it: {why}");
            return;
        }
    };
    // One backend is enough for the browser: the pages are the same on both.
    let s = servers().await.into_iter().next().unwrap();
    let (c, _profile) = browser(&d, 1366).await;
    log_in(&c, &s, "office").await;
    shot(&c, "home").await;

    c.goto(&format!("{}/enterprises/new", s.base))
        .await
        .unwrap();
    c.find(Locator::Id("f-name"))
        .await
        .unwrap()
        .send_keys("马武镇石坝新型建材厂")
        .await
        .unwrap();
    c.find(Locator::Id("f-uscc"))
        .await
        .unwrap()
        .send_keys("91350100M000100Y44")
        .await
        .unwrap();
    c.find(Locator::Css("#f-region_id option:nth-child(3)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#f-industry_code option[value='C30']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("f-legal_representative"))
        .await
        .unwrap()
        .send_keys("冉德明")
        .await
        .unwrap();
    c.find(Locator::Id("f-legal_representative_mobile"))
        .await
        .unwrap()
        .send_keys("13983001234")
        .await
        .unwrap();
    c.find(Locator::Id("save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let err = c.wait().for_element(Locator::Id("err-uscc")).await.unwrap();
    assert!(err.text().await.unwrap().contains("校验位不正确"));
    shot(&c, "enterprise-form-error").await;
    // What was typed is still there.
    let name = c
        .find(Locator::Id("f-name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("马武镇石坝新型建材厂"));
    let uscc = c.find(Locator::Id("f-uscc")).await.unwrap();
    uscc.clear().await.unwrap();
    uscc.send_keys("91350100M000100Y43").await.unwrap();
    c.find(Locator::Id("save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".ok-box")).await.unwrap();
    shot(&c, "enterprise-saved").await;

    c.goto(&format!("{}/enterprises", s.base)).await.unwrap();
    c.find(Locator::Css("form.filters input[name=q]"))
        .await
        .unwrap()
        .send_keys("新型建材")
        .await
        .unwrap();
    c.find(Locator::Css("form.filters button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Wait for the filtered page rather than finding the table of the page being left.
    for _ in 0..100 {
        if c.current_url().await.unwrap().as_str().contains("q=") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let table = c
        .wait()
        .for_element(Locator::Id("enterprise-table"))
        .await
        .unwrap();
    let text = table.text().await.unwrap();
    assert!(
        text.contains("马武镇石坝新型建材厂") && text.contains("91350100M000100Y43"),
        "{text}"
    );
    shot(&c, "enterprises-found").await;

    for (path, name) in [
        ("/coverage", "coverage"),
        ("/regions", "regions"),
        ("/enterprises", "enterprises"),
        ("/", "home-after"),
        ("/hazards", "hazards"),
        ("/hazards/progress", "progress"),
        ("/hazards/1", "hazard"),
        ("/hazards/board", "board"),
        ("/posts/1", "cards"),
        ("/risks?enterprise_id=1", "risks"),
    ] {
        c.goto(&format!("{}{path}", s.base)).await.unwrap();
        shot(&c, name).await;
    }
    c.close().await.unwrap();

    // The same pages on a phone-sized screen.
    let (phone, _phone_profile) = browser(&d, 400).await;
    log_in(&phone, &s, "shiba").await;
    phone
        .goto(&format!("{}/enterprises", s.base))
        .await
        .unwrap();
    shot(&phone, "phone-enterprises").await;
    // Chromium's smallest window is about 500 px wide; the page must fit it without sideways scrolling.
    let fits = phone
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            vec![],
        )
        .await
        .unwrap();
    let (page, window) = (fits[0].as_i64().unwrap(), fits[1].as_i64().unwrap());
    assert!(
        window <= 520 && page <= window,
        "page {page}px in a {window}px window"
    );
    phone.close().await.unwrap();
}

#[tokio::test]
async fn the_monitoring_board_turns_red_without_a_reload() {
    let d = match driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED the_monitoring_board_turns_red_without_a_reload: {why}");
            return;
        }
    };
    let s = servers().await.into_iter().next().unwrap();
    let (c, _profile) = browser(&d, 1366).await;
    log_in(&c, &s, "office").await;
    c.goto(&format!("{}/monitoring", s.base)).await.unwrap();
    // The live mark shows once the event stream is open.
    c.wait()
        .for_element(Locator::Css("#live:not([hidden])"))
        .await
        .unwrap();
    let tile = "//a[contains(@class,'tile')][strong[text()='石坝村3号滑坡']]";
    let class = c
        .find(Locator::XPath(tile))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap();
    assert!(class.contains("level-none"), "{class}");
    c.execute("window.__stillHere = true;", vec![])
        .await
        .unwrap();

    // A cloudburst at the site's rain gauge: 90 mm within the hour is red.
    let gw = s
        .svc
        .create_gateway(&safegrid_service::system(), "浏览器测试")
        .await
        .unwrap();
    let r = super::client()
        .post(format!("{}/api/v1/readings", s.base))
        .bearer_auth(&gw.token)
        .json(&serde_json::json!([{"sensor": "SB3-RAIN", "value": 90}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let red = format!("{tile}[contains(@class,'level-red')]");
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::XPath(&red))
        .await
        .unwrap();
    let same_page = c
        .execute("return window.__stillHere === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_page,
        serde_json::Value::Bool(true),
        "the page was reloaded"
    );
    shot(&c, "monitoring-board").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_passer_by_reports_on_a_phone_and_follows_it_with_the_code() {
    let d = match driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED a_passer_by_reports_on_a_phone_and_follows_it_with_the_code: {why}");
            return;
        }
    };
    let s = servers().await.into_iter().next().unwrap();
    // A cheap phone: no account, one narrow column.
    let (c, _profile) = browser(&d, 390).await;
    c.goto(&format!("{}/public/tipoff", s.base)).await.unwrap();
    let fits: bool = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(fits, "the form is wider than the phone");
    c.find(Locator::Id("t-text"))
        .await
        .unwrap()
        .send_keys("桥头小卖部门口堆了十几个液化气罐，<b>没人看管</b>")
        .await
        .unwrap();
    c.find(Locator::Id("t-place"))
        .await
        .unwrap()
        .send_keys("石坝村桥头")
        .await
        .unwrap();
    c.find(Locator::Css("#t-region option:nth-child(2)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#tipoff-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let code = c
        .wait()
        .for_element(Locator::Id("code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(code.len(), 14, "{code}");
    shot(&c, "tipoff-received").await;
    c.find(Locator::Css("#received a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let status = c
        .wait()
        .for_element(Locator::Id("status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "已受理");
    c.close().await.unwrap();
}

/// Scenario 4: in December the leader opens the targets, ranks the villages, finds the veto,
/// and prints the year-end report with the plan's 21 tasks.
#[tokio::test]
async fn the_leader_reads_the_year_end_assessment() {
    let d = match driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED the_leader_reads_the_year_end_assessment: {why}");
            return;
        }
    };
    let s = servers().await.into_iter().next().unwrap();
    let (c, _profile) = browser(&d, 1366).await;
    log_in(&c, &s, "leader").await;
    c.find(Locator::LinkText("目标考核"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("targets")).await.unwrap();
    let row = |metric: &'static str| {
        let c = c.clone();
        async move {
            let tr = c.find(Locator::Id(&format!("t-{metric}"))).await.unwrap();
            let status = tr.attr("data-status").await.unwrap().unwrap();
            (status, tr.text().await.unwrap())
        }
    };
    let (st, _) = row("larger_accidents").await;
    assert_eq!(st, "green");
    let (st, text) = row("forest_fire_rate").await;
    assert_eq!(st, "green");
    assert!(text.contains("0.120‰") && text.contains("达标"), "{text}");
    let (st, text) = row("staff_qualified_share").await;
    assert_eq!(st, "red");
    assert!(text.contains("58.3%") && text.contains("未达标"), "{text}");
    let (st, text) = row("guardrail_metres").await;
    assert_eq!(st, "green");
    assert!(text.contains("5300米"), "{text}");
    let (st, text) = row("five_guarantee_rate").await;
    assert_eq!(st, "green");
    assert!(text.contains("100.0%"), "{text}");
    shot(&c, "targets").await;

    // The villages ranked by score, one of them vetoed.
    c.find(Locator::LinkText("考核评分"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("villages")).await.unwrap();
    let vetoed = c
        .find_all(Locator::Css("#villages tbody tr.vetoed"))
        .await
        .unwrap();
    assert_eq!(vetoed.len(), 1);
    let text = vetoed[0].text().await.unwrap();
    assert!(
        text.contains("文观村") && text.contains("被一票否决"),
        "{text}"
    );
    // Ranked: the vetoed village last whatever its score.
    let last = c
        .find(Locator::Css("#villages tbody tr:last-child"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(last.contains("文观村"), "{last}");
    shot(&c, "scorecards").await;

    // The year-end report prints, with the plan's progress table when the year has a plan; the
    // 2021 plan's 21 tasks export from their own page.
    c.find(Locator::LinkText("年终报告"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("button[data-print]"))
        .await
        .unwrap();
    // The report's export is for the year shown.
    let year = safegrid_domain::local_time::day_of(chrono::Utc::now())
        .format("%Y")
        .to_string();
    let export = c
        .find(Locator::Css("a[href^='/targets/report.xlsx']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(export, format!("/targets/report.xlsx?year={year}"));
    c.find(Locator::LinkText("工作要点"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::LinkText(
        "2021年全镇安全生产与自然灾害防治工作要点",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait().for_element(Locator::Id("tasks")).await.unwrap();
    let tasks = c.find_all(Locator::Css("#tasks tbody tr")).await.unwrap();
    assert_eq!(tasks.len(), 21);
    let xlsx = c
        .find(Locator::Css("a[href$='/xlsx']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let r = super::client()
        .get(format!("{}{xlsx}", s.base))
        .header(
            "cookie",
            format!(
                "sg_session={}",
                c.get_named_cookie("sg_session").await.unwrap().value()
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    shot(&c, "work-plan").await;
    c.close().await.unwrap();
}
