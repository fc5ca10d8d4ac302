//! A small PDF writer for reports (the kwaliteitsbeeld): A4 pages, headings, wrapped paragraphs,
//! simple tables, and charts drawn as vector paths. Text uses the standard-14 fonts Helvetica and
//! Helvetica-Bold with WinAnsiEncoding, which every PDF reader has: nothing is embedded or
//! downloaded, and Dutch accents (é, ë, ï) come out right. Line wrapping and page breaks are done
//! here with the fonts' published advance widths.
//!
//! Content streams are left uncompressed: reports are small, and tests can read them.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.5;
const LINE: f32 = 1.35;

/// Helvetica advance widths (1/1000 em) for ASCII 32–126.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
/// Helvetica-Bold advance widths (1/1000 em) for ASCII 32–126.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The font of a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

impl Font {
    fn name(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }
}

/// The byte of `c` in WinAnsiEncoding (Windows-1252); `?` for what it cannot show.
pub fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '™' => 0x99,
        '\t' | '\n' | '\r' => b' ',
        _ => b'?',
    }
}

/// The bytes of a text in WinAnsiEncoding.
pub fn encode(s: &str) -> Vec<u8> {
    s.chars().map(win_ansi).collect()
}

/// The ASCII letter a Latin-1 letter is drawn on (é → e), for its width.
fn base_letter(b: u8) -> u8 {
    match b {
        0xC0..=0xC5 => b'A',
        0xC7 => b'C',
        0xC8..=0xCB => b'E',
        0xCC..=0xCF => b'I',
        0xD1 => b'N',
        0xD2..=0xD6 | 0xD8 => b'O',
        0xD9..=0xDC => b'U',
        0xDD => b'Y',
        0xE0..=0xE5 => b'a',
        0xE7 => b'c',
        0xE8..=0xEB => b'e',
        0xEC..=0xEF => b'i',
        0xF2..=0xF6 | 0xF8 => b'o',
        0xF9..=0xFC => b'u',
        0xFD | 0xFF => b'y',
        _ => b'n',
    }
}

fn byte_width(font: Font, b: u8) -> u16 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    match b {
        32..=126 => table[usize::from(b - 32)],
        0x85 | 0x97 | 0x99 => 1000,
        0x91 | 0x92 | 0x82 | 0xA0 => 278,
        0x93 | 0x94 | 0x84 => 500,
        0x95 => 350,
        0x96 | 0x80 => 556,
        0xB0 => 400,
        _ => table[usize::from(base_letter(b) - 32)],
    }
}

/// The width of a text in points at `size`.
pub fn text_width(font: Font, size: f32, s: &str) -> f32 {
    let units: u32 = s
        .chars()
        .map(|c| u32::from(byte_width(font, win_ansi(c))))
        .sum();
    units as f32 * size / 1000.0
}

/// Breaks a text into lines no wider than `width` points; a word longer than a line is cut.
pub fn wrap(font: Font, size: f32, s: &str, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(font, size, &candidate) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line: cut it into pieces that fit.
            let mut piece = String::new();
            for ch in word.chars() {
                piece.push(ch);
                if text_width(font, size, &piece) > width && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// An RGB colour, 0–1.
pub type Rgb = (f32, f32, f32);
pub const BLACK: Rgb = (0.0, 0.0, 0.0);
pub const GREY: Rgb = (0.45, 0.45, 0.45);
pub const LIGHT: Rgb = (0.85, 0.85, 0.85);
pub const GREEN: Rgb = (0.13, 0.47, 0.29);
pub const RED: Rgb = (0.70, 0.18, 0.15);
pub const BLUE: Rgb = (0.12, 0.31, 0.60);

/// A document being written, top to bottom.
pub struct Document {
    title: String,
    footer: String,
    pages: Vec<Content>,
    /// Distance from the top of the page to the next line's top.
    y: f32,
}

impl Document {
    /// A new document; `footer` is printed on every page with its number.
    pub fn new(title: &str, footer: &str) -> Document {
        let mut d = Document {
            title: title.to_string(),
            footer: footer.to_string(),
            pages: Vec::new(),
            y: 0.0,
        };
        d.new_page();
        d
    }

    /// The width text may use.
    pub fn width() -> f32 {
        PAGE_W - 2.0 * MARGIN
    }

    pub fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` points still fit on this one.
    pub fn need(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN - 16.0 {
            self.new_page();
        }
    }

    fn content(&mut self) -> &mut Content {
        self.pages.last_mut().expect("a page is always open")
    }

    /// Writes one line of text with its top at `top` (from the page's top), left at `x`.
    fn line_at(&mut self, font: Font, size: f32, x: f32, top: f32, s: &str, colour: Rgb) {
        let bytes = encode(s);
        let baseline = PAGE_H - top - size * 0.8;
        let c = self.content();
        c.set_fill_rgb(colour.0, colour.1, colour.2);
        c.begin_text();
        c.set_font(font.name(), size);
        c.next_line(x, baseline);
        c.show(Str(&bytes));
        c.end_text();
    }

    /// Wrapped text in the full width, with page breaks between lines.
    pub fn text(&mut self, font: Font, size: f32, s: &str, colour: Rgb) {
        self.text_indented(font, size, s, colour, 0.0);
    }

    fn text_indented(&mut self, font: Font, size: f32, s: &str, colour: Rgb, indent: f32) {
        let lead = size * LINE;
        for line in wrap(font, size, s, Document::width() - indent) {
            self.need(lead);
            let top = self.y;
            self.line_at(font, size, MARGIN + indent, top, &line, colour);
            self.y += lead;
        }
    }

    pub fn heading(&mut self, level: u8, s: &str) {
        let size = match level {
            1 => 20.0,
            2 => 15.0,
            _ => 12.0,
        };
        // Keep a heading together with at least three lines of what follows.
        self.need(size * 2.0 + BODY * LINE * 3.0);
        self.y += if level == 1 { 0.0 } else { size * 0.6 };
        self.text(Font::Bold, size, s, BLACK);
        self.y += size * 0.3;
    }

    pub fn paragraph(&mut self, s: &str) {
        self.text(Font::Regular, BODY, s, BLACK);
        self.y += BODY * 0.5;
    }

    pub fn small(&mut self, s: &str) {
        self.text(Font::Regular, 9.0, s, GREY);
        self.y += 4.0;
    }

    /// A bulleted item.
    pub fn bullet(&mut self, s: &str) {
        let lead = BODY * LINE;
        self.need(lead);
        let top = self.y;
        self.line_at(Font::Regular, BODY, MARGIN + 4.0, top, "•", BLACK);
        self.text_indented(Font::Regular, BODY, s, BLACK, 16.0);
    }

    /// A table: a bold header row and rows of cells; `widths` are shares of the full width.
    /// Cells wrap; a row is never split over two pages.
    pub fn table(&mut self, header: &[String], rows: &[Vec<String>], widths: &[f32]) {
        let total: f32 = widths.iter().sum();
        let cols: Vec<f32> = widths
            .iter()
            .map(|w| w / total * Document::width())
            .collect();
        let size = 9.5;
        let lead = size * LINE;
        let draw_row = |doc: &mut Document, cells: &[String], font: Font| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .zip(&cols)
                .map(|(c, w)| wrap(font, size, c, w - 6.0))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = lines as f32 * lead + 4.0;
            doc.need(height);
            let top = doc.y;
            let mut x = MARGIN;
            for (cell, w) in wrapped.iter().zip(&cols) {
                for (i, line) in cell.iter().enumerate() {
                    doc.line_at(
                        font,
                        size,
                        x + 2.0,
                        top + 2.0 + i as f32 * lead,
                        line,
                        BLACK,
                    );
                }
                x += w;
            }
            let y = PAGE_H - top - height;
            let c = doc.content();
            c.set_stroke_rgb(LIGHT.0, LIGHT.1, LIGHT.2);
            c.set_line_width(0.5);
            c.move_to(MARGIN, y);
            c.line_to(PAGE_W - MARGIN, y);
            c.stroke();
            doc.y += height;
        };
        draw_row(self, header, Font::Bold);
        for r in rows {
            draw_row(self, r, Font::Regular);
        }
        self.y += BODY * 0.6;
    }

    /// Reserves a box of `height` points over the full width for a chart and returns a canvas
    /// whose coordinates are points from the box's top-left corner.
    pub fn chart(&mut self, height: f32) -> Canvas<'_> {
        self.need(height);
        let top = self.y;
        self.y += height + 6.0;
        Canvas {
            doc: self,
            left: MARGIN,
            top,
        }
    }

    /// The finished PDF.
    pub fn finish(mut self) -> Vec<u8> {
        let count = self.pages.len();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first = 6;
        let page_ids: Vec<Ref> = (0..count).map(|i| Ref::new(first + 2 * i as i32)).collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(count as i32);
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .creator(TextStr("Driehoek"));
        let pages = std::mem::take(&mut self.pages);
        for (i, mut content) in pages.into_iter().enumerate() {
            let footer = format!("{} · {}/{}", self.footer, i + 1, count);
            let bytes = encode(&footer);
            content.set_fill_rgb(GREY.0, GREY.1, GREY.2);
            content.begin_text();
            content.set_font(Font::Regular.name(), 8.0);
            content.next_line(MARGIN, MARGIN / 2.0);
            content.show(Str(&bytes));
            content.end_text();
            let page_id = page_ids[i];
            let content_id = Ref::new(page_id.get() + 1);
            let mut page = pdf.page(page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
            page.parent(tree);
            page.contents(content_id);
            let mut res = page.resources();
            let mut fonts = res.fonts();
            fonts.pair(Font::Regular.name(), regular);
            fonts.pair(Font::Bold.name(), bold);
            fonts.finish();
            res.finish();
            page.finish();
            pdf.stream(content_id, &content.finish());
        }
        pdf.finish()
    }
}

/// Drawing inside a chart box; coordinates in points from its top-left corner, y downwards.
#[allow(clippy::many_single_char_names)]
pub struct Canvas<'a> {
    doc: &'a mut Document,
    left: f32,
    top: f32,
}

#[allow(clippy::many_single_char_names)]
impl Canvas<'_> {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.left + x, PAGE_H - self.top - y)
    }

    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), colour: Rgb, width: f32) {
        let a = self.at(from.0, from.1);
        let b = self.at(to.0, to.1);
        let c = self.doc.content();
        c.set_stroke_rgb(colour.0, colour.1, colour.2);
        c.set_line_width(width);
        c.move_to(a.0, a.1);
        c.line_to(b.0, b.1);
        c.stroke();
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
        let (px, py) = self.at(x, y + h);
        let c = self.doc.content();
        c.set_fill_rgb(fill.0, fill.1, fill.2);
        c.rect(px, py, w, h);
        c.fill_nonzero();
    }

    pub fn outline(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
        let (px, py) = self.at(x, y + h);
        let c = self.doc.content();
        c.set_stroke_rgb(colour.0, colour.1, colour.2);
        c.set_line_width(0.75);
        c.rect(px, py, w, h);
        c.stroke();
    }

    /// A filled circle (four Bézier arcs).
    pub fn dot(&mut self, x: f32, y: f32, r: f32, fill: Rgb) {
        let (cx, cy) = self.at(x, y);
        let k = 0.552_284_8 * r;
        let c = self.doc.content();
        c.set_fill_rgb(fill.0, fill.1, fill.2);
        c.move_to(cx + r, cy);
        c.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        c.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        c.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        c.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        c.close_path();
        c.fill_nonzero();
    }

    /// One line of text with its top at (x, y).
    pub fn label(&mut self, x: f32, y: f32, size: f32, s: &str, colour: Rgb) {
        let (left, top) = (self.left + x, self.top + y);
        self.doc.line_at(Font::Regular, size, left, top, s, colour);
    }
}

/// The text a PDF written by [`Document`] shows: the strings of its `Tj` operators in order, one
/// line each, decoded from WinAnsiEncoding. Content streams are uncompressed, so this needs no
/// PDF library; tests use it where `pdftotext` is not installed. Reads literal strings (with
/// escapes and balanced parentheses) and hex strings, as pdf-writer writes them.
pub fn shown_text(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < pdf.len() {
        let (bytes, end) = match pdf[i] {
            b'(' => literal_string(pdf, i + 1),
            b'<' if pdf.get(i + 1) != Some(&b'<') => hex_string(pdf, i + 1),
            _ => {
                i += 1;
                continue;
            }
        };
        let mut k = end;
        while pdf.get(k).is_some_and(u8::is_ascii_whitespace) {
            k += 1;
        }
        if pdf[k..].starts_with(b"Tj") {
            out.extend(bytes.iter().map(|b| win_ansi_char(*b)));
            out.push('\n');
        }
        i = end;
    }
    out
}

/// A literal string's bytes from just after its `(`, and the position after its `)`.
fn literal_string(pdf: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut depth = 0;
    while i < pdf.len() {
        match pdf[i] {
            b'\\' if i + 1 < pdf.len() => {
                i += 1;
                match pdf[i] {
                    b'n' => bytes.push(b'\n'),
                    b'r' => bytes.push(b'\r'),
                    b't' => bytes.push(b'\t'),
                    d @ b'0'..=b'7' => {
                        let mut v = u32::from(d - b'0');
                        for _ in 0..2 {
                            match pdf.get(i + 1) {
                                Some(d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        bytes.push((v & 0xFF) as u8);
                    }
                    other => bytes.push(other),
                }
            }
            b'(' => {
                depth += 1;
                bytes.push(b'(');
            }
            b')' if depth == 0 => return (bytes, i + 1),
            b')' => {
                depth -= 1;
                bytes.push(b')');
            }
            other => bytes.push(other),
        }
        i += 1;
    }
    (bytes, i)
}

/// A hex string's bytes from just after its `<`, and the position after its `>`.
fn hex_string(pdf: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut digits = Vec::new();
    while i < pdf.len() && pdf[i] != b'>' {
        if let Some(d) = char::from(pdf[i]).to_digit(16) {
            digits.push(d as u8);
        }
        i += 1;
    }
    if digits.len() % 2 == 1 {
        digits.push(0);
    }
    let bytes = digits.chunks(2).map(|p| p[0] * 16 + p[1]).collect();
    (bytes, i + 1)
}

/// The character of a WinAnsiEncoding byte (the inverse of [`win_ansi`]).
fn win_ansi_char(b: u8) -> char {
    match b {
        0x80 => '€',
        0x82 => '‚',
        0x84 => '„',
        0x85 => '…',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x99 => '™',
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_accents_are_single_win_ansi_bytes() {
        assert_eq!(encode("é ë ï"), vec![0xE9, b' ', 0xEB, b' ', 0xEF]);
        assert_eq!(encode("€–"), vec![0x80, 0x96]);
        assert_eq!(encode("△"), vec![b'?']);
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        // "Hi" in Helvetica: H 722 + i 222 units.
        assert!((text_width(Font::Regular, 10.0, "Hi") - 9.44).abs() < 0.001);
        assert!(text_width(Font::Bold, 10.0, "Hi") > text_width(Font::Regular, 10.0, "Hi"));
        assert!(
            (text_width(Font::Regular, 10.0, "é") - text_width(Font::Regular, 10.0, "e")).abs()
                < 0.001
        );
    }

    #[test]
    fn wrapping_keeps_lines_inside_the_width_and_loses_no_word() {
        let s = "Bewoners vertelden over het eten, de tuin en de aandacht van de medewerkers in de avond.";
        let lines = wrap(Font::Regular, 10.0, s, 120.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(text_width(Font::Regular, 10.0, l) <= 120.0, "{l}");
        }
        assert_eq!(lines.join(" "), s);
        let long = wrap(Font::Regular, 10.0, &"x".repeat(200), 50.0);
        assert!(
            long.len() > 1
                && long
                    .iter()
                    .all(|l| text_width(Font::Regular, 10.0, l) <= 50.0)
        );
    }

    #[test]
    fn a_long_document_breaks_into_numbered_pages() {
        let mut d = Document::new("Test", "Kwaliteitsbeeld");
        for i in 0..200 {
            d.paragraph(&format!("Alinea {i} over de zorgdriehoek."));
        }
        let pdf = d.finish();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count();
        assert!(pages >= 3, "{pages} pages");
        assert!(text.contains("/BaseFont /Helvetica"));
        assert!(text.contains("/WinAnsiEncoding"));
        assert!(!text.contains("/Image"), "no pictures");
        let shown = shown_text(&pdf);
        assert!(shown.contains("Alinea 199 over de zorgdriehoek."));
        assert!(shown.contains("Kwaliteitsbeeld · 3/"));
    }

    #[test]
    fn shown_text_reads_back_accents_and_brackets() {
        let mut d = Document::new("T", "voet");
        d.paragraph("Ideeën (café) – naïef");
        let shown = shown_text(&d.finish());
        assert!(shown.contains("Ideeën (café) – naïef"), "{shown}");
    }
}
