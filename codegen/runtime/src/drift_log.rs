//! What a client does with drift: a `tracing` event at WARN for each new place (then at most one
//! per place and minute, with how many were not logged), and a summary the program can read
//! (`Client::drift_report`): counts per operation, status, kind
//! and pointer since the client was built. Never a value from a body.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::drift::{Drift, DriftKind};

/// How often the same place is logged again.
pub const LOG_INTERVAL: Duration = Duration::from_secs(60);

/// How many places the summary keeps (a server could make up endless property names); further
/// ones are counted as [`DriftReport::dropped`].
pub const MAX_PLACES: usize = 1000;

/// The drift one client has seen (shared by its clones).
#[derive(Debug, Default)]
pub struct DriftLog {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    places: HashMap<Place, Seen>,
    dropped: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Place {
    operation: &'static str,
    status: u16,
    kind: DriftKind,
    pointer: String,
}

#[derive(Debug)]
struct Seen {
    count: u64,
    first: SystemTime,
    last: SystemTime,
    logged: Instant,
    /// Occurrences since the last event.
    unlogged: u64,
}

impl DriftLog {
    /// Notes what one response of `operation` (with `status`) departed in, and logs what is new.
    pub fn record(&self, operation: &'static str, status: u16, drift: &[Drift]) {
        let now = SystemTime::now();
        let instant = Instant::now();
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        for drift in drift {
            let place = Place {
                operation,
                status,
                kind: drift.kind(),
                pointer: drift.pointer().to_owned(),
            };
            let full = state.places.len() >= MAX_PLACES;
            let log = match state.places.get_mut(&place) {
                Some(seen) => {
                    seen.count += 1;
                    seen.last = now;
                    if instant.duration_since(seen.logged) >= LOG_INTERVAL {
                        let unlogged = std::mem::take(&mut seen.unlogged);
                        seen.logged = instant;
                        Some((seen.count, unlogged))
                    } else {
                        seen.unlogged += 1;
                        None
                    }
                }
                None if full => {
                    state.dropped += 1;
                    None
                }
                None => {
                    state.places.insert(
                        place.clone(),
                        Seen {
                            count: 1,
                            first: now,
                            last: now,
                            logged: instant,
                            unlogged: 0,
                        },
                    );
                    Some((1, 0))
                }
            };
            if let Some((count, unlogged)) = log {
                event(&place, count, unlogged);
            }
        }
    }

    /// Everything seen since the client was built.
    pub fn report(&self) -> DriftReport {
        let Ok(state) = self.state.lock() else {
            return DriftReport::default();
        };
        let mut entries: Vec<DriftEntry> = state
            .places
            .iter()
            .map(|(place, seen)| DriftEntry {
                operation: place.operation,
                status: place.status,
                kind: place.kind,
                pointer: place.pointer.clone(),
                count: seen.count,
                first_seen: seen.first,
                last_seen: seen.last,
            })
            .collect();
        entries.sort_by(|a, b| {
            (a.operation, a.status, a.kind, &a.pointer).cmp(&(
                b.operation,
                b.status,
                b.kind,
                &b.pointer,
            ))
        });
        DriftReport {
            entries,
            dropped: state.dropped,
        }
    }
}

/// The `tracing` event of a place: operation, status, kind, pointer, how often it was seen in
/// all and since the last event. `xtask drift` reads these back from a log.
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
fn event(place: &Place, count: u64, unlogged: u64) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        operation = place.operation,
        status = place.status,
        kind = place.kind.as_str(),
        pointer = place.pointer.as_str(),
        count,
        unlogged,
        "response departs from the spec"
    );
}

/// The drift a client has seen since it was built, place by place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    entries: Vec<DriftEntry>,
    dropped: u64,
}

impl DriftReport {
    /// Every place, sorted by operation, status, kind and pointer.
    pub fn entries(&self) -> &[DriftEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.dropped == 0
    }

    /// How many departures in all.
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|e| e.count).sum::<u64>() + self.dropped
    }

    /// Departures at places beyond the first thousand, counted but not kept.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The report as JSON (times in milliseconds since the Unix epoch), for `cargo xtask
    /// drift`, which proposes the overlay actions that would describe what was seen.
    pub fn to_json(&self) -> serde_json::Value {
        let millis = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64)
        };
        serde_json::json!({
            "drift": self.entries.iter().map(|e| serde_json::json!({
                "operation": e.operation,
                "status": e.status,
                "kind": e.kind.as_str(),
                "pointer": e.pointer,
                "count": e.count,
                "first_seen_ms": millis(e.first_seen),
                "last_seen_ms": millis(e.last_seen),
            })).collect::<Vec<_>>(),
            "dropped": self.dropped,
        })
    }
}

impl fmt::Display for DriftReport {
    /// One line per place: `createUser 201 undeclared-property /data ×3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.entries {
            writeln!(
                f,
                "{} {} {} {} ×{}",
                e.operation,
                e.status,
                e.kind,
                if e.pointer.is_empty() {
                    "(the body)"
                } else {
                    &e.pointer
                },
                e.count
            )?;
        }
        if self.dropped > 0 {
            writeln!(
                f,
                "… and {} at places beyond the first {MAX_PLACES}",
                self.dropped
            )?;
        }
        Ok(())
    }
}

/// One place a client saw responses depart from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftEntry {
    operation: &'static str,
    status: u16,
    kind: DriftKind,
    pointer: String,
    count: u64,
    first_seen: SystemTime,
    last_seen: SystemTime,
}

impl DriftEntry {
    /// The operation's `operationId` (or method name).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn kind(&self) -> DriftKind {
        self.kind
    }

    /// See [`Drift::pointer`].
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// How many responses departed here.
    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn first_seen(&self) -> SystemTime {
        self.first_seen
    }

    pub fn last_seen(&self) -> SystemTime {
        self.last_seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drift(pointer: &str) -> Drift {
        Drift::new(DriftKind::UndeclaredProperty, pointer.to_owned())
    }

    #[test]
    fn places_are_counted_and_the_summary_is_bounded() {
        let log = DriftLog::default();
        for _ in 0..3 {
            log.record("createUser", 201, &[drift("/data")]);
        }
        log.record(
            "getUser",
            200,
            &[
                drift("/x"),
                Drift::new(DriftKind::UndocumentedStatus, String::new()),
            ],
        );
        let report = log.report();
        assert_eq!(report.entries().len(), 3);
        assert_eq!(
            (report.entries()[0].operation(), report.entries()[0].count()),
            ("createUser", 3)
        );
        assert_eq!(report.total(), 5);
        assert_eq!(
            report.to_string().lines().next(),
            Some("createUser 201 undeclared-property /data ×3")
        );
        assert_eq!(report.to_json()["drift"][0]["kind"], "undeclared-property");
        for i in 0..MAX_PLACES + 10 {
            log.record("getUser", 200, &[drift(&format!("/p{i}"))]);
        }
        let report = log.report();
        assert_eq!(report.entries().len(), MAX_PLACES);
        assert_eq!(report.dropped(), 13);
    }
}
