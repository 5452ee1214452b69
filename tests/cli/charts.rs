//! `tradestat chart KIND`: PNG and SVG charts of the seed data, of inputs written by the test and
//! of real files (legacy Comtrade India-China, the BACI extract): sizes, texts, bars, escaping,
//! identical bytes for identical input, and clear errors with no file left behind.

use std::path::{Path, PathBuf};

use crate::common::*;

const INDIA_CHINA: &str = "comtrade-legacy/h3_china_india.csv";
const BACI: &str = "baci-extract/ExampleTradeData.csv";

/// Render `args` into `dir/name` and return its path; the run must succeed.
fn render(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    succeeds(
        tradestat()
            .arg("chart")
            .args(args)
            .arg("-q")
            .arg("-o")
            .arg(&out),
    );
    assert!(out.is_file(), "{} not written", out.display());
    out
}

/// The texts of an SVG file, checking on the way that it is well-formed XML.
fn svg_texts(path: &Path) -> (String, Vec<String>) {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg)
        .unwrap_or_else(|e| panic!("{}: not valid SVG: {e}", path.display()));
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect();
    (svg, texts)
}

/// Rectangles of one fill colour in an SVG (bars, tiles, legend swatches).
fn rects(svg: &str, fill: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(fill))
        .count()
}

/// Decode a PNG: its size and the fraction of pixels that differ from the background
/// (the top-left pixel).
fn png_ink(path: &Path) -> (u32, u32, f64) {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap_or_else(|e| panic!("{}: not a PNG: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let step = info.color_type.samples();
    let bg = buf[..step].to_vec();
    let pixels = buf.len() / step;
    let inked = buf.chunks(step).filter(|p| *p != bg.as_slice()).count();
    (info.width, info.height, inked as f64 / pixels as f64)
}

fn assert_png(path: &Path, size: (u32, u32)) {
    let (w, h, ink) = png_ink(path);
    assert_eq!((w, h), size, "{}", path.display());
    assert!(
        ink > 0.01,
        "{}: blank ({:.3}% drawn)",
        path.display(),
        ink * 100.0
    );
}

fn has(texts: &[String], want: &str) -> bool {
    texts.iter().any(|t| t == want)
}

#[test]
fn chart_help_ends_with_examples() {
    let (stdout, _) = succeeds(tradestat().args(["chart", "--help"]));
    let tail = stdout.rsplit("Examples:\n").next().unwrap();
    let lines: Vec<&str> = tail.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines[0].starts_with("  tradestat chart"), "{stdout}");
    assert!(lines.iter().all(|l| l.starts_with("  ")), "{stdout}");
    for kind in [
        "trend",
        "flows",
        "balance",
        "top",
        "composition",
        "compare",
        "mirror",
        "pareto",
    ] {
        assert!(stdout.contains(kind), "help does not name {kind}");
    }
}

/// Every kind the seed data supports, in PNG and SVG: titles with country names and years,
/// axis labels with units, the source footnote, the bars.
#[test]
fn seed_kinds_render_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, extra) in [
        ("trend", vec![]),
        ("flows", vec![]),
        ("balance", vec![]),
        ("compare", vec!["--years", "2014,2018"]),
    ] {
        let png = render(
            d,
            &format!("{kind}.png"),
            &[&[kind][..], &extra[..]].concat(),
        );
        assert_png(&png, (1920, 1080));
        let svg = render(
            d,
            &format!("{kind}.svg"),
            &[&[kind][..], &extra[..]].concat(),
        );
        let (text, texts) = svg_texts(&svg);
        assert!(
            texts
                .iter()
                .any(|t| t.contains("Kazakhstan") && t.contains("Mexico")),
            "{kind}: no title naming both countries in {texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.contains("2014")),
            "{kind}: no year in {texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("Source: seeds/")),
            "{kind}: no source footnote in {texts:?}"
        );
        assert!(
            has(&texts, "$0") || kind == "balance",
            "{kind}: no $0 axis label in {texts:?}"
        );
        match kind {
            "trend" => {
                for label in ["$171K", "$121.229M", "$121.4M", "$23M", "$100M"] {
                    assert!(has(&texts, label), "trend: no {label} in {texts:?}");
                }
            }
            "flows" => {
                // One exports bar (2014) plus its legend swatch; exports of $171K
                // beside imports of $121M still labelled.
                assert_eq!(rects(&text, "#0072B2"), 2);
                for label in ["$171K", "$121.229M", "$23M", "balance -$121.058M"] {
                    assert!(has(&texts, label), "flows: no {label} in {texts:?}");
                }
            }
            "balance" => {
                // One deficit bar (2014) plus its legend swatch; 2018 has no balance.
                assert_eq!(rects(&text, "#D55E00"), 2);
                assert!(has(&texts, "-$121.058M"), "{texts:?}");
                assert!(has(&texts, "-$50M"), "{texts:?}");
            }
            _ => {
                assert!(
                    has(&texts, "-81.1%"),
                    "compare: no turnover change in {texts:?}"
                );
                assert!(has(&texts, "2018 not reported"), "{texts:?}");
            }
        }
    }
}

#[test]
fn the_same_input_renders_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["png", "svg"] {
        let a = render(dir.path(), &format!("a.{ext}"), &["flows"]);
        let b = render(dir.path(), &format!("b.{ext}"), &["flows"]);
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{ext}"
        );
    }
}

#[test]
fn options_set_size_scale_theme_and_titles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = render(
        d,
        "sq.png",
        &[
            "trend", "--size", "square", "--scale", "2", "--theme", "dark",
        ],
    );
    assert_png(&p, (2160, 2160));
    let p = render(d, "wh.png", &["flows", "--width", "800", "--height", "600"]);
    assert_png(&p, (800, 600));
    let p = render(d, "a4.png", &["compare", "--size", "a4"]);
    assert_png(&p, (2480, 3508));
    let p = render(
        d,
        "forced.out",
        &[
            "balance",
            "--format-image",
            "svg",
            "--title",
            "My <own> title & more",
        ],
    );
    let (_, texts) = svg_texts(&p);
    assert!(has(&texts, "My <own> title & more"), "{texts:?}");
}

/// A product name with markup from an input file comes out as text, not as SVG elements.
#[test]
fn svg_escapes_text_from_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("names.csv");
    std::fs::write(
        &csv,
        "year,reporter,partner,flow,product,product_name,value\n\
         2020,KAZ,MEX,export,8501,<script>alert(1)</script> & motors,600000\n\
         2020,KAZ,MEX,export,2613,Molybdenum ores,300000\n",
    )
    .unwrap();
    let out = render(dir.path(), "top.svg", &["top", csv.to_str().unwrap()]);
    let (svg, texts) = svg_texts(&out);
    assert!(!svg.contains("<script>"), "unescaped markup in the SVG");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("<script>alert(1)</script> & motors")),
        "{texts:?}"
    );
    // Two bars in the exports colour.
    assert_eq!(rects(&svg, "#0072B2"), 2);
}

/// Both sides' declarations: the mirror chart.
#[test]
fn mirror_renders_both_sides_with_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("both.csv");
    std::fs::write(
        &csv,
        "year,reporter,partner,flow,product,value\n\
         2019,KAZ,MEX,export,TOTAL,1500000\n\
         2019,MEX,KAZ,import,TOTAL,1720000\n\
         2019,KAZ,MEX,import,TOTAL,30000000\n\
         2019,MEX,KAZ,export,TOTAL,27500000\n",
    )
    .unwrap();
    let f = csv.to_str().unwrap();
    assert_png(
        &render(
            dir.path(),
            "m.png",
            &["mirror", f, "-r", "KAZ", "-p", "MEX"],
        ),
        (1920, 1080),
    );
    let (svg, texts) = svg_texts(&render(
        dir.path(),
        "m.svg",
        &["mirror", f, "-r", "KAZ", "-p", "MEX"],
    ));
    assert!(has(&texts, "gap +$220K (+14.7%)"), "{texts:?}");
    assert!(has(&texts, "gap +$2.5M (+9.1%)"), "{texts:?}");
    // Two flows, each with an exporter and an importer bar, plus the two legend swatches.
    assert_eq!(rects(&svg, "#0072B2"), 3);
    assert_eq!(rects(&svg, "#E69F00"), 3);
}

/// Bad requests: a clear error naming what is missing, and no file left behind.
#[test]
fn bad_requests_fail_clearly_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = d.join("x.png");
    let o = out.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["composition", "--group", "category", "-o", o],
            "needs product detail with values",
        ),
        (vec!["top", "-o", o], "needs exports by product with values"),
        (
            vec!["pareto", "-o", o],
            "needs exports by product with values",
        ),
        (vec!["mirror", "-o", o], "needs both sides"),
        (
            vec!["trend", "--years", "2016", "-o", o],
            "no data for KAZ in 2016",
        ),
        (
            vec!["trend", "--years", "2015-2017", "-o", o],
            "no trade between",
        ),
        (
            vec!["compare", "--years", "2014", "-o", o],
            "needs two years",
        ),
        (vec!["trend"], "-o chart.png"),
    ];
    for (args, message) in cases {
        let err = fails(tradestat().arg("chart").args(&args));
        assert!(
            err.contains(message),
            "{args:?}: expected '{message}' in:\n{err}"
        );
    }
    let jpg = d.join("x.jpg");
    let err = fails(tradestat().args(["chart", "trend", "-o"]).arg(&jpg));
    assert!(err.contains("use .png or .svg"), "{err}");
    let missing = d.join("no/such/dir/x.png");
    let out_cmd = tradestat()
        .args(["chart", "trend", "-o"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out_cmd.status.code(), Some(73));
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// India-China 2010 (UN Comtrade legacy): one year with product detail, India's side only.
#[test]
fn india_china_renders_each_kind_it_supports() {
    let Some(real) = real_data() else { return };
    let file = real.file(INDIA_CHINA);
    let f = file.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, extra, bars) in [
        ("flows", vec![], Some(("#0072B2", 2))),
        ("balance", vec![], Some(("#D55E00", 2))),
        (
            "top",
            vec!["--flow", "imports", "-n", "10"],
            Some(("#E69F00", 10)),
        ),
        ("composition", vec!["--group", "section"], None),
        ("composition", vec!["--group", "section", "--donut"], None),
        (
            "pareto",
            vec!["--flow", "imports", "-n", "20"],
            Some(("#E69F00", 21)),
        ),
    ] {
        let args = [&[kind, f][..], &extra[..]].concat();
        assert_png(&render(d, &format!("{kind}.png"), &args), (1920, 1080));
        let (svg, texts) = svg_texts(&render(d, &format!("{kind}.svg"), &args));
        assert!(
            texts
                .iter()
                .any(|t| t.contains("India") && t.contains("2010")),
            "{kind}: title without India and 2010: {texts:?}"
        );
        assert!(
            has(&texts, "Source: UN Comtrade (legacy): h3_china_india.csv."),
            "{kind}: {texts:?}"
        );
        if let Some((colour, n)) = bars {
            assert_eq!(rects(&svg, colour), n, "{kind}: bars in {colour}");
        }
    }
    // Exports $17.44B, imports $41.249B, as `summary` prints them.
    let (_, texts) = svg_texts(&render(d, "flows2.svg", &["flows", f]));
    assert!(
        has(&texts, "$17.44B") && has(&texts, "$41.249B"),
        "{texts:?}"
    );
    // One year and one side: trend, compare and mirror cannot be drawn.
    let err = fails(
        tradestat()
            .args(["chart", "trend", f, "-o"])
            .arg(d.join("t.png")),
    );
    assert!(
        err.contains("the trend chart needs two years or more")
            && err.contains("2010 only")
            && err.contains("the flows chart draws one year"),
        "{err}"
    );
    let err = fails(
        tradestat()
            .args(["chart", "compare", f, "-o"])
            .arg(d.join("c.png")),
    );
    assert!(err.contains("two years"), "{err}");
    let err = fails(
        tradestat()
            .args(["chart", "mirror", f, "-o"])
            .arg(d.join("m.png")),
    );
    assert!(err.contains("both sides"), "{err}");
}

/// BACI extract, South Africa: partners ranked and balanced.
#[test]
fn baci_south_africa_renders_each_kind_it_supports() {
    let Some(real) = real_data() else { return };
    let file = real.file(BACI);
    let f = file.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (kind, extra) in [
        ("flows", vec![]),
        ("balance", vec!["--by", "partner", "-n", "12"]),
        ("top", vec!["--by", "partner"]),
        (
            "composition",
            vec!["--group", "chapter", "--flow", "exports"],
        ),
        ("pareto", vec!["--by", "partner"]),
    ] {
        let args = [
            &[kind, f, "-r", "ZAF", "--classification", "H0"][..],
            &extra[..],
        ]
        .concat();
        assert_png(&render(d, &format!("{kind}.png"), &args), (1920, 1080));
        let (_, texts) = svg_texts(&render(d, &format!("{kind}.svg"), &args));
        assert!(
            texts
                .iter()
                .any(|t| t.contains("South Africa") && t.contains("2021")),
            "{kind}: {texts:?}"
        );
    }
    let err = fails(
        tradestat()
            .args(["chart", "mirror", f, "-r", "ZAF", "-o"])
            .arg(d.join("m.png")),
    );
    assert!(err.contains("already reconciled"), "{err}");
}
