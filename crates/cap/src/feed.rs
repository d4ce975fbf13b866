//! Feeds of alerts: Atom (RFC 4287), read and written, and RSS 2.0, read.
//!
//! An entry reaches its alert either by a link or by embedding it in `<content>` ("fat" feeds).
//! Embedded alerts are handed back as elements; whether one is valid CAP 1.2 is for
//! [`crate::parse_element`] to say, since many published feeds still embed CAP 1.1.

use crate::xml::{self, Element, escape};
use crate::{Alert, Error};
use std::fmt::Write;

pub const ATOM: &str = "http://www.w3.org/2005/Atom";

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub updated: String,
    /// Where the alert can be fetched (`application/cap+xml` or the alternate link).
    pub link: Option<String>,
    /// The alert embedded in the entry, unvalidated.
    pub embedded: Option<Element>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub id: String,
    pub title: String,
    pub updated: String,
    pub entries: Vec<Entry>,
}

fn text(el: &Element, ns: &str, name: &str) -> Option<String> {
    el.child(ns, name)
        .map(|e| e.text().trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Reads an Atom feed or an RSS 2.0 channel as a document of alerts. A feed with no entries, an
/// Atom feed or entry without its id, or an entry that neither links to nor embeds an alert, is
/// refused.
pub fn parse_feed(bytes: &[u8]) -> Result<Feed, Error> {
    let feed = read_feed(bytes)?;
    if feed.entries.is_empty() {
        return Err(Error::new(feed.root, "has no entries"));
    }
    Ok(feed.feed)
}

/// A feed as read, and the element its entries hang from (for messages).
pub struct Read {
    pub feed: Feed,
    pub root: &'static str,
}

impl std::ops::Deref for Read {
    type Target = Feed;
    fn deref(&self) -> &Feed {
        &self.feed
    }
}

/// Reads a feed as [`parse_feed`] does, except that one with no entries is accepted: a
/// subscriber polling a sender with nothing current reads an empty feed.
pub fn read_feed(bytes: &[u8]) -> Result<Read, Error> {
    let root = xml::parse(bytes)?;
    match (root.ns.as_str(), root.name.as_str()) {
        (ATOM, "feed") => Ok(Read {
            feed: parse_atom(&root)?,
            root: "feed",
        }),
        ("", "rss") => Ok(Read {
            feed: parse_rss(&root)?,
            root: "rss/channel",
        }),
        (ns, name) => Err(Error::new(
            name,
            format!("not an Atom feed or RSS channel (namespace '{ns}')"),
        )),
    }
}

fn parse_atom(root: &Element) -> Result<Feed, Error> {
    let id =
        text(root, ATOM, "id").ok_or_else(|| Error::new("feed/id", "is required (RFC 4287)"))?;
    let mut entries = Vec::new();
    for (i, e) in root
        .elements()
        .filter(|e| e.ns == ATOM && e.name == "entry")
        .enumerate()
    {
        let at = format!("feed/entry[{}]", i + 1);
        let id = text(e, ATOM, "id")
            .ok_or_else(|| Error::new(format!("{at}/id"), "is required (RFC 4287)"))?;
        let links: Vec<&Element> = e
            .elements()
            .filter(|l| l.ns == ATOM && l.name == "link")
            .collect();
        let link = links
            .iter()
            .find(|l| l.attr("type").is_some_and(|t| t.contains("cap")))
            .or_else(|| {
                links
                    .iter()
                    .find(|l| l.attr("rel").is_none_or(|r| r == "alternate"))
            })
            .and_then(|l| l.attr("href"))
            .map(str::to_string);
        let embedded = e
            .child(ATOM, "content")
            .and_then(|c| c.elements().find(|a| a.name == "alert"))
            .cloned();
        if link.is_none() && embedded.is_none() {
            return Err(Error::new(at, "neither links to nor contains an alert"));
        }
        entries.push(Entry {
            id,
            title: text(e, ATOM, "title").unwrap_or_default(),
            updated: text(e, ATOM, "updated").unwrap_or_default(),
            link,
            embedded,
        });
    }
    Ok(Feed {
        id,
        title: text(root, ATOM, "title").unwrap_or_default(),
        updated: text(root, ATOM, "updated").unwrap_or_default(),
        entries,
    })
}

fn parse_rss(root: &Element) -> Result<Feed, Error> {
    let channel = root
        .child("", "channel")
        .ok_or_else(|| Error::new("rss/channel", "is required"))?;
    let mut entries = Vec::new();
    for (i, item) in channel
        .elements()
        .filter(|e| e.ns.is_empty() && e.name == "item")
        .enumerate()
    {
        let at = format!("rss/channel/item[{}]", i + 1);
        let title = text(item, "", "title");
        if title.is_none() && text(item, "", "description").is_none() {
            return Err(Error::new(&at, "needs a title or a description"));
        }
        let link =
            text(item, "", "link").ok_or_else(|| Error::new(&at, "has no link to an alert"))?;
        let id = text(item, "", "guid").unwrap_or_else(|| link.clone());
        entries.push(Entry {
            id,
            title: title.unwrap_or_default(),
            updated: text(item, "", "pubDate").unwrap_or_default(),
            link: Some(link),
            embedded: None,
        });
    }
    Ok(Feed {
        id: text(channel, "", "link").unwrap_or_default(),
        title: text(channel, "", "title").unwrap_or_default(),
        updated: text(channel, "", "lastBuildDate").unwrap_or_default(),
        entries,
    })
}

/// An entry to publish: the alert, embedded in full, and where it can be fetched alone.
pub struct Published<'a> {
    pub alert: &'a Alert,
    pub link: &'a str,
    pub title: &'a str,
}

/// Writes an Atom feed that embeds each alert (a "fat" feed) and links to it.
pub fn write_atom(
    id: &str,
    title: &str,
    updated: &str,
    self_link: &str,
    entries: &[Published<'_>],
) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(s, "<feed xmlns=\"{ATOM}\">");
    let _ = writeln!(
        s,
        "  <id>{}</id>\n  <title>{}</title>\n  <updated>{}</updated>",
        escape(id),
        escape(title),
        escape(updated)
    );
    let _ = writeln!(s, "  <link rel=\"self\" href=\"{}\"/>", escape(self_link));
    for e in entries {
        let _ = writeln!(
            s,
            "  <entry>\n    <id>{}</id>\n    <title>{}</title>\n    <updated>{}</updated>",
            escape(&format!("urn:cap:{}", e.alert.identifier)),
            escape(e.title),
            escape(&e.alert.sent)
        );
        let _ = writeln!(
            s,
            "    <link rel=\"alternate\" type=\"application/cap+xml\" href=\"{}\"/>",
            escape(e.link)
        );
        let _ = writeln!(s, "    <content type=\"application/cap+xml\">");
        e.alert.write_into(&mut s, 3);
        let _ = writeln!(s, "    </content>\n  </entry>");
    }
    s.push_str("</feed>\n");
    s
}
