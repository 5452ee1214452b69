//! `summary` (and the run with no command): the seed figures and citations, real files' TOTAL
//! rows and partner2 breakdowns, absent countries and years explained, euros from Comext, and
//! exchange rates from `--fx`.

use super::*;

// The figures the product brief requires from the embedded seed data.
#[test]
fn seed_summary_figures() {
    let rows = json_rows(&["summary"]);
    assert_eq!(rows.len(), 2);
    let y2014 = &rows[0];
    assert_eq!(num(y2014, "year"), None, "year is text");
    assert_eq!(text(y2014, "year"), "2014");
    assert_eq!(num(y2014, "exports"), Some(171_000.0));
    assert_eq!(num(y2014, "imports"), Some(121_229_000.0));
    assert_eq!(num(y2014, "turnover"), Some(121_400_000.0));
    assert_eq!(num(y2014, "balance"), Some(171_000.0 - 121_229_000.0));
    assert_eq!(text(y2014, "derived"), "imports");
    let y2018 = &rows[1];
    assert_eq!(num(y2018, "turnover"), Some(23_000_000.0));
    assert_eq!(num(y2018, "exports"), None);
}

#[test]
fn no_command_runs_the_seed_summary_with_citations() {
    let (stdout, stderr) = succeeds(&mut tradestat());
    assert!(stdout.contains("Kazakhstan - Mexico"), "{stdout}");
    assert!(
        stdout.contains("$171K") && stdout.contains("$121.229M"),
        "{stdout}"
    );
    assert!(
        stdout.contains("$121.4M") && stdout.contains("$23M"),
        "{stdout}"
    );
    assert!(stderr.contains("001_df4cecdcb924529d.txt"), "{stderr}");
    assert!(stderr.contains("000_f17b33383c21b252.txt"), "{stderr}");
    assert!(stderr.contains("CAGR 2014-2018: -34.0%"), "{stderr}");
}

#[test]
fn summary_of_a_real_file_uses_the_total_rows() {
    let Some(real) = real_data() else { return };
    // India's 2010 imports from and exports to China, from the file's two TOTAL rows.
    let mut rdr = csv::Reader::from_path(real.file("comtrade-legacy/h3_china_india.csv")).unwrap();
    let mut totals: HashMap<String, f64> = HashMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if r.len() >= 10 && &r[5] == "TOTAL" {
            totals.insert(r[2].to_string(), r[9].parse().unwrap());
        }
    }
    let rows = json_rows(&[
        "summary",
        real.file("comtrade-legacy/h3_china_india.csv")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(num(&rows[0], "imports"), Some(totals["1"]));
    assert_eq!(num(&rows[0], "exports"), Some(totals["2"]));
    assert_eq!(text(&rows[0], "derived"), "turnover");
}

#[test]
fn partner2_breakdowns_are_not_double_counted() {
    let Some(real) = real_data() else { return };
    // 2015-2017 repeat the partner2 = World value split by partner2: only World counts.
    let mut rdr =
        csv::Reader::from_path(real.file("comtrade-plus-camelcase/semiconductor_trade_raw.csv"))
            .unwrap();
    let headers = rdr.headers().unwrap().clone();
    let idx = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (y, p2, v) = (idx("refYear"), idx("partner2Code"), idx("primaryValue"));
    let mut world: HashMap<String, f64> = HashMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[p2] == "0" {
            *world.entry(r[y].to_string()).or_default() += r[v].parse::<f64>().unwrap();
        }
    }
    let rows = json_rows(&[
        "summary",
        real.file("comtrade-plus-camelcase/semiconductor_trade_raw.csv")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(rows.len(), world.len());
    for row in &rows {
        let year = text(row, "year");
        assert!(close(num(row, "imports").unwrap(), world[year]), "{year}");
    }
}

#[test]
fn absent_country_and_year_are_explained() {
    let err = fails(tradestat().args(["summary", "-r", "FRA"]));
    assert!(
        err.contains("not in the data") && err.contains("KAZ"),
        "{err}"
    );
    let err = fails(tradestat().args(["compare", "--years", "2014,2020"]));
    assert!(err.contains("2020") && err.contains("2014, 2018"), "{err}");
    let err = fails(tradestat().args(["summary", "--region", "Atlantis"]));
    assert!(err.contains("unknown region"), "{err}");
    let Some(real) = real_data() else { return };
    let err = fails(
        tradestat()
            .arg("summary")
            .arg(real.file("baci-extract/ExampleTradeData.csv")),
    );
    assert!(err.contains("--reporter"), "{err}");
}

#[test]
fn comext_summary_is_in_euros() {
    let file = fixture("comext_new.csv");
    let (stdout, _) = succeeds(tradestat().args(["summary", "-r", "FRA", "-q"]).arg(&file));
    assert!(stdout.contains("France"), "{stdout}");
    // FRA's 2018 exports (KZ, 201852) are EUR 210,000.
    assert!(stdout.contains("€210K"), "{stdout}");
    assert!(!stdout.contains('$'), "{stdout}");
    let rows = json_rows(&["summary", file.to_str().unwrap(), "-r", "FRA"]);
    assert_eq!(text(&rows[0], "year"), "2018");
    assert_eq!(num(&rows[0], "exports"), Some(210_000.0));
    assert_eq!(num(&rows[0], "imports"), Some(45_000.0));
}

#[test]
fn mixed_currencies_are_refused_without_rates() {
    // KAZ's rows: France's exports to it in euros (Comext), its own in dollars.
    for every_row in [false, true] {
        let err = fails(
            tradestat()
                .args(["summary", "-r", "KAZ", "-q"])
                .args(every_row.then_some("--every-row"))
                .arg(fixture("comext_new.csv"))
                .arg(fixture("small_bilateral.csv")),
        );
        assert!(err.contains("several currencies"), "{err}");
        assert!(err.contains("EUR") && err.contains("USD"), "{err}");
        assert!(err.contains("--fx"), "{err}");
    }
    // France's rows are all in euros: the dollars of other countries' rows do not stop it,
    // whether only its rows are parsed or every row.
    let answer = |every_row: bool| {
        succeeds(
            tradestat()
                .args(["summary", "-r", "FRA", "-q"])
                .args(every_row.then_some("--every-row"))
                .arg(fixture("comext_new.csv"))
                .arg(fixture("small_bilateral.csv")),
        )
        .0
    };
    let out = answer(false);
    assert!(out.contains("€210K"), "{out}");
    assert_eq!(out, answer(true));
}

#[test]
fn fx_rates_convert_to_us_dollars() {
    // US dollars per euro by year, from our fixture.
    let mut rates: HashMap<String, f64> = HashMap::new();
    let mut rdr = csv::Reader::from_path(fixture("fx.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        assert_eq!(&r[0], "EUR");
        rates.insert(r[1].to_string(), r[2].parse().unwrap());
    }
    // FRA's euros by year and flow, from the Comext fixture.
    let mut eur: HashMap<(String, String), f64> = HashMap::new();
    let mut rdr = csv::Reader::from_path(fixture("comext_new.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let idx = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (rep, flow, per, val) = (
        idx("REPORTER"),
        idx("FLOW"),
        idx("PERIOD"),
        idx("VALUE_EUR"),
    );
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[rep] == "FR" {
            *eur.entry((r[per][..4].to_string(), r[flow].to_string()))
                .or_default() += r[val].parse::<f64>().unwrap();
        }
    }
    let rows = json_rows(&[
        "summary",
        fixture("comext_new.csv").to_str().unwrap(),
        fixture("small_bilateral.csv").to_str().unwrap(),
        "-r",
        "FRA",
        "--fx",
        fixture("fx.csv").to_str().unwrap(),
    ]);
    assert_eq!(rows.len(), 2);
    for row in &rows {
        let year = text(row, "year").to_string();
        let rate = rates[&year];
        let exports = eur[&(year.clone(), "2".to_string())] * rate;
        let imports = eur[&(year.clone(), "1".to_string())] * rate;
        assert!(close(num(row, "exports").unwrap(), exports), "{year}");
        assert!(close(num(row, "imports").unwrap(), imports), "{year}");
    }
    let (stdout, _) = succeeds(
        tradestat()
            .args(["summary", "-r", "FRA", "-q", "--fx"])
            .arg(fixture("fx.csv"))
            .arg(fixture("comext_new.csv"))
            .arg(fixture("small_bilateral.csv")),
    );
    // 210,000 EUR x 1.18 = $247.8K.
    assert!(stdout.contains("$247.8K"), "{stdout}");
    assert!(!stdout.contains('€'), "{stdout}");
    // USD rows are left as they are.
    let kaz = json_rows(&[
        "summary",
        fixture("comext_new.csv").to_str().unwrap(),
        fixture("small_bilateral.csv").to_str().unwrap(),
        "-r",
        "KAZ",
        "-p",
        "MEX",
        "--fx",
        fixture("fx.csv").to_str().unwrap(),
    ]);
    let y2020 = kaz.iter().find(|r| text(r, "year") == "2020").unwrap();
    assert_eq!(num(y2020, "exports"), Some(400.0));
    assert_eq!(num(y2020, "imports"), Some(200.0));
}

#[test]
fn fx_file_without_a_needed_year_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fx = dir.path().join("fx_2018.csv");
    std::fs::write(&fx, "currency,year,rate\nEUR,2018,1.18\n").unwrap();
    let err = fails(
        tradestat()
            .args(["summary", "-r", "FRA", "-q", "--fx"])
            .arg(&fx)
            .arg(fixture("comext_new.csv"))
            .arg(fixture("small_bilateral.csv")),
    );
    assert!(err.contains("fx_2018.csv"), "{err}");
    assert!(err.contains("EUR 2019"), "{err}");
    assert!(!err.contains("EUR 2018"), "{err}");
}
