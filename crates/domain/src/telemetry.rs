//! Sensor readings: the metrics safegrid knows, their units and physical ranges, and the checks a
//! reading passes before it is stored.
//!
//! Times of readings are milliseconds since the Unix epoch (UTC). Readings are the one table that
//! grows to hundreds of millions of rows, so they are stored as integers, not as text like the
//! registry's times.

use crate::enterprise::text_enum;
use serde::{Deserialize, Serialize};

text_enum!(
    /// What a sensor measures.
    Metric {
        Rainfall = "rainfall",
        WaterLevel = "water_level",
        Displacement = "displacement",
        CrackWidth = "crack_width",
        SoilMoisture = "soil_moisture",
        Tilt = "tilt",
    }
);

impl Metric {
    /// The small number a reading row stores instead of the name.
    pub fn code(self) -> i16 {
        match self {
            Metric::Rainfall => 1,
            Metric::WaterLevel => 2,
            Metric::Displacement => 3,
            Metric::CrackWidth => 4,
            Metric::SoilMoisture => 5,
            Metric::Tilt => 6,
        }
    }

    pub fn from_code(code: i16) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.code() == code)
    }

    pub fn unit(self) -> &'static str {
        match self {
            Metric::Rainfall | Metric::Displacement | Metric::CrackWidth => "mm",
            Metric::WaterLevel => "m",
            Metric::SoilMoisture => "%",
            Metric::Tilt => "°",
        }
    }

    /// The widest values any sensor of this metric can report; a sensor may be given a narrower
    /// range. Rainfall is the amount fallen since the gauge's previous reading (the world record
    /// for one hour is about 305 mm); water level is an elevation or a gauge height in metres.
    pub fn physical_range(self) -> (f64, f64) {
        match self {
            Metric::Rainfall => (0.0, 500.0),
            Metric::WaterLevel => (-100.0, 9000.0),
            Metric::Displacement => (-10_000.0, 10_000.0),
            Metric::CrackWidth => (0.0, 10_000.0),
            Metric::SoilMoisture => (0.0, 100.0),
            Metric::Tilt => (-90.0, 90.0),
        }
    }

    /// Rainfall is summed over windows; every other metric is a level read at an instant.
    pub fn accumulates(self) -> bool {
        self == Metric::Rainfall
    }
}

/// 2000-01-01T00:00:00Z: no reading is older (a gateway whose clock was never set reports 1970).
pub const EARLIEST_MS: i64 = 946_684_800_000;
/// How far ahead of the server's clock a reading may be stamped (gateway clocks drift).
pub const FUTURE_TOLERANCE_MS: i64 = 5 * 60 * 1000;

text_enum!(
    /// Why a reading was not stored. Each is counted and shown to the operator.
    Reject {
        UnknownSensor = "unknown_sensor",
        UnknownMetric = "unknown_metric",
        NotFinite = "not_finite",
        OutOfRange = "out_of_range",
        InFuture = "in_future",
        TooOld = "too_old",
        Duplicate = "duplicate",
        Malformed = "malformed",
        NotOwnSensor = "not_own_sensor",
    }
);

impl Reject {
    /// The locale catalogue's key for this reason.
    pub fn code(self) -> String {
        format!("reading.{}", self.as_str())
    }
}

/// A sensor's range for one metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

impl Range {
    pub fn of(metric: Metric) -> Range {
        let (min, max) = metric.physical_range();
        Range { min, max }
    }

    /// A narrower range for one sensor; it must lie inside the metric's physical range.
    pub fn narrowed(metric: Metric, min: Option<f64>, max: Option<f64>) -> Option<Range> {
        let full = Range::of(metric);
        let r = Range {
            min: min.unwrap_or(full.min),
            max: max.unwrap_or(full.max),
        };
        (r.min.is_finite()
            && r.max.is_finite()
            && r.min < r.max
            && r.min >= full.min
            && r.max <= full.max)
            .then_some(r)
    }
}

/// Checks a reading's value and time against its sensor's range and the server's clock.
pub fn check(range: Range, value: f64, ts_ms: i64, now_ms: i64) -> Result<(), Reject> {
    if !value.is_finite() {
        return Err(Reject::NotFinite);
    }
    if value < range.min || value > range.max {
        return Err(Reject::OutOfRange);
    }
    if ts_ms < EARLIEST_MS {
        return Err(Reject::TooOld);
    }
    if ts_ms > now_ms + FUTURE_TOLERANCE_MS {
        return Err(Reject::InFuture);
    }
    Ok(())
}

/// Parses a reading's time: RFC 3339 text, or a number of seconds (≤ 10 digits) or milliseconds
/// since the epoch, as gateways commonly send.
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        return Some(if t.len() <= 10 {
            n.checked_mul(1000)?
        } else {
            n
        });
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|d| d.timestamp_millis())
}

/// The start of the bucket of `span_ms` that holds `ts_ms` (rollups are kept per bucket).
pub fn bucket(ts_ms: i64, span_ms: i64) -> i64 {
    ts_ms.div_euclid(span_ms) * span_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000_000;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_code(m.code()), Some(*m));
            assert_eq!(Metric::parse(m.as_str()), Some(*m));
        }
        assert_eq!(Metric::from_code(0), None);
    }

    #[test]
    fn checks_each_bound() {
        let r = Range::of(Metric::SoilMoisture);
        assert_eq!(check(r, 35.0, NOW, NOW), Ok(()));
        assert_eq!(check(r, 0.0, NOW, NOW), Ok(()));
        assert_eq!(check(r, 100.0, NOW, NOW), Ok(()));
        assert_eq!(check(r, 100.01, NOW, NOW), Err(Reject::OutOfRange));
        assert_eq!(check(r, -0.01, NOW, NOW), Err(Reject::OutOfRange));
        assert_eq!(check(r, f64::NAN, NOW, NOW), Err(Reject::NotFinite));
        assert_eq!(check(r, f64::INFINITY, NOW, NOW), Err(Reject::NotFinite));
        assert_eq!(
            check(r, f64::NEG_INFINITY, NOW, NOW),
            Err(Reject::NotFinite)
        );
        assert_eq!(check(r, 1.0, EARLIEST_MS, NOW), Ok(()));
        assert_eq!(check(r, 1.0, EARLIEST_MS - 1, NOW), Err(Reject::TooOld));
        assert_eq!(check(r, 1.0, NOW + FUTURE_TOLERANCE_MS, NOW), Ok(()));
        assert_eq!(
            check(r, 1.0, NOW + FUTURE_TOLERANCE_MS + 1, NOW),
            Err(Reject::InFuture)
        );
    }

    #[test]
    fn a_sensor_range_stays_inside_the_physical_one() {
        assert!(Range::narrowed(Metric::SoilMoisture, Some(5.0), Some(60.0)).is_some());
        assert!(Range::narrowed(Metric::SoilMoisture, Some(-1.0), None).is_none());
        assert!(Range::narrowed(Metric::SoilMoisture, Some(50.0), Some(50.0)).is_none());
        assert!(Range::narrowed(Metric::Tilt, None, Some(f64::NAN)).is_none());
    }

    #[test]
    fn times_in_three_forms() {
        assert_eq!(parse_time("1780000000"), Some(NOW));
        assert_eq!(parse_time("1780000000000"), Some(NOW));
        assert_eq!(parse_time("2026-05-28T20:26:40Z"), Some(1_780_000_000_000));
        assert_eq!(
            parse_time("2026-05-29T04:26:40+08:00"),
            Some(1_780_000_000_000)
        );
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_time("99999999999999999999999"), None);
    }

    #[test]
    fn buckets_floor_also_before_the_epoch() {
        assert_eq!(bucket(3_599_999, 3_600_000), 0);
        assert_eq!(bucket(3_600_000, 3_600_000), 3_600_000);
        assert_eq!(bucket(-1, 3_600_000), -3_600_000);
    }
}
