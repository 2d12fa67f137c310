//! Behaviour tests of the fixture crates live in `tests/`; this crate has no code of its own.
