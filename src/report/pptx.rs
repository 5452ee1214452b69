//! PowerPoint decks (`.pptx`): a title slide, one slide per chart (its title, the chart as a
//! PNG at slide resolution with its SVG twin, the source line), table slides, speaker notes;
//! 16:9 or 4:3. Returned as bytes for the caller to write atomically.
//!
//! The package is written here, part by part, with the `zip` crate, rather than with a crate
//! for PowerPoint files. The two on crates.io were weighed (2026-12): `ppt-rs` (Apache-2.0)
//! pulls zip 0.6 with bzip2 (a C build), zstd 0.11 (a second zstd beside polars') and AES, for
//! features tradestat does not use; `pptx` 0.1.0 (MIT) is a first release by one author with no
//! history yet. What a deck needs is a dozen small XML parts of ECMA-376 (PresentationML), whose
//! structure is fixed: one master, one layout, one theme, a notes master, and per slide a slide
//! part, its notes part and their relationships. Writing them keeps the build as it was (the
//! zip crate is already compiled for the Excel writer) and every byte under our tests.
//!
//! Every piece of text (titles from a spec, country and product names from input files) is
//! XML-escaped, stripped of the control characters XML forbids, and cut to what its box holds
//! (with an ellipsis) so that nothing overflows a slide; boxes also shrink text on overflow.

use std::io::Write;

use crate::error::{Error, Result};
use crate::output::Table;

/// English Metric Units per inch (914,400) and per point (12,700).
const EMU_INCH: i64 = 914_400;
const EMU_PT: i64 = 12_700;
/// Slide margins.
const MARGIN: i64 = EMU_INCH * 4 / 10;
/// The title box: top and height.
const TITLE_Y: i64 = EMU_INCH * 3 / 10;
const TITLE_H: i64 = EMU_INCH * 9 / 10;
/// The body (chart or table) starts below the title and ends above the source line.
const BODY_Y: i64 = EMU_INCH * 5 / 4;
const SOURCE_H: i64 = EMU_INCH * 45 / 100;
const TITLE_PT: i64 = 28;
const SOURCE_PT: i64 = 10;
/// A table gets a slide when it has at most this many rows (longer ones are in the workbook).
pub const MAX_TABLE_ROWS: usize = 12;
/// ... and at most this many columns.
pub const MAX_TABLE_COLUMNS: usize = 8;

/// The shape of the slides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Aspect {
    /// 16:9, 13.33 x 7.5 inches (PowerPoint's default).
    #[default]
    Wide,
    /// 4:3, 10 x 7.5 inches.
    Standard,
}

impl Aspect {
    /// "16:9" or "4:3".
    pub fn from_name(s: &str) -> Option<Aspect> {
        match s.trim() {
            "16:9" | "16x9" | "wide" => Some(Aspect::Wide),
            "4:3" | "4x3" | "standard" => Some(Aspect::Standard),
            _ => None,
        }
    }

    /// Slide width and height in EMU.
    fn size(self) -> (i64, i64) {
        match self {
            Aspect::Wide => (12_192_000, 6_858_000),
            Aspect::Standard => (9_144_000, 6_858_000),
        }
    }

    /// The body box (x, y, width, height) in EMU: below the title, above the source line.
    fn body(self) -> (i64, i64, i64, i64) {
        let (w, h) = self.size();
        (
            MARGIN,
            BODY_Y,
            w - 2 * MARGIN,
            h - BODY_Y - SOURCE_H - EMU_INCH / 10,
        )
    }

    /// The pixel size to draw a chart at so that it fills the body box at 1920 (16:9) or 1440
    /// (4:3) pixels across: slide resolution, no scaling on screen.
    pub fn chart_pixels(self) -> (u32, u32) {
        let (_, _, bw, bh) = self.body();
        let width: u32 = match self {
            Aspect::Wide => 1920,
            Aspect::Standard => 1440,
        };
        (width, (width as i64 * bh / bw) as u32)
    }
}

/// A chart as it goes on a slide: the PNG (its pixel size from its header) and, where there is
/// one, the SVG that PowerPoint 2016 and later show instead (others show the PNG).
#[derive(Debug, Clone)]
pub struct Picture {
    pub png: Vec<u8>,
    pub svg: Option<String>,
    /// What the chart shows, for screen readers.
    pub description: String,
}

/// What a slide shows under its title.
#[derive(Debug, Clone)]
pub enum Body {
    Picture(Picture),
    /// A table in human units ($121.4M); at most [`MAX_TABLE_ROWS`] rows and
    /// [`MAX_TABLE_COLUMNS`] columns (see [`fits_a_slide`]).
    Table {
        table: Table,
        currency: String,
    },
}

/// One slide after the title slide.
#[derive(Debug, Clone)]
pub struct Slide {
    pub title: String,
    pub body: Body,
    /// The source line at the bottom.
    pub source: Option<String>,
    /// Speaker notes, one paragraph each.
    pub notes: Vec<String>,
}

/// A deck: the title slide's text, then the slides in order.
#[derive(Debug, Clone, Default)]
pub struct Presentation {
    pub title: String,
    pub subtitle: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub aspect: Aspect,
    /// Speaker notes of the title slide.
    pub notes: Vec<String>,
    pub slides: Vec<Slide>,
}

/// Whether a table is short enough for a slide.
pub fn fits_a_slide(t: &Table) -> bool {
    !t.rows.is_empty() && t.rows.len() <= MAX_TABLE_ROWS && t.columns.len() <= MAX_TABLE_COLUMNS
}

/// Text safe in XML content and attribute values: `& < > " '` escaped, the control characters
/// XML 1.0 forbids (all but tab, newline and carriage return) dropped for a space.
pub fn xml_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` on one line (runs of white space as one space), cut to `max` characters with an
/// ellipsis.
pub fn cut(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut s: String = one_line
        .chars()
        .take(max.saturating_sub(1))
        .collect::<String>()
        .trim_end()
        .to_string();
    s.push('…');
    s
}

/// How many characters of a `pt`-point font `lines` lines of `width` EMU hold, reckoning an
/// average character at 0.55 em (a conservative figure for Arial and its metric twins).
fn capacity(width: i64, pt: i64, lines: i64) -> usize {
    let per_line = width * 100 / (pt * EMU_PT * 55);
    (per_line.max(4) * lines) as usize
}

/// Width and height of a PNG from its header (bytes 16-23), if it is one.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let w = u32::from_be_bytes(png[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(png[20..24].try_into().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

const NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main""#;
const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CT: &str = "application/vnd.openxmlformats-officedocument";
const FONT: &str = "Arial";
const INK: &str = "1D1D1F";
const MUTED: &str = "5F6368";
const ACCENT: &str = "0072B2";

/// A run of text: size in points, bold or not, colour.
fn run(text: &str, pt: i64, bold: bool, colour: &str) -> String {
    format!(
        "<a:r><a:rPr lang=\"en-US\" sz=\"{}\" b=\"{}\" dirty=\"0\"><a:solidFill><a:srgbClr val=\"{colour}\"/></a:solidFill><a:latin typeface=\"{FONT}\"/><a:cs typeface=\"{FONT}\"/></a:rPr><a:t>{}</a:t></a:r>",
        pt * 100,
        u8::from(bold),
        xml_text(text)
    )
}

/// A paragraph of one run, aligned `algn` (l, ctr, r).
fn para(text: &str, pt: i64, bold: bool, colour: &str, algn: &str) -> String {
    format!(
        "<a:p><a:pPr algn=\"{algn}\"/>{}</a:p>",
        run(text, pt, bold, colour)
    )
}

/// Offset and extent.
fn xfrm(x: i64, y: i64, w: i64, h: i64) -> String {
    format!("<a:xfrm><a:off x=\"{x}\" y=\"{y}\"/><a:ext cx=\"{w}\" cy=\"{h}\"/></a:xfrm>")
}

/// A text box (or the title placeholder, `title`) holding `paragraphs`, text shrunk on
/// overflow.
fn text_box(
    id: u32,
    name: &str,
    title: bool,
    (x, y, w, h): (i64, i64, i64, i64),
    anchor: &str,
    paragraphs: &str,
) -> String {
    let (cnv, ph) = if title {
        (
            "<p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>",
            "<p:nvPr><p:ph type=\"title\"/></p:nvPr>",
        )
    } else {
        ("<p:cNvSpPr txBox=\"1\"/>", "<p:nvPr/>")
    };
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/>{cnv}{ph}</p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"{anchor}\"><a:normAutofit/></a:bodyPr><a:lstStyle/>{paragraphs}</p:txBody></p:sp>",
        xfrm(x, y, w, h)
    )
}

/// The title placeholder of a slide, cut to two lines.
fn title_shape(text: &str, slide_w: i64) -> String {
    let w = slide_w - 2 * MARGIN;
    let text = cut(text, capacity(w, TITLE_PT, 2));
    text_box(
        2,
        "Title 1",
        true,
        (MARGIN, TITLE_Y, w, TITLE_H),
        "b",
        &para(&text, TITLE_PT, true, INK, "l"),
    )
}

/// The source line at the bottom of a slide, cut to two lines.
fn source_shape(id: u32, text: &str, slide_w: i64, slide_h: i64) -> String {
    let w = slide_w - 2 * MARGIN;
    let text = cut(text, capacity(w, SOURCE_PT, 2));
    text_box(
        id,
        "Source",
        false,
        (MARGIN, slide_h - SOURCE_H - EMU_INCH / 10, w, SOURCE_H),
        "t",
        &para(&text, SOURCE_PT, false, MUTED, "l"),
    )
}

/// A picture filling as much of `body` as its aspect allows, centred; `svg_rel` adds the SVG
/// blip that PowerPoint 2016+ draws instead of the PNG.
fn picture_shape(
    id: u32,
    p: &Picture,
    body: (i64, i64, i64, i64),
    svg_rel: Option<&str>,
) -> String {
    let (bx, by, bw, bh) = body;
    let (pw, ph) = png_size(&p.png).unwrap_or((16, 9));
    let (pw, ph) = (pw as i64, ph as i64);
    let (w, h) = if bw * ph <= bh * pw {
        (bw, bw * ph / pw)
    } else {
        (bh * pw / ph, bh)
    };
    let (x, y) = (bx + (bw - w) / 2, by + (bh - h) / 2);
    let svg = svg_rel
        .map(|rid| {
            format!(
                "<a:extLst><a:ext uri=\"{{96DAC541-7B7A-43D3-8B79-37D633B846F1}}\"><asvg:svgBlip xmlns:asvg=\"http://schemas.microsoft.com/office/drawing/2016/SVG/main\" r:embed=\"{rid}\"/></a:ext></a:extLst>"
            )
        })
        .unwrap_or_default();
    format!(
        "<p:pic><p:nvPicPr><p:cNvPr id=\"{id}\" name=\"Chart\" descr=\"{}\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed=\"rId2\">{svg}</a:blip><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
        xml_text(&cut(&p.description, 500)),
        xfrm(x, y, w, h)
    )
}

/// A table as a slide table: the header row bold on a light fill, numbers right-aligned, each
/// cell cut to two lines of its column.
fn table_shape(id: u32, t: &Table, currency: &str, body: (i64, i64, i64, i64)) -> String {
    let (bx, by, bw, bh) = body;
    let grid = t.human_rows(currency);
    let rows = grid.len() as i64;
    let pt: i64 = if rows > 9 || t.columns.len() > 6 {
        11
    } else {
        14
    };
    let row_h = (bh / rows.max(1)).min(EMU_INCH * 45 / 100);
    // Each column as wide as its longest text (between 4 and 40 characters) allows.
    let weights: Vec<i64> = (0..t.columns.len())
        .map(|i| {
            grid.iter()
                .map(|line| line.get(i).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
                .clamp(4, 40) as i64
        })
        .collect();
    let total: i64 = weights.iter().sum::<i64>().max(1);
    let widths: Vec<i64> = weights.iter().map(|w| bw * w / total).collect();
    let mut xml = format!(
        "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"Table\"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"{bx}\" y=\"{by}\"/><a:ext cx=\"{bw}\" cy=\"{}\"/></p:xfrm><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\"><a:tbl><a:tblPr firstRow=\"1\" bandRow=\"0\"/><a:tblGrid>",
        row_h * rows
    );
    for w in &widths {
        xml.push_str(&format!("<a:gridCol w=\"{w}\"/>"));
    }
    xml.push_str("</a:tblGrid>");
    for (r, line) in grid.iter().enumerate() {
        xml.push_str(&format!("<a:tr h=\"{row_h}\">"));
        for (c, text) in line.iter().enumerate() {
            let algn = if t.is_numeric_column(c) { "r" } else { "l" };
            let text = cut(text, capacity(widths[c] - 91_440, pt, 2));
            let fill = if r == 0 {
                "<a:solidFill><a:srgbClr val=\"F3F5F7\"/></a:solidFill>"
            } else {
                "<a:noFill/>"
            };
            xml.push_str(&format!(
                "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{}</a:txBody><a:tcPr marL=\"45720\" marR=\"45720\" marT=\"22860\" marB=\"22860\" anchor=\"ctr\"><a:lnL w=\"0\"><a:noFill/></a:lnL><a:lnR w=\"0\"><a:noFill/></a:lnR><a:lnT w=\"0\"><a:noFill/></a:lnT><a:lnB w=\"9525\"><a:solidFill><a:srgbClr val=\"D9DCE1\"/></a:solidFill></a:lnB>{fill}</a:tcPr></a:tc>",
                para(&text, pt, r == 0, INK, algn)
            ));
        }
        xml.push_str("</a:tr>");
    }
    xml.push_str("</a:tbl></a:graphicData></a:graphic></p:graphicFrame>");
    xml
}

/// The shape tree's opening: the group every slide, layout and master has.
const SP_TREE_START: &str = "<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>";

fn slide_xml(shapes: &str) -> String {
    format!(
        "{DECL}<p:sld {NS}>{SP_TREE_START}{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
    )
}

/// The title slide: title, subtitle, then date and author line.
fn title_slide(p: &Presentation) -> String {
    let (w, h) = p.aspect.size();
    let bw = w - 4 * MARGIN;
    let title = cut(&p.title, capacity(bw, 36, 3));
    let mut shapes = text_box(
        2,
        "Title 1",
        true,
        (2 * MARGIN, h * 28 / 100, bw, EMU_INCH * 17 / 10),
        "b",
        &para(&title, 36, true, INK, "l"),
    );
    if let Some(s) = &p.subtitle {
        let s = cut(s, capacity(bw, 20, 2));
        shapes.push_str(&text_box(
            3,
            "Subtitle",
            false,
            (
                2 * MARGIN,
                h * 28 / 100 + EMU_INCH * 19 / 10,
                bw,
                EMU_INCH * 8 / 10,
            ),
            "t",
            &para(&s, 20, false, ACCENT, "l"),
        ));
    }
    let lines: Vec<&String> = [&p.date, &p.author].into_iter().flatten().collect();
    if !lines.is_empty() {
        let paragraphs: String = lines
            .iter()
            .map(|l| para(&cut(l, capacity(bw, 16, 1)), 16, false, MUTED, "l"))
            .collect();
        shapes.push_str(&text_box(
            4,
            "Date and author",
            false,
            (
                2 * MARGIN,
                h * 28 / 100 + EMU_INCH * 29 / 10,
                bw,
                EMU_INCH * 9 / 10,
            ),
            "t",
            &paragraphs,
        ));
    }
    slide_xml(&shapes)
}

/// A slide's shapes: title, body, source line.
fn content_slide(s: &Slide, aspect: Aspect, svg: bool) -> String {
    let (w, h) = aspect.size();
    let mut shapes = title_shape(&s.title, w);
    match &s.body {
        Body::Picture(p) => {
            shapes.push_str(&picture_shape(3, p, aspect.body(), svg.then_some("rId3")))
        }
        Body::Table { table, currency } => {
            shapes.push_str(&table_shape(3, table, currency, aspect.body()))
        }
    }
    if let Some(src) = &s.source {
        shapes.push_str(&source_shape(4, src, w, h));
    }
    slide_xml(&shapes)
}

/// A notes page: the slide's image and the notes, one paragraph each.
fn notes_xml(notes: &[String]) -> String {
    let paragraphs: String = if notes.is_empty() {
        "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>".into()
    } else {
        notes
            .iter()
            .map(|n| {
                format!(
                    "<a:p><a:r><a:rPr lang=\"en-US\" dirty=\"0\"/><a:t>{}</a:t></a:r></a:p>",
                    xml_text(&cut(n, 5_000))
                )
            })
            .collect()
    };
    format!(
        "{DECL}<p:notes {NS}>{SP_TREE_START}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
    )
}

fn rels(items: &[(&str, &str, &str)]) -> String {
    let mut s = format!(
        "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    );
    for (id, kind, target) in items {
        let kind = if kind.starts_with("http") {
            kind.to_string()
        } else {
            format!("{REL}/{kind}")
        };
        s.push_str(&format!(
            "<Relationship Id=\"{id}\" Type=\"{kind}\" Target=\"{target}\"/>"
        ));
    }
    s.push_str("</Relationships>");
    s
}

const CLR_MAP: &str = "<p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/>";

/// The theme: Okabe-Ito accents (the charts' palette), Arial.
fn theme() -> String {
    let colours = [
        ("dk1", "000000"),
        ("lt1", "FFFFFF"),
        ("dk2", INK),
        ("lt2", "F3F5F7"),
        ("accent1", "0072B2"),
        ("accent2", "E69F00"),
        ("accent3", "009E73"),
        ("accent4", "CC79A7"),
        ("accent5", "56B4E9"),
        ("accent6", "D55E00"),
        ("hlink", "0072B2"),
        ("folHlink", "CC79A7"),
    ];
    let mut clr = String::new();
    for (name, rgb) in colours {
        clr.push_str(&format!("<a:{name}><a:srgbClr val=\"{rgb}\"/></a:{name}>"));
    }
    let fonts = format!("<a:latin typeface=\"{FONT}\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/>");
    let fill = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let line = "<a:ln w=\"9525\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln>";
    let effect = "<a:effectStyle><a:effectLst/></a:effectStyle>";
    format!(
        "{DECL}<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"tradestat\"><a:themeElements><a:clrScheme name=\"tradestat\">{clr}</a:clrScheme><a:fontScheme name=\"tradestat\"><a:majorFont>{fonts}</a:majorFont><a:minorFont>{fonts}</a:minorFont></a:fontScheme><a:fmtScheme name=\"tradestat\"><a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst><a:lnStyleLst>{line}{line}{line}</a:lnStyleLst><a:effectStyleLst>{effect}{effect}{effect}</a:effectStyleLst><a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )
}

fn text_style(pt: i64) -> String {
    format!(
        "<a:lvl1pPr><a:defRPr sz=\"{}\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl1pPr>",
        pt * 100
    )
}

fn master(w: i64) -> String {
    let title = text_box(
        2,
        "Title Placeholder 1",
        true,
        (MARGIN, TITLE_Y, w - 2 * MARGIN, TITLE_H),
        "b",
        "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>",
    );
    format!(
        "{DECL}<p:sldMaster {NS}><p:cSld><p:bg><p:bgPr><a:solidFill><a:srgbClr val=\"FFFFFF\"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>{}{title}</p:spTree></p:cSld>{CLR_MAP}<p:sldLayoutIdLst><p:sldLayoutId id=\"2147483649\" r:id=\"rId1\"/></p:sldLayoutIdLst><p:txStyles><p:titleStyle>{}</p:titleStyle><p:bodyStyle>{}</p:bodyStyle><p:otherStyle>{}</p:otherStyle></p:txStyles></p:sldMaster>",
        &SP_TREE_START["<p:cSld>".len()..],
        text_style(TITLE_PT),
        text_style(18),
        text_style(18)
    )
}

fn layout(w: i64) -> String {
    let title = text_box(
        2,
        "Title 1",
        true,
        (MARGIN, TITLE_Y, w - 2 * MARGIN, TITLE_H),
        "b",
        "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>",
    );
    format!(
        "{DECL}<p:sldLayout {NS} type=\"titleOnly\" preserve=\"1\"><p:cSld name=\"Title Only\">{}{title}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>",
        &SP_TREE_START["<p:cSld>".len()..]
    )
}

/// The notes master: where the slide image and the notes go on a notes page (portrait).
fn notes_master() -> String {
    let (w, h) = (6_858_000i64, 9_144_000i64);
    format!(
        "{DECL}<p:notesMaster {NS}><p:cSld><p:bg><p:bgPr><a:solidFill><a:srgbClr val=\"FFFFFF\"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>{}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\" idx=\"2\"/></p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/></p:spPr></p:sp><p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" sz=\"quarter\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang=\"en-US\"/></a:p></p:txBody></p:sp></p:spTree></p:cSld>{CLR_MAP}<p:notesStyle>{}</p:notesStyle></p:notesMaster>",
        &SP_TREE_START["<p:cSld>".len()..],
        xfrm(w / 8, h / 12, w * 3 / 4, h * 3 / 8),
        xfrm(w / 10, h / 2, w * 4 / 5, h * 2 / 5),
        text_style(12)
    )
}

/// The package as (part name, bytes, compress), `[Content_Types].xml` first.
fn parts(p: &Presentation) -> Vec<(String, Vec<u8>, bool)> {
    let (w, h) = p.aspect.size();
    let n = p.slides.len() + 1;
    let mut out: Vec<(String, Vec<u8>, bool)> = Vec::new();
    let mut types = format!(
        "{DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"png\" ContentType=\"image/png\"/><Default Extension=\"svg\" ContentType=\"image/svg+xml\"/>"
    );
    let mut over = |part: &str, kind: &str| {
        types.push_str(&format!(
            "<Override PartName=\"/{part}\" ContentType=\"{kind}\"/>"
        ));
    };
    over(
        "ppt/presentation.xml",
        &format!("{CT}.presentationml.presentation.main+xml"),
    );
    over(
        "ppt/slideMasters/slideMaster1.xml",
        &format!("{CT}.presentationml.slideMaster+xml"),
    );
    over(
        "ppt/slideLayouts/slideLayout1.xml",
        &format!("{CT}.presentationml.slideLayout+xml"),
    );
    over(
        "ppt/notesMasters/notesMaster1.xml",
        &format!("{CT}.presentationml.notesMaster+xml"),
    );
    over("ppt/theme/theme1.xml", &format!("{CT}.theme+xml"));
    over("ppt/theme/theme2.xml", &format!("{CT}.theme+xml"));
    over(
        "ppt/presProps.xml",
        &format!("{CT}.presentationml.presProps+xml"),
    );
    over(
        "ppt/viewProps.xml",
        &format!("{CT}.presentationml.viewProps+xml"),
    );
    over(
        "ppt/tableStyles.xml",
        &format!("{CT}.presentationml.tableStyles+xml"),
    );
    for i in 1..=n {
        over(
            &format!("ppt/slides/slide{i}.xml"),
            &format!("{CT}.presentationml.slide+xml"),
        );
        over(
            &format!("ppt/notesSlides/notesSlide{i}.xml"),
            &format!("{CT}.presentationml.notesSlide+xml"),
        );
    }
    over(
        "docProps/core.xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
    );
    over("docProps/app.xml", &format!("{CT}.extended-properties+xml"));
    types.push_str("</Types>");
    let mut xml = |name: &str, text: String| out.push((name.to_string(), text.into_bytes(), true));
    xml("[Content_Types].xml", types);
    xml(
        "_rels/.rels",
        rels(&[
            ("rId1", "officeDocument", "ppt/presentation.xml"),
            (
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml",
            ),
            ("rId3", "extended-properties", "docProps/app.xml"),
        ]),
    );
    let creator = p.author.clone().unwrap_or_else(|| "tradestat".into());
    xml(
        "docProps/core.xml",
        format!(
            "{DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>",
            xml_text(&cut(&p.title, 250)),
            xml_text(&cut(&creator, 250))
        ),
    );
    xml(
        "docProps/app.xml",
        format!(
            "{DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>tradestat {}</Application><Slides>{n}</Slides><Notes>{n}</Notes><PresentationFormat>{}</PresentationFormat></Properties>",
            env!("CARGO_PKG_VERSION"),
            match p.aspect {
                Aspect::Wide => "Widescreen",
                Aspect::Standard => "On-screen Show (4:3)",
            }
        ),
    );
    // The presentation: master, notes master, slides in order, sizes.
    let mut pres_rels: Vec<(String, String, String)> = vec![
        (
            "rId1".into(),
            "slideMaster".into(),
            "slideMasters/slideMaster1.xml".into(),
        ),
        (
            "rId2".into(),
            "notesMaster".into(),
            "notesMasters/notesMaster1.xml".into(),
        ),
        ("rId3".into(), "theme".into(), "theme/theme1.xml".into()),
        ("rId4".into(), "presProps".into(), "presProps.xml".into()),
        ("rId5".into(), "viewProps".into(), "viewProps.xml".into()),
        (
            "rId6".into(),
            "tableStyles".into(),
            "tableStyles.xml".into(),
        ),
    ];
    let mut ids = String::new();
    for i in 1..=n {
        let rid = format!("rId{}", 6 + i);
        ids.push_str(&format!("<p:sldId id=\"{}\" r:id=\"{rid}\"/>", 255 + i));
        pres_rels.push((rid, "slide".into(), format!("slides/slide{i}.xml")));
    }
    let size_type = match p.aspect {
        Aspect::Wide => "",
        Aspect::Standard => " type=\"screen4x3\"",
    };
    xml(
        "ppt/presentation.xml",
        format!(
            "{DECL}<p:presentation {NS} saveSubsetFonts=\"1\"><p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id=\"rId2\"/></p:notesMasterIdLst><p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx=\"{w}\" cy=\"{h}\"{size_type}/><p:notesSz cx=\"6858000\" cy=\"9144000\"/><p:defaultTextStyle>{}</p:defaultTextStyle></p:presentation>",
            text_style(18)
        ),
    );
    let borrowed: Vec<(&str, &str, &str)> = pres_rels
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    xml("ppt/_rels/presentation.xml.rels", rels(&borrowed));
    xml(
        "ppt/presProps.xml",
        format!("{DECL}<p:presentationPr {NS}/>"),
    );
    xml(
        "ppt/viewProps.xml",
        format!("{DECL}<p:viewPr {NS}><p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>"),
    );
    xml(
        "ppt/tableStyles.xml",
        format!(
            "{DECL}<a:tblStyleLst xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" def=\"{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}\"/>"
        ),
    );
    xml("ppt/theme/theme1.xml", theme());
    xml("ppt/theme/theme2.xml", theme());
    xml("ppt/slideMasters/slideMaster1.xml", master(w));
    xml(
        "ppt/slideMasters/_rels/slideMaster1.xml.rels",
        rels(&[
            ("rId1", "slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("rId2", "theme", "../theme/theme1.xml"),
        ]),
    );
    xml("ppt/slideLayouts/slideLayout1.xml", layout(w));
    xml(
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
        rels(&[("rId1", "slideMaster", "../slideMasters/slideMaster1.xml")]),
    );
    xml("ppt/notesMasters/notesMaster1.xml", notes_master());
    xml(
        "ppt/notesMasters/_rels/notesMaster1.xml.rels",
        rels(&[("rId1", "theme", "../theme/theme2.xml")]),
    );
    // Slides, each with its notes page; pictures under ppt/media.
    let mut media: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 1..=n {
        let (slide, notes) = if i == 1 {
            (title_slide(p), &p.notes)
        } else {
            let s = &p.slides[i - 2];
            let svg = matches!(&s.body, Body::Picture(pic) if pic.svg.is_some());
            (content_slide(s, p.aspect, svg), &s.notes)
        };
        let mut slide_rels = vec![
            (
                "rId1".to_string(),
                "slideLayout".to_string(),
                "../slideLayouts/slideLayout1.xml".to_string(),
            ),
            (
                "rId9".to_string(),
                "notesSlide".to_string(),
                format!("../notesSlides/notesSlide{i}.xml"),
            ),
        ];
        if i > 1
            && let Body::Picture(pic) = &p.slides[i - 2].body
        {
            let png = format!("image{i}.png");
            slide_rels.push(("rId2".into(), "image".into(), format!("../media/{png}")));
            media.push((png, pic.png.clone()));
            if let Some(svg) = &pic.svg {
                let name = format!("image{i}.svg");
                slide_rels.push(("rId3".into(), "image".into(), format!("../media/{name}")));
                media.push((name, svg.clone().into_bytes()));
            }
        }
        xml(&format!("ppt/slides/slide{i}.xml"), slide);
        let borrowed: Vec<(&str, &str, &str)> = slide_rels
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        xml(
            &format!("ppt/slides/_rels/slide{i}.xml.rels"),
            rels(&borrowed),
        );
        xml(
            &format!("ppt/notesSlides/notesSlide{i}.xml"),
            notes_xml(notes),
        );
        xml(
            &format!("ppt/notesSlides/_rels/notesSlide{i}.xml.rels"),
            rels(&[
                ("rId1", "notesMaster", "../notesMasters/notesMaster1.xml"),
                ("rId2", "slide", &format!("../slides/slide{i}.xml")),
            ]),
        );
    }
    for (name, bytes) in media {
        // PNGs are compressed already; SVG text compresses well.
        let compress = name.ends_with(".svg");
        out.push((format!("ppt/media/{name}"), bytes, compress));
    }
    out
}

/// The deck as a `.pptx` file's bytes. The same presentation gives the same bytes (fixed
/// timestamps in the zip, no dates in the properties).
pub fn package(p: &Presentation) -> Result<Vec<u8>> {
    let err = |e: &dyn std::fmt::Display| Error::Document {
        what: "PowerPoint deck",
        why: e.to_string(),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, compress) in parts(p) {
        let method = if compress {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default());
        zip.start_file(name, options).map_err(|e| err(&e))?;
        zip.write_all(&bytes).map_err(|e| err(&e))?;
    }
    Ok(zip.finish().map_err(|e| err(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cell, Kind};
    use std::io::Read;

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'q' \u{1b}[31m <b>";

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&vec![200u8; (w * h * 3) as usize])
            .unwrap();
        drop(wr);
        out
    }

    fn sample(aspect: Aspect) -> Presentation {
        let mut t = Table::new(vec![("product", Kind::Text), ("value", Kind::Money)]);
        t.push(vec![Cell::Text(HOSTILE.into()), Cell::Num(1.5e6)]);
        t.push(vec![Cell::Text("p".repeat(300)), Cell::Empty]);
        Presentation {
            title: format!("Title {HOSTILE}"),
            subtitle: Some("s".repeat(300)),
            date: Some("1 December 2026".into()),
            author: Some(format!("Author {HOSTILE}")),
            aspect,
            notes: vec![format!("Narrative {HOSTILE}")],
            slides: vec![
                Slide {
                    title: format!("Chart {HOSTILE}"),
                    body: Body::Picture(Picture {
                        png: png(32, 18),
                        svg: Some("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".into()),
                        description: HOSTILE.into(),
                    }),
                    source: Some(format!("Source: {HOSTILE}")),
                    notes: vec!["one".into(), "two".into()],
                },
                Slide {
                    title: "t".repeat(300),
                    body: Body::Table {
                        table: t,
                        currency: "USD".into(),
                    },
                    source: None,
                    notes: vec![],
                },
            ],
        }
    }

    fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = std::collections::BTreeMap::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            out.insert(f.name().to_string(), b);
        }
        out
    }

    #[test]
    fn every_part_parses_and_hostile_text_stays_text() {
        let bytes = package(&sample(Aspect::Wide)).unwrap();
        let parts = unzip(&bytes);
        for (name, b) in &parts {
            if name.ends_with(".xml") || name.ends_with(".rels") {
                let text = std::str::from_utf8(b).unwrap();
                roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
                assert!(!text.contains("<script"), "{name}");
                assert!(!text.contains('\u{1b}'), "{name}");
            }
        }
        let slide = std::str::from_utf8(&parts["ppt/slides/slide2.xml"]).unwrap();
        let doc = roxmltree::Document::parse(slide).unwrap();
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("t"))
            .filter_map(|n| n.text())
            .collect();
        // The escape character is gone (a space); the rest comes back as it was.
        assert!(
            texts.contains(&"Chart <script>alert(\"x\")</script> & 'q'  [31m <b>"),
            "{texts:?}"
        );
        assert!(slide.contains("r:embed=\"rId2\"") && slide.contains("svgBlip"));
        // Long text is cut to what its box holds.
        let table = std::str::from_utf8(&parts["ppt/slides/slide3.xml"]).unwrap();
        let doc = roxmltree::Document::parse(table).unwrap();
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("t"))
            .filter_map(|n| n.text())
            .collect();
        // The 300-character title: two lines of 28 points across the slide.
        assert!(
            texts[0].ends_with('…') && texts[0].chars().count() <= 2 * 59,
            "{texts:?}"
        );
        // The 300-character cell: at most two lines of its column, narrower than the slide.
        let cell = texts.iter().find(|t| t.starts_with("ppp")).unwrap();
        let most = capacity(Aspect::Wide.body().2, 14, 2);
        assert!(most < 300);
        assert!(cell.ends_with('…') && cell.chars().count() < most, "{cell}");
        assert!(table.contains("$1.5M"));
        let notes = std::str::from_utf8(&parts["ppt/notesSlides/notesSlide2.xml"]).unwrap();
        assert!(notes.contains("<a:t>one</a:t>") && notes.contains("<a:t>two</a:t>"));
        assert_eq!(parts["ppt/media/image2.png"], png(32, 18));
        assert!(parts.contains_key("ppt/media/image2.svg"));
        assert!(!parts.keys().any(|k| k.starts_with("ppt/media/image3")));
    }

    #[test]
    fn the_slide_size_follows_the_aspect() {
        for (aspect, size) in [
            (Aspect::Wide, "<p:sldSz cx=\"12192000\" cy=\"6858000\"/>"),
            (
                Aspect::Standard,
                "<p:sldSz cx=\"9144000\" cy=\"6858000\" type=\"screen4x3\"/>",
            ),
        ] {
            let parts = unzip(&package(&sample(aspect)).unwrap());
            let pres = std::str::from_utf8(&parts["ppt/presentation.xml"]).unwrap();
            assert!(pres.contains(size), "{pres}");
            assert_eq!(pres.matches("<p:sldId ").count(), 3);
        }
        assert_eq!(Aspect::Wide.chart_pixels().0, 1920);
        let (w, h) = Aspect::Standard.chart_pixels();
        assert!(w == 1440 && h > 800 && h < 1000, "{w}x{h}");
    }

    #[test]
    fn the_same_deck_gives_the_same_bytes() {
        let p = sample(Aspect::Wide);
        assert_eq!(package(&p).unwrap(), package(&p).unwrap());
    }

    #[test]
    fn cut_and_escape() {
        assert_eq!(cut("a  b\n c", 10), "a b c");
        assert_eq!(cut("abcdefghij", 5), "abcd…");
        assert_eq!(xml_text("a&<>\"'\u{7}"), "a&amp;&lt;&gt;&quot;&apos; ");
        assert!(fits_a_slide(&{
            let mut t = Table::new(vec![("a", Kind::Text)]);
            t.push(vec![Cell::Empty]);
            t
        }));
    }
}
