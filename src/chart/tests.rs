//! Tests of the drawing code: every kind renders to valid SVG with its title, labels and the
//! right number of bars, to a non-blank PNG of the asked size, and the same bytes twice.

use super::*;

/// The seed data's summary: 2014 with all three figures (imports derived), 2018 turnover only.
fn seed() -> TrendData {
    TrendData {
        years: vec![2014, 2018],
        exports: vec![Some(171_000.0), None],
        imports: vec![Some(121_229_000.0), None],
        turnover: vec![Some(121_400_000.0), Some(23_000_000.0)],
        balance: vec![Some(-121_058_000.0), None],
        derived: vec!["imports".into(), String::new()],
    }
}

fn ranking(partners: bool, n: usize) -> RankData {
    let mut d = RankData {
        partners,
        flow: "imports".into(),
        total_items: n + 3,
        ..RankData::default()
    };
    let mut cum = 0.0;
    for i in 0..n {
        let v = 1e9 / (i as f64 + 1.0);
        let s = v / 4e9;
        cum += s;
        d.codes.push(format!("{:04}", 8500 + i));
        d.names.push(if i == 0 {
            // Text from input files must come out escaped in SVG.
            "<script>alert('x')</script> & a very long product description that cannot fit on one line of the chart".into()
        } else {
            format!("Product {i}")
        });
        d.values.push(v);
        d.shares.push(Some(s));
        d.cumulative.push(Some(cum));
    }
    d
}

fn shares(n: usize) -> ShareData {
    let values: Vec<f64> = (0..n).map(|i| 1e8 / (i as f64 + 1.0)).collect();
    let total: f64 = values.iter().sum();
    ShareData {
        year: 2010,
        labels: (0..n)
            .map(|i| format!("{:02} Group number {i} with a longer name", 84 + i))
            .collect(),
        shares: values.iter().map(|v| v / total).collect(),
        values,
        unvalued: vec![],
    }
}

fn all_kinds() -> Vec<ChartData> {
    let t = seed();
    vec![
        ChartData::Trend {
            data: t.clone(),
            stacked: false,
        },
        ChartData::Trend {
            data: t.clone(),
            stacked: true,
        },
        ChartData::Flows(t.clone()),
        ChartData::Balance(BalanceData::per_year(&t)),
        ChartData::Balance(BalanceData {
            labels: vec!["China".into(), "Botswana".into(), "Namibia".into()],
            values: vec![Some(-3e9), Some(2e9), Some(0.0)],
            by_partner: true,
        }),
        ChartData::Top(ranking(false, 10)),
        ChartData::Top(ranking(true, 5)),
        ChartData::Composition {
            data: shares(9),
            donut: false,
        },
        ChartData::Composition {
            data: shares(5),
            donut: true,
        },
        ChartData::Compare(CompareData::overall(&t, 2014, 2018)),
        ChartData::Mirror(MirrorData {
            cif_fob: 1.1,
            rows: vec![
                MirrorRow {
                    label: "India → China, 2010".into(),
                    exporter_value: Some(17.4e9),
                    importer_value: Some(20.8e9),
                    gap: Some(1.66e9),
                    gap_pct: Some(0.087),
                },
                MirrorRow {
                    label: "China → India, 2010".into(),
                    exporter_value: Some(40.9e9),
                    importer_value: None,
                    gap: None,
                    gap_pct: None,
                },
            ],
        }),
        ChartData::Pareto(ranking(false, 20)),
    ]
}

fn spec(title: &str) -> ChartSpec {
    ChartSpec {
        title: title.into(),
        subtitle: "Exports, imports and turnover, US dollars".into(),
        footnote:
            "Source: seeds/000_f17b33383c21b252.txt (Kazakhstan-Mexico relations, section Trade)"
                .into(),
        ..ChartSpec::default()
    }
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// Rectangles filled with `colour`, legend swatches included.
fn rects(doc: &roxmltree::Document, colour: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(colour))
        .count()
}

#[test]
fn every_kind_renders_valid_svg_with_title_and_footnote() {
    for data in all_kinds() {
        let title = format!("Kazakhstan - Mexico: {}", data.kind().name());
        let svg = to_svg(&data, &spec(&title)).unwrap();
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{}: invalid SVG: {e}", data.kind().name()));
        let t = texts(&doc);
        assert!(
            t.contains(&title),
            "{}: no title in {t:?}",
            data.kind().name()
        );
        assert!(
            t.iter().any(|s| s.starts_with("Source: seeds/000")),
            "{}: no footnote",
            data.kind().name()
        );
        assert_eq!(doc.root_element().attribute("width"), Some("1920"));
    }
}

#[test]
fn svg_escapes_text_from_inputs() {
    let svg = to_svg(&ChartData::Top(ranking(false, 3)), &spec("a <b> & c")).unwrap();
    assert!(!svg.contains("<script>"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let t = texts(&doc);
    assert!(t.iter().any(|s| s == "a <b> & c"));
    assert!(t.iter().any(|s| s.contains("<script>alert")), "{t:?}");
}

#[test]
fn seed_flows_draw_tiny_exports_and_label_them() {
    let svg = to_svg(&ChartData::Flows(seed()), &spec("flows")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let t = texts(&doc);
    // One exports bar (plus its legend swatch), at least a few pixels tall, and labelled.
    assert_eq!(rects(&doc, "#0072B2"), 2);
    let bar = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#0072B2"))
        .nth(1)
        .unwrap();
    let h: i32 = bar.attribute("height").unwrap().parse().unwrap();
    assert!(h >= 4, "exports bar only {h} px tall");
    for label in ["$171K", "2014", "2018", "$23M", "balance -$121.058M"] {
        assert!(t.iter().any(|s| s == label), "no {label} in {t:?}");
    }
    // Axis labels in one unit.
    for label in ["$0", "$50M", "$100M"] {
        assert!(
            t.iter().any(|s| s == label),
            "no axis label {label} in {t:?}"
        );
    }
}

#[test]
fn trend_labels_every_point_of_a_short_series() {
    let svg = to_svg(
        &ChartData::Trend {
            data: seed(),
            stacked: false,
        },
        &spec("trend"),
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let t = texts(&doc);
    for label in [
        "$171K",
        "$121.229M",
        "$121.4M",
        "$23M",
        "Exports",
        "Imports",
        "Turnover",
    ] {
        assert!(t.iter().any(|s| s == label), "no {label} in {t:?}");
    }
}

#[test]
fn bar_counts_match_the_data() {
    // Pareto: 20 bars in the imports colour plus the legend swatch.
    let svg = to_svg(&ChartData::Pareto(ranking(false, 20)), &spec("pareto")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(rects(&doc, "#E69F00"), 21);
    assert!(texts(&doc).iter().any(|s| s == "100%"));
    // Top products: 10 bars, no legend swatch.
    let svg = to_svg(&ChartData::Top(ranking(false, 10)), &spec("top")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(rects(&doc, "#E69F00"), 10);
    // Treemap: one tile per group.
    let svg = to_svg(
        &ChartData::Composition {
            data: shares(9),
            donut: false,
        },
        &spec("t"),
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let tiles: usize = [
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#4D4D4D",
    ]
    .iter()
    .map(|c| rects(&doc, c))
    .sum();
    assert_eq!(tiles, 9);
    // Donut: one segment per group.
    let svg = to_svg(
        &ChartData::Composition {
            data: shares(5),
            donut: true,
        },
        &spec("d"),
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("polygon"))
            .count(),
        5
    );
    // Balance per year: one bar (2014) in the deficit colour, plus the legend swatch.
    let svg = to_svg(
        &ChartData::Balance(BalanceData::per_year(&seed())),
        &spec("b"),
    )
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(rects(&doc, "#D55E00"), 2);
    assert!(texts(&doc).iter().any(|s| s == "turnover only: no balance"));
}

/// Decode a PNG: (width, height, RGB pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height, buf)
}

fn inked(rgb: &[u8]) -> f64 {
    let bg = [rgb[0], rgb[1], rgb[2]];
    let px = rgb.len() / 3;
    let n = rgb.chunks(3).filter(|p| *p != bg).count();
    n as f64 / px as f64
}

#[test]
fn every_kind_renders_a_non_blank_png_of_the_asked_size() {
    for data in all_kinds() {
        let png = to_png(&data, &spec("Kazakhstan - Mexico")).unwrap();
        let (w, h, rgb) = decode(&png);
        assert_eq!((w, h), (1920, 1080));
        let ink = inked(&rgb);
        assert!(
            ink > 0.01,
            "{}: only {:.2}% of pixels drawn",
            data.kind().name(),
            ink * 100.0
        );
    }
}

#[test]
fn sizes_scale_and_themes() {
    let data = ChartData::Flows(seed());
    let mut s = spec("flows");
    s.width = 1080;
    s.height = 1080;
    s.scale = 2.0;
    s.theme = Theme::Dark;
    let (w, h, rgb) = decode(&to_png(&data, &s).unwrap());
    assert_eq!((w, h), (2160, 2160));
    // Dark background.
    assert!(rgb[0] < 40 && rgb[1] < 40 && rgb[2] < 40);
    let (a4w, a4h) = size_preset("a4").unwrap();
    s.width = a4w;
    s.height = a4h;
    s.scale = 1.0;
    let (w, h, _) = decode(&to_png(&data, &s).unwrap());
    assert_eq!((w, h), (2480, 3508));
    s.width = 50;
    assert!(to_png(&data, &s).is_err());
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for data in all_kinds() {
        let s = spec("same");
        assert_eq!(to_png(&data, &s).unwrap(), to_png(&data, &s).unwrap());
        assert_eq!(to_svg(&data, &s).unwrap(), to_svg(&data, &s).unwrap());
    }
}

#[test]
fn render_writes_by_extension_and_leaves_nothing_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let data = ChartData::Flows(seed());
    let s = spec("flows");
    let png = dir.path().join("flows.PNG");
    assert_eq!(render(&data, &s, &png, None).unwrap(), ImageFormat::Png);
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    let svg = dir.path().join("flows.svg");
    assert_eq!(render(&data, &s, &svg, None).unwrap(), ImageFormat::Svg);
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let forced = dir.path().join("chart.out");
    assert_eq!(
        render(&data, &s, &forced, Some(ImageFormat::Svg)).unwrap(),
        ImageFormat::Svg
    );
    // Unknown extension, missing directory: an error naming the problem, no file.
    let bad = dir.path().join("flows.jpg");
    let e = render(&data, &s, &bad, None).unwrap_err().to_string();
    assert!(e.contains(".png or .svg"), "{e}");
    assert!(!bad.exists());
    let missing = dir.path().join("no/such/dir/flows.png");
    assert!(matches!(
        render(&data, &s, &missing, None),
        Err(Error::Write { .. })
    ));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
}

#[test]
fn one_or_two_points_and_empty_data_still_draw() {
    let mut one = seed();
    one.retain_years(|y| y == 2018);
    for data in [
        ChartData::Trend {
            data: one.clone(),
            stacked: false,
        },
        ChartData::Flows(one.clone()),
        ChartData::Balance(BalanceData::per_year(&one)),
        ChartData::Trend {
            data: TrendData::default(),
            stacked: false,
        },
        ChartData::Top(RankData::default()),
        ChartData::Composition {
            data: ShareData::default(),
            donut: false,
        },
        ChartData::Compare(CompareData::default()),
        ChartData::Mirror(MirrorData::default()),
        ChartData::Pareto(RankData::default()),
    ] {
        let svg = to_svg(&data, &spec("few")).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
    }
}

#[test]
fn labels_too_long_for_their_space_are_cut_after_a_whole_word() {
    let name = "Sacks and bags: of a kind used for the packing of goods, of textile materials \
                (other than jute, cotton or man-made textile materials), and several further \
                qualifications that no label has room for";
    let mut data = ranking(false, 3);
    data.names[0] = name.into();
    let svg = to_svg(&ChartData::Top(data), &spec("top")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let cut: Vec<String> = texts(&doc)
        .into_iter()
        .filter(|t| t.ends_with('…'))
        .collect();
    assert!(
        !cut.is_empty(),
        "the long name was not cut: {:?}",
        texts(&doc)
    );
    let words: Vec<&str> = name
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', ':', ';']))
        .collect();
    for line in cut {
        let last = line
            .trim_end_matches('…')
            .split_whitespace()
            .last()
            .unwrap_or("")
            .to_string();
        assert!(
            words.contains(&last.as_str()),
            "'{line}' ends inside a word ('{last}')"
        );
    }
}
