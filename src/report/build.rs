//! The report on a bilateral relationship (or a reporter and the world), built in memory from
//! data loaded once: key figures, narrative, charts (PNG and SVG from one drawing), tables and
//! notes. Sections appear only where the data supports them; what is left out is said.

use crate::analysis::answers::{NamedCategory, Summary};
use crate::analysis::{By, Direction, GroupBy, Partners, notes};
use crate::chart::compose::{ChartRequest, compose};
use crate::chart::{self, Kind};
use crate::output::{self, Cell, Table};
use crate::question::Question;
use crate::reference::{Reading, countries};
use crate::report::files::{self, Entry};
use crate::report::pptx::Aspect;
use crate::report::{Chart, Report, Section, Sentence, SlideChart, TableItem, narrative};
use crate::tables::{
    composition_table, indicators_table, key_table, mirror_table, partners_table_by, span,
    summary_table, top_table, years_span,
};
use crate::{Dataset, Error, Result};

/// The size of a report's charts (16:9, small enough to inline as SVG).
const CHART_SIZE: (u32, u32) = (1600, 900);

/// Compose a chart and draw it as SVG and PNG from the one composition; `None`, with the
/// reason added to `skipped`, when the data does not support the chart.
fn draw(
    ds: &Dataset,
    q: &Question,
    req: &ChartRequest,
    name: &str,
    caption: String,
    skipped: &mut Vec<String>,
) -> Result<Option<Chart>> {
    let composed = match compose(ds, q, req) {
        Ok(c) => c,
        Err(Error::Request(why)) => {
            skipped.push(format!("no {} chart: {why}", req.kind.name()));
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    Ok(Some(Chart {
        name: name.to_string(),
        caption,
        svg: chart::to_svg(&composed.data, &composed.spec)?,
        png: chart::to_png(&composed.data, &composed.spec)?,
        slide: Some(SlideChart::draw(
            &composed.data,
            &composed.spec,
            Aspect::Wide,
        )?),
    }))
}

/// A product in a sentence: the short label of its name with its code beside it,
/// "telephones for cellular networks (HS 851712)" (an HS code, `hs`), "metal pipes (cars)" (a
/// category of the data's own), or "product 7108" when the data has no name. The tables give
/// the full name.
fn product_words(name: &str, code: &str, hs: bool) -> String {
    if name.trim().is_empty() || name == code {
        return format!("product {code}");
    }
    let (label, code) = if hs {
        (
            crate::analysis::products::product_label(code, name),
            format!("HS {code}"),
        )
    } else {
        (
            crate::analysis::products::short_label(name),
            code.to_string(),
        )
    };
    format!("{} ({code})", in_sentence(&label))
}

/// A label as words inside a sentence: its first letter lower case ("telephones ..."), unless
/// the first word is an abbreviation or a name ("LCD ...", "McIntosh").
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), label.split(' ').next()) {
        (Some(first), Some(word))
            if first.is_uppercase() && word.chars().skip(1).all(|c| !c.is_uppercase()) =>
        {
            first.to_lowercase().collect::<String>() + chars.as_str()
        }
        _ => label.to_string(),
    }
}

/// What a trend (`with_turnover`) or flows chart of `s` draws: "exports, imports and
/// turnover", "exports and imports", "exports".
fn drawn_words(s: &Summary, with_turnover: bool) -> String {
    let any = |c: &[Option<f64>]| c.iter().any(Option::is_some);
    let mut parts: Vec<&str> = Vec::new();
    if any(&s.exports) {
        parts.push("exports");
    }
    if any(&s.imports) {
        parts.push("imports");
    }
    if with_turnover && any(&s.turnover) {
        parts.push("turnover");
    }
    if parts.is_empty() {
        return "turnover".into();
    }
    narrative::listed(&parts.iter().map(|p| p.to_string()).collect::<Vec<_>>())
}

/// A note as a sentence: capitalised, with a full stop.
fn sentence(note: &str) -> String {
    let s = capitalised(note);
    if s.ends_with('.') { s } else { s + "." }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

pub(crate) fn flow_name(d: Direction) -> &'static str {
    match d {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    }
}

/// Build the whole report in memory.
pub fn build(ds: &Dataset, q: &Question, inputs: &[String]) -> Result<Report> {
    let cur = q.currency.clone();
    let reporter = countries().name_of(&q.reporter);
    let partner = q.partner_words();
    let pair = format!(
        "{reporter} - {}",
        if partner == "the world" {
            "World"
        } else {
            &partner
        }
    );
    let s = Summary::of(ds, q)?;
    // One direction is enough for a report: what needs both sides is left out and said.
    let any = |c: &[Option<f64>]| c.iter().any(Option::is_some);
    if !any(&s.turnover) && !any(&s.exports) && !any(&s.imports) {
        return Err(Error::Request(format!(
            "no trade between {pair} in the data for the years asked"
        )));
    }
    let years_text = match years_span(&s) {
        Some((a, b)) if a != b => format!("{a}-{b}"),
        Some((a, _)) => a.to_string(),
        None => String::new(),
    };
    // What the figures cover, said once in the narrative and in the notes.
    let coverage = crate::analysis::coverage::notes(ds, q)?;
    let mut r = Report {
        title: format!("{pair}: trade report"),
        subtitle: format!(
            "{years_text}; values in {cur}; generated by tradestat {} from {}",
            env!("CARGO_PKG_VERSION"),
            if ds.seed {
                "the embedded seed data (data/seed.csv)".to_string()
            } else {
                inputs.join(", ")
            }
        ),
        currency: cur.clone(),
        ..Report::default()
    };
    let mut skipped: Vec<String> = Vec::new();
    let mut narrative: Vec<Sentence> = Vec::new();
    let cite = |r: &mut Report, years: &[i32]| -> Result<Vec<usize>> {
        Ok(notes::sources_in(ds, q, years)?
            .iter()
            .map(|src| r.cite(src))
            .collect())
    };

    // Key figures and the headline sentence.
    let mut key = Section::new("key-figures", "Key figures");
    if let Some(t) = key_table(&s, format!("Key figures: {pair}")) {
        key.tables.push(TableItem {
            name: "key-figures".into(),
            table: t,
        });
    }
    if let Some((first, last)) = span(&s) {
        let text = if first.0 != last.0 {
            narrative::turnover_change(&reporter, &partner, first, last, &cur)
        } else {
            narrative::turnover_one_year(&reporter, &partner, last.0, last.1, &cur)
        };
        let cites = cite(&mut r, &[first.0, last.0])?;
        narrative.push(Sentence { text, cites });
    } else {
        // No turnover: the side the data holds, and the side it lacks, in words.
        let (side, values, missing) = if any(&s.exports) {
            (
                format!("{reporter}'s exports to {partner}"),
                &s.exports,
                "imports from",
            )
        } else {
            (
                format!("{reporter}'s imports from {partner}"),
                &s.imports,
                "exports to",
            )
        };
        let points: Vec<(i32, f64)> = (0..s.years.len())
            .filter_map(|i| values[i].map(|v| (s.years[i], v)))
            .collect();
        if let (Some(first), Some(last)) = (points.first(), points.last()) {
            let text = if first.0 != last.0 {
                narrative::figure_change(&side, *first, *last, &cur)
            } else {
                narrative::figure_one_year(&side, last.0, last.1, &cur)
            };
            let cites = cite(&mut r, &[first.0, last.0])?;
            narrative.push(Sentence { text, cites });
        }
        if !any(&s.imports) || !any(&s.exports) {
            narrative.push(Sentence::plain(narrative::side_unknown(
                &reporter, &partner, missing,
            )));
        }
    }
    // The latest year with both exports and imports.
    if let Some(i) = (0..s.years.len())
        .rev()
        .find(|&i| s.exports[i].is_some() && s.imports[i].is_some())
    {
        let mut text = narrative::flows(
            &reporter,
            &partner,
            s.years[i],
            s.exports[i].unwrap_or(0.0),
            s.imports[i].unwrap_or(0.0),
            &cur,
        );
        // A turnover summed from exports and imports is the definition; a derived flow is news.
        let derived: Vec<&str> = s.derived[i]
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|d| matches!(*d, "exports" | "imports"))
            .collect();
        if !derived.is_empty() {
            text.push_str(&format!(
                " The {} figure is derived from the reported turnover and the other flow.",
                derived.join(" and ")
            ));
        }
        let cites = cite(&mut r, &[s.years[i]])?;
        narrative.push(Sentence { text, cites });
    }
    // What the figures lack, in numbers (imports known only from some exporters, partners
    // missing in some years).
    for n in &coverage {
        narrative.push(Sentence::plain(sentence(n)));
    }
    // Charts are drawn from the data already loaded, each for a variant of the question.
    let chart = |kind: Kind| {
        let mut req = ChartRequest::new(kind);
        (req.width, req.height) = CHART_SIZE;
        req
    };
    let in_years = |years: Vec<i32>| {
        let mut q = q.clone();
        q.years = Some(years);
        q
    };

    // Trend.
    let mut trend = Section::new("trend", "Trend");
    if let Some(c) = draw(
        ds,
        q,
        &chart(Kind::Trend),
        "trend",
        format!("{pair}: {}, {years_text}", drawn_words(&s, true)),
        &mut skipped,
    )? {
        trend.charts.push(c);
    }
    if let Some((a, b)) = years_span(&s).filter(|(a, b)| a != b)
        && let Some(c) = draw(
            ds,
            &in_years(vec![a, b]),
            &chart(Kind::Compare),
            "compare",
            format!("{pair}: {a} against {b}"),
            &mut skipped,
        )?
    {
        trend.charts.push(c);
    }
    trend.tables.push(TableItem {
        name: "summary".into(),
        table: summary_table(&s, format!("Trade summary: {pair}")),
    });

    // Flows and balance.
    let mut flows = Section::new("flows-balance", "Flows and balance");
    if s.exports.iter().chain(&s.imports).any(Option::is_some) {
        if let Some(c) = draw(
            ds,
            q,
            &chart(Kind::Flows),
            "flows",
            format!("{pair}: {} per year", drawn_words(&s, false)),
            &mut skipped,
        )? {
            flows.charts.push(c);
        }
        if let Some(c) = draw(
            ds,
            q,
            &chart(Kind::Balance),
            "balance",
            format!("{reporter}'s trade balance with {partner}"),
            &mut skipped,
        )? {
            flows.charts.push(c);
        }
    } else {
        skipped.push("no flows and balance: the data has turnover only".into());
    }

    // Composition.
    let year = q.one_year()?;
    let mut comp = Section::new("composition", "Composition");
    // HS codes by section, the data's own categories as they are (they are not HS codes); the
    // turnover, or the one side the data holds (the title says which).
    let own = crate::analysis::own_categories(ds.lf.clone(), &q.reporter, &q.partners, Some(year))?;
    let (shown, _) =
        crate::analysis::answers::shown_direction(ds, &in_years(vec![year]), Direction::Turnover)?;
    let shown_name = flow_name(shown);
    let (group, words, what) = if own {
        (
            GroupBy::Category,
            "product category",
            format!("category of {shown_name}"),
        )
    } else {
        (
            GroupBy::Section,
            "HS section",
            format!("section of {shown_name}"),
        )
    };
    if let Some(t) = composition_table(
        ds,
        q,
        shown,
        group,
        format!("{} by {words}: {pair}, {year}", capitalised(shown_name)),
    )? {
        let mut a = chart(Kind::Composition);
        a.direction = Some(shown);
        a.group = Some(group);
        if let Some(c) = draw(
            ds,
            &in_years(vec![year]),
            &a,
            "composition",
            format!("{pair}: {shown_name} by {words}, {year}"),
            &mut skipped,
        )? {
            comp.charts.push(c);
        }
        if let Some(top) = t.rows.first()
            && let (Cell::Num(v), Cell::Num(sh)) = (&top[3], &top[4])
        {
            // A category without a name is named by its code.
            let label = match (&top[2], &top[1]) {
                (Cell::Text(l), _) if !l.is_empty() => Some(l.clone()),
                (_, Cell::Text(code)) if own => Some(format!("category {code}")),
                _ => None,
            };
            if let Some(label) = label {
                let cites = cite(&mut r, &[year])?;
                narrative.push(Sentence {
                    text: narrative::largest(&what, year, &label, *v, *sh, &cur),
                    cites,
                });
            }
        }
        comp.tables.push(TableItem {
            name: "composition".into(),
            table: t,
        });
        // HS codes by end use too (capital, intermediate, consumption goods: BEC Rev.4).
        if !own
            && let Some(t) = composition_table(
                ds,
                q,
                shown,
                GroupBy::EndUse,
                format!("{} by end use: {pair}, {year}", capitalised(shown_name)),
            )?
        {
            if let Some(top) = t.rows.first()
                && let (Cell::Text(label), Cell::Num(v), Cell::Num(sh)) =
                    (&top[2], &top[3], &top[4])
            {
                let cites = cite(&mut r, &[year])?;
                narrative.push(Sentence {
                    text: narrative::largest(
                        &format!("end use of {shown_name}"),
                        year,
                        &label.to_lowercase(),
                        *v,
                        *sh,
                        &cur,
                    ),
                    cites,
                });
            }
            comp.bullets.push(
                "End use: HS codes in the UN's Broad Economic Categories (BEC Rev.4) and the end-use \
                 classes BEC assigns them to, through the UNSD HS-to-BEC table of each code's \
                 edition (data/ref/hs_bec.csv.gz); a code in categories of several classes is \
                 shown as \"several\", passenger cars, motor spirit and goods nes have none."
                    .into(),
            );
            comp.tables.push(TableItem {
                name: "composition-end-use".into(),
                table: t,
            });
        }
    } else {
        skipped.push(format!(
            "no composition: no product values for {pair} in {year}"
        ));
    }

    // Top products: exports, else imports.
    let mut top = Section::new("top-products", "Top products");
    for dir in [Direction::Exports, Direction::Imports] {
        let Some(t) = top_table(
            ds,
            q,
            dir,
            By::Product,
            10,
            format!(
                "Top {} products: {pair}, {year}",
                flow_name(dir).trim_end_matches('s')
            ),
        )?
        else {
            continue;
        };
        let mut a = chart(Kind::Top);
        a.direction = Some(dir);
        if let Some(c) = draw(
            ds,
            &in_years(vec![year]),
            &a,
            &format!("top-{}", flow_name(dir)),
            format!(
                "{pair}: top {} products, {year}",
                flow_name(dir).trim_end_matches('s')
            ),
            &mut skipped,
        )? {
            top.charts.push(c);
        }
        if let Some(row) = t.rows.first()
            && let (Cell::Text(code), Cell::Text(name), Cell::Num(v), Cell::Num(sh)) =
                (&row[1], &row[2], &row[3], &row[4])
        {
            let what = format!("{} product", flow_name(dir).trim_end_matches('s'));
            let cites = cite(&mut r, &[year])?;
            narrative.push(Sentence {
                text: narrative::largest(
                    &what,
                    year,
                    &product_words(name, code, !own && code.chars().all(|c| c.is_ascii_digit())),
                    *v,
                    *sh,
                    &cur,
                ),
                cites,
            });
        }
        top.tables.push(TableItem {
            name: format!("top-{}", flow_name(dir)),
            table: t,
        });
    }
    if top.tables.is_empty() {
        skipped.push(format!(
            "no top products: no values by product in {year} (totals are not products)"
        ));
    }

    // What is traded: the categories the sources name, without values, with tradestat's
    // reading of them as HS codes.
    let traded = what_is_traded(ds, q, &mut r)?;
    if traded.tables.is_empty() {
        skipped.push("no \"What is traded\": the sources name no product categories".into());
    } else if top.tables.is_empty() {
        narrative.push(Sentence::plain(
            "The sources name the products traded but give no value for them (see What is traded).",
        ));
    }

    // Partner ranking: only when the report covers several partners.
    let mut partners = Section::new("partners", "Partner ranking");
    if !matches!(&q.partners, Partners::Some(p) if p.len() == 1) {
        if let Some((t, by)) = partners_table_by(
            ds,
            q,
            Direction::Turnover,
            15,
            format!("Partners of {reporter} by turnover, {year}"),
        )? {
            // Ranked by turnover, or by the side known for every partner (the table says so).
            let by_name = flow_name(by);
            let mut a = chart(Kind::Top);
            a.by = Some("partner".into());
            a.direction = Some(by);
            a.n = Some(15);
            if let Some(c) = draw(
                ds,
                &in_years(vec![year]),
                &a,
                "partners",
                format!("{reporter}'s largest partners by {by_name}, {year}"),
                &mut skipped,
            )? {
                partners.charts.push(c);
            }
            // rank, partner, name, exports, imports, turnover, balance, share
            let column = match by {
                Direction::Exports => 3,
                Direction::Imports => 4,
                Direction::Turnover => 5,
            };
            if let Some(row) = t.rows.first()
                && let (Cell::Text(name), Cell::Num(v), Cell::Num(sh)) =
                    (&row[2], &row[column], &row[7])
            {
                let cites = cite(&mut r, &[year])?;
                let (role, what) = match by {
                    Direction::Exports => ("largest export market", "exports to it"),
                    Direction::Imports => ("largest source of imports", "imports from it"),
                    Direction::Turnover => ("largest trading partner", "a turnover"),
                };
                narrative.push(Sentence {
                    text: format!(
                        "{name} was {reporter}'s {role} in {year}, with {what} of {} ({} of the total).",
                        narrative::money(*v, &cur),
                        narrative::share(*sh)
                    ),
                    cites,
                });
            }
            partners.tables.push(TableItem {
                name: "partners".into(),
                table: t,
            });
        }
    } else {
        skipped.push(format!(
            "no partner ranking: the report covers one partner ({partner})"
        ));
    }

    // Mirror comparison.
    let mut mirror = Section::new("mirror", "Mirror comparison");
    if let Some(t) = mirror_table(ds, q, format!("Mirror statistics: {pair}"))? {
        if let Some(c) = draw(
            ds,
            q,
            &chart(Kind::Mirror),
            "mirror",
            format!("{pair}: flows as declared by exporter and importer"),
            &mut skipped,
        )? {
            mirror.charts.push(c);
        }
        mirror.tables.push(TableItem {
            name: "mirror".into(),
            table: t,
        });
    } else {
        skipped
            .push("no mirror comparison: no flow is declared by both exporter and importer".into());
    }

    // Indicators.
    let mut indicators = Section::new("indicators", "Indicators");
    if let Some(t) = indicators_table(ds, q, format!("Indicators: {pair}, {year}"))? {
        indicators.tables.push(TableItem {
            name: "indicators".into(),
            table: t,
        });
    } else {
        skipped.push(format!("no indicators: no trade in {year}"));
    }

    // Data and method notes.
    let mut notes = Section::new("notes", "Data and method notes");
    notes.paragraphs.push(vec![Sentence::plain(format!(
        "Figures for {reporter} with {partner}, {years_text}, in {cur}. Exports and imports are {reporter}'s; turnover is the reported turnover where the source gives one, else exports plus imports. A figure the data does not hold is left empty, never shown as zero, and whatever needs it (turnover and balance need both sides) is left out. Growth is on the previous calendar year; change % = (last - first) / |first|, the size of the first figure, so a negative change means the figure went down: a deficit that deepens (from -$125.8M to -$248M) is a change of -97.1%."
    ))]);
    for n in &coverage {
        notes.bullets.push(format!("Coverage: {}.", n));
    }
    if let Some(d) = notes::derived_years(&s.years, &s.derived) {
        notes.bullets.push(format!(
            "Derived values (computed from the other figures of the same year, not reported): {d}."
        ));
    }
    for n in notes::question_notes(ds, q)? {
        notes.bullets.push(format!("Rows: {n}."));
    }
    for n in &skipped {
        notes.bullets.push(format!("Left out: {n}."));
    }
    let all = notes::sources(ds)?;
    for src in all.split("; ").filter(|s| !s.is_empty()) {
        r.cite(src);
    }
    if ds.seed {
        notes.bullets.push(
            "Input: the embedded seed dataset (data/seed.csv), each row citing the document it comes from.".into(),
        );
    }

    let mut narr = Section::new("narrative", "Narrative");
    narr.paragraphs.push(narrative);
    for sec in [
        key, narr, trend, flows, comp, top, traded, partners, mirror, indicators, notes,
    ] {
        let has = !sec.charts.is_empty()
            || !sec.tables.is_empty()
            || sec.paragraphs.iter().any(|p| !p.is_empty())
            || sec.id == "notes";
        if has {
            r.sections.push(sec);
        }
    }
    Ok(r)
}

/// The "What is traded" section: per year and flow as the sources state it, a sentence naming
/// the categories (cited), one on the HS sections they belong to, and a table of the
/// categories with their HS codes. Empty when the sources name none.
fn what_is_traded(ds: &Dataset, q: &Question, r: &mut Report) -> Result<Section> {
    let mut sec = Section::new("what-is-traded", "What is traded");
    let named = NamedCategory::of(ds, q)?;
    if named.is_empty() {
        return Ok(sec);
    }
    let table = crate::reference::hs();
    let c = countries();
    // Groups in the order the sources give them: (year, declarer, flow, partner).
    let mut groups: Vec<(i32, &str, &str, &str)> = Vec::new();
    for n in &named {
        let g = (
            n.year,
            n.reporter.as_str(),
            n.flow.as_str(),
            n.partner.as_str(),
        );
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mut t = Table::new(vec![
        ("year", output::Kind::Text),
        ("as stated", output::Kind::Text),
        ("category", output::Kind::Text),
        ("hs", output::Kind::Text),
        ("hs section", output::Kind::Text),
        ("reading", output::Kind::Text),
    ]);
    t.title = Some("Product categories named by the sources, read as HS codes".into());
    for (year, reporter, flow, partner) in groups {
        let subject = narrative::declared(&c.name_of(reporter), flow, &c.name_of(partner));
        let items: Vec<&NamedCategory> = named
            .iter()
            .filter(|n| {
                (
                    n.year,
                    n.reporter.as_str(),
                    n.flow.as_str(),
                    n.partner.as_str(),
                ) == (year, reporter, flow, partner)
            })
            .collect();
        let mut sources: Vec<&str> = items.iter().map(|n| n.source.as_str()).collect();
        sources.dedup();
        let cites = sources.iter().map(|s| r.cite(s)).collect();
        let names: Vec<String> = items.iter().map(|n| n.name.clone()).collect();
        let mut paragraph = vec![Sentence {
            text: narrative::named_categories(&subject, year, &names, sources.len()),
            cites,
        }];
        // Categories per HS section, the most first, then in HS order.
        let mut counts: Vec<(String, String, usize)> = Vec::new();
        for n in &items {
            for roman in &n.sections {
                match counts.iter_mut().find(|c| &c.0 == roman) {
                    Some(c) => c.2 += 1,
                    None => counts.push((
                        roman.clone(),
                        table
                            .section(roman)
                            .map(|s| s.label.clone())
                            .unwrap_or_default(),
                        1,
                    )),
                }
            }
        }
        let number = |roman: &str| table.section(roman).map_or(0, |s| s.number);
        counts.sort_by(|a, b| b.2.cmp(&a.2).then(number(&a.0).cmp(&number(&b.0))));
        if !counts.is_empty() {
            paragraph.push(Sentence::plain(narrative::named_sections(&counts)));
        }
        sec.paragraphs.push(paragraph);
        for n in items {
            let sections: Vec<String> = n
                .sections
                .iter()
                .map(|roman| {
                    let label = table.section(roman).map(|s| s.label.as_str()).unwrap_or("");
                    format!("{roman} {label}")
                })
                .collect();
            t.push(vec![
                Cell::Text(year.to_string()),
                Cell::Text(capitalised(&subject)),
                Cell::Text(n.name.clone()),
                Cell::Text(n.hs.join(", ")),
                Cell::Text(sections.join("; ")),
                Cell::Text(match n.reading {
                    Some(Reading::Exact) => "exact: an HS heading's words".into(),
                    Some(Reading::Broad) => "broad: several headings or chapters".into(),
                    None => "no reading".into(),
                }),
            ]);
        }
    }
    sec.bullets.push(
        "The categories are the sources' words; the sources give no value or code for them. \
         The HS codes are tradestat's reading of the words (data/ref/categories.csv), \
         \"exact\" where the words are those of one HS heading, \"broad\" where they span several headings or chapters."
            .into(),
    );
    sec.tables.push(TableItem {
        name: "what-is-traded".into(),
        table: t,
    });
    // The same goods under other words in another year ("molybdenum ores" in 2014,
    // "molybdenum ore" in 2018) are one category: the categories read as the same HS codes.
    let unified = unified_categories(&named);
    if !unified.is_empty() {
        let mut u = Table::new(vec![
            ("category", output::Kind::Text),
            ("hs", output::Kind::Text),
            ("years", output::Kind::Text),
            ("as named", output::Kind::Text),
            ("sources", output::Kind::Text),
        ]);
        u.title = Some("Product categories across years: the same HS codes, one category".into());
        for g in &unified {
            u.push(vec![
                Cell::Text(g.label.clone()),
                Cell::Text(g.hs.join(", ")),
                Cell::Text(g.years.clone()),
                Cell::Text(g.named.clone()),
                Cell::Text(g.sources.clone()),
            ]);
        }
        sec.bullets.push(format!(
            "Across the years, {} of the sources' categories are one category each, read as the \
             same HS codes: {}.",
            unified.len(),
            unified
                .iter()
                .map(|g| format!("{} (HS {}; {})", g.label, g.hs.join(", "), g.named))
                .collect::<Vec<_>>()
                .join("; ")
        ));
        sec.tables.push(TableItem {
            name: "what-is-traded-across-years".into(),
            table: u,
        });
    }
    Ok(sec)
}

/// A category named in several years under one or more names, read as the same HS codes.
struct Unified {
    /// The names joined (`molybdenum ores / molybdenum ore`), or the one name.
    label: String,
    hs: Vec<String>,
    /// The years, in order (`2014, 2018`).
    years: String,
    /// Each name with its years (`molybdenum ores (2014), molybdenum ore (2018)`).
    named: String,
    /// The sources of the names, each once.
    sources: String,
}

/// The categories of `named` that share their HS codes with a category of another year.
fn unified_categories(named: &[NamedCategory]) -> Vec<Unified> {
    let mut keys: Vec<&Vec<String>> = Vec::new();
    for n in named.iter().filter(|n| !n.hs.is_empty()) {
        if !keys.contains(&&n.hs) {
            keys.push(&n.hs);
        }
    }
    let mut out = Vec::new();
    for hs in keys {
        let same: Vec<&NamedCategory> = named.iter().filter(|n| &n.hs == hs).collect();
        let mut years: Vec<i32> = same.iter().map(|n| n.year).collect();
        years.sort_unstable();
        years.dedup();
        if years.len() < 2 {
            continue;
        }
        let mut names: Vec<&str> = Vec::new();
        let mut sources: Vec<&str> = Vec::new();
        for n in &same {
            if !names.contains(&n.name.as_str()) {
                names.push(&n.name);
            }
            if !sources.contains(&n.source.as_str()) {
                sources.push(&n.source);
            }
        }
        let named_years = names
            .iter()
            .map(|name| {
                let ys: Vec<String> = same
                    .iter()
                    .filter(|n| n.name == *name)
                    .map(|n| n.year.to_string())
                    .collect();
                format!("{name} ({})", ys.join(", "))
            })
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Unified {
            label: names.join(" / "),
            hs: hs.clone(),
            years: years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            named: named_years,
            sources: sources.join("; "),
        });
    }
    out
}

/// The inputs as the manifest lists them: name and SHA-256 (the seed data: its embedded bytes),
/// hashed from the bytes read at load time where the file was read whole.
pub fn input_entries(ds: &Dataset) -> Result<Vec<Entry>> {
    if ds.seed {
        return Ok(vec![Entry::of(
            "data/seed.csv",
            crate::load::SEED_CSV.as_bytes(),
        )]);
    }
    ds.inputs
        .iter()
        .map(|(path, raw)| match raw {
            Some(bytes) => Ok(Entry::of(&path.display().to_string(), bytes)),
            None => files::entry_of_file(path),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_in_sentences_have_their_short_label_and_code() {
        assert_eq!(
            product_words(
                "Telephones for cellular networks or for other wireless networks",
                "851712",
                true
            ),
            "telephones for cellular networks (HS 851712)"
        );
        assert_eq!(
            product_words(
                "Metals: gold, non-monetary, unwrought (but not powder)",
                "710812",
                true
            ),
            "gold, non-monetary, unwrought (HS 710812)"
        );
        // A category of the data's own: its words and its code, no "HS".
        assert_eq!(
            product_words("Metal pipes", "pipes", false),
            "metal pipes (pipes)"
        );
        assert_eq!(product_words("", "7108", true), "product 7108");
        // Abbreviations keep their capitals.
        assert_eq!(in_sentence("LCD monitors"), "LCD monitors");
        assert_eq!(in_sentence("Cars, diesel"), "cars, diesel");
    }
}
