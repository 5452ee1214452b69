//! `tradestat compare`: two years side by side, overall and per product group.

use clap::Args;
use tradestat::analysis::{self, Direction, GroupBy};
use tradestat::frame::{floats, ints, strings};
use tradestat::output::{Cell, Kind, Table};
use tradestat::{Error, Result, load};

use super::common::Filters;
use super::{Global, Inputs};

/// Two years side by side: exports, imports, turnover and balance, then per product group, in
/// absolute and percent change.
#[derive(Debug, Args)]
#[command(after_help = "Change % = (B - A) / A; empty when A is zero or missing.

Examples:
  tradestat compare --years 2014,2018                  the embedded seed data
  tradestat compare comtrade.csv -r IND -p CHN --years 2009,2010
  tradestat compare baci.parquet -r ZAF --years 2020,2021 --group section --output markdown")]
pub struct CompareArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    #[command(flatten)]
    pub filters: Filters,
    /// Product grouping for the per-group part: section, chapter, heading, category
    #[arg(long, default_value = "chapter", value_parser = super::composition::parse_group)]
    pub group: GroupBy,
}

struct Measure {
    name: String,
    a: Option<f64>,
    b: Option<f64>,
}

pub fn run(args: CompareArgs, g: &Global) -> Result<()> {
    let ds = load(&args.inputs.files, &g.load_options(Default::default())?)?.materialise()?;
    let (ds, q) = args.filters.apply(ds)?;
    let years = q.years.clone().unwrap_or_default();
    let [ya, yb] = years.as_slice() else {
        return Err(Error::Request(format!(
            "compare needs two years, e.g. --years 2014,2018; years in the data: {}",
            q.data_years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let (ya, yb) = (*ya, *yb);
    let df = ds.collect(
        analysis::summary(ds.lf.clone(), &q.reporter, &q.partners),
        "the summary",
    )?;
    let year = ints(&df, "year")?;
    let at = |c: &str, y: i32| -> Result<Option<f64>> {
        let v = floats(&df, c)?;
        Ok(year
            .iter()
            .position(|x| *x == Some(y as i64))
            .and_then(|i| v[i]))
    };
    let mut measures = Vec::new();
    for c in ["exports", "imports", "turnover", "balance"] {
        measures.push(Measure {
            name: c.to_string(),
            a: at(c, ya)?,
            b: at(c, yb)?,
        });
    }
    let comp = ds.collect(
        analysis::composition(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            Direction::Turnover,
            args.group,
        ),
        "the composition",
    )?;
    let (cy, cg, cl, cv) = (
        ints(&comp, "year")?,
        strings(&comp, "group")?,
        strings(&comp, "label")?,
        floats(&comp, "value")?,
    );
    let mut groups: Vec<(String, String)> = Vec::new();
    for i in 0..comp.height() {
        let key = (
            cg[i].clone().unwrap_or_default(),
            cl[i].clone().unwrap_or_default(),
        );
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    for (gkey, label) in &groups {
        let val = |y: i32| {
            (0..comp.height())
                .find(|&i| cy[i] == Some(y as i64) && cg[i].as_deref() == Some(gkey.as_str()))
                .and_then(|i| cv[i])
        };
        let named_in: Vec<String> = [ya, yb]
            .iter()
            .filter(|&&y| {
                (0..comp.height())
                    .any(|i| cy[i] == Some(y as i64) && cg[i].as_deref() == Some(gkey.as_str()))
            })
            .map(i32::to_string)
            .collect();
        let mut name = if label.is_empty() || label == gkey {
            gkey.clone()
        } else if gkey.chars().all(|c| c.is_ascii_alphanumeric()) {
            // HS codes read better with their labels: "84 Machinery & mechanical appliances".
            format!("{gkey} {label}")
        } else {
            // A category named in the data (a press release): its own words.
            label.clone()
        };
        if val(ya).is_none() && val(yb).is_none() {
            // Named without a value: say where it is named rather than print an empty row.
            name = format!("{name} (named in {}, no value)", named_in.join(" and "));
        }
        measures.push(Measure {
            name,
            a: val(ya),
            b: val(yb),
        });
    }
    let mut t = Table::new(vec![
        ("measure", Kind::Text),
        (&ya.to_string(), Kind::Money),
        (&yb.to_string(), Kind::Money),
        ("change", Kind::Money),
        ("change_pct", Kind::Percent),
    ]);
    t.title = Some(format!("{} {ya} vs {yb}", q.title()));
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    for m in &measures {
        let change = m.a.zip(m.b).map(|(a, b)| b - a);
        let pct =
            m.a.zip(m.b)
                .and_then(|(a, b)| (a != 0.0).then(|| (b - a) / a.abs()));
        t.push(vec![
            Cell::Text(m.name.clone()),
            num(m.a),
            num(m.b),
            num(change),
            num(pct),
        ]);
    }
    super::common::emit(g, &ds, &q, &t, Vec::new())?;
    Ok(())
}
