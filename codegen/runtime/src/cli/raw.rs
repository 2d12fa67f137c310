//! `<bin> api METHOD PATH`: any request, signed and bounded like the operations, like `gh api`,
//! for what the spec lacks or gets wrong.

use clap::ArgMatches;
use percent_encoding::percent_decode_str;

use super::output::{Settings, error_failure, print_body};
use super::{Failure, input};
use crate::table::Api;

pub(crate) async fn run<C>(
    api: &'static Api<C>,
    global: &ArgMatches,
    matches: &ArgMatches,
) -> Result<(), Failure> {
    let settings = Settings::read(global, matches)?;
    let method = matches.get_one::<String>("method").expect("required");
    let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
        .map_err(|_| Failure::usage(format!("`{method}` is not an HTTP method")))?;
    let target = matches.get_one::<String>("path").expect("required");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !path.starts_with('/') {
        return Err(Failure::usage(format!(
            "PATH must start with `/` (it is relative to the server): `{path}`"
        )));
    }
    let (client, observer) = super::client(api, global)?;
    let mut request = (api.request)(&client, method, path.to_owned());
    let pairs = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decoded(name), decoded(value))
        });
    for (name, value) in pairs {
        request = request.query(name, value);
    }
    for param in matches.get_many::<String>("param").into_iter().flatten() {
        let (name, value) = param
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("--param `{param}`: expected NAME=VALUE")))?;
        request = request.query(name, value);
    }
    for header in matches.get_many::<String>("header").into_iter().flatten() {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            Failure::usage(format!(
                "--header `{}`: expected NAME:VALUE",
                super::observe::bounded(header, 60)
            ))
        })?;
        request = request.header(name.trim(), value.trim());
    }
    if let Some(source) = matches.get_one::<String>("body") {
        let (bytes, name) = input::read_source(source)?;
        let document = input::parse_document(&bytes, &name)?;
        request = request.json(&document);
    }
    if super::flag(matches, "unsigned") {
        request = request.unsigned();
    }
    match request.send_with_response().await {
        Ok(response) => {
            let (_, _, raw, _) = response.into_parts();
            let json = if raw.is_empty() {
                None
            } else {
                serde_json::from_slice(&raw).ok()
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            print_body(&settings, &mut out, &raw, json)?;
            std::io::Write::flush(&mut out).ok();
            Ok(())
        }
        Err(_) if observer.dry_run_done() => Ok(()),
        Err(error) => Err(error_failure(api, None, &error)),
    }
}

/// A query string's part, percent-decoded (`+` is a space, as in forms).
fn decoded(part: &str) -> String {
    percent_decode_str(&part.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}
