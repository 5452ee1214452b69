//! The PNG drawing backend: plotters' bitmap backend with better text and smooth shapes.
//!
//! plotters 0.3.7 draws ab_glyph text without the glyphs' side bearings and at whole-pixel
//! pen positions, which spaces letters unevenly ("tr ade"); its polygons and circles are not
//! anti-aliased. This wrapper lays text out itself with the bundled font (advances, kerning,
//! bearings, sub-pixel positions) and fills polygons and discs with coverage-based
//! anti-aliasing; everything else goes straight to the bitmap backend. Text measurement
//! (`estimate_text_size`) stays plotters' own, so layout is the same for PNG and SVG.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
};

/// Where the baseline sits below the anchor, as a fraction of the text size, for each
/// vertical anchor. Chosen to match where SVG viewers put plotters' `dy` offsets (0.76em,
/// 0.5ex, -0.5ex), so PNG and SVG look alike.
fn baseline(v: VPos) -> f32 {
    match v {
        VPos::Top => 0.65,
        VPos::Center => 0.27,
        VPos::Bottom => -0.2,
    }
}

fn faces() -> &'static Option<(FontRef<'static>, FontRef<'static>)> {
    static FACES: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    FACES.get_or_init(|| {
        Some((
            FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
            FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
        ))
    })
}

/// A bitmap backend drawing into an RGB buffer.
pub(crate) struct Raster<'a> {
    inner: BitMapBackend<'a>,
}

impl<'a> Raster<'a> {
    pub fn new(buf: &'a mut [u8], size: (u32, u32)) -> Raster<'a> {
        Raster {
            inner: BitMapBackend::with_buffer(buf, size),
        }
    }

    fn blend(
        &mut self,
        (x, y): (i32, i32),
        colour: BackendColor,
        coverage: f64,
    ) -> Result<(), DrawingErrorKind<<Self as DrawingBackend>::ErrorType>> {
        let (w, h) = self.inner.get_size();
        if x < 0 || y < 0 || x >= w as i32 || y >= h as i32 || coverage <= 0.0 {
            return Ok(());
        }
        self.inner.draw_pixel(
            (x, y),
            BackendColor {
                alpha: colour.alpha * coverage.min(1.0),
                rgb: colour.rgb,
            },
        )
    }
}

/// Sub-scanlines per pixel row for polygon coverage.
const SUB: usize = 4;

impl DrawingBackend for Raster<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !fill {
            return self.inner.draw_circle(center, radius, style, fill);
        }
        // Coverage from the distance to the edge: a smooth disc.
        let colour = style.color();
        let r = f64::from(radius) + 0.5;
        let ri = radius as i32 + 1;
        for dy in -ri..=ri {
            for dx in -ri..=ri {
                let d = (f64::from(dx) * f64::from(dx) + f64::from(dy) * f64::from(dy)).sqrt();
                let cov = (r - d + 0.5).clamp(0.0, 1.0);
                self.blend((center.0 + dx, center.1 + dy), colour, cov)?;
            }
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let pts: Vec<(f64, f64)> = vert
            .into_iter()
            .map(|(x, y)| (f64::from(x) + 0.5, f64::from(y) + 0.5))
            .collect();
        if pts.len() < 3 {
            return Ok(());
        }
        let colour = style.color();
        let (w, h) = self.inner.get_size();
        let ymin = pts
            .iter()
            .map(|p| p.1)
            .fold(f64::MAX, f64::min)
            .floor()
            .max(0.0) as i32;
        let ymax = pts
            .iter()
            .map(|p| p.1)
            .fold(f64::MIN, f64::max)
            .ceil()
            .min(f64::from(h)) as i32;
        let xmin = pts
            .iter()
            .map(|p| p.0)
            .fold(f64::MAX, f64::min)
            .floor()
            .max(0.0) as i32;
        let xmax = pts
            .iter()
            .map(|p| p.0)
            .fold(f64::MIN, f64::max)
            .ceil()
            .min(f64::from(w)) as i32;
        if xmax <= xmin || ymax <= ymin {
            return Ok(());
        }
        let width = (xmax - xmin) as usize;
        let mut cover = vec![0.0f64; width + 1];
        let mut crossings: Vec<(f64, i32)> = Vec::new();
        for y in ymin..ymax {
            cover.iter_mut().for_each(|c| *c = 0.0);
            for k in 0..SUB {
                let sy = f64::from(y) + (k as f64 + 0.5) / SUB as f64;
                crossings.clear();
                for i in 0..pts.len() {
                    let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                    if (a.1 <= sy && b.1 > sy) || (b.1 <= sy && a.1 > sy) {
                        let x = a.0 + (sy - a.1) / (b.1 - a.1) * (b.0 - a.0);
                        crossings.push((x, if b.1 > a.1 { 1 } else { -1 }));
                    }
                }
                crossings.sort_by(|p, q| p.0.total_cmp(&q.0));
                // Non-zero winding: plotters' thick lines are polygons that may overlap
                // themselves.
                let mut winding = 0;
                for j in 0..crossings.len() {
                    let before = winding;
                    winding += crossings[j].1;
                    if before == 0 && winding != 0 {
                        let start = crossings[j].0;
                        let end = crossings[j..]
                            .iter()
                            .scan(before, |wd, c| {
                                *wd += c.1;
                                Some((*wd, c.0))
                            })
                            .find(|(wd, _)| *wd == 0)
                            .map(|(_, x)| x)
                            .unwrap_or(start);
                        let (s, e) = (
                            (start - f64::from(xmin)).max(0.0),
                            (end - f64::from(xmin)).min(width as f64),
                        );
                        if e <= s {
                            continue;
                        }
                        let (si, ei) = (s.floor() as usize, e.floor() as usize);
                        if si == ei {
                            cover[si] += e - s;
                        } else {
                            cover[si] += (si + 1) as f64 - s;
                            for c in cover.iter_mut().take(ei).skip(si + 1) {
                                *c += 1.0;
                            }
                            if ei <= width {
                                cover[ei] += e - ei as f64;
                            }
                        }
                    }
                }
            }
            for (i, c) in cover.iter().enumerate().take(width) {
                if *c > 0.0 {
                    self.blend((xmin + i as i32, y), colour, c / SUB as f64)?;
                }
            }
        }
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let Some((regular, bold)) = faces() else {
            return self.inner.draw_text(text, style, pos);
        };
        let font = match style.style() {
            FontStyle::Bold => bold,
            _ => regular,
        };
        let size = style.size() as f32;
        let scale = PxScale::from(size);
        let scaled = font.as_scaled(scale);
        // Pen positions: advances and kerning, exactly as plotters measures the width.
        let mut glyphs = Vec::new();
        let mut x = 0.0f32;
        let mut prev = None;
        for ch in text.chars() {
            let id = scaled.glyph_id(ch);
            if let Some(p) = prev {
                x += scaled.kern(p, id);
            }
            glyphs.push(id.with_scale_and_position(scale, point(x, 0.0)));
            x += scaled.h_advance(id);
            prev = Some(id);
        }
        let width = x;
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = baseline(anchor.v_pos) * size;
        let trans = style.transform();
        let unrotated = matches!(trans, FontTransform::None);
        // Without rotation the fractional offset goes into the glyph position, so letters
        // sit at their exact sub-pixel place.
        let (ox, oy) = if unrotated {
            (dx.fract(), dy.fract())
        } else {
            (0.0, 0.0)
        };
        let (bx, by) = (dx.trunc() as i32, dy.trunc() as i32);
        let mut pixels: Vec<(i32, i32, f32)> = Vec::new();
        for mut g in glyphs {
            g.position = point(g.position.x + ox, g.position.y + oy);
            if let Some(outline) = font.outline_glyph(g) {
                let b = outline.px_bounds();
                let (gx, gy) = (b.min.x as i32, b.min.y as i32);
                outline.draw(|px, py, cov| pixels.push((gx + px as i32, gy + py as i32, cov)));
            }
        }
        for (px, py, cov) in pixels {
            let (rx, ry) = trans.transform(px + bx, py + by);
            self.blend((pos.0 + rx, pos.1 + ry), colour, f64::from(cov))?;
        }
        Ok(())
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}
