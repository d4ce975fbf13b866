//! Getting a warning to people (task 18, 预警逐级精准发布): the channels a message goes by, the
//! state of each delivery, when a failed one is tried again, what the messages say on each
//! channel, and how an SMS reply is read. The sending itself is the worker's.

use crate::Invalid;
use crate::alarm::Level;
use crate::enterprise::text_enum;
use crate::warning::{RequiredAction, WarningKind, zh_event};
use chrono::Duration;
use serde::{Deserialize, Serialize};

text_enum!(
    /// How a message reaches someone.
    Channel {
        /// The inbox of the person's safegrid account.
        Inbox = "inbox",
        Sms = "sms",
        Email = "email",
        /// A group robot (WeCom, DingTalk) or any JSON endpoint; one message per group, naming
        /// the people of the group it concerns.
        Webhook = "webhook",
    }
);

text_enum!(
    /// Where a delivery stands. `sent` is the channel's acceptance; `delivered` is known only
    /// where the channel reports it (the inbox at once, an SMS gateway by its receipt).
    DeliveryStatus {
        Queued = "queued",
        Sent = "sent",
        Failed = "failed",
        Delivered = "delivered",
    }
);

text_enum!(
    /// Why a message goes out.
    Purpose {
        /// The warning itself, to everyone it reaches.
        Notice = "notice",
        /// The warning again, by another channel, to someone who did not answer in time.
        Repeat = "repeat",
        /// To a backup, the village head or the duty officer: someone did not answer.
        Escalation = "escalation",
    }
);

text_enum!(
    /// The body a webhook expects.
    WebhookFormat { Wecom = "wecom", Dingtalk = "dingtalk", Json = "json" }
);

/// Tries a delivery gets before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 6;

/// When a delivery that failed on attempt `attempt` (1-based) is tried again: 5 s, 20 s, 80 s,
/// 320 s, then every 10 min; `None` when it has had its tries. A channel that names its own wait
/// (HTTP 429 with Retry-After) is waited for, up to 10 min.
pub fn retry_after(attempt: i64, asked: Option<Duration>) -> Option<Duration> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    let backoff = Duration::seconds(5 * 4_i64.pow(attempt.clamp(1, 5) as u32 - 1));
    let cap = Duration::minutes(10);
    Some(asked.unwrap_or(backoff).min(cap).max(Duration::seconds(1)))
}

/// Channels tried first, in the order of preference, and the rule for repeating by another.
pub const DEFAULT_FIRST: &[Channel] = &[Channel::Inbox, Channel::Sms, Channel::Webhook];

/// The channels a repeat goes by: those the person has that the first message did not use,
/// else SMS again (a phone is what everyone has).
pub fn repeat_channels(available: &[Channel], used: &[Channel]) -> Vec<Channel> {
    let other: Vec<Channel> = available
        .iter()
        .copied()
        .filter(|c| !used.contains(c) && *c != Channel::Webhook)
        .collect();
    if !other.is_empty() {
        other
    } else if available.contains(&Channel::Sms) {
        vec![Channel::Sms]
    } else {
        available.iter().copied().take(1).collect()
    }
}

/// The channels of the town: where SMS, e-mail and robots go, how fast each may be used, and the
/// address of the answer links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Channels {
    /// How people reach this server from their phones, e.g. `http://10.1.2.3:8080`; the answer
    /// links start with it.
    pub base_url: String,
    /// Channels of the first message, in order; a person gets every one of these they have.
    pub first: Vec<Channel>,
    pub sms: Option<SmsGateway>,
    pub smtp: Option<Smtp>,
    pub webhooks: Vec<Webhook>,
    /// Longest wait, in seconds, for a gateway, server or robot to answer one message.
    pub timeout_secs: u32,
}

impl Default for Channels {
    fn default() -> Self {
        Channels {
            base_url: "http://127.0.0.1:8080".into(),
            timeout_secs: 10,
            first: DEFAULT_FIRST.to_vec(),
            sms: None,
            smtp: None,
            webhooks: Vec::new(),
        }
    }
}

/// An SMS gateway reached over HTTP: the request is a template with `{mobile}`, `{text}` and
/// `{id}` (the delivery's id, for the gateway's receipt and to drop a repeat of the same id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsGateway {
    pub url: String,
    /// `application/json` (values JSON-escaped) or `application/x-www-form-urlencoded`.
    pub content_type: String,
    pub body_template: String,
    /// Messages per second the gateway accepts.
    pub per_second: u32,
    /// Shared secret the gateway sends with replies and receipts (`X-Safegrid-Secret`).
    pub inbound_secret: String,
}

impl Default for SmsGateway {
    fn default() -> Self {
        SmsGateway {
            url: String::new(),
            content_type: "application/json".into(),
            body_template: r#"{"mobile":"{mobile}","content":"{text}","msgid":"{id}"}"#.into(),
            per_second: 50,
            inbound_secret: String::new(),
        }
    }
}

text_enum!(
    /// How the connection to the SMTP server is protected: not at all (a relay on the office's
    /// own network, port 25), upgraded by STARTTLS (port 587), or TLS from the start (port 465).
    SmtpSecurity { None = "none", Starttls = "starttls", Tls = "tls" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub from: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub per_second: u32,
}

impl Default for Smtp {
    fn default() -> Self {
        Smtp {
            host: "127.0.0.1".into(),
            port: 25,
            security: SmtpSecurity::None,
            from: String::new(),
            username: None,
            password: None,
            per_second: 10,
        }
    }
}

/// A group robot or a JSON endpoint, for the people of one region (a village's work group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Webhook {
    pub name: String,
    pub format: WebhookFormat,
    pub url: String,
    /// The region whose recipients the group holds; `/` for the whole town.
    pub region_path: String,
    /// Messages per minute (WeCom robots take 20).
    pub per_minute: u32,
}

impl Default for Webhook {
    fn default() -> Self {
        Webhook {
            name: String::new(),
            format: WebhookFormat::Json,
            url: String::new(),
            region_path: "/".into(),
            per_minute: 20,
        }
    }
}

fn check_url(errs: &mut Invalid, field: &str, url: &str) {
    let u = url.trim();
    if u.is_empty() {
        errs.push(field, "required");
    } else if !(u.starts_with("http://") || u.starts_with("https://"))
        || u.contains(char::is_whitespace)
    {
        errs.push(field, "url.invalid");
    }
}

impl Channels {
    /// How long a claimed message stays a worker's: long enough for any try to end (a try is cut
    /// off at three timeouts), short enough that a dead worker's messages are soon taken up.
    pub fn lease(&self) -> Duration {
        Duration::seconds(i64::from(self.timeout_secs) * 3 + 10)
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        check_url(&mut errs, "base_url", &self.base_url);
        if self.first.is_empty() {
            errs.push("first", "required");
        }
        if !(1..=60).contains(&self.timeout_secs) {
            errs.push("timeout_secs", "number.range");
        }
        if let Some(s) = &self.sms {
            check_url(&mut errs, "sms.url", &s.url);
            if !s.body_template.contains("{mobile}") || !s.body_template.contains("{text}") {
                errs.push("sms.body_template", "channel.template");
            }
            if !matches!(
                s.content_type.as_str(),
                "application/json" | "application/x-www-form-urlencoded"
            ) {
                errs.push("sms.content_type", "choice");
            }
            if !(1..=10_000).contains(&s.per_second) {
                errs.push("sms.per_second", "number.range");
            }
            if s.inbound_secret.len() < 16 {
                errs.push("sms.inbound_secret", "channel.secret");
            }
        }
        if let Some(m) = &self.smtp {
            if m.host.trim().is_empty() {
                errs.push("smtp.host", "required");
            }
            if m.port == 0 {
                errs.push("smtp.port", "number.range");
            }
            if !is_email(&m.from) {
                errs.push("smtp.from", "email.invalid");
            }
            if !(1..=1000).contains(&m.per_second) {
                errs.push("smtp.per_second", "number.range");
            }
        }
        for (i, w) in self.webhooks.iter().enumerate() {
            let f = |x: &str| format!("webhooks.{i}.{x}");
            if w.name.trim().is_empty() {
                errs.push(f("name"), "required");
            } else if self.webhooks[..i].iter().any(|o| o.name == w.name) {
                errs.push(f("name"), "duplicate");
            }
            check_url(&mut errs, &f("url"), &w.url);
            if !w.region_path.starts_with('/') || !w.region_path.ends_with('/') {
                errs.push(f("region_path"), "region.path");
            }
            if !(1..=6000).contains(&w.per_minute) {
                errs.push(f("per_minute"), "number.range");
            }
        }
        errs.into_result()
    }

    pub fn webhook(&self, name: &str) -> Option<&Webhook> {
        self.webhooks.iter().find(|w| w.name == name)
    }
}

/// A plain check of an e-mail address's form (something@domain.tld, no spaces).
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !s.contains(char::is_whitespace)
                && !host.contains('@')
                && s.len() <= 254
        }
        None => false,
    }
}

/// Fills `{name}` placeholders of a template; with `json` the values are escaped for a JSON
/// string, otherwise URL-encoded for a form body.
pub fn fill_template(template: &str, values: &[(&str, &str)], json: bool) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        let v = if json { json_escape(v) } else { form_encode(v) };
        out = out.replace(&format!("{{{k}}}"), &v);
    }
    out
}

fn json_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

fn form_encode(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            b' ' => o.push('+'),
            b => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

/// What a message about a warning says, whatever carries it.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    pub kind: WarningKind,
    pub level: Level,
    pub headline: &'a str,
    pub instruction: Option<&'a str>,
    /// Expiry in Beijing time, as people read it (`11月29日 18:00`).
    pub expires: &'a str,
    pub purpose: Purpose,
    /// The recipient's own answer link and reply code; none for a group or the office.
    pub link: Option<&'a str>,
    pub reply_code: Option<&'a str>,
    /// The actions asked of the recipient, as the locale names them.
    pub actions: &'a [&'a str],
    /// Whether moving people is among them (the reply then says how many).
    pub asks_evacuation: bool,
    /// For an escalation: who did not answer, and their number.
    /// For an escalation: who has not answered (name, number), the first few of `silent_total`.
    pub silent: &'a [(&'a str, &'a str)],
    pub silent_total: usize,
}

impl Notice<'_> {
    /// A line for the title of an e-mail or an inbox entry.
    pub fn title(&self) -> String {
        let event = zh_event(self.kind, self.level);
        match self.purpose {
            Purpose::Notice => format!("{event}：{}", self.headline),
            Purpose::Repeat => format!("【未回应，再次通知】{event}：{}", self.headline),
            Purpose::Escalation => format!("【叫应超时】{event}：{}", self.headline),
        }
    }

    /// The whole message as plain text (SMS, e-mail, inbox, robots).
    pub fn text(&self) -> String {
        let mut t = format!("【安全应急】{}。", self.title());
        if !self.silent.is_empty() {
            let named: Vec<String> = self
                .silent
                .iter()
                .map(|(name, mobile)| format!("{name}（{mobile}）"))
                .collect();
            let more = self.silent_total.saturating_sub(self.silent.len());
            let others = if more > 0 {
                format!("等{}人", self.silent_total)
            } else {
                String::new()
            };
            t.push_str(&format!(
                "{}{others}收到预警后未按时回应，请立即联系，必要时代为落实防范措施。",
                named.join("、")
            ));
        }
        if let Some(i) = self.instruction.filter(|i| !i.trim().is_empty()) {
            t.push_str(i.trim());
            if !i.trim().ends_with('。') {
                t.push('。');
            }
        }
        if !self.actions.is_empty() && self.silent.is_empty() {
            t.push_str(&format!("请您：{}。", self.actions.join("、")));
        }
        t.push_str(&format!("有效至{}。", self.expires));
        if let Some(code) = self.reply_code {
            t.push_str(&format!("收到请回复{code}"));
            if self.asks_evacuation {
                t.push_str(&format!("，已撤离人数请回复“{code} 撤离N”"));
            }
            t.push('。');
        }
        if let Some(link) = self.link {
            t.push_str(&format!("或点击 {link} 回应。"));
        }
        t
    }
}

/// The body of a group robot's message: the text, naming the people's numbers so the robot
/// mentions them; the JSON one carries the facts for a program to use.
pub fn webhook_body(
    format: WebhookFormat,
    notice: &Notice<'_>,
    mentions: &[String],
    facts: serde_json::Value,
) -> serde_json::Value {
    use serde_json::json;
    match format {
        WebhookFormat::Wecom => json!({
            "msgtype": "text",
            "text": { "content": notice.text(), "mentioned_mobile_list": mentions },
        }),
        WebhookFormat::Dingtalk => json!({
            "msgtype": "text",
            "text": { "content": notice.text() },
            "at": { "atMobiles": mentions, "isAtAll": false },
        }),
        WebhookFormat::Json => json!({
            "title": notice.title(),
            "text": notice.text(),
            "mobiles": mentions,
            "warning": facts,
        }),
    }
}

/// An SMS reply as read: the reply code, and what the person says they did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmsReply {
    pub code: Option<String>,
    pub evacuated: Option<i64>,
    pub actions: Vec<RequiredAction>,
}

/// Reads a reply such as `123456`, `收到 123456`, `123456 撤离12`, `123456 巡查 撤离 12人`.
/// The reply code is the first run of exactly six digits; a number after it is the count of
/// people moved; words name actions done.
pub fn parse_sms_reply(body: &str) -> SmsReply {
    let mut out = SmsReply::default();
    let mut runs: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in body.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    let mut rest = runs.into_iter();
    for r in rest.by_ref() {
        if r.len() == 6 {
            out.code = Some(r);
            break;
        }
    }
    if out.code.is_some() {
        out.evacuated = rest.next().and_then(|n| n.parse::<i64>().ok());
    }
    let words: &[(&str, RequiredAction)] = &[
        ("巡查", RequiredAction::Patrol),
        ("撤离", RequiredAction::Evacuate),
        ("转移", RequiredAction::Evacuate),
        ("停工", RequiredAction::StopWork),
        ("停产", RequiredAction::StopWork),
        ("停课", RequiredAction::SuspendClasses),
        ("户外", RequiredAction::SuspendOutdoor),
        ("关闭", RequiredAction::CloseSite),
        ("闭园", RequiredAction::CloseSite),
    ];
    for (w, a) in words {
        if body.contains(w) && !out.actions.contains(a) {
            out.actions.push(*a);
        }
    }
    if out.evacuated.is_some() && !out.actions.contains(&RequiredAction::Evacuate) {
        out.actions.push(RequiredAction::Evacuate);
    }
    out
}

/// An answer given on the answer page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerInput {
    /// Codes of the required actions done.
    pub actions: Vec<String>,
    /// People moved to safety, as typed.
    pub evacuated: String,
    pub note: String,
}

/// An answer checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub actions: Vec<RequiredAction>,
    pub evacuated: Option<i64>,
    pub note: Option<String>,
}

/// The most people one answer can say were moved (a town has tens of thousands).
pub const MAX_EVACUATED: i64 = 100_000;

impl AnswerInput {
    /// Checks an answer against the actions the person was asked for.
    pub fn validate(&self, required: &[RequiredAction]) -> Result<Answer, Invalid> {
        let mut errs = Invalid::default();
        let mut actions = Vec::new();
        for (i, code) in self.actions.iter().enumerate() {
            match RequiredAction::parse(code.trim()) {
                Some(a) if required.contains(&a) => {
                    if !actions.contains(&a) {
                        actions.push(a);
                    }
                }
                _ => errs.push(format!("actions.{i}"), "choice"),
            }
        }
        let evacuated = match self.evacuated.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=MAX_EVACUATED).contains(&n) => Some(n),
                Ok(_) => {
                    errs.push("evacuated", "number.range");
                    None
                }
                Err(_) => {
                    errs.push("evacuated", "number.invalid");
                    None
                }
            },
        };
        let note = self.note.trim();
        if note.chars().count() > 500 {
            errs.push("note", "too_long");
        }
        errs.into_result()?;
        Ok(Answer {
            actions,
            evacuated,
            note: (!note.is_empty()).then(|| note.to_string()),
        })
    }
}

/// Joins action codes as stored (`patrol,evacuate`).
pub fn join_actions(a: &[RequiredAction]) -> String {
    a.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(",")
}

/// Reads stored action codes, skipping any no longer known.
pub fn split_actions(s: &str) -> Vec<RequiredAction> {
    s.split(',').filter_map(RequiredAction::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_stop() {
        let secs = |a| retry_after(a, None).map(|d| d.num_seconds());
        assert_eq!(secs(1), Some(5));
        assert_eq!(secs(2), Some(20));
        assert_eq!(secs(3), Some(80));
        assert_eq!(secs(4), Some(320));
        assert_eq!(secs(5), Some(600));
        assert_eq!(secs(MAX_ATTEMPTS), None);
        // A gateway's own wait is kept, within bounds.
        assert_eq!(
            retry_after(1, Some(Duration::seconds(30))).map(|d| d.num_seconds()),
            Some(30)
        );
        assert_eq!(
            retry_after(1, Some(Duration::hours(5))).map(|d| d.num_seconds()),
            Some(600)
        );
        assert_eq!(
            retry_after(1, Some(Duration::zero())).map(|d| d.num_seconds()),
            Some(1)
        );
    }

    #[test]
    fn a_repeat_goes_by_another_channel_when_there_is_one() {
        use Channel::*;
        assert_eq!(
            repeat_channels(&[Inbox, Sms, Email], &[Inbox, Sms]),
            vec![Email]
        );
        assert_eq!(repeat_channels(&[Inbox, Sms], &[Inbox, Sms]), vec![Sms]);
        assert_eq!(repeat_channels(&[Sms, Webhook], &[Sms]), vec![Sms]);
        assert_eq!(repeat_channels(&[Inbox], &[Inbox]), vec![Inbox]);
        assert_eq!(repeat_channels(&[], &[]), Vec::<Channel>::new());
    }

    #[test]
    fn sms_replies_are_read() {
        let r = parse_sms_reply("123456");
        assert_eq!(r.code.as_deref(), Some("123456"));
        assert_eq!(r.evacuated, None);
        assert!(r.actions.is_empty());
        let r = parse_sms_reply("收到 123456 撤离12人");
        assert_eq!(r.code.as_deref(), Some("123456"));
        assert_eq!(r.evacuated, Some(12));
        assert_eq!(r.actions, vec![RequiredAction::Evacuate]);
        let r = parse_sms_reply("巡查完毕 654321");
        assert_eq!(r.code.as_deref(), Some("654321"));
        assert_eq!(r.actions, vec![RequiredAction::Patrol]);
        // A number that is not six digits is no code.
        assert_eq!(parse_sms_reply("12345 好的").code, None);
        assert_eq!(parse_sms_reply("1234567").code, None);
        assert_eq!(parse_sms_reply("").code, None);
    }

    #[test]
    fn templates_escape_for_their_body() {
        let t = fill_template(
            r#"{"m":"{mobile}","c":"{text}"}"#,
            &[("mobile", "13800000000"), ("text", "say \"hi\"\n")],
            true,
        );
        assert_eq!(t, r#"{"m":"13800000000","c":"say \"hi\"\n"}"#);
        let f = fill_template(
            "to={mobile}&msg={text}",
            &[("mobile", "1"), ("text", "a b&c=预")],
            false,
        );
        assert_eq!(f, "to=1&msg=a+b%26c%3D%E9%A2%84");
    }

    #[test]
    fn channels_are_checked_field_by_field() {
        assert!(Channels::default().validate().is_ok());
        let c = Channels {
            base_url: "ftp://x".into(),
            first: vec![],
            timeout_secs: 0,
            sms: Some(SmsGateway {
                url: "".into(),
                body_template: "{text}".into(),
                per_second: 0,
                ..SmsGateway::default()
            }),
            smtp: Some(Smtp {
                from: "not-an-address".into(),
                ..Smtp::default()
            }),
            webhooks: vec![
                Webhook {
                    name: "村组".into(),
                    url: "http://h/x".into(),
                    ..Webhook::default()
                },
                Webhook {
                    name: "村组".into(),
                    url: "http://h/y".into(),
                    region_path: "bad".into(),
                    ..Webhook::default()
                },
            ],
        };
        let e = c.validate().unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "base_url",
            "first",
            "timeout_secs",
            "sms.url",
            "sms.body_template",
            "sms.per_second",
            "sms.inbound_secret",
            "smtp.from",
            "webhooks.1.name",
            "webhooks.1.region_path",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        assert!(!fields.contains(&"webhooks.0.name"));
    }

    #[test]
    fn answers_are_checked_against_what_was_asked() {
        let asked = [RequiredAction::Evacuate];
        let a = AnswerInput {
            actions: vec!["evacuate".into()],
            evacuated: " 12 ".into(),
            note: "".into(),
        }
        .validate(&asked)
        .unwrap();
        assert_eq!(a.evacuated, Some(12));
        assert_eq!(a.actions, asked.to_vec());
        let e = AnswerInput {
            actions: vec!["stop_work".into()],
            evacuated: "-1".into(),
            note: "x".repeat(501),
        }
        .validate(&asked)
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["actions.0", "evacuated", "note"]);
        let e = AnswerInput {
            evacuated: "十二".into(),
            ..AnswerInput::default()
        }
        .validate(&asked)
        .unwrap_err();
        assert_eq!(e.errors[0].code, "number.invalid");
        assert_eq!(
            AnswerInput {
                evacuated: MAX_EVACUATED.to_string(),
                ..AnswerInput::default()
            }
            .validate(&asked)
            .unwrap()
            .evacuated,
            Some(MAX_EVACUATED)
        );
    }

    #[test]
    fn a_notice_tells_what_to_do_and_how_to_answer() {
        let n = Notice {
            kind: WarningKind::GeoHazard,
            level: Level::Red,
            headline: "石坝村滑坡",
            instruction: Some("立即撤离"),
            expires: "11月29日 18:00",
            purpose: Purpose::Notice,
            link: Some("http://t/a/abc"),
            reply_code: Some("123456"),
            actions: &["转移受威胁群众"],
            asks_evacuation: true,
            silent: &[],
            silent_total: 0,
        };
        let t = n.text();
        assert!(t.contains("地质灾害红色预警：石坝村滑坡"), "{t}");
        assert!(t.contains("请您：转移受威胁群众。"), "{t}");
        assert!(t.contains("回复123456"), "{t}");
        assert!(t.contains("123456 撤离N"), "{t}");
        assert!(t.contains("http://t/a/abc"), "{t}");
        let e = Notice {
            purpose: Purpose::Escalation,
            link: None,
            reply_code: None,
            silent: &[("张三", "13800000000"), ("李四", "13800000001")],
            silent_total: 7,
            ..n
        };
        assert!(
            e.text()
                .contains("张三（13800000000）、李四（13800000001）等7人收到预警后未按时回应"),
            "{}",
            e.text()
        );
        assert!(e.title().starts_with("【叫应超时】"));
        let body = webhook_body(
            WebhookFormat::Dingtalk,
            &e,
            &["13800000000".into()],
            serde_json::Value::Null,
        );
        assert_eq!(body["at"]["atMobiles"][0], "13800000000");
        let body = webhook_body(WebhookFormat::Wecom, &e, &[], serde_json::Value::Null);
        assert_eq!(body["msgtype"], "text");
    }

    #[test]
    fn addresses() {
        assert!(is_email("yjb@mawu.gov.cn"));
        assert!(!is_email("yjb@localhost"));
        assert!(!is_email("a b@x.cn"));
        assert!(!is_email("@x.cn"));
    }
}
