//! The loopback server of the wire tests (`codegen/tests/wire/server.rs`), shared.
#![allow(dead_code)] // the wire tests use all of it, each fixture some

#[path = "../../../wire/server.rs"]
mod wire;
pub use wire::*;
