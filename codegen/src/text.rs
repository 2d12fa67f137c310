//! Spec text → each context of a generated file, escaped so it can never become code.
//!
//! Every piece of text from a spec that reaches a generated file goes through one of these:
//! a Rust comment or doc line, a Rust string literal, a TOML string or comment, Markdown prose,
//! a Markdown code span or table cell, an HTML comment. Besides each context's own syntax
//! (quotes, line ends, `-->`, `|`), they all replace the characters that change how text reads
//! without being seen: control characters, bidirectional overrides (which rustc refuses in
//! comments and literals, and which can make code read differently than it compiles), line and
//! paragraph separators and the byte order mark. The verify stage (`emit::verify::text`, private)
//! looks for any that got through.

use std::borrow::Cow;
use std::fmt::Write;

/// Characters never written raw into a generated file: controls, bidirectional controls, line
/// and paragraph separators, the BOM, and the invisible characters clippy refuses in literals
/// (soft hyphen, zero-width space, word joiner).
pub(crate) fn is_hazard(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{b}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2060}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// `text` with every hazard written as `\u{…}`, visibly (line feeds and tabs are kept).
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hazard(c) {
            let _ = write!(out, "\\u{{{:X}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` on one line: [`visible`], with line breaks and tabs as spaces.
pub(crate) fn one_line(text: &str) -> String {
    visible(text).replace(['\n', '\t'], " ")
}

/// A Rust string literal token for `text`: quotes, backslashes, control characters and hazards
/// escaped (`proc_macro2`'s own escaping leaves bidirectional overrides raw).
pub(crate) fn rust_str(text: &str) -> proc_macro2::Literal {
    let source = rust_str_source(text);
    source
        .parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(&visible(text)))
}

/// The source text of a Rust string literal for `text` (with its quotes).
pub(crate) fn rust_str_source(text: &str) -> String {
    quoted(text, Quoted::Rust)
}

/// A TOML basic string (with its quotes).
pub(crate) fn toml_str(text: &str) -> String {
    quoted(text, Quoted::Toml)
}

/// The quoted-string family: Rust literals and TOML basic strings share their escapes (`\"`,
/// `\\`, `\n`, `\r`, `\t`) and differ only in how they write any other character by number.
#[derive(Clone, Copy)]
enum Quoted {
    /// `\u{1b}`
    Rust,
    /// `\u001B` (exactly four or eight hex digits)
    Toml,
}

fn quoted(text: &str, style: Quoted) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hazard(c) || c.is_control() => {
                // Every hazard and control character is below U+10000: four digits suffice.
                let _ = match style {
                    Quoted::Rust => write!(out, "\\u{{{:x}}}", u32::from(c)),
                    Quoted::Toml => write!(out, "\\u{:04X}", u32::from(c)),
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for inside an HTML comment (`<!-- … -->`): one line, and no `>` that could end it.
pub(crate) fn html_comment(text: &str) -> String {
    one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Plain text inside Markdown prose: every ASCII punctuation character that could start
/// markup is backslash-escaped, and `&` becomes an entity.
pub(crate) fn markdown_text(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '-' | '.' | '!' | '|' | '~' | '"' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span showing `text` exactly: the fence is one backtick longer than the
/// longest run inside, padded with spaces when the text touches a backtick.
pub(crate) fn markdown_code(text: &str) -> String {
    let line = one_line(text);
    let longest = line.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if line.starts_with('`') || line.ends_with('`') || line.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{line}{pad}{fence}")
}

/// A code span in a GitHub table cell, where `|` ends the cell even inside code.
pub(crate) fn markdown_code_cell(text: &str) -> String {
    markdown_code(text).replace('|', "\\|")
}

/// The indefinite article for a name, by how it is spelt (`A User`, `An AccountUser`): a vowel
/// letter takes `An`, except the `U` of `Unit`/`User`-like names, which sounds like `you`.
pub(crate) fn article(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let you = ["uni", "use", "usa", "usu", "uti", "uri", "eu", "one"]
        .iter()
        .any(|p| lower.starts_with(p));
    match lower.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') if !you => "An",
        _ => "A",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_follow_the_sound() {
        for (name, article) in [
            ("AccountUser", "An"),
            ("User", "A"),
            ("Entitlement", "An"),
            ("Bundle", "A"),
            ("UnitPrice", "A"),
            ("Order", "An"),
        ] {
            assert_eq!(super::article(name), article, "{name}");
        }
    }

    #[test]
    fn hazards_become_visible_escapes() {
        assert_eq!(visible("a\u{202e}b\u{7f}c\nd"), "a\\u{202E}b\\u{7F}c\nd");
        assert_eq!(one_line("x\ny\u{2028}z"), "x y\\u{2028}z");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn rust_literals_escape_everything_that_matters() {
        let lit = rust_str("a\"b\\c\u{202e}d\re");
        assert_eq!(lit.to_string(), "\"a\\\"b\\\\c\\u{202e}d\\re\"");
        let parsed: syn::LitStr = syn::parse_str(&lit.to_string()).unwrap();
        assert_eq!(parsed.value(), "a\"b\\c\u{202e}d\re");
    }

    #[test]
    fn toml_strings_parse_back_to_the_same_text() {
        for text in [
            "plain",
            "q\"uote",
            "back\\slash",
            "del\u{7f}",
            "nl\n[x]",
            "rlo\u{202e}",
            "nul\u{0}",
        ] {
            let doc = format!("key = {}\n", toml_str(text));
            let table: toml::Table = doc.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(table["key"].as_str(), Some(text));
        }
    }

    #[test]
    fn markdown_contexts() {
        assert_eq!(html_comment("a --> b\nc"), "a --&gt; b c");
        assert_eq!(
            markdown_text("*x* [l](u) <b>"),
            "\\*x\\* \\[l\\]\\(u\\) \\<b\\>"
        );
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code_cell("a|b"), "`a\\|b`");
    }
}
