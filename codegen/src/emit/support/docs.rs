//! Spec descriptions → rustdoc that builds without warnings.
//!
//! Descriptions are Markdown with stray HTML, bare URLs and brackets (`foreign[system]`), any of
//! which rustdoc warns about, and code blocks that rustdoc would compile and run as doctests:
//! code from a spec downloaded from the internet, run by `cargo test`. This turns them into safe
//! Markdown: links kept, other HTML escaped, brackets escaped, URLs wrapped, every code block
//! labelled with a language rustdoc does not test (its own language when that is a known non-Rust
//! one, else `text`), no indented code blocks, and invisible characters made visible.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Doc;
use crate::text;

/// `#[doc = "…"]` attributes for `doc` (nothing when it is empty).
pub(crate) fn attrs(doc: &Doc) -> TokenStream {
    lines_to_attrs(&lines(doc))
}

/// `#[doc = "…"]` attributes for already-safe lines.
pub(crate) fn lines_to_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| doc_literal(line));
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "…"]` attributes (module or crate docs) for already-safe lines.
pub(crate) fn lines_to_inner_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| doc_literal(line));
    quote! { #( #![doc = #lines] )* }
}

/// One doc line as a literal (prettyplease prints it as `/// line`, so it must be one line with
/// nothing invisible in it).
pub(crate) fn doc_literal(line: &str) -> proc_macro2::Literal {
    if line.is_empty() {
        return text::rust_str("");
    }
    text::rust_str(&format!(" {}", text::one_line(line)))
}

/// The rustdoc lines of `doc`: summary, description, notes, each a paragraph.
pub(crate) fn lines(doc: &Doc) -> Vec<String> {
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    if let Some(summary) = &doc.summary {
        paragraphs.push(markdown(&summary.replace('\n', " ")));
    }
    if let Some(description) = &doc.description
        && doc.summary.as_deref().map(str::trim) != Some(description.trim())
    {
        paragraphs.push(markdown(description));
    }
    if doc.deprecated {
        paragraphs.push(vec!["**Deprecated** in the spec.".to_owned()]);
    }
    for note in &doc.notes {
        paragraphs.push(markdown(note));
    }
    join_paragraphs(paragraphs)
}

/// `#[deprecated(note = …)]` for something the spec marks deprecated (`what` names it: an
/// operation's `GET /path`, a parameter, a property), with the spec's own words about it when it
/// has any (its summary, else the first sentence of its description), escaped; nothing otherwise.
pub(crate) fn deprecated(doc: &Doc, what: &str) -> Option<proc_macro2::TokenStream> {
    if !doc.deprecated {
        return None;
    }
    let said = doc
        .summary
        .as_deref()
        .or(doc.description.as_deref())
        .map(|text| {
            let line = crate::text::one_line(text);
            let sentence = line
                .split_inclusive(". ")
                .next()
                .unwrap_or(&line)
                .trim()
                .to_owned();
            let sentence: String = sentence.chars().take(160).collect();
            // rustdoc renders a note as Markdown: `[DEPRECATED]` would be a broken link.
            format!(": {}", markdown(&sentence).join(" "))
        });
    let note = crate::text::rust_str(&format!(
        "deprecated in the spec ({what}){}",
        said.unwrap_or_default()
    ));
    Some(quote::quote!(#[deprecated(note = #note)]))
}

/// Joins paragraphs with blank lines.
pub(crate) fn join_paragraphs(paragraphs: Vec<Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in paragraphs.into_iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(paragraph);
    }
    out
}

/// Makes Markdown from a spec safe for rustdoc, line by line.
pub(crate) fn markdown(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let joined = join_code_spans(&text);
    let raw: Vec<&str> = joined.iter().map(|l| l.trim_end()).collect();
    let indent = raw
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    for line in raw {
        let line = line.get(indent..).unwrap_or(line.trim_start());
        let trimmed = line.trim_start();
        if let Some((marker, length)) = fence {
            let closes = fence_line(trimmed)
                .is_some_and(|(c, n, info)| c == marker && n >= length && info.is_empty());
            if closes {
                out.push(marker.to_string().repeat(length));
                fence = None;
            } else {
                out.push(text::visible(line).into_owned());
            }
            continue;
        }
        if let Some((marker, length, info)) = fence_line(trimmed) {
            out.push(format!(
                "{}{}",
                marker.to_string().repeat(length),
                code_language(info)
            ));
            fence = Some((marker, length));
            continue;
        }
        // Four spaces of indent would make an (untested-language-less) code block: cap it.
        let lead = line.len() - trimmed.len();
        let lead = " ".repeat(lead.min(3));
        out.push(format!("{lead}{}", text::visible(&inline(trimmed))));
    }
    if let Some((marker, length)) = fence {
        out.push(marker.to_string().repeat(length));
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out
}

/// The lines of `text`, a code span that runs over a line break (`` [`crash\nlabel:bug`](…) ``)
/// joined into one line (a code span's line break is a space when rendered). Fences and blank
/// lines end a paragraph, which a code span never crosses.
fn join_code_spans(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    let mut fence: Option<(char, usize)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some((marker, length)) = fence {
            let closes = fence_line(trimmed)
                .is_some_and(|(c, n, info)| c == marker && n >= length && info.is_empty());
            if closes {
                fence = None;
            }
            out.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() || fence_line(trimmed).is_some() {
            fence = fence_line(trimmed).map(|(c, n, _)| (c, n));
            open = false;
            out.push(line.to_owned());
            continue;
        }
        match out.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(trimmed);
            }
            _ => out.push(line.to_owned()),
        }
        if line.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    out
}

/// A code fence (CommonMark): three or more backticks or tildes, and the info string after.
fn fence_line(trimmed: &str) -> Option<(char, usize, &str)> {
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == marker).count();
    let info = trimmed[length..].trim();
    // A backtick in a backtick fence's info string makes the line inline code, not a fence.
    (length >= 3 && !(marker == '`' && info.contains('`'))).then_some((marker, length, info))
}

/// The language a code block is labelled with. rustdoc compiles (and runs) a block whose info
/// string is empty, `rust`, or only rustdoc's own attributes (`no_run`, `should_panic`, …), so
/// only a known non-Rust language is kept; anything else becomes `text`.
fn code_language(info: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "bash",
        "c",
        "console",
        "cpp",
        "csharp",
        "css",
        "csv",
        "curl",
        "diff",
        "go",
        "graphql",
        "html",
        "http",
        "ini",
        "java",
        "javascript",
        "js",
        "json",
        "kotlin",
        "markdown",
        "md",
        "php",
        "plaintext",
        "python",
        "ruby",
        "sh",
        "shell",
        "sql",
        "swift",
        "text",
        "toml",
        "ts",
        "typescript",
        "xml",
        "yaml",
        "yml",
    ];
    let first = info
        .split(|c: char| c == ',' || c == '{' || c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    KNOWN
        .iter()
        .find(|known| **known == first)
        .copied()
        .unwrap_or("text")
}

/// Inline fixes outside code spans. The line's code spans are set aside (swapped for markers)
/// while the prose around them is fixed as a whole, so that a link whose text is a code span
/// (`` [`label`](https://…) ``) is still seen as one.
fn inline(line: &str) -> String {
    const OPEN: char = '\u{3}';
    const CLOSE: char = '\u{4}';
    let parts: Vec<&str> = line.split('`').collect();
    // Backticks pair up into code spans; a last one without a pair is a plain backtick, and what
    // follows it prose.
    let unpaired = parts.len().is_multiple_of(2);
    let is_code = |i: usize| i % 2 == 1 && !(unpaired && i == parts.len() - 1);
    // Text holding the markers is fixed piece by piece (it never does in a real spec).
    if line.contains([OPEN, CLOSE]) {
        return parts
            .iter()
            .enumerate()
            .map(|(i, part)| {
                if is_code(i) {
                    (*part).to_owned()
                } else {
                    prose(part)
                }
            })
            .collect::<Vec<_>>()
            .join("`");
    }
    let mut masked = String::with_capacity(line.len());
    let mut spans = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if unpaired && i == parts.len() - 1 {
            masked.push('`');
            masked.push_str(part);
        } else if is_code(i) {
            masked.push(OPEN);
            masked.push_str(&spans.len().to_string());
            masked.push(CLOSE);
            spans.push(*part);
        } else {
            masked.push_str(part);
        }
    }
    let fixed = prose(&masked);
    let mut out = String::with_capacity(fixed.len() + 8);
    let mut rest = fixed.as_str();
    while let Some(open) = rest.find(OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + OPEN.len_utf8()..];
        let close = after.find(CLOSE).unwrap_or(after.len());
        let index: usize = after[..close].parse().unwrap_or(usize::MAX);
        out.push('`');
        out.push_str(spans.get(index).copied().unwrap_or(""));
        out.push('`');
        rest = after.get(close + CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn prose(text: &str) -> String {
    let text = html_links(text);
    let text = text
        .replace("<br>", " ")
        .replace("<br/>", " ")
        .replace("<br />", " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let text = brackets(&text);
    bare_urls(&text)
}

/// `<a href="URL" …>TEXT</a>` → `[TEXT](URL)`.
fn html_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<a ") {
        let Some(href_at) = rest[start..].find("href=\"").map(|h| start + h + 6) else {
            break;
        };
        let Some(href_end) = rest[href_at..].find('"').map(|e| href_at + e) else {
            break;
        };
        let Some(open_end) = rest[href_end..].find('>').map(|e| href_end + e + 1) else {
            break;
        };
        let Some(close) = rest[open_end..].find("</a>").map(|c| open_end + c) else {
            break;
        };
        out.push_str(&rest[..start]);
        let label = rest[open_end..close].replace(['[', ']'], "");
        out.push_str(&format!("\u{1}{label}\u{2}({})", &rest[href_at..href_end]));
        rest = &rest[close + 4..];
    }
    out.push_str(rest);
    out
}

/// Escapes brackets that are not a Markdown link (rustdoc would read them as intra-doc links).
fn brackets(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\u{1}' => out.push('['),
            '\u{2}' => out.push(']'),
            '[' => {
                // `[label](http…)` stays a link.
                let close = chars[i..].iter().position(|&c| c == ']').map(|p| i + p);
                let is_link = close.is_some_and(|c| {
                    let after: String = chars[c + 1..].iter().take(9).collect();
                    let target = after.starts_with("(http")
                        || after.starts_with("(mailto:")
                        || after.starts_with("(#");
                    // …and the target closes before the text breaks (a URL has no spaces).
                    let closes = chars[c + 1..]
                        .iter()
                        .take_while(|ch| !ch.is_whitespace())
                        .any(|&ch| ch == ')');
                    target && closes
                });
                if let (true, Some(c)) = (is_link, close) {
                    out.extend(&chars[i..=c]);
                    i = c + 1;
                    continue;
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Wraps bare `http(s)://` URLs in `<…>`, leaving those inside Markdown links alone.
fn bare_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut rest = text;
    loop {
        let next = ["https://", "http://"]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let Some(start) = next else { break };
        let preceded = rest[..start].chars().last();
        // A URL ends at a space, a quote, a `)`, or an escaped `<` or `>` (`&lt;`): its own `&`s
        // (`?q=a&type=b`) are part of it.
        let tail = &rest[start..];
        let end = tail
            .char_indices()
            .find(|&(i, c)| {
                c.is_whitespace()
                    || c == ')'
                    || c == '"'
                    || c == '\''
                    || (c == '&'
                        && (tail[i..].starts_with("&lt;") || tail[i..].starts_with("&gt;")))
            })
            .map_or(rest.len(), |(e, _)| start + e);
        let mut url = &rest[start..end];
        while url.ends_with(['.', ',', ';', ':', '!', '?']) {
            url = &url[..url.len() - 1];
        }
        let url_end = start + url.len();
        out.push_str(&rest[..start]);
        // The target of a Markdown link (`](…)`), unless its `]` was escaped as not a link or
        // its `)` never comes (Vimeo: `[OAuth spec](https://…-31.` ends the sentence).
        let link_target = preceded == Some('(')
            && out.ends_with("](")
            && !out.ends_with("\\](")
            && rest[url_end..].starts_with(')');
        if link_target || preceded == Some('<') {
            out.push_str(url);
        } else {
            out.push('<');
            out.push_str(url);
            out.push('>');
        }
        rest = &rest[url_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_links_become_markdown_and_other_html_is_escaped() {
        let md = markdown(
            r#"Signed as in <a href="https://x.test/sign" target="__blank">HMAC Signing</a>. Use <b>bold</b>."#,
        );
        assert_eq!(
            md,
            vec!["Signed as in [HMAC Signing](https://x.test/sign). Use &lt;b&gt;bold&lt;/b&gt;."]
        );
    }

    #[test]
    fn a_link_whose_text_is_a_code_span_over_two_lines_stays_a_link() {
        // A code-hosting spec's description; the URL's `&` is part of it.
        assert_eq!(
            markdown(
                "Search [`crash\nlabel:bug`](https://github.test/issues?q=crash+label%3Abug&type=Issues) or https://a.test/?a=1&b=2."
            ),
            vec![
                "Search [`crash label:bug`](https://github.test/issues?q=crash+label%3Abug&type=Issues) or <https://a.test/?a=1&b=2>."
            ]
        );
        // A code span over two lines with no link, and a lone backtick, stay as they were.
        assert_eq!(
            markdown("Run `cargo\ntest` now.\n\nA ` alone, https://b.test"),
            vec!["Run `cargo test` now.", "", "A ` alone, <https://b.test>"]
        );
    }

    #[test]
    fn a_link_that_never_closes_is_a_bare_url() {
        assert_eq!(
            markdown("See the [OAuth spec](https://a.test/draft-31."),
            vec!["See the \\[OAuth spec\\](<https://a.test/draft-31>."]
        );
    }

    #[test]
    fn a_deprecation_note_is_markdown_safe() {
        let doc = Doc {
            summary: Some("Get Playlist Items [DEPRECATED]".to_owned()),
            deprecated: true,
            ..Doc::default()
        };
        let note = deprecated(&doc, "GET /playlists").unwrap().to_string();
        assert!(
            note.contains(r"Get Playlist Items \\[DEPRECATED\\]"),
            "{note}"
        );
    }

    #[test]
    fn a_url_after_an_escaped_bracket_is_not_a_link_target() {
        // Asana: a link whose text began on the line before, and one with a space before `(`.
        assert_eq!(
            markdown("phrase library](https://a.test/x) from our [spec] (https://b.test)."),
            vec!["phrase library\\](<https://a.test/x>) from our \\[spec\\] (<https://b.test>)."]
        );
    }

    #[test]
    fn brackets_urls_and_code_are_made_safe() {
        assert_eq!(
            markdown("Pass foreign[system] and [docs](https://a.test)."),
            vec!["Pass foreign\\[system\\] and [docs](https://a.test).",]
        );
        assert_eq!(
            markdown("See https://a.test/x, then `a[b]`."),
            vec!["See <https://a.test/x>, then `a[b]`."]
        );
        assert_eq!(
            markdown("```\nlet x = 1;\n```"),
            vec!["```text", "let x = 1;", "```"]
        );
        assert_eq!(
            markdown("````no_run\nx\n```\n````"),
            vec!["````text", "x", "```", "````"]
        );
        assert_eq!(
            markdown("~~~json,should_panic\n{}\n~~~"),
            vec!["~~~json", "{}", "~~~"]
        );
        assert_eq!(
            markdown("```rust\nfn main() {}\n```"),
            vec!["```text", "fn main() {}", "```"]
        );
        assert_eq!(
            markdown("a\n\n        indented code"),
            vec!["a", "", "   indented code"]
        );
    }

    /// rustdoc's own Markdown parser (pulldown-cmark, with rustdoc's options) as the judge: on
    /// thousands of generated inputs mixing fences, info strings, indentation, lists and quotes,
    /// no code block of the output may be one rustdoc would compile.
    #[test]
    fn no_output_has_a_block_rustdoc_would_compile() {
        use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
        const PIECES: &[&str] = &[
            "```",
            "````",
            "~~~",
            "~~~~",
            "```rust",
            "```no_run",
            "```should_panic",
            "```json,should_panic",
            "``` rust",
            "```compile_fail",
            "```ignore",
            "```edition2021",
            "```text",
            "```json",
            "```{.rust}",
            "``",
            "    indented",
            "        deeper",
            "\tTabbed",
            "  \t mixed",
            "- item",
            "  - nested",
            "1. first",
            "> quote",
            ">     quoted code",
            "",
            "",
            "text line",
            "fn main() {}",
            "<pre>",
            "</pre>",
            "* star",
            "+ plus",
        ];
        let mut state = 0x2545_f491u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut options = Options::empty();
        options.insert(
            Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
        );
        options.insert(Options::ENABLE_TASKLISTS | Options::ENABLE_SMART_PUNCTUATION);
        for case in 0..3_000 {
            let lines: Vec<&str> = (0..1 + next(12))
                .map(|_| PIECES[next(PIECES.len())])
                .collect();
            let input = lines.join("\n").replace("\\t", "\t");
            let output = markdown(&input).join("\n");
            for event in Parser::new_ext(&output, options) {
                if let Event::Start(Tag::CodeBlock(kind)) = event {
                    let CodeBlockKind::Fenced(info) = kind else {
                        panic!(
                            "case {case}: an indented code block (a doctest) from {input:?}:\n{output}"
                        );
                    };
                    // rustdoc compiles a block unless its info string has a token that is neither
                    // `rust` nor one of its own attributes.
                    let rustdoc_token = |token: &str| {
                        token.is_empty()
                            || token.starts_with("edition")
                            || (token.len() == 5
                                && token.starts_with('E')
                                && token[1..].bytes().all(|b| b.is_ascii_digit()))
                            || [
                                "rust",
                                "ignore",
                                "should_panic",
                                "no_run",
                                "compile_fail",
                                "test_harness",
                                "standalone_crate",
                                "allow_fail",
                                "custom",
                            ]
                            .contains(&token)
                    };
                    let tokens: Vec<&str> = info
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .filter(|t| !t.is_empty())
                        .collect();
                    assert!(
                        !tokens.is_empty()
                            && !tokens.iter().all(|t| rustdoc_token(
                                t.trim_start_matches('{').trim_start_matches('.')
                            )),
                        "case {case}: a fence labelled {info:?} from {input:?}:\n{output}"
                    );
                }
            }
        }
    }

    #[test]
    fn doc_lines_put_summary_description_and_notes_in_paragraphs() {
        let doc = Doc {
            summary: Some("List users".into()),
            description: Some("Retrieves\nall users.".into()),
            notes: vec!["Default: `10`.".into()],
            deprecated: false,
        };
        assert_eq!(
            lines(&doc),
            vec![
                "List users",
                "",
                "Retrieves",
                "all users.",
                "",
                "Default: `10`."
            ]
        );
    }
}
