//! Tables of a reporter's trade with a partner, a region or the world: the summary and key
//! figures, comparisons, rankings, composition, mirror statistics and indicators, the same in
//! the commands, the report and decks.

use polars::prelude::*;

use super::{num, table_from, text};
use crate::analysis::answers::{Summary, rank_partners, shown_direction};
use crate::analysis::indicators as ind;
use crate::analysis::{self, By, Direction, GroupBy};
use crate::frame::{floats, ints, strings};
use crate::output::{Cell, Kind, Table};
use crate::question::Question;
use crate::reference::countries;
use crate::{Dataset, Error, Result};

/// "exports", "imports", "turnover": how titles name a direction.
pub(crate) fn flow_words(d: Direction) -> &'static str {
    match d {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    }
}

/// "Exports" for "exports".
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

pub fn summary_table(s: &Summary, title: String) -> Table {
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("exports", Kind::Money),
        ("imports", Kind::Money),
        ("turnover", Kind::Money),
        ("balance", Kind::Money),
        ("coverage", Kind::Ratio),
        ("growth", Kind::Percent),
        ("derived", Kind::Text),
    ]);
    t.title = Some(title);
    for i in 0..s.years.len() {
        t.push(vec![
            Cell::Text(s.years[i].to_string()),
            num(s.exports[i]),
            num(s.imports[i]),
            num(s.turnover[i]),
            num(s.balance[i]),
            num(s.coverage[i]),
            num(s.growth[i]),
            text(s.derived[i].clone()),
        ]);
    }
    t
}

/// First and last years with a turnover.
pub fn span(s: &Summary) -> Option<((i32, f64), (i32, f64))> {
    let pts: Vec<(i32, f64)> = (0..s.years.len())
        .filter_map(|i| s.turnover[i].map(|v| (s.years[i], v)))
        .collect();
    Some((*pts.first()?, *pts.last()?))
}

/// First and last years with any figure (exports, imports or turnover).
pub fn years_span(s: &Summary) -> Option<(i32, i32)> {
    let ys: Vec<i32> = (0..s.years.len())
        .filter(|&i| s.exports[i].is_some() || s.imports[i].is_some() || s.turnover[i].is_some())
        .map(|i| s.years[i])
        .collect();
    Some((*ys.first()?, *ys.last()?))
}

/// The key figures in the first and last years with a figure, with the change % (see
/// [`analysis::change_pct`]).
pub fn key_table(s: &Summary, title: String) -> Option<Table> {
    let (ya, yb) = years_span(s)?;
    let at = |c: &[Option<f64>], y: i32| s.years.iter().position(|x| *x == y).and_then(|i| c[i]);
    let two = ya != yb;
    let mut cols = vec![("measure", Kind::Text)];
    let (a, b) = (ya.to_string(), yb.to_string());
    if two {
        cols.push((&a, Kind::Money));
    }
    cols.push((&b, Kind::Money));
    if two {
        cols.push(("change_pct", Kind::Percent));
    }
    let mut t = Table::new(cols);
    t.title = Some(title);
    for (name, c) in [
        ("exports", &s.exports),
        ("imports", &s.imports),
        ("turnover", &s.turnover),
        ("balance", &s.balance),
    ] {
        let (va, vb) = (at(c, ya), at(c, yb));
        if va.is_none() && vb.is_none() {
            continue;
        }
        let mut row = vec![Cell::Text(name.into())];
        if two {
            row.push(num(va));
        }
        row.push(num(vb));
        if two {
            row.push(num(va
                .zip(vb)
                .and_then(|(a, b)| analysis::change_pct(a, b))));
        }
        t.push(row);
    }
    Some(t)
}

/// The top `n` products (or partners) in `year`; rows: (code, name, value, share).
/// A ranking (`rank`, `code`, `name`, `value`, `share`, `cumulative_share`, as
/// [`analysis::top`] gives it) as a table, partners named from the country table.
pub fn ranking_table(df: &DataFrame, by: By, title: String) -> Result<Table> {
    let mut t = Table::new(vec![
        ("rank", Kind::Integer),
        ("code", Kind::Text),
        ("name", Kind::Text),
        ("value", Kind::Money),
        ("share", Kind::Percent),
        ("cumulative_share", Kind::Percent),
    ]);
    t.title = Some(title);
    let (rank, code, name, value, share, cum) = (
        ints(df, "rank")?,
        strings(df, "code")?,
        strings(df, "name")?,
        floats(df, "value")?,
        floats(df, "share")?,
        floats(df, "cumulative_share")?,
    );
    for i in 0..df.height() {
        let c = code[i].clone().unwrap_or_default();
        let nm = match by {
            By::Partner => countries().name_of(&c),
            By::Product => name[i].clone().unwrap_or_default(),
        };
        t.push(vec![
            rank[i].map(Cell::Int).unwrap_or(Cell::Empty),
            Cell::Text(c),
            Cell::Text(nm),
            num(value[i]),
            num(share[i]),
            num(cum[i]),
        ]);
    }
    Ok(t)
}

/// The top `n` products (or partners) in the question's year; `None` when nothing has a value.
pub fn top_table(
    ds: &Dataset,
    q: &Question,
    direction: Direction,
    by: By,
    n: usize,
    title: String,
) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::top(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            analysis::Ranking {
                direction,
                by,
                year,
                level: None,
                n,
            },
        ),
        "the ranking",
    )?;
    let value = floats(&df, "value")?;
    if !value.iter().any(|v| v.is_some_and(|v| v != 0.0)) {
        return Ok(None);
    }
    // The total of all products is not a product: data without product detail has no
    // ranking of products.
    let codes = strings(&df, "code")?;
    if by == By::Product
        && codes
            .iter()
            .all(|c| c.as_deref() == Some(crate::schema::TOTAL))
    {
        return Ok(None);
    }
    ranking_table(&df, by, title).map(Some)
}

pub fn composition_table(
    ds: &Dataset,
    q: &Question,
    direction: Direction,
    group: GroupBy,
    title: String,
) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let (direction, shown) = shown_direction(ds, q, direction)?;
    let df = ds.collect(
        analysis::composition(ds.lf.clone(), &q.reporter, &q.partners, direction, group)
            .filter(col("year").eq(lit(year))),
        "the composition",
    )?;
    let v = floats(&df, "value")?;
    if !v.iter().any(|v| v.is_some_and(|v| v != 0.0)) {
        return Ok(None);
    }
    // A title written for the turnover names what is shown.
    let title = match shown {
        Some(_) => title
            .replace("Turnover", &capitalised(flow_words(direction)))
            .replace("turnover", flow_words(direction)),
        None => title,
    };
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("group", Kind::Text),
        ("label", Kind::Text),
        ("value", Kind::Money),
        ("share", Kind::Percent),
    ]);
    t.title = Some(title);
    t.notes.extend(shown);
    let (gr, l, s) = (
        strings(&df, "group")?,
        strings(&df, "label")?,
        floats(&df, "share")?,
    );
    for i in 0..df.height() {
        t.push(vec![
            Cell::Text(year.to_string()),
            text(gr[i].clone()),
            text(l[i].clone()),
            num(v[i]),
            num(s[i]),
        ]);
    }
    Ok(Some(t))
}

pub fn partners_table(
    ds: &Dataset,
    q: &Question,
    by: Direction,
    n: usize,
    title: String,
) -> Result<Option<Table>> {
    Ok(partners_table_by(ds, q, by, n, title)?.map(|(t, _)| t))
}

/// [`partners_table`] and what it is ranked by: `by`, or the side known for every partner
/// when `by` is the turnover and it is not known for some (see [`rank_partners`]); the title
/// names it.
pub fn partners_table_by(
    ds: &Dataset,
    q: &Question,
    by: Direction,
    n: usize,
    title: String,
) -> Result<Option<(Table, Direction)>> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::partners(ds.lf.clone(), &q.reporter, &q.partners, year, by),
        "the partner ranking",
    )?;
    if df.height() < 2 {
        return Ok(None);
    }
    let ranking = rank_partners(df, by, 0)?;
    let df = ranking.frame;
    let mut t = Table::new(vec![
        ("rank", Kind::Integer),
        ("partner", Kind::Text),
        ("name", Kind::Text),
        ("exports", Kind::Money),
        ("imports", Kind::Money),
        ("turnover", Kind::Money),
        ("balance", Kind::Money),
        ("share", Kind::Percent),
    ]);
    t.title = Some(title.replace(
        &format!("by {}", flow_words(by)),
        &format!("by {}", flow_words(ranking.by)),
    ));
    t.notes.extend(ranking.note);
    let rank = ints(&df, "rank")?;
    let partner = strings(&df, "partner")?;
    let nums: Vec<Vec<Option<f64>>> = ["exports", "imports", "turnover", "balance", "share"]
        .iter()
        .map(|c| floats(&df, c))
        .collect::<Result<_>>()?;
    let limit = if n == 0 {
        df.height()
    } else {
        n.min(df.height())
    };
    for i in 0..limit {
        let p = partner[i].clone().unwrap_or_default();
        let mut row = vec![
            rank[i].map(Cell::Int).unwrap_or(Cell::Empty),
            Cell::Text(p.clone()),
            Cell::Text(countries().name_of(&p)),
        ];
        row.extend(nums.iter().map(|c| num(c[i])));
        t.push(row);
    }
    Ok(Some((t, ranking.by)))
}

pub fn mirror_table(ds: &Dataset, q: &Question, title: String) -> Result<Option<Table>> {
    let df = ds.collect(
        q.keep_years(ind::mirror(ds.lf.clone(), &q.reporter, &q.partners, 1.0)),
        "mirror statistics",
    )?;
    let (ev, iv) = (
        floats(&df, "exporter_value")?,
        floats(&df, "importer_value")?,
    );
    if !(0..df.height()).any(|i| ev[i].is_some() && iv[i].is_some()) {
        return Ok(None);
    }
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("exporter", Kind::Text),
        ("importer", Kind::Text),
        ("exporter_value", Kind::Money),
        ("importer_value", Kind::Money),
        ("gap", Kind::Money),
        ("gap_pct", Kind::Percent),
    ]);
    t.title = Some(title);
    let (y, ex, im, gap, pct) = (
        ints(&df, "year")?,
        strings(&df, "exporter")?,
        strings(&df, "importer")?,
        floats(&df, "gap")?,
        floats(&df, "gap_pct")?,
    );
    for i in 0..df.height() {
        t.push(vec![
            text(y[i].map(|y| y.to_string())),
            text(ex[i].clone()),
            text(im[i].clone()),
            num(ev[i]),
            num(iv[i]),
            num(gap[i]),
            num(pct[i]),
        ]);
    }
    Ok(Some(t))
}

pub fn indicators_table(ds: &Dataset, q: &Question, title: String) -> Result<Option<Table>> {
    let year = q.one_year()?;
    let (values, notes) = indicator_values(ds, q, year, None)?;
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| *v)
    };
    // Indicators need trade between the two in the data.
    let trade = get("x_ij").unwrap_or(0.0) + get("m_ij").unwrap_or(0.0);
    if trade <= 0.0 {
        return Ok(None);
    }
    let mut t = Table::new(vec![("indicator", Kind::Text), ("value", Kind::Ratio)]);
    t.title = Some(title);
    // What is not known is said in the notes, not listed as empty rows.
    for (name, v) in &values {
        if let Some(v) = v {
            t.push(vec![Cell::Text(name.to_string()), Cell::Num(*v)]);
        }
    }
    t.notes.push("world = all reporters in the input".into());
    t.notes.extend(notes);
    Ok(Some(t))
}

/// Indicator names with their values, in the order of [`ind::INDICATORS`].
type Indicators = Vec<(&'static str, Option<f64>)>;

/// The scalar indicators of the question in `year` (`level`: products at that many digits),
/// in the order of [`ind::INDICATORS`], with the notes that say why some are empty and how the
/// aggregate Grubel-Lloyd index was computed.
fn indicator_values(
    ds: &Dataset,
    q: &Question,
    year: i32,
    level: Option<i32>,
) -> Result<(Indicators, Vec<String>)> {
    let df = ds.collect(
        ind::indicators(
            ind::declared_totals(ds.lf.clone(), year),
            ind::declared(ds.lf.clone(), year, level),
            &q.reporter,
            &q.partners,
        ),
        "the indicators",
    )?;
    let mut values = Vec::new();
    for name in ind::INDICATORS {
        values.push((name, floats(&df, name)?.first().copied().flatten()));
    }
    let flag = |c: &str| -> Result<bool> {
        df.column(c)
            .and_then(|s| s.bool().map(|b| b.get(0).unwrap_or(false)))
            .map_err(Error::polars("cannot read the indicators"))
    };
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| *v)
    };
    let notes = ind::indicator_notes(
        &get,
        flag("_detail")?,
        flag("_gl_totals")?,
        &q.reporter_name(),
        &q.partner_words(),
    );
    Ok((values, notes))
}

/// One line of a comparison: a measure in the two years.
struct Measure {
    name: String,
    a: Option<f64>,
    b: Option<f64>,
}

/// Two years side by side (the two years of the question): exports, imports, turnover and
/// balance, then turnover per product group, with the change and the change in percent.
pub fn compare_table(ds: &Dataset, q: &Question, group: GroupBy) -> Result<Table> {
    let years = q.years.clone().unwrap_or_default();
    let [ya, yb] = years.as_slice() else {
        return Err(Error::Request(format!(
            "compare needs two years, e.g. --years 2014,2018; years in the data: {}",
            crate::question::year_list(&q.data_years)
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
    // Product groups by turnover, or by the one side the data holds (said in a note).
    let (direction, shown) = shown_direction(ds, q, Direction::Turnover)?;
    let comp = ds.collect(
        analysis::composition(ds.lf.clone(), &q.reporter, &q.partners, direction, group),
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
    t.notes
        .extend(shown.map(|n| format!("product groups: {n}")));
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    for m in &measures {
        let change = m.a.zip(m.b).map(|(a, b)| b - a);
        let pct = m.a.zip(m.b).and_then(|(a, b)| analysis::change_pct(a, b));
        t.push(vec![
            Cell::Text(m.name.clone()),
            num(m.a),
            num(m.b),
            num(change),
            num(pct),
        ]);
    }
    Ok(t)
}

/// Totals and shares by product group per year (the years of the question).
pub fn composition_by_year(
    ds: &Dataset,
    q: &Question,
    direction: Direction,
    group: GroupBy,
) -> Result<Table> {
    let (direction, shown) = shown_direction(ds, q, direction)?;
    let lf = q.keep_years(analysis::composition(
        ds.lf.clone(),
        &q.reporter,
        &q.partners,
        direction,
        group,
    ));
    let df = ds.collect(lf, "the composition")?;
    if df.height() == 0 {
        return Err(Error::Request(format!(
            "no product detail for {} ({:?}); the data may hold totals only",
            q.title(),
            direction
        )));
    }
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("group", Kind::Text),
        ("label", Kind::Text),
        ("value", Kind::Money),
        ("share", Kind::Percent),
    ]);
    t.title = Some(format!("Composition of {:?}: {}", direction, q.title()));
    t.notes.extend(shown);
    if group == GroupBy::Heading {
        t.notes
            .extend(analysis::products::heading_names_note(ds, q)?);
    }
    let (y, gr, l, v, s) = (
        ints(&df, "year")?,
        strings(&df, "group")?,
        strings(&df, "label")?,
        floats(&df, "value")?,
        floats(&df, "share")?,
    );
    let text = |o: &Option<String>| Cell::Text(o.clone().unwrap_or_default());
    for i in 0..df.height() {
        t.push(vec![
            y[i].map(|y| Cell::Text(y.to_string()))
                .unwrap_or(Cell::Empty),
            text(&gr[i]),
            text(&l[i]),
            v[i].map(Cell::Num).unwrap_or(Cell::Empty),
            s[i].map(Cell::Num).unwrap_or(Cell::Empty),
        ]);
    }
    Ok(t)
}

/// Mirror statistics: each flow as declared by the exporter and by the importer, with the gap
/// (exporter values times the CIF/FOB factor).
pub fn mirror_stats(ds: &Dataset, q: &Question, cif_fob: f64) -> Result<Table> {
    let df = ind::mirror_frame(ds, q, cif_fob, "mirror", &q.title())?;
    let (ev, iv) = (
        floats(&df, "exporter_value")?,
        floats(&df, "importer_value")?,
    );
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("exporter", Kind::Text),
        ("importer", Kind::Text),
        ("exporter_value", Kind::Money),
        ("importer_value", Kind::Money),
        ("gap", Kind::Money),
        ("gap_pct", Kind::Percent),
    ]);
    t.title = Some(format!(
        "Mirror statistics: {} (CIF/FOB {})",
        q.title(),
        cif_fob
    ));
    let (y, ex, im, gap, pct) = (
        ints(&df, "year")?,
        strings(&df, "exporter")?,
        strings(&df, "importer")?,
        floats(&df, "gap")?,
        floats(&df, "gap_pct")?,
    );
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    for i in 0..df.height() {
        t.push(vec![
            y[i].map(|y| Cell::Text(y.to_string()))
                .unwrap_or(Cell::Empty),
            Cell::Text(ex[i].clone().unwrap_or_default()),
            Cell::Text(im[i].clone().unwrap_or_default()),
            num(ev[i]),
            num(iv[i]),
            num(gap[i]),
            num(pct[i]),
        ]);
    }
    Ok(t)
}

/// Trade indicators in the question's year, or with `detail` per product (`products`),
/// unit values (`unit-values`) or marginal intra-industry trade between two years (`marginal`).
pub fn indicators(
    ds: &Dataset,
    q: &Question,
    level: Option<i32>,
    detail: Option<&str>,
) -> Result<Table> {
    let year = q.one_year()?;
    let declared = |y: i32| ind::declared(ds.lf.clone(), y, level);
    let mut t = match detail {
        None => {
            let (values, notes) = indicator_values(ds, q, year, level)?;
            let mut t = Table::new(vec![("indicator", Kind::Text), ("value", Kind::Ratio)]);
            for (name, v) in values {
                t.push(vec![Cell::Text(name.to_string()), num(v)]);
            }
            t.title = Some(format!("Indicators: {}, {year}", q.title()));
            t.notes = notes;
            t
        }
        Some("products") => {
            let df = ds.collect(
                ind::product_detail(declared(year), &q.reporter, &q.partners),
                "the product detail",
            )?;
            let mut t = table_from(
                &df,
                &[
                    ("product", Kind::Text),
                    ("exports", Kind::Money),
                    ("imports", Kind::Money),
                    ("grubel_lloyd", Kind::Ratio),
                    ("rca", Kind::Ratio),
                ],
            )?;
            t.title = Some(format!(
                "RCA and Grubel-Lloyd by product: {}, {year}",
                q.title()
            ));
            t
        }
        Some("unit-values") => {
            let df = ds.collect(
                ind::unit_values(declared(year), &q.reporter, &q.partners),
                "unit values",
            )?;
            let mut t = table_from(
                &df,
                &[
                    ("dir", Kind::Text),
                    ("product", Kind::Text),
                    ("quantity_unit", Kind::Text),
                    ("value", Kind::Money),
                    ("quantity", Kind::Number),
                    ("unit_value", Kind::Ratio),
                ],
            )?;
            t.title = Some(format!(
                "Unit values (x exports, m imports): {}, {year}",
                q.title()
            ));
            t
        }
        Some("marginal") => {
            let ys = q.years.clone().unwrap_or_default();
            let [a, b] = ys.as_slice() else {
                return Err(Error::Request(
                    "--detail marginal needs two years, e.g. --years 2020,2021".into(),
                ));
            };
            let detail = |y: i32| ind::product_detail(declared(y), &q.reporter, &q.partners);
            let df = ds.collect(ind::marginal_iit(detail(*a), detail(*b)), "marginal IIT")?;
            let mut t = table_from(
                &df,
                &[
                    ("product", Kind::Text),
                    ("dx", Kind::Money),
                    ("dm", Kind::Money),
                    ("b", Kind::Ratio),
                ],
            )?;
            t.title = Some(format!(
                "Marginal intra-industry trade {a}-{b}: {}",
                q.title()
            ));
            t
        }
        Some(other) => {
            return Err(Error::Request(format!(
                "--detail {other}: use products, unit-values or marginal"
            )));
        }
    };
    if t.rows.is_empty() {
        return Err(Error::Request(format!(
            "no product data for {} in {year}",
            q.title()
        )));
    }
    t.notes
        .push("world (w) = the sum over all reporters in the input".into());
    Ok(t)
}

/// A reporter's partners in the question's year, ranked by `by`, the first `n` (0: all).
pub fn partner_ranking(ds: &Dataset, q: &Question, by: Direction, n: usize) -> Result<Table> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::partners(ds.lf.clone(), &q.reporter, &q.partners, year, by),
        "the partner ranking",
    )?;
    if df.height() == 0 {
        return Err(Error::Request(format!(
            "no partners with data for {} in {year}",
            q.title()
        )));
    }
    let ranking = rank_partners(df, by, 0)?;
    let df = ranking.frame;
    let mut t = Table::new(vec![
        ("rank", Kind::Integer),
        ("partner", Kind::Text),
        ("name", Kind::Text),
        ("exports", Kind::Money),
        ("imports", Kind::Money),
        ("turnover", Kind::Money),
        ("balance", Kind::Money),
        ("share", Kind::Percent),
    ]);
    let within = q.region.clone().unwrap_or_else(|| "World".into());
    t.title = Some(format!(
        "Partners of {} by {:?}, {year} ({within})",
        countries().name_of(&q.reporter),
        ranking.by
    ));
    t.notes.extend(ranking.note);
    let rank = ints(&df, "rank")?;
    let partner = strings(&df, "partner")?;
    let nums: Vec<Vec<Option<f64>>> = ["exports", "imports", "turnover", "balance", "share"]
        .iter()
        .map(|c| floats(&df, c))
        .collect::<Result<_>>()?;
    let limit = if n == 0 {
        df.height()
    } else {
        n.min(df.height())
    };
    for i in 0..limit {
        let p = partner[i].clone().unwrap_or_default();
        let mut row = vec![
            rank[i].map(Cell::Int).unwrap_or(Cell::Empty),
            Cell::Text(p.clone()),
            Cell::Text(countries().name_of(&p)),
        ];
        row.extend(
            nums.iter()
                .map(|c| c[i].map(Cell::Num).unwrap_or(Cell::Empty)),
        );
        t.push(row);
    }
    Ok(t)
}
