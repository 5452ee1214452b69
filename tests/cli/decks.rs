//! Workbooks and slide decks: `--output xlsx` of every table command, `tables.xlsx`,
//! `deck.pptx` and `report.pptx`, read back (calamine for the workbooks; the zip, its content
//! types, relationships and XML for the decks), converted with LibreOffice and rendered page by
//! page with pdftoppm; hostile text and outputs that cannot be written.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};

use crate::common::{fails, fixture, succeeds, tradestat};

/// Columns whose cells are text in every table (codes and names stay text even when they look
/// like numbers); every other column holds numbers. `year` holds integers.
const TEXT_COLUMNS: [&str; 26] = [
    "as named",
    "as stated",
    "category",
    "chapter",
    "code",
    "country",
    "derived",
    "dir",
    "exporter",
    "flow",
    "group",
    "hs",
    "hs section",
    "importer",
    "indicator",
    "label",
    "measure",
    "name",
    "partner",
    "product",
    "quantity_unit",
    "reading",
    "reporter",
    "source",
    "sources",
    "years",
];

fn read_xlsx(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: not a workbook: {e}", path.display()))
}

/// The CSV's text for a cell: the leading `'` of the formula guard undone.
fn unguarded(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(['=', '+', '-', '@', '\t', '\r']) =>
        {
            rest
        }
        _ => field,
    }
}

/// A sheet against the CSV of the same table: the same header and size, and every cell equal
/// to its CSV field: empty where the CSV is empty (unknown is not zero), the same number stored
/// as a number in number columns, the same text in text columns (all columns when
/// `all_text`). Returns how many numbers were compared.
fn assert_sheet_is_csv(range: &Range<Data>, csv: &str, what: &str, all_text: bool) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let (rows, cols) = range.get_size();
    assert_eq!(rows, records.len(), "{what}: rows");
    assert_eq!(cols, records[0].len(), "{what}: columns");
    let header: Vec<String> = records[0].iter().map(str::to_string).collect();
    let mut numbers = 0;
    for (r, rec) in records.iter().enumerate() {
        for (c, field) in rec.iter().enumerate() {
            let cell = range.get((r, c)).unwrap_or(&Data::Empty);
            let at = format!("{what}: row {r}, column {}", header[c]);
            if r == 0 {
                assert_eq!(cell, &Data::String(field.to_string()), "{at}");
                continue;
            }
            if field.is_empty() {
                assert_eq!(cell, &Data::Empty, "{at}: unknown must stay empty");
                continue;
            }
            let text_column = all_text || TEXT_COLUMNS.contains(&header[c].as_str());
            match cell {
                Data::Float(v) if !text_column => {
                    let want: f64 = field.parse().unwrap_or_else(|_| panic!("{at}: {field}"));
                    assert_eq!(*v, want, "{at}");
                    numbers += 1;
                }
                Data::Bool(b) => assert_eq!(b.to_string(), field, "{at}"),
                Data::String(s) if text_column => assert_eq!(s, unguarded(field), "{at}"),
                other => panic!("{at}: {other:?} for the CSV field {field:?}"),
            }
        }
    }
    numbers
}

/// A workbook against CSV texts, sheet by sheet in order, then the sources sheet.
fn assert_workbook_is_csv(path: &Path, csvs: &[(String, String)], all_text: bool) -> usize {
    let mut wb = read_xlsx(path);
    let names = wb.sheet_names();
    let want: Vec<&str> = csvs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(&names[..names.len() - 1], want, "{}", path.display());
    assert_eq!(names.last().unwrap(), "Sources and notes");
    let mut numbers = 0;
    for (name, csv) in csvs {
        let range = wb.worksheet_range(name).unwrap();
        numbers +=
            assert_sheet_is_csv(&range, csv, &format!("{}:{name}", path.display()), all_text);
    }
    numbers
}

/// The tables of a `--output csv` run with several tables (`# name` before each).
fn split_csv(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for block in text.split("# ").filter(|b| !b.trim().is_empty()) {
        let (name, body) = block.split_once('\n').unwrap();
        out.push((name.to_string(), body.trim_end().to_string() + "\n"));
    }
    out
}

#[test]
fn every_table_command_writes_a_workbook_equal_to_its_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let bilateral = fixture("small_bilateral.csv");
    let baci = fixture("baci_small.csv");
    let b = bilateral.to_str().unwrap();
    let z = baci.to_str().unwrap();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("summary", vec!["summary"]),
        ("compare", vec!["compare", "--years", "2014,2018"]),
        ("top", vec!["top", b, "-r", "KAZ"]),
        (
            "composition",
            vec!["composition", b, "-r", "KAZ", "--group", "chapter"],
        ),
        ("partners", vec!["partners", b, "-r", "KAZ"]),
        ("mirror", vec!["mirror", b, "-r", "KAZ", "-p", "MEX"]),
        (
            "indicators",
            vec!["indicators", b, "-r", "KAZ", "-p", "MEX"],
        ),
        ("world", vec!["world", z]),
        ("profile", vec!["profile", z, "-r", "ZAF"]),
        ("profile", vec!["profile", z, "-r", "ZAF", "-p", "AFG"]),
        ("inspect", vec!["inspect", b]),
    ];
    let mut numbers = 0;
    for (i, (name, args)) in runs.iter().enumerate() {
        let (csv, _) = succeeds(tradestat().args(args).args(["--output", "csv", "-q"]));
        // `--output xlsx` and an -o ending in .xlsx give the same workbook.
        let explicit = tmp.path().join(format!("{i}-explicit.xlsx"));
        let inferred = tmp.path().join(format!("{i}-{name}.XLSX"));
        succeeds(
            tradestat()
                .args(args)
                .args(["--output", "xlsx", "-q", "-o"])
                .arg(&explicit),
        );
        succeeds(tradestat().args(args).args(["-q", "-o"]).arg(&inferred));
        let csvs = if *name == "profile" {
            split_csv(&csv)
        } else {
            vec![(name.to_string(), csv)]
        };
        for path in [&explicit, &inferred] {
            numbers += assert_workbook_is_csv(path, &csvs, *name == "inspect");
        }
        // The sources sheet names the command line.
        let mut wb = read_xlsx(&explicit);
        let notes = wb.worksheet_range("Sources and notes").unwrap();
        let text: Vec<String> = notes.rows().map(|r| r[0].to_string()).collect();
        assert!(
            text.iter()
                .any(|l| l.contains(&format!(" {} ", args[0])) && l.contains("xlsx")),
            "{name}: {text:?}"
        );
    }
    assert!(numbers > 100, "{numbers} numbers compared");
}

#[test]
fn a_workbook_needs_a_file_and_a_writable_place() {
    let tmp = tempfile::tempdir().unwrap();
    let err = fails(tradestat().args(["summary", "--output", "xlsx"]));
    assert!(err.contains("give -o FILE.xlsx"), "{err}");
    // The output is checked before the inputs are read: a missing input is not reported.
    let out = tmp.path().join("no-such-dir/t.xlsx");
    let mut cmd = tradestat();
    cmd.args(["top", "/no/such/input.csv", "-o"]).arg(&out);
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(73));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("t.xlsx") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!err.contains("input.csv"), "{err}");
    // A report or deck folder under a file.
    let file = tmp.path().join("f");
    std::fs::write(&file, "x").unwrap();
    let deck = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deck.toml");
    for args in [
        vec!["report", "/no/such/input.csv"],
        vec!["render", deck.to_str().unwrap()],
    ] {
        let o = tradestat()
            .args(&args)
            .arg("-o")
            .arg(file.join("out"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(73), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is a file, not a folder"), "{err}");
    }
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing written"
    );
}

/// Every part of a zip, by name.
fn unzip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let mut b = Vec::new();
        e.read_to_end(&mut b).unwrap();
        out.insert(e.name().to_string(), b);
    }
    out
}

fn text(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        parts
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone(),
    )
    .unwrap()
}

/// `target` relative to the folder of `part`.
fn resolve(part: &str, target: &str) -> String {
    let mut path: Vec<&str> = part.split('/').collect();
    path.pop();
    for seg in target.split('/') {
        match seg {
            ".." => {
                path.pop();
            }
            "." | "" => {}
            s => path.push(s),
        }
    }
    path.join("/")
}

/// What a deck holds, checked part by part: (slides, pictures, notes pages).
struct DeckFacts {
    slides: usize,
    pictures: usize,
    svgs: usize,
    /// All text on the slides, in order.
    slide_text: Vec<String>,
    notes_text: String,
    width: u64,
}

/// Unzip a deck and check it as PowerPoint would open it: a content type for every part, the
/// main parts present, every XML part well-formed, every relationship's target present, the
/// slides listed in the presentation in order, each picture a PNG (and an SVG where given)
/// reached through an image relationship.
fn check_deck(path: &Path) -> DeckFacts {
    let parts = unzip(path);
    let ct = text(&parts, "[Content_Types].xml");
    let ct = roxmltree::Document::parse(&ct).unwrap();
    let mut defaults = BTreeMap::new();
    let mut overrides = BTreeMap::new();
    for n in ct.root_element().children().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "Default" => {
                defaults.insert(
                    n.attribute("Extension").unwrap().to_string(),
                    n.attribute("ContentType").unwrap().to_string(),
                );
            }
            "Override" => {
                overrides.insert(
                    n.attribute("PartName")
                        .unwrap()
                        .trim_start_matches('/')
                        .to_string(),
                    n.attribute("ContentType").unwrap().to_string(),
                );
            }
            other => panic!("unexpected {other}"),
        }
    }
    for name in overrides.keys() {
        assert!(parts.contains_key(name), "{name} is declared but missing");
    }
    for name in parts.keys().filter(|n| *n != "[Content_Types].xml") {
        let ext = name.rsplit('.').next().unwrap();
        assert!(
            overrides.contains_key(name) || defaults.contains_key(ext),
            "{name} has no content type"
        );
    }
    assert!(overrides["ppt/presentation.xml"].ends_with("presentation.main+xml"));
    for (name, bytes) in &parts {
        if name.ends_with(".xml") || name.ends_with(".rels") || name.ends_with(".svg") {
            let t = std::str::from_utf8(bytes).unwrap();
            roxmltree::Document::parse(t).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    // Relationships: every target is in the package.
    let mut rels: BTreeMap<String, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for name in parts.keys().filter(|n| n.ends_with(".rels")) {
        let source = name
            .replace("_rels/", "")
            .trim_end_matches(".rels")
            .to_string();
        let t = text(&parts, name);
        let doc = roxmltree::Document::parse(&t).unwrap();
        let mut map = BTreeMap::new();
        for r in doc.descendants().filter(|n| n.has_tag_name("Relationship")) {
            let target = resolve(&source, r.attribute("Target").unwrap());
            assert!(parts.contains_key(&target), "{name}: {target} is missing");
            map.insert(
                r.attribute("Id").unwrap().to_string(),
                (r.attribute("Type").unwrap().to_string(), target),
            );
        }
        rels.insert(source, map);
    }
    // The slides, in the presentation's order.
    let pres = text(&parts, "ppt/presentation.xml");
    let pres = roxmltree::Document::parse(&pres).unwrap();
    let size = pres
        .descendants()
        .find(|n| n.has_tag_name("sldSz"))
        .unwrap();
    let width: u64 = size.attribute("cx").unwrap().parse().unwrap();
    let slide_parts: Vec<String> = pres
        .descendants()
        .filter(|n| n.has_tag_name("sldId"))
        .map(|n| {
            let rid = n
                .attributes()
                .find(|a| a.name() == "id" && a.namespace().is_some())
                .unwrap()
                .value();
            let (kind, target) = &rels["ppt/presentation.xml"][rid];
            assert!(kind.ends_with("/slide"), "{kind}");
            target.clone()
        })
        .collect();
    let on_disk = parts
        .keys()
        .filter(|n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
        .count();
    assert_eq!(slide_parts.len(), on_disk, "every slide is listed");
    let declared = overrides
        .values()
        .filter(|t| t.ends_with("slide+xml"))
        .count();
    assert_eq!(declared, on_disk, "every slide has its content type");
    let (mut pictures, mut svgs) = (0, 0);
    let mut slide_text = Vec::new();
    let mut notes_text = String::new();
    for slide in &slide_parts {
        let t = text(&parts, slide);
        let doc = roxmltree::Document::parse(&t).unwrap();
        let my = &rels[slide];
        let embeds = doc.descendants().filter_map(|n| {
            n.attributes()
                .find(|a| a.name() == "embed")
                .map(|a| (n.tag_name().name(), a.value()))
        });
        for (tag, rid) in embeds {
            let (kind, target) = &my[rid];
            assert!(kind.ends_with("/image"), "{slide}: {kind}");
            assert!(target.starts_with("ppt/media/"), "{target}");
            if tag == "svgBlip" {
                assert!(target.ends_with(".svg"));
                svgs += 1;
            } else {
                assert!(parts[target].starts_with(b"\x89PNG\r\n\x1a\n"), "{target}");
                pictures += 1;
            }
        }
        slide_text.push(
            doc.descendants()
                .filter(|n| n.has_tag_name("t"))
                .filter_map(|n| n.text())
                .collect::<Vec<_>>()
                .join(" | "),
        );
        let notes = my
            .values()
            .find(|(k, _)| k.ends_with("/notesSlide"))
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("{slide} has no notes page"));
        let n = text(&parts, &notes);
        let doc = roxmltree::Document::parse(&n).unwrap();
        for t in doc.descendants().filter(|n| n.has_tag_name("t")) {
            notes_text.push_str(t.text().unwrap_or(""));
            notes_text.push('\n');
        }
    }
    DeckFacts {
        slides: slide_parts.len(),
        pictures,
        svgs,
        slide_text,
        notes_text,
        width,
    }
}

fn render_example(dir: &Path) {
    let deck = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deck.toml");
    succeeds(tradestat().arg("render").arg(&deck).arg("-o").arg(dir));
}

#[test]
fn the_example_deck_has_its_slides_in_order_and_a_workbook_of_its_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("deck");
    render_example(&dir);
    let d = check_deck(&dir.join("deck.pptx"));
    // Title slide + 4 charts + 2 tables, in the order `slides` gives.
    assert_eq!(d.slides, 7);
    assert_eq!((d.pictures, d.svgs), (4, 4));
    assert_eq!(d.width, 12_192_000, "16:9");
    let t = &d.slide_text;
    assert!(
        t[0].contains("Kazakhstan - Mexico: trade briefing slides"),
        "{t:?}"
    );
    assert!(t[0].contains("December 2026") && t[0].contains("Prepared with tradestat"));
    assert!(
        t[1].starts_with("Kazakhstan - Mexico trade, 2014-2018"),
        "{t:?}"
    );
    assert!(t[1].contains("Source: seeds/000"), "{t:?}");
    assert!(t[2].starts_with("Trade summary, Kazakhstan - Mexico") && t[2].contains("$121.4M"));
    assert!(t[6].contains("2014") && !t[6].contains("2018"), "{t:?}");
    assert!(
        d.notes_text.contains("Turnover fell from $121.4 million"),
        "{}",
        d.notes_text
    );
    assert!(
        d.notes_text
            .contains("2015-2017 are not in the seed documents")
    );
    assert!(d.notes_text.contains("Imports in 2014 are derived"));
    // The workbook: the spec's tables, equal to their CSVs.
    let csvs: Vec<(String, String)> = ["summary", "summary-2014"]
        .iter()
        .map(|n| {
            let csv = std::fs::read_to_string(dir.join(format!("{n}.csv"))).unwrap();
            (n.to_string(), csv)
        })
        .collect();
    assert!(assert_workbook_is_csv(&dir.join("tables.xlsx"), &csvs, false) >= 8);
}

#[test]
fn a_four_by_three_deck() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("d.toml");
    std::fs::write(
        &spec,
        "title = \"T\"\naspect = \"4:3\"\n[[chart]]\nname = \"t\"\nkind = \"trend\"\n",
    )
    .unwrap();
    succeeds(
        tradestat()
            .arg("render")
            .arg(&spec)
            .arg("-o")
            .arg(tmp.path().join("o")),
    );
    let d = check_deck(&tmp.path().join("o/deck.pptx"));
    assert_eq!((d.slides, d.width), (2, 9_144_000));
    assert!(
        !tmp.path().join("o/tables.xlsx").exists(),
        "no tables, no workbook"
    );
}

#[test]
fn the_seed_report_has_a_deck_and_a_workbook_of_every_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("r");
    succeeds(tradestat().arg("report").arg("-o").arg(&dir));
    let d = check_deck(&dir.join("report.pptx"));
    let charts = std::fs::read_dir(dir.join("charts"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "png")
        .count();
    assert_eq!(d.pictures, charts, "a slide per chart");
    assert!(d.slides > charts, "title and table slides");
    assert!(
        d.notes_text
            .contains("Trade turnover between Kazakhstan and Mexico fell")
    );
    let mut csvs: Vec<(String, String)> = Vec::new();
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    // The tables in the order the report shows them.
    for part in index.split("href=\"tables/").skip(1) {
        let name = part.split(".csv").next().unwrap().to_string();
        if csvs.iter().all(|(n, _)| *n != name) {
            let csv = std::fs::read_to_string(dir.join(format!("tables/{name}.csv"))).unwrap();
            csvs.push((name, csv));
        }
    }
    assert!(csvs.len() >= 2, "{csvs:?}");
    assert_workbook_is_csv(&dir.join("tables.xlsx"), &csvs, false);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"report.pptx\"") && manifest.contains("\"tables.xlsx\""));
}

/// A canonical CSV whose product names are hostile: markup, quotes, an ampersand, control
/// characters and a 300-character description.
fn hostile_input(dir: &Path) -> (PathBuf, String) {
    let long =
        format!("Machinery & parts {}", "of \"every\" <kind> ".repeat(20))[..300].to_string();
    let names = [
        "Oil & <b>\"gas\"</b> 'crude'".to_string(),
        long.clone(),
        "=HYPERLINK(\"http://x\")".to_string(),
    ];
    let mut csv = String::from("year,reporter,partner,flow,product,product_name,value,source\n");
    for (i, n) in names.iter().enumerate() {
        let quoted = format!("\"{}\"", n.replace('"', "\"\""));
        for (year, v) in [(2018, 1000 * (i + 1)), (2019, 1500 * (i + 1))] {
            csv.push_str(&format!(
                "{year},KAZ,MEX,export,27100{i},{quoted},{v},\"src <&> {i}.txt\"\n"
            ));
            csv.push_str(&format!(
                "{year},KAZ,MEX,import,27100{i},{quoted},{},src.txt\n",
                v / 2
            ));
        }
    }
    let path = dir.join("hostile.csv");
    std::fs::write(&path, csv).unwrap();
    (path, long)
}

#[test]
fn hostile_names_give_valid_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, long) = hostile_input(tmp.path());
    let dir = tmp.path().join("r");
    succeeds(tradestat().arg("report").arg(&input).arg("-o").arg(&dir));
    let d = check_deck(&dir.join("report.pptx"));
    let all = d.slide_text.join("\n");
    assert!(all.contains("Oil & <b>\"gas\"</b> 'crude'"), "{all}");
    // The long name is cut on the slide, whole in the workbook.
    assert!(!all.contains(&long), "{all}");
    let mut wb = read_xlsx(&dir.join("tables.xlsx"));
    let found = wb.sheet_names().iter().any(|s| {
        wb.worksheet_range(s)
            .unwrap()
            .used_cells()
            .any(|(_, _, c)| *c == Data::String(long.clone()))
    });
    assert!(found, "the 300-character name is in the workbook");
    // A spec whose own text is hostile.
    let spec = tmp.path().join("d.toml");
    std::fs::write(
        &spec,
        format!(
            "title = \"A & B <C> \\\"quoted\\\" {}\"\nsubtitle = \"x < y\"\nauthor = \"O'Brien & Co\"\ninputs = [\"hostile.csv\"]\n[defaults]\nreporter = \"KAZ\"\n[[chart]]\nname = \"top\"\nkind = \"top\"\ntitle = \"Top <5> & more\"\nnotes = \"<notes> & 'quotes'\"\n[[table]]\nname = \"top\"\nkind = \"top\"\n",
            "long ".repeat(60)
        ),
    )
    .unwrap();
    let out = tmp.path().join("deck");
    succeeds(tradestat().arg("render").arg(&spec).arg("-o").arg(&out));
    let d = check_deck(&out.join("deck.pptx"));
    assert_eq!(d.slides, 3);
    assert!(
        d.slide_text[0].contains("A & B <C> \"quoted\""),
        "{:?}",
        d.slide_text
    );
    assert!(d.slide_text[0].contains("…"), "the long title is cut");
    assert!(d.slide_text[0].contains("O'Brien & Co"));
    assert!(d.slide_text[1].starts_with("Top <5> & more"));
    assert!(d.notes_text.contains("<notes> & 'quotes'"));
    let csv = std::fs::read_to_string(out.join("top.csv")).unwrap();
    assert_workbook_is_csv(&out.join("tables.xlsx"), &[("top".into(), csv)], false);
}

#[test]
fn a_failed_deck_leaves_no_workbook_or_deck() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    render_example(&dir);
    let before = std::fs::read(dir.join("deck.pptx")).unwrap();
    let spec = tmp.path().join("bad.toml");
    std::fs::write(
        &spec,
        "[[table]]\nname = \"s\"\nkind = \"summary\"\n[[chart]]\nname = \"x\"\nkind = \"composition\"\n",
    )
    .unwrap();
    fails(tradestat().arg("render").arg(&spec).arg("-o").arg(&dir));
    assert_eq!(
        std::fs::read(dir.join("deck.pptx")).unwrap(),
        before,
        "the old deck"
    );
    assert!(!dir.join("s.csv").exists());
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "no staging folder or temporary file: {names:?}"
    );
}

/// A program from Debian's packages, if installed.
fn program(name: &str) -> Option<PathBuf> {
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?;
    let path = path.trim();
    (out.status.success() && !path.is_empty()).then(|| PathBuf::from(path))
}

/// The share of a page's pixels that are not background (the colour of the top-left corner).
fn ink(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let bg = pixels[0];
    let far = pixels
        .iter()
        .filter(|p| p.iter().zip(bg).take(3).any(|(a, b)| a.abs_diff(*b) > 48))
        .count();
    far as f64 / pixels.len() as f64
}

/// A deck converted to PDF by LibreOffice and each page rendered to PNG by pdftoppm: the
/// pages, which must be as many as the slides.
fn rendered_pages(soffice: &Path, pptx: &Path, work: &Path) -> Vec<PathBuf> {
    let profile = work.join("lo-profile");
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(work)
        .arg(pptx)
        .output()
        .expect("soffice runs");
    let pdf = work.join(pptx.with_extension("pdf").file_name().unwrap());
    assert!(
        out.status.success() && pdf.is_file(),
        "soffice failed on {}: {}{}",
        pptx.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = work.join("page");
    let st = std::process::Command::new("pdftoppm")
        .args(["-r", "40", "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(st.success());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(work)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .collect();
    pages.sort();
    pages
}

#[test]
fn libreoffice_opens_every_deck_and_no_page_is_blank() {
    let tools = (program("soffice"), program("pdftoppm"));
    let (Some(soffice), Some(_)) = tools else {
        if std::env::var_os("CI").is_some() {
            panic!("soffice or pdftoppm is not installed but CI is set: .ci/run must install them");
        }
        eprintln!(
            "SKIPPED libreoffice_opens_every_deck_and_no_page_is_blank: soffice or pdftoppm is \
             not installed (apt-get install libreoffice-impress poppler-utils); this test is \
             required on CI"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    render_example(&tmp.path().join("deck"));
    succeeds(
        tradestat()
            .arg("report")
            .arg("-o")
            .arg(tmp.path().join("seed")),
    );
    let (input, _) = hostile_input(tmp.path());
    succeeds(
        tradestat()
            .arg("report")
            .arg(&input)
            .arg("-o")
            .arg(tmp.path().join("hostile")),
    );
    for pptx in ["deck/deck.pptx", "seed/report.pptx", "hostile/report.pptx"] {
        let pptx = tmp.path().join(pptx);
        let slides = check_deck(&pptx).slides;
        let work = tempfile::tempdir().unwrap();
        let pages = rendered_pages(&soffice, &pptx, work.path());
        assert_eq!(pages.len(), slides, "{}: a page per slide", pptx.display());
        for p in &pages {
            let share = ink(p);
            assert!(
                share > 0.003,
                "{}: {} is blank ({share})",
                pptx.display(),
                p.display()
            );
        }
    }
}
