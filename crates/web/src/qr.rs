//! QR codes as inline SVG, for the ward's poster: one `<path>` of dark modules on a white square
//! with the standard quiet zone of four modules, so it prints sharply at any size and needs no
//! image file, script or outside service.

use std::fmt::Write as _;

/// The quiet zone around the code, in modules (ISO/IEC 18004 asks for four).
pub const QUIET_ZONE: usize = 4;

/// The dark/light modules of the QR code for `text` (error correction level M, a fair margin for
/// a poster that gets scratched), row by row, without the quiet zone. `None` when the text is too
/// long for any QR version.
pub fn matrix(text: &str) -> Option<(usize, Vec<bool>)> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some((width, dark))
}

/// The QR code for `text` as an `<svg>` element with `role="img"` and `label` as its accessible
/// name. The viewBox is in modules; size it with CSS.
pub fn svg(text: &str, label: &str) -> Option<String> {
    let (width, dark) = matrix(text)?;
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let x = i % width + QUIET_ZONE;
        let y = i / width + QUIET_ZONE;
        let _ = write!(path, "M{x} {y}h1v1h-1z");
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
        label = driehoek_domain::plot::escape(label),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws the matrix with its quiet zone as a greyscale picture, `scale` pixels per module.
    fn raster(width: usize, dark: &[bool], scale: usize) -> (usize, Vec<u8>) {
        let size = (width + 2 * QUIET_ZONE) * scale;
        let mut px = vec![255u8; size * size];
        for (i, d) in dark.iter().enumerate() {
            if !*d {
                continue;
            }
            let (mx, my) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            for y in my * scale..(my + 1) * scale {
                for x in mx * scale..(mx + 1) * scale {
                    px[y * size + x] = 0;
                }
            }
        }
        (size, px)
    }

    #[test]
    fn the_code_decodes_to_the_public_address() {
        let url = "https://zorg.example.nl/p/0f3c9a7e51d24b7c8a1e6d2f4b9c0a17";
        let (width, dark) = matrix(url).expect("fits");
        let (size, px) = raster(width, &dark, 4);
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| px[y * size + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code found");
        let (_, content) = grids[0].decode().expect("decodes");
        assert_eq!(content, url);
    }

    #[test]
    fn the_svg_draws_every_dark_module_once_inside_the_quiet_zone() {
        let url = "http://127.0.0.1:8080/p/abc";
        let (width, dark) = matrix(url).unwrap();
        let s = svg(url, "QR-code naar <de> pagina").unwrap();
        let size = width + 2 * QUIET_ZONE;
        assert!(s.contains(&format!("viewBox=\"0 0 {size} {size}\"")));
        assert_eq!(
            s.matches("h1v1h-1z").count(),
            dark.iter().filter(|d| **d).count()
        );
        // The top-left finder pattern starts right after the quiet zone.
        assert!(s.contains(&format!("M{QUIET_ZONE} {QUIET_ZONE}h1v1h-1z")));
        assert!(s.contains("aria-label=\"QR-code naar &lt;de&gt; pagina\""));
        assert!(!s.contains("<image"), "vector only");
    }

    #[test]
    fn too_long_a_text_has_no_code() {
        assert!(matrix(&"x".repeat(5000)).is_none());
    }
}
