//! What every emitter shares, and no emitter owns: Rust names, idents and type paths (`rust`),
//! doc comments made from spec text (`docs`), the `#[cfg]` gates of the per-tag Cargo features
//! (`features`), the first lines of every file (`preamble`), and the value made from a type when
//! the spec gives no example (`sample`).

pub(super) mod docs;
pub(super) mod features;
pub(super) mod preamble;
pub(super) mod rust;
pub(super) mod sample;
