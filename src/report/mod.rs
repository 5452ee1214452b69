//! Reports: a document model (sections of sentences, charts and tables) assembled into a
//! self-contained HTML page and a Markdown twin, and written with a manifest. Nothing here prints.
//!
//! [`build`] assembles a report from data loaded once (answers, tables, charts drawn in-process)
//! and [`deck`] the items of a TOML deck; this module turns them into text. Every piece of text
//! that may come from input files (country, product and source names) is escaped for the format
//! it goes into (maud escapes the HTML).

pub mod build;
pub mod deck;
pub mod files;
pub mod narrative;
pub mod pptx;
pub mod spec;

use std::borrow::Cow;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::chart::{self, ChartData, ChartSpec};
use crate::error::Result;
use crate::output::{Format, Table};
use crate::xlsx;

/// A sentence with footnotes: indices (1-based) into [`Report::sources`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub cites: Vec<usize>,
}

impl Sentence {
    pub fn plain(text: impl Into<String>) -> Sentence {
        Sentence {
            text: text.into(),
            cites: Vec::new(),
        }
    }
}

/// A chart drawn twice: inline SVG for the HTML, PNG for the Markdown.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem under `charts/`.
    pub name: String,
    pub caption: String,
    pub svg: String,
    pub png: Vec<u8>,
    /// The chart drawn again for a slide (see [`SlideChart::draw`]); `None`: no slide.
    pub slide: Option<SlideChart>,
}

/// A chart as it goes on a slide: drawn at the slide's resolution and shape, without its title
/// and source line, which the slide shows as text (editable, read by screen readers).
#[derive(Debug, Clone)]
pub struct SlideChart {
    pub title: String,
    pub source: String,
    pub png: Vec<u8>,
    pub svg: String,
}

impl SlideChart {
    /// `spec`'s chart redrawn for a slide of `aspect`.
    pub fn draw(data: &ChartData, spec: &ChartSpec, aspect: pptx::Aspect) -> Result<SlideChart> {
        let mut s = spec.clone();
        s.title = String::new();
        s.footnote = String::new();
        (s.width, s.height) = aspect.chart_pixels();
        s.scale = 1.0;
        Ok(SlideChart {
            title: spec.title.clone(),
            source: spec.footnote.clone(),
            png: chart::to_png(data, &s)?,
            svg: chart::to_svg(data, &s)?,
        })
    }

    /// The slide showing it, with `notes` for the speaker.
    pub fn slide(&self, title: Option<&str>, notes: Vec<String>) -> pptx::Slide {
        pptx::Slide {
            title: title.unwrap_or(&self.title).to_string(),
            body: pptx::Body::Picture(pptx::Picture {
                png: self.png.clone(),
                svg: Some(self.svg.clone()),
                description: self.title.clone(),
            }),
            source: (!self.source.is_empty()).then(|| self.source.clone()),
            notes,
        }
    }
}

/// A table shown in a section, written as `tables/NAME.csv`.
#[derive(Debug, Clone)]
pub struct TableItem {
    pub name: String,
    pub table: Table,
}

/// One section of the report.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Anchor id, e.g. `key-figures`.
    pub id: String,
    pub heading: String,
    pub paragraphs: Vec<Vec<Sentence>>,
    pub charts: Vec<Chart>,
    pub tables: Vec<TableItem>,
    /// A bulleted list (method notes).
    pub bullets: Vec<String>,
}

impl Section {
    pub fn new(id: &str, heading: &str) -> Section {
        Section {
            id: id.into(),
            heading: heading.into(),
            ..Section::default()
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    /// Currency of the values, for table units.
    pub currency: String,
    pub sections: Vec<Section>,
    /// Footnote texts (sources), numbered from 1.
    pub sources: Vec<String>,
}

impl Report {
    /// The footnote number of `source`, adding it when new.
    pub fn cite(&mut self, source: &str) -> usize {
        match self.sources.iter().position(|s| s == source) {
            Some(i) => i + 1,
            None => {
                self.sources.push(source.to_string());
                self.sources.len()
            }
        }
    }

    /// Every table of the report, in order: (file stem, table).
    pub fn tables(&self) -> Vec<(&str, &Table)> {
        self.sections
            .iter()
            .flat_map(|s| s.tables.iter().map(|t| (t.name.as_str(), &t.table)))
            .collect()
    }

    /// The report as slides: the title slide (the narrative in its notes), a slide per chart
    /// (its section's sentences in the notes), a slide per table short enough for one.
    pub fn presentation(&self) -> pptx::Presentation {
        let words = |paragraphs: &[Vec<Sentence>]| -> Vec<String> {
            paragraphs
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|x| x.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        };
        let mut deck = pptx::Presentation {
            title: self.title.clone(),
            subtitle: (!self.subtitle.is_empty()).then(|| self.subtitle.clone()),
            ..pptx::Presentation::default()
        };
        let sources =
            (!self.sources.is_empty()).then(|| format!("Sources: {}.", self.sources.join("; ")));
        for s in &self.sections {
            let notes = words(&s.paragraphs);
            if s.charts.iter().all(|c| c.slide.is_none()) {
                deck.notes.extend(notes.iter().cloned());
            }
            for c in &s.charts {
                if let Some(sc) = &c.slide {
                    let mut n = vec![c.caption.clone()];
                    n.extend(notes.iter().cloned());
                    deck.slides.push(sc.slide(None, n));
                }
            }
            for t in &s.tables {
                if pptx::fits_a_slide(&t.table) {
                    deck.slides.push(pptx::Slide {
                        title: t.table.title.clone().unwrap_or_else(|| s.heading.clone()),
                        body: pptx::Body::Table {
                            table: t.table.clone(),
                            currency: self.currency.clone(),
                        },
                        source: sources.clone(),
                        notes: t.table.notes.clone(),
                    });
                }
            }
        }
        deck
    }

    /// Every file of the report but the manifest: (path relative to the report directory,
    /// bytes). `command_line` goes into the workbook's notes sheet.
    pub fn files(&self, command_line: &[String]) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = vec![
            ("index.html".to_string(), html(self).into_bytes()),
            ("report.md".to_string(), markdown(self).into_bytes()),
        ];
        for s in &self.sections {
            for c in &s.charts {
                out.push((format!("charts/{}.png", c.name), c.png.clone()));
                out.push((format!("charts/{}.svg", c.name), c.svg.clone().into_bytes()));
            }
            for t in &s.tables {
                out.push((
                    format!("tables/{}.csv", t.name),
                    t.table.render(Format::Csv, &self.currency).into_bytes(),
                ));
            }
        }
        let about = xlsx::About {
            title: Some(self.title.clone()),
            sources: self.sources.clone(),
            command_line: command_line.to_vec(),
        };
        out.push((
            "tables.xlsx".to_string(),
            xlsx::workbook(&self.tables(), &self.currency, &about)?,
        ));
        out.push((
            "report.pptx".to_string(),
            pptx::package(&self.presentation())?,
        ));
        Ok(out)
    }
}

/// Text safe in Markdown prose that may be rendered as HTML: no tags, links, emphasis or code
/// from input text.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9dce1; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: var(--ink); max-width: 60rem;
  margin: 0 auto; padding: 2rem 1.5rem; line-height: 1.5; }
header h1 { margin: 0 0 .25rem; font-size: 1.9rem; }
header p { margin: 0 0 1.5rem; color: var(--muted); }
section { border-top: 1px solid var(--rule); padding-top: 1rem; margin-top: 1.5rem; }
h2 { color: var(--accent); font-size: 1.35rem; margin: 0 0 .75rem; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .3rem; }
table { border-collapse: collapse; margin: .75rem 0 1.25rem; font-size: .88rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
sup a { text-decoration: none; color: var(--accent); }
ol.sources, ul.notes { font-size: .9rem; }
p.note { color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section { break-before: page; page-break-before: always; border-top: none; margin-top: 0; }
  figure, table { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; }
}
"#;

/// Input text made fit for HTML before maud escapes it: control characters but the newline (which
/// HTML cannot hold, or shows as nothing) become spaces. Escaping itself is maud's.
fn text(s: &str) -> Cow<'_, str> {
    if s.chars().any(|c| c.is_control() && c != '\n') {
        Cow::Owned(
            s.chars()
                .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// A paragraph: its sentences, each followed by its footnote links.
fn sentences_html(p: &[Sentence]) -> Markup {
    html! {
        @for (i, s) in p.iter().enumerate() {
            @if i > 0 { " " }
            (text(&s.text))
            @if !s.cites.is_empty() {
                sup {
                    @for (j, n) in s.cites.iter().enumerate() {
                        @if j > 0 { "," }
                        a href={ "#fn" (n) } { (n) }
                    }
                }
            }
        }
    }
}

/// An SVG document made ready to inline: no XML prologue, a viewBox so it scales.
fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[start..];
    if svg.contains("viewBox") {
        return svg.to_string();
    }
    let attr = |name: &str| -> Option<String> {
        let head = &svg[..svg.find('>')?];
        let i = head.find(&format!(" {name}=\""))? + name.len() + 3;
        let j = head[i..].find('"')? + i;
        Some(head[i..j].to_string())
    };
    match (attr("width"), attr("height")) {
        (Some(w), Some(h)) => svg.replacen("<svg", &format!("<svg viewBox=\"0 0 {w} {h}\""), 1),
        _ => svg.to_string(),
    }
}

/// A chart: the inline SVG and its caption.
fn chart_html(c: &Chart) -> Markup {
    html! {
        figure class="chart" id={ "chart-" (text(&c.name)) } {
            "\n"
            // The SVG is markup by design: drawn by the chart module (which escapes the labels it
            // draws) and made inline-ready above. Everything else here is escaped by maud.
            (PreEscaped(inline_svg(&c.svg)))
            "\n"
            figcaption { (text(&c.caption)) }
            "\n"
        }
        "\n"
    }
}

/// A table in human units, its notes, and a link to its CSV file.
fn table_html(t: &Table, currency: &str, csv: &str) -> Markup {
    let grid = t.human_rows(currency);
    let class = |i: usize| t.is_numeric_column(i).then_some("num");
    html! {
        table {
            @if let Some(title) = &t.title {
                caption { (text(title)) }
            }
            thead {
                tr {
                    @for (i, h) in grid[0].iter().enumerate() {
                        th class=[class(i)] { (text(h)) }
                    }
                }
            }
            tbody {
                @for row in &grid[1..] {
                    tr {
                        @for (i, c) in row.iter().enumerate() {
                            td class=[class(i)] { (text(c)) }
                        }
                    }
                }
            }
        }
        "\n"
        @for n in &t.notes {
            p class="note" { (text(n)) }
            "\n"
        }
        p class="note" {
            "Table as CSV: "
            a href={ "tables/" (text(csv)) ".csv" } { "tables/" (text(csv)) ".csv" }
        }
        "\n"
    }
}

/// One section: heading, paragraphs, charts, tables, bullets, and the sources under the notes.
fn section_html(r: &Report, s: &Section) -> Markup {
    html! {
        section id=(text(&s.id)) {
            "\n"
            h2 { (text(&s.heading)) }
            "\n"
            @for para in &s.paragraphs {
                p { (sentences_html(para)) }
                "\n"
            }
            @for c in &s.charts {
                (chart_html(c))
            }
            @for t in &s.tables {
                (table_html(&t.table, &r.currency, &t.name))
            }
            @if !s.bullets.is_empty() {
                ul class="notes" {
                    "\n"
                    @for b in &s.bullets {
                        li { (text(b)) }
                        "\n"
                    }
                }
                "\n"
            }
            @if s.id == "notes" && !r.sources.is_empty() {
                h3 { "Sources" }
                "\n"
                ol class="sources" {
                    "\n"
                    @for (i, src) in r.sources.iter().enumerate() {
                        li id={ "fn" (i + 1) } { (text(src)) }
                        "\n"
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The report as one self-contained HTML page: CSS and SVG charts inline, nothing fetched.
///
/// Built with maud, which escapes every interpolated value; the only markup put in unescaped is
/// the constant style sheet and the charts' SVG (see [`chart_html`]).
pub fn html(r: &Report) -> String {
    html! {
        (DOCTYPE)
        "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8";
                "\n"
                meta name="viewport" content="width=device-width, initial-scale=1";
                "\n"
                title { (text(&r.title)) }
                "\n"
                // A constant: CSS must not be entity-escaped (`"DejaVu Sans"`).
                style { (PreEscaped(CSS)) }
                "\n"
            }
            "\n"
            body {
                "\n"
                header {
                    "\n"
                    h1 { (text(&r.title)) }
                    "\n"
                    p { (text(&r.subtitle)) }
                    "\n"
                }
                "\n"
                @for s in &r.sections {
                    (section_html(r, s))
                }
            }
            "\n"
        }
        "\n"
    }
    .into_string()
}

/// The report as Markdown: the same sections, PNG charts linked, footnotes for the sources.
pub fn markdown(r: &Report) -> String {
    let mut out = format!(
        "# {}\n\n{}\n",
        escape_markdown(&r.title),
        escape_markdown(&r.subtitle)
    );
    for s in &r.sections {
        out.push_str(&format!("\n## {}\n\n", escape_markdown(&s.heading)));
        for p in &s.paragraphs {
            let text: Vec<String> = p
                .iter()
                .map(|x| {
                    let mut t = escape_markdown(&x.text);
                    for n in &x.cites {
                        t.push_str(&format!("[^{n}]"));
                    }
                    t
                })
                .collect();
            out.push_str(&text.join(" "));
            out.push_str("\n\n");
        }
        for c in &s.charts {
            out.push_str(&format!(
                "![{}](charts/{}.png)\n\n",
                escape_markdown(&c.caption),
                c.name
            ));
        }
        for t in &s.tables {
            out.push_str(&t.table.render(Format::Markdown, &r.currency));
            for n in &t.table.notes {
                out.push_str(&format!("\n{}\n", escape_markdown(n)));
            }
            out.push_str(&format!(
                "\nCSV: [tables/{0}.csv](tables/{0}.csv)\n\n",
                t.name
            ));
        }
        for b in &s.bullets {
            out.push_str(&format!("- {}\n", escape_markdown(b)));
        }
        if !s.bullets.is_empty() {
            out.push('\n');
        }
    }
    if !r.sources.is_empty() {
        out.push('\n');
        for (i, src) in r.sources.iter().enumerate() {
            out.push_str(&format!("[^{}]: {}\n", i + 1, escape_markdown(src)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cell, Kind};

    fn sample() -> Report {
        let mut r = Report {
            title: "Kazakhstan - <Mexico>".into(),
            subtitle: "2014-2018".into(),
            currency: "USD".into(),
            ..Report::default()
        };
        let n = r.cite("seeds/<b>001.txt</b>");
        let mut s = Section::new("narrative", "Narrative");
        s.paragraphs.push(vec![Sentence {
            text: "Turnover of <script>alert(1)</script> fell.".into(),
            cites: vec![n],
        }]);
        let mut t = Table::new(vec![("product", Kind::Text), ("value", Kind::Money)]);
        t.push(vec![
            Cell::Text("<script>alert(1)</script>".into()),
            Cell::Num(1.5e6),
        ]);
        s.tables.push(TableItem {
            name: "top".into(),
            table: t,
        });
        s.charts.push(Chart {
            name: "trend".into(),
            caption: "a <b>chart</b>".into(),
            svg: "<?xml version=\"1.0\"?>\n<svg width=\"300\" height=\"200\" xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
            png: vec![1, 2, 3],
            slide: None,
        });
        r.sections.push(s);
        r.sections
            .push(Section::new("notes", "Data and method notes"));
        r
    }

    #[test]
    fn html_escapes_input_text_and_links_footnotes() {
        let h = html(&sample());
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(h.contains("<title>Kazakhstan - &lt;Mexico&gt;</title>"));
        assert!(h.contains("<sup><a href=\"#fn1\">1</a></sup>"));
        assert!(h.contains("<li id=\"fn1\">seeds/&lt;b&gt;001.txt&lt;/b&gt;</li>"));
        assert!(h.contains("<svg viewBox=\"0 0 300 200\" width=\"300\""));
        assert!(!h.contains("<?xml"));
        assert!(h.contains("$1.5M"));
    }

    const HOSTILE: &str = "<script>alert(\"x\")</script> & 'q' <b>";

    /// A report with [`HOSTILE`] in every piece of text that may come from input.
    fn hostile() -> Report {
        let mut r = Report {
            title: format!("title {HOSTILE}"),
            subtitle: format!("subtitle {HOSTILE}"),
            currency: "EUR".into(),
            ..Report::default()
        };
        let n = r.cite(&format!("source {HOSTILE}"));
        let mut s = Section::new("narrative", &format!("heading {HOSTILE}"));
        s.paragraphs.push(vec![
            Sentence {
                text: format!("sentence {HOSTILE}"),
                cites: vec![n],
            },
            Sentence::plain("A second\u{1b}[31m sentence."),
        ]);
        let mut t = Table::new(vec![(HOSTILE, Kind::Text), ("value", Kind::Money)]);
        t.title = Some(format!("caption {HOSTILE}"));
        t.notes.push(format!("note {HOSTILE}"));
        t.push(vec![
            Cell::Text(format!("cell {HOSTILE}")),
            Cell::Num(-1.25e6),
        ]);
        s.tables.push(TableItem {
            name: "top\"><script>".into(),
            table: t,
        });
        s.charts.push(Chart {
            name: "trend\" onload=\"x".into(),
            caption: format!("chart {HOSTILE}"),
            svg: "<?xml version=\"1.0\"?>\n<svg width=\"30\" height=\"20\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"1\" y=\"2\">a &amp; b</text></svg>".into(),
            png: Vec::new(),
            slide: None,
        });
        r.sections.push(s);
        let mut notes = Section::new("notes", "Data and method notes");
        notes.bullets.push(format!("bullet {HOSTILE}"));
        r.sections.push(notes);
        r
    }

    /// The page as XML: HTML's void elements closed, the doctype left out.
    fn as_xml(h: &str) -> String {
        let body = h.strip_prefix("<!DOCTYPE html>").expect("a doctype");
        let mut out = String::new();
        let mut rest = body;
        while let Some(i) = rest.find("<meta ") {
            let j = rest[i..].find('>').expect("a closed tag") + i;
            out.push_str(&rest[..j]);
            out.push_str("/>");
            rest = &rest[j + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Every element's name and text content, in document order.
    fn elements<'a>(doc: &'a roxmltree::Document) -> Vec<(&'a str, String)> {
        doc.descendants()
            .filter(|n| n.is_element())
            .map(|n| {
                let text: String = n
                    .descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect();
                (n.tag_name().name(), text)
            })
            .collect()
    }

    #[test]
    fn html_escapes_hostile_text_in_cells_sentences_and_captions() {
        let h = html(&hostile());
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<b>"), "{h}");
        assert!(!h.contains('\u{1b}'), "{h}");
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'q' &lt;b&gt;";
        for place in [
            "<td>cell ",
            "<p>sentence ",
            "<figcaption>chart ",
            "<caption>caption ",
            "<th>",
            "<p class=\"note\">note ",
            "<li>bullet ",
            "<li id=\"fn1\">source ",
            "<title>title ",
            "<h1>title ",
            "<h2>heading ",
            "<p>subtitle ",
        ] {
            assert!(h.contains(&format!("{place}{escaped}<")), "{place}: {h}");
        }
        assert!(h.contains("id=\"chart-trend&quot; onload=&quot;x\""), "{h}");
        assert!(
            h.contains("<a href=\"tables/top&quot;&gt;&lt;script&gt;.csv\">"),
            "{h}"
        );
        assert!(h.contains("A second [31m sentence."), "{h}");
        // The chart's own markup goes in as it is.
        assert!(h.contains("<text x=\"1\" y=\"2\">a &amp; b</text>"), "{h}");
        assert!(h.contains("<td class=\"num\">-€1.25M</td>"), "{h}");
    }

    #[test]
    fn html_parses_and_keeps_input_text_as_text() {
        for r in [sample(), hostile()] {
            let h = html(&r);
            let xml = as_xml(&h);
            let doc = roxmltree::Document::parse(&xml)
                .unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "html");
            assert_eq!(root.attribute("lang"), Some("en"));
            let children: Vec<&str> = root
                .children()
                .filter(|n| n.is_element())
                .map(|n| n.tag_name().name())
                .collect();
            assert_eq!(children, ["head", "body"]);
            let els = elements(&doc);
            assert!(
                els.iter()
                    .all(|(name, _)| *name != "script" && *name != "b")
            );
            let sections: Vec<&str> = doc
                .descendants()
                .filter(|n| n.has_tag_name("section"))
                .filter_map(|n| n.attribute("id"))
                .collect();
            assert_eq!(sections, ["narrative", "notes"]);
            assert_eq!(
                els.iter().filter(|(n, _)| *n == "figure").count(),
                1,
                "one chart"
            );
            assert_eq!(els.iter().filter(|(n, _)| *n == "svg").count(), 1);
        }
        // The hostile text comes back, character for character, as text.
        let h = html(&hostile());
        let xml = as_xml(&h);
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let els = elements(&doc);
        let text_of = |tag: &str| -> Vec<String> {
            els.iter()
                .filter(|(n, _)| *n == tag)
                .map(|(_, t)| t.clone())
                .collect()
        };
        assert_eq!(text_of("td")[0], format!("cell {HOSTILE}"));
        assert_eq!(text_of("th")[0], HOSTILE);
        assert_eq!(text_of("figcaption"), [format!("chart {HOSTILE}")]);
        assert_eq!(text_of("caption"), [format!("caption {HOSTILE}")]);
        assert_eq!(text_of("title"), [format!("title {HOSTILE}")]);
        assert!(text_of("p")[1].starts_with(&format!("sentence {HOSTILE}1 A second")));
        let figure = doc
            .descendants()
            .find(|n| n.has_tag_name("figure"))
            .unwrap();
        assert_eq!(figure.attribute("id"), Some("chart-trend\" onload=\"x"));
        assert_eq!(figure.attribute("onload"), None);
        let link = doc
            .descendants()
            .filter(|n| n.has_tag_name("a"))
            .find_map(|n| n.attribute("href").filter(|h| h.starts_with("tables/")))
            .unwrap();
        assert_eq!(link, "tables/top\"><script>.csv");
    }

    #[test]
    fn html_is_self_contained_and_prints() {
        let h = html(&sample());
        assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{h}");
        assert!(h.ends_with("</html>\n"), "{h}");
        assert!(h.contains("<meta charset=\"utf-8\">"));
        assert!(
            h.contains("font-family: \"DejaVu Sans\""),
            "CSS not escaped"
        );
        assert!(h.contains("size: A4") && h.contains("break-before: page"));
        for bad in [
            "src=\"http",
            "href=\"http",
            "url(",
            "@import",
            "<link",
            "<script",
        ] {
            assert!(!h.contains(bad), "{bad}");
        }
        assert!(
            h.contains("<figure class=\"chart\" id=\"chart-trend\">"),
            "{h}"
        );
        assert!(
            h.contains("<section id=\"narrative\">\n<h2>Narrative</h2>\n"),
            "{h}"
        );
        assert!(
            h.contains(
                "<p class=\"note\">Table as CSV: <a href=\"tables/top.csv\">tables/top.csv</a></p>"
            ),
            "{h}"
        );
        assert!(
            h.contains("<h3>Sources</h3>\n<ol class=\"sources\">"),
            "{h}"
        );
        assert!(
            h.contains("fell.<sup><a href=\"#fn1\">1</a></sup></p>"),
            "{h}"
        );
    }

    #[test]
    fn markdown_escapes_and_links_png() {
        let m = markdown(&sample());
        assert!(!m.contains("<script>"), "{m}");
        assert!(m.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(m.contains("![a &lt;b&gt;chart&lt;/b&gt;](charts/trend.png)"));
        assert!(m.contains("fell.[^1]"));
        assert!(m.contains("[^1]: seeds/&lt;b&gt;001.txt&lt;/b&gt;"));
    }

    #[test]
    fn files_cover_charts_and_tables() {
        let names: Vec<String> = sample()
            .files(&[])
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "index.html",
                "report.md",
                "charts/trend.png",
                "charts/trend.svg",
                "tables/top.csv",
                "tables.xlsx",
                "report.pptx"
            ]
        );
    }

    #[test]
    fn cite_numbers_sources_once() {
        let mut r = Report::default();
        assert_eq!(r.cite("a"), 1);
        assert_eq!(r.cite("b"), 2);
        assert_eq!(r.cite("a"), 1);
    }
}
