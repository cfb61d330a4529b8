//! The PNG backend: plotters' bitmap backend with two fixes, so that PNG and SVG look
//! alike.
//!
//! - **Text.** plotters 0.3.7 draws each glyph at the pen position without the
//!   glyph's left side bearing (`style/font/ab_glyph.rs`), so glyphs with a large
//!   bearing shift left and words look badly kerned ("acute_in jury", "5 0 %MVC").
//!   Here text is laid out with [`ab_glyph`] directly: pen advance, kerning, and each
//!   glyph's outline placed at its own bounds.
//! - **Thick lines.** A path wider than 1 px is filled as one polygon whose joins are
//!   mitred, so a one-pixel spike (a short session on a long time axis) grows a long
//!   miter that pokes out of its panel. Here every segment is filled on its own (no
//!   joins); SVG strokes the whole path with round joins instead.
//!
//! Everything else is the bitmap backend's own code.

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use plotters::prelude::BitMapBackend;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontStyle,
};

/// The bitmap backend with side-bearing text and join-free thick lines.
pub(super) struct Bitmap<'a>(pub(super) BitMapBackend<'a>);

type Error<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Bitmap<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), Error<'a>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), Error<'a>> {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error<'a>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        if style.stroke_width() <= 1 {
            return self.0.draw_path(path, style);
        }
        let pts: Vec<BackendCoord> = path.into_iter().collect();
        if pts.len() == 1 {
            return self.0.draw_path(pts, style);
        }
        for w in pts.windows(2) {
            self.0.draw_path(w.iter().copied(), style)?;
        }
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<'a>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error<'a>> {
        self.0.fill_polygon(vert, style)
    }
    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), Error<'a>> {
        self.0.estimate_text_size(text, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Error<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }

    /// Text placed as plotters places it (its layout box and anchor, rotations by
    /// quarter turns), each glyph drawn at its own bounds.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), Error<'a>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) = style
            .layout_box(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let font = FontRef::try_from_slice(match style.style() {
            FontStyle::Bold => dejavu::sans::bold(),
            _ => dejavu::sans::regular(),
        })
        .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let size = style.size() as f32;
        let scaled = font.as_scaled(PxScale::from(size));
        let mut pen = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                pen += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(size, ab_glyph::point(pen, 0.0));
            if let Some(outline) = scaled.outline_glyph(glyph) {
                let b = outline.px_bounds();
                // The bounds are whole pixels; the baseline sits half the size below
                // the top, as plotters places it, rounded once for every glyph alike.
                let (gx, gy) = (b.min.x as i32, ((size / 2.0).round() + b.min.y) as i32);
                let mut pixels = Vec::new();
                outline.draw(|x, y, cov| pixels.push((x as i32 + gx, y as i32 + gy, cov)));
                for (x, y, cov) in pixels {
                    let (x, y) = trans.transform(x + dx - min_x, y + dy - min_y);
                    let (x, y) = (pos.0 + x, pos.1 + y);
                    if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                        let c = BackendColor {
                            alpha: color.alpha * f64::from(cov.clamp(0.0, 1.0)),
                            rgb: color.rgb,
                        };
                        self.0.draw_pixel((x, y), c)?;
                    }
                }
            }
            pen += scaled.h_advance(id);
        }
        Ok(())
    }
}
