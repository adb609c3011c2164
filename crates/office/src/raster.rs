//! SVG charts as PNG images, for documents that cannot carry SVG (a .docx opened by WPS or an
//! older Word). Rendered by resvg with the machine's fonts; a Chinese label is drawn with any
//! installed font that has its glyphs (usvg's fallback), so a server needs one CJK font (e.g.
//! Debian's fonts-wqy-zenhei) for the labels to show.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::error::OfficeError;

/// The largest image side in pixels: a chart is a few hundred units wide.
const MAX_SIDE: f32 = 4096.0;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

/// A PNG of the SVG at `scale` (2.0 prints sharply at the chart's size), with its width and
/// height in pixels.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<(Vec<u8>, u32, u32), OfficeError> {
    let opt = usvg::Options { fontdb: fonts(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| OfficeError::Write(format!("chart: {e}")))?;
    let size = tree.size();
    let scale = scale.clamp(0.1, MAX_SIDE / size.width().max(size.height()).max(1.0));
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| OfficeError::Write("chart: empty image".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| OfficeError::Write(format!("chart: {e}")))?;
    Ok((png, pixmap.width(), pixmap.height()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::{bar_chart, Series};

    #[test]
    fn a_bar_chart_becomes_a_png_of_its_size_times_the_scale() {
        let svg = bar_chart(
            "慰问人次",
            &[Series { label: "住院".into(), value: 16.0 }, Series { label: "生育".into(), value: 5.0 }],
            "人次",
        );
        let (png, w, h) = svg_to_png(&svg, 2.0).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (w, h));
        assert!(w >= 700, "360 units at 2x: {w}");
        // Not a blank page: the bars are drawn in colour.
        let rgb = img.to_rgb8();
        assert!(rgb.pixels().any(|p| p.0 != [255, 255, 255]));
    }

    #[test]
    fn broken_svg_is_an_error_not_a_panic() {
        assert!(svg_to_png("<svg", 1.0).is_err());
        assert!(svg_to_png("not svg at all", 1.0).is_err());
    }
}
