//! The warning settings page: the required-action rules and the channels, set by the office on
//! plain forms, refused by field when wrong, secrets never shown back.

use super::{body_of, client, csrf_in, login, servers};
use safegrid_domain::alarm::Level;
use safegrid_domain::warning::RequiredAction;

fn form(csrf: &str, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = vec![("csrf".to_string(), csrf.to_string())];
    v.extend(pairs.iter().map(|(k, x)| (k.to_string(), x.to_string())));
    v
}

#[tokio::test]
async fn the_office_sets_required_actions_and_channels_on_the_settings_page() {
    for s in servers().await {
        let url = format!("{}/warnings/settings", s.base);
        for user in ["shiba", "yjb", "monitor", "firm"] {
            let c = client();
            login(&c, &s.base, user).await;
            let st = c.get(&url).send().await.unwrap().status();
            assert_eq!(st, 403, "{user}");
        }
        let c = client();
        login(&c, &s.base, "office").await;
        let html = body_of(&c, &url).await;
        assert!(
            html.contains("群测群防员") && html.contains("加密巡查"),
            "{html}"
        );
        let csrf = csrf_in(&html);
        let post = |path: &str, body: Vec<(String, String)>| {
            c.post(format!("{}/warnings/settings/{path}", s.base))
                .form(&body)
                .send()
        };

        // Two rules; the new one placed first by its order number.
        let r = post(
            "actions",
            form(
                &csrf,
                &[
                    ("rows", "2"),
                    ("r0.pos", "1"),
                    ("r0.reached", "duty:monitor"),
                    ("r0.min_level", "blue"),
                    ("r0.actions", "patrol"),
                    ("r1.pos", "0.5"),
                    ("r1.reached", "key_unit:school"),
                    ("r1.reached", "key_unit:kindergarten"),
                    ("r1.kinds", "rainstorm"),
                    ("r1.min_level", "yellow"),
                    ("r1.actions", "suspend_outdoor"),
                ],
            ),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 303);
        let rules = s.svc.action_rules().await.unwrap().rules;
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules[0].reached,
            vec!["key_unit:school", "key_unit:kindergarten"]
        );
        assert_eq!(
            (rules[0].min_level, rules[0].actions[0]),
            (Level::Yellow, RequiredAction::SuspendOutdoor)
        );
        assert_eq!(rules[1].reached, vec!["duty:monitor"]);

        // A rule with nobody's actions, a kind that does not exist, a key that is no one: each
        // named, and nothing changed.
        for (pairs, words) in [
            (
                vec![
                    ("rows", "1"),
                    ("r0.reached", "duty:monitor"),
                    ("r0.min_level", "red"),
                ],
                "规则 0 应做动作",
            ),
            (
                vec![
                    ("rows", "1"),
                    ("r0.reached", "duty:monitor"),
                    ("r0.kinds", "meteor"),
                    ("r0.min_level", "red"),
                    ("r0.actions", "patrol"),
                ],
                "规则 0 预警种类",
            ),
            (
                vec![
                    ("rows", "1"),
                    ("r0.reached", "person:mayor"),
                    ("r0.min_level", "red"),
                    ("r0.actions", "patrol"),
                ],
                "规则 0",
            ),
        ] {
            let r = post("actions", form(&csrf, &pairs)).await.unwrap();
            assert_eq!(r.status(), 422, "{words}");
            let body = r.text().await.unwrap();
            assert!(body.contains(words), "{words}: {body}");
        }
        assert_eq!(s.svc.action_rules().await.unwrap().rules, rules);

        // The channels: an SMS gateway and a WeCom robot for the whole town.
        let secret = "s3cret-0123456789abc";
        let channels = |secret: &str, template: &str| {
            form(
                &csrf,
                &[
                    ("base_url", "http://10.1.2.3:8080"),
                    ("timeout_secs", "8"),
                    ("first", "inbox"),
                    ("first", "sms"),
                    ("sms.url", "http://127.0.0.1:9/sms"),
                    ("sms.content_type", "application/json"),
                    ("sms.body_template", template),
                    ("sms.per_second", "50"),
                    ("sms.inbound_secret", secret),
                    ("smtp.from", ""),
                    ("webhook_rows", "1"),
                    ("w0.name", "镇应急群"),
                    ("w0.format", "wecom"),
                    ("w0.url", "http://127.0.0.1:9/robot"),
                    ("w0.region_path", "/"),
                    ("w0.per_minute", "20"),
                ],
            )
        };
        let template = r#"{"mobile":"{mobile}","content":"{text}","msgid":"{id}"}"#;
        let r = post("channels", channels(secret, template)).await.unwrap();
        assert_eq!(r.status(), 303);
        let got = s.svc.channels().await.unwrap();
        assert_eq!(got.base_url, "http://10.1.2.3:8080");
        assert_eq!(got.sms.as_ref().unwrap().per_second, 50);
        assert_eq!(got.webhooks[0].name, "镇应急群");
        assert!(got.smtp.is_none());
        // Saved again with the secret left blank: kept, and never shown on the page.
        let r = post("channels", channels("", template)).await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            s.svc.channels().await.unwrap().sms.unwrap().inbound_secret,
            secret
        );
        let html = body_of(&c, &url).await;
        assert!(html.contains("镇应急群") && !html.contains(secret));
        // A template without the number is refused by name, the stored channels unchanged.
        let r = post("channels", channels("", r#"{"content":"{text}"}"#))
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("请求模板"), "{body}");
        assert_eq!(s.svc.channels().await.unwrap(), got);
    }
}
