//! A small, safe XML reader: the document as a tree of namespaced elements and text.
//!
//! Refused outright: a document type declaration (so no entity can be declared, internal or
//! external), any entity reference other than `&lt; &gt; &amp; &apos; &quot;` and character
//! references, bytes that are not valid in the declared encoding (UTF-8, or ISO-8859-1, which
//! real alerts use), and anything not well-formed. Nothing is ever fetched.

use crate::Error;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI, empty when the element is in no namespace.
    pub ns: String,
    pub name: String,
    /// Attributes other than namespace declarations: (namespace URI, local name, value).
    pub attrs: Vec<(String, String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// Child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this namespace and name.
    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.ns == ns && e.name == name)
    }

    /// All the text directly inside the element.
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|n| match n {
                Node::Text(t) => Some(t.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(ns, n, _)| ns.is_empty() && n == name)
            .map(|(_, _, v)| v.as_str())
    }
}

/// The text of a document in its declared encoding.
fn decode(bytes: &[u8]) -> Result<String, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The declaration is ASCII, so it can be read before the encoding is known.
    let head = &bytes[..bytes.len().min(200)];
    let encoding = if head.starts_with(b"<?xml") {
        let end = head.iter().position(|b| *b == b'>').unwrap_or(head.len());
        let decl = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
        decl.split("encoding").nth(1).and_then(|rest| {
            let rest = rest.trim_start().strip_prefix('=')?.trim_start();
            let q = rest.chars().next()?;
            rest[1..].split(q).next().map(str::to_string)
        })
    } else {
        None
    };
    match encoding.as_deref().map(str::trim) {
        None | Some("utf-8") | Some("utf8") => String::from_utf8(bytes.to_vec()).map_err(|e| {
            Error::new(
                "document",
                format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
            )
        }),
        Some("iso-8859-1") | Some("latin1") | Some("iso8859-1") | Some("us-ascii") => {
            Ok(bytes.iter().map(|b| *b as char).collect())
        }
        Some(other) => Err(Error::new(
            "document",
            format!("unsupported encoding {other}"),
        )),
    }
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

fn ns_of(r: &ResolveResult<'_>) -> String {
    match r {
        ResolveResult::Bound(ns) => ns.as_ref().to_string(),
        _ => String::new(),
    }
}

/// Reads a document into its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, Error> {
    let text = decode(bytes)?;
    let mut reader = NsReader::from_str(&text);
    reader.config_mut().trim_text(false);
    let xml_err = |e: quick_xml::Error, pos: u64| {
        Error::new(
            "document",
            format!("not well-formed XML near byte {pos}: {e}"),
        )
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position();
        let (resolved, event) = reader.read_resolved_event().map_err(|e| xml_err(e, pos))?;
        match event {
            Event::DocType(_) => {
                return Err(Error::new(
                    "document",
                    "a document type declaration (DTD) is not allowed",
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return Err(Error::new("document", "content after the root element"));
                }
                let ns = ns_of(&resolved);
                let name = e.local_name().as_ref().to_string();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a =
                        a.map_err(|err| Error::new(name.clone(), format!("bad attribute: {err}")))?;
                    let key = a.key;
                    if key.as_ref() == "xmlns" || key.as_ref().starts_with("xmlns:") {
                        continue;
                    }
                    let (ans, local) = reader.resolver().resolve_attribute(key);
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| {
                            Error::new(name.clone(), format!("attribute value: {err}"))
                        })?;
                    attrs.push((ns_of(&ans), local.as_ref().to_string(), value.into_owned()));
                }
                let el = Element {
                    ns,
                    name,
                    attrs,
                    children: Vec::new(),
                };
                if matches!(event, Event::Empty(_)) {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(el)),
                        None => root = Some(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| Error::new("document", "unexpected end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content(), root.is_some())?,
            Event::CData(c) => {
                let s = c.into_inner().into_owned();
                push_text(&mut stack, &s, root.is_some())?;
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => predefined(&r).ok_or_else(|| {
                        Error::new(
                            stack.last().map_or("document".into(), |e| e.name.clone()),
                            format!("entity &{}; is not allowed", &*r),
                        )
                    })?,
                    Err(e) => {
                        return Err(Error::new(
                            "document",
                            format!("bad character reference: {e}"),
                        ));
                    }
                };
                push_text(&mut stack, &ch.to_string(), root.is_some())?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(Error::new("document", "unexpected end of document"));
    }
    root.ok_or_else(|| Error::new("document", "no root element"))
}

fn push_text(stack: &mut [Element], s: &str, after_root: bool) -> Result<(), Error> {
    match stack.last_mut() {
        Some(el) => {
            match el.children.last_mut() {
                Some(Node::Text(t)) => t.push_str(s),
                _ => el.children.push(Node::Text(s.to_string())),
            }
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(Error::new(
            "document",
            if after_root {
                "text after the root element"
            } else {
                "text before the root element"
            },
        )),
    }
}

/// Escapes text for element content or a double-quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_namespaces_text_and_references() {
        let e = parse(b"<?xml version='1.0'?><a:x xmlns:a='urn:a'><a:y k='1'>A &amp; B &#x4E2D;</a:y><z/></a:x>").unwrap();
        assert_eq!((e.ns.as_str(), e.name.as_str()), ("urn:a", "x"));
        let y = e.child("urn:a", "y").unwrap();
        assert_eq!(y.text(), "A & B 中");
        assert_eq!(y.attr("k"), Some("1"));
        assert!(e.child("", "z").is_some());
    }

    #[test]
    fn refuses_dtds_and_entities() {
        let xxe = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>";
        assert!(parse(xxe).unwrap_err().rule.contains("DTD"));
        assert!(
            parse(b"<x>&e;</x>")
                .unwrap_err()
                .rule
                .contains("entity &e;")
        );
    }

    #[test]
    fn encodings() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><x>caf\xe9</x>";
        assert_eq!(parse(latin1).unwrap().text(), "café");
        let lying = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><x>caf\xe9</x>";
        assert!(parse(lying).unwrap_err().rule.contains("UTF-8"));
        assert!(parse(b"\xEF\xBB\xBF<x/>").is_ok());
    }

    #[test]
    fn refuses_broken_documents() {
        for bad in [
            &b"<x><y></x>"[..],
            b"<x>",
            b"",
            b"text",
            b"<x/><y/>",
            b"<x/>tail",
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
