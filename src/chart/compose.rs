//! Which chart answers a question: the data a kind of chart needs, found in the loaded data,
//! with a title, subtitle and source line written from the question. The drawing itself is in
//! the sibling modules; `tradestat chart`, reports and decks all compose charts here.

use crate::analysis::answers::shown_direction;
use crate::analysis::{self, By, Direction, GroupBy};
use crate::chart::{
    BalanceData, ChartData, ChartSpec, CompareData, Kind, MirrorData, Palette, RankData, ShareData,
    Theme, TrendData,
};
use crate::frame::floats;
use crate::output::percent;
use crate::question::{Filters, Question};
use crate::reference::countries;
use crate::{Dataset, Error, Result};

/// What a chart is asked to show and how it looks; everything but the data and the filters.
#[derive(Debug, Clone)]
pub struct ChartRequest {
    pub kind: Kind,
    /// Title, subtitle and source line instead of the generated ones.
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub footnote: Option<String>,
    /// Size in pixels (the PNG is `scale` times larger).
    pub width: u32,
    pub height: u32,
    pub scale: f64,
    pub theme: Theme,
    pub palette: Palette,
    /// trend: exports and imports as stacked areas.
    pub stacked: bool,
    /// composition: a donut instead of a treemap.
    pub donut: bool,
    /// top, pareto: product or partner; balance: year or partner.
    pub by: Option<String>,
    /// The flow ranked or grouped.
    pub direction: Option<Direction>,
    /// How many items (each kind has its default).
    pub n: Option<usize>,
    /// top, pareto: product code length to rank at.
    pub level: Option<i32>,
    /// composition, compare: product grouping.
    pub group: Option<GroupBy>,
    /// mirror: CIF/FOB factor applied to exporter values.
    pub cif_fob: f64,
}

impl ChartRequest {
    /// A chart of `kind` with the defaults: a 1920x1080 slide, light theme, Okabe-Ito colours.
    pub fn new(kind: Kind) -> ChartRequest {
        ChartRequest {
            kind,
            title: None,
            subtitle: None,
            footnote: None,
            width: 1920,
            height: 1080,
            scale: 1.0,
            theme: Theme::Light,
            palette: Palette::OkabeIto,
            stacked: false,
            donut: false,
            by: None,
            direction: None,
            n: None,
            level: None,
            group: None,
            cif_fob: 1.0,
        }
    }

    fn by_partner(&self) -> bool {
        matches!(
            self.by.as_deref().map(str::to_ascii_lowercase).as_deref(),
            Some("partner" | "partners")
        )
    }

    /// Options that do not fit the kind are refused before any work.
    pub fn check(&self) -> Result<()> {
        if self.donut && self.kind != Kind::Composition {
            return Err(Error::Request(
                "--donut is an option of the composition chart".into(),
            ));
        }
        if self.stacked && self.kind != Kind::Trend {
            return Err(Error::Request(
                "--stacked is an option of the trend chart".into(),
            ));
        }
        let by = self.by.as_deref().map(str::to_ascii_lowercase);
        match (self.kind, by.as_deref()) {
            (_, None) => Ok(()),
            (Kind::Top | Kind::Pareto, Some("product" | "products" | "partner" | "partners")) => {
                Ok(())
            }
            (Kind::Balance, Some("year" | "years" | "partner" | "partners")) => Ok(()),
            (k, Some(b)) => Err(Error::Request(format!(
                "--by {b} does not apply to the {} chart (top and pareto: product or partner; balance: year or partner)",
                k.name()
            ))),
        }
    }

    /// The filters this chart answers: partners are ranked, not chosen, so without a partner
    /// or region a ranking of partners covers the world.
    pub fn filters(&self, filters: &Filters) -> Filters {
        let mut f = filters.clone();
        let ranks_partners =
            self.by_partner() && matches!(self.kind, Kind::Top | Kind::Pareto | Kind::Balance);
        if ranks_partners && f.partner.is_none() && f.region.is_none() {
            f.partner = Some("world".into());
        }
        f
    }
}

/// A chart ready to draw: its data and its look (title, subtitle, source line, size).
#[derive(Debug, Clone)]
pub struct Composed {
    pub data: ChartData,
    pub spec: ChartSpec,
}

/// Compose the chart `req` asks for from prepared data and a resolved question (see
/// [`ChartRequest::filters`] and [`Filters::apply`]). A kind the data cannot support is an
/// [`Error::Request`] saying what is missing.
pub fn compose(ds: &Dataset, q: &Question, req: &ChartRequest) -> Result<Composed> {
    req.check()?;
    let by_partner = req.by_partner();
    let names = Names::new(q);
    let cur = q.currency.clone();
    let money_words = currency_words(&cur);
    let drawn = match req.kind {
        Kind::Trend | Kind::Flows => trend_like(req, ds, q, &names, &money_words)?,
        Kind::Balance if by_partner => balance_by_partner(req, ds, q, &names, &money_words)?,
        Kind::Balance => trend_like(req, ds, q, &names, &money_words)?,
        Kind::Top | Kind::Pareto => ranking(req, ds, q, &names, by_partner, &money_words)?,
        Kind::Composition => composition(req, ds, q, &names, &money_words)?,
        Kind::Compare => compare(req, ds, q, &names, &money_words)?,
        Kind::Mirror => mirror(req, ds, q, &names, &money_words)?,
    };
    let sources = analysis::notes::sources(ds)?;
    let mut footnote = match &req.footnote {
        Some(f) => f.clone(),
        None if sources.is_empty() => String::new(),
        None => format!("Source: {sources}."),
    };
    // What the figures cover, in short (imports known only from some exporters).
    let coverage = analysis::coverage::facts(ds, q)?.short_notes();
    for n in drawn
        .notes
        .iter()
        .cloned()
        .chain(coverage.iter().map(|n| sentence(n)))
    {
        footnote.push(' ');
        footnote.push_str(&n);
    }
    let spec = ChartSpec {
        title: req.title.clone().unwrap_or(drawn.title),
        subtitle: req.subtitle.clone().unwrap_or(drawn.subtitle),
        footnote: footnote.trim().to_string(),
        width: req.width,
        height: req.height,
        scale: req.scale,
        theme: req.theme,
        palette: req.palette,
        currency: cur,
    };
    Ok(Composed {
        data: drawn.data,
        spec,
    })
}

fn currency_words(c: &str) -> String {
    match c.to_ascii_uppercase().as_str() {
        "USD" => "US dollars".into(),
        "EUR" => "euros".into(),
        "GBP" => "pounds sterling".into(),
        other => other.to_string(),
    }
}

fn flow_words(d: Direction) -> &'static str {
    match d {
        Direction::Exports => "exports",
        Direction::Imports => "imports",
        Direction::Turnover => "turnover",
    }
}

fn group_words(g: GroupBy) -> &'static str {
    match g {
        GroupBy::Section => "HS section",
        GroupBy::Chapter => "HS chapter",
        GroupBy::Heading => "HS heading",
        GroupBy::Category => "product category",
        GroupBy::Bec => "broad economic category",
        GroupBy::EndUse => "end use",
    }
}

/// "2014-2018", "2018".
fn span(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}-{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// Names for titles: the reporter, and the partner side ("Mexico", "the world", a region,
/// "3 partners").
struct Names {
    reporter: String,
    partner: String,
    pair: String,
}

impl Names {
    fn new(q: &Question) -> Names {
        Names {
            reporter: q.reporter_name(),
            partner: q.partner_words(),
            pair: q.pair_words(),
        }
    }

    /// "Kazakhstan - Mexico".
    fn pair(&self) -> String {
        self.pair.clone()
    }

    /// "to Mexico" / "from Mexico" / "with Mexico".
    fn towards(&self, d: Direction) -> String {
        match d {
            Direction::Exports => format!("to {}", self.partner),
            Direction::Imports => format!("from {}", self.partner),
            Direction::Turnover => format!("with {}", self.partner),
        }
    }
}

/// What a kind needs, found in the data: the chart's data, title, subtitle and extra notes
/// for the footnote.
struct Drawn {
    data: ChartData,
    title: String,
    subtitle: String,
    notes: Vec<String>,
}

/// The summary per year, with a clear error when the filters leave nothing.
fn summary(ds: &Dataset, q: &Question, names: &Names) -> Result<TrendData> {
    let df = ds.collect(
        q.keep_years(analysis::summary(ds.lf.clone(), &q.reporter, &q.partners)),
        "the summary",
    )?;
    let t = TrendData::from_summary(&df)?;
    if !t.has_values() {
        return Err(Error::Request(format!(
            "no trade between {} in the data for the years asked",
            names.pair()
        )));
    }
    Ok(t)
}

/// "Imports 2014 derived as turnover minus exports."
fn derived_note(t: &TrendData) -> Option<String> {
    let mut parts = Vec::new();
    for (i, y) in t.years.iter().enumerate() {
        // A turnover summed from exports and imports is the definition, not worth a note.
        for (flow, how) in [
            ("exports", "turnover minus imports"),
            ("imports", "turnover minus exports"),
        ] {
            if t.is_derived(i, flow) {
                parts.push(format!("{flow} {y} = {how}"));
            }
        }
    }
    (!parts.is_empty()).then(|| {
        let mut s = format!("Derived: {}.", parts.join("; "));
        if let Some(first) = s.get_mut(9..10) {
            first.make_ascii_uppercase();
        }
        s
    })
}

fn trend_like(
    req: &ChartRequest,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let t = summary(ds, q, names)?;
    let years = span(&t.years);
    let mut notes: Vec<String> = derived_note(&t).into_iter().collect();
    // The subtitle names what is drawn, and says which side the data lacks.
    let has = |v: &[Option<f64>]| v.iter().any(Option::is_some);
    let (x, m, turnover) = (has(&t.exports), has(&t.imports), has(&t.turnover));
    let sides = match (x, m) {
        (true, true) => format!(
            "{}'s exports to and imports from {}",
            names.reporter, names.partner
        ),
        (true, false) => format!("{}'s exports to {}", names.reporter, names.partner),
        (false, true) => format!("{}'s imports from {}", names.reporter, names.partner),
        (false, false) => format!("Trade of {} with {}", names.reporter, names.partner),
    };
    if x != m {
        notes.push(format!(
            "{} are not in the data, so the turnover and balance are not known.",
            if x { "Imports" } else { "Exports" }
        ));
    }
    let (data, title, subtitle) = match req.kind {
        Kind::Trend => {
            // A trend needs two points in time: one year is drawn by the flows chart.
            let drawn: Vec<i32> = (0..t.years.len())
                .filter(|&i| {
                    t.exports[i].is_some() || t.imports[i].is_some() || t.turnover[i].is_some()
                })
                .map(|i| t.years[i])
                .collect();
            if drawn.len() < 2 {
                return Err(Error::Request(format!(
                    "the trend chart needs two years or more; {} has data for {} only (the flows chart draws one year)",
                    names.pair(),
                    span(&drawn)
                )));
            }
            (
                ChartData::Trend {
                    data: t.clone(),
                    stacked: req.stacked,
                },
                format!("{} trade, {years}", names.pair()),
                match (req.stacked && x && m, x && m, turnover) {
                    (true, _, _) => {
                        format!("{sides}, stacked (together the turnover), {cur}")
                    }
                    (_, true, true) => format!("{sides}, and the turnover (their sum), {cur}"),
                    (_, false, true) => format!("{sides}, and the reported turnover, {cur}"),
                    _ => format!("{sides}, {cur}"),
                },
            )
        }
        Kind::Flows => (
            ChartData::Flows(t.clone()),
            format!(
                "{}: {}, {years}",
                names.pair(),
                match (x, m) {
                    (true, false) => "exports",
                    (false, true) => "imports",
                    _ => "exports and imports",
                }
            ),
            if x && m {
                format!("{sides} per year; balance = exports - imports, {cur}")
            } else {
                format!("{sides} per year, {cur}")
            },
        ),
        _ => {
            let b = BalanceData::per_year(&t);
            if b.values.iter().all(Option::is_none) {
                return Err(Error::Request(format!(
                    "the balance needs exports and imports of the same year; {} has only {} for {years}",
                    names.pair(),
                    "turnover or one direction"
                )));
            }
            (
                ChartData::Balance(b),
                format!(
                    "{}'s trade balance with {}, {years}",
                    names.reporter, names.partner
                ),
                format!("Exports minus imports per year, {cur}"),
            )
        }
    };
    Ok(Drawn {
        data,
        title,
        subtitle,
        notes,
    })
}

fn balance_by_partner(
    req: &ChartRequest,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let year = q.one_year()?;
    let df = ds.collect(
        analysis::partners(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            year,
            Direction::Turnover,
        ),
        "the partner ranking",
    )?;
    let n = req.n.unwrap_or(15);
    let b = BalanceData::per_partner(&df, n, |c| countries().name_of(c))?;
    if b.labels.is_empty() {
        return Err(Error::Request(format!(
            "no partner of {} with exports or imports in {year}",
            names.reporter
        )));
    }
    let within = if names.partner == "the world" {
        String::new()
    } else {
        format!(" ({})", names.partner)
    };
    Ok(Drawn {
        data: ChartData::Balance(b),
        title: format!("{}'s trade balance by partner, {year}", names.reporter),
        subtitle: format!(
            "Exports minus imports, the {} largest surpluses and deficits{within}, {cur}",
            if n == 0 {
                "all".to_string()
            } else {
                n.to_string()
            }
        ),
        notes: vec![],
    })
}

fn ranking(
    req: &ChartRequest,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    by_partner: bool,
    cur: &str,
) -> Result<Drawn> {
    let year = q.one_year()?;
    let (mut direction, mut shown) =
        shown_direction(ds, q, req.direction.unwrap_or(Direction::Exports))?;
    if by_partner && direction == Direction::Turnover {
        // Partners by turnover where it is known for each, else by the side that is (as the
        // partner tables rank them).
        let df = ds.collect(
            analysis::partners(ds.lf.clone(), &q.reporter, &q.partners, year, direction),
            "the partner ranking",
        )?;
        let ranking = crate::analysis::answers::rank_partners(df, direction, 0)?;
        if ranking.by != direction {
            direction = ranking.by;
            shown = ranking.note;
        }
    }
    let n = req.n.unwrap_or(if req.kind == Kind::Top { 10 } else { 20 });
    let by = if by_partner { By::Partner } else { By::Product };
    let df = ds.collect(
        analysis::top(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            analysis::Ranking {
                direction,
                by,
                year,
                level: req.level,
                // All items: shares and the cumulative share are of the whole.
                n: 0,
            },
        ),
        "the ranking",
    )?;
    let table = countries();
    let hs = crate::reference::hs();
    // The data's own categories are not HS codes: no chapter names for them.
    let own = !by_partner
        && analysis::own_categories(ds.lf.clone(), &q.reporter, &q.partners, Some(year))?;
    let mut d = RankData::from_top(&df, by_partner, n, |code, name| {
        if by_partner {
            return table.name_of(code);
        }
        match name {
            // Charts show a product's short label (after its code, which tells apart two
            // products cut to the same words); tables keep the full name.
            Some(n) if !n.trim().is_empty() && own => analysis::products::short_label(n),
            Some(n) if !n.trim().is_empty() => analysis::products::product_label(code, n),
            _ if own => String::new(),
            // Files with codes only: the chapter says what kind of good it is.
            _ => match code.get(..2).and_then(|ch| hs.chapter(ch)) {
                Some(ch) if code.len() > 2 => format!("(chapter {}: {})", ch.code, ch.label),
                Some(ch) => ch.label.clone(),
                None => String::new(),
            },
        }
    })?;
    d.flow = flow_words(direction).to_string();
    if d.values.is_empty() {
        return Err(Error::Request(format!(
            "the {} chart needs {} by product with values; {} has none for {year} (the data may hold totals or named categories only)",
            req.kind.name(),
            flow_words(direction),
            names.pair()
        )));
    }
    let what = if by_partner { "partners" } else { "products" };
    let flow = flow_words(direction);
    let (title, subtitle) = if req.kind == Kind::Top {
        let title = if by_partner {
            format!(
                "{}'s top {} partners for {flow}, {year}",
                names.reporter,
                d.values.len()
            )
        } else {
            format!(
                "{}'s top {} {} {}, {year}",
                names.reporter,
                d.values.len(),
                if direction == Direction::Turnover {
                    "traded products"
                } else {
                    flow
                },
                names.towards(direction)
            )
        };
        (
            title,
            format!(
                "Value and share of the total of all {} {what}, {cur}",
                d.total_items
            ),
        )
    } else {
        let k80 = d
            .cumulative
            .iter()
            .position(|c| c.is_some_and(|c| c >= 0.8 - 1e-12));
        let lead = match k80 {
            Some(k) => format!(
                "{} of {} {what} make 80% of the total",
                k + 1,
                d.total_items
            ),
            None => format!("{} of {} {what} shown", d.values.len(), d.total_items),
        };
        (
            format!(
                "Concentration of {}'s {flow} {}, {year}",
                names.reporter,
                if by_partner {
                    String::new()
                } else {
                    names.towards(direction)
                }
            )
            .replace(" ,", ","),
            format!("{lead}; values sorted, with the cumulative share, {cur}"),
        )
    };
    Ok(Drawn {
        data: if req.kind == Kind::Top {
            ChartData::Top(d)
        } else {
            ChartData::Pareto(d)
        },
        title,
        subtitle,
        notes: shown.iter().map(|n| sentence(n)).collect(),
    })
}

fn composition(
    req: &ChartRequest,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let asked = req.direction.unwrap_or(Direction::Turnover);
    let (direction, shown) = shown_direction(ds, q, asked)?;
    let group = req.group.unwrap_or(GroupBy::Chapter);
    let df = ds.collect(
        q.keep_years(analysis::composition(
            ds.lf.clone(),
            &q.reporter,
            &q.partners,
            direction,
            group,
        )),
        "the composition",
    )?;
    // The year: the one asked, else the latest with a value.
    let year = match &q.years {
        Some(ys) => *ys.last().unwrap_or(&0),
        None => {
            let (y, v) = (crate::frame::ints(&df, "year")?, floats(&df, "value")?);
            (0..df.height())
                .filter(|&i| v[i].is_some())
                .filter_map(|i| y[i])
                .max()
                .map(|y| y as i32)
                .unwrap_or_else(|| q.data_years.last().copied().unwrap_or(0))
        }
    };
    let mut d = ShareData::from_composition(&df, year)?;
    // The data's own categories are grouped as they are, whatever the grouping asked.
    let words = if analysis::own_categories(ds.lf.clone(), &q.reporter, &q.partners, Some(year))? {
        group_words(GroupBy::Category)
    } else {
        group_words(group)
    };
    if d.values.is_empty() {
        let named = if d.unvalued.is_empty() {
            String::new()
        } else {
            format!(
                "; it names {} {} without values ({})",
                d.unvalued.len(),
                match group {
                    GroupBy::Category => "product categories",
                    GroupBy::Section => "HS sections",
                    GroupBy::Chapter => "HS chapters",
                    GroupBy::Heading => "HS headings",
                    GroupBy::Bec => "broad economic categories",
                    GroupBy::EndUse => "end uses",
                },
                d.unvalued
                    .iter()
                    .take(4)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if d.unvalued.len() > 4 { ", ..." } else { "" }
            )
        };
        return Err(Error::Request(format!(
            "the composition chart needs product detail with values: {} has no {} by product with a value in {year}{named}",
            names.pair(),
            flow_words(direction)
        )));
    }
    let limit = req.n.unwrap_or(if req.donut { 8 } else { 12 });
    let limit = if req.donut { limit.clamp(1, 8) } else { limit };
    d.limit(limit);
    let mut notes: Vec<String> = shown.iter().map(|n| sentence(n)).collect();
    if group == GroupBy::Heading
        && let Some(n) = analysis::products::heading_names_note(ds, q)?
    {
        notes.push(sentence(&n));
    }
    if !d.unvalued.is_empty() {
        notes.push(format!(
            "Also named, without values: {}.",
            d.unvalued.join(", ")
        ));
    }
    let verb = match direction {
        Direction::Exports => format!("{} exports to {}", names.reporter, names.partner),
        Direction::Imports => format!("{} imports from {}", names.reporter, names.partner),
        Direction::Turnover => format!("{} and {} trade", names.reporter, names.partner),
    };
    Ok(Drawn {
        title: format!("What {verb}, {year}"),
        subtitle: format!(
            "{} by {}, share of the total, {cur}",
            capitalise(flow_words(direction)),
            words
        ),
        data: ChartData::Composition {
            data: d,
            donut: req.donut,
        },
        notes,
    })
}

/// A note as a sentence for a footnote: capitalised, with a full stop.
fn sentence(note: &str) -> String {
    let s = capitalise(note);
    if s.ends_with('.') { s } else { s + "." }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn compare(
    req: &ChartRequest,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let years: Vec<i32> = match &q.years {
        Some(ys) => ys.clone(),
        None => match (q.data_years.first(), q.data_years.last()) {
            (Some(a), Some(b)) if a != b => vec![*a, *b],
            _ => q.data_years.clone(),
        },
    };
    let [ya, yb] = years.as_slice() else {
        return Err(Error::Request(format!(
            "the compare chart needs two years, e.g. --years 2014,2018; years in the data: {}",
            crate::question::year_list(&q.data_years)
        )));
    };
    let (ya, yb) = (*ya, *yb);
    let (data, subtitle, notes) = match req.group {
        None => {
            let df = ds.collect(
                analysis::summary(ds.lf.clone(), &q.reporter, &q.partners),
                "the summary",
            )?;
            let t = TrendData::from_summary(&df)?;
            let d = CompareData::overall(&t, ya, yb);
            let turnover = d
                .rows
                .iter()
                .find(|r| r.flow == "turnover")
                .and_then(|r| Some((r.a?, r.b?)))
                .and_then(|(a, b)| analysis::change_pct(a, b))
                .map(|c| format!("; turnover {}", percent(c)))
                .unwrap_or_default();
            let mut keep = t.clone();
            keep.retain_years(|y| y == ya || y == yb);
            (
                d,
                format!("Exports, imports and turnover in {ya} and {yb}{turnover}, {cur}"),
                derived_note(&keep).into_iter().collect::<Vec<_>>(),
            )
        }
        Some(group) => {
            let direction = req.direction.unwrap_or(Direction::Turnover);
            let df = ds.collect(
                analysis::composition(ds.lf.clone(), &q.reporter, &q.partners, direction, group),
                "the composition",
            )?;
            let n = req.n.unwrap_or(10);
            (
                CompareData::per_group(&df, ya, yb, n)?,
                format!(
                    "{} by {}, the {} largest, {cur}",
                    capitalise(flow_words(direction)),
                    group_words(group),
                    if n == 0 {
                        "all".to_string()
                    } else {
                        n.to_string()
                    }
                ),
                vec![],
            )
        }
    };
    if data.rows.iter().all(|r| r.a.is_none() && r.b.is_none()) {
        return Err(Error::Request(format!(
            "nothing to compare: {} has no values in {ya} or {yb}{}",
            names.pair(),
            if req.group.is_some() {
                " by product group"
            } else {
                ""
            }
        )));
    }
    Ok(Drawn {
        title: format!("{} trade: {ya} vs {yb}", names.pair()),
        data: ChartData::Compare(data),
        subtitle,
        notes,
    })
}

fn mirror(
    req: &ChartRequest,
    ds: &Dataset,
    q: &Question,
    names: &Names,
    cur: &str,
) -> Result<Drawn> {
    let df = crate::analysis::indicators::mirror_frame(
        ds,
        q,
        req.cif_fob,
        "the mirror chart",
        &names.pair(),
    )?;
    let d = MirrorData::from_mirror(&df, req.cif_fob, req.n.unwrap_or(10), |c| {
        countries().name_of(c)
    })?;
    let years: Vec<i32> = {
        let mut y: Vec<i32> = crate::frame::ints(&df, "year")?
            .into_iter()
            .flatten()
            .map(|v| v as i32)
            .collect();
        y.sort();
        y
    };
    Ok(Drawn {
        title: format!("Mirror statistics: {}, {}", names.pair(), span(&years)),
        subtitle: format!(
            "Each flow as declared by the exporter and by the importer, largest gaps first, {cur}"
        ),
        data: ChartData::Mirror(d),
        notes: vec![],
    })
}
