//! Alarm rules and the engine that evaluates them on every accepted reading.
//!
//! A rule belongs to a monitored object and holds one or more conditions, all of which must hold
//! (a combined rule: rainfall AND displacement). A condition looks at one metric of one sensor or
//! of every sensor of the object: a threshold per level, a rate of change per day, rolling
//! rainfall over hours, or silence. The rule's level is the lowest level among its conditions.
//!
//! The engine keeps each condition's state in memory and reports only changes: a rule rising to
//! a higher level ([`Event::Raised`]) or ceasing to hold ([`Event::Cleared`]). The service turns
//! those into alarm rows; on start it rebuilds the engine by replaying the last day of readings.
//! Nothing here does IO or reads a clock: times come with the readings and ticks.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::telemetry::Metric;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};

text_enum!(
    /// Alarm and warning level, from blue (lowest) to red.
    Level { Blue = "blue", Yellow = "yellow", Orange = "orange", Red = "red" }
);

impl Level {
    pub fn rank(self) -> u8 {
        match self {
            Level::Blue => 1,
            Level::Yellow => 2,
            Level::Orange => 3,
            Level::Red => 4,
        }
    }
    /// The level of a band's position (0 blue … 3 red).
    pub fn from_index(i: usize) -> Level {
        [Level::Blue, Level::Yellow, Level::Orange, Level::Red][i.min(3)]
    }
}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Level {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

/// Thresholds of blue, yellow, orange and red, in that order; `None` where a level is unused.
pub type Bands = [Option<f64>; 4];

/// One window of a rolling-rainfall condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RainWindow {
    pub hours: u32,
    pub bands: Bands,
}

/// One test a rule makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The value reaches a band. `below` turns it round (a level falling under a band).
    Threshold {
        metric: Metric,
        #[serde(default)]
        sensor_id: Option<i64>,
        #[serde(default)]
        below: bool,
        bands: Bands,
        /// How far the value must fall back past a band before its level is left, so that a
        /// value hovering at a threshold does not flap.
        #[serde(default)]
        hysteresis: f64,
        /// How long the value must stay at a higher level before the level is taken.
        #[serde(default)]
        min_duration_s: i64,
    },
    /// Change per day (e.g. displacement mm/day), in either direction, over `window_h` hours.
    Rate {
        metric: Metric,
        #[serde(default)]
        sensor_id: Option<i64>,
        #[serde(default = "default_rate_window")]
        window_h: u32,
        bands: Bands,
        #[serde(default)]
        hysteresis: f64,
    },
    /// Rainfall summed over rolling windows; the highest level of any window counts.
    Rainfall {
        #[serde(default)]
        sensor_id: Option<i64>,
        windows: Vec<RainWindow>,
    },
    /// No reading from a sensor for `minutes`.
    Silence {
        sensor_id: i64,
        minutes: i64,
        level: Level,
    },
}

fn default_rate_window() -> u32 {
    24
}

impl Condition {
    fn metric(&self) -> Option<Metric> {
        match self {
            Condition::Threshold { metric, .. } | Condition::Rate { metric, .. } => Some(*metric),
            Condition::Rainfall { .. } => Some(Metric::Rainfall),
            Condition::Silence { .. } => None,
        }
    }
    /// The one sensor a condition is limited to, if any.
    pub fn sensor(&self) -> Option<i64> {
        match self {
            Condition::Threshold { sensor_id, .. }
            | Condition::Rate { sensor_id, .. }
            | Condition::Rainfall { sensor_id, .. } => *sensor_id,
            Condition::Silence { sensor_id, .. } => Some(*sensor_id),
        }
    }
    /// How much history of its series the condition needs, in ms.
    fn window_ms(&self) -> i64 {
        match self {
            Condition::Rate { window_h, .. } => i64::from(*window_h) * HOUR_MS,
            Condition::Rainfall { windows, .. } => windows
                .iter()
                .map(|w| i64::from(w.hours) * HOUR_MS)
                .max()
                .unwrap_or(0),
            _ => 0,
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: f64 = 86_400_000.0;

/// The default rolling-rainfall windows of rules.md §5 (the Jianghua county example):
/// blue 35/55/70/100 mm over 1/3/6/24 h, yellow 45/75/95/130, orange 60/100/120/160,
/// red 80/120/150/200. Real thresholds are local and are set per object.
pub fn default_rain_windows() -> Vec<RainWindow> {
    let w = |hours, b: [f64; 4]| RainWindow {
        hours,
        bands: b.map(Some),
    };
    vec![
        w(1, [35.0, 45.0, 60.0, 80.0]),
        w(3, [55.0, 75.0, 100.0, 120.0]),
        w(6, [70.0, 95.0, 120.0, 150.0]),
        w(24, [100.0, 130.0, 160.0, 200.0]),
    ]
}

/// A rule as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    pub object_id: i64,
    pub conditions: Vec<Condition>,
}

/// Checks a rule's conditions; errors name the condition by its position (`conditions.1.bands`).
pub fn validate(conditions: &[Condition]) -> Result<(), Invalid> {
    let mut errs = Invalid::default();
    if conditions.is_empty() {
        errs.push("conditions", "required");
    }
    let silences = conditions
        .iter()
        .filter(|c| matches!(c, Condition::Silence { .. }))
        .count();
    if silences > 0 && conditions.len() > 1 {
        errs.push("conditions", "alarm.silence_alone");
    }
    for (i, c) in conditions.iter().enumerate() {
        let f = |name: &str| format!("conditions.{i}.{name}");
        match c {
            Condition::Threshold {
                bands,
                below,
                hysteresis,
                min_duration_s,
                ..
            } => {
                check_bands(&mut errs, &f("bands"), bands, *below);
                if !(hysteresis.is_finite() && *hysteresis >= 0.0) {
                    errs.push(f("hysteresis"), "alarm.negative");
                }
                if *min_duration_s < 0 || *min_duration_s > 86_400 {
                    errs.push(f("min_duration_s"), "out_of_range");
                }
            }
            Condition::Rate {
                window_h,
                bands,
                hysteresis,
                ..
            } => {
                check_bands(&mut errs, &f("bands"), bands, false);
                if !(1..=72).contains(window_h) {
                    errs.push(f("window_h"), "out_of_range");
                }
                if !(hysteresis.is_finite() && *hysteresis >= 0.0) {
                    errs.push(f("hysteresis"), "alarm.negative");
                }
            }
            Condition::Rainfall { windows, .. } => {
                if windows.is_empty() {
                    errs.push(f("windows"), "required");
                }
                for (j, w) in windows.iter().enumerate() {
                    if !(1..=72).contains(&w.hours) {
                        errs.push(f(&format!("windows.{j}.hours")), "out_of_range");
                    }
                    check_bands(
                        &mut errs,
                        &f(&format!("windows.{j}.bands")),
                        &w.bands,
                        false,
                    );
                }
            }
            Condition::Silence { minutes, .. } => {
                if !(1..=10_080).contains(minutes) {
                    errs.push(f("minutes"), "out_of_range");
                }
            }
        }
    }
    errs.into_result()
}

fn check_bands(errs: &mut Invalid, field: &str, bands: &Bands, below: bool) {
    let set: Vec<f64> = bands.iter().flatten().copied().collect();
    if set.is_empty() {
        errs.push(field, "required");
    } else if set.iter().any(|v| !v.is_finite()) {
        errs.push(field, "not_a_number");
    } else if set
        .windows(2)
        .any(|w| if below { w[1] >= w[0] } else { w[1] <= w[0] })
    {
        errs.push(field, "alarm.bands_order");
    }
}

/// The level `value` reaches in `bands` while the condition stands at `current`: a higher level
/// needs its band, a level already held is kept until the value falls `hysteresis` below it.
fn level_of(
    value: f64,
    bands: &Bands,
    below: bool,
    hysteresis: f64,
    current: Option<Level>,
) -> Option<Level> {
    let sign = if below { -1.0 } else { 1.0 };
    let v = value * sign;
    let mut best = None;
    for (i, b) in bands.iter().enumerate() {
        let Some(b) = b else { continue };
        let l = Level::from_index(i);
        let keep = current.is_some_and(|c| l <= c);
        let band = b * sign - if keep { hysteresis } else { 0.0 };
        if v >= band {
            best = Some(l);
        }
    }
    best
}

/// A reading as the engine sees it: its sensor is already bound to an object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub sensor_id: i64,
    pub object_id: i64,
    pub metric: Metric,
    pub ts: i64,
    pub value: f64,
}

/// What crossed: the figure that put a condition at its level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    pub sensor_id: i64,
    pub metric: Option<Metric>,
    /// The value, the rate per day, the rainfall sum or the minutes of silence.
    pub figure: f64,
    /// The rainfall window, when the figure is a sum.
    pub window_h: Option<u32>,
}

/// A change the service must write.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The rule now holds at `level`, higher than its level just before (`from`), which may
    /// have fallen since an alarm was opened at a higher one.
    Raised {
        rule_id: i64,
        object_id: i64,
        from: Option<Level>,
        level: Level,
        ts: i64,
        trigger: Trigger,
    },
    /// The rule no longer holds.
    Cleared {
        rule_id: i64,
        object_id: i64,
        ts: i64,
    },
}

#[derive(Debug, Clone, Default)]
struct SensorState {
    level: Option<Level>,
    /// Since when the value has stood above the held level (for `min_duration_s`).
    pending_since: Option<i64>,
    last_ts: i64,
    trigger: Option<Trigger>,
}

#[derive(Debug, Clone, Default)]
struct RuleState {
    /// Per condition, per sensor.
    conds: Vec<HashMap<i64, SensorState>>,
    level: Option<Level>,
}

/// The history of one sensor's metric that windowed conditions read, oldest first.
#[derive(Debug, Clone, Default)]
struct Series {
    points: VecDeque<(i64, f64)>,
    keep_ms: i64,
}

impl Series {
    fn insert(&mut self, ts: i64, value: f64) {
        let at = self.points.partition_point(|p| p.0 <= ts);
        if at > 0 && self.points[at - 1].0 == ts {
            return;
        }
        self.points.insert(at, (ts, value));
        let newest = self.points.back().map_or(ts, |p| p.0);
        while self
            .points
            .front()
            .is_some_and(|p| p.0 <= newest - self.keep_ms)
        {
            self.points.pop_front();
        }
    }

    /// Sums of the windows ending at `t` (in (t - w, t]), in one pass from the newest point.
    fn sums(&self, t: i64, hours: &[u32]) -> Vec<f64> {
        let mut sums = vec![0.0; hours.len()];
        for &(ts, v) in self.points.iter().rev() {
            if ts > t {
                continue;
            }
            let mut any = false;
            for (s, h) in sums.iter_mut().zip(hours) {
                if ts > t - i64::from(*h) * HOUR_MS {
                    *s += v;
                    any = true;
                }
            }
            if !any {
                break;
            }
        }
        sums
    }

    /// The rate per day at `t` of `value`, measured from the last point at or before `t - w`,
    /// or from the oldest point when at least a quarter of the window is covered.
    fn rate(&self, t: i64, value: f64, window_ms: i64) -> Option<f64> {
        let before = self.points.partition_point(|p| p.0 <= t - window_ms);
        let base = if before > 0 {
            self.points[before - 1]
        } else {
            let first = *self.points.front()?;
            if t - first.0 < window_ms / 4 {
                return None;
            }
            first
        };
        let span = t - base.0;
        (span > 0).then(|| (value - base.1) / span as f64 * DAY_MS)
    }
}

/// The rules of a set of objects with their state.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    rules: Vec<Rule>,
    state: Vec<RuleState>,
    /// (object, metric) → (rule index, condition index).
    by_series: HashMap<(i64, Metric), Vec<(usize, usize)>>,
    /// Silence conditions: sensor → (rule index, condition index).
    silences: HashMap<i64, Vec<(usize, usize)>>,
    series: HashMap<(i64, Metric), Series>,
    /// How much history each (object, metric) needs.
    keep: HashMap<(i64, Metric), i64>,
    last_seen: HashMap<i64, i64>,
}

impl Engine {
    pub fn new(rules: Vec<Rule>) -> Engine {
        let mut e = Engine {
            state: rules
                .iter()
                .map(|r| RuleState {
                    conds: vec![HashMap::new(); r.conditions.len()],
                    level: None,
                })
                .collect(),
            ..Engine::default()
        };
        for (ri, r) in rules.iter().enumerate() {
            for (ci, c) in r.conditions.iter().enumerate() {
                if let Some(m) = c.metric() {
                    e.by_series
                        .entry((r.object_id, m))
                        .or_default()
                        .push((ri, ci));
                    let k = e.keep.entry((r.object_id, m)).or_default();
                    *k = (*k).max(c.window_ms());
                } else if let Some(s) = c.sensor() {
                    e.silences.entry(s).or_default().push((ri, ci));
                }
            }
        }
        e.rules = rules;
        e
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether any rule looks at this object's metric (readings of others need no evaluation).
    pub fn watches(&self, object_id: i64, metric: Metric) -> bool {
        self.by_series.contains_key(&(object_id, metric))
    }

    /// The level each rule holds now.
    pub fn level(&self, rule_id: i64) -> Option<Level> {
        let i = self.rules.iter().position(|r| r.id == rule_id)?;
        self.state[i].level
    }

    /// Notes that a sensor was last heard at `ts` (from the stored latest values, on start), so
    /// that silence is measured from then.
    pub fn note_seen(&mut self, sensor_id: i64, ts: i64) {
        let seen = self.last_seen.entry(sensor_id).or_insert(ts);
        *seen = (*seen).max(ts);
    }

    /// The longest history any rule needs, in ms (how far back a rebuild must replay).
    pub fn history_ms(&self) -> i64 {
        self.keep.values().copied().max().unwrap_or(0)
    }

    /// Evaluates one accepted reading and appends the changes it causes to `out`.
    pub fn feed(&mut self, r: Reading, out: &mut Vec<Event>) {
        let seen = self.last_seen.entry(r.sensor_id).or_insert(r.ts);
        *seen = (*seen).max(r.ts);
        for &(ri, ci) in self.silences.get(&r.sensor_id).into_iter().flatten() {
            let st = self.state[ri].conds[ci].entry(r.sensor_id).or_default();
            st.level = None;
            st.last_ts = st.last_ts.max(r.ts);
            settle(&self.rules[ri], &mut self.state[ri], r.ts, out);
        }
        let Some(list) = self.by_series.get(&(r.object_id, r.metric)) else {
            return;
        };
        let keep = self
            .keep
            .get(&(r.object_id, r.metric))
            .copied()
            .unwrap_or(0);
        if keep > 0 {
            let s = self.series.entry((r.sensor_id, r.metric)).or_default();
            s.keep_ms = keep + HOUR_MS;
            s.insert(r.ts, r.value);
        }
        let series = self.series.get(&(r.sensor_id, r.metric));
        for &(ri, ci) in list {
            let cond = &self.rules[ri].conditions[ci];
            if cond.sensor().is_some_and(|s| s != r.sensor_id) {
                continue;
            }
            let st = self.state[ri].conds[ci].entry(r.sensor_id).or_default();
            step(cond, st, series, &r);
            settle(&self.rules[ri], &mut self.state[ri], r.ts, out);
        }
    }

    /// Evaluates silence at `now`; call it every minute or so.
    pub fn tick(&mut self, now: i64, out: &mut Vec<Event>) {
        let list: Vec<(i64, (usize, usize))> = self
            .silences
            .iter()
            .flat_map(|(s, l)| l.iter().map(move |x| (*s, *x)))
            .collect();
        for (sensor, (ri, ci)) in list {
            let Condition::Silence { minutes, level, .. } = self.rules[ri].conditions[ci] else {
                continue;
            };
            // A sensor never heard from counts from its first tick.
            let last = *self.last_seen.entry(sensor).or_insert(now);
            let silent = now - last;
            let st = self.state[ri].conds[ci].entry(sensor).or_default();
            if silent >= minutes * 60_000 {
                if st.level.is_none() {
                    st.level = Some(level);
                    st.trigger = Some(Trigger {
                        sensor_id: sensor,
                        metric: None,
                        figure: (silent / 60_000) as f64,
                        window_h: None,
                    });
                }
            } else {
                st.level = None;
            }
            settle(&self.rules[ri], &mut self.state[ri], now, out);
        }
    }
}

/// Recomputes a rule's level from its conditions and reports a change.
fn settle(rule: &Rule, state: &mut RuleState, ts: i64, out: &mut Vec<Event>) {
    let mut level: Option<Level> = None;
    let mut trigger = None;
    for (i, sensors) in state.conds.iter().enumerate() {
        let best = sensors
            .values()
            .filter_map(|s| s.level.map(|l| (l, s.trigger)))
            .max_by_key(|(l, _)| *l);
        match best {
            None => {
                level = None;
                break;
            }
            Some((l, t)) => {
                if i == 0 || level.is_some_and(|cur| l < cur) {
                    level = Some(l);
                }
                // The figure shown is the first condition's (the cause an operator reads first).
                if i == 0 {
                    trigger = t;
                }
            }
        }
    }
    let before = state.level;
    state.level = level;
    match (before, level) {
        (b, Some(l)) if b.is_none_or(|b| l > b) => out.push(Event::Raised {
            rule_id: rule.id,
            object_id: rule.object_id,
            from: b,
            level: l,
            ts,
            trigger: trigger.unwrap_or(Trigger {
                sensor_id: 0,
                metric: None,
                figure: 0.0,
                window_h: None,
            }),
        }),
        (Some(_), None) => out.push(Event::Cleared {
            rule_id: rule.id,
            object_id: rule.object_id,
            ts,
        }),
        _ => {}
    }
}

/// Moves one sensor's state of one condition on by one reading. A late reading (older than one
/// already evaluated) may raise a level but never lowers it: the newer reading stands for now.
fn step(cond: &Condition, st: &mut SensorState, series: Option<&Series>, r: &Reading) {
    let late = r.ts < st.last_ts;
    let trig = |figure, window_h| Trigger {
        sensor_id: r.sensor_id,
        metric: Some(r.metric),
        figure,
        window_h,
    };
    let (candidate, trigger, min_duration_ms) = match cond {
        Condition::Threshold {
            bands,
            below,
            hysteresis,
            min_duration_s,
            ..
        } => (
            level_of(r.value, bands, *below, *hysteresis, st.level),
            trig(r.value, None),
            min_duration_s * 1000,
        ),
        Condition::Rate {
            bands,
            window_h,
            hysteresis,
            ..
        } => {
            // Too little history (a new sensor, or a gap in its data) measures no rate.
            let rate = series.and_then(|s| s.rate(r.ts, r.value, i64::from(*window_h) * HOUR_MS));
            (
                rate.and_then(|v| level_of(v.abs(), bands, false, *hysteresis, st.level)),
                trig(rate.unwrap_or(0.0), None),
                0,
            )
        }
        Condition::Rainfall { windows, .. } => {
            let Some(series) = series else { return };
            let hours: Vec<u32> = windows.iter().map(|w| w.hours).collect();
            // Judged at the reading's own time and, for a late reading, also at the newest time:
            // rain that arrives late still counts in every window that holds it.
            let newest = series.points.back().map_or(r.ts, |p| p.0);
            let mut best: Option<(Level, Trigger)> = None;
            for t in [r.ts, newest] {
                for ((w, sum), h) in windows.iter().zip(series.sums(t, &hours)).zip(&hours) {
                    if let Some(l) = level_of(sum, &w.bands, false, 0.0, None)
                        && best.is_none_or(|(b, _)| l > b)
                    {
                        best = Some((l, trig(sum, Some(*h))));
                    }
                }
            }
            match best {
                Some((l, t)) => (Some(l), t, 0),
                None => (None, trig(0.0, None), 0),
            }
        }
        Condition::Silence { .. } => return,
    };
    if late {
        if candidate > st.level && min_duration_ms == 0 {
            st.level = candidate;
            st.trigger = Some(trigger);
        }
        return;
    }
    st.last_ts = r.ts;
    if candidate > st.level && min_duration_ms > 0 {
        let since = *st.pending_since.get_or_insert(r.ts);
        if r.ts - since < min_duration_ms {
            return;
        }
    }
    if candidate <= st.level {
        st.pending_since = None;
    }
    if candidate != st.level {
        st.trigger = Some(trigger);
    }
    st.level = candidate;
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_780_000_000_000;
    const MIN: i64 = 60_000;

    fn threshold(bands: [f64; 4], hysteresis: f64, min_duration_s: i64) -> Condition {
        Condition::Threshold {
            metric: Metric::CrackWidth,
            sensor_id: None,
            below: false,
            bands: bands.map(Some),
            hysteresis,
            min_duration_s,
        }
    }

    fn reading(sensor: i64, metric: Metric, ts: i64, value: f64) -> Reading {
        Reading {
            sensor_id: sensor,
            object_id: 1,
            metric,
            ts,
            value,
        }
    }

    fn levels(events: &[Event]) -> Vec<Option<Level>> {
        events
            .iter()
            .map(|e| match e {
                Event::Raised { level, .. } => Some(*level),
                Event::Cleared { .. } => None,
            })
            .collect()
    }

    fn run(engine: &mut Engine, rs: &[Reading]) -> Vec<Event> {
        let mut out = vec![];
        for r in rs {
            engine.feed(*r, &mut out);
        }
        out
    }

    #[test]
    fn thresholds_raise_level_by_level_and_clear_past_the_hysteresis() {
        let mut e = Engine::new(vec![Rule {
            id: 7,
            object_id: 1,
            conditions: vec![threshold([10.0, 20.0, 30.0, 40.0], 1.0, 0)],
        }]);
        let vals = [5.0, 10.0, 9.5, 10.2, 25.0, 45.0, 30.0, 8.9, 9.5];
        let rs: Vec<_> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| reading(3, Metric::CrackWidth, T0 + i as i64 * MIN, *v))
            .collect();
        let ev = run(&mut e, &rs);
        // 9.5 and 10.2 hover at the blue band: no flapping; 8.9 is past the 1.0 hysteresis.
        assert_eq!(
            levels(&ev),
            vec![
                Some(Level::Blue),
                Some(Level::Yellow),
                Some(Level::Red),
                None
            ]
        );
        match &ev[2] {
            Event::Raised {
                rule_id,
                from,
                trigger,
                ts,
                ..
            } => {
                assert_eq!(*rule_id, 7);
                assert_eq!(*from, Some(Level::Yellow));
                assert_eq!(trigger.figure, 45.0);
                assert_eq!(trigger.sensor_id, 3);
                assert_eq!(*ts, T0 + 5 * MIN);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn without_hysteresis_a_hovering_value_flaps() {
        // The same series as above with hysteresis 0: this is what hysteresis prevents.
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![threshold([10.0, 20.0, 30.0, 40.0], 0.0, 0)],
        }]);
        let rs: Vec<_> = [10.0, 9.5, 10.2, 9.9]
            .iter()
            .enumerate()
            .map(|(i, v)| reading(3, Metric::CrackWidth, T0 + i as i64 * MIN, *v))
            .collect();
        assert_eq!(levels(&run(&mut e, &rs)).len(), 4);
    }

    #[test]
    fn a_level_is_taken_only_after_the_minimum_duration() {
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![threshold([10.0, 20.0, 30.0, 40.0], 0.0, 600)],
        }]);
        let at = |m: i64, v| reading(3, Metric::CrackWidth, T0 + m * MIN, v);
        // A spike of five minutes is not an alarm; ten minutes above is.
        let ev = run(&mut e, &[at(0, 25.0), at(5, 25.0), at(6, 5.0)]);
        assert!(ev.is_empty());
        let ev = run(&mut e, &[at(10, 25.0), at(15, 25.0), at(20, 25.0)]);
        assert_eq!(levels(&ev), vec![Some(Level::Yellow)]);
        match ev[0] {
            Event::Raised { ts, .. } => assert_eq!(ts, T0 + 20 * MIN),
            _ => unreachable!(),
        }
    }

    #[test]
    fn below_bands_for_falling_levels() {
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![Condition::Threshold {
                metric: Metric::WaterLevel,
                sensor_id: None,
                below: true,
                bands: [Some(5.0), Some(4.0), None, None],
                hysteresis: 0.0,
                min_duration_s: 0,
            }],
        }]);
        let ev = run(
            &mut e,
            &[
                reading(1, Metric::WaterLevel, T0, 6.0),
                reading(1, Metric::WaterLevel, T0 + MIN, 4.5),
                reading(1, Metric::WaterLevel, T0 + 2 * MIN, 3.9),
            ],
        );
        assert_eq!(levels(&ev), vec![Some(Level::Blue), Some(Level::Yellow)]);
    }

    #[test]
    fn rolling_rainfall_defaults_cross_in_the_right_window() {
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![Condition::Rainfall {
                sensor_id: None,
                windows: default_rain_windows(),
            }],
        }]);
        // 10 mm every 10 minutes: 60 mm in the first hour (orange on the 1 h window: ≥ 60),
        // then 5 mm per 10 minutes.
        let mut rs = vec![];
        for i in 1..=6 {
            rs.push(reading(2, Metric::Rainfall, T0 + i * 10 * MIN, 10.0));
        }
        let ev = run(&mut e, &rs);
        assert_eq!(
            levels(&ev),
            vec![Some(Level::Blue), Some(Level::Yellow), Some(Level::Orange)]
        );
        match ev[2] {
            Event::Raised { trigger, .. } => {
                assert_eq!(trigger.figure, 60.0);
                assert_eq!(trigger.window_h, Some(1));
            }
            _ => unreachable!(),
        }
        // Two more hours at 30 mm/h bring the 3 h sum to 120: red.
        let mut rs = vec![];
        for i in 7..=18 {
            rs.push(reading(2, Metric::Rainfall, T0 + i * 10 * MIN, 5.0));
        }
        let ev = run(&mut e, &rs);
        // The 1 h sum falls back to yellow as the rain eases, the 3 h sum climbs to orange
        // (100 mm) and then to red: the engine reports each rise of the rule's level; the
        // alarm itself keeps the highest.
        assert_eq!(levels(&ev), vec![Some(Level::Orange), Some(Level::Red)]);
        match ev[1] {
            Event::Raised { trigger, ts, .. } => {
                assert_eq!(trigger.window_h, Some(3));
                assert_eq!(trigger.figure, 120.0);
                assert_eq!(ts, T0 + 18 * 10 * MIN);
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn late_rain_counts_in_its_window() {
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![Condition::Rainfall {
                sensor_id: None,
                windows: vec![RainWindow {
                    hours: 1,
                    bands: [Some(30.0), None, None, None],
                }],
            }],
        }]);
        let ev = run(
            &mut e,
            &[
                reading(2, Metric::Rainfall, T0 + 40 * MIN, 20.0),
                reading(2, Metric::Rainfall, T0 + 50 * MIN, 1.0),
            ],
        );
        assert!(ev.is_empty());
        // The gateway's buffered reading of 20 minutes ago arrives last.
        let ev = run(&mut e, &[reading(2, Metric::Rainfall, T0 + 30 * MIN, 10.0)]);
        assert_eq!(levels(&ev), vec![Some(Level::Blue)]);
        // Resending it changes nothing.
        let ev = run(&mut e, &[reading(2, Metric::Rainfall, T0 + 30 * MIN, 10.0)]);
        assert!(ev.is_empty());
    }

    #[test]
    fn a_late_reading_raises_but_never_lowers() {
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![threshold([10.0, 20.0, 30.0, 40.0], 0.0, 0)],
        }]);
        let ev = run(
            &mut e,
            &[
                reading(3, Metric::CrackWidth, T0 + 10 * MIN, 15.0),
                reading(3, Metric::CrackWidth, T0 + 5 * MIN, 1.0),
                reading(3, Metric::CrackWidth, T0 + 6 * MIN, 35.0),
            ],
        );
        assert_eq!(levels(&ev), vec![Some(Level::Blue), Some(Level::Orange)]);
    }

    #[test]
    fn rate_of_change_per_day() {
        let mut e = Engine::new(vec![Rule {
            id: 1,
            object_id: 1,
            conditions: vec![Condition::Rate {
                metric: Metric::Displacement,
                sensor_id: None,
                window_h: 6,
                bands: [Some(5.0), Some(10.0), Some(20.0), Some(40.0)],
                hysteresis: 0.0,
            }],
        }]);
        let h = 60 * MIN;
        // 1 mm over the first 2 hours: too little history yet (needs a quarter of 6 h).
        let ev = run(
            &mut e,
            &[
                reading(4, Metric::Displacement, T0, 100.0),
                reading(4, Metric::Displacement, T0 + h, 100.5),
            ],
        );
        assert!(ev.is_empty());
        // 100 → 102 over 2 h = 24 mm/day: orange.
        let ev = run(
            &mut e,
            &[reading(4, Metric::Displacement, T0 + 2 * h, 102.0)],
        );
        assert_eq!(levels(&ev), vec![Some(Level::Orange)]);
        // Steady for a day: the rate falls to 0 and the rule clears.
        let ev = run(
            &mut e,
            &[reading(4, Metric::Displacement, T0 + 30 * h, 102.0)],
        );
        assert_eq!(levels(&ev), vec![None]);
    }

    #[test]
    fn combined_rules_need_every_condition_and_take_the_lowest_level() {
        let mut e = Engine::new(vec![Rule {
            id: 9,
            object_id: 1,
            conditions: vec![
                Condition::Rainfall {
                    sensor_id: Some(2),
                    windows: vec![RainWindow {
                        hours: 3,
                        bands: [Some(50.0), Some(80.0), Some(100.0), Some(120.0)],
                    }],
                },
                Condition::Threshold {
                    metric: Metric::CrackWidth,
                    sensor_id: Some(3),
                    below: false,
                    bands: [Some(5.0), Some(10.0), Some(15.0), Some(20.0)],
                    hysteresis: 0.0,
                    min_duration_s: 0,
                },
            ],
        }]);
        let ev = run(&mut e, &[reading(2, Metric::Rainfall, T0, 130.0)]);
        assert!(ev.is_empty(), "rain alone is not the combined alarm");
        // A crack reading from another sensor of the object is not this condition's.
        let ev = run(&mut e, &[reading(5, Metric::CrackWidth, T0 + MIN, 30.0)]);
        assert!(ev.is_empty());
        let ev = run(
            &mut e,
            &[reading(3, Metric::CrackWidth, T0 + 2 * MIN, 12.0)],
        );
        assert_eq!(levels(&ev), vec![Some(Level::Yellow)]);
        let ev = run(
            &mut e,
            &[reading(3, Metric::CrackWidth, T0 + 3 * MIN, 25.0)],
        );
        assert_eq!(levels(&ev), vec![Some(Level::Red)]);
        match ev[0] {
            Event::Raised { trigger, .. } => assert_eq!(trigger.window_h, Some(3)),
            _ => unreachable!(),
        }
    }

    #[test]
    fn silence_is_an_alarm_of_its_own_and_a_reading_ends_it() {
        let mut e = Engine::new(vec![Rule {
            id: 4,
            object_id: 1,
            conditions: vec![Condition::Silence {
                sensor_id: 8,
                minutes: 30,
                level: Level::Yellow,
            }],
        }]);
        let mut out = vec![];
        e.feed(reading(8, Metric::Tilt, T0, 1.0), &mut out);
        e.tick(T0 + 29 * MIN, &mut out);
        assert!(out.is_empty());
        e.tick(T0 + 31 * MIN, &mut out);
        e.tick(T0 + 32 * MIN, &mut out);
        assert_eq!(levels(&out), vec![Some(Level::Yellow)]);
        out.clear();
        e.feed(reading(8, Metric::Tilt, T0 + 33 * MIN, 1.0), &mut out);
        assert_eq!(levels(&out), vec![None]);
    }

    #[test]
    fn validation_names_the_condition() {
        assert!(validate(&[threshold([1.0, 2.0, 3.0, 4.0], 0.0, 0)]).is_ok());
        let err = validate(&[
            threshold([1.0, 2.0, 3.0, 4.0], 0.0, 0),
            threshold([4.0, 3.0, 2.0, 1.0], -1.0, 0),
        ])
        .unwrap_err();
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["conditions.1.bands", "conditions.1.hysteresis"]
        );
        assert!(validate(&[]).is_err());
        let silence = Condition::Silence {
            sensor_id: 1,
            minutes: 30,
            level: Level::Blue,
        };
        assert!(validate(std::slice::from_ref(&silence)).is_ok());
        assert!(validate(&[silence, threshold([1.0, 2.0, 3.0, 4.0], 0.0, 0)]).is_err());
        let json = r#"{"kind":"threshold","metric":"crack_width","bands":[5,null,null,20]}"#;
        let c: Condition = serde_json::from_str(json).unwrap();
        assert!(validate(&[c]).is_ok());
    }
}
