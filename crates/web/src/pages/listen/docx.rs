//! The text of a `.docx` file: `word/document.xml` read from the zip, paragraphs as lines.
//! A deliberately small XML reader: text of `<w:t>` elements, `<w:tab/>` as a tab, `<w:br/>` and
//! the end of each `<w:p>` as a line break, the five XML entities and numeric references decoded.

use std::io::Read as _;

/// Largest unpacked document.xml read (a zip bomb stops here).
const MAX_XML: u64 = 32 * 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum DocxError {
    /// Not a zip, or no `word/document.xml` in it.
    NotDocx,
    TooLarge,
}

pub fn text(bytes: &[u8]) -> Result<String, DocxError> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| DocxError::NotDocx)?;
    let file = zip
        .by_name("word/document.xml")
        .map_err(|_| DocxError::NotDocx)?;
    let mut xml = String::new();
    file.take(MAX_XML + 1)
        .read_to_string(&mut xml)
        .map_err(|_| DocxError::NotDocx)?;
    if xml.len() as u64 > MAX_XML {
        return Err(DocxError::TooLarge);
    }
    Ok(xml_text(&xml))
}

/// The paragraphs of WordprocessingML as lines.
pub fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut in_text = false;
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        if in_text {
            decode_into(&rest[..lt], &mut out);
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_end_matches('/')
            .split(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("");
        match name {
            "w:t" => in_text = !self_closing,
            "/w:t" => in_text = false,
            "w:tab" => out.push('\t'),
            "/w:p" | "w:br" | "w:cr" => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

fn decode_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';').filter(|n| *n <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let entity = &after[..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        if let Some(c) = decoded {
            out.push(c);
            rest = &after[semi + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn docx(xml: &str) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", opts).unwrap();
        z.write_all(xml.as_bytes()).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn paragraphs_become_lines_and_entities_decode() {
        let xml = r#"<?xml version="1.0"?><w:document><w:body>
<w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:t>Interviewer: Hoe gaat het,</w:t></w:r><w:r><w:t xml:space="preserve"> mevrouw Jansen?</w:t></w:r></w:p>
<w:p><w:r><w:t>Bewoner: Goed &amp; wel, kamer 12</w:t><w:tab/><w:t>&#233;n &lt;ok&gt;</w:t></w:r></w:p>
</w:body></w:document>"#;
        let t = text(&docx(xml)).unwrap();
        assert_eq!(
            t,
            "Interviewer: Hoe gaat het, mevrouw Jansen?\nBewoner: Goed & wel, kamer 12\tén <ok>"
        );
    }

    #[test]
    fn other_files_are_refused() {
        assert_eq!(text(b"plain text"), Err(DocxError::NotDocx));
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("other.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.finish().unwrap();
        assert_eq!(text(&buf.into_inner()), Err(DocxError::NotDocx));
    }
}
