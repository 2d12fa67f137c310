//! `src/operations.rs` (features `cli` and `mcp`): the operations as data and their typed
//! dispatch, which the command line and the MCP server of the runtime are built on; and
//! `src/main.rs`, the binary.
//!
//! The table is plain data (`runtime::table`): names, parameters with their wire names and
//! kinds, bodies, outputs, statuses, an example, the JSON Schema of every type. The dispatch is
//! one function per operation that reads each argument into the type the client's builder takes
//! and makes the call, so a value is checked by the same types as in Rust code.

mod fields;
mod schema;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::operations::{param_type, wire};
use super::support::rust::{self, TypesPath, ident};
use crate::ir::{Api, Auth, BodyKind, Operation, Param, ParamLocation, ParamType, TypeRef};
use crate::options::Options;

/// The longest description a table entry carries; the command line shows it in `--help`.
const MAX_DESCRIPTION: usize = 2_000;

/// `src/operations.rs`.
pub(crate) fn operations_file(api: &Api, options: &Options) -> TokenStream {
    let name = wire(&options.cli_name());
    let title = wire(&api.title);
    let version = wire(&api.version);
    let crate_name = wire(&options.crate_name);
    let crate_version = wire(&options.crate_version);
    let prefix = wire(&options.env_prefix());
    let auth = match &api.auth {
        Auth::None => quote!(Auth::None),
        Auth::ZephrHmac { .. } => quote!(Auth::ZephrHmac),
        Auth::Bearer { .. } => quote!(Auth::Bearer),
        Auth::ApiKeyHeader { header, .. } if super::client::valid_header_name(header) => {
            let header = wire(&header.to_ascii_lowercase());
            quote!(Auth::ApiKey(#header))
        }
        Auth::ApiKeyHeader { .. } | Auth::Custom { .. } => quote!(Auth::Other),
    };
    let server = match &api.server {
        Some(server) => {
            let url = wire(&server.url);
            quote!(Some(#url))
        }
        None => quote!(None),
    };
    let variables = api.server.iter().flat_map(|s| &s.variables).map(|v| {
        let name = wire(&v.wire_name);
        let flag = crate::names::unraw(&v.rust_name).replace('_', "-");
        let short = flag
            .strip_suffix("-id")
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let short = match short {
            Some(short) => {
                let short = wire(&short);
                quote!(Some(#short))
            }
            None => quote!(None),
        };
        let flag = wire(&flag);
        let default = wire(&v.default);
        let allowed = v.allowed.iter().map(|a| wire(a));
        let description = wire(&schema::bounded(
            v.description.as_deref().unwrap_or(""),
            MAX_DESCRIPTION,
        ));
        quote! {
            Variable { name: #name, flag: #flag, short_flag: #short, default: #default, allowed: &[#(#allowed),*], description: #description }
        }
    });
    let groups = api.groups.iter().map(|g| {
        let name = wire(crate::names::unraw(&g.accessor));
        let title = wire(&g.tag);
        let description = wire(&schema::bounded(
            g.doc.as_deref().unwrap_or(""),
            MAX_DESCRIPTION,
        ));
        quote!(Group { name: #name, title: #title, description: #description })
    });
    let body_fields = fields::BodyFields::collect(api);
    let operations = api
        .operations
        .iter()
        .map(|op| table_entry(api, op, &body_fields));
    let reached = schema::reached(api, &api.operations);
    let schemas = reached.iter().map(|&id| {
        let name = wire(&api.ty(id).name);
        let text = wire(&schema::definition(api, id).to_string());
        quote!((#name, #text))
    });
    let arms = api.operations.iter().map(|op| {
        let id = wire(&operation_id(op));
        let function = dispatch_name(op);
        quote!(#id => #function(client, args, mode))
    });
    let functions: Vec<TokenStream> = api.operations.iter().map(|op| dispatch(api, op)).collect();
    let unknown = quote!(Err(CallError::Argument {
        name: operation.id.to_owned(),
        message: "is not an operation of this API".to_owned()
    }));
    let call_function = if api.operations.is_empty() {
        quote! {
            fn call(_client: &crate::Client, operation: &'static Operation, _args: Args, _mode: Mode) -> Result<Call, CallError> {
                #unknown
            }
        }
    } else {
        quote! {
            fn call(client: &crate::Client, operation: &'static Operation, args: Args, mode: Mode) -> Result<Call, CallError> {
                match operation.id {
                    #(#arms,)*
                    _ => #unknown,
                }
            }
        }
    };
    let operations: Vec<TokenStream> = operations.collect();
    let variables: Vec<TokenStream> = variables.collect();
    let groups: Vec<TokenStream> = groups.collect();
    let mcp = mcp_defaults(options);
    // Each name imported where the file uses it, and only then (a spec without bodies has no
    // `Body`, one without types no `types`).
    let field_consts = &body_fields.consts;
    let table_text =
        quote!(#(#operations)* #(#variables)* #(#groups)* #(#field_consts)*).to_string();
    let used = |name: &str| {
        table_text
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|word| word == name)
    };
    let mut imported: Vec<proc_macro2::Ident> = ["Api", "Auth", "McpDefaults", "Operation"]
        .into_iter()
        .chain(
            [
                "Body",
                "BodyKind",
                "Field",
                "Group",
                "Kind",
                "Location",
                "McpOperation",
                "Output",
                "OutputKind",
                "Param",
                "Variable",
            ]
            .into_iter()
            .filter(|name| used(name)),
        )
        .map(ident)
        .collect();
    imported.sort();
    let types_import = rust::types_import(&quote!(#(#functions)*));
    quote! {
        //! The operations as data, and their typed dispatch: what the command line (feature
        //! `cli`) and the MCP server (feature `mcp`) are built on. Each operation's arguments are
        //! read into the types its builder takes, so a value is checked as in Rust code before
        //! anything is sent.

        // Deprecated operations and parameters stay callable from the front ends (their help
        // says they are deprecated), as from Rust code.
        #![allow(deprecated)]

        use runtime::dispatch::{Args, Call, CallError, Mode};
        use runtime::table::{#(#imported),*};

        #types_import

        /// The API as the command line and the MCP server see it.
        pub static API: Api<crate::Client> = Api {
            name: #name,
            title: #title,
            spec_version: #version,
            crate_name: #crate_name,
            crate_version: #crate_version,
            env_prefix: #prefix,
            auth: #auth,
            server: #server,
            variables: &[#(#variables),*],
            groups: &[#(#groups),*],
            operations: OPERATIONS,
            schemas: SCHEMAS,
            mcp: #mcp,
            connect,
            call,
            request,
            drift,
            test_server: &crate::testing::SPEC,
        };

        /// Every operation, in the spec's order.
        static OPERATIONS: &[Operation] = &[#(#operations),*];

        #(#field_consts)*

        /// The JSON Schema of every type an operation names.
        static SCHEMAS: &[(&str, &str)] = &[#(#schemas),*];

        /// Runs the command line (`src/main.rs` is this): every operation from the shell, signed.
        pub fn main() -> std::process::ExitCode {
            runtime::cli::main(&API)
        }

        fn connect(config: runtime::builder::Config) -> Result<crate::Client, crate::BuildError> {
            crate::ClientBuilder::from_config(config).build()
        }

        fn request(client: &crate::Client, method: reqwest::Method, path: String) -> crate::RawRequest {
            client.request(method, path)
        }

        fn drift(client: &crate::Client) -> crate::DriftReport {
            client.drift_report()
        }

        #call_function

        #(#functions)*
    }
}

/// `src/main.rs`: the command line (and, with `mcp`, the MCP server).
pub(crate) fn main_file(options: &Options) -> TokenStream {
    let krate = ident(&options.crate_name.replace('-', "_"));
    quote! {
        //! The command line of the API: every operation from the shell, signed (`--help`).

        fn main() -> std::process::ExitCode {
            #krate::operations::main()
        }
    }
}

/// `tests/cli.rs` (feature `cli`): every operation called from the command line, against the
/// test server, which checks the signature and records what arrived; each request is compared
/// with what the arguments said.
pub(crate) fn cli_test_file(options: &Options) -> TokenStream {
    let krate = ident(&options.crate_name.replace('-', "_"));
    let bin = format!("CARGO_BIN_EXE_{}", options.cli_name());
    quote! {
        //! Every operation from the command line, with every parameter set, against the test
        //! server (which checks each signature): the request that arrived is compared with what
        //! the arguments said.
        #![cfg(feature = "cli")]

        #[tokio::test(flavor = "multi_thread")]
        async fn every_operation_from_the_command_line() {
            let checked = runtime::cli::check::every_operation(
                &#krate::operations::API,
                std::path::Path::new(env!(#bin)),
            )
            .await;
            if let Err(failures) = checked {
                panic!("{failures}");
            }
        }
    }
}

/// The name the client and the server give the operation.
fn operation_id(op: &Operation) -> String {
    op.operation_id
        .clone()
        .unwrap_or_else(|| crate::names::unraw(&op.method_name).to_owned())
}

fn dispatch_name(op: &Operation) -> proc_macro2::Ident {
    quote::format_ident!("call_{}", crate::names::unraw(&op.method_name))
}

fn mcp_defaults(options: &Options) -> TokenStream {
    let tags = options.mcp.tags.iter().map(|t| wire(t));
    let writes = options.mcp.allow_writes;
    let deletes = options.mcp.allow_deletes;
    quote!(McpDefaults { tags: &[#(#tags),*], allow_writes: #writes, allow_deletes: #deletes })
}

/// The kind of a parameter's value.
fn kind(api: &Api, ty: &TypeRef) -> TokenStream {
    match api.unalias(ty) {
        TypeRef::Bool => quote!(Kind::Boolean),
        TypeRef::I32 | TypeRef::I64 => quote!(Kind::Integer),
        TypeRef::F32 | TypeRef::F64 => quote!(Kind::Number),
        TypeRef::String | TypeRef::File => quote!(Kind::String),
        TypeRef::Vec(item) => {
            let item = kind(api, item);
            quote!(Kind::List(&#item))
        }
        TypeRef::Nullable(inner) => kind(api, inner),
        TypeRef::Named(id) => match &api.ty(*id).kind {
            crate::ir::TypeKind::Enum(e) => {
                let values = e.variants.iter().map(|v| wire(&v.wire));
                quote!(Kind::Enum(&[#(#values),*]))
            }
            _ => quote!(Kind::Json),
        },
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => quote!(Kind::Json),
    }
}

/// What the front ends call a parameter: its wire name, unless another parameter of the
/// operation has it too (in another location), or it is `body` (the body's key); then
/// `<location>.<wire>`.
fn param_key(op: &Operation, p: &Param) -> String {
    let shared = op
        .params
        .iter()
        .filter(|other| other.wire_name == p.wire_name)
        .count()
        > 1;
    if shared || p.wire_name == "body" {
        format!("{}.{}", p.location.as_str(), p.wire_name)
    } else {
        p.wire_name.clone()
    }
}

/// The JSON Schema of a parameter's value, as the front ends take it.
fn param_schema(api: &Api, p: &Param) -> Value {
    match &p.ty {
        ParamType::Scalar(ty) => schema::of(api, ty),
        ParamType::List { item, .. } => {
            serde_json::json!({"type": "array", "items": schema::of(api, item)})
        }
        ParamType::Encoded {
            documented,
            typed: Some(_),
        } => schema::of(api, documented),
        ParamType::Encoded { .. } => serde_json::json!({"type": "string"}),
    }
}

fn param_kind(api: &Api, p: &Param) -> TokenStream {
    match &p.ty {
        ParamType::Scalar(ty) => kind(api, ty),
        ParamType::List { item, .. } => {
            let item = kind(api, item);
            quote!(Kind::List(&#item))
        }
        ParamType::Encoded { typed: Some(_), .. } => quote!(Kind::Json),
        ParamType::Encoded { .. } => quote!(Kind::String),
    }
}

/// One `Operation { … }` of the table.
fn table_entry(api: &Api, op: &Operation, body_fields: &fields::BodyFields) -> TokenStream {
    let id = wire(&operation_id(op));
    let group = wire(crate::names::unraw(&api.groups[op.group].accessor));
    let name = wire(crate::names::unraw(&op.method_name));
    let method = wire(op.method.as_str());
    let path = wire(&op.path);
    let summary = wire(&schema::bounded(
        op.doc.summary.as_deref().unwrap_or(""),
        200,
    ));
    let description = wire(&schema::bounded(
        op.doc.description.as_deref().unwrap_or(""),
        MAX_DESCRIPTION,
    ));
    let deprecated = op.doc.deprecated;
    // Call order: the client method's arguments, then the optional parameters.
    let mut ordered: Vec<&Param> = op.arguments();
    ordered.extend(op.params.iter().filter(|p| !p.required));
    let params = ordered.iter().map(|p| {
        let name = wire(crate::names::unraw(&p.rust_name));
        let wire_name = wire(&p.wire_name);
        let key = wire(&param_key(op, p));
        let location = match p.location {
            ParamLocation::Path => quote!(Location::Path),
            ParamLocation::Query => quote!(Location::Query),
            ParamLocation::Header => quote!(Location::Header),
            ParamLocation::Cookie => quote!(Location::Cookie),
        };
        let required = p.required;
        let kind = param_kind(api, p);
        let value_schema = wire(&param_schema(api, p).to_string());
        let description = wire(&schema::description(&p.doc));
        quote!(Param { name: #name, wire: #wire_name, key: #key, location: #location, required: #required, kind: #kind, schema: #value_schema, description: #description })
    });
    let body = match &op.body {
        Some(b) => {
            let required = b.required;
            let media = wire(&b.media_type);
            let body_kind = match &b.kind {
                BodyKind::Json(_) => quote!(BodyKind::Json),
                BodyKind::Form(_) => quote!(BodyKind::Form),
                BodyKind::Multipart(_) => quote!(BodyKind::Multipart),
                BodyKind::Raw => quote!(BodyKind::Bytes),
            };
            let named = fields::body_type(api, op);
            let type_name = match named {
                Some(id) => {
                    let name = wire(&api.ty(id).name);
                    quote!(Some(#name))
                }
                None => quote!(None),
            };
            let body_schema = match b.kind.typed() {
                Some(ty) => schema::of(api, ty),
                None => serde_json::json!({"type": "string"}),
            };
            let body_schema = wire(&body_schema.to_string());
            let fields = body_fields.of(named);
            let description = wire(&schema::description(&b.doc));
            quote!(Some(Body { required: #required, media_type: #media, kind: #body_kind, type_name: #type_name, schema: #body_schema, fields: #fields, description: #description }))
        }
        None => quote!(None),
    };
    let output = output(api, op);
    let paginated = op.pagination.is_some();
    let statuses = op.success.iter().chain(&op.errors).map(|case| {
        let status = wire(&case.status.to_string());
        let said = wire(&schema::description(&case.doc));
        quote!((#status, #said))
    });
    let example = match example(api, op) {
        Some(text) => {
            let text = wire(&text);
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    let mcp = mcp_operation(op);
    quote! {
        Operation {
            id: #id, group: #group, name: #name, method: #method, path: #path,
            summary: #summary, description: #description, deprecated: #deprecated,
            params: &[#(#params),*], body: #body, output: #output, paginated: #paginated,
            statuses: &[#(#statuses),*], example: #example, mcp: #mcp,
        }
    }
}

/// Whether a body property is one a flag can give (a string, a number, a boolean, an enum).
fn is_scalar(api: &Api, ty: &TypeRef) -> bool {
    match api.unalias(ty) {
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::String => true,
        TypeRef::Nullable(inner) => is_scalar(api, inner),
        TypeRef::Named(id) => matches!(api.ty(*id).kind, crate::ir::TypeKind::Enum(_)),
        _ => false,
    }
}

fn output(api: &Api, op: &Operation) -> TokenStream {
    use crate::ir::ResponseBody;
    let first = op.success.first().map(|case| &case.body);
    let (kind, ty) = match first {
        _ if super::runtime::events(op).is_some() => (quote!(OutputKind::Events), None),
        None | Some(ResponseBody::Empty) => (quote!(OutputKind::Empty), None),
        Some(ResponseBody::Json(ty)) => (quote!(OutputKind::Json), Some(ty)),
        Some(ResponseBody::Raw { .. }) => (quote!(OutputKind::Bytes), None),
    };
    let schema = match ty.map(|ty| api.unalias(ty)) {
        Some(TypeRef::Named(id)) => {
            let name = wire(&api.ty(*id).name);
            quote!(Some(#name))
        }
        _ => quote!(None),
    };
    quote!(Output { kind: #kind, type_name: #schema })
}

/// The arguments a front end would give, from the spec's examples of the operation's
/// parameters and body (a JSON object by wire name), when it has any.
fn example(api: &Api, op: &Operation) -> Option<String> {
    let mut args = serde_json::Map::new();
    for p in &op.params {
        let prefix = format!("{}/", p.pointer);
        if let Some(e) = api.examples.iter().find(|e| e.pointer.starts_with(&prefix)) {
            args.insert(param_key(op, p), e.value.clone());
        }
    }
    if op.body.is_some() {
        let prefix = format!("{}/requestBody/", op.pointer);
        if let Some(e) = api.examples.iter().find(|e| e.pointer.starts_with(&prefix)) {
            args.insert("body".to_owned(), e.value.clone());
        }
    }
    let text = Value::Object(args).to_string();
    (text.len() > 2 && text.len() <= 2_000).then_some(text)
}

fn mcp_operation(op: &Operation) -> TokenStream {
    let settings = op.extensions.get("x-codegen").and_then(|x| x.get("mcp"));
    let flag = |key: &str| {
        settings
            .and_then(|s| s.get(key))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let disabled = flag("disabled");
    let allow = flag("allow");
    let name = match settings.and_then(|s| s.get("name")).and_then(Value::as_str) {
        Some(name) => {
            let name = wire(name);
            quote!(Some(#name))
        }
        None => quote!(None),
    };
    quote!(McpOperation { disabled: #disabled, name: #name, allow: #allow })
}

/// The typed dispatch of one operation.
fn dispatch(api: &Api, op: &Operation) -> TokenStream {
    let function = dispatch_name(op);
    let group = ident(&api.groups[op.group].accessor);
    let module = ident(&api.groups[op.group].module);
    let api_struct = ident(&api.groups[op.group].struct_name);
    let method = ident(&op.method_name);
    let mut arguments: Vec<TokenStream> = op
        .arguments()
        .into_iter()
        .map(|p| {
            let ty = read_type(api, p);
            let key = wire(&param_key(op, p));
            quote!(args.required::<#ty>(#key)?)
        })
        .collect();
    let body = op.body.as_ref();
    if let Some(b) = body.filter(|b| b.required) {
        arguments.push(match &b.kind {
            BodyKind::Raw => quote!(args.required_bytes()?),
            kind => {
                let ty = rust::ty(api, kind.typed().expect("a typed body"), TypesPath::Crate);
                quote!(args.required_body::<#ty>()?)
            }
        });
    }
    let optional = op.params.iter().filter(|p| !p.required).map(|p| {
        let ty = read_type(api, p);
        let key = wire(&param_key(op, p));
        let setter = ident(&p.rust_name);
        quote! {
            if let Some(value) = args.optional::<#ty>(#key)? {
                request = request.#setter(value);
            }
        }
    });
    let optional_body = body.filter(|b| !b.required).map(|b| match &b.kind {
        BodyKind::Raw => quote! {
            if let Some(bytes) = args.bytes() {
                request = request.body(bytes);
            }
        },
        kind => {
            let ty = rust::ty(api, kind.typed().expect("a typed body"), TypesPath::Crate);
            quote! {
                if let Some(body) = args.body::<#ty>()? {
                    request = request.body(body);
                }
            }
        }
    });
    let mutable =
        (op.params.iter().any(|p| !p.required) || optional_body.is_some()).then(|| quote!(mut));
    let mut modes = Vec::new();
    if op.pagination.is_some() {
        modes.push(quote!(Mode::All => Call::items(request.items()),));
    }
    if super::runtime::events(op).is_some() {
        modes.push(quote!(Mode::Stream => Call::events(request.send_events()),));
    } else if super::runtime::streams(op) {
        modes.push(quote!(Mode::Stream => Call::bytes(request.send_streaming()),));
    }
    let (mode, send) = if modes.is_empty() {
        (
            quote!(_mode),
            quote!(Call::respond(request.send_with_response())),
        )
    } else {
        (
            quote!(mode),
            quote! {
                match mode {
                    #(#modes)*
                    _ => Call::respond(request.send_with_response()),
                }
            },
        )
    };
    // Only a body of bytes is taken out of the arguments; the rest are read where they are.
    let reads =
        !arguments.is_empty() || optional_body.is_some() || op.params.iter().any(|p| !p.required);
    let args_mut = if matches!(body.map(|b| &b.kind), Some(BodyKind::Raw)) {
        quote!(mut args)
    } else if reads {
        quote!(args)
    } else {
        quote!(_args)
    };
    quote! {
        fn #function(client: &crate::Client, #args_mut: Args, #mode: Mode) -> Result<Call, CallError> {
            // Called by its path: a method named like a trait's (`into`) would otherwise be the
            // trait's.
            let #mutable request = crate::apis::#module::#api_struct::#method(&client.#group(), #(#arguments),*);
            #(#optional)*
            #optional_body
            Ok(#send)
        }
    }
}

/// The type an argument is read as: what the builder's argument or setter takes.
fn read_type(api: &Api, p: &Param) -> TokenStream {
    match &p.ty {
        ParamType::Encoded {
            documented,
            typed: Some(_),
        } if !p.required => rust::ty(api, documented, TypesPath::Crate),
        _ => param_type(api, p),
    }
}
