//! The CAP 1.2 alert as data. Times are kept as written (`2026-07-12T22:00:00+08:00`); the
//! validator has checked their form.

macro_rules! cap_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => stringify!($variant)),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $(stringify!($variant) => Some($name::$variant),)+ _ => None } }
        }
    };
}

cap_enum!(Status {
    Actual,
    Exercise,
    System,
    Test,
    Draft
});
cap_enum!(MsgType {
    Alert,
    Update,
    Cancel,
    Ack,
    Error
});
cap_enum!(Scope {
    Public,
    Restricted,
    Private
});
cap_enum!(Urgency {
    Immediate,
    Expected,
    Future,
    Past,
    Unknown
});
cap_enum!(Severity {
    Extreme,
    Severe,
    Moderate,
    Minor,
    Unknown
});
cap_enum!(Certainty {
    Observed,
    Likely,
    Possible,
    Unlikely,
    Unknown
});

/// `<category>` values.
pub const CATEGORIES: &[&str] = &[
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
];
/// `<responseType>` values.
pub const RESPONSE_TYPES: &[&str] = &[
    "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    pub sent: String,
    pub status: Status,
    pub msg_type: MsgType,
    pub source: Option<String>,
    pub scope: Scope,
    pub restriction: Option<String>,
    pub addresses: Option<String>,
    pub codes: Vec<String>,
    pub note: Option<String>,
    /// Space-separated `sender,identifier,sent` triples of the messages this one refers to.
    pub references: Option<String>,
    pub incidents: Option<String>,
    pub infos: Vec<Info>,
}

impl Alert {
    /// A new alert with the required fields; the rest empty.
    pub fn new(
        identifier: &str,
        sender: &str,
        sent: &str,
        status: Status,
        msg_type: MsgType,
        scope: Scope,
    ) -> Alert {
        Alert {
            identifier: identifier.into(),
            sender: sender.into(),
            sent: sent.into(),
            status,
            msg_type,
            source: None,
            scope,
            restriction: None,
            addresses: None,
            codes: vec![],
            note: None,
            references: None,
            incidents: None,
            infos: vec![],
        }
    }

    /// This alert as one entry of another alert's `<references>`.
    pub fn reference(&self) -> String {
        reference(&self.sender, &self.identifier, &self.sent)
    }
}

/// One entry of `<references>`: `sender,identifier,sent`.
pub fn reference(sender: &str, identifier: &str, sent: &str) -> String {
    format!("{sender},{identifier},{sent}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePair {
    pub value_name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub language: Option<String>,
    pub categories: Vec<String>,
    pub event: String,
    pub response_types: Vec<String>,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    pub audience: Option<String>,
    pub event_codes: Vec<ValuePair>,
    pub effective: Option<String>,
    pub onset: Option<String>,
    pub expires: Option<String>,
    pub sender_name: Option<String>,
    pub headline: Option<String>,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub web: Option<String>,
    pub contact: Option<String>,
    pub parameters: Vec<ValuePair>,
    pub resources: Vec<Resource>,
    pub areas: Vec<Area>,
}

impl Info {
    pub fn new(
        category: &str,
        event: &str,
        urgency: Urgency,
        severity: Severity,
        certainty: Certainty,
    ) -> Info {
        Info {
            language: None,
            categories: vec![category.into()],
            event: event.into(),
            response_types: vec![],
            urgency,
            severity,
            certainty,
            audience: None,
            event_codes: vec![],
            effective: None,
            onset: None,
            expires: None,
            sender_name: None,
            headline: None,
            description: None,
            instruction: None,
            web: None,
            contact: None,
            parameters: vec![],
            resources: vec![],
            areas: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub resource_desc: String,
    pub mime_type: String,
    pub size: Option<String>,
    pub uri: Option<String>,
    pub deref_uri: Option<String>,
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub area_desc: String,
    /// `lat,lon lat,lon …`, closed, at least four pairs.
    pub polygons: Vec<String>,
    /// `lat,lon radius_km`.
    pub circles: Vec<String>,
    pub geocodes: Vec<ValuePair>,
    pub altitude: Option<String>,
    pub ceiling: Option<String>,
}
