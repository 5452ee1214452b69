//! A fetch query in tradestat's words (countries, years, flows, products) translated into the
//! UN Comtrade API's codes, and cut into parts that each stay below the API's row cap.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::reference::{self, Kind};

/// What a user asks for, as typed on the command line or in a spec's `[data]` section.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QueryText {
    /// Reporters: codes, ISO2/ISO3 or names.
    #[serde(default)]
    pub reporters: Vec<String>,
    /// Partners: as reporters, `world` (the default) or `all` (every partner).
    #[serde(default)]
    pub partners: Vec<String>,
    /// `2014,2018` or `2010-2020`.
    #[serde(default)]
    pub years: String,
    /// exports, imports, re-exports, re-imports (default exports and imports).
    #[serde(default)]
    pub flows: Vec<String>,
    /// HS codes (2, 4 or 6 digits) or TOTAL; empty with no level: TOTAL.
    #[serde(default)]
    pub products: Vec<String>,
    /// Every product at one HS level (2, 4 or 6 digits) instead of codes.
    pub level: Option<u8>,
    /// Classification: HS (any edition, the default) or H0..H6.
    pub classification: Option<String>,
    /// Monthly data instead of annual.
    #[serde(default)]
    pub monthly: bool,
}

/// The products of a request: codes (TOTAL included) or every code of one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Products {
    Codes(Vec<String>),
    Level(u8),
}

/// One API request: every field in the API's own codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// `A` annual or `M` monthly.
    pub freq: String,
    /// `HS`, `H0`..`H6`.
    pub classification: String,
    pub reporters: Vec<i32>,
    /// `None`: every partner (the API's default when partnerCode is left out).
    pub partners: Option<Vec<i32>>,
    /// `2014`, or `201401` for monthly data.
    pub periods: Vec<String>,
    /// `X`, `M`, `RX`, `RM`.
    pub flows: Vec<String>,
    pub products: Products,
}

/// The API's flow codes for the flows a user names.
fn flow_code(word: &str) -> Option<&'static str> {
    match word
        .trim()
        .to_ascii_lowercase()
        .replace(['_', ' '], "-")
        .as_str()
    {
        "exports" | "export" | "x" => Some("X"),
        "imports" | "import" | "m" => Some("M"),
        "re-exports" | "re-export" | "rx" => Some("RX"),
        "re-imports" | "re-import" | "rm" => Some("RM"),
        _ => None,
    }
}

/// The Comtrade code of a country as typed; `world` is 0.
fn country_code(text: &str, option: &str) -> Result<i32> {
    let c = reference::countries().lookup(text).ok_or_else(|| {
        Error::Request(format!(
            "{option}: unknown country '{text}'; give a Comtrade code (398), an ISO code (KAZ, KZ) or a name (Kazakhstan)"
        ))
    })?;
    if c.kind == Kind::Group {
        return Err(Error::Request(format!(
            "{option}: '{text}' is a group of countries ({}); name its members",
            c.name
        )));
    }
    Ok(c.code)
}

/// Estimated rows a request returns, for the first cut: products per level, partners for
/// "all", months; the real count decides whether a part is split further.
fn estimate(p: &Part) -> u64 {
    let partners = p.partners.as_ref().map_or(230, |v| v.len() as u64);
    let products = match &p.products {
        Products::Codes(c) => c.len() as u64,
        Products::Level(2) => 97,
        Products::Level(4) => 1_230,
        Products::Level(_) => 5_400,
    };
    (p.reporters.len() * p.periods.len() * p.flows.len()) as u64 * partners * products
}

impl QueryText {
    /// Resolve the query into one request in the API's codes; unknown countries, products,
    /// flows or years are errors that say what to write instead.
    pub fn resolve(&self) -> Result<Part> {
        if self.reporters.is_empty() {
            return Err(Error::Request(
                "fetch needs at least one reporter: -r KAZ (a code, ISO code or name)".into(),
            ));
        }
        let mut reporters = Vec::new();
        for r in &self.reporters {
            if r.eq_ignore_ascii_case("all") {
                return Err(Error::Request(
                    "--reporter all is not supported by the data API's requests (its row cap): \
                     name the reporters, or download the bulk files: fetch --bulk -r all"
                        .into(),
                ));
            }
            let c = country_code(r, "--reporter")?;
            if c == 0 {
                return Err(Error::Request(
                    "--reporter: the World is not a reporter; name a country".into(),
                ));
            }
            push_unique(&mut reporters, c);
        }
        let partners = if self.partners.iter().any(|p| p.eq_ignore_ascii_case("all")) {
            if self.partners.len() > 1 {
                return Err(Error::Request(
                    "--partner all means every partner: give it alone".into(),
                ));
            }
            None
        } else if self.partners.is_empty() {
            Some(vec![0])
        } else {
            let mut v = Vec::new();
            for p in &self.partners {
                push_unique(&mut v, country_code(p, "--partner")?);
            }
            Some(v)
        };
        if self.years.trim().is_empty() {
            return Err(Error::Request(
                "fetch needs --years, e.g. --years 2014,2018 or --years 2010-2020".into(),
            ));
        }
        let mut years = crate::question::parse_years(&self.years)?;
        years.sort_unstable();
        years.dedup();
        let periods: Vec<String> = if self.monthly {
            years
                .iter()
                .flat_map(|y| (1..=12).map(move |m| format!("{y}{m:02}")))
                .collect()
        } else {
            years.iter().map(i32::to_string).collect()
        };
        let mut flows = Vec::new();
        let words: Vec<&str> = if self.flows.is_empty() {
            vec!["exports", "imports"]
        } else {
            self.flows.iter().map(String::as_str).collect()
        };
        for w in words {
            let code = flow_code(w).ok_or_else(|| {
                Error::Request(format!(
                    "--flows: unknown flow '{w}'; use exports, imports, re-exports or re-imports"
                ))
            })?;
            if !flows.iter().any(|f| f == code) {
                flows.push(code.to_string());
            }
        }
        let products = match (self.level, self.products.is_empty()) {
            (Some(_), false) => {
                return Err(Error::Request(
                    "give either --products codes or --level 2|4|6, not both".into(),
                ));
            }
            (Some(l @ (2 | 4 | 6)), true) => Products::Level(l),
            (Some(l), true) => {
                return Err(Error::Request(format!(
                    "--level {l}: HS levels are 2 (chapters), 4 (headings) and 6 (subheadings)"
                )));
            }
            (None, true) => Products::Codes(vec!["TOTAL".into()]),
            (None, false) => {
                let mut codes = Vec::new();
                for p in &self.products {
                    let code = product_code(p)?;
                    if !codes.contains(&code) {
                        codes.push(code);
                    }
                }
                Products::Codes(codes)
            }
        };
        let classification = match self.classification.as_deref().map(str::trim) {
            None | Some("") => "HS".to_string(),
            Some(c) => {
                let up = c.to_ascii_uppercase();
                let ok = up == "HS"
                    || (up.len() == 2
                        && up.starts_with('H')
                        && ('0'..='6').contains(&up[1..].chars().next().unwrap_or('x')));
                if !ok {
                    return Err(Error::Request(format!(
                        "--classification {c}: fetch asks for HS data: HS (any edition) or H0..H6 (HS 1992..2022)"
                    )));
                }
                up
            }
        };
        Ok(Part {
            freq: if self.monthly { "M" } else { "A" }.into(),
            classification,
            reporters,
            partners,
            periods,
            flows,
            products,
        })
    }
}

fn push_unique(v: &mut Vec<i32>, c: i32) {
    if !v.contains(&c) {
        v.push(c);
    }
}

/// A product code as the API takes it: TOTAL, or 2, 4 or 6 digits of a known HS chapter.
fn product_code(text: &str) -> Result<String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("total") {
        return Ok("TOTAL".into());
    }
    let digits = t.chars().all(|c| c.is_ascii_digit());
    if !digits || ![2, 4, 6].contains(&t.len()) {
        return Err(Error::Request(format!(
            "--products: '{t}' is not an HS code; give 2, 4 or 6 digits (27, 2709, 270900) or TOTAL"
        )));
    }
    if reference::hs().chapter(&t[..2]).is_none() {
        return Err(Error::Request(format!(
            "--products: '{t}' is not in an HS chapter (chapter {} does not exist)",
            &t[..2]
        )));
    }
    Ok(t.to_string())
}

/// Halves of a list (the first half one longer), or `None` for fewer than two items.
fn halves<T: Clone>(v: &[T]) -> Option<(Vec<T>, Vec<T>)> {
    (v.len() > 1).then(|| {
        let mid = v.len().div_ceil(2);
        (v[..mid].to_vec(), v[mid..].to_vec())
    })
}

impl Part {
    /// The `cmdCode` parameter.
    pub fn cmd_code(&self) -> String {
        match &self.products {
            Products::Codes(c) => c.join(","),
            Products::Level(l) => format!("AG{l}"),
        }
    }

    /// A short description for messages: `398 2014 X,M TOTAL -> 484`.
    pub fn describe(&self) -> String {
        let join = |v: &[i32]| v.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        let partners = self.partners.as_deref().map_or("all".into(), join);
        let periods = match self.periods.as_slice() {
            [one] => one.clone(),
            [first, .., last] => format!("{first}-{last}"),
            [] => String::new(),
        };
        let mut cmd = self.cmd_code();
        if cmd.len() > 24 {
            cmd = format!("{} codes", cmd.split(',').count());
        }
        format!(
            "reporter {} {periods} {} {cmd} partner {partners}",
            join(&self.reporters),
            self.flows.join(",")
        )
    }

    /// Cut a part in two by periods (years, then months) or else by reporters: the cuts of
    /// the first plan, made before anything is known of the data.
    fn split_coarse(&self) -> Option<Vec<Part>> {
        let with = |f: &dyn Fn(&mut Part)| {
            let mut p = self.clone();
            f(&mut p);
            p
        };
        if let Some((a, b)) = halves(&self.periods) {
            return Some(vec![
                with(&|p| p.periods = a.clone()),
                with(&|p| p.periods = b.clone()),
            ]);
        }
        let (a, b) = halves(&self.reporters)?;
        Some(vec![
            with(&|p| p.reporters = a.clone()),
            with(&|p| p.reporters = b.clone()),
        ])
    }

    /// Cut a part in two along one dimension: periods first (years, then months), then
    /// reporters, partners, flows, products (a list of codes, or HS chapters for level 2).
    /// `None` when no dimension has two values.
    pub fn split(&self) -> Option<Vec<Part>> {
        if let Some(parts) = self.split_coarse() {
            return Some(parts);
        }
        let with = |f: &dyn Fn(&mut Part)| {
            let mut p = self.clone();
            f(&mut p);
            p
        };
        if let Some((a, b)) = self.partners.as_deref().and_then(halves) {
            return Some(vec![
                with(&|p| p.partners = Some(a.clone())),
                with(&|p| p.partners = Some(b.clone())),
            ]);
        }
        if let Some((a, b)) = halves(&self.flows) {
            return Some(vec![
                with(&|p| p.flows = a.clone()),
                with(&|p| p.flows = b.clone()),
            ]);
        }
        let codes = match &self.products {
            Products::Codes(c) => c.clone(),
            // Level 2 is the list of HS chapters: split by chapter.
            Products::Level(2) => reference::hs()
                .chapters
                .iter()
                .map(|c| c.code.clone())
                .collect(),
            Products::Level(_) => return None,
        };
        let (a, b) = halves(&codes)?;
        Some(vec![
            with(&|p| p.products = Products::Codes(a.clone())),
            with(&|p| p.products = Products::Codes(b.clone())),
        ])
    }

    /// Cut the query by periods and reporters into parts whose estimated size (an upper
    /// bound: every partner trading every product) is below `cap`, or into single
    /// reporter-periods. A part that still comes back at the cap is split again, along any
    /// dimension, when it is fetched: the estimate alone would cut most queries far too fine.
    pub fn plan(&self, cap: u64) -> Vec<Part> {
        let mut out = Vec::new();
        let mut todo = vec![self.clone()];
        while let Some(p) = todo.pop() {
            match (estimate(&p) >= cap).then(|| p.split_coarse()).flatten() {
                Some(children) => todo.extend(children.into_iter().rev()),
                None => out.push(p),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(r: &[&str], p: &[&str], years: &str) -> QueryText {
        QueryText {
            reporters: r.iter().map(|s| s.to_string()).collect(),
            partners: p.iter().map(|s| s.to_string()).collect(),
            years: years.into(),
            ..Default::default()
        }
    }

    #[test]
    fn countries_resolve_to_comtrade_codes() {
        let part = q(&["Kazakhstan"], &["MEX", "USA"], "2014,2018")
            .resolve()
            .unwrap();
        assert_eq!(part.reporters, vec![398]);
        assert_eq!(part.partners, Some(vec![484, 842]));
        assert_eq!(part.periods, vec!["2014", "2018"]);
        assert_eq!(part.flows, vec!["X", "M"]);
        assert_eq!(part.cmd_code(), "TOTAL");
        let world = q(&["KAZ"], &[], "2014").resolve().unwrap();
        assert_eq!(world.partners, Some(vec![0]));
        let all = q(&["KAZ"], &["all"], "2014").resolve().unwrap();
        assert_eq!(all.partners, None);
    }

    #[test]
    fn bad_words_are_refused_with_what_to_write() {
        let e = q(&["Kazakstan"], &[], "2014")
            .resolve()
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown country 'Kazakstan'"), "{e}");
        let mut t = q(&["KAZ"], &[], "2014");
        t.products = vec!["2709x".into()];
        assert!(
            t.resolve()
                .unwrap_err()
                .to_string()
                .contains("not an HS code")
        );
        t.products = vec!["0001".into()];
        assert!(t.resolve().unwrap_err().to_string().contains("chapter 00"));
        t.products = vec![];
        t.level = Some(3);
        assert!(t.resolve().is_err());
        let mut f = q(&["KAZ"], &[], "2014");
        f.flows = vec!["transit".into()];
        assert!(
            f.resolve()
                .unwrap_err()
                .to_string()
                .contains("unknown flow")
        );
        assert!(q(&[], &[], "2014").resolve().is_err());
        assert!(q(&["KAZ"], &[], "").resolve().is_err());
    }

    #[test]
    fn monthly_periods_and_levels() {
        let mut t = q(&["KAZ"], &[], "2018");
        t.monthly = true;
        t.level = Some(4);
        let p = t.resolve().unwrap();
        assert_eq!(p.periods.len(), 12);
        assert_eq!(p.periods[0], "201801");
        assert_eq!(p.freq, "M");
        assert_eq!(p.cmd_code(), "AG4");
    }

    #[test]
    fn splitting_covers_every_value_once() {
        let mut t = q(&["KAZ", "MEX", "USA"], &["all"], "2010-2014");
        t.level = Some(2);
        let whole = t.resolve().unwrap();
        let mut parts = Vec::new();
        for p in whole.plan(5_000) {
            // The first plan cuts by year and reporter; a capped part is cut further.
            let children = p
                .split()
                .and_then(|c| c[1].split().map(|d| (c[0].clone(), d)));
            match children {
                Some((a, d)) => parts.extend([a, d[0].clone(), d[1].clone()]),
                None => parts.push(p),
            }
        }
        assert_eq!(
            whole.plan(5_000).len(),
            15,
            "one part per reporter and year"
        );
        assert!(parts.len() > 15);
        // Every (reporter, year, chapter) appears in exactly one part.
        let mut seen = std::collections::BTreeMap::new();
        for p in &parts {
            let chapters: Vec<String> = match &p.products {
                Products::Codes(c) => c.clone(),
                Products::Level(_) => reference::hs()
                    .chapters
                    .iter()
                    .map(|c| c.code.clone())
                    .collect(),
            };
            for r in &p.reporters {
                for y in &p.periods {
                    for c in &chapters {
                        for f in &p.flows {
                            *seen
                                .entry((*r, y.clone(), c.clone(), f.clone()))
                                .or_insert(0) += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(seen.len(), 3 * 5 * reference::hs().chapters.len() * 2);
        assert!(seen.values().all(|&n| n == 1));
        // A part that cannot be split any further says so.
        let single = q(&["KAZ"], &["all"], "2014");
        let mut s = single.clone();
        s.flows = vec!["exports".into()];
        s.level = Some(6);
        assert!(s.resolve().unwrap().split().is_none());
    }
}
