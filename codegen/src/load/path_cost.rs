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

/// The bound for `target` over a document of `n` nodes, and the deepest nesting of filters.
pub(crate) fn estimate(target: &str, n: u64) -> (u64, usize) {
    let chars: Vec<char> = target.chars().collect();
    let mut parser = Parser {
        chars: &chars,
        at: 0,
        n: n.max(1),
        depth: 0,
        deepest: 0,
    };
    let (cost, _) = parser.query(1);
    (cost, parser.deepest)
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    n: u64,
    /// Filters we are inside of.
    depth: usize,
    deepest: usize,
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
        while let Some(c) = self.peek() {
            match c {
                ',' | ']' if parentheses == 0 => break,
                '(' => {
                    parentheses += 1;
                    self.at += 1;
                }
                ')' => {
                    parentheses = parentheses.saturating_sub(1);
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
            .0 < 100 * n
        );
        assert!(
            estimate(
                "$.paths.*.*.parameters[?@.name == 'rpp' || @.name == 'page'].schema",
                n
            )
            .0 <= 10 * n,
            "wildcards are bounded by the document"
        );
        let one = estimate("$..[?@.operationId == 'x']", n);
        assert_eq!(one.1, 1);
        assert!(
            one.0 >= n && one.0 < 10 * n,
            "one search of the document: {one:?}"
        );
        let two = estimate("$..[?$..[?@.zzz_never]]", n);
        assert_eq!(two.1, 2);
        assert!(two.0 > one.0 * 1000, "{two:?} vs {one:?}");
        let three = estimate("$..[?$..[?$..[?@.zzz_never]]]", n);
        assert_eq!(three.1, 3);
        assert!(three.0 > two.0, "{three:?}");
        // Strings do not count: `$..` inside quotes is text.
        assert_eq!(estimate("$.a[?@.b == '$..[?$..x]']", n).1, 1);
    }
}
