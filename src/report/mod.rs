//! Reports: a document model (sections of sentences, charts and tables) assembled into a
//! self-contained HTML page and a Markdown twin, and written with a manifest. Nothing here prints.
//!
//! The command line computes the analyses and charts; this module turns them into text. Every
//! piece of text that may come from input files (country, product and source names) is escaped
//! for the format it goes into.

pub mod build;
pub mod deck;
pub mod files;
pub mod narrative;
pub mod spec;

use crate::output::{Format, Table};

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

    /// Every file of the report but the manifest: (path relative to the report directory, bytes).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
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
        out
    }
}

/// Text safe in HTML and XML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
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

fn sentences_html(p: &[Sentence]) -> String {
    let mut out = String::new();
    for (i, s) in p.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&escape_html(&s.text));
        if !s.cites.is_empty() {
            let links: Vec<String> = s
                .cites
                .iter()
                .map(|n| format!("<a href=\"#fn{n}\">{n}</a>"))
                .collect();
            out.push_str(&format!("<sup>{}</sup>", links.join(",")));
        }
    }
    out
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

fn table_html(t: &Table, currency: &str, csv: &str) -> String {
    let grid = t.human_rows(currency);
    let mut out = String::from("<table>");
    if let Some(title) = &t.title {
        out.push_str(&format!("<caption>{}</caption>", escape_html(title)));
    }
    let class = |i: usize| {
        if t.is_numeric_column(i) {
            " class=\"num\""
        } else {
            ""
        }
    };
    out.push_str("<thead><tr>");
    for (i, h) in grid[0].iter().enumerate() {
        out.push_str(&format!("<th{}>{}</th>", class(i), escape_html(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &grid[1..] {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            out.push_str(&format!("<td{}>{}</td>", class(i), escape_html(c)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
    for n in &t.notes {
        out.push_str(&format!("<p class=\"note\">{}</p>\n", escape_html(n)));
    }
    out.push_str(&format!(
        "<p class=\"note\">Table as CSV: <a href=\"tables/{0}.csv\">tables/{0}.csv</a></p>\n",
        escape_html(csv)
    ));
    out
}

/// The report as one self-contained HTML page: CSS and SVG charts inline, nothing fetched.
pub fn html(r: &Report) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape_html(&r.title)));
    out.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    out.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p>{}</p>\n</header>\n",
        escape_html(&r.title),
        escape_html(&r.subtitle)
    ));
    for s in &r.sections {
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            escape_html(&s.id),
            escape_html(&s.heading)
        ));
        for p in &s.paragraphs {
            out.push_str(&format!("<p>{}</p>\n", sentences_html(p)));
        }
        for c in &s.charts {
            out.push_str(&format!(
                "<figure class=\"chart\" id=\"chart-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
                escape_html(&c.name),
                inline_svg(&c.svg),
                escape_html(&c.caption)
            ));
        }
        for t in &s.tables {
            out.push_str(&table_html(&t.table, &r.currency, &t.name));
        }
        if !s.bullets.is_empty() {
            out.push_str("<ul class=\"notes\">\n");
            for b in &s.bullets {
                out.push_str(&format!("<li>{}</li>\n", escape_html(b)));
            }
            out.push_str("</ul>\n");
        }
        if s.id == "notes" && !r.sources.is_empty() {
            out.push_str("<h3>Sources</h3>\n<ol class=\"sources\">\n");
            for (i, src) in r.sources.iter().enumerate() {
                out.push_str(&format!(
                    "<li id=\"fn{}\">{}</li>\n",
                    i + 1,
                    escape_html(src)
                ));
            }
            out.push_str("</ol>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
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
        let names: Vec<String> = sample().files().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "index.html",
                "report.md",
                "charts/trend.png",
                "charts/trend.svg",
                "tables/top.csv"
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
