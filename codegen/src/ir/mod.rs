//! Stage 2: the intermediate representation, the contract between reading OpenAPI and writing
//! Rust.
//!
//! Plain data: every type and operation with its final Rust name, every `$ref` resolved, every
//! inline schema hoisted under a stable name. Nothing here knows about `syn`; the emitters only
//! read it, and the change report (`diff`) compares two of them.
//!
//! Long, and kept whole: it is the entire data model and nothing else (no logic beyond small
//! accessors), its types refer to one another, and the emitters, `diff`, `drift`, the tests and
//! `xtask` all read it as `codegen::ir::…`; one file is the one place to read the contract. How
//! the IR is built from a spec lives in the submodules.

use std::fmt;

use serde_json::Value;

use crate::error::Warning;

mod build;
mod examples;
mod features;
mod nullable;
mod operations;
mod pagination;
mod recursion;
mod refs;
mod schema;
mod security;

pub use features::{ALL_FEATURE, Features};

pub use build::build;

/// Index into [`Api::types`].
pub type TypeId = usize;

/// The whole API, ready to be emitted.
#[derive(Debug, Clone)]
pub struct Api {
    pub title: String,
    /// `info.version`.
    pub version: String,
    pub description: Option<String>,
    /// SHA-256 of the spec bytes this was built from (of a multi-file spec, of its files' list
    /// of paths and SHA-256s).
    pub spec_sha256: String,
    /// How many files the spec was read from.
    pub spec_files: usize,
    /// SHA-256 of the overlay applied to the spec, if any.
    pub overlay_sha256: Option<String>,
    pub server: Option<Server>,
    pub auth: Auth,
    /// Every named type: component schemas first (in spec order), then component request
    /// bodies, then hoisted inline schemas in the order they were met.
    pub types: Vec<TypeDef>,
    /// Operation groups (one per tag), in the spec's tag order.
    pub groups: Vec<Group>,
    pub operations: Vec<Operation>,
    /// Every `example`/`examples` entry of the spec with the type it should fit.
    pub examples: Vec<Example>,
    pub warnings: Vec<Warning>,
    /// A Cargo feature per group, and which of them each type needs.
    pub features: Features,
}

impl Api {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id]
    }

    /// Follows aliases to the type that is actually stored.
    pub fn unalias<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        let mut current = ty;
        for _ in 0..self.types.len() + 1 {
            match current {
                TypeRef::Named(id) => match &self.types[*id].kind {
                    TypeKind::Alias(target) => current = target,
                    _ => return current,
                },
                _ => return current,
            }
        }
        current
    }

    /// Renders a type the way it reads in Rust (`Vec<types::Grant>`), for reports and docs.
    pub fn display<'a>(&'a self, ty: &'a TypeRef) -> impl fmt::Display + 'a {
        DisplayType { api: self, ty }
    }
}

struct DisplayType<'a> {
    api: &'a Api,
    ty: &'a TypeRef,
}

impl fmt::Display for DisplayType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = |ty| DisplayType { api: self.api, ty };
        match self.ty {
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::F32 => f.write_str("f32"),
            TypeRef::F64 => f.write_str("f64"),
            TypeRef::String => f.write_str("String"),
            TypeRef::Json => f.write_str("serde_json::Value"),
            TypeRef::JsonObject => f.write_str("serde_json::Map<String, serde_json::Value>"),
            TypeRef::File => f.write_str("FilePart"),
            TypeRef::Vec(item) => write!(f, "Vec<{}>", inner(item)),
            TypeRef::Map(value) => write!(f, "BTreeMap<String, {}>", inner(value)),
            TypeRef::Nullable(value) => write!(f, "Option<{}>", inner(value)),
            TypeRef::Named(id) => write!(f, "types::{}", self.api.types[*id].name),
        }
    }
}

/// A Rust type as used in a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Bool,
    I32,
    I64,
    F32,
    F64,
    String,
    /// Any JSON value (`serde_json::Value`): schemas without a type.
    Json,
    /// Any JSON object (`serde_json::Map<String, Value>`): `type: object` with no properties.
    JsonObject,
    /// A file of a `multipart/form-data` body (`type: string, format: binary` there): the
    /// runtime's `FilePart`.
    File,
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>` from `additionalProperties`.
    Map(Box<TypeRef>),
    /// `Option<T>` from `nullable: true`.
    Nullable(Box<TypeRef>),
    Named(TypeId),
}

impl TypeRef {
    /// The directly contained named type, if storing this value stores that type inline
    /// (not behind a `Vec` or map, which already put it on the heap).
    pub fn direct_named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Nullable(inner) => inner.direct_named(),
            _ => None,
        }
    }

    /// Every named type this mentions.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            TypeRef::Named(id) => out.push(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                inner.named(out)
            }
            _ => {}
        }
    }
}

/// Documentation carried from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    /// Title or summary: the first line of the rustdoc.
    pub summary: Option<String>,
    /// Description (Markdown, possibly with HTML).
    pub description: Option<String>,
    /// Short facts such as defaults, formats and patterns.
    pub notes: Vec<String>,
    pub deprecated: bool,
}

impl Doc {
    pub fn is_empty(&self) -> bool {
        self.summary.is_none() && self.description.is_none() && self.notes.is_empty()
    }
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// Where the type comes from in the spec.
    pub pointer: String,
    pub origin: Origin,
    pub doc: Doc,
    pub kind: TypeKind,
}

/// Why a type exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `#/components/schemas/{0}`.
    Schema(String),
    /// `#/components/requestBodies/{0}`.
    RequestBody(String),
    /// An inline schema given a name of its own.
    Inline,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(StringEnum),
    OneOf(OneOf),
    /// `pub type Name = Target;`
    Alias(TypeRef),
    /// `pub struct Name(pub Target);`: an alias that refers to itself, which `type` cannot.
    NewType(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// What happens to properties the spec does not list.
    pub additional: Additional,
}

/// Properties a struct's schema does not list by name.
///
/// Objects are open unless their schema says `additionalProperties: false`: servers send (and
/// tenants define) properties specs do not list, and a client that drops them loses data in a
/// read–modify–write.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// `additionalProperties: false`: there are none; any that arrive are ignored.
    Closed,
    /// Kept as JSON values in the map field `field`, in both directions. Unless `by_design`
    /// (the spec says they may come: `additionalProperties: true`, or an overlay's
    /// `x-codegen: {open: true}`), each one is drift: the client notes it.
    Open { field: String, by_design: bool },
    /// `additionalProperties: {schema}`: kept in the map field `field`, each value of type `ty`.
    Typed { field: String, ty: TypeRef },
}

impl Additional {
    /// The map field's name, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Additional::Closed => None,
            Additional::Open { field, .. } | Additional::Typed { field, .. } => Some(field),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub required: bool,
    /// `Box`ed because the field's type contains this struct (a recursive schema).
    pub boxed: bool,
    pub doc: Doc,
    pub pointer: String,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn is_optional(&self) -> bool {
        !self.required || matches!(self.ty, TypeRef::Nullable(_))
    }
}

/// A string enum; unknown values from the server land in the fallback variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
    /// Name of the `Variant(String)` that keeps values the spec does not list.
    pub fallback: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    pub rust_name: String,
    pub wire: String,
}

/// `oneOf`/`anyOf`: one of several shapes.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    pub variants: Vec<OneOfVariant>,
    /// When every variant is an inline object with a single-valued string property of this
    /// name, the enum is internally tagged by it.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OneOfVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    pub boxed: bool,
    /// The tag value, for internally tagged enums.
    pub tag_value: Option<String>,
}

/// Operations that share a tag: a `…Api` struct reached from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub tag: String,
    pub doc: Option<String>,
    /// Module under `apis`.
    pub module: String,
    /// The struct holding the group's methods.
    pub struct_name: String,
    /// The `Client` method that returns the group.
    pub accessor: String,
    pub operations: Vec<usize>,
    /// Whether the group is a path's first segment (the spec tags no operation), not a tag.
    pub from_path: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    pub fn lowercase(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub method: Method,
    /// The path template as in the spec, e.g. `/v3/users/{user_id}`.
    pub path: String,
    pub pointer: String,
    pub operation_id: Option<String>,
    /// The method name on the group struct (`list_account_users`).
    pub method_name: String,
    /// The request builder type (`ListAccountUsers`).
    pub builder_name: String,
    /// The enum of success bodies, when there is more than one success status.
    pub response_enum: Option<String>,
    /// The enum of typed error bodies, when any error status documents a body.
    pub error_enum: Option<String>,
    pub group: usize,
    pub doc: Doc,
    pub path_parts: Vec<PathPart>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Vec<ResponseCase>,
    pub errors: Vec<ResponseCase>,
    /// Whether the request is signed (operations with `security: []` are not).
    pub signed: bool,
    /// How to get the next page, when the operation returns one page of a longer list.
    pub pagination: Option<Pagination>,
    /// The operation's `x-…` extensions (the generator reads `x-codegen`).
    pub extensions: serde_json::Map<String, Value>,
}

/// How an operation pages through a list (see `ir::pagination`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub style: PageStyle,
    /// Fields from the body to the list of items; empty when the body is the list.
    pub items: Vec<Step>,
    pub item_type: TypeRef,
    /// Fields to the total number of items, when the body has it.
    pub total: Option<Vec<Step>>,
    /// Fields to the link to the next page, whose absence means the last page.
    pub next_link: Option<Vec<Step>>,
}

/// One field on a path through a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub field: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// Page numbers (`page`, from `first`), with an optional page size parameter (indices into
    /// [`Operation::params`]).
    PageNumber {
        page: usize,
        size: Option<usize>,
        first: i64,
    },
    /// Item offsets, with an optional limit parameter.
    Offset { offset: usize, limit: Option<usize> },
    /// An opaque cursor from the previous page, at `next` in its body.
    Cursor { cursor: usize, next: Vec<Step> },
}

impl Operation {
    /// `GET /v3/users`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The parameters that are arguments of the client method, in call order: path parameters
    /// as they appear in the path, then the other required ones as declared. (A required body
    /// comes after them.)
    pub fn arguments(&self) -> Vec<&Param> {
        let mut out: Vec<&Param> = self
            .path_parts
            .iter()
            .filter_map(|part| match part {
                PathPart::Param(i) => Some(&self.params[*i]),
                PathPart::Literal(_) => None,
            })
            .collect();
        out.extend(
            self.params
                .iter()
                .filter(|p| p.required && p.location != ParamLocation::Path),
        );
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// Index into [`Operation::params`].
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire, kept exactly (`foreign[system]`).
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: ParamType,
    pub required: bool,
    pub doc: Doc,
    pub pointer: String,
    /// The schema's `default` and `minimum`, when it has them.
    pub default: Option<Value>,
    pub minimum: Option<Value>,
}

/// How a parameter value becomes text on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    /// A scalar (string, number, boolean or string enum) written with `Display`.
    Scalar(TypeRef),
    /// An array of scalars: repeated (`a=1&a=2`) when `explode`, else comma-joined.
    List { item: TypeRef, explode: bool },
    /// No serialisation is defined for this schema in this location (objects in a query, …):
    /// the caller passes the already-encoded text. `documented` is the schema's type.
    /// With `typed`, the spec (through an overlay's `x-codegen.encoding`) says how to encode
    /// it, and a typed setter does so.
    Encoded {
        documented: TypeRef,
        typed: Option<TypedEncoding>,
    },
}

/// How a typed value becomes a parameter's text, when the spec says so.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedEncoding {
    pub encoding: Encoding,
    /// The setter that takes already-encoded text (the typed one is the parameter's own name).
    pub raw_setter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// JSON, then Base64 (standard alphabet, padded), then percent-encoding:
    /// `x-codegen: {encoding: base64-json}`.
    Base64Json,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub media_type: String,
    pub kind: BodyKind,
    pub required: bool,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// Serialised with serde_json.
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`, from the same model as JSON: the model's
    /// properties are the form's fields.
    Form(FormBody),
    /// `multipart/form-data` from the model: a part per property, files as `FilePart`s.
    Multipart(TypeRef),
    /// Bytes sent as they are, with the documented media type.
    Raw,
}

impl BodyKind {
    /// The Rust type the caller gives for a typed body (JSON or form); `None` for bytes.
    pub fn typed(&self) -> Option<&TypeRef> {
        match self {
            BodyKind::Json(ty) | BodyKind::Form(FormBody { ty, .. }) | BodyKind::Multipart(ty) => {
                Some(ty)
            }
            BodyKind::Raw => None,
        }
    }
}

/// A form body: its model, and how the properties the `encoding` object names are written.
#[derive(Debug, Clone, PartialEq)]
pub struct FormBody {
    pub ty: TypeRef,
    /// Wire names of properties and their style; the rest are `form`, exploded.
    pub styles: Vec<(String, FormStyle)>,
}

/// An OpenAPI `encoding` object's style and explode, for one property of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStyle {
    /// `form`, exploded (the default): an array repeats the key.
    Form,
    /// An array's items joined with spaces.
    SpaceDelimited,
    /// An array's items joined with `|`.
    PipeDelimited,
    /// Brackets for objects and indices for arrays (`items[0][price]`).
    DeepObject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCase {
    pub status: Status,
    /// Enum variant name for this case (`Ok`, `Created`, `BadRequest`).
    pub variant: String,
    pub body: ResponseBody,
    /// A JSON body the decoder also accepts wrapped in an object, as the member of this name
    /// (an overlay's `x-codegen: {envelope: results}` on the media type, where the spec gives a
    /// bare list and the API, or the spec's examples, wrap it).
    pub envelope: Option<String>,
    /// The type of each event's data when the response can be a `text/event-stream` (as its
    /// media type, or offered beside JSON): the builder gets `send_events()`.
    pub events: Option<TypeRef>,
    pub doc: Doc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `2XX` and friends: the first digit.
    Range(u16),
    Default,
}

impl Status {
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(&c),
            Status::Range(r) => r == 2,
            Status::Default => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(c) => write!(f, "{c}"),
            Status::Range(r) => write!(f, "{r}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No content documented.
    Empty,
    /// JSON decoded into the type.
    Json(TypeRef),
    /// Kept as bytes: no schema, or a media type that is not JSON (`*/*`, `text/plain`).
    /// `documented` is the schema's type when there is one, to decode on request.
    Raw {
        media_type: String,
        documented: Option<TypeRef>,
    },
}

/// One example from the spec and the type it should fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// JSON pointer of the example value.
    pub pointer: String,
    pub value: Value,
    pub target: ExampleTarget,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExampleTarget {
    /// A JSON body or schema value: deserialise into the type and serialise back.
    Json(TypeRef),
    /// A parameter value: the text on the wire must parse as the type.
    Parameter(TypeRef),
    /// Nothing says what it should be (a media type without a schema).
    Untyped,
    /// `externalValue`: lives outside the document.
    External(String),
}

/// Where requests should go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// URL template with `{variable}` placeholders.
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    pub wire_name: String,
    pub rust_name: String,
    pub default: String,
    pub allowed: Vec<String>,
    pub description: Option<String>,
}

/// How requests are authenticated by default, chosen from the spec's security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// The spec requires none.
    None,
    /// `type: http`, `scheme: ZEPHR-HMAC-*`: Zephr's request signing.
    ZephrHmac { scheme: String },
    /// `type: http`, `scheme: bearer`.
    Bearer { scheme: String },
    /// `type: apiKey`, `in: header`.
    ApiKeyHeader { scheme: String, header: String },
    /// Anything else: the user plugs a signer in.
    Custom { scheme: String, description: String },
}
