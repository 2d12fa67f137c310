//! What kind of OpenAPI object sits at a place in the document.
//!
//! Resolving a `$ref` needs to know what the referrer expects (a schema is hoisted into
//! `#/components/schemas`, a parameter is copied in place) and what the target is (a request body
//! where a response belongs is a known defect). Both are answered here from the path alone, by a
//! small state machine over the OpenAPI 3.0/3.1 object model. Examples, defaults and extensions
//! are data: nothing inside them is a schema, so the walk never descends into them.

use serde_json::Value;

/// The kind of object at a place, or of a map/list of such objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    Root,
    Paths,
    PathItem,
    Operation,
    ParameterList,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Content,
    MediaType,
    Encodings,
    Encoding,
    Headers,
    Header,
    Examples,
    Example,
    Callbacks,
    Callback,
    Components,
    /// `#/components/{section}`: a map of `element`s.
    Section(Element),
    Schema,
    /// A map of schemas (`properties`, `$defs`, …).
    SchemaMap,
    /// A list of schemas (`allOf`, `prefixItems`, …).
    SchemaList,
    /// Anything else: data, or parts that hold no referencable object.
    Data,
}

/// The kinds of object a component section holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Element {
    Schema,
    Response,
    Parameter,
    Example,
    RequestBody,
    Header,
    Callback,
    PathItem,
    Other,
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Node {
    /// The node one `key` below this one.
    pub(crate) fn child(self, key: &str) -> Node {
        match self {
            Node::Root => match key {
                "paths" | "webhooks" => Node::Paths,
                "components" => Node::Components,
                _ => Node::Data,
            },
            Node::Paths | Node::Callback => Node::PathItem,
            Node::PathItem => match key {
                "parameters" => Node::ParameterList,
                method if METHODS.contains(&method) => Node::Operation,
                _ => Node::Data,
            },
            Node::Operation => match key {
                "parameters" => Node::ParameterList,
                "requestBody" => Node::RequestBody,
                "responses" => Node::Responses,
                "callbacks" => Node::Callbacks,
                _ => Node::Data,
            },
            Node::ParameterList => Node::Parameter,
            Node::Parameter | Node::Header => match key {
                "schema" => Node::Schema,
                "content" => Node::Content,
                "examples" => Node::Examples,
                _ => Node::Data,
            },
            Node::RequestBody => match key {
                "content" => Node::Content,
                _ => Node::Data,
            },
            Node::Responses => Node::Response,
            Node::Response => match key {
                "content" => Node::Content,
                "headers" => Node::Headers,
                _ => Node::Data,
            },
            Node::Content => Node::MediaType,
            Node::MediaType => match key {
                "schema" => Node::Schema,
                "examples" => Node::Examples,
                "encoding" => Node::Encodings,
                _ => Node::Data,
            },
            Node::Encodings => Node::Encoding,
            Node::Encoding => match key {
                "headers" => Node::Headers,
                _ => Node::Data,
            },
            Node::Headers => Node::Header,
            Node::Examples => Node::Example,
            Node::Callbacks => Node::Callback,
            Node::Components => Node::Section(match key {
                "schemas" => Element::Schema,
                "responses" => Element::Response,
                "parameters" => Element::Parameter,
                "examples" => Element::Example,
                "requestBodies" => Element::RequestBody,
                "headers" => Element::Header,
                "callbacks" => Element::Callback,
                "pathItems" => Element::PathItem,
                _ => Element::Other,
            }),
            Node::Section(element) => match element {
                Element::Schema => Node::Schema,
                Element::Response => Node::Response,
                Element::Parameter => Node::Parameter,
                Element::Example => Node::Example,
                Element::RequestBody => Node::RequestBody,
                Element::Header => Node::Header,
                Element::Callback => Node::Callback,
                Element::PathItem => Node::PathItem,
                Element::Other => Node::Data,
            },
            Node::Schema => match key {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => Node::SchemaMap,
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => Node::SchemaList,
                // `items` may be a list in old tuple form; `child_of_value` handles that.
                "items"
                | "additionalProperties"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "not"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "contentSchema" => Node::Schema,
                _ => Node::Data,
            },
            Node::SchemaMap | Node::SchemaList => Node::Schema,
            Node::Example | Node::Data => Node::Data,
        }
    }

    /// [`Node::child`], also looking at the child's value (`items: [..]` is a list of schemas;
    /// `additionalProperties: true` holds no schema).
    pub(crate) fn child_of_value(self, key: &str, value: &Value) -> Node {
        match (self.child(key), value) {
            (Node::Schema, Value::Array(_)) if self == Node::Schema => Node::SchemaList,
            (Node::Schema, value) if !value.is_object() => Node::Data,
            (node, _) => node,
        }
    }

    /// Whether an object of this kind may be a `{$ref: …}`.
    pub(crate) fn may_refer(self) -> bool {
        !matches!(
            self,
            Node::Root
                | Node::Paths
                | Node::ParameterList
                | Node::Responses
                | Node::Content
                | Node::Encodings
                | Node::Encoding
                | Node::Headers
                | Node::Examples
                | Node::Callbacks
                | Node::Components
                | Node::Section(_)
                | Node::SchemaMap
                | Node::SchemaList
                | Node::MediaType
                | Node::Data
        )
    }

    /// What one calls such an object in a message.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Node::PathItem => "path item",
            Node::Operation => "operation",
            Node::Parameter => "parameter",
            Node::RequestBody => "request body",
            Node::Response => "response",
            Node::Header => "header",
            Node::Example => "example",
            Node::Callback => "callback",
            Node::Schema => "schema",
            _ => "part of the document",
        }
    }

    /// The component section this kind of object lives in, if it has one in OpenAPI 3.0.
    pub(crate) fn section(self) -> Option<&'static str> {
        Some(match self {
            Node::Schema => "schemas",
            Node::Response => "responses",
            Node::Parameter => "parameters",
            Node::Example => "examples",
            Node::RequestBody => "requestBodies",
            Node::Header => "headers",
            Node::Callback => "callbacks",
            _ => return None,
        })
    }
}

/// The kind of object a pointer (from the document's root) names.
pub(crate) fn kind_at(document: &Value, tokens: &[String]) -> Node {
    let mut node = Node::Root;
    let mut value = Some(document);
    for token in tokens {
        let next = value.and_then(|v| match v {
            Value::Object(map) => map.get(token.as_str()),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        });
        node = match next {
            Some(child) => node.child_of_value(token, child),
            None => node.child(token),
        };
        value = next;
    }
    node
}

/// `#/components/{section}/{name}` of the section this kind belongs to: the one form of `$ref`
/// that OpenAPI 3.0 tools (and `openapiv3`) follow without help.
pub(crate) fn is_component_ref(fragment_tokens: &[String], expected: Node) -> bool {
    matches!(fragment_tokens, [components, section, _] if components == "components" && Some(section.as_str()) == expected.section())
}

/// A readable name for a place, for a schema hoisted out of it: the tokens that say what it is,
/// without the structural ones (`components`, `schemas`, `properties`, `content`, media types…).
pub(crate) fn name_for(tokens: &[String]) -> String {
    let kept: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| {
            !matches!(
                *t,
                "components"
                    | "schemas"
                    | "responses"
                    | "requestBodies"
                    | "parameters"
                    | "content"
                    | "schema"
                    | "paths"
                    | "properties"
                    | "$defs"
                    | "definitions"
            ) && !t.contains('/')
        })
        .collect();
    let name = kept.join("_");
    if name.is_empty() {
        "Schema".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer;

    fn tokens(p: &str) -> Vec<String> {
        pointer::tokens(p).unwrap()
    }

    #[test]
    fn places_are_classified_by_the_object_model() {
        let doc = serde_json::json!({"components": {"schemas": {"Tag": {"allOf": [{"type": "object"}], "items": [{}], "additionalProperties": true}}}});
        assert_eq!(
            kind_at(&doc, &tokens("/components/schemas/Tag/allOf/0")),
            Node::Schema
        );
        assert_eq!(
            kind_at(&doc, &tokens("/components/schemas/Tag/items/0")),
            Node::Schema
        );
        assert_eq!(
            kind_at(
                &doc,
                &tokens("/components/schemas/Tag/additionalProperties")
            ),
            Node::Data
        );
        assert_eq!(
            kind_at(
                &doc,
                &tokens("/components/responses/Conflict/content/application~1json/schema")
            ),
            Node::Schema
        );
        assert_eq!(
            kind_at(&doc, &tokens("/components/requestBodies/B")),
            Node::RequestBody
        );
        assert_eq!(
            kind_at(&doc, &tokens("/paths/~1a/get/parameters/0")),
            Node::Parameter
        );
        assert_eq!(
            kind_at(
                &doc,
                &tokens("/paths/~1a/get/responses/200/content/a~1b/example/properties")
            ),
            Node::Data
        );
        assert_eq!(
            kind_at(&doc, &tokens("/components/schemas/A/properties/x/$defs/y")),
            Node::Schema
        );
    }

    #[test]
    fn hoisted_names_keep_the_meaningful_tokens() {
        assert_eq!(
            name_for(&tokens("/components/schemas/Tag/allOf/0")),
            "Tag_allOf_0"
        );
        assert_eq!(
            name_for(&tokens(
                "/components/responses/Conflict/content/application~1json/schema"
            )),
            "Conflict"
        );
        assert_eq!(name_for(&[]), "Schema");
    }
}
