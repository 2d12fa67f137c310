//! A linear pre-scan of YAML text for its nesting depth, before the YAML parser sees it.
//!
//! libyaml (under serde_yaml) reads the whole event stream before serde_yaml checks its recursion
//! limit, and its scanner does work proportional to the nesting depth for every token: a document
//! of 100,000 nested flow mappings took 80 s to be refused. This scan bounds the depth first, in
//! one pass over the bytes with constant work per byte.
//!
//! It is an estimate, not a parser, made to over-count real documents by at most one level (a
//! flow collection that starts a line counts as a block level too):
//! - block nesting is the stack of indentation columns (each `- ` opens one more level);
//! - flow nesting counts `[`/`{` only where a flow collection can start (at a value position, or
//!   inside another flow collection), skipping quoted scalars, comments and block scalars
//!   (`|`, `>`), so brackets inside text never count.
//!
//! It can under-count by at most half (a sequence at the same indentation as its parent key),
//! which only means the parser's own limit, checked afterwards, does the final refusal.

/// Where the nesting first goes deeper than `limit`: (line, column), both 1-based.
pub(crate) fn too_deep(text: &str, limit: usize) -> Option<(usize, usize)> {
    let mut scan = Scan {
        limit,
        blocks: Vec::new(),
        flow: 0,
        block_scalar: None,
        quote: None,
    };
    for (index, line) in text.split('\n').enumerate() {
        if let Some(column) = scan.line(line.as_bytes()) {
            return Some((index + 1, column + 1));
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq)]
enum Quote {
    Single,
    Double,
}

struct Scan {
    limit: usize,
    /// Columns where the open block nodes start.
    blocks: Vec<usize>,
    /// Open flow collections.
    flow: usize,
    /// Inside a block scalar whose lines are indented more than this column.
    block_scalar: Option<usize>,
    /// Inside a quoted scalar that continues on the next line.
    quote: Option<Quote>,
}

/// `Err(column)` when the nesting passes the limit at that column.
type Step<T> = Result<T, usize>;

impl Scan {
    /// Scans one line; the column where the limit is passed, if it is.
    fn line(&mut self, line: &[u8]) -> Option<usize> {
        self.scan_line(line).err()
    }

    fn scan_line(&mut self, line: &[u8]) -> Step<()> {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let blank = line[indent..].iter().all(|b| b.is_ascii_whitespace());
        if let Some(parent) = self.block_scalar {
            if blank || indent > parent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut i = indent;
        if self.quote.is_some() || self.flow > 0 {
            i = self.continue_inline(line, i)?;
            if self.quote.is_some() || self.flow > 0 {
                return Ok(());
            }
        }
        if i >= line.len() || blank || line[i] == b'#' {
            return Ok(());
        }
        if i == indent {
            // A new block node starts at this line's indentation.
            while self.blocks.last().is_some_and(|&top| top >= indent) {
                self.blocks.pop();
            }
            self.blocks.push(indent);
            self.check(indent)?;
        }
        // Sequence entries (`- - a`) each open a level at the column after the dash.
        while i < line.len()
            && (line[i] == b'-' || line[i] == b'?')
            && line.get(i + 1).is_none_or(|b| *b == b' ')
        {
            i += 1;
            while i < line.len() && line[i] == b' ' {
                i += 1;
            }
            if i >= line.len() || line[i] == b'#' {
                return Ok(());
            }
            self.blocks.push(i);
            self.check(i)?;
        }
        self.value_position(line, i, indent)
    }

    /// At the start of a node's content: a flow collection, a quoted scalar, a block scalar
    /// indicator, or a mapping key followed by its value.
    fn value_position(&mut self, line: &[u8], mut i: usize, indent: usize) -> Step<()> {
        loop {
            i = skip_properties(line, i);
            match line.get(i) {
                None | Some(b'#') => return Ok(()),
                Some(b'[' | b'{') => return self.continue_inline(line, i).map(drop),
                Some(b'|' | b'>') => {
                    self.block_scalar = Some(indent);
                    return Ok(());
                }
                Some(b'"' | b'\'') => {
                    let quote = if line[i] == b'"' {
                        Quote::Double
                    } else {
                        Quote::Single
                    };
                    self.quote = Some(quote);
                    i = self.continue_inline(line, i + 1)?;
                    if self.quote.is_some() {
                        return Ok(());
                    }
                    // A quoted key: its value follows the `:`.
                    match find_value(line, i) {
                        Some(next) => i = next,
                        None => return Ok(()),
                    }
                }
                Some(_) => match find_value(line, i) {
                    // `key: value`: look at the value.
                    Some(next) => i = next,
                    // A plain scalar: brackets in it are text.
                    None => return Ok(()),
                },
            }
        }
    }

    /// Scans inside quotes or flow collections from `i`; returns where it stopped (the end of
    /// the line, or just after the construct closed).
    fn continue_inline(&mut self, line: &[u8], mut i: usize) -> Step<usize> {
        while i < line.len() {
            match (self.quote, line[i]) {
                (Some(Quote::Double), b'\\') => i += 1,
                (Some(Quote::Double), b'"') => {
                    self.quote = None;
                    if self.flow == 0 {
                        return Ok(i + 1);
                    }
                }
                (Some(Quote::Single), b'\'') => {
                    if line.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        self.quote = None;
                        if self.flow == 0 {
                            return Ok(i + 1);
                        }
                    }
                }
                (Some(_), _) => {}
                (None, b'"') => self.quote = Some(Quote::Double),
                (None, b'\'') => self.quote = Some(Quote::Single),
                (None, b'[' | b'{') => {
                    self.flow += 1;
                    self.check(i)?;
                }
                (None, b']' | b'}') => {
                    self.flow = self.flow.saturating_sub(1);
                    if self.flow == 0 {
                        return Ok(i + 1);
                    }
                }
                (None, b'#') if i == 0 || line[i - 1] == b' ' || line[i - 1] == b'\t' => {
                    return Ok(line.len());
                }
                _ => {}
            }
            i += 1;
        }
        Ok(i)
    }

    /// `Err(column)` when the depth is past the limit.
    fn check(&self, column: usize) -> Step<()> {
        if self.blocks.len() + self.flow > self.limit {
            Err(column)
        } else {
            Ok(())
        }
    }
}

/// Skips anchors (`&a`), tags (`!t`) and the spaces after them.
fn skip_properties(line: &[u8], mut i: usize) -> usize {
    loop {
        while i < line.len() && line[i] == b' ' {
            i += 1;
        }
        match line.get(i) {
            Some(b'&' | b'!') => {
                while i < line.len() && line[i] != b' ' {
                    i += 1;
                }
            }
            _ => return i,
        }
    }
}

/// The start of the value after a plain key on this line (`key: value`), if the line is one.
fn find_value(line: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b':' if line.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t') => {
                return Some(i + 1);
            }
            b'#' if i > from && line[i - 1] == b' ' => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str, limit: usize) -> bool {
        too_deep(text, limit).is_none()
    }

    #[test]
    fn counts_block_and_flow_nesting() {
        let text = "a:\n  b:\n    c: [1, {d: [2]}]\n";
        assert!(depth_ok(text, 6));
        assert_eq!(too_deep(text, 5), Some((3, 16)));
        assert_eq!(too_deep("- - - - x\n", 3), Some((1, 7)));
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let text = "a: see [docs] and {x\nb: \"[[[[[[\"\nc: |\n  [[[[[[[[\n  {{{{{\nd: '[[[['\ne: x # [[[[\n";
        assert!(depth_ok(text, 2), "{:?}", too_deep(text, 2));
    }

    #[test]
    fn deep_flow_documents_are_refused_in_linear_time() {
        let depth = 100_000;
        let text = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
        // The root's block level plus 128 flow levels: refused at the 128th brace.
        assert_eq!(too_deep(&text, 128), Some((1, 127 * 5 + 1)));
    }
}
