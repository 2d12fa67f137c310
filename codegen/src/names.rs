//! The one place that turns any string from a spec into a Rust identifier.
//!
//! Names are cased with heck, stripped to ASCII identifier characters, kept clear of keywords
//! (raw identifiers where Rust allows them) and made unique within their scope by [`Namer`].
//! The wire name is never changed: emitters keep it in `#[serde(rename = "…")]`.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of Rust 2024 (strict and reserved) that may not be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names of Rust's prelude (2024), which generated code uses unqualified (`Option`, `Box::pin`,
/// `impl Into<String>`): a schema or an operation may not take them as a type name. Everything
/// else generated code names is a qualified path, so any other name is free.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Module names that cannot be files: `mod` (the index file of a directory module) and the
/// device names Windows reserves in every directory.
pub const RESERVED_MODULE_NAMES: &[&str] = &[
    "mod", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Longest identifier made from spec text; longer ones are cut (the namer keeps them unique).
/// Hoisted type names grow with nesting depth, and nobody types a 10,000-character name.
const MAX_IDENTIFIER: usize = 128;

/// `snake_case` identifier for fields, methods, parameters and modules.
pub fn snake(raw: &str) -> String {
    let words = identifier_words(raw);
    let mut name = words.to_snake_case();
    name.truncate(MAX_IDENTIFIER);
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'v');
    }
    keyword_safe(name)
}

/// `UpperCamelCase` identifier for types and enum variants.
pub fn pascal(raw: &str) -> String {
    let words = identifier_words(raw);
    let mut name = words.to_upper_camel_case();
    name.truncate(MAX_IDENTIFIER);
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    keyword_safe(name)
}

/// Is `name` (possibly `r#`-prefixed) a raw identifier?
pub fn is_raw(name: &str) -> bool {
    name.starts_with("r#")
}

/// The identifier without a raw prefix, as it reads in prose and serde renames.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Splits anything that is not an ASCII letter or digit into word boundaries, so heck sees
/// `foreign[system]`, `db.tables.accountUsers` and `Content-Type` as words.
fn identifier_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn keyword_safe(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Hands out names that are unique within one scope (a module, a struct's fields, an enum's
/// variants). The first taker keeps the plain name; later ones get a numeric suffix, so names
/// depend only on the order of the spec, never on hashing.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    used: HashSet<String>,
    /// The next suffix to try per base name, so a thousand takers of one name cost a thousand
    /// steps, not half a million.
    next_suffix: HashMap<String, usize>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A namer where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namer {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
            next_suffix: HashMap::new(),
        }
    }

    /// Whether `name` is already handed out.
    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(unraw(name))
    }

    /// Claims `base`, or `base2`, `base3`, … (`base_2` for snake_case names).
    pub fn claim(&mut self, base: &str) -> String {
        let plain = unraw(base);
        if self.used.insert(plain.to_owned()) {
            return base.to_owned();
        }
        let snake = plain.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let next = self.next_suffix.entry(plain.to_owned()).or_insert(2);
        loop {
            let candidate = if snake {
                format!("{plain}_{next}")
            } else {
                format!("{plain}{next}")
            };
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_names_become_idiomatic_identifiers() {
        assert_eq!(
            pascal("product.mapping.price_point"),
            "ProductMappingPricePoint"
        );
        assert_eq!(pascal("account-user"), "AccountUser");
        assert_eq!(pascal("Create_GrantBody"), "CreateGrantBody");
        assert_eq!(snake("db.tables.accountUsers"), "db_tables_account_users");
        assert_eq!(snake("Content-Type"), "content_type");
        assert_eq!(snake("foreign[system]"), "foreign_system");
        assert_eq!(snake("oauth.google.clientId"), "oauth_google_client_id");
        assert_eq!(snake("user_Id"), "user_id");
    }

    #[test]
    fn keywords_digits_and_empties_are_made_valid() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("true"), "r#true");
        assert_eq!(snake("self"), "self_");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(snake("2fa"), "v2fa");
        assert_eq!(pascal("30d"), "V30d");
        assert_eq!(snake("¿?"), "value");
        assert_eq!(pascal(""), "Value");
        assert_eq!(snake("café"), "caf");
    }

    #[test]
    fn namer_suffixes_in_order_of_arrival() {
        let mut namer = Namer::with_reserved(RESERVED_TYPE_NAMES);
        assert_eq!(namer.claim("User"), "User");
        assert_eq!(namer.claim("User"), "User2");
        assert_eq!(namer.claim("String"), "String2");
        let mut fields = Namer::new();
        assert_eq!(fields.claim("refresh_token"), "refresh_token");
        assert_eq!(fields.claim("refresh_token"), "refresh_token_2");
        assert_eq!(fields.claim("r#type"), "r#type");
        assert_eq!(fields.claim("r#type"), "type_2");
    }
}
