//! An operation's request body and responses: the media type each uses, the Rust type of its
//! JSON (hoisted under the builder's name), success and error cases split, a variant name per
//! status, and the overlay's `x-codegen.envelope`.
//!
//! Apart because bodies are where operations meet the type table (component request bodies,
//! hoisted response types) and where status codes get their names.

use openapiv3::{QueryStyle, ReferenceOr, StatusCode};

use super::OperationBuilder;
use crate::error::SpecError;
use crate::ir::schema::{
    SchemaRef, is_event_stream, is_form, is_json, is_multipart, non_empty, pick_media,
};
use crate::ir::{
    Body, BodyKind, Doc, FormBody, FormStyle, ResponseBody, ResponseCase, Status, TypeKind,
    TypeRef, refs,
};
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
        let schema_at = pointer::join(&body_at, ["content", media, "schema"]);
        let typed = |this: &mut Self| -> Result<Option<TypeRef>, SpecError> {
            Ok(match (&component_type, &m.schema) {
                (Some(ty), _) => Some(ty.clone()),
                (None, Some(schema)) => Some(this.types.resolve(
                    SchemaRef::of(schema),
                    &schema_at,
                    &format!("{}Request", this.builder_name),
                )?),
                (None, None) => None,
            })
        };
        let kind = if is_json(media) {
            BodyKind::Json(typed(self)?.unwrap_or(TypeRef::Json))
        } else if is_multipart(media) {
            self.types.files = true;
            let ty = typed(self);
            self.types.files = false;
            match ty? {
                Some(ty) if self.is_object(&ty) => BodyKind::Multipart(ty),
                Some(_) => {
                    self.types.warn(&schema_at, "a multipart body's schema must be an object (its properties are the parts); the body is taken as bytes");
                    BodyKind::Raw
                }
                None => BodyKind::Raw,
            }
        } else if is_form(media) {
            match typed(self)? {
                Some(ty) if self.is_object(&ty) => BodyKind::Form(FormBody {
                    ty,
                    styles: form_styles(m),
                }),
                Some(_) => {
                    self.types.warn(&schema_at, "a form's schema must be an object (its properties are the fields); the body is taken as bytes");
                    BodyKind::Raw
                }
                None => BodyKind::Raw,
            }
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

    /// Whether values of `ty` serialise as JSON objects (a struct or a map), as a form needs.
    fn is_object(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::JsonObject | TypeRef::Map(_) => true,
            TypeRef::Named(id) => match &self.types.defs[*id].kind {
                TypeKind::Struct(_) => true,
                TypeKind::Alias(target) | TypeKind::NewType(target) => self.is_object(target),
                _ => false,
            },
            _ => false,
        }
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
            let mut events = None;
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
                    if is_event_stream(media) {
                        events.clone_from(&ty);
                    }
                    match ty {
                        Some(ty) if is_json(media) => ResponseBody::Json(ty),
                        documented => ResponseBody::Raw {
                            media_type: media.to_owned(),
                            documented,
                        },
                    }
                }
            };
            // An event stream offered beside the chosen media type (OpenAI: JSON, or events when
            // the request asks to stream): `send_events()` decodes it with its own schema.
            if status.is_success()
                && events.is_none()
                && let Some((media, m)) = response
                    .content
                    .iter()
                    .find(|(media, _)| is_event_stream(media))
                && let Some(schema) = &m.schema
            {
                events = Some(self.types.resolve(
                    SchemaRef::of(schema),
                    &pointer::join(&response_at, ["content", media, "schema"]),
                    &format!("{}Event", self.builder_name),
                )?);
            }
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
                events,
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

/// The styles of a form's properties, from the media type's `encoding` object. `openapiv3`
/// reads an absent `explode` as `false`, so an explicit `explode: false` on `form` cannot be told
/// from the default (`true`): `form` is taken as exploded, the reading every form API documents.
fn form_styles(media: &openapiv3::MediaType) -> Vec<(String, FormStyle)> {
    media
        .encoding
        .iter()
        .filter_map(|(name, encoding)| {
            let style = match (encoding.style.as_ref()?, encoding.explode) {
                // Stripe writes `{style: deepObject, explode: true}`: explode changes nothing.
                (QueryStyle::DeepObject, _) => FormStyle::DeepObject,
                (QueryStyle::Form, _) | (_, true) => FormStyle::Form,
                (QueryStyle::SpaceDelimited, false) => FormStyle::SpaceDelimited,
                (QueryStyle::PipeDelimited, false) => FormStyle::PipeDelimited,
            };
            Some((name.clone(), style))
        })
        .collect()
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
