//! One door to the engines: the one place that decides whether the BACI lane or the general
//! engine answers a question, so that both give the same answers, the same checks (a reporter
//! or partner that is not in the data) and the same notes.
//!
//! The BACI lane ([`super::baci_lane`]) reads exporter-to-importer files with typed columns in
//! one pass; the general engine ([`super::profile`], [`super::engine`]) answers any canonical
//! table. The lane is taken only when every input is a BACI file and the question uses nothing
//! the lane does not implement (regions, product filters, exchange rates, another value unit).

use polars::prelude::*;

use super::answers::{Answer, Pair, Reporter};
use super::baci_lane::BaciLane;
use super::{Partners, notes, profile as general, resolve_country};
use crate::frame::{floats, strings};
use crate::question::{Filters, country_list, matching_words, parse_years};
use crate::{Dataset, Error, Result};

/// Which engine answers `profile` and `world`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The BACI lane when the inputs and the question allow it, else the general engine.
    #[default]
    Auto,
    /// Always the general engine over every row of the inputs (to check the lane and the
    /// reading of the question's rows only, or to compare timings).
    General,
}

impl std::str::FromStr for Engine {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Engine, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Engine::Auto),
            "general" => Ok(Engine::General),
            _ => Err(format!("unknown engine '{s}'; use auto or general")),
        }
    }
}

/// The lane over `ds` when `engine` and the question allow it.
fn lane<'a>(ds: &'a Dataset, filters: &Filters, engine: Engine) -> Result<Option<BaciLane<'a>>> {
    let allowed = engine == Engine::Auto
        && filters.region.is_none()
        && filters.products.is_none()
        && filters.fx.is_none()
        && ds.options.read.value_unit.is_none();
    if !allowed {
        return Ok(None);
    }
    BaciLane::of(ds)
}

/// A profile: of a pair of countries, or of a reporter against the world.
pub enum Profile {
    Pair {
        reporter: String,
        partner: String,
        answer: Pair,
    },
    Reporter {
        reporter: String,
        answer: Reporter,
    },
}

impl Profile {
    /// The flows per year (`year`, `exports`, `imports`, `turnover`, `balance`).
    pub fn flows(&self) -> &DataFrame {
        match self {
            Profile::Pair { answer, .. } => &answer.flows,
            Profile::Reporter { answer, .. } => &answer.flows,
        }
    }

    /// What the answer itself says about its figures (a ranking by another measure, a
    /// concentration without product detail).
    pub fn notes(&self) -> &[String] {
        match self {
            Profile::Pair { .. } => &[],
            Profile::Reporter { answer, .. } => &answer.notes,
        }
    }
}

/// A profile with the currency of its figures and the notes the reader must see (rows left
/// out, unknown codes, sources).
pub struct ProfileAnswer {
    pub profile: Profile,
    pub currency: String,
    pub notes: Vec<String>,
}

/// The profile of `filters.reporter` (with `filters.partner`: of the pair), the top `n` items
/// in each ranking.
pub fn profile(ds: Dataset, filters: &Filters, n: usize, engine: Engine) -> Result<ProfileAnswer> {
    if filters
        .partner
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case("world"))
    {
        return Err(Error::Request(
            "profile: leave out --partner for the reporter's profile against the world".into(),
        ));
    }
    let years = filters.years.as_deref().map(parse_years).transpose()?;
    if let Some(reporter) = filters.reporter.as_deref()
        && let Some(lane) = lane(&ds, filters, engine)?
    {
        let reporter = resolve_country(reporter);
        let answer = match filters.partner.as_deref() {
            Some(p) => {
                let partner = resolve_country(p);
                if partner == reporter {
                    return Err(Error::Request(format!(
                        "profile: reporter and partner are both {reporter}"
                    )));
                }
                lane.pair(&reporter, &partner, years.as_deref(), n)?
                    .map(|a| {
                        (
                            Profile::Pair {
                                reporter: reporter.clone(),
                                partner,
                                answer: a.value,
                            },
                            a.notes,
                        )
                    })
            }
            None => lane.reporter(&reporter, years.as_deref(), n)?.map(|a| {
                (
                    Profile::Reporter {
                        reporter: reporter.clone(),
                        answer: a.value,
                    },
                    a.notes,
                )
            }),
        };
        if let Some((profile, mut notes)) = answer {
            if profile.flows().height() == 0 {
                return Err(absent_or_no_trade(&lane, &reporter, filters)?);
            }
            notes.splice(0..0, profile.notes().iter().cloned());
            notes.push(format!("sources: {}", notes::file_sources(&ds)));
            return Ok(ProfileAnswer {
                profile,
                currency: "USD".into(),
                notes,
            });
        }
    }
    let mut filters = filters.clone();
    if filters.partner.is_none() && filters.region.is_none() {
        filters.partner = Some("world".into());
    }
    let (ds, q) = match engine {
        Engine::Auto => filters.prepare(ds)?,
        Engine::General => filters.apply(ds.materialise()?)?,
    };
    let lf = ds.lf.clone();
    let profile = match &q.partners {
        Partners::World => Profile::Reporter {
            reporter: q.reporter.clone(),
            answer: general::reporter(lf, &q.reporter, q.years.as_deref(), n)?,
        },
        Partners::Some(p) if p.len() == 1 => Profile::Pair {
            reporter: q.reporter.clone(),
            partner: p[0].clone(),
            answer: general::pair(lf, &q.reporter, &p[0], q.years.as_deref(), n)?,
        },
        Partners::Some(_) => {
            return Err(Error::Request(
                "profile takes one partner (or none, for the world); for a region use summary, top or composition".into(),
            ));
        }
    };
    if profile.flows().height() == 0 {
        return Err(no_trade(
            &q.reporter,
            filters
                .partner
                .as_deref()
                .filter(|p| !p.eq_ignore_ascii_case("world")),
            &q.data_years,
        ));
    }
    let mut notes = profile.notes().to_vec();
    notes.extend(super::coverage::notes(&ds, &q)?);
    notes.extend(notes::question_notes(&ds, &q)?);
    notes.push(format!("sources: {}", notes::sources(&ds)?));
    Ok(ProfileAnswer {
        profile,
        currency: q.currency,
        notes,
    })
}

/// Every country's exports, imports, balance and turnover per year (`year`, `country`,
/// `exports`, `imports`, `balance`, `turnover`), ranked by turnover within each year; countries
/// whose turnover is unknown follow, ranked by exports, then imports, with a note saying so.
pub fn world(ds: Dataset, years: Option<&str>, engine: Engine) -> Result<Answer<DataFrame>> {
    let filters = Filters {
        years: years.map(str::to_string),
        ..Filters::default()
    };
    let years = years.map(parse_years).transpose()?;
    let fast = match lane(&ds, &filters, engine)? {
        Some(lane) => lane.world(years.as_deref())?,
        None => None,
    };
    let answer = match fast {
        Some(mut a) => {
            a.notes
                .push(format!("sources: {}", notes::file_sources(&ds)));
            a
        }
        None => {
            let ds = ds.materialise()?;
            let value = general::world(ds.lf.clone(), years.as_deref())?;
            let mut notes = super::coverage::world_table_notes(&ds, years.as_deref())?;
            notes.extend(notes::left_out_notes(&ds)?);
            notes.push(format!("sources: {}", notes::sources(&ds)?));
            Answer { value, notes }
        }
    };
    if answer.value.height() == 0 {
        return Err(Error::Request(
            "no trade in the data for the years asked".into(),
        ));
    }
    // One order for both engines: by turnover, then by what is known where it is not.
    let mut answer = answer;
    answer.value = super::summary::rank_world(answer.value.lazy())
        .collect()
        .map_err(Error::polars("cannot rank the world table"))?;
    if let Some(n) = super::summary::WorldRanking::of(&answer.value)?.note() {
        answer.notes.insert(0, n);
    }
    Ok(answer)
}

/// The lane found no flows: the same error as the general engine gives, a country that is not
/// in the data (with the list of what is there), else no trade in the years asked. The lane's
/// world table (one more scan, on this error path only) says which countries are there.
fn absent_or_no_trade(lane: &BaciLane, reporter: &str, filters: &Filters) -> Result<Error> {
    let all = lane.world(None)?.map(|a| a.value);
    let (mut exporters, mut importers, mut every) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(df) = &all {
        let c = strings(df, "country")?;
        let (x, m) = (floats(df, "exports")?, floats(df, "imports")?);
        for i in 0..df.height() {
            let Some(code) = c[i].clone() else { continue };
            if x[i].is_some() {
                exporters.push(code.clone());
            }
            if m[i].is_some() {
                importers.push(code.clone());
            }
            every.push(code);
        }
    }
    for v in [&mut exporters, &mut importers, &mut every] {
        v.sort();
        v.dedup();
    }
    let names = crate::reference::countries();
    if !every.iter().any(|c| c == reporter) {
        let asked = filters.reporter.as_deref().unwrap_or(reporter);
        return Ok(Error::Request(format!(
            "{asked} ({reporter}) is not in the data{}; reporters are: {}",
            matching_words(asked, &every),
            country_list(&exporters)
        )));
    }
    if let Some(p) = filters.partner.as_deref() {
        let partner = resolve_country(p);
        if !every.contains(&partner) {
            return Ok(Error::Request(format!(
                "partner {partner} ({}) is not in the data{}; partners are: {}",
                names.name_of(&partner),
                matching_words(p, &every),
                country_list(&importers)
            )));
        }
    }
    Ok(no_trade(reporter, filters.partner.as_deref(), &[]))
}

fn no_trade(reporter: &str, partner: Option<&str>, years: &[i32]) -> Error {
    let with = partner.map(|p| format!(" with {p}")).unwrap_or_default();
    let span = if years.is_empty() {
        String::new()
    } else {
        format!(
            " (years in the data for {reporter}: {})",
            crate::question::year_list(years)
        )
    };
    Error::Request(format!(
        "no trade of {reporter}{with} in the data for the years asked{span}"
    ))
}
