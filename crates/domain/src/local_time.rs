//! The town's clock: Beijing time (UTC+8, no daylight saving). Deadlines, patrol days, the times
//! people type into forms and read on pages, and CAP times are Beijing time; everything stored is
//! UTC. These functions convert and never read the clock themselves.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

const OFFSET_HOURS: i64 = 8;

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(OFFSET_HOURS)).naive_utc()
}

fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc() - Duration::hours(OFFSET_HOURS)
}

/// The Beijing day of an instant.
pub fn day_of(t: DateTime<Utc>) -> NaiveDate {
    local(t).date()
}

/// `hour:minute` Beijing time on a day (an hour past 23 or a minute past 59 is taken as 0).
pub fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    from_local(day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)))
}

/// 00:00 Beijing time of a day.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    from_local(day.and_time(NaiveTime::MIN))
}

/// A time as people type it (`2026-07-12T14:05`, with seconds, or with a space), Beijing time,
/// or RFC 3339 with its own offset.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(from_local)
}

/// As a form's `datetime-local` field holds it: `2026-07-12T14:05`.
pub fn form_value(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%dT%H:%M").to_string()
}

/// As pages show it: `2026-07-12 14:05`.
pub fn display(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// As CAP writes it: `2026-07-12T22:00:00+08:00`.
pub fn cap(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%dT%H:%M:%S+08:00").to_string()
}

/// Compact, for identifiers: `20260712220000`.
pub fn compact(t: DateTime<Utc>) -> String {
    local(t).format("%Y%m%d%H%M%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn beijing_days_start_at_16_utc() {
        assert_eq!(
            day_of(utc("2026-07-11T15:59:59Z")).to_string(),
            "2026-07-11"
        );
        assert_eq!(
            day_of(utc("2026-07-11T16:00:00Z")).to_string(),
            "2026-07-12"
        );
        let d = NaiveDate::from_ymd_opt(2026, 7, 12).unwrap();
        assert_eq!(midnight(d), utc("2026-07-11T16:00:00Z"));
        assert_eq!(at(d, 9, 0), utc("2026-07-12T01:00:00Z"));
    }

    #[test]
    fn typed_times_round_trip() {
        let t = parse("2026-07-12T08:30").unwrap();
        assert_eq!(t, utc("2026-07-12T00:30:00Z"));
        assert_eq!(parse("2026-07-12 08:30"), Some(t));
        assert_eq!(parse("2026-07-12T08:30:00+08:00"), Some(t));
        assert_eq!(parse("yesterday"), None);
        assert_eq!(form_value(t), "2026-07-12T08:30");
        assert_eq!(display(t), "2026-07-12 08:30");
        assert_eq!(cap(t), "2026-07-12T08:30:00+08:00");
        assert_eq!(compact(t), "20260712083000");
    }
}
