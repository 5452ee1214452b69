//! What `inspect` shows of each input: items in words and numbers, and the seed rows.

use crate::Result;
use crate::inspect::FileStats;
use crate::output::{Cell, Kind, Table, terminal_clean, thousands};
use crate::reference::countries;

fn list(items: &[(String, u64)], max: usize, names: bool) -> String {
    let table = countries();
    let mut parts: Vec<String> = items
        .iter()
        .take(max)
        .map(|(k, n)| {
            let label = if names && table.is_known(k) {
                format!("{k} {}", table.name_of(k))
            } else {
                k.clone()
            };
            format!("{label}: {}", thousands(*n as f64))
        })
        .collect();
    if items.len() > max {
        parts.push(format!("... {} more", items.len() - max));
    }
    parts.join("; ")
}

fn years(y: &[i64]) -> String {
    match y {
        [] => String::new(),
        [one] => one.to_string(),
        _ if y.len() > 6 => format!("{}-{} ({} years)", y[0], y[y.len() - 1], y.len()),
        _ => y.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// What `inspect` says of one file, item by item (item, value), in human units.
pub fn describe(s: &FileStats) -> Vec<(String, String)> {
    let mut v = vec![
        ("layout".to_string(), s.layout.clone()),
        ("rows".into(), thousands(s.rows as f64)),
        ("years".into(), years(&s.years)),
        (
            format!("reporters ({})", s.reporters.len()),
            list(&s.reporters, 8, true),
        ),
        (
            format!("partners ({})", s.partners.len()),
            list(&s.partners, 8, true),
        ),
        ("flows".into(), list(&s.flows, 12, false)),
        ("product levels".into(), list(&s.levels, 8, false)),
        ("classifications".into(), list(&s.classifications, 8, false)),
        (
            "values".into(),
            s.currencies
                .iter()
                .map(|(c, n, t)| {
                    format!(
                        "{c}: {} rows, total {}",
                        thousands(*n as f64),
                        crate::output::human_money(*t, c)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ];
    if !s.quantity_units.is_empty() {
        v.push(("quantity units".into(), list(&s.quantity_units, 8, false)));
    }
    if s.missing_values > 0 {
        v.push((
            "rows without value".into(),
            thousands(s.missing_values as f64),
        ));
    }
    if !s.domestic.is_empty() {
        v.push((
            "domestic flows".into(),
            s.domestic
                .iter()
                .map(|(c, n, t)| {
                    format!(
                        "{} rows, total {} (exporter = importer)",
                        thousands(*n as f64),
                        crate::output::human_money(*t, c)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    if s.derived > 0 {
        v.push(("derived rows".into(), thousands(s.derived as f64)));
    }
    v.push((
        "unresolved codes".into(),
        if s.unresolved.is_empty() {
            "none".into()
        } else {
            s.unresolved
                .iter()
                .map(|(c, code, n)| format!("{c} {code}: {}", thousands(*n as f64)))
                .collect::<Vec<_>>()
                .join("; ")
        },
    ));
    v.push((
        "aggregate rows".into(),
        if s.aggregates.is_empty() {
            "none".into()
        } else {
            list(&s.aggregates, 10, false)
        },
    ));
    v.push(("duplicate rows".into(), thousands(s.duplicates as f64)));
    v
}

/// What `inspect` prints on a terminal: file by file, item by item (a file-by-file report reads
/// better than a three-column table), then the code tables among the inputs. Text from the
/// files (paths, codes, names) has its control characters replaced.
pub fn inspect_text(stats: &[FileStats], code_tables: &[String]) -> String {
    let mut t = String::new();
    for s in stats {
        t.push_str(&format!("{}\n", terminal_clean(&s.path)));
        for (k, v) in describe(s) {
            t.push_str(&format!("  {k:<22} {}\n", terminal_clean(&v)));
        }
    }
    for c in code_tables {
        t.push_str(&format!("{}\n", terminal_clean(c)));
    }
    t
}

/// The seed rows with their citations, as `inspect` shows them.
pub fn seed_table(df: &polars::prelude::DataFrame) -> Result<Table> {
    use crate::frame::{bools, floats, ints, strings};
    let mut t = Table::new(vec![
        ("year", Kind::Text),
        ("reporter", Kind::Text),
        ("partner", Kind::Text),
        ("flow", Kind::Text),
        ("product", Kind::Text),
        ("value", Kind::Money),
        ("derived", Kind::Text),
        ("source", Kind::Text),
    ]);
    let (y, r, p, f, pr, v, d, s) = (
        ints(df, "year")?,
        strings(df, "reporter")?,
        strings(df, "partner")?,
        strings(df, "flow")?,
        strings(df, "product_name")?,
        floats(df, "value")?,
        bools(df, "derived")?,
        strings(df, "source")?,
    );
    let text = |o: &Option<String>| Cell::Text(o.clone().unwrap_or_default());
    for i in 0..df.height() {
        t.push(vec![
            y[i].map(|y| Cell::Text(y.to_string()))
                .unwrap_or(Cell::Empty),
            text(&r[i]),
            text(&p[i]),
            text(&f[i]),
            text(&pr[i]),
            v[i].map(Cell::Num).unwrap_or(Cell::Empty),
            Cell::Text(if d[i] == Some(true) { "derived" } else { "" }.into()),
            text(&s[i]),
        ]);
    }
    Ok(t)
}
