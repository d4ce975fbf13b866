//! Validation: the CAP 1.2 schema's structure, then the rules the CAP 1.2 text adds.

use crate::model::*;
use crate::xml::{self, Element, Node};
use crate::{Error, NS, NS_1_1, NS_DSIG, Warning};
use std::collections::HashMap;

const UNBOUNDED: usize = usize::MAX;

/// One element of an `xs:sequence`: name, minOccurs, maxOccurs.
type Field = (&'static str, usize, usize);

const ALERT: &[Field] = &[
    ("identifier", 1, 1),
    ("sender", 1, 1),
    ("sent", 1, 1),
    ("status", 1, 1),
    ("msgType", 1, 1),
    ("source", 0, 1),
    ("scope", 1, 1),
    ("restriction", 0, 1),
    ("addresses", 0, 1),
    ("code", 0, UNBOUNDED),
    ("note", 0, 1),
    ("references", 0, 1),
    ("incidents", 0, 1),
    ("info", 0, UNBOUNDED),
];
const INFO: &[Field] = &[
    ("language", 0, 1),
    ("category", 1, UNBOUNDED),
    ("event", 1, 1),
    ("responseType", 0, UNBOUNDED),
    ("urgency", 1, 1),
    ("severity", 1, 1),
    ("certainty", 1, 1),
    ("audience", 0, 1),
    ("eventCode", 0, UNBOUNDED),
    ("effective", 0, 1),
    ("onset", 0, 1),
    ("expires", 0, 1),
    ("senderName", 0, 1),
    ("headline", 0, 1),
    ("description", 0, 1),
    ("instruction", 0, 1),
    ("web", 0, 1),
    ("contact", 0, 1),
    ("parameter", 0, UNBOUNDED),
    ("resource", 0, UNBOUNDED),
    ("area", 0, UNBOUNDED),
];
const RESOURCE: &[Field] = &[
    ("resourceDesc", 1, 1),
    ("mimeType", 1, 1),
    ("size", 0, 1),
    ("uri", 0, 1),
    ("derefUri", 0, 1),
    ("digest", 0, 1),
];
const AREA: &[Field] = &[
    ("areaDesc", 1, 1),
    ("polygon", 0, UNBOUNDED),
    ("circle", 0, UNBOUNDED),
    ("geocode", 0, UNBOUNDED),
    ("altitude", 0, 1),
    ("ceiling", 0, 1),
];
const PAIR: &[Field] = &[("valueName", 1, 1), ("value", 1, 1)];

type Found<'a> = HashMap<&'static str, Vec<&'a Element>>;

/// Matches an element's children against a sequence; `dsig_tail` allows XML signatures after it.
fn sequence<'a>(
    el: &'a Element,
    path: &str,
    fields: &[Field],
    dsig_tail: bool,
) -> Result<Found<'a>, Error> {
    for n in &el.children {
        if let Node::Text(t) = n
            && !t.trim().is_empty()
        {
            return Err(Error::new(
                path,
                "text is not allowed among the child elements",
            ));
        }
    }
    let kids: Vec<&Element> = el.elements().collect();
    let mut found: Found<'a> = HashMap::new();
    let mut i = 0;
    for (name, min, max) in fields {
        let mut count = 0;
        while i < kids.len() && count < *max && kids[i].ns == NS && kids[i].name == *name {
            found.entry(name).or_default().push(kids[i]);
            i += 1;
            count += 1;
        }
        if count < *min {
            return Err(match kids.get(i) {
                Some(k) => Error::new(path, format!("<{name}> is required before <{}>", k.name)),
                None => Error::new(path, format!("<{name}> is required")),
            });
        }
    }
    while dsig_tail && i < kids.len() && kids[i].ns == NS_DSIG {
        i += 1;
    }
    if let Some(k) = kids.get(i) {
        let rule = if k.ns != NS {
            format!("<{}> from namespace '{}' is not allowed here", k.name, k.ns)
        } else if fields.iter().any(|(n, _, _)| *n == k.name) {
            format!(
                "<{}> is out of order or repeated (CAP 1.2 fixes the order of elements)",
                k.name
            )
        } else {
            format!("<{}> is not a CAP 1.2 element here", k.name)
        };
        return Err(Error::new(path, rule));
    }
    Ok(found)
}

/// The text of a simple-typed element, refusing element content.
fn text_of(el: &Element, path: &str) -> Result<String, Error> {
    if el.elements().next().is_some() {
        return Err(Error::new(
            format!("{path}/{}", el.name),
            "must hold text, not elements",
        ));
    }
    Ok(el.text())
}

struct Ctx<'a> {
    found: Found<'a>,
    path: String,
}

impl<'a> Ctx<'a> {
    fn one(&self, name: &str) -> Result<Option<String>, Error> {
        match self.found.get(name).and_then(|v| v.first()) {
            Some(e) => Ok(Some(text_of(e, &self.path)?)),
            None => Ok(None),
        }
    }
    fn req(&self, name: &str) -> Result<String, Error> {
        self.one(name)?
            .ok_or_else(|| Error::new(&self.path, format!("<{name}> is required")))
    }
    fn many(&self, name: &str) -> Result<Vec<String>, Error> {
        self.found
            .get(name)
            .map(|v| v.iter().map(|e| text_of(e, &self.path)).collect())
            .unwrap_or(Ok(vec![]))
    }
    fn elements(&self, name: &str) -> Vec<&'a Element> {
        self.found.get(name).cloned().unwrap_or_default()
    }
    fn enumerated<T>(
        &self,
        name: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Result<T, Error> {
        let v = self.req(name)?;
        parse(v.trim()).ok_or_else(|| {
            Error::new(
                format!("{}/{name}", self.path),
                format!("'{}' is not one of {}", v.trim(), allowed.join(", ")),
            )
        })
    }
    fn date_time(&self, name: &str, warnings: &mut Vec<Warning>) -> Result<Option<String>, Error> {
        match self.one(name)? {
            None => Ok(None),
            Some(v) => {
                let v = v.trim().to_string();
                let at = format!("{}/{name}", self.path);
                check_date_time(&v).map_err(|rule| Error::new(&at, rule))?;
                if v.ends_with("+00:00") {
                    warnings.push(Warning {
                        element: at,
                        note: "UTC written +00:00; CAP 1.2 asks for -00:00".into(),
                    });
                }
                Ok(Some(v))
            }
        }
    }
}

fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

/// `YYYY-MM-DDThh:mm:ss±hh:mm` (the schema's pattern) with a real date and time.
pub fn check_date_time(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let shape = b.len() == 25
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 | 22 => *c == b':',
            19 => matches!(c, b'+' | b'-'),
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err(format!(
            "'{v}' is not a date-time of the form 2026-07-12T22:00:00+08:00"
        ));
    }
    let n = |r: std::ops::Range<usize>| v[r].parse::<u32>().unwrap_or(99);
    let (y, mo, d, h, mi, s, oh, om) = (
        n(0..4),
        n(5..7),
        n(8..10),
        n(11..13),
        n(14..16),
        n(17..19),
        n(20..22),
        n(23..25),
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if d == 0 || d > days || h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59 {
        return Err(format!("'{v}' is not a real date and time"));
    }
    Ok(())
}

/// Identifier and sender: CAP 1.2 forbids spaces, commas and the restricted characters < and &.
fn check_token(v: &str, at: &str) -> Result<(), Error> {
    if v.is_empty() {
        return Err(Error::new(at, "must not be empty"));
    }
    if let Some(c) = v
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, ',' | '<' | '&'))
    {
        return Err(Error::new(
            at,
            format!("must not contain spaces, commas, < or & (found {c:?})"),
        ));
    }
    Ok(())
}

fn check_references(v: &str, at: &str) -> Result<(), Error> {
    let refs: Vec<&str> = v.split_whitespace().collect();
    if refs.is_empty() {
        return Err(Error::new(
            at,
            "must list at least one sender,identifier,sent",
        ));
    }
    for r in refs {
        let parts: Vec<&str> = r.split(',').collect();
        if parts.len() != 3
            || parts[0].is_empty()
            || parts[1].is_empty()
            || check_date_time(parts[2]).is_err()
        {
            return Err(Error::new(
                at,
                format!("'{r}' is not sender,identifier,sent"),
            ));
        }
    }
    Ok(())
}

fn coordinate(pair: &str) -> Option<(f64, f64)> {
    let (lat, lon) = pair.split_once(',')?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// A polygon: at least four `lat,lon` pairs in WGS 84 range, the first equal to the last.
pub fn check_polygon(v: &str, at: &str) -> Result<(), Error> {
    let pairs: Vec<&str> = v.split_whitespace().collect();
    if pairs.len() < 4 {
        return Err(Error::new(
            at,
            format!("needs at least 4 coordinate pairs, has {}", pairs.len()),
        ));
    }
    let mut points = Vec::new();
    for p in &pairs {
        points.push(
            coordinate(p).ok_or_else(|| {
                Error::new(at, format!("'{p}' is not a lat,lon pair within range"))
            })?,
        );
    }
    if points.first() != points.last() {
        return Err(Error::new(
            at,
            "is not closed: the first and last pairs differ",
        ));
    }
    Ok(())
}

/// A circle: `lat,lon radius` with the radius in kilometres, not negative.
pub fn check_circle(v: &str, at: &str) -> Result<(), Error> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    let ok = parts.len() == 2
        && coordinate(parts[0]).is_some()
        && parts[1]
            .parse::<f64>()
            .is_ok_and(|r| r >= 0.0 && r.is_finite());
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            at,
            format!("'{}' is not 'lat,lon radius'", v.trim()),
        ))
    }
}

fn check_decimal(v: &str, at: &str) -> Result<(), Error> {
    let t = v.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let ok = !body.is_empty()
        && body.chars().filter(|c| *c == '.').count() <= 1
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body != ".";
    if ok {
        Ok(())
    } else {
        Err(Error::new(at, format!("'{t}' is not a decimal number")))
    }
}

fn check_language(v: &str, at: &str) -> Result<(), Error> {
    let t = v.trim();
    let ok = t.split('-').enumerate().all(|(i, part)| {
        (1..=8).contains(&part.len())
            && part.chars().all(|c| {
                if i == 0 {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_ascii_alphanumeric()
                }
            })
    });
    if ok {
        Ok(())
    } else {
        Err(Error::new(at, format!("'{t}' is not a language tag")))
    }
}

fn pairs(els: Vec<&Element>, path: &str, name: &str) -> Result<Vec<ValuePair>, Error> {
    let mut out = Vec::new();
    for (i, e) in els.iter().enumerate() {
        let p = format!("{path}/{name}[{}]", i + 1);
        let c = Ctx {
            found: sequence(e, &p, PAIR, false)?,
            path: p,
        };
        out.push(ValuePair {
            value_name: c.req("valueName")?,
            value: c.req("value")?,
        });
    }
    Ok(out)
}

/// Parses and validates an alert document; returns the alert and any warnings.
pub fn parse(bytes: &[u8]) -> Result<(Alert, Vec<Warning>), Error> {
    let root = xml::parse(bytes)?;
    parse_element(&root)
}

/// Validates an alert already read as an element (e.g. one embedded in a feed).
pub fn parse_element(root: &Element) -> Result<(Alert, Vec<Warning>), Error> {
    if root.name != "alert" {
        return Err(Error::new(&root.name, "the root element must be <alert>"));
    }
    if root.ns == NS_1_1 {
        return Err(Error::new(
            "alert",
            "this is CAP 1.1 (namespace urn:oasis:names:tc:emergency:cap:1.1); only CAP 1.2 is accepted",
        ));
    }
    if root.ns != NS {
        return Err(Error::new(
            "alert",
            format!("namespace must be {NS}, not '{}'", root.ns),
        ));
    }
    let mut warnings = Vec::new();
    let c = Ctx {
        found: sequence(root, "alert", ALERT, true)?,
        path: "alert".into(),
    };
    let identifier = c.req("identifier")?;
    check_token(&identifier, "alert/identifier")?;
    let sender = c.req("sender")?;
    check_token(&sender, "alert/sender")?;
    let sent = c
        .date_time("sent", &mut warnings)?
        .ok_or_else(|| Error::new("alert", "<sent> is required"))?;
    let status = c.enumerated("status", Status::parse, &names(Status::ALL, Status::as_str))?;
    let msg_type = c.enumerated(
        "msgType",
        MsgType::parse,
        &names(MsgType::ALL, MsgType::as_str),
    )?;
    let scope = c.enumerated("scope", Scope::parse, &names(Scope::ALL, Scope::as_str))?;
    let restriction = c.one("restriction")?;
    let addresses = c.one("addresses")?;
    if scope == Scope::Restricted && restriction.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::new(
            "alert/restriction",
            "is required when scope is Restricted",
        ));
    }
    if scope == Scope::Private && addresses.as_deref().is_none_or(|a| a.trim().is_empty()) {
        return Err(Error::new(
            "alert/addresses",
            "is required when scope is Private",
        ));
    }
    let references = c.one("references")?;
    if let Some(r) = &references {
        check_references(r, "alert/references")?;
    }
    if matches!(msg_type, MsgType::Update | MsgType::Cancel) && references.is_none() {
        warnings.push(Warning {
            element: "alert/references".into(),
            note: format!(
                "a {} should reference the message it changes",
                msg_type.as_str()
            ),
        });
    }
    let mut infos = Vec::new();
    for (i, el) in c.elements("info").into_iter().enumerate() {
        infos.push(parse_info(
            el,
            &format!("alert/info[{}]", i + 1),
            &mut warnings,
        )?);
    }
    let alert = Alert {
        identifier,
        sender,
        sent,
        status,
        msg_type,
        source: c.one("source")?,
        scope,
        restriction,
        addresses,
        codes: c.many("code")?,
        note: c.one("note")?,
        references,
        incidents: c.one("incidents")?,
        infos,
    };
    Ok((alert, warnings))
}

fn parse_info(el: &Element, path: &str, warnings: &mut Vec<Warning>) -> Result<Info, Error> {
    let c = Ctx {
        found: sequence(el, path, INFO, false)?,
        path: path.into(),
    };
    let language = c.one("language")?;
    if let Some(l) = &language {
        check_language(l, &format!("{path}/language"))?;
    }
    let mut categories = Vec::new();
    for v in c.many("category")? {
        let v = v.trim().to_string();
        if !CATEGORIES.contains(&v.as_str()) {
            return Err(Error::new(
                format!("{path}/category"),
                format!("'{v}' is not one of {}", CATEGORIES.join(", ")),
            ));
        }
        categories.push(v);
    }
    let mut response_types = Vec::new();
    for v in c.many("responseType")? {
        let v = v.trim().to_string();
        if !RESPONSE_TYPES.contains(&v.as_str()) {
            return Err(Error::new(
                format!("{path}/responseType"),
                format!("'{v}' is not one of {}", RESPONSE_TYPES.join(", ")),
            ));
        }
        response_types.push(v);
    }
    let mut resources = Vec::new();
    for (i, r) in c.elements("resource").into_iter().enumerate() {
        let p = format!("{path}/resource[{}]", i + 1);
        let rc = Ctx {
            found: sequence(r, &p, RESOURCE, false)?,
            path: p.clone(),
        };
        let size = rc.one("size")?;
        if let Some(s) = &size
            && s.trim().parse::<i64>().is_err()
        {
            return Err(Error::new(
                format!("{p}/size"),
                format!("'{}' is not an integer", s.trim()),
            ));
        }
        resources.push(Resource {
            resource_desc: rc.req("resourceDesc")?,
            mime_type: rc.req("mimeType")?,
            size,
            uri: rc.one("uri")?,
            deref_uri: rc.one("derefUri")?,
            digest: rc.one("digest")?,
        });
    }
    let mut areas = Vec::new();
    for (i, a) in c.elements("area").into_iter().enumerate() {
        let p = format!("{path}/area[{}]", i + 1);
        let ac = Ctx {
            found: sequence(a, &p, AREA, false)?,
            path: p.clone(),
        };
        let polygons = ac.many("polygon")?;
        for (j, poly) in polygons.iter().enumerate() {
            check_polygon(poly, &format!("{p}/polygon[{}]", j + 1))?;
        }
        let circles = ac.many("circle")?;
        for (j, circle) in circles.iter().enumerate() {
            check_circle(circle, &format!("{p}/circle[{}]", j + 1))?;
        }
        let altitude = ac.one("altitude")?;
        let ceiling = ac.one("ceiling")?;
        if let Some(v) = &altitude {
            check_decimal(v, &format!("{p}/altitude"))?;
        }
        if let Some(v) = &ceiling {
            check_decimal(v, &format!("{p}/ceiling"))?;
            if altitude.is_none() {
                return Err(Error::new(
                    format!("{p}/ceiling"),
                    "may only be given with <altitude>",
                ));
            }
        }
        areas.push(Area {
            area_desc: ac.req("areaDesc")?,
            polygons,
            circles,
            geocodes: pairs(ac.elements("geocode"), &p, "geocode")?,
            altitude,
            ceiling,
        });
    }
    Ok(Info {
        language,
        categories,
        event: c.req("event")?,
        response_types,
        urgency: c.enumerated(
            "urgency",
            Urgency::parse,
            &names(Urgency::ALL, Urgency::as_str),
        )?,
        severity: c.enumerated(
            "severity",
            Severity::parse,
            &names(Severity::ALL, Severity::as_str),
        )?,
        certainty: c.enumerated(
            "certainty",
            Certainty::parse,
            &names(Certainty::ALL, Certainty::as_str),
        )?,
        audience: c.one("audience")?,
        event_codes: pairs(c.elements("eventCode"), path, "eventCode")?,
        effective: c.date_time("effective", warnings)?,
        onset: c.date_time("onset", warnings)?,
        expires: c.date_time("expires", warnings)?,
        sender_name: c.one("senderName")?,
        headline: c.one("headline")?,
        description: c.one("description")?,
        instruction: c.one("instruction")?,
        web: c.one("web")?,
        contact: c.one("contact")?,
        parameters: pairs(c.elements("parameter"), path, "parameter")?,
        resources,
        areas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        assert!(check_date_time("2026-07-12T22:00:00+08:00").is_ok());
        assert!(check_date_time("2024-02-29T00:00:00-00:00").is_ok());
        assert!(check_date_time("2023-02-29T00:00:00-00:00").is_err());
        assert!(check_date_time("2026-07-12T22:00:00Z").is_err());
        assert!(check_date_time("2026-07-12 22:00:00+08:00").is_err());
        assert!(check_date_time("2026-13-12T22:00:00+08:00").is_err());
    }

    #[test]
    fn polygons_and_circles() {
        assert!(check_polygon("29.5,107.3 29.6,107.3 29.6,107.4 29.5,107.3", "p").is_ok());
        assert!(
            check_polygon("29.5,107.3 29.6,107.3 29.5,107.3", "p")
                .unwrap_err()
                .rule
                .contains("at least 4")
        );
        assert!(
            check_polygon("29.5,107.3 29.6,107.3 29.6,107.4 29.5,107.4", "p")
                .unwrap_err()
                .rule
                .contains("not closed")
        );
        assert!(
            check_polygon("107.3,29.5 107.3,29.6 107.4,29.6 107.3,29.5", "p")
                .unwrap_err()
                .rule
                .contains("within range")
        );
        assert!(check_polygon("", "p").is_err());
        assert!(check_circle("29.5,107.3 0", "c").is_ok());
        assert!(check_circle("29.5,107.3 2.5", "c").is_ok());
        assert!(check_circle("29.5,107.3 -1", "c").is_err());
        assert!(check_circle("29.5,107.3 29.6,107.4", "c").is_err());
    }

    #[test]
    fn tokens_and_references() {
        assert!(check_token("TEST DE", "s").is_err());
        assert!(check_token("a,b", "s").is_err());
        assert!(check_token("hsas@dhs.gov", "s").is_ok());
        assert!(
            check_references(
                "a@b,ID-1,2026-07-12T22:00:00+08:00 c,d,2026-07-12T23:00:00+08:00",
                "r"
            )
            .is_ok()
        );
        assert!(check_references("a@b,ID-1", "r").is_err());
        assert!(check_references("a@b,ID-1,yesterday", "r").is_err());
    }
}
