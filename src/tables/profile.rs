//! Tables of the one-scan questions: a reporter's or a pair's profile, and the world table.

use polars::prelude::DataFrame;

use super::table_from;
use crate::Result;
use crate::analysis::answers::{Pair, Reporter};
use crate::analysis::door::Profile;
use crate::output::{Cell, Kind, Table};
use crate::reference::countries;

/// The tables of a profile, named for JSON and CSV output.
pub fn profile_tables(p: &Profile) -> Result<Vec<(&'static str, Table)>> {
    let names = countries();
    match p {
        Profile::Pair {
            reporter,
            partner,
            answer,
        } => pair_tables(
            answer,
            &format!("{} - {}", names.name_of(reporter), names.name_of(partner)),
        ),
        Profile::Reporter { reporter, answer } => reporter_tables(answer, &names.name_of(reporter)),
    }
}

fn flows_table(df: &DataFrame, title: String) -> Result<Table> {
    let mut t = table_from(
        df,
        &[
            ("year", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
            ("turnover", Kind::Money),
            ("balance", Kind::Money),
        ],
    )?;
    t.title = Some(title);
    Ok(t)
}

fn year_words(year: Option<i32>) -> String {
    year.map(|y| format!(" in {y}")).unwrap_or_default()
}

/// Add country names after the `partner` column.
fn with_names(t: &mut Table, column: usize) {
    let names = countries();
    t.columns.insert(
        column + 1,
        crate::output::Column {
            name: "name".into(),
            kind: Kind::Text,
        },
    );
    for row in &mut t.rows {
        let name = match &row[column] {
            crate::output::Cell::Text(c) => crate::output::Cell::Text(names.name_of(c)),
            _ => crate::output::Cell::Empty,
        };
        row.insert(column + 1, name);
    }
}

fn pair_tables(p: &Pair, who: &str) -> Result<Vec<(&'static str, Table)>> {
    let flows = flows_table(&p.flows, format!("Trade: {who}"))?;
    let mut top = table_from(
        &p.top_products,
        &[
            ("rank", Kind::Integer),
            ("product", Kind::Text),
            ("name", Kind::Text),
            ("value", Kind::Money),
            ("share", Kind::Percent),
        ],
    )?;
    top.title = Some(format!("Top exports: {who}{}", year_words(p.year)));
    let mut chapters = table_from(
        &p.chapters,
        &[
            ("chapter", Kind::Text),
            ("name", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
        ],
    )?;
    chapters.title = Some(if p.own_categories {
        // The data's own categories are not HS chapters: neither named nor called so.
        chapters.columns[0].name = "category".into();
        format!("Product categories: {who}{}", year_words(p.year))
    } else {
        format!("HS chapters: {who}{}", year_words(p.year))
    });
    Ok(vec![
        ("flows", flows),
        ("top_products", top),
        ("chapters", chapters),
    ])
}

fn reporter_tables(r: &Reporter, who: &str) -> Result<Vec<(&'static str, Table)>> {
    let flows = flows_table(&r.flows, format!("Trade: {who} - World"))?;
    let mut top = table_from(
        &r.top_partners,
        &[
            ("rank", Kind::Integer),
            ("partner", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
            ("turnover", Kind::Money),
            ("share", Kind::Percent),
        ],
    )?;
    with_names(&mut top, 1);
    top.title = Some(format!(
        "Top partners by {}: {who}{}",
        crate::report::build::flow_name(r.ranked_by),
        year_words(r.year)
    ));
    let mut conc = table_from(
        &r.concentration,
        &[
            ("year", Kind::Text),
            ("products", Kind::Integer),
            ("hhi", Kind::Ratio),
        ],
    )?;
    conc.title = Some(format!("Export concentration over products: {who}"));
    Ok(vec![
        ("flows", flows),
        ("top_partners", top),
        ("concentration", conc),
    ])
}

/// The world table: every country's exports, imports, balance and turnover per year, ranked as
/// [`crate::analysis::rank_world`] ranks them (the title says by what), the first `n`
/// of each year (0: all), with names.
pub fn world_table(df: &DataFrame, n: usize) -> Result<Table> {
    let mut t = table_from(
        df,
        &[
            ("year", Kind::Text),
            ("country", Kind::Text),
            ("exports", Kind::Money),
            ("imports", Kind::Money),
            ("balance", Kind::Money),
            ("turnover", Kind::Money),
        ],
    )?;
    // Rank within each year (the frame is sorted by year, then turnover).
    t.columns.insert(
        1,
        crate::output::Column {
            name: "rank".into(),
            kind: Kind::Integer,
        },
    );
    t.columns.insert(
        3,
        crate::output::Column {
            name: "name".into(),
            kind: Kind::Text,
        },
    );
    let names = countries();
    let mut rows = Vec::new();
    let (mut last, mut rank) = (None, 0i64);
    for mut row in std::mem::take(&mut t.rows) {
        if Some(&row[0]) != last.as_ref() {
            last = Some(row[0].clone());
            rank = 0;
        }
        rank += 1;
        if n > 0 && rank > n as i64 {
            continue;
        }
        let name = match &row[1] {
            Cell::Text(c) => Cell::Text(names.name_of(c)),
            _ => Cell::Empty,
        };
        row.insert(1, Cell::Int(rank));
        row.insert(3, name);
        rows.push(row);
    }
    t.rows = rows;
    // Ranked by turnover unless the title says otherwise.
    let ranking = crate::analysis::WorldRanking::of(df)?;
    let how = match ranking.without_turnover {
        0 => String::new(),
        _ => format!(", {}", ranking.words()),
    };
    t.title = Some(format!(
        "World table: exports, imports, balance and turnover by country{how}"
    ));
    Ok(t)
}
