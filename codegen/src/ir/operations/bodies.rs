//! An operation's request body and responses: the media type each uses, the Rust type of its
//! JSON (hoisted under the builder's name), success and error cases split, a variant name per
//! status, and the overlay's `x-codegen.envelope`.
//!
//! Apart because bodies are where operations meet the type table (component request bodies,
//! hoisted response types) and where status codes get their names.

use openapiv3::{ReferenceOr, StatusCode};

use super::OperationBuilder;
use crate::error::SpecError;
use crate::ir::schema::{SchemaRef, is_json, non_empty, pick_media};
use crate::ir::{Body, BodyKind, Doc, ResponseBody, ResponseCase, Status, TypeRef, refs};
use crate::names::Namer;
use crate::pointer;

impl OperationBuilder<'_, '_> {
    pub(super) fn body(&mut self, namer: &mut Namer) -> Result<Option<Body>, SpecError> {
        let f = self.f;
        let Some(body) = &f.op.request_body else {
            return Ok(None);
        };
        let at = pointer::push(&f.pointer, "requestBody");
        let component_type = match body {
            ReferenceOr::Reference { reference } => {
                let name = refs::parse_expecting(reference, refs::Section::RequestBodies, &at)?;
                self.types.request_body_type(&name)
            }
            ReferenceOr::Item(_) => None,
        };
        let (body, body_at) = refs::request_body(self.spec, body, &at)?;
        let Some((media, m)) = pick_media(&body.content) else {
            return Ok(None);
        };
        let kind = if let Some(ty) = component_type {
            BodyKind::Json(ty)
        } else if is_json(media) {
            BodyKind::Json(match &m.schema {
                Some(schema) => self.types.resolve(
                    SchemaRef::of(schema),
                    &pointer::join(&body_at, ["content", media, "schema"]),
                    &format!("{}Request", self.builder_name),
                )?,
                None => TypeRef::Json,
            })
        } else {
            BodyKind::Raw
        };
        namer.claim("body");
        Ok(Some(Body {
            media_type: media.to_owned(),
            kind,
            required: body.required,
            doc: Doc {
                description: non_empty(body.description.as_deref()),
                ..Doc::default()
            },
        }))
    }

    /// The member name an overlay gave a response's envelope (`x-codegen: {envelope: results}`).
    fn envelope(&mut self, media: &openapiv3::MediaType, at: &str) -> Option<String> {
        let hint = media.extensions.get("x-codegen")?.get("envelope")?;
        match hint.as_str() {
            Some(key)
                if !key.is_empty() && key.len() <= 64 && !key.chars().any(char::is_control) =>
            {
                Some(key.to_owned())
            }
            _ => {
                self.types.warn(at, format!("`x-codegen.envelope` is the name of the member that holds the body (like `results`), not {hint}; ignored"));
                None
            }
        }
    }

    pub(super) fn responses(
        &mut self,
    ) -> Result<(Vec<ResponseCase>, Vec<ResponseCase>), SpecError> {
        let f = self.f;
        let responses = &f.op.responses;
        let mut listed: Vec<(Status, &ReferenceOr<openapiv3::Response>, String)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => Status::Code(*c),
                    StatusCode::Range(r) => Status::Range(*r),
                };
                (
                    status,
                    r,
                    pointer::join(&f.pointer, ["responses", &code.to_string()]),
                )
            })
            .collect();
        if let Some(default) = &responses.default {
            listed.push((
                Status::Default,
                default,
                pointer::join(&f.pointer, ["responses", "default"]),
            ));
        }
        let success_count = listed.iter().filter(|(s, _, _)| s.is_success()).count();
        let mut variants = Namer::new();
        let (mut success, mut errors) = (Vec::new(), Vec::new());
        for (status, r, at) in listed {
            let (response, response_at) = refs::response(self.spec, r, &at)?;
            let variant = variants.claim(&status_variant(status));
            let hint = if status.is_success() && success_count == 1 {
                format!("{}Response", self.builder_name)
            } else {
                format!("{}{variant}Body", self.builder_name)
            };
            let mut envelope = None;
            let body = match pick_media(&response.content) {
                None => ResponseBody::Empty,
                Some((media, m)) => {
                    envelope = self.envelope(m, &pointer::join(&response_at, ["content", media]));
                    let schema_at = pointer::join(&response_at, ["content", media, "schema"]);
                    let ty = match &m.schema {
                        Some(schema) => Some(self.types.resolve(
                            SchemaRef::of(schema),
                            &schema_at,
                            &hint,
                        )?),
                        None => None,
                    };
                    match ty {
                        Some(ty) if is_json(media) => ResponseBody::Json(ty),
                        documented => ResponseBody::Raw {
                            media_type: media.to_owned(),
                            documented,
                        },
                    }
                }
            };
            if envelope.is_some() && !matches!(body, ResponseBody::Json(_)) {
                envelope = None;
                self.types.warn(
                    &response_at,
                    "`x-codegen.envelope` applies only to JSON bodies with a schema; ignored",
                );
            }
            let case = ResponseCase {
                status,
                variant,
                body,
                envelope,
                doc: Doc {
                    description: non_empty(Some(&response.description)),
                    ..Doc::default()
                },
            };
            if status.is_success() {
                success.push(case);
            } else {
                errors.push(case);
            }
        }
        Ok((success, errors))
    }
}

/// `Ok`, `Created`, `NotFound`, … from the status code's reason phrase.
fn status_variant(status: Status) -> String {
    let reason = match status {
        Status::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
        Status::Range(r) => return format!("Status{r}xx"),
        Status::Default => "Default",
    };
    reason.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_variants_use_reason_phrases() {
        assert_eq!(status_variant(Status::Code(201)), "Created");
        assert_eq!(status_variant(Status::Code(299)), "Status299");
        assert_eq!(status_variant(Status::Range(4)), "Status4xx");
        assert_eq!(status_variant(Status::Default), "Default");
    }
}
