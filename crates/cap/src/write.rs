//! Writing an alert as CAP 1.2 XML, elements in the schema's order.

use crate::NS;
use crate::model::*;
use crate::xml::escape;
use std::fmt::Write;

struct Out {
    s: String,
    depth: usize,
}

impl Out {
    fn open(&mut self, name: &str) {
        let _ = writeln!(self.s, "{:w$}<{name}>", "", w = self.depth * 2);
        self.depth += 1;
    }
    fn close(&mut self, name: &str) {
        self.depth -= 1;
        let _ = writeln!(self.s, "{:w$}</{name}>", "", w = self.depth * 2);
    }
    fn leaf(&mut self, name: &str, v: &str) {
        let _ = writeln!(
            self.s,
            "{:w$}<{name}>{}</{name}>",
            "",
            escape(v),
            w = self.depth * 2
        );
    }
    fn opt(&mut self, name: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.leaf(name, v);
        }
    }
    fn pairs(&mut self, name: &str, ps: &[ValuePair]) {
        for p in ps {
            self.open(name);
            self.leaf("valueName", &p.value_name);
            self.leaf("value", &p.value);
            self.close(name);
        }
    }
}

impl Alert {
    /// The alert as a CAP 1.2 document (UTF-8, with an XML declaration).
    pub fn to_xml(&self) -> String {
        let mut o = Out {
            s: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            depth: 0,
        };
        self.write_into(&mut o.s, 0);
        o.s
    }

    /// Writes the `<alert>` element, indented by `depth` levels (for embedding in a feed).
    pub fn write_into(&self, s: &mut String, depth: usize) {
        let mut o = Out {
            s: std::mem::take(s),
            depth,
        };
        let _ = writeln!(o.s, "{:w$}<alert xmlns=\"{NS}\">", "", w = depth * 2);
        o.depth += 1;
        o.leaf("identifier", &self.identifier);
        o.leaf("sender", &self.sender);
        o.leaf("sent", &self.sent);
        o.leaf("status", self.status.as_str());
        o.leaf("msgType", self.msg_type.as_str());
        o.opt("source", &self.source);
        o.leaf("scope", self.scope.as_str());
        o.opt("restriction", &self.restriction);
        o.opt("addresses", &self.addresses);
        for c in &self.codes {
            o.leaf("code", c);
        }
        o.opt("note", &self.note);
        o.opt("references", &self.references);
        o.opt("incidents", &self.incidents);
        for i in &self.infos {
            o.open("info");
            o.opt("language", &i.language);
            for c in &i.categories {
                o.leaf("category", c);
            }
            o.leaf("event", &i.event);
            for r in &i.response_types {
                o.leaf("responseType", r);
            }
            o.leaf("urgency", i.urgency.as_str());
            o.leaf("severity", i.severity.as_str());
            o.leaf("certainty", i.certainty.as_str());
            o.opt("audience", &i.audience);
            o.pairs("eventCode", &i.event_codes);
            o.opt("effective", &i.effective);
            o.opt("onset", &i.onset);
            o.opt("expires", &i.expires);
            o.opt("senderName", &i.sender_name);
            o.opt("headline", &i.headline);
            o.opt("description", &i.description);
            o.opt("instruction", &i.instruction);
            o.opt("web", &i.web);
            o.opt("contact", &i.contact);
            o.pairs("parameter", &i.parameters);
            for r in &i.resources {
                o.open("resource");
                o.leaf("resourceDesc", &r.resource_desc);
                o.leaf("mimeType", &r.mime_type);
                o.opt("size", &r.size);
                o.opt("uri", &r.uri);
                o.opt("derefUri", &r.deref_uri);
                o.opt("digest", &r.digest);
                o.close("resource");
            }
            for a in &i.areas {
                o.open("area");
                o.leaf("areaDesc", &a.area_desc);
                for p in &a.polygons {
                    o.leaf("polygon", p);
                }
                for c in &a.circles {
                    o.leaf("circle", c);
                }
                o.pairs("geocode", &a.geocodes);
                o.opt("altitude", &a.altitude);
                o.opt("ceiling", &a.ceiling);
                o.close("area");
            }
            o.close("info");
        }
        o.depth -= 1;
        let _ = writeln!(o.s, "{:w$}</alert>", "", w = depth * 2);
        *s = o.s;
    }
}
