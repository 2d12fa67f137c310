//! `$ref` strings: which component they name, or why they cannot be followed.

use openapiv3::{Components, OpenAPI, Parameter, ReferenceOr, RequestBody, Response};

use crate::error::{Problem, SpecError};
use crate::pointer;

/// The component sections a `$ref` may point into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Schemas,
    RequestBodies,
    Responses,
    Parameters,
    Examples,
    Headers,
}

impl Section {
    fn from_token(token: &str) -> Option<Section> {
        Some(match token {
            "schemas" => Section::Schemas,
            "requestBodies" => Section::RequestBodies,
            "responses" => Section::Responses,
            "parameters" => Section::Parameters,
            "examples" => Section::Examples,
            "headers" => Section::Headers,
            _ => return None,
        })
    }

    pub(crate) fn noun(self) -> &'static str {
        match self {
            Section::Schemas => "schema",
            Section::RequestBodies => "request body",
            Section::Responses => "response",
            Section::Parameters => "parameter",
            Section::Examples => "example",
            Section::Headers => "header",
        }
    }
}

/// Splits `#/components/{section}/{name}`.
pub(crate) fn parse(reference: &str, at: &str) -> Result<(Section, String), SpecError> {
    let unsupported = || SpecError::new(at, Problem::UnsupportedRef(reference.to_owned()));
    let local = reference.strip_prefix('#').ok_or_else(unsupported)?;
    let tokens = pointer::tokens(local).ok_or_else(unsupported)?;
    match tokens.as_slice() {
        [components, section, name] if components == "components" => {
            let section = Section::from_token(section).ok_or_else(unsupported)?;
            Ok((section, name.clone()))
        }
        _ => Err(unsupported()),
    }
}

/// Parses a reference that must be of `expected` kind.
pub(crate) fn parse_expecting(
    reference: &str,
    expected: Section,
    at: &str,
) -> Result<String, SpecError> {
    let (section, name) = parse(reference, at)?;
    if section != expected {
        return Err(SpecError::new(
            at,
            Problem::WrongRefKind(reference.to_owned(), section.noun()),
        ));
    }
    Ok(name)
}

fn dangling(reference: &str, at: &str) -> SpecError {
    SpecError::new(at, Problem::DanglingRef(reference.to_owned()))
}

fn components(spec: &OpenAPI) -> Option<&Components> {
    spec.components.as_ref()
}

/// Follows `$ref`s (a component may itself be a reference) to an inline item, returning it with
/// the pointer where it is defined.
fn follow<'a, T>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
    at: &str,
    section: Section,
    lookup: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    section_token: &str,
) -> Result<(&'a T, String), SpecError> {
    let mut current = item;
    let mut here = at.to_owned();
    let mut seen = Vec::new();
    loop {
        match current {
            ReferenceOr::Item(inner) => return Ok((inner, here)),
            ReferenceOr::Reference { reference } => {
                let name = parse_expecting(reference, section, &here)?;
                if seen.contains(&name) {
                    return Err(SpecError::new(
                        &here,
                        Problem::RefCycle(format!("{} refers back to itself", reference)),
                    ));
                }
                let target = components(spec)
                    .and_then(|c| lookup(c).get(&name))
                    .ok_or_else(|| dangling(reference, &here))?;
                here = pointer::join("", ["components", section_token, name.as_str()]);
                seen.push(name);
                current = target;
            }
        }
    }
}

pub(crate) fn parameter<'a>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<Parameter>,
    at: &str,
) -> Result<(&'a Parameter, String), SpecError> {
    follow(
        spec,
        item,
        at,
        Section::Parameters,
        |c| &c.parameters,
        "parameters",
    )
}

pub(crate) fn response<'a>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<Response>,
    at: &str,
) -> Result<(&'a Response, String), SpecError> {
    follow(
        spec,
        item,
        at,
        Section::Responses,
        |c| &c.responses,
        "responses",
    )
}

pub(crate) fn request_body<'a>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<RequestBody>,
    at: &str,
) -> Result<(&'a RequestBody, String), SpecError> {
    follow(
        spec,
        item,
        at,
        Section::RequestBodies,
        |c| &c.request_bodies,
        "requestBodies",
    )
}

/// The name of the component schema a `$ref` points at, checking that it exists.
pub(crate) fn schema_name(spec: &OpenAPI, reference: &str, at: &str) -> Result<String, SpecError> {
    let name = parse_expecting(reference, Section::Schemas, at)?;
    match components(spec).map(|c| c.schemas.contains_key(&name)) {
        Some(true) => Ok(name),
        _ => Err(dangling(reference, at)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_component_references_and_refuses_others() {
        assert_eq!(
            parse("#/components/schemas/product.mapping", "/x").unwrap(),
            (Section::Schemas, "product.mapping".to_owned())
        );
        assert_eq!(parse("#/components/schemas/a~1b", "/x").unwrap().1, "a/b");
        for bad in [
            "other.yaml#/components/schemas/A",
            "#/paths/~1a",
            "#/components/links/A",
        ] {
            let err = parse(bad, "/x").unwrap_err();
            assert_eq!(err.problem, Problem::UnsupportedRef(bad.to_owned()));
        }
        let err =
            parse_expecting("#/components/requestBodies/B", Section::Schemas, "/p").unwrap_err();
        assert_eq!(
            err.to_string(),
            "at /p: $ref `#/components/requestBodies/B` points at a request body, which cannot be used here"
        );
    }
}
