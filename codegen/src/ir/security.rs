//! The default way requests are authenticated, chosen from the spec's security scheme.
//!
//! Nothing here is specific to one vendor except the recognition of Zephr's scheme name: a spec
//! whose scheme is `http` with `ZEPHR-HMAC-*` gets the Zephr signer as its default, `bearer` and
//! header API keys get theirs, anything else leaves the choice of signer to the user.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};

use super::Auth;
use crate::error::{Problem, SpecError};
use crate::pointer;

pub(crate) fn choose(spec: &OpenAPI) -> Result<Auth, SpecError> {
    let global = spec.security.iter().flatten().enumerate();
    let per_operation = spec
        .operations()
        .flat_map(|(_, _, op)| op.security.iter().flatten())
        .map(|r| (usize::MAX, r));
    let Some((index, requirement)) = global.chain(per_operation).find(|(_, r)| !r.is_empty())
    else {
        return Ok(Auth::None);
    };
    let name = requirement
        .keys()
        .next()
        .expect("non-empty requirement")
        .clone();
    let at = if index == usize::MAX {
        "/paths".to_owned()
    } else {
        pointer::join("", ["security", &index.to_string()])
    };
    let scheme = spec
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(&name))
        .ok_or_else(|| {
            SpecError::new(
                &at,
                Problem::Structure(format!(
                    "security requirement `{name}` is not defined in components.securitySchemes"
                )),
            )
        })?;
    let scheme_at = pointer::join("", ["components", "securitySchemes", name.as_str()]);
    let scheme = match scheme {
        ReferenceOr::Item(s) => s,
        ReferenceOr::Reference { reference } => {
            return Err(SpecError::new(
                scheme_at,
                Problem::UnsupportedRef(reference.clone()),
            ));
        }
    };
    Ok(match scheme {
        SecurityScheme::HTTP { scheme: http, .. }
            if http.to_ascii_uppercase().starts_with("ZEPHR-HMAC") =>
        {
            Auth::ZephrHmac { scheme: name }
        }
        SecurityScheme::HTTP { scheme: http, .. } if http.eq_ignore_ascii_case("bearer") => {
            Auth::Bearer { scheme: name }
        }
        SecurityScheme::APIKey {
            location: APIKeyLocation::Header,
            name: header,
            ..
        } => Auth::ApiKeyHeader {
            scheme: name,
            header: header.clone(),
        },
        other => Auth::Custom {
            scheme: name,
            description: match other {
                SecurityScheme::HTTP { scheme, .. } => format!("HTTP `{scheme}` authentication"),
                SecurityScheme::APIKey { .. } => "an API key outside the headers".to_owned(),
                SecurityScheme::OAuth2 { .. } => "OAuth 2".to_owned(),
                SecurityScheme::OpenIDConnect { .. } => "OpenID Connect".to_owned(),
            },
        },
    })
}
