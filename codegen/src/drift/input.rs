//! Reading the evidence: a client's log, its drift report, responses saved to files.

use serde_json::Value;

use super::{Evidence, Kind, Place, check};
use crate::ir::{Api, Operation, ResponseBody, Status};

/// The message of the client's drift event.
const MESSAGE: &str = "response departs from the spec";

/// What reading a log found: the drift events, and the lines that name the drift event but
/// could not be read (a format this reader does not know, a line cut short).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogRead {
    pub events: usize,
    /// Line numbers (from 1) of the lines that mention the event and did not parse.
    pub unreadable: Vec<usize>,
}

impl Evidence {
    /// Reads the drift events of a `tracing` log, in any of `tracing-subscriber`'s fmt formats:
    /// the default (`… response departs from the spec operation="getUser" status=200 …`, with or
    /// without ANSI colours), `.compact()`, `.pretty()` (`…, operation: "getUser", status: 200`)
    /// and `.json()`. Other lines are skipped; a line that mentions the event but cannot be read
    /// is counted in [`LogRead::unreadable`], never skipped in silence.
    pub fn read_log(&mut self, source: &str, text: &str) -> LogRead {
        let mut read = LogRead::default();
        for (number, raw) in text.lines().enumerate() {
            if !raw.contains(MESSAGE) {
                continue;
            }
            let line = without_ansi(raw);
            let fields = match serde_json::from_str::<Value>(&line) {
                Ok(Value::Object(event)) => json_fields(&event),
                _ => text_fields(&line),
            };
            let Some((place, fields)) = fields.and_then(|f| place(&f).map(|p| (p, f))) else {
                read.unreadable.push(number + 1);
                continue;
            };
            let when = fields
                .timestamp
                .clone()
                .or_else(|| Some(format!("{source}:{}", number + 1)));
            // Each event stands for itself and the sightings since the one before it.
            let count = fields.number("unlogged").unwrap_or(0) + 1;
            self.add(place, count, when, source, None);
            read.events += 1;
        }
        read
    }

    /// Reads a drift report (`DriftReport::to_json`). Returns how many places it has.
    pub fn read_report(&mut self, source: &str, report: &Value) -> Result<usize, String> {
        let entries = report
            .get("drift")
            .and_then(Value::as_array)
            .ok_or("not a drift report: no `drift` list")?;
        for (i, entry) in entries.iter().enumerate() {
            let Some(object) = entry.as_object() else {
                return Err(format!("drift[{i}] is not an object"));
            };
            let fields = Fields {
                values: object.clone(),
                timestamp: None,
            };
            let place = place(&fields)
                .ok_or_else(|| format!("drift[{i}] lacks operation, status, kind or pointer"))?;
            let millis = |key| fields.number(key).map(utc);
            let seen = self.places.entry(place.clone()).or_default();
            if seen.first.is_none() {
                seen.first = millis("first_seen_ms");
            }
            self.add(
                place,
                fields.number("count").unwrap_or(1),
                millis("last_seen_ms"),
                source,
                None,
            );
        }
        Ok(entries.len())
    }

    /// Reads saved responses: a JSON object `{"operation": …, "status": …, "body": …}`, a list
    /// of them, or one per line. Each body is checked against what the spec documents for its
    /// operation and status. Returns how many responses were read.
    pub fn read_responses(&mut self, api: &Api, source: &str, text: &str) -> Result<usize, String> {
        let responses: Vec<Value> = match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items,
            Ok(one @ Value::Object(_)) => vec![one],
            Ok(_) => {
                return Err(
                    "not a saved response (an object with operation, status and body)".to_owned(),
                );
            }
            Err(_) => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .enumerate()
                .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
                .collect::<Result<_, _>>()?,
        };
        for (i, response) in responses.iter().enumerate() {
            let at = |message: &str| format!("response {}: {message}", i + 1);
            let operation = response
                .get("operation")
                .and_then(Value::as_str)
                .ok_or_else(|| at("no `operation`"))?;
            let status = response
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| at("no `status`"))?;
            let body = response.get("body").ok_or_else(|| at("no `body`"))?;
            let op = find_operation(api, operation)
                .ok_or_else(|| at(&format!("`{operation}` is not an operation of the spec")))?;
            self.bodies
                .entry((operation.to_owned(), status))
                .or_default()
                .push(body.clone());
            let place = |kind, pointer: &str| Place {
                operation: operation.to_owned(),
                status,
                kind,
                pointer: pointer.to_owned(),
            };
            match documented_body(op, status) {
                None => self.add(
                    place(Kind::UndocumentedStatus, ""),
                    1,
                    None,
                    source,
                    Some(body.clone()),
                ),
                Some(None) => {}
                Some(Some(ty)) => {
                    for finding in check(api, ty, body) {
                        self.add(
                            place(finding.kind, &finding.pointer),
                            1,
                            None,
                            source,
                            finding.value,
                        );
                    }
                }
            }
        }
        Ok(responses.len())
    }
}

/// The operation the client names `name` (its `operationId`, or its method name without one).
pub(crate) fn find_operation<'a>(api: &'a Api, name: &str) -> Option<&'a Operation> {
    api.operations
        .iter()
        .find(|op| op.operation_id.as_deref() == Some(name))
        .or_else(|| {
            api.operations.iter().find(|op| {
                op.operation_id.is_none() && crate::names::unraw(&op.method_name) == name
            })
        })
}

/// What `op` documents for `status`: `None` when it documents nothing for it, `Some(None)` when
/// it documents no JSON body, else the body's type.
pub(crate) fn documented_body(op: &Operation, status: u16) -> Option<Option<&crate::ir::TypeRef>> {
    let cases = op.success.iter().chain(&op.errors);
    let exact = cases.clone().find(|c| c.status == Status::Code(status));
    let range = cases
        .clone()
        .find(|c| c.status == Status::Range(status / 100));
    let default = cases.clone().find(|c| c.status == Status::Default);
    let case = exact.or(range).or(default)?;
    Some(match &case.body {
        ResponseBody::Json(ty) => Some(ty),
        _ => None,
    })
}

/// Milliseconds since the Unix epoch as an RFC 3339 UTC time, to the second.
pub fn utc(millis: u64) -> String {
    let seconds = millis / 1000;
    let (days, rest) = ((seconds / 86_400) as i64, seconds % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// An event's fields, and its timestamp if it has one.
struct Fields {
    values: serde_json::Map<String, Value>,
    timestamp: Option<String>,
}

impl Fields {
    fn text(&self, key: &str) -> Option<String> {
        match self.values.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn number(&self, key: &str) -> Option<u64> {
        match self.values.get(key)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
}

fn place(fields: &Fields) -> Option<Place> {
    Some(Place {
        operation: fields.text("operation")?,
        status: fields
            .number("status")
            .and_then(|s| u16::try_from(s).ok())?,
        kind: Kind::parse(&fields.text("kind")?)?,
        pointer: fields.text("pointer")?,
    })
}

/// A JSON line: the event's fields under `fields` (or at the top level).
fn json_fields(event: &serde_json::Map<String, Value>) -> Option<Fields> {
    let values = match event.get("fields") {
        Some(Value::Object(fields)) => fields.clone(),
        _ => event.clone(),
    };
    let timestamp = event
        .get("timestamp")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(Fields { values, timestamp })
}

/// `line` without terminal escape sequences (colours, bold, dim): what a terminal shows.
fn without_ansi(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('\u{1b}') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters and intermediates, then one final byte in `@`..=`~`.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC (a hyperlink, a title): up to BEL or ESC `\`.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            // A two-character sequence.
            _ => {}
        }
    }
    out.into()
}

/// A text line: the fields after the message, as the fmt layer writes them: `key=value` (the
/// default and compact formats) or `, key: value` (the pretty format), values quoted as `Debug`
/// writes strings. Fields of the enclosing span may follow (compact): the event's come first.
fn text_fields(line: &str) -> Option<Fields> {
    let after = &line[line.find(MESSAGE)? + MESSAGE.len()..];
    let mut values = serde_json::Map::new();
    let mut rest = after;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let key_end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        if key_end == 0 {
            break;
        }
        let key = &rest[..key_end];
        let value_text = match rest[key_end..].strip_prefix('=') {
            Some(value) => value,
            None => rest[key_end..].strip_prefix(": ")?,
        };
        let (value, consumed) = if value_text.starts_with('"') {
            quoted(value_text)?
        } else {
            let end = value_text
                .find(|c: char| c.is_whitespace() || c == ',')
                .unwrap_or(value_text.len());
            (value_text[..end].to_owned(), end)
        };
        // The event's own fields come before the span's: keep the first of a name.
        values.entry(key.to_owned()).or_insert(Value::String(value));
        rest = &value_text[consumed..];
    }
    let first = line.split_whitespace().next().unwrap_or("");
    let timestamp = (first.starts_with(|c: char| c.is_ascii_digit()) && first.contains('T'))
        .then(|| first.to_owned());
    Some(Fields { values, timestamp })
}

/// A string as `Debug` quotes it, and how many bytes it took.
fn quoted(text: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                c => out.push(c),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_json_log_lines_give_the_same_places() {
        let text = "2026-12-06T10:00:00.000001Z  WARN request{operation=\"createUser\" method=POST path=\"/v3/users\"}: zephr_admin::drift_log: response departs from the spec operation=\"createUser\" status=201 kind=\"undeclared-property\" pointer=\"/data\" count=5 unlogged=4\n\
                    2026-12-06T10:00:01Z  INFO something else\n";
        let json = r#"{"timestamp":"2026-12-06T11:00:00Z","level":"WARN","fields":{"message":"response departs from the spec","operation":"createUser","status":201,"kind":"undeclared-property","pointer":"/data","count":6,"unlogged":0},"target":"zephr_admin::drift_log"}"#;
        let mut evidence = Evidence::default();
        assert_eq!(evidence.read_log("a.log", text).events, 1);
        assert_eq!(evidence.read_log("b.jsonl", json).events, 1);
        let (place, seen) = evidence.places.iter().next().unwrap();
        assert_eq!(
            (
                place.operation.as_str(),
                place.status,
                place.kind,
                place.pointer.as_str()
            ),
            ("createUser", 201, Kind::UndeclaredProperty, "/data")
        );
        assert_eq!(seen.count, 6);
        assert_eq!(seen.first.as_deref(), Some("2026-12-06T10:00:00.000001Z"));
        assert_eq!(seen.last.as_deref(), Some("2026-12-06T11:00:00Z"));
        assert_eq!(seen.sources, ["a.log", "b.jsonl"]);
    }

    #[test]
    fn a_report_counts_and_dates_each_place() {
        let report = serde_json::json!({"drift": [{"operation": "getUser", "status": 200, "kind": "unknown-enum-value", "pointer": "/tier", "count": 3, "first_seen_ms": 1, "last_seen_ms": 9}], "dropped": 0});
        let mut evidence = Evidence::default();
        assert_eq!(evidence.read_report("r.json", &report), Ok(1));
        let seen = evidence.places.values().next().unwrap();
        assert_eq!(
            (seen.count, seen.first.as_deref(), seen.last.as_deref()),
            (
                3,
                Some("1970-01-01T00:00:00Z"),
                Some("1970-01-01T00:00:00Z")
            )
        );
        assert_eq!(utc(1_796_557_732_583), "2026-12-06T11:48:52Z");
        assert_eq!(utc(951_782_400_000), "2000-02-29T00:00:00Z");
        assert!(
            evidence
                .read_report("x", &serde_json::json!({"other": 1}))
                .is_err()
        );
    }
}
