//! `src/testing/`: the test server of the generated crate (feature `testing`), typed after the
//! client: `server.users().get_user("u1").returns(user)` stubs what
//! `client.users().get_user("u1")` sends, and `server.received().users().create_user()` gives
//! back the bodies the code under test sent, as their request type.
//!
//! The engine (routing, credentials, stubs, recording, faults) is the runtime's
//! (`testing_server.rs` and its neighbours); what is generated is the spec's routes, each
//! operation's default answer (its documented example that the client decodes without drift,
//! else a minimal value of its type), and a stub builder per operation whose arguments and
//! setters are the client method's.
//!
//! This file writes `src/testing/mod.rs` and lays out each `src/testing/<group>.rs`; what goes in
//! them per operation has modules of its own: `stubs` (the stub methods and builders, which match
//! requests as the client sends them) and `answers` (what a stub or an unstubbed operation
//! answers with).

mod answers;
mod stubs;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use self::answers::default_answer;
use self::stubs::{stub_builder, stub_method};
use super::operations::{self as ops, wire};
use super::support::rust::{self, ident};
use crate::ir::{Api, Auth, BodyKind, Group, Operation};
use crate::text;

/// `src/testing/mod.rs`.
pub(crate) fn mod_file(api: &Api, options: &super::Options) -> TokenStream {
    let exceptions = &options.example_exceptions;
    let routes = api.operations.iter().map(|op| {
        let id = wire(&operation_id(op));
        let method = op.method.as_str();
        let path = wire(&op.path);
        let signed = op.signed;
        quote!(crate::testing_server::Route { operation: #id, method: #method, path: #path, signed: #signed })
    });
    let examples = api.operations.iter().filter_map(|op| {
        let (status, body) = default_answer(api, op, exceptions)?;
        let id = wire(&operation_id(op));
        let body = text::rust_str(&body);
        Some(
            quote!(crate::testing_server::Example { operation: #id, status: #status, body: #body }),
        )
    });
    let auth = match &api.auth {
        Auth::ZephrHmac { .. } => quote!(Auth::ZephrHmac),
        Auth::Bearer { .. } => quote!(Auth::Bearer),
        Auth::ApiKeyHeader { header, .. } if super::client::valid_header_name(header) => {
            let header = header.to_ascii_lowercase();
            quote!(Auth::ApiKey(#header))
        }
        _ => quote!(Auth::None),
    };
    let credentials = match &api.auth {
        Auth::ZephrHmac { .. } => {
            quote!(.credentials(self.credentials().access_key(), self.credentials().secret()))
        }
        Auth::Bearer { .. } => quote!(.bearer_token(self.credentials().secret())),
        Auth::ApiKeyHeader { header, .. } if super::client::valid_header_name(header) => {
            quote!(.api_key(self.credentials().secret()))
        }
        Auth::None => quote!(),
        _ => quote!(.without_signing()),
    };
    let modules = api.groups.iter().enumerate().map(|(i, g)| {
        let module = ident(&g.module);
        let cfg = super::support::features::group_cfg(api, i);
        quote!(#cfg pub mod #module;)
    });
    let accessors = api.groups.iter().enumerate().map(|(i, g)| {
        let cfg = super::support::features::group_cfg(api, i);
        let accessor = ident(&g.accessor);
        let module = ident(&g.module);
        let stubs = format_ident!(
            "{}Stubs",
            crate::names::unraw(&g.struct_name).trim_end_matches("Api")
        );
        let doc = format!(
            " Stubs of the {} operations, named as [`Client::{}`](crate::Client::{}) names them.",
            text::markdown_code(&g.tag),
            crate::names::unraw(&g.accessor),
            crate::names::unraw(&g.accessor)
        );
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> #module::#stubs<'_> {
                #module::#stubs { engine: &self.engine }
            }
        }
    });
    let received = api.groups.iter().enumerate().map(|(i, g)| {
        let cfg = super::support::features::group_cfg(api, i);
        let accessor = ident(&g.accessor);
        let module = ident(&g.module);
        let name = format_ident!(
            "{}Received",
            crate::names::unraw(&g.struct_name).trim_end_matches("Api")
        );
        let doc = format!(
            " What was sent to the {} operations.",
            text::markdown_code(&g.tag)
        );
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #accessor(&self) -> #module::#name<'_> {
                #module::#name { engine: self.engine }
            }
        }
    });
    let mut intro = vec![
        "A test server of this API, for your own tests: a real HTTP server on a loopback port, in the test's process, one per test. Its client signs with credentials it accepts (and checks, as the API does); each operation answers with what you stub, or with its documented example; every request is recorded, with its body typed.".to_owned(),
        String::new(),
    ];
    intro.extend(usage(api, &options.crate_name.replace('-', "_")));
    let intro = super::support::docs::lines_to_inner_attrs(&intro);
    quote! {
        #intro
        //!
        //! Stubs are named like the client's methods and take the same arguments and setters
        //! (what a request must match); `returns`, `returns_status`, `returns_error` and
        //! `fault` register them at once, and give a [`StubHandle`] for later answers
        //! (`then_returns`), limits (`times`), delays and headers. The most recent stub that
        //! matches a request answers it. A request no stub matches gets an error answer that
        //! says what differs from each stub of its operation, and fails the test when the server
        //! is dropped (unless [`TestServer::allow_unmatched`]).

        use crate::testing_auth::Auth;
        use crate::testing_server::{Engine, Settings, Spec};

        pub use crate::testing_auth::{AuthFailure, SignatureCheck, TestCredentials};
        pub use crate::testing_server::Recorded;
        pub use crate::testing_stub::{Answers, Fault, Stub, StubHandle};

        #(#modules)*

        /// The spec's operations, routes and default answers, and how requests authenticate.
        pub(crate) static SPEC: Spec = Spec {
            routes: &[#(#routes),*],
            examples: &[#(#examples),*],
            auth: #auth,
        };

        /// A test server of this API; it stops when dropped. See the [module docs](self).
        pub struct TestServer {
            engine: Engine,
        }

        impl ::std::fmt::Debug for TestServer {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("TestServer").field("base_url", &self.base_url()).finish_non_exhaustive()
            }
        }

        /// How a [`TestServer`] starts.
        #[derive(Debug, Default)]
        #[must_use = "the server starts with `.start().await`"]
        pub struct TestServerBuilder {
            settings: Settings,
        }

        impl TestServerBuilder {
            /// Operations with no stub answer with an error (`501`, and a failed test), instead of
            /// their documented example.
            pub fn strict(mut self) -> Self {
                self.settings.strict = true;
                self
            }

            /// How far a signature's timestamp may be from the server's clock (default five
            /// minutes).
            pub fn max_clock_skew(mut self, skew: ::std::time::Duration) -> Self {
                self.settings.max_clock_skew = skew;
                self
            }

            /// Listens on this port of `127.0.0.1` (default: any free one).
            pub fn port(mut self, port: u16) -> Self {
                self.settings.port = port;
                self
            }

            /// Starts the server on the current tokio runtime.
            ///
            /// # Panics
            ///
            /// When the port cannot be bound.
            pub async fn start(self) -> TestServer {
                let engine = Engine::start(&SPEC, self.settings).await.unwrap_or_else(|e| panic!("the test server cannot listen on loopback: {e}"));
                TestServer { engine }
            }
        }

        impl TestServer {
            /// Starts a server (on a free loopback port, on the current tokio runtime).
            pub async fn start() -> TestServer {
                TestServer::builder().start().await
            }

            pub fn builder() -> TestServerBuilder {
                TestServerBuilder::default()
            }

            /// `http://127.0.0.1:PORT`.
            pub fn base_url(&self) -> &str {
                self.engine.url()
            }

            /// The credentials the server accepts (made up for this server).
            pub fn credentials(&self) -> &TestCredentials {
                self.engine.credentials()
            }

            /// A client builder pointed at this server, with its credentials: for code that
            /// builds its own client, or to set more (retries, timeouts, strict mode).
            pub fn client_builder(&self) -> crate::ClientBuilder {
                crate::Client::builder().base_url(self.base_url()) #credentials
            }

            /// A client of this server.
            pub fn client(&self) -> crate::Client {
                self.client_builder().build().unwrap_or_else(|e| panic!("a client of the test server: {e}"))
            }

            /// Every request received, in order.
            pub fn requests(&self) -> Vec<Recorded> {
                self.engine.requests()
            }

            /// What was sent, per operation, with request bodies typed.
            pub fn received(&self) -> Received<'_> {
                Received { engine: &self.engine }
            }

            /// A stub of any operation, by its `operationId`, to match and answer by hand.
            ///
            /// # Panics
            ///
            /// When the spec has no such operation.
            pub fn operation(&self, operation_id: &str) -> Stub {
                let route = SPEC.routes.iter().find(|r| r.operation == operation_id).unwrap_or_else(|| panic!("the spec has no operation `{operation_id}`"));
                self.engine.stub(route.operation)
            }

            /// What each request that no stub matched was, and why nothing matched it.
            pub fn unmatched(&self) -> Vec<String> {
                self.engine.unmatched()
            }

            /// Requests no stub matches do not fail the test when the server is dropped.
            pub fn allow_unmatched(&self) {
                self.engine.allow_unmatched();
            }

            #(#accessors)*
        }

        /// What was sent to the server, by the client's groups of operations.
        #[derive(Debug, Clone, Copy)]
        pub struct Received<'a> {
            engine: &'a Engine,
        }

        impl Received<'_> {
            #(#received)*
        }
    }
}

/// The module docs' example: a test of code that uses the client, run as a doctest.
fn usage(api: &Api, krate: &str) -> Vec<String> {
    let mut lines = vec![
        "```".to_owned(),
        "# #[tokio::main(flavor = \"current_thread\")]".to_owned(),
        "# async fn main() {".to_owned(),
        format!("use {krate}::testing::TestServer;"),
        String::new(),
        "let server = TestServer::start().await;".to_owned(),
        "let client = server.client(); // pointed at the server, with credentials it accepts"
            .to_owned(),
    ];
    if let Some(op) = super::client::example_operation(api) {
        let group = &api.groups[op.group];
        let feature = &api.features.group_features[op.group];
        let call = format!(
            "client.{}().{}()",
            rust_path(&group.accessor),
            rust_path(&op.method_name)
        );
        lines.push(format!(
            "# #[cfg(feature = {})] {{",
            text::rust_str_source(feature)
        ));
        lines.push(
            "// Nothing stubbed: the operation answers with its documented example.".to_owned(),
        );
        lines.push(format!("let _ = {call}.await;"));
        lines.push("assert_eq!(server.requests().len(), 1);".to_owned());
        lines.push("# }".to_owned());
    }
    lines.extend(["# }".to_owned(), "```".to_owned()]);
    lines
}

/// A method or accessor name as Rust source (`r#type` stays raw).
fn rust_path(name: &str) -> String {
    if crate::names::is_raw(name) {
        format!("r#{}", crate::names::unraw(name))
    } else {
        name.to_owned()
    }
}

/// The name the server and the client give an operation (its `operationId`).
fn operation_id(op: &Operation) -> String {
    op.operation_id
        .clone()
        .unwrap_or_else(|| crate::names::unraw(&op.method_name).to_owned())
}

/// `src/testing/<group>.rs`.
pub(crate) fn group_file(api: &Api, group: &Group) -> TokenStream {
    let base = crate::names::unraw(&group.struct_name)
        .trim_end_matches("Api")
        .to_owned();
    let stubs = format_ident!("{base}Stubs");
    let received = format_ident!("{base}Received");
    let ops: Vec<&Operation> = group
        .operations
        .iter()
        .map(|&i| &api.operations[i])
        .collect();
    let methods = ops.iter().map(|op| stub_method(api, group, op));
    let builders = ops.iter().map(|op| stub_builder(api, op));
    let received_methods = ops.iter().map(|op| received_method(api, op));
    let module_doc = format!(
        " Stubs of the {} operations, and what was sent to them.",
        text::markdown_code(&group.tag)
    );
    let stubs_doc = format!(
        " The {} operations' stubs; get it with [`TestServer::{}`](super::TestServer::{}).",
        text::markdown_code(&group.tag),
        crate::names::unraw(&group.accessor),
        crate::names::unraw(&group.accessor)
    );
    // The operations' response and error enums live in the client's module of the group.
    let enums: Vec<Ident> = ops
        .iter()
        .flat_map(|op| [&op.response_enum, &op.error_enum])
        .flatten()
        .map(|name| ident(name))
        .collect();
    let module = ident(&group.module);
    let uses = (!enums.is_empty()).then(|| quote!(use crate::apis::#module::{#(#enums),*};));
    let items = quote! {
        #[doc = #stubs_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #stubs<'a> {
            pub(super) engine: &'a crate::testing_server::Engine,
        }

        impl #stubs<'_> {
            #(#methods)*
        }

        #(#builders)*

        /// What was sent to these operations: request bodies typed, other requests as received.
        #[derive(Debug, Clone, Copy)]
        pub struct #received<'a> {
            pub(super) engine: &'a crate::testing_server::Engine,
        }

        impl #received<'_> {
            #(#received_methods)*
        }
    };
    let import = rust::types_import(&items);
    quote! {
        #![doc = #module_doc]

        #uses
        #import

        #items
    }
}

/// The recorded requests of one operation: request bodies typed, else the requests themselves.
fn received_method(api: &Api, op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let id = wire(&operation_id(op));
    match op.body.as_ref().map(|b| (&b.kind, b)) {
        Some((BodyKind::Json(json), body)) => {
            let ty = ops::body_type(api, body);
            let doc = format!(
                " The bodies of the requests to {}, in order, as `{}`.",
                text::markdown_code(&operation_id(op)),
                api.display(json)
            );
            quote! {
                #[doc = #doc]
                ///
                /// # Panics
                ///
                /// When one of them is not that type (the code under test sent something else).
                pub fn #method(&self) -> Vec<#ty> {
                    self.engine
                        .bodies(#id)
                        .iter()
                        .map(|body| serde_json::from_slice(body).unwrap_or_else(|e| panic!("a body sent to {} is not its request type: {e}", #id)))
                        .collect()
                }
            }
        }
        _ => {
            let doc = format!(
                " The requests to {}, in order.",
                text::markdown_code(&operation_id(op))
            );
            quote! {
                #[doc = #doc]
                pub fn #method(&self) -> Vec<crate::testing::Recorded> {
                    self.engine.requests().into_iter().filter(|r| r.operation() == Some(#id)).collect()
                }
            }
        }
    }
}
