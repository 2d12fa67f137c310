//! Bounds on the work a spec can ask of the generator.
//!
//! Specs come from the internet. Each limit below turns an input that would take unbounded time,
//! memory or stack into a clear error naming the place. Every limit is far above what real
//! specs need: the largest values seen in a corpus of 25 public specs (Stripe, Plaid, Asana, …)
//! are given next to each, and SECURITY.md lists them all with the inputs they were tested with.

/// Largest spec file read, in bytes. Stripe's spec, the largest seen, is 4.2 MB.
pub const MAX_SPEC_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of mappings and sequences in a spec. Real specs nest at most 31 levels
/// (PagerDuty); serde_json and serde_yaml refuse more than 128 as well.
pub const MAX_DEPTH: usize = 128;

/// Longest chain of `allOf` parts that include other `allOf`s (through `$ref`s or inline).
/// Real specs use 3 or 4 levels.
pub const MAX_ALL_OF_DEPTH: usize = 64;

/// Most fields one struct may get, counting those merged in by `allOf`. The largest real one
/// has 81 (Stripe's `Invoice`).
pub const MAX_FIELDS_PER_TYPE: usize = 1_000;

/// Most struct fields in the whole crate. Plaid, the largest real spec by this measure, has
/// 8,855. An `allOf` chain where each link adds a field to all the previous ones grows this
/// quadratically; the cap stops it long before memory does.
pub const MAX_FIELDS_TOTAL: usize = 100_000;

/// Most Rust types (schemas, request bodies, hoisted inline shapes). Plaid, with 2,275 component
/// schemas, needs about 4,000.
pub const MAX_TYPES: usize = 50_000;

/// Largest generated crate, all files together, in bytes. Asana's, the largest seen, is 29 MB
/// (most of it the table of its 1,127 examples).
pub const MAX_OUTPUT_BYTES: usize = 128 * 1024 * 1024;

/// Most files a multi-file spec may reference, transitively.
pub const MAX_SPEC_FILES: usize = 2_000;

/// Most JSON values that resolving `$ref`s may copy (schemas hoisted from inside other objects
/// or other files, objects copied in place). PagerDuty, the heaviest real user of such refs,
/// copies about 3,000.
pub const MAX_COPIED_VALUES: usize = 4_000_000;
