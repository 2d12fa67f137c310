//! The operations of an API as data: what the command line and the MCP server are built from.
//!
//! A generated crate with the `cli` or `mcp` feature has one static [`Api`]: every operation
//! with its parameters (wire names, Rust names, kinds, enum values), its body, its output, its
//! docs, and the JSON Schema of every type it names; and a typed dispatch (`Api::call`) from
//! JSON arguments to the operation's builder, so a value is checked by the same type the client
//! uses before anything is sent. Both front ends read this table; neither knows the API.

use crate::dispatch::{Args, Call, CallError, Mode};

/// An API as the front ends see it. `C` is the generated crate's `Client`.
pub struct Api<C: 'static> {
    /// The binary's name (`zephr`): from the crate's settings, else its name.
    pub name: &'static str,
    /// The spec's title and version, and the crate's name and version.
    pub title: &'static str,
    pub spec_version: &'static str,
    pub crate_name: &'static str,
    pub crate_version: &'static str,
    /// The prefix of the environment variables the command line reads (`ZEPHR_`).
    pub env_prefix: &'static str,
    /// How requests are authenticated, so the front ends know what credentials to ask for.
    pub auth: Auth,
    /// The spec's server URL template and its variables (each a flag and a variable).
    pub server: Option<&'static str>,
    pub variables: &'static [Variable],
    pub groups: &'static [Group],
    pub operations: &'static [Operation],
    /// The JSON Schema of every type an operation names, by the type's Rust name.
    pub schemas: &'static [(&'static str, &'static str)],
    /// What an MCP server mounts by default, from the crate's settings (the command line may
    /// widen or narrow it).
    pub mcp: McpDefaults,
    /// Builds the client from its settings (the generated builder, given the runtime's
    /// `Config`).
    pub connect: fn(crate::builder::Config) -> Result<C, crate::BuildError>,
    /// The typed dispatch: the operation's builder, its arguments read from `args` by their
    /// types, sent as `mode` asks.
    pub call: fn(&C, &'static Operation, Args, Mode) -> Result<Call, CallError>,
    /// A request to any path, signed and bounded like the operations (`<bin> api`).
    pub request: fn(&C, crate::reqwest::Method, String) -> crate::RawRequest,
    /// The drift the client has seen (`Client::drift_report`).
    pub drift: fn(&C) -> crate::DriftReport,
    /// The routes and examples of the API's test server (`<bin> test-server`).
    pub test_server: &'static crate::testing_server::Spec,
}

impl<C> Api<C> {
    /// The operation of this id (its `operationId`, or its method name without one).
    pub fn operation(&self, id: &str) -> Option<&'static Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The JSON Schema of the type `name`.
    pub fn schema(&self, name: &str) -> Option<&'static str> {
        self.schemas
            .iter()
            .find(|(type_name, _)| *type_name == name)
            .map(|(_, schema)| *schema)
    }
}

/// How the API authenticates requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// None is required.
    None,
    /// Zephr's request signing: an access key and a secret key.
    ZephrHmac,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// An API key in this header.
    ApiKey(&'static str),
    /// A scheme the generator does not know: requests go unsigned unless a proxy signs them.
    Other,
}

/// A variable of the server URL (`{tenantId}`).
#[derive(Debug)]
pub struct Variable {
    pub name: &'static str,
    /// Its flag, without dashes (`tenant-id`), and a shorter one, when the name ends in `Id`
    /// (`tenant`).
    pub flag: &'static str,
    pub short_flag: Option<&'static str>,
    pub default: &'static str,
    pub allowed: &'static [&'static str],
    pub description: &'static str,
}

/// A group of operations (a tag of the spec): a subcommand.
#[derive(Debug)]
pub struct Group {
    /// As the client names it (`users`, `account_user`).
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

/// One operation.
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`, or the method's name when it has none.
    pub id: &'static str,
    /// The client's group accessor and method (`users`, `create_user`).
    pub group: &'static str,
    pub name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub deprecated: bool,
    /// In call order: path parameters as they appear, then the other required ones, then the
    /// optional ones.
    pub params: &'static [Param],
    pub body: Option<Body>,
    pub output: Output,
    /// Whether `Mode::All` can page through it.
    pub paginated: bool,
    /// The documented statuses and what each means.
    pub statuses: &'static [(&'static str, &'static str)],
    /// Arguments built from the spec's examples (a JSON object, as a front end takes them),
    /// for the help's example.
    pub example: Option<&'static str>,
    /// The overlay's `x-codegen: {mcp: …}` for it.
    pub mcp: McpOperation,
}

impl Operation {
    /// Whether the operation changes nothing (`GET`, `HEAD`, `OPTIONS`): what an MCP server
    /// mounts by default.
    pub fn is_read_only(&self) -> bool {
        matches!(self.method, "GET" | "HEAD" | "OPTIONS")
    }

    /// Whether the method says that repeating it changes nothing more.
    pub fn is_idempotent(&self) -> bool {
        !matches!(self.method, "POST" | "PATCH")
    }

    pub fn is_delete(&self) -> bool {
        self.method == "DELETE"
    }

    /// The parameter of this key.
    pub fn param(&self, key: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.key == key)
    }
}

/// A parameter.
#[derive(Debug)]
pub struct Param {
    /// As the client's setter or argument names it (`user_id`, `type` for `r#type`).
    pub name: &'static str,
    /// As the spec names it on the wire (`userId`, `foreign[system]`).
    pub wire: &'static str,
    /// What the front ends call it: its wire name, unless another parameter of the operation
    /// has that name too (in another location) or it is `body`; then `<location>.<wire>`.
    pub key: &'static str,
    pub location: Location,
    pub required: bool,
    pub kind: Kind,
    /// The JSON Schema of its value (types by reference: `#/$defs/<name>`, in [`Api::schemas`]).
    pub schema: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// What a value is, as far as a front end checks it before the typed dispatch does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A list of these.
    List(&'static Kind),
    /// Any JSON (an object the spec passes in a query, say).
    Json,
}

impl Kind {
    /// The JSON Schema of a value of this kind.
    pub fn schema(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Kind::String => json!({"type": "string"}),
            Kind::Integer => json!({"type": "integer"}),
            Kind::Number => json!({"type": "number"}),
            Kind::Boolean => json!({"type": "boolean"}),
            Kind::Enum(values) => json!({"type": "string", "enum": values}),
            Kind::List(item) => json!({"type": "array", "items": item.schema()}),
            Kind::Json => json!({}),
        }
    }

    /// How the kind reads in help (`integer`, `one of a, b`).
    pub fn describe(self) -> String {
        match self {
            Kind::String => "text".to_owned(),
            Kind::Integer => "integer".to_owned(),
            Kind::Number => "number".to_owned(),
            Kind::Boolean => "true or false".to_owned(),
            Kind::Enum(values) => format!("one of {}", values.join(", ")),
            Kind::List(item) => format!("list of {}", item.describe()),
            Kind::Json => "JSON".to_owned(),
        }
    }
}

/// A request body.
#[derive(Debug)]
pub struct Body {
    pub required: bool,
    pub media_type: &'static str,
    pub kind: BodyKind,
    /// The Rust type of a typed body, when it is a named one.
    pub type_name: Option<&'static str>,
    /// The body's JSON Schema (types by reference, in [`Api::schemas`]).
    pub schema: &'static str,
    /// Its top-level scalar properties: a flag each on the command line.
    pub fields: &'static [Field],
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    /// `multipart/form-data`: its file parts are files the command line reads.
    Multipart,
    /// Bytes sent as they are.
    Bytes,
}

/// A top-level property of a body.
#[derive(Debug)]
pub struct Field {
    pub wire: &'static str,
    pub required: bool,
    pub kind: Kind,
    pub description: &'static str,
}

/// What a successful call gives.
#[derive(Debug)]
pub struct Output {
    pub kind: OutputKind,
    /// The Rust type of a JSON body (its schema is in [`Api::schemas`]), when it is a named one.
    pub type_name: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// No body.
    Empty,
    Json,
    /// Bytes (a file, text): streamed on request.
    Bytes,
    /// A `text/event-stream` of events.
    Events,
}

/// What an MCP server mounts by default (the crate's settings).
#[derive(Debug, Clone, Copy, Default)]
pub struct McpDefaults {
    /// Tags whose operations are listed (empty: all).
    pub tags: &'static [&'static str],
    /// Whether operations that change something are listed.
    pub allow_writes: bool,
    /// Whether `DELETE` operations are listed (with `allow_writes`).
    pub allow_deletes: bool,
}

/// An overlay's `x-codegen: {mcp: …}` for one operation.
#[derive(Debug, Clone, Copy, Default)]
pub struct McpOperation {
    /// Never listed.
    pub disabled: bool,
    /// The tool's name instead of the operation's.
    pub name: Option<&'static str>,
    /// Listed even when writes are not allowed (the overlay says it is safe).
    pub allow: bool,
}
