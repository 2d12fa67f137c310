//! `src/client.rs` (the client, its API-specific builder setters, the tag accessors) and
//! `src/lib.rs` (modules, re-exports, crate docs).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Options;
use super::support::docs;
use super::support::rust::ident;
use crate::ir::{Api, Auth, Doc, Method, Operation};

pub(crate) fn client_file(api: &Api) -> TokenStream {
    let accessors = api.groups.iter().enumerate().map(|(i, g)| {
        let cfg = super::support::features::group_cfg(api, i);
        let accessor = ident(&g.accessor);
        let module = ident(&g.module);
        let struct_name = ident(&g.struct_name);
        let mut lines = vec![format!("`{}` operations.", g.tag)];
        if let Some(doc) = &g.doc {
            lines.push(String::new());
            lines.extend(docs::markdown(doc));
        }
        let doc = docs::lines_to_attrs(&lines);
        quote! {
            #doc
            #cfg
            pub fn #accessor(&self) -> crate::apis::#module::#struct_name<'_> {
                crate::apis::#module::#struct_name { client: self }
            }
        }
    });
    let (server_const, server_arg) = match &api.server {
        Some(server) => {
            let url = &server.url;
            let mut lines = vec![format!("The server of the spec: `{url}`.")];
            if let Some(description) = &server.description {
                lines.push(String::new());
                lines.extend(docs::markdown(description));
            }
            let doc = docs::lines_to_attrs(&lines);
            let variables = server.variables.iter().map(|v| {
                let name = &v.wire_name;
                // As it is written in a call (`.r#type(…)`), for the error that names it.
                let setter = v.rust_name.as_str();
                let default = &v.default;
                let allowed = &v.allowed;
                quote!(ServerVariable { name: #name, setter: #setter, default: #default, allowed: &[#(#allowed),*] })
            });
            (
                Some(quote! {
                    #doc
                    pub const SERVER_URL: &str = #url;

                    const SERVER: Server = Server { url: SERVER_URL, variables: &[#(#variables),*] };
                }),
                quote!(Some(&SERVER)),
            )
        }
        None => (None, quote!(None)),
    };
    let variable_setters = api.server.iter().flat_map(|s| &s.variables).map(|v| {
        let setter = ident(&v.rust_name);
        let name = &v.wire_name;
        let mut lines = vec![format!(
            "Sets the server variable {}. Required unless `base_url` is set: the spec's default ({}) is used only after [`default_server_variables`](ClientBuilder::default_server_variables).",
            crate::text::markdown_code(&v.wire_name),
            crate::text::markdown_code(&v.default)
        )];
        if let Some(description) = &v.description {
            lines.push(String::new());
            lines.extend(docs::markdown(description));
        }
        if !v.allowed.is_empty() {
            lines.push(String::new());
            lines.push(format!("One of: {}.", v.allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")));
        }
        let doc = docs::lines_to_attrs(&lines);
        quote! {
            #doc
            pub fn #setter(mut self, value: impl Into<String>) -> Self {
                self.config.set_variable(#name, value.into());
                self
            }
        }
    });
    let credentials = credentials_setter(&api.auth);
    let builder_use = match &api.server {
        Some(server) if !server.variables.is_empty() => quote!(
            use crate::builder::{ApiInfo, Server, ServerVariable};
        ),
        Some(_) => quote!(
            use crate::builder::{ApiInfo, Server};
        ),
        None => quote!(
            use crate::builder::ApiInfo;
        ),
    };
    let signer_required = !matches!(api.auth, Auth::None);
    let client_doc = format!(
        " A client of the {} API. Cloning is cheap (clones share one connection pool); it is `Send` and `Sync`.",
        crate::text::markdown_text(&api.title)
    );
    quote! {
        //! The client: where requests go, how they are signed, and the entry points to the
        //! operations (one accessor per tag).

        use std::sync::Arc;

        #builder_use
        use crate::error::BuildError;
        use crate::transport::Transport;

        #server_const

        runtime::client_builder!();

        /// What the runtime needs to know about this API to build a client.
        const API: ApiInfo = ApiInfo { server: #server_arg, signer_required: #signer_required, user_agent: crate::USER_AGENT };

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: Arc<Transport>,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The URL every request path is appended to, as it may be shown: a user name and
            /// password in it read `***` (they are still sent).
            pub fn base_url(&self) -> &str {
                self.transport.shown_base_url()
            }

            /// A request to a path the spec does not describe (or describes wrongly), signed,
            /// retried and bounded like every operation: `client.request(Method::GET,
            /// "/v3/new-endpoint").query("a", 1).send_json::<T>().await`. The path is sent as
            /// given (it must start with `/`; percent-encode what needs it).
            pub fn request(&self, method: reqwest::Method, path: impl Into<String>) -> crate::RawRequest {
                crate::RawRequest::new(&self.transport, method, path.into())
            }

            /// Where responses departed from the spec since the client was built (shared by its
            /// clones): counts by operation, status, kind and place, never a value. Each new place
            /// is also a `tracing` event at WARN.
            pub fn drift_report(&self) -> crate::DriftReport {
                self.transport.drift_report()
            }

            pub(crate) fn transport(&self) -> &Arc<Transport> {
                &self.transport
            }

            #(#accessors)*
        }

        impl ClientBuilder {
            #(#variable_setters)*
            #credentials

            /// Builds the client.
            pub fn build(self) -> Result<Client, BuildError> {
                let transport = self.config.build_transport(&API)?;
                Ok(Client { transport: Arc::new(transport) })
            }
        }
    }
}

fn credentials_setter(auth: &Auth) -> Option<TokenStream> {
    match auth {
        Auth::ZephrHmac { scheme } => {
            let doc = format!(
                " Signs every request with this key pair (security scheme `{scheme}`, see [`ZephrHmacSigner`](crate::ZephrHmacSigner))."
            );
            Some(quote! {
                #[doc = #doc]
                pub fn credentials(self, access_key: impl Into<String>, secret_key: impl Into<crate::SecretString>) -> Self {
                    self.signer(crate::ZephrHmacSigner::new(access_key, secret_key))
                }
            })
        }
        Auth::Bearer { scheme } => {
            let doc =
                format!(" Sends `Authorization: Bearer <token>` (security scheme `{scheme}`).");
            Some(quote! {
                #[doc = #doc]
                pub fn bearer_token(self, token: impl Into<crate::SecretString>) -> Self {
                    self.signer(crate::BearerToken::new(token))
                }
            })
        }
        Auth::ApiKeyHeader { scheme, header } if valid_header_name(header) => {
            let doc = format!(
                " Sends the API key in the `{header}` header (security scheme `{scheme}`)."
            );
            let header = header.to_ascii_lowercase();
            Some(quote! {
                #[doc = #doc]
                pub fn api_key(self, key: impl Into<crate::SecretString>) -> Self {
                    self.signer(crate::ApiKey::from_static(#header, key))
                }
            })
        }
        Auth::ApiKeyHeader { .. } | Auth::Custom { .. } | Auth::None => None,
    }
}

pub(super) fn valid_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub(crate) fn lib_file(api: &Api, options: &Options) -> TokenStream {
    let zephr = super::uses_zephr_hmac(api);
    // The runtime's modules the generated code refers to (as `crate::request::…`), each
    // imported once here.
    let runtime_mods = super::runtime::modules(api)
        .into_iter()
        .map(|(module, feature)| {
            let module = format_ident!("{}", module);
            let cfg = feature.map(|feature| quote!(#[cfg(feature = #feature)]));
            quote!(#cfg use runtime::#module;)
        });
    let paginate = super::paginates(api);
    let paginate_use = paginate.then(|| {
        quote!(
            pub use runtime::{Items, Pages, Paginated, DEFAULT_MAX_PAGES};
        )
    });
    let stream_use = super::runtime::has_streams(api).then(|| {
        quote!(
            pub use runtime::{ByteStream, StreamFuture, DEFAULT_MAX_STREAM_BYTES};
        )
    });
    let multipart_use = super::runtime::has_multipart(api).then(|| {
        quote!(
            pub use runtime::FilePart;
        )
    });
    let events_use = super::runtime::has_events(api).then(|| {
        quote!(
            pub use runtime::{Event, EventStream, EventsFuture};
        )
    });
    let zephr_use = zephr.then(|| {
        quote!(
            pub use runtime::ZephrHmacSigner;
        )
    });
    let server_use = api.server.is_some().then(|| {
        quote!(
            pub use client::SERVER_URL;
        )
    });
    let title = &api.title;
    let version = &api.version;
    let sha = &api.spec_sha256;
    let overlay = match &api.overlay_sha256 {
        Some(sha) => quote!(Some(#sha)),
        None => quote!(None),
    };
    let doc = docs::lines_to_inner_attrs(&crate_doc(api, options));
    let table = operations_table(api);
    let op_count = proc_macro2::Literal::usize_unsuffixed(api.operations.len());
    let user_agent = user_agent(api, options);
    // A spec without operations still gets a client, but nothing sends requests through it.
    let no_operations = api
        .operations
        .is_empty()
        .then(|| quote!(#![allow(dead_code)]));
    // Built with some tag features only, runtime helpers that only the other tags' operations
    // use are unused; that is expected, not a defect worth a warning in the user's build.
    let all = crate::ir::ALL_FEATURE;
    quote! {
        #doc
        #table
        #![forbid(unsafe_code)]
        #no_operations
        #![cfg_attr(not(feature = #all), allow(dead_code, unused_imports, unused_macros))]
        // Doc comments carry the spec's prose as written; clippy's Markdown style lints are
        // about hand-written docs.
        #![allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items)]

        pub mod apis;
        /// The operations as data and their typed dispatch, which the command line and the MCP
        /// server are built on.
        #[cfg(feature = "cli")]
        pub mod operations;
        #[cfg(feature = "testing")]
        pub mod testing;
        pub mod types;

        mod client;
        #(#runtime_mods)*

        pub use client::{Client, ClientBuilder};
        #server_use
        pub use runtime::{
            decode_with_drift, http_client_builder, nonce, ApiKey, BearerToken, BuildError, DecodeError, Drift, DriftEntry,
            DriftError, DriftKind, DriftReport, Error, FullResponseFuture, InvalidRequestError,
            PaginationError, PaginationProblem, RawBody, RawRequest, RedirectPolicy, RequestSigner, Response,
            ResponseFuture, ResponseInfo, RetryPolicy, SecretString, SignableRequest, SigningError,
            StatusError, TransportError, TransportErrorKind, DEFAULT_CONNECT_TIMEOUT,
            DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
        };
        #paginate_use
        #stream_use
        #events_use
        #multipart_use
        #zephr_use

        /// The HTTP client this crate is built on, for [`ClientBuilder::http_client`] (build one
        /// from [`http_client_builder`], which sets up this crate's TLS), and its `Method`,
        /// `StatusCode` and `HeaderMap`, which errors and responses use.
        pub use runtime::reqwest;
        /// The JSON library of the models: free-form values are `serde_json::Value` and
        /// `serde_json::Map`, usable without a dependency of your own.
        pub use runtime::serde_json;
        /// The byte buffers of raw bodies (`Bytes`).
        pub use runtime::bytes;

        /// The spec's `info.title`.
        pub const SPEC_TITLE: &str = #title;
        /// The spec's `info.version`.
        pub const SPEC_VERSION: &str = #version;
        /// SHA-256 of the spec file this crate was generated from.
        pub const SPEC_SHA256: &str = #sha;
        /// SHA-256 of the overlay (the reviewed corrections) applied to the spec, if any.
        pub const OVERLAY_SHA256: Option<&str> = #overlay;
        /// How many operations the spec has (each is a method under [`apis`]).
        pub const OPERATION_COUNT: usize = #op_count;
        /// The `User-Agent` header sent by default: the crate, its version and the spec's.
        pub const USER_AGENT: &str = #user_agent;
    }
}

/// `name/version (spec VERSION; zephr-codegen)`, with the spec's version kept only when it is
/// made of characters a header value and a product token accept.
fn user_agent(api: &Api, options: &Options) -> String {
    let version_ok = !api.version.is_empty()
        && api.version.len() <= 64
        && api
            .version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b));
    let spec = if version_ok {
        format!("spec {}; ", api.version)
    } else {
        String::new()
    };
    format!(
        "{}/{} ({spec}zephr-codegen)",
        options.crate_name, options.crate_version
    )
}

/// The operation used in usage examples: a GET without required arguments if there is one.
pub(crate) fn example_operation(api: &Api) -> Option<&Operation> {
    api.operations
        .iter()
        .filter(|op| takes_no_arguments(op))
        .find(|op| op.method == Method::Get)
        .or_else(|| api.operations.iter().find(|op| takes_no_arguments(op)))
}

/// Whether `op` can be called as `client.<group>().<operation>()`, with nothing required.
fn takes_no_arguments(op: &Operation) -> bool {
    op.params.iter().all(|p| !p.required) && op.body.as_ref().is_none_or(|b| !b.required)
}

/// Rust code that builds a client (and calls an operation, if one fits), as in the docs.
pub(crate) fn usage_example(api: &Api, crate_ident: &str) -> Vec<String> {
    let mut lines = vec![format!("let client = {crate_ident}::Client::builder()")];
    if let Some(server) = &api.server {
        for v in &server.variables {
            lines.push(format!(
                "    .{}({})",
                v.rust_name,
                crate::text::rust_str_source(&v.default)
            ));
        }
    } else {
        lines.push("    .base_url(\"https://api.example.com\")".to_owned());
    }
    match &api.auth {
        Auth::ZephrHmac { .. } => {
            lines.push("    .credentials(\"ACCESS_KEY\", \"SECRET_KEY\")".to_owned())
        }
        Auth::Bearer { .. } => lines.push("    .bearer_token(\"TOKEN\")".to_owned()),
        Auth::ApiKeyHeader { header, .. } if valid_header_name(header) => {
            lines.push("    .api_key(\"KEY\")".to_owned())
        }
        Auth::None => {}
        _ => lines.push("    .without_signing()".to_owned()),
    }
    lines.push("    .build()?;".to_owned());
    if let Some(op) = example_operation(api) {
        let group = &api.groups[op.group];
        lines.push(format!(
            "let response = client.{}().{}().await?;",
            group.accessor, op.method_name
        ));
        lines.push("println!(\"{response:?}\");".to_owned());
    }
    lines
}

fn crate_doc(api: &Api, options: &Options) -> Vec<String> {
    let crate_ident = options.crate_name.replace('-', "_");
    let mut paragraphs = vec![
        vec![format!(
            "# {} client",
            crate::text::markdown_text(&api.title)
        )],
        vec![format!(
            "A typed client for the {} API, generated from its OpenAPI description (version {}). {} operations in {} groups: reach them from a [`Client`] as `client.<group>().<operation>(…)`, each returning a request builder that you `.await`.",
            crate::text::markdown_text(&api.title),
            crate::text::markdown_code(&api.version),
            api.operations.len(),
            api.groups.len()
        )],
    ];
    if api.groups.iter().any(|g| g.from_path) {
        paragraphs.push(vec![
            "The spec tags none of its operations, so they are grouped by the first segment of their path after any version prefix: `/v1/customers/{id}` is under `client.customers()`.".to_owned(),
        ]);
    }
    if let Some(description) = &api.description {
        paragraphs.push(docs::lines(&Doc {
            description: Some(description.clone()),
            ..Doc::default()
        }));
    }
    let mut usage = vec![
        "# Usage".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {".to_owned(),
    ];
    usage.extend(usage_example(api, &crate_ident));
    usage.push("# Ok(())".to_owned());
    usage.push("# }".to_owned());
    usage.push("```".to_owned());
    paragraphs.push(usage);
    paragraphs.push(vec![
        "Every request is signed by the configured [`RequestSigner`] just before it is sent (and again for each retry). Failures are [`Error`]s that keep the status, headers and raw body of the response.".to_owned(),
    ]);
    paragraphs.extend(guide_sections(api, options, &crate_ident));
    docs::join_paragraphs(paragraphs)
}

/// What a consumer needs beyond the first call, each with an example rustdoc compiles: testing
/// without the real API, drift and strict mode, pagination, and the command line.
fn guide_sections(api: &Api, options: &Options, crate_ident: &str) -> Vec<Vec<String>> {
    let call = example_operation(api).map(|op| {
        let group = &api.groups[op.group];
        format!("client.{}().{}()", group.accessor, op.method_name)
    });
    let mut testing = vec![
        "# Testing".to_owned(),
        String::new(),
        "With the `testing` feature (for `[dev-dependencies]`), `testing::TestServer` is this API on a loopback port, in the test's process: it checks each request as the API would, answers each operation with what a test stubs or with the spec's example, and records what was sent. No account or network is needed.".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        "# #[cfg(feature = \"testing\")]".to_owned(),
        format!("# async fn test() -> Result<(), {crate_ident}::Error> {{"),
        format!("let server = {crate_ident}::testing::TestServer::start().await;"),
        "let client = server.client(); // pointed at the server, with credentials it accepts".to_owned(),
    ];
    if let Some(call) = &call {
        testing.push(format!(
            "let response = {call}.await?; // the spec's example, unless stubbed"
        ));
    }
    testing.extend(["# Ok(())".to_owned(), "# }".to_owned(), "```".to_owned()]);

    let drift = vec![
        "# Drift and strict mode".to_owned(),
        String::new(),
        "A response that departs from the spec (a property it does not declare, a missing required one, an enum value it does not list, a status it does not document) is still decoded, its unknown data kept, and noted as drift: the operation, the status, a JSON pointer and the kind, never the value. [`Client::drift_report`] counts every place; with the `tracing` feature each new place is logged once. `.strict(true)` on the builder (or on one request) makes drift an [`Error`]: for tests, so they fail the day the API changes.".to_owned(),
        String::new(),
        "```no_run".to_owned(),
        format!("# fn report(client: &{crate_ident}::Client) {{"),
        "for entry in client.drift_report().entries() {".to_owned(),
        "    println!(\"{} {} {} {}\", entry.operation(), entry.status(), entry.kind(), entry.pointer());".to_owned(),
        "}".to_owned(),
        "# }".to_owned(),
        "```".to_owned(),
    ];

    let mut sections = vec![testing, drift];
    if let Some(op) = api
        .operations
        .iter()
        .find(|op| takes_no_arguments(op) && op.pagination.is_some())
    {
        let group = &api.groups[op.group];
        sections.push(vec![
            "# Pagination".to_owned(),
            String::new(),
            "Operations that return one page of a longer list have `.pages()` and `.items()`: streams that request the next page as they are read (each request signed and retried), and stop where each operation's docs say; a server that sends the same cursor back, or more than `max_pages` pages, ends them with an error.".to_owned(),
            String::new(),
            "```no_run".to_owned(),
            format!("# async fn all(client: &{crate_ident}::Client) -> Result<(), {crate_ident}::Error> {{"),
            format!("let mut items = client.{}().{}().items();", group.accessor, op.method_name),
            "while let Some(item) = items.next().await {".to_owned(),
            "    let item = item?;".to_owned(),
            "}".to_owned(),
            "# Ok(())".to_owned(),
            "# }".to_owned(),
            "```".to_owned(),
        ]);
    }
    sections.push(vec![
        "# From the shell and for assistants".to_owned(),
        String::new(),
        format!(
            "The `cli` feature builds `{}`, every operation as a command (`cargo install --path . --features cli`, then `{} --help`), signed as this crate signs; the `mcp` feature adds `{} mcp`, a Model Context Protocol server whose tools are the operations (read-only unless allowed).",
            options.cli_name(),
            options.cli_name(),
            options.cli_name()
        ),
    ]);
    sections
}

/// Every operation by path and method, linked to its method: the index a reader (or the page's
/// search) looks for with a path from the API's documentation in hand; rustdoc's own search
/// finds methods by path and `operationId` too (doc aliases). Two narrow columns, so it fits the
/// page. The links are to the methods' pages (plain links rustdoc does not resolve), so one row
/// serves whichever tag features are on; a method compiled out leaves a dead link, not a
/// broken-link warning.
fn operations_table(api: &Api) -> TokenStream {
    if api.operations.is_empty() {
        return TokenStream::new();
    }
    let mut lines = vec![
        String::new(),
        "# Operations".to_owned(),
        String::new(),
        "| Path | Method |".to_owned(),
        "| --- | --- |".to_owned(),
    ];
    let mut operations: Vec<&Operation> = api.operations.iter().collect();
    operations.sort_by(|a, b| (&a.path, a.method).cmp(&(&b.path, b.method)));
    lines.extend(operations.into_iter().map(|op| table_row(api, op)));
    docs::lines_to_inner_attrs(&lines)
}

/// One row of the operations table: `| /v3/users/{user_id} | GET [users().get_user()](…) |`.
///
/// The link is to the method's HTML page, not an intra-doc link: each tag's module is behind its
/// Cargo feature, and an intra-doc link to a module that a dependent's features leave out is a
/// broken-link warning in their `cargo doc`.
fn table_row(api: &Api, op: &Operation) -> String {
    let group = &api.groups[op.group];
    let accessor = crate::names::unraw(&group.accessor);
    let method = crate::names::unraw(&op.method_name);
    let page = format!(
        "apis/{}/struct.{}.html#method.{method}",
        crate::names::unraw(&group.module),
        group.struct_name
    );
    let path = crate::text::markdown_code_cell(&op.path);
    format!(
        "| {path} | {} [`{accessor}().{method}()`]({page}) |",
        op.method
    )
}
