//! How much work a JSONPath target can take, before it runs: an upper bound on the nodes its
//! evaluation visits in a document of `n` nodes.
//!
//! A filter runs its own queries once per candidate node, so filters nested in filters multiply:
//! `$..[?$..[?@.x]]` visits about n² nodes, one more level n³, and 159 bytes of overlay kept
//! `generate` busy for minutes. `serde_json_path` evaluates without a budget and does not expose
//! its parsed query, so the bound is computed here from the target's text (already checked to be
//! valid RFC 9535 by `serde_json_path`): segments, the selectors of each, and the queries that
//! filters embed. The bound is deliberately coarse (every step may fan out to the whole document,
//! capped at the document), so it refuses only what nests searches over the whole document.

/// What a target may cost: the nodes its evaluation may visit (a regular expression test counts
/// as [`REGEX_COST`] of them), the deepest nesting of filters, and its regular expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Estimate {
    pub cost: u64,
    pub nesting: usize,
    /// The patterns of its `match` and `search` functions.
    pub patterns: Vec<String>,
}

/// What one test of a regular expression costs, in nodes visited: `serde_json_path` compiles the
/// pattern again for every node it tests (`$..[?match(@, '\\w{300}')]` over a spec took 226 s).
/// A pattern that fits [`MAX_PATTERN_PROGRAM`] compiles in under a millisecond (a Unicode class
/// such as `\w` takes about 0.6 ms), so the target limit leaves at most 20,000 tests: seconds.
pub(crate) const REGEX_COST: u64 = 1_000;

/// The bound for `target` over a document of `n` nodes.
pub(crate) fn estimate(target: &str, n: u64) -> Estimate {
    let chars: Vec<char> = target.chars().collect();
    let mut parser = Parser {
        chars: &chars,
        at: 0,
        n: n.max(1),
        depth: 0,
        deepest: 0,
        patterns: Vec::new(),
    };
    let (cost, _) = parser.query(1);
    Estimate {
        cost,
        nesting: parser.deepest,
        patterns: parser.patterns,
    }
}

/// Longest regular expression a target's filter may use, in characters.
pub const MAX_PATTERN_CHARS: usize = 256;

/// Largest compiled program of such a pattern, in bytes (the regex crate's own size limit): what
/// makes a short pattern slow to compile, such as `\w{300}` (300 copies of a large class), is
/// refused by it.
pub const MAX_PATTERN_PROGRAM: usize = 64 * 1024;

/// Why a regular expression of a filter (as written in the target's string literal) is refused,
/// if it is: too long, not a regular expression, or compiling to more than
/// [`MAX_PATTERN_PROGRAM`]. Compiled once here, with the regex crate the JSONPath library uses.
pub(crate) fn pattern_problem(literal: &str) -> Option<String> {
    if literal.chars().count() > MAX_PATTERN_CHARS {
        return Some(format!("is longer than {MAX_PATTERN_CHARS} characters"));
    }
    // The string literal's own escapes (`\\` is one backslash of the pattern).
    let mut pattern = String::with_capacity(literal.len());
    let mut chars = literal.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ ('\\' | '\'' | '"' | '/'))) => {
                pattern.push(next);
                chars.next();
            }
            _ => pattern.push(c),
        }
    }
    match regex::RegexBuilder::new(&pattern)
        .size_limit(MAX_PATTERN_PROGRAM)
        .build()
    {
        Ok(_) => None,
        Err(regex::Error::CompiledTooBig(_)) => Some(format!(
            "compiles to more than {} KiB (a counted repetition of a large class, such as `\\w{{300}}`, does)",
            MAX_PATTERN_PROGRAM / 1024
        )),
        Err(e) => Some(format!(
            "is not a regular expression: {}",
            crate::text::one_line(&e.to_string())
        )),
    }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    n: u64,
    /// Filters we are inside of.
    depth: usize,
    deepest: usize,
    patterns: Vec<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    /// A query at the cursor (its `$` or `@` first), starting from `input` nodes: (the nodes it
    /// visits, the nodes it selects).
    fn query(&mut self, input: u64) -> (u64, u64) {
        if matches!(self.peek(), Some('$' | '@')) {
            self.at += 1;
        }
        let (mut cost, mut nodes) = (1u64, input);
        loop {
            self.skip_space_before_segment();
            let descendant = match (self.peek(), self.peek_at(1)) {
                (Some('.'), Some('.')) => {
                    self.at += 2;
                    true
                }
                (Some('.'), _) => {
                    self.at += 1;
                    false
                }
                (Some('['), _) => false,
                _ => return (cost, nodes),
            };
            // A descendant segment visits the nodes under its inputs: the document, at most.
            let candidates = if descendant {
                cost = cost.saturating_add(self.n);
                self.n
            } else {
                nodes
            };
            let (visited, selected) = match self.peek() {
                Some('[') => self.bracketed(candidates),
                Some('*') => {
                    self.at += 1;
                    (candidates, self.n)
                }
                _ => {
                    // A member name.
                    while self
                        .peek()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_' || !c.is_ascii())
                    {
                        self.at += 1;
                    }
                    (candidates, candidates)
                }
            };
            cost = cost.saturating_add(visited);
            nodes = selected.min(self.n);
        }
    }

    /// Whitespace is allowed before a segment only in bracket and filter positions; skip it when a
    /// segment follows.
    fn skip_space_before_segment(&mut self) {
        let mut ahead = self.at;
        while self.chars.get(ahead).is_some_and(|c| c.is_whitespace()) {
            ahead += 1;
        }
        if matches!(self.chars.get(ahead), Some('['))
            || (matches!(self.chars.get(ahead), Some('.')) && ahead > self.at)
        {
            self.at = ahead;
        }
    }

    /// `[selector, …]` over `candidates` nodes: (visited, selected).
    fn bracketed(&mut self, candidates: u64) -> (u64, u64) {
        self.at += 1; // `[`
        let (mut visited, mut selected) = (0u64, 0u64);
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.at += 1;
            }
            match self.peek() {
                None => return (visited, selected),
                Some(']') => {
                    self.at += 1;
                    return (visited, selected);
                }
                Some(',') => self.at += 1,
                Some('\'' | '"') => {
                    self.string();
                    visited = visited.saturating_add(candidates);
                    selected = selected.saturating_add(candidates);
                }
                Some('?') => {
                    self.at += 1;
                    // Every child of every candidate is tested (the children of distinct nodes:
                    // the document, at most), each test running the filter's queries.
                    let children = candidates.saturating_mul(self.n).min(self.n);
                    self.depth += 1;
                    self.deepest = self.deepest.max(self.depth);
                    let per_test = self.filter();
                    self.depth -= 1;
                    visited = visited.saturating_add(children.saturating_mul(per_test.max(1)));
                    selected = selected.saturating_add(children);
                }
                Some(_) => {
                    // An index, a slice or `*`: up to every child.
                    while self.peek().is_some_and(|c| !matches!(c, ',' | ']')) {
                        self.at += 1;
                    }
                    visited = visited.saturating_add(candidates.saturating_mul(self.n).min(self.n));
                    selected =
                        selected.saturating_add(candidates.saturating_mul(self.n).min(self.n));
                }
            }
        }
    }

    /// A filter expression, up to the `,` or `]` that ends it: the nodes its queries visit for
    /// one candidate.
    fn filter(&mut self) -> u64 {
        let mut cost = 0u64;
        let mut parentheses = 0usize;
        // Inside `match(…)`/`search(…)`: its string arguments are patterns (the second one is
        // the pattern; a first one in quotes is a literal, counted too, which only errs high).
        let mut regex_at: Option<usize> = None;
        while let Some(c) = self.peek() {
            match c {
                ',' | ']' if parentheses == 0 => break,
                '(' => {
                    let name: String = self.chars[..self.at]
                        .iter()
                        .rev()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect();
                    if name == "match" || name == "search" {
                        cost = cost.saturating_add(REGEX_COST);
                        regex_at.get_or_insert(parentheses);
                    }
                    parentheses += 1;
                    self.at += 1;
                }
                '\'' | '"' if regex_at.is_some() => {
                    let start = self.at + 1;
                    self.string();
                    let end = self.at.saturating_sub(1).max(start);
                    self.patterns.push(self.chars[start..end].iter().collect());
                }
                ')' => {
                    parentheses = parentheses.saturating_sub(1);
                    if regex_at == Some(parentheses) {
                        regex_at = None;
                    }
                    self.at += 1;
                }
                '\'' | '"' => self.string(),
                '$' => {
                    // An absolute query, run from the root for each candidate.
                    let (visited, _) = self.query(1);
                    cost = cost.saturating_add(visited);
                }
                '@' => {
                    let (visited, _) = self.query(1);
                    cost = cost.saturating_add(visited);
                }
                _ => self.at += 1,
            }
        }
        cost
    }

    fn string(&mut self) {
        let quote = self.peek();
        self.at += 1;
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == '\\' {
                self.at += 1;
            } else if Some(c) == quote {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::estimate;

    #[test]
    fn plain_targets_are_cheap_and_nested_searches_multiply() {
        let n = 30_000;
        assert!(
            estimate(
                "$.paths['/v3/users'].get.parameters[?@.name == 'search']",
                n
            )
            .cost
                < 100 * n
        );
        assert!(
            estimate(
                "$.paths.*.*.parameters[?@.name == 'rpp' || @.name == 'page'].schema",
                n
            )
            .cost
                <= 10 * n,
            "wildcards are bounded by the document"
        );
        let one = estimate("$..[?@.operationId == 'x']", n);
        assert_eq!(one.nesting, 1);
        assert!(
            one.cost >= n && one.cost < 10 * n,
            "one search of the document: {one:?}"
        );
        let two = estimate("$..[?$..[?@.zzz_never]]", n);
        assert_eq!(two.nesting, 2);
        assert!(two.cost > one.cost * 1000, "{two:?} vs {one:?}");
        let three = estimate("$..[?$..[?$..[?@.zzz_never]]]", n);
        assert_eq!(three.nesting, 3);
        assert!(three.cost > two.cost, "{three:?}");
        // Strings do not count: `$..` inside quotes is text.
        assert_eq!(estimate("$.a[?@.b == '$..[?$..x]']", n).nesting, 1);
    }

    #[test]
    fn a_regex_test_costs_as_many_nodes_and_its_pattern_is_bounded() {
        let n = 30_000;
        // Over the whole document: a compile per node, refused by the target limit.
        let search = estimate(r"$..[?match(@, '\w{300}')]", n);
        assert!(search.cost >= n * super::REGEX_COST, "{search:?}");
        assert_eq!(search.patterns, [r"\w{300}"]);
        // Over a few nodes: fine.
        let narrow = estimate("$.paths[?search(@.summary, 'user')]", 100);
        assert!(narrow.cost < 20_000_000, "{narrow:?}");
        assert_eq!(narrow.patterns, ["user"]);
        // As written in a JSONPath string: a backslash twice.
        assert!(
            super::pattern_problem(r"\\w{300}")
                .unwrap()
                .contains("64 KiB")
        );
        assert!(super::pattern_problem(r"\\w{8}").is_some());
        assert!(
            super::pattern_problem(&"a".repeat(257))
                .unwrap()
                .contains("longer")
        );
        assert!(
            super::pattern_problem("(")
                .unwrap()
                .contains("not a regular expression")
        );
        assert_eq!(super::pattern_problem(r"^get[A-Z][a-z]{0,8}$"), None);
        assert_eq!(super::pattern_problem(r"\\w+"), None);
    }
}
