//! A small tokenizer for one line of text: words, numbers and single punctuation characters,
//! with byte offsets and the whitespace before each token.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Number,
    Punct(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// Whether whitespace separates this token from the previous one.
    pub space_before: bool,
}

/// A letter, or a combining mark of a decomposed accent (e + U+0301).
pub(super) fn is_letter(c: char) -> bool {
    c.is_alphabetic() || ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Tokenizes `line`, which starts at byte `offset` of the whole text, into `out` (cleared first).
/// A word may contain inner hyphens and apostrophes ("Anne-Marie", "m'n"); "'t", "'s" and "'n"
/// are words of their own because they occur in surnames ("van 't Hof").
pub(super) fn tokenize(line: &str, offset: usize, out: &mut Vec<Token>) {
    out.clear();
    let bytes = line.as_bytes();
    let mut iter = line.char_indices().peekable();
    let mut space_before = false;
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            space_before = true;
            continue;
        }
        let mut end = i + c.len_utf8();
        let kind = if is_letter(c) || (is_apostrophe(c) && elided_article(&line[end..])) {
            while let Some(&(j, d)) = iter.peek() {
                // Letters, and a hyphen or apostrophe only between letters ("Anne-Marie").
                if is_letter(d)
                    || ((d == '-' || is_apostrophe(d))
                        && line[j + d.len_utf8()..]
                            .chars()
                            .next()
                            .is_some_and(is_letter))
                {
                    iter.next();
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
            Kind::Word
        } else if c.is_ascii_digit() {
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                iter.next();
                end += 1;
            }
            Kind::Number
        } else {
            Kind::Punct(c)
        };
        out.push(Token {
            start: offset + i,
            end: offset + end,
            kind,
            space_before,
        });
        space_before = false;
    }
}

/// After an apostrophe: "t", "s" or "n" as a whole word ('t, 's, 'n).
fn elided_article(rest: &str) -> bool {
    let mut chars = rest.chars();
    matches!(chars.next(), Some('t' | 's' | 'n')) && !chars.next().is_some_and(is_letter)
}
