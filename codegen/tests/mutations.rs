//! Property test: whatever a spec looks like, the generator answers with files or an error, never
//! a panic.
//!
//! Specs are mutated structurally (keys deleted, values replaced by other kinds, `$ref`s pointed
//! at missing, wrong or recursive targets, subtrees copied elsewhere, names made awkward) and
//! textually (truncated, bytes flipped), from seeded pseudo-random choices so every failure can
//! be replayed from the seed it prints. Each mutant goes through load, IR and emit.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};

mod support;

use support::rng::Rng;

use serde_json::{Value, json};

/// JSON pointers of every node of `value`.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

const AWKWARD: &[&str] = &[
    "", "type", "self", "Self", "_", "2", "a b", "ü", "r#x", "{x}", "crate", "super", "é/~", "fn",
    "Option", "a-b.c[d]",
];

fn component_refs(document: &Value) -> Vec<String> {
    let mut refs = vec![
        "#/components/schemas/Missing".to_owned(),
        "#/components/requestBodies/Nope".to_owned(),
        "#/paths".to_owned(),
        "other.yaml#/x".to_owned(),
        "#/components/schemas/".to_owned(),
    ];
    if let Some(components) = document.get("components").and_then(Value::as_object) {
        for (section, items) in components {
            for name in items.as_object().into_iter().flat_map(|m| m.keys()) {
                refs.push(format!(
                    "#/components/{section}/{}",
                    name.replace('~', "~0").replace('/', "~1")
                ));
            }
        }
    }
    refs
}

/// Applies one random structural mutation; returns what it did.
fn mutate(document: &mut Value, rng: &mut Rng) -> String {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    let target = rng.pick(&all).clone();
    let refs = component_refs(document);
    let replacement = match rng.below(10) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(1.5e300),
        4 => json!(rng.pick(AWKWARD)),
        5 => json!([]),
        6 => json!({}),
        7 => json!({"$ref": rng.pick(&refs)}),
        8 => {
            json!({"type": rng.pick(&["object", "array", "string", "integer", "number", "boolean", "null", "file"]),
                    "format": rng.pick(&["int32", "int64", "float", "double", "binary", "uuid"]),
                    "nullable": true, "enum": [rng.pick(AWKWARD), rng.pick(AWKWARD)]})
        }
        _ => {
            // A copy of another subtree (a schema where a parameter was, a path item in a schema…).
            let source = rng.pick(&all);
            document.pointer(source).cloned().unwrap_or(Value::Null)
        }
    };
    let description = format!("{target} ← {}", truncate(&replacement.to_string()));
    match rng.below(4) {
        // Delete the node from its parent.
        0 if !target.is_empty() => {
            let (parent, key) = target.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            match document.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            }
            format!("{target} deleted")
        }
        // Add an awkward key next to the node.
        1 => {
            if let Some(Value::Object(map)) = document.pointer_mut(&target) {
                map.insert(rng.pick(AWKWARD).to_string(), replacement);
            }
            format!("{target}: awkward key added")
        }
        _ => {
            if let Some(node) = document.pointer_mut(&target) {
                *node = replacement;
            }
            description
        }
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

/// How far a mutant got: refused while loading, refused later, or generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reached {
    RefusedByLoader,
    RefusedByGenerator,
    Generated,
}

/// Runs the whole pipeline on `bytes`; `Err` only if it panicked.
fn survives(bytes: &[u8]) -> Result<Reached, String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        match codegen::load::load_bytes(bytes, "mutant.json") {
            Err(_) => Reached::RefusedByLoader,
            Ok(spec) => match codegen::generate(
                spec,
                &codegen::Options {
                    formatting: codegen::format::Formatting::Prettyplease,
                    ..codegen::Options::default()
                },
            ) {
                Err(_) => Reached::RefusedByGenerator,
                Ok(_) => Reached::Generated,
            },
        }
    }));
    outcome.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned())
    })
}

/// Mutates `spec` `rounds` times (1 to 3 mutations per mutant); fails with every panic.
fn run(spec: &Path, rounds: usize, seed: u64) -> Result<(), Failed> {
    let mut failures = Vec::new();
    let mut reached = std::collections::BTreeMap::<Reached, usize>::new();
    let original = codegen::load::load_file(spec)
        .unwrap_or_else(|e| panic!("{e}"))
        .document;
    for round in 0..rounds {
        let mutant_seed = seed ^ round as u64 ^ 0x9e37_79b9_7f4a_7c15;
        let mut rng = Rng(mutant_seed | 1);
        let mut document = original.clone();
        let steps: Vec<String> = (0..=rng.below(3))
            .map(|_| mutate(&mut document, &mut rng))
            .collect();
        let text = serde_json::to_vec(&document).unwrap();
        match survives(&text) {
            Ok(how_far) => *reached.entry(how_far).or_default() += 1,
            Err(panic) => failures.push(format!(
                "seed {mutant_seed:#x}: {} → panic: {panic}",
                steps.join("; ")
            )),
        }
        // The same mutant as damaged text: cut short, or a byte changed.
        let mut bytes = text;
        let at = rng.below(bytes.len());
        let damage = if rng.below(2) == 0 {
            bytes.truncate(at);
            format!("truncated at {at}")
        } else {
            bytes[at] = *rng.pick(b"\xff\x00:{}[]-\"'\n\t#&*!|>%@`");
            format!("byte {at} changed")
        };
        match survives(&bytes) {
            Ok(how_far) => *reached.entry(how_far).or_default() += 1,
            Err(panic) => {
                failures.push(format!("seed {mutant_seed:#x}: {damage} → panic: {panic}"))
            }
        }
    }
    if !failures.is_empty() {
        return Err(format!("{} panics:\n{}", failures.len(), failures.join("\n")).into());
    }
    // Many structural mutants must get past the loader, or this tests little beyond it (a
    // small spec loses more of them there, to a mutated `openapi` or `info`: a tenth is the floor).
    let generated = reached.get(&Reached::Generated).copied().unwrap_or(0);
    if generated * 10 < rounds {
        return Err(format!("only {generated} mutants generated: {reached:?}").into());
    }
    Ok(())
}

/// Mutants per fixture spec when `MUTANTS` does not say: enough for each kind of mutation to
/// reach every fixture, in about a minute of CI on 2 cores (150 took 213 s of the test step). A
/// thorough run: `MUTANTS=2000 cargo test --release -p codegen --test mutations`.
const DEFAULT_MUTANTS: usize = 40;

/// One test per fixture spec (`MUTANTS` mutants each) and one for the real spec (a tenth as
/// many, at least 4): a failure names its spec and seed, the others still run, and each can be
/// filtered (`cargo test -p codegen --test mutations events`).
fn main() {
    let arguments = Arguments::from_args();
    let mutants = match std::env::var("MUTANTS") {
        Ok(n) => n
            .parse::<usize>()
            .unwrap_or_else(|_| panic!("MUTANTS={n}: not a number of mutants")),
        Err(_) => DEFAULT_MUTANTS,
    };
    // Panics are caught and reported as failures; the default hook would print each one.
    std::panic::set_hook(Box::new(|_| {}));
    let mut trials: Vec<Trial> = support::fixture_specs()
        .into_iter()
        .map(|spec| {
            let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
            // Each fixture its own seeds, fixed so a failure replays.
            let seed = 0x5eed_0001
                ^ name
                    .bytes()
                    .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b))
                    << 16;
            Trial::test(name, move || run(&spec, mutants, seed))
        })
        .collect();
    trials.push(Trial::test("the real spec", move || {
        run(&support::real_spec(), (mutants / 10).max(4), 0x5eed_0002)
    }));
    libtest_mimic::run(&arguments, trials).exit();
}
