//! Behaviour tests of the fixture crates (`codegen/tests/snapshots/<fixture>`, what the generator
//! writes for each fixture spec): a module per fixture, named for it, so
//! `cargo test -p behaviour events` runs one fixture's tests. Requests go to a real HTTP server
//! on loopback (`server`, the one the wire tests use); independent readers (serde_qs, multer,
//! `form_urlencoded`) check what the crates write.

mod server;

mod all_of;
mod arrays;
mod byte_streams;
mod defects;
mod deprecations;
mod drift;
mod envelopes;
mod events;
mod forms;
mod hostile_text;
mod lenient;
mod maps;
mod multi_file;
mod multipart;
mod names;
mod nullable;
mod numbers;
mod one_of;
mod openapi_31;
mod operations;
mod pagination;
mod prefixed_names;
mod recursive;
mod request_bodies;
mod required_optional;
mod security_api_key;
mod security_none;
mod string_enums;
