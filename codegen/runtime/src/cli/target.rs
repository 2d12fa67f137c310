//! Where requests go and what signs them: flags, then environment variables, then a profile of
//! the config file, as Stainless's and Speakeasy's command lines take them.
//!
//! The config file (`<config dir>/<bin>/config.toml`, or the file `<PREFIX>_CONFIG` names) holds
//! profiles: `[default]`, `[staging]`, …, each with `base_url`, the server's variables
//! (`tenant = "acme"`) and credentials. Like ssh with a private key, it is refused when others
//! can read it. There is no default tenant (as in the client): a request goes where the user
//! said. A secret is never shown: not by `--verbose`, not in an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ArgMatches;
use heck::ToShoutySnakeCase;

use super::{Failure, exit, flag, observe::Observer};
use crate::builder::Config;
use crate::signing::SecretString;
use crate::table::{Api, Auth};

/// The credentials the API's scheme takes.
enum Credentials {
    None,
    #[cfg_attr(not(feature = "zephr-hmac"), allow(dead_code))]
    Keys {
        access_key: String,
        secret_key: SecretString,
    },
    Token(SecretString),
}

/// A profile of the config file: every value a string, the names checked against what the API
/// takes.
type Profile = BTreeMap<String, String>;

/// The help's words on credentials and the config file.
pub(crate) fn help<C>(api: &Api<C>) -> String {
    let prefix = api.env_prefix;
    let credentials = match api.auth {
        Auth::None => "This API takes no credentials.".to_owned(),
        Auth::ZephrHmac => format!(
            "Credentials: {prefix}_ACCESS_KEY and {prefix}_SECRET_KEY, or `access_key` and \
             `secret_key` in a profile. Each request is signed with them; the secret is never \
             shown."
        ),
        Auth::Bearer => format!("Credentials: {prefix}_TOKEN, or `token` in a profile."),
        Auth::ApiKey(header) => format!(
            "Credentials: {prefix}_API_KEY, or `api_key` in a profile (sent as `{header}`)."
        ),
        Auth::Other => "The spec's authentication scheme is not one this command signs with: \
                        requests go unsigned (a proxy may sign them)."
            .to_owned(),
    };
    let variables: Vec<String> = api
        .variables
        .iter()
        .map(|v| format!("`{}`", v.flag.replace('-', "_")))
        .collect();
    format!(
        "{credentials}\n\n\
         Where requests go: --base-url, else the spec's server with its variables ({}) from \
         flags, else {prefix}_<NAME> variables, else the profile. No variable has a default: \
         requests go only where you say.\n\n\
         Profiles: {} holds `[default]` and other profiles (--profile, {prefix}_PROFILE), each \
         with `base_url`, the server's variables and credentials; {prefix}_CONFIG names another \
         file. The file must be readable by you alone (chmod 600).",
        if variables.is_empty() {
            "none".to_owned()
        } else {
            variables.join(", ")
        },
        config_path(api)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config file".to_owned())
    )
}

/// The client of `api`, as the global flags, the environment and the profile say.
pub(crate) fn connect<C>(
    api: &'static Api<C>,
    global: &ArgMatches,
    observer: Arc<Observer>,
) -> Result<C, Failure> {
    let dry_run = flag(global, "dry-run");
    let profile = load_profile(api, global)?;
    let lookup = |flag_id: &str, env: &str, key: &str| -> Option<String> {
        global
            .try_get_one::<String>(flag_id)
            .ok()
            .flatten()
            .cloned()
            .or_else(|| env_var(api, env))
            .or_else(|| profile.as_ref().and_then(|(p, _)| p.get(key).cloned()))
    };
    let mut config = Config::default();
    if let Some(url) = lookup("base-url", "BASE_URL", "base_url") {
        config = config.base_url(url);
    }
    for variable in api.variables {
        let id = format!("var:{}", variable.name);
        let key = variable.flag.replace('-', "_");
        let short = variable.short_flag.map(|s| s.replace('-', "_"));
        let value = lookup(&id, &key.to_shouty_snake_case(), &key).or_else(|| {
            let short = short.as_ref()?;
            env_var(api, &short.to_shouty_snake_case())
                .or_else(|| profile.as_ref().and_then(|(p, _)| p.get(short).cloned()))
        });
        if let Some(value) = value {
            config.set_variable(variable.name, value);
        }
    }
    let from_profile = |key: &str| profile.as_ref().and_then(|(p, _)| p.get(key).cloned());
    let credentials = match api.auth {
        Auth::None | Auth::Other => Credentials::None,
        Auth::ZephrHmac => {
            let access_key = env_var(api, "ACCESS_KEY").or_else(|| from_profile("access_key"));
            let secret_key = env_var(api, "SECRET_KEY").or_else(|| from_profile("secret_key"));
            match (access_key, secret_key) {
                (Some(access_key), Some(secret_key)) => Credentials::Keys {
                    access_key,
                    secret_key: SecretString::new(secret_key),
                },
                (None, None) if dry_run => Credentials::Keys {
                    access_key: "dry-run".to_owned(),
                    secret_key: SecretString::new("dry-run"),
                },
                (access, _) => {
                    return Err(missing(
                        api,
                        if access.is_some() {
                            "SECRET_KEY"
                        } else {
                            "ACCESS_KEY"
                        },
                    ));
                }
            }
        }
        Auth::Bearer | Auth::ApiKey(_) => {
            let (env, key) = if api.auth == Auth::Bearer {
                ("TOKEN", "token")
            } else {
                ("API_KEY", "api_key")
            };
            match env_var(api, env).or_else(|| from_profile(key)) {
                Some(token) => Credentials::Token(SecretString::new(token)),
                None if dry_run => Credentials::Token(SecretString::new("dry-run")),
                None => return Err(missing(api, env)),
            }
        }
    };
    config = sign(api, config, credentials)?;
    config = config
        .strict(flag(global, "strict"))
        .observer(observer as Arc<dyn crate::transport::Observer>);
    (api.connect)(config).map_err(|e| Failure {
        code: exit::USAGE,
        message: e.to_string(),
    })
}

/// `config` signing with `credentials`, by the API's scheme.
fn sign<C>(api: &Api<C>, config: Config, credentials: Credentials) -> Result<Config, Failure> {
    Ok(match (api.auth, credentials) {
        #[cfg(feature = "zephr-hmac")]
        (
            Auth::ZephrHmac,
            Credentials::Keys {
                access_key,
                secret_key,
            },
        ) => config.signer(crate::ZephrHmacSigner::new(access_key, secret_key)),
        (Auth::Bearer, Credentials::Token(token)) => {
            config.signer(crate::signing::BearerToken::new(token))
        }
        (Auth::ApiKey(header), Credentials::Token(key)) => config.signer(
            crate::signing::ApiKey::new(header, key).map_err(|e| Failure::usage(e.to_string()))?,
        ),
        // Nothing to sign with: requests go as they are (a proxy may sign them).
        _ => config.without_signing(),
    })
}

/// The error for credentials that are not set anywhere.
fn missing<C>(api: &Api<C>, variable: &str) -> Failure {
    Failure {
        code: exit::AUTH,
        message: format!(
            "no credentials: set {}_{variable} (or `{}` in a profile of {}); --dry-run works without",
            api.env_prefix,
            variable.to_ascii_lowercase(),
            config_path(api)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the config file".to_owned())
        ),
    }
}

/// `<PREFIX>_<name>`, when set and not empty.
fn env_var<C>(api: &Api<C>, name: &str) -> Option<String> {
    std::env::var(format!("{}_{name}", api.env_prefix))
        .ok()
        .filter(|value| !value.is_empty())
}

/// The config file: `<PREFIX>_CONFIG`, else `<config dir>/<bin>/config.toml`.
pub(crate) fn config_path<C>(api: &Api<C>) -> Option<PathBuf> {
    if let Some(path) = env_var(api, "CONFIG") {
        return Some(PathBuf::from(path));
    }
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok()?;
    Some(base.config_dir().join(api.name).join("config.toml"))
}

/// The profile `--profile` (or `<PREFIX>_PROFILE`, else `default`) names, and the file it is
/// in: `None` when there is no file, or no `default` profile and none was asked for.
fn load_profile<C>(
    api: &Api<C>,
    global: &ArgMatches,
) -> Result<Option<(Profile, PathBuf)>, Failure> {
    let asked = global
        .try_get_one::<String>("profile")
        .ok()
        .flatten()
        .cloned()
        .or_else(|| env_var(api, "PROFILE"));
    let Some(path) = config_path(api) else {
        return match asked {
            Some(name) => Err(Failure::usage(format!(
                "profile `{name}`: there is no config folder on this system (set {}_CONFIG)",
                api.env_prefix
            ))),
            None => Ok(None),
        };
    };
    let text = match read_private(&path) {
        Ok(Some(text)) => text,
        Ok(None) if asked.is_none() => return Ok(None),
        Ok(None) => {
            return Err(Failure::usage(format!(
                "profile `{}`: {} does not exist",
                asked.unwrap_or_default(),
                path.display()
            )));
        }
        Err(message) => return Err(Failure::usage(message)),
    };
    let shown = path.display();
    let mut profiles: BTreeMap<String, toml::Value> = toml::from_str(&text).map_err(|e| {
        Failure::usage(format!(
            "{shown}: {}",
            crate::error::without_values(&e.to_string())
        ))
    })?;
    let name = asked.clone().unwrap_or_else(|| "default".to_owned());
    let Some(table) = profiles.remove(&name) else {
        if asked.is_none() {
            return Ok(None);
        }
        let names = profiles.keys().map(String::as_str);
        return Err(Failure::usage(
            match crate::dispatch::closest(&name, names) {
                Some(near) => format!("{shown} has no profile `{name}` (did you mean `{near}`?)"),
                None => format!("{shown} has no profile `{name}`"),
            },
        ));
    };
    let toml::Value::Table(table) = table else {
        return Err(Failure::usage(format!(
            "{shown}: `{name}` is not a profile (a table: `[{name}]`)"
        )));
    };
    let known = known_keys(api);
    let mut profile = Profile::new();
    for (key, value) in table {
        if !known.contains(&key) {
            let near = crate::dispatch::closest(&key, known.iter().map(String::as_str));
            return Err(Failure::usage(match near {
                Some(near) => {
                    format!("{shown}: [{name}] `{key}` is not a setting (did you mean `{near}`?)")
                }
                None => format!(
                    "{shown}: [{name}] `{key}` is not a setting (they are: {})",
                    known.join(", ")
                ),
            }));
        }
        let toml::Value::String(value) = value else {
            return Err(Failure::usage(format!(
                "{shown}: [{name}] `{key}` must be a string"
            )));
        };
        profile.insert(key, value);
    }
    Ok(Some((profile, path)))
}

/// The settings a profile of `api` may hold.
fn known_keys<C>(api: &Api<C>) -> Vec<String> {
    let mut keys = vec!["base_url".to_owned()];
    for variable in api.variables {
        keys.push(variable.flag.replace('-', "_"));
        keys.extend(variable.short_flag.map(|s| s.replace('-', "_")));
    }
    keys.extend(
        match api.auth {
            Auth::ZephrHmac => &["access_key", "secret_key"][..],
            Auth::Bearer => &["token"][..],
            Auth::ApiKey(_) => &["api_key"][..],
            Auth::None | Auth::Other => &[][..],
        }
        .iter()
        .map(|s| (*s).to_owned()),
    );
    keys
}

/// The text of a file only its owner can read (`None` when it does not exist); an error when
/// others can, as ssh refuses such a private key.
fn read_private(path: &Path) -> Result<Option<String>, String> {
    let shown = path.display();
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "{shown} can be read or changed by others (mode {mode:o}), and it holds credentials: \
                 refused. Run `chmod 600 {shown}`"
            ));
        }
    }
    if metadata.len() > 1024 * 1024 {
        return Err(format!("{shown} is larger than 1 MiB: not a config file"));
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| format!("{shown}: {e}"))
}
