//! JSON pointers (RFC 6901): how every error and every example names its place in the spec.

/// Appends one reference token to a pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Appends several tokens.
pub fn join<'a>(pointer: &str, tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .fold(pointer.to_owned(), |acc, token| push(&acc, token))
}

/// Splits a pointer into its unescaped tokens (`None` when it does not start with `/`).
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_tildes_and_round_trips() {
        let p = join("", ["paths", "/v3/users/{id}", "a~b"]);
        assert_eq!(p, "/paths/~1v3~1users~1{id}/a~0b");
        assert_eq!(tokens(&p).unwrap(), vec!["paths", "/v3/users/{id}", "a~b"]);
        assert_eq!(tokens("no-slash"), None);
    }
}
