//! A spec whose every name is hostile: keywords, prelude and crate-internal names, unicode,
//! case and punctuation collisions, names of the generated code's own members. Seeded, so a
//! failure is reproducible; the fixture workspace compiles the crate made from it.

use serde_json::{Map, Value, json};

use super::rng::Rng;

/// Names drawn from; each pool is a way a name has broken a generator.
const POOLS: &[&[&str]] = &[
    // Rust keywords, strict, reserved and weak, and what cannot be a raw identifier.
    &[
        "as",
        "async",
        "await",
        "box",
        "break",
        "const",
        "continue",
        "crate",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "gen",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "self",
        "Self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "try",
        "type",
        "union",
        "unsafe",
        "use",
        "where",
        "while",
        "yield",
        "macro_rules",
        "_",
        "r#type",
    ],
    // The prelude and common std names.
    &[
        "Option",
        "Some",
        "None",
        "Result",
        "Ok",
        "Err",
        "Box",
        "String",
        "Vec",
        "Into",
        "From",
        "Default",
        "Clone",
        "Copy",
        "Send",
        "Sync",
        "Sized",
        "Drop",
        "Fn",
        "Future",
        "IntoFuture",
        "Iterator",
        "ToString",
        "TryFrom",
        "std",
        "core",
        "alloc",
        "HashMap",
        "BTreeMap",
        "Display",
        "Debug",
        "PartialEq",
        "Eq",
        "Hash",
    ],
    // What the generated crate itself defines or uses.
    &[
        "Client",
        "ClientBuilder",
        "Error",
        "Response",
        "RawResponse",
        "Request",
        "RawRequest",
        "Transport",
        "RawBody",
        "ResponseFuture",
        "FullResponseFuture",
        "RequestOptions",
        "RetryPolicy",
        "RedirectPolicy",
        "Failure",
        "StatusError",
        "DecodeError",
        "BuildError",
        "types",
        "apis",
        "serde",
        "serde_json",
        "reqwest",
        "bytes",
        "Serialize",
        "Deserialize",
        "Serializer",
        "Deserializer",
        "Map",
        "Value",
        "Key",
        "string_enum",
        "operation",
        "encoding",
        "transport",
        "request",
        "client",
        "builder",
        "options",
        "body",
        "query",
        "header",
        "timeout",
        "retry",
        "no_retry",
        "send",
        "send_with_response",
        "into_future",
        "into_request",
        "decode",
        "pages",
        "items",
        "new",
        "clone",
        "fmt",
        "base_url",
        "build",
        "credentials",
        "signer",
        "USER_AGENT",
        "SPEC_TITLE",
        "Unknown",
        "UnknownValue",
        "additional_properties",
        "value",
        "v",
        "_value",
    ],
    // Unicode, invisible and bidirectional characters, emoji.
    &[
        "名前",
        "ñandú",
        "Ωmega",
        "🚀rocket",
        "a\u{202e}b",
        "zero\u{200b}width",
        "e\u{301}",
        "İstanbul",
        "ß",
        "Ǆ",
        "\u{feff}bom",
        "tab\tname",
        "new\nline",
        "🙂",
        "",
    ],
    // Case and punctuation collisions.
    &[
        "userId",
        "user_id",
        "UserID",
        "USER-ID",
        "user id",
        "user.id",
        "user[id]",
        "User-Id",
        "__user__id__",
        "2fa",
        "0",
        "-",
        "--",
        "...",
        "$ref",
        "@type",
        "a/b",
        "a~b",
        "a%20b",
        "'quoted'",
        "\"double\"",
        "back\\slash",
    ],
];

/// A name from the pools; now and then two glued, to make new collisions.
fn random_name(rng: &mut Rng) -> String {
    let pool = POOLS[rng.below(POOLS.len())];
    let name = pool[rng.below(pool.len())];
    if rng.below(4) == 0 {
        let pool = POOLS[rng.below(POOLS.len())];
        format!("{name}{}", pool[rng.below(pool.len())])
    } else {
        name.to_owned()
    }
}

/// The spec, as JSON text (the loader reads JSON; YAML would need quoting of half the names).
pub fn spec(seed: u64, schemas: usize, operations: usize) -> String {
    let mut rng = Rng(seed | 1);
    let mut components = Map::new();
    let mut schema_names: Vec<String> = Vec::new();
    for _ in 0..schemas {
        let name = random_name(&mut rng);
        if name.is_empty() || components.contains_key(&name) || name.contains(['/', '~']) {
            continue;
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        for _ in 0..3 + rng.below(5) {
            let property = random_name(&mut rng);
            let schema = match rng.below(5) {
                0 => {
                    json!({"type": "string", "enum": [random_name(&mut rng), random_name(&mut rng), random_name(&mut rng), "Unknown"]})
                }
                1 => json!({"type": "integer", "format": "int64"}),
                2 if !schema_names.is_empty() => {
                    json!({"$ref": format!("#/components/schemas/{}", escape(&schema_names[rng.below(schema_names.len())]))})
                }
                3 => json!({"type": "array", "items": {"type": "string"}}),
                _ => json!({"type": "string", "description": random_name(&mut rng)}),
            };
            if rng.below(3) == 0 {
                required.push(Value::String(property.clone()));
            }
            properties.insert(property, schema);
        }
        let mut schema = json!({"type": "object", "properties": properties, "description": random_name(&mut rng)});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        components.insert(name.clone(), schema);
        schema_names.push(name);
    }
    let mut paths = Map::new();
    // Operation ids that collide once snake-cased are refused by design (a clear error); the
    // test is about names that are accepted, so keep one of each.
    let mut operation_names = std::collections::HashSet::new();
    for i in 0..operations {
        let operation_id = random_name(&mut rng);
        if !operation_names.insert(codegen::names::snake(&operation_id)) {
            continue;
        }
        let tag = random_name(&mut rng);
        let path_param = random_name(&mut rng);
        let query = random_name(&mut rng);
        let header = random_name(&mut rng);
        let response = if schema_names.is_empty() {
            json!({"type": "string"})
        } else {
            json!({"$ref": format!("#/components/schemas/{}", escape(&schema_names[rng.below(schema_names.len())]))})
        };
        let mut operation = json!({
            "operationId": operation_id,
            "tags": [tag],
            "summary": random_name(&mut rng),
            "parameters": [
                {"name": path_param, "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": query, "in": "query", "required": rng.below(2) == 0, "schema": {"type": "string", "enum": [random_name(&mut rng), random_name(&mut rng)]}},
                {"name": header, "in": "header", "schema": {"type": "integer"}},
                {"name": random_name(&mut rng), "in": "cookie", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": random_name(&mut rng), "content": {"application/json": {"schema": response}}}},
        });
        if rng.below(2) == 0 && !schema_names.is_empty() {
            let body = &schema_names[rng.below(schema_names.len())];
            operation["requestBody"] = json!({"required": rng.below(2) == 0, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{}", escape(body))}}}});
        }
        // Path templates cannot hold `{`, `}` or `/` in a parameter name.
        let path = format!("/op{i}/{{{}}}", path_param.replace(['{', '}', '/'], "_"));
        if path_param.contains(['{', '}', '/']) {
            operation["parameters"][0]["name"] =
                Value::String(path_param.replace(['{', '}', '/'], "_"));
        }
        let method = ["get", "post", "put", "delete", "patch"][rng.below(5)];
        paths.insert(path, json!({ method: operation }));
    }
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "Random names", "version": "1"},
        "servers": [{"url": "https://{self}.example.com", "variables": {"self": {"default": "api"}}}],
        "paths": paths,
        "components": {"schemas": components},
    });
    serde_json::to_string_pretty(&document).unwrap()
}

/// A JSON pointer token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
