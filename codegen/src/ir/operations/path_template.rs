//! An operation's path template checked against its path parameters, then split into the
//! literal text and parameter slots the emitter builds the request path from.
//!
//! Apart because specs and their templates disagree often enough to need rules of their own: a
//! variable no parameter declares is a defect (a warning, an error with `--strict`), a path
//! parameter the template never uses is left out with a warning, a malformed template is an
//! error.

use std::collections::HashMap;

use super::OperationBuilder;
use crate::error::{Problem, SpecError};
use crate::ir::{Doc, Param, ParamLocation, ParamType, PathPart, TypeRef};
use crate::names::{self, Namer};
use crate::pointer;

impl OperationBuilder<'_, '_> {
    /// A path variable no parameter declares (OpenAI has six) is a defect with a safe default:
    /// a required string, which is what every path variable is on the wire.
    pub(super) fn declare_missing_path_variables(
        &mut self,
        params: &mut Vec<Param>,
        namer: &mut Namer,
    ) -> Result<(), SpecError> {
        let f = self.f;
        let mut rest = f.path;
        while let Some((name, after)) = rest
            .split_once('{')
            .and_then(|(_, tail)| tail.split_once('}'))
        {
            rest = after;
            let declared = params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire_name == name);
            if declared || name.is_empty() || name.contains('{') {
                continue;
            }
            self.types.defect(
                &f.pointer,
                format!("path template `{}` uses `{{{name}}}`, which no path parameter declares; it becomes a required string parameter", f.path),
            )?;
            params.push(Param {
                wire_name: name.to_owned(),
                rust_name: namer.claim(&names::snake(name)),
                location: ParamLocation::Path,
                ty: ParamType::Scalar(TypeRef::String),
                required: true,
                doc: Doc {
                    notes: vec!["The spec uses this path variable without declaring it; it is taken as a string.".to_owned()],
                    ..Doc::default()
                },
                pointer: f.pointer.clone(),
                default: None,
                minimum: None,
            });
        }
        Ok(())
    }

    /// A path parameter the template does not use cannot be sent anywhere: it is left out of
    /// the method (OpenAI declares `cert_id` for a path that says `{certificate_id}`).
    pub(super) fn drop_path_parameters_not_in_the_path(&mut self, params: &mut Vec<Param>) {
        let path = self.f.path;
        let types = &mut *self.types;
        params.retain(|p| {
            let used =
                p.location != ParamLocation::Path || path.contains(&format!("{{{}}}", p.wire_name));
            if !used {
                types.warn(
                    &p.pointer,
                    format!(
                        "path parameter `{}` does not appear in `{path}`; it is left out",
                        p.wire_name
                    ),
                );
            }
            used
        });
    }

    pub(super) fn path_parts(&mut self, params: &[Param]) -> Result<Vec<PathPart>, SpecError> {
        let f = self.f;
        let at = pointer::join("", ["paths", f.path]);
        let mut parts = Vec::new();
        let mut rest = f.path;
        let path_params: HashMap<&str, usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == ParamLocation::Path)
            .map(|(i, p)| (p.wire_name.as_str(), i))
            .collect();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c).ok_or_else(|| {
                SpecError::new(
                    &at,
                    Problem::Structure(format!("unclosed `{{` in path template `{}`", f.path)),
                )
            })?;
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            let index = path_params.get(name).copied().ok_or_else(|| {
                SpecError::new(
                    &f.pointer,
                    Problem::Structure(format!(
                        "path template `{}` uses `{{{name}}}`, which no path parameter declares",
                        f.path
                    )),
                )
            })?;
            parts.push(PathPart::Param(index));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(SpecError::new(
                &at,
                Problem::Structure(format!("unbalanced `}}` in path template `{}`", f.path)),
            ));
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        Ok(parts)
    }
}
