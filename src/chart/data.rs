//! The plain data each chart draws, built from the collected frames of the analysis functions
//! (`summary`, `top`, `partners`, `composition`, `mirror`). The charts never sum anything
//! themselves: every number here is one the tables print too.

use polars::prelude::DataFrame;

use crate::analysis::products::product_label;
use crate::error::{Error, Result};
use crate::frame::{floats, ints, strings};

/// Exports, imports and turnover per year (from `analysis::summary`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrendData {
    pub years: Vec<i32>,
    pub exports: Vec<Option<f64>>,
    pub imports: Vec<Option<f64>>,
    pub turnover: Vec<Option<f64>>,
    pub balance: Vec<Option<f64>>,
    /// Per year, which figures tradestat derived ("imports", "exports, turnover"); empty when
    /// all were reported.
    pub derived: Vec<String>,
}

impl TrendData {
    /// From the frame of `analysis::summary` (columns year, exports, imports, turnover,
    /// balance, derived).
    pub fn from_summary(df: &DataFrame) -> Result<TrendData> {
        let years = ints(df, "year")?;
        let derived = strings(df, "derived")?;
        let mut out = TrendData {
            exports: floats(df, "exports")?,
            imports: floats(df, "imports")?,
            turnover: floats(df, "turnover")?,
            balance: floats(df, "balance")?,
            derived: derived.into_iter().map(Option::unwrap_or_default).collect(),
            years: Vec::new(),
        };
        for y in years {
            out.years
                .push(y.ok_or_else(|| Error::Chart("a summary row without a year".into()))? as i32);
        }
        Ok(out)
    }

    /// Whether `flow` ("exports", "imports", "turnover") of year index `i` was derived.
    pub fn is_derived(&self, i: usize, flow: &str) -> bool {
        self.derived
            .get(i)
            .is_some_and(|d| d.split(", ").any(|f| f == flow))
    }

    /// Keep only the years for which `keep` is true.
    pub fn retain_years(&mut self, keep: impl Fn(i32) -> bool) {
        let idx: Vec<usize> = (0..self.years.len())
            .filter(|&i| keep(self.years[i]))
            .collect();
        let pick = |v: &Vec<Option<f64>>| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
        *self = TrendData {
            years: idx.iter().map(|&i| self.years[i]).collect(),
            exports: pick(&self.exports),
            imports: pick(&self.imports),
            turnover: pick(&self.turnover),
            balance: pick(&self.balance),
            derived: idx.iter().map(|&i| self.derived[i].clone()).collect(),
        };
    }

    /// Whether any year has a figure at all.
    pub fn has_values(&self) -> bool {
        [&self.exports, &self.imports, &self.turnover]
            .iter()
            .any(|v| v.iter().any(Option::is_some))
    }
}

/// Signed values per label (balance per year or per partner).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BalanceData {
    pub labels: Vec<String>,
    /// `None`: the label has no balance (only a turnover was reported).
    pub values: Vec<Option<f64>>,
    /// Whether the labels are years (vertical bars) or partners (horizontal bars).
    pub by_partner: bool,
}

impl BalanceData {
    /// The balance per year, from a summary.
    pub fn per_year(t: &TrendData) -> BalanceData {
        BalanceData {
            labels: t.years.iter().map(i32::to_string).collect(),
            values: t.balance.clone(),
            by_partner: false,
        }
    }

    /// The balance per partner from the frame of `analysis::partners` (columns partner,
    /// exports, imports, balance), largest absolute balances first, at most `n` (0: all).
    /// `name` turns a country code into its name.
    pub fn per_partner(
        df: &DataFrame,
        n: usize,
        name: impl Fn(&str) -> String,
    ) -> Result<BalanceData> {
        let (p, x, m, b) = (
            strings(df, "partner")?,
            floats(df, "exports")?,
            floats(df, "imports")?,
            floats(df, "balance")?,
        );
        // partners() fills a missing direction with zero for the balance; a partner with only
        // a reported turnover has no balance at all.
        let mut rows: Vec<(String, f64)> = (0..df.height())
            .filter(|&i| x[i].is_some() || m[i].is_some())
            .filter_map(|i| Some((name(p[i].as_deref()?), b[i]?)))
            .collect();
        rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        if n > 0 {
            rows.truncate(n);
        }
        // Drawn top to bottom from the largest surplus to the largest deficit.
        rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(BalanceData {
            labels: rows.iter().map(|r| r.0.clone()).collect(),
            values: rows.iter().map(|r| Some(r.1)).collect(),
            by_partner: true,
        })
    }
}

/// A ranking (top N and Pareto charts), from `analysis::top`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankData {
    /// Product codes or partner codes.
    pub codes: Vec<String>,
    /// Display names (product names, country names).
    pub names: Vec<String>,
    pub values: Vec<f64>,
    pub shares: Vec<Option<f64>>,
    pub cumulative: Vec<Option<f64>>,
    /// Whether the items are partners (coloured per country) or products.
    pub partners: bool,
    /// The direction ranked ("exports", "imports", "turnover"): products take its colour.
    pub flow: String,
    /// Total number of ranked items before the cut to N.
    pub total_items: usize,
}

impl RankData {
    /// From the frame of `analysis::top` (columns code, name, value, share,
    /// cumulative_share), keeping rows with a value and at most `n` (0: all).
    pub fn from_top(
        df: &DataFrame,
        partners: bool,
        n: usize,
        name: impl Fn(&str, Option<&str>) -> String,
    ) -> Result<RankData> {
        let (code, nm, value, share, cum) = (
            strings(df, "code")?,
            strings(df, "name")?,
            floats(df, "value")?,
            floats(df, "share")?,
            floats(df, "cumulative_share")?,
        );
        let mut out = RankData {
            partners,
            ..RankData::default()
        };
        for i in 0..df.height() {
            let Some(v) = value[i] else { continue };
            out.total_items += 1;
            if n > 0 && out.values.len() >= n {
                continue;
            }
            let c = code[i].clone().unwrap_or_default();
            out.names.push(name(&c, nm[i].as_deref()));
            out.codes.push(c);
            out.values.push(v);
            out.shares.push(share[i]);
            out.cumulative.push(cum[i]);
        }
        Ok(out)
    }
}

/// Shares of a whole (composition treemap or donut), from `analysis::composition`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShareData {
    pub year: i32,
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    pub shares: Vec<f64>,
    /// Groups named in the data without a value (press-release lists), shown in a note.
    pub unvalued: Vec<String>,
}

impl ShareData {
    /// From the frame of `analysis::composition` (columns year, group, label, value, share),
    /// for one year. Groups are labelled "label" or "code label" (HS codes, with the short
    /// label of their name: [`crate::analysis::products::product_label`]).
    pub fn from_composition(df: &DataFrame, year: i32) -> Result<ShareData> {
        let (y, g, l, v, s) = (
            ints(df, "year")?,
            strings(df, "group")?,
            strings(df, "label")?,
            floats(df, "value")?,
            floats(df, "share")?,
        );
        let mut out = ShareData {
            year,
            ..ShareData::default()
        };
        for i in 0..df.height() {
            if y[i] != Some(i64::from(year)) {
                continue;
            }
            let group = g[i].clone().unwrap_or_default();
            let label = match l[i].as_deref() {
                Some(l)
                    if !l.is_empty() && l != group && group.chars().all(|c| c.is_ascii_digit()) =>
                {
                    format!("{group} {}", product_label(&group, l))
                }
                Some(l) if !l.is_empty() && l != group && is_roman(&group) => {
                    format!("{group} {l}")
                }
                Some(l) if !l.is_empty() => l.to_string(),
                _ => group,
            };
            match v[i] {
                Some(val) if val > 0.0 => {
                    out.labels.push(label);
                    out.values.push(val);
                    out.shares.push(s[i].unwrap_or(0.0));
                }
                Some(_) => {}
                None => out.unvalued.push(label),
            }
        }
        Ok(out)
    }

    /// At most `n` groups: the rest summed into "Other (k groups)".
    pub fn limit(&mut self, n: usize) {
        if n == 0 || self.values.len() <= n {
            return;
        }
        let keep = n.saturating_sub(1).max(1);
        let rest_v: f64 = self.values[keep..].iter().sum();
        let rest_s: f64 = self.shares[keep..].iter().sum();
        let k = self.values.len() - keep;
        self.labels.truncate(keep);
        self.values.truncate(keep);
        self.shares.truncate(keep);
        self.labels.push(format!("Other ({k} groups)"));
        self.values.push(rest_v);
        self.shares.push(rest_s);
    }
}

fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// One row of a dumbbell: a measure in two years.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub label: String,
    pub a: Option<f64>,
    pub b: Option<f64>,
    /// Which flow colour the row takes: "exports", "imports", "turnover", or "" for a group.
    pub flow: String,
}

/// Two years side by side (dumbbell chart).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareData {
    pub year_a: i32,
    pub year_b: i32,
    pub rows: Vec<CompareRow>,
}

impl CompareData {
    /// The overall rows (exports, imports, turnover) from a summary.
    pub fn overall(t: &TrendData, year_a: i32, year_b: i32) -> CompareData {
        let at =
            |v: &Vec<Option<f64>>, y: i32| t.years.iter().position(|x| *x == y).and_then(|i| v[i]);
        let rows = [
            ("Exports", "exports", &t.exports),
            ("Imports", "imports", &t.imports),
            ("Turnover", "turnover", &t.turnover),
        ]
        .into_iter()
        .filter(|(_, _, v)| at(v, year_a).is_some() || at(v, year_b).is_some())
        .map(|(label, flow, v)| CompareRow {
            label: label.to_string(),
            a: at(v, year_a),
            b: at(v, year_b),
            flow: flow.to_string(),
        })
        .collect();
        CompareData {
            year_a,
            year_b,
            rows,
        }
    }

    /// Per product group from the frame of `analysis::composition`, the `n` groups with the
    /// largest value in either year (0: all).
    pub fn per_group(df: &DataFrame, year_a: i32, year_b: i32, n: usize) -> Result<CompareData> {
        let a = ShareData::from_composition(df, year_a)?;
        let b = ShareData::from_composition(df, year_b)?;
        let mut labels: Vec<String> = a.labels.clone();
        for l in &b.labels {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
        let get =
            |d: &ShareData, l: &str| d.labels.iter().position(|x| x == l).map(|i| d.values[i]);
        let mut rows: Vec<CompareRow> = labels
            .iter()
            .map(|l| CompareRow {
                label: l.clone(),
                a: get(&a, l),
                b: get(&b, l),
                flow: String::new(),
            })
            .collect();
        let size = |r: &CompareRow| r.a.unwrap_or(0.0).max(r.b.unwrap_or(0.0));
        rows.sort_by(|x, y| size(y).total_cmp(&size(x)).then(x.label.cmp(&y.label)));
        if n > 0 {
            rows.truncate(n);
        }
        Ok(CompareData {
            year_a,
            year_b,
            rows,
        })
    }
}

/// One flow as declared by both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct MirrorRow {
    pub label: String,
    pub exporter_value: Option<f64>,
    pub importer_value: Option<f64>,
    pub gap: Option<f64>,
    pub gap_pct: Option<f64>,
}

/// Mirror statistics (from `analysis::indicators::mirror`), largest gaps first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MirrorData {
    pub rows: Vec<MirrorRow>,
    pub cif_fob: f64,
}

impl MirrorData {
    /// From the frame of `mirror` (columns year, exporter, importer, exporter_value,
    /// importer_value, gap, gap_pct), at most `n` rows (0: all). `name` turns a country code
    /// into its name.
    pub fn from_mirror(
        df: &DataFrame,
        cif_fob: f64,
        n: usize,
        name: impl Fn(&str) -> String,
    ) -> Result<MirrorData> {
        let (y, ex, im, ev, iv, gap, pct) = (
            ints(df, "year")?,
            strings(df, "exporter")?,
            strings(df, "importer")?,
            floats(df, "exporter_value")?,
            floats(df, "importer_value")?,
            floats(df, "gap")?,
            floats(df, "gap_pct")?,
        );
        let mut rows = Vec::new();
        for i in 0..df.height() {
            if n > 0 && rows.len() >= n {
                break;
            }
            rows.push(MirrorRow {
                label: format!(
                    "{} → {}, {}",
                    name(ex[i].as_deref().unwrap_or("")),
                    name(im[i].as_deref().unwrap_or("")),
                    y[i].map(|v| v.to_string()).unwrap_or_default()
                ),
                exporter_value: ev[i],
                importer_value: iv[i],
                gap: gap[i],
                gap_pct: pct[i],
            });
        }
        Ok(MirrorData { rows, cif_fob })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    fn summary() -> DataFrame {
        df!(
            "year" => [2014i64, 2018],
            "exports" => [Some(171_000.0), None],
            "imports" => [Some(121_229_000.0), None],
            "turnover" => [Some(121_400_000.0), Some(23_000_000.0)],
            "balance" => [Some(-121_058_000.0), None],
            "derived" => [Some("imports"), None],
        )
        .unwrap()
    }

    #[test]
    fn trend_from_summary_keeps_gaps_and_derived_flags() {
        let t = TrendData::from_summary(&summary()).unwrap();
        assert_eq!(t.years, [2014, 2018]);
        assert_eq!(t.exports, [Some(171_000.0), None]);
        assert!(t.is_derived(0, "imports"));
        assert!(!t.is_derived(0, "exports"));
        assert!(!t.is_derived(1, "imports"));
        let c = CompareData::overall(&t, 2014, 2018);
        assert_eq!(c.rows.len(), 3);
        assert_eq!(c.rows[2].b, Some(23_000_000.0));
        let b = BalanceData::per_year(&t);
        assert_eq!(b.values, [Some(-121_058_000.0), None]);
        let mut only = t.clone();
        only.retain_years(|y| y == 2018);
        assert_eq!(only.turnover, [Some(23_000_000.0)]);
    }

    #[test]
    fn shares_group_the_tail_into_other() {
        let df = df!(
            "year" => [2010i64, 2010, 2010, 2010],
            "group" => ["85", "84", "XVI", "x"],
            "label" => [Some("Electrical machinery"), Some("Machinery"), Some("Machines"), None],
            "value" => [Some(50.0), Some(30.0), Some(20.0), None],
            "share" => [Some(0.5), Some(0.3), Some(0.2), None],
        )
        .unwrap();
        let mut s = ShareData::from_composition(&df, 2010).unwrap();
        assert_eq!(
            s.labels,
            ["85 Electrical machinery", "84 Machinery", "XVI Machines"]
        );
        assert_eq!(s.unvalued, ["x"]);
        s.limit(2);
        assert_eq!(s.labels, ["85 Electrical machinery", "Other (2 groups)"]);
        assert_eq!(s.values, [50.0, 50.0]);
    }

    #[test]
    fn headings_are_labelled_with_the_short_label_of_their_name() {
        let df = df!(
            "year" => [2010i64, 2010],
            "group" => ["8703", "2709"],
            "label" => [
                "Motor cars and other motor vehicles; principally designed for the transport of persons (other than those of heading no. 8702), including station wagons and racing cars",
                "Petroleum oils and oils obtained from bituminous minerals; crude",
            ],
            "value" => [60.0, 40.0],
            "share" => [0.6, 0.4],
        )
        .unwrap();
        let s = ShareData::from_composition(&df, 2010).unwrap();
        assert_eq!(
            s.labels,
            [
                "8703 Motor cars and other motor vehicles",
                "2709 Petroleum oils, crude"
            ]
        );
    }
}
