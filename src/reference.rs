//! Reference tables compiled into the binary: countries (Comtrade/BACI codes, ISO codes, names,
//! M49 regions), the legacy codes research data still write for them (ROM for Romania, ZAR for
//! DR Congo, Eurostat's EL and UK, ...), and the HS sections and chapters. The tables are ours,
//! in `data/ref/`.

use std::collections::HashMap;
use std::sync::OnceLock;

const COUNTRIES_CSV: &str = include_str!("../data/ref/countries.csv");
const LEGACY_CSV: &str = include_str!("../data/ref/country_legacy.csv");
const HS_SECTIONS_CSV: &str = include_str!("../data/ref/hs_sections.csv");
const HS_CHAPTERS_CSV: &str = include_str!("../data/ref/hs_chapters.csv");

/// What kind of entity a country-table row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Country,
    Historical,
    Area,
    World,
    Group,
}

/// One row of the country table.
#[derive(Debug, Clone)]
pub struct Country {
    /// UN Comtrade / CEPII BACI numeric code (842 is the USA).
    pub code: i32,
    /// ISO 3166 alpha-3, or a stable area code (`WLD`, `S19`, ...).
    pub iso3: String,
    pub iso2: String,
    /// ISO 3166 numeric / M49 code (840 is the USA).
    pub iso_numeric: Option<i32>,
    pub name: String,
    pub aliases: Vec<String>,
    pub region: String,
    pub subregion: String,
    pub intermediate_region: String,
    pub valid_from: Option<i32>,
    pub valid_to: Option<i32>,
    pub kind: Kind,
    /// A second code for the same country in overlapping years (840 beside 842 for the USA):
    /// it resolves to the same canonical code, but names and regions come from the primary row.
    pub secondary: bool,
}

/// What a legacy code stands for in the country table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same country under a code that was changed (ROM, now ROU): read as the current code.
    Renamed,
    /// Absorbed by one country (FXX, Metropolitan France, into France): read as that country.
    Merged,
    /// The same entity, which the table writes under another code (KSV for `_KS` Kosovo).
    Same,
    /// An entity without a row in the table (HWI, Hawaii): kept as written, with its name.
    Own,
}

/// A code that research data write for a country but the table does not carry as its ISO3 or
/// ISO2 (`data/ref/country_legacy.csv`, with the sources of each mapping).
#[derive(Debug, Clone)]
pub struct Legacy {
    /// The code as data write it: `ROM`, `EL`.
    pub code: String,
    /// The canonical code it is read as (`ROU`); the code itself for [`Relation::Own`].
    pub iso3: String,
    pub relation: Relation,
    /// The year ISO withdrew the code, where it did.
    pub withdrawn: Option<i32>,
    /// The name that goes with the code ("Zaire"; "Hawaii" for an entity of its own).
    pub name: String,
    /// Keys of the sources of the mapping, cited in `data/ref/README.md`.
    pub sources: String,
}

/// The country table with its lookup indexes.
#[derive(Debug)]
pub struct Countries {
    rows: Vec<Country>,
    by_code: HashMap<i32, usize>,
    by_iso3: HashMap<String, usize>,
    by_key: HashMap<String, usize>,
    legacy: HashMap<String, Legacy>,
}

/// `USA_840` -> `USA`; other codes unchanged (`_X`, the "Areas, nes" code, keeps its underscore).
fn canonical_code(iso3: &str) -> String {
    match iso3.split_once('_') {
        Some((head, tail)) if !head.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) => {
            head.to_string()
        }
        _ => iso3.to_string(),
    }
}

fn parse_opt_i32(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.is_empty() { None } else { s.parse().ok() }
}

fn parse_legacy(text: &str) -> HashMap<String, Legacy> {
    let mut out = HashMap::new();
    for record in csv::Reader::from_reader(text.as_bytes()).records() {
        // The table is ours and checked by tools/build_countries.py and the tests.
        let r = record.expect("data/ref/country_legacy.csv is valid CSV");
        let relation = match &r[3] {
            "renamed" => Relation::Renamed,
            "merged" => Relation::Merged,
            "same" => Relation::Same,
            _ => Relation::Own,
        };
        out.insert(
            r[0].to_string(),
            Legacy {
                code: r[0].to_string(),
                iso3: r[1].to_string(),
                relation,
                withdrawn: parse_opt_i32(&r[4]),
                name: r[5].to_string(),
                sources: r[6].to_string(),
            },
        );
    }
    out
}

impl Countries {
    fn parse(text: &str, legacy_text: &str) -> Countries {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        // The table marks a second code for the same country with overlapping years as
        // `USA_840`; both mean the USA in data, and the first listed row is the reported one.
        let mut rows = Vec::new();
        for record in reader.records() {
            // The table is ours and checked by tests; a broken row is a build defect.
            let r = record.expect("data/ref/countries.csv is valid CSV");
            let kind = match &r[11] {
                "country" => Kind::Country,
                "historical" => Kind::Historical,
                "world" => Kind::World,
                "group" => Kind::Group,
                _ => Kind::Area,
            };
            rows.push(Country {
                code: r[0].parse().expect("numeric country code"),
                iso3: canonical_code(&r[1]),
                iso2: r[2].to_string(),
                iso_numeric: parse_opt_i32(&r[3]),
                name: r[4].to_string(),
                aliases: r[5]
                    .split('|')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
                region: r[6].to_string(),
                subregion: r[7].to_string(),
                intermediate_region: r[8].to_string(),
                valid_from: parse_opt_i32(&r[9]),
                valid_to: parse_opt_i32(&r[10]),
                kind,
                secondary: canonical_code(&r[1]) != r[1],
            });
        }
        let mut by_code = HashMap::new();
        let mut by_iso3: HashMap<String, usize> = HashMap::new();
        // Primary rows first, so that a canonical code names the row that data is reported under.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| rows[i].secondary);
        for &i in &order {
            let c = &rows[i];
            by_code.insert(c.code, i);
            // Several codes may share an ISO3 over time (58 and 56 for Belgium): the open-ended
            // (current) one wins, so that "BEL" means today's Belgium.
            match by_iso3.get(&c.iso3) {
                Some(&j) if rows[j].valid_to.is_none() && rows[j].kind == Kind::Country => {}
                _ => {
                    by_iso3.insert(c.iso3.clone(), i);
                }
            }
        }
        // ISO numeric codes that are not also Comtrade codes (840, 250, 356 ...) resolve too.
        for (i, c) in rows.iter().enumerate() {
            if let Some(n) = c.iso_numeric
                && !by_code.contains_key(&n)
                && c.valid_to.is_none()
            {
                by_code.insert(n, i);
            }
        }
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (i, c) in rows.iter().enumerate() {
            let current = c.valid_to.is_none();
            let mut keys: Vec<String> = vec![c.name.to_lowercase()];
            keys.extend(c.aliases.iter().map(|a| a.to_lowercase()));
            for k in keys {
                if current || !by_key.contains_key(&k) {
                    by_key.insert(k, i);
                }
            }
        }
        // Legacy codes (ROM, ZAR, EL, ...) name the row they are read as; the table's own
        // codes, inserted next, take precedence (the build script checks they never clash).
        let legacy = parse_legacy(legacy_text);
        for l in legacy.values() {
            if let Some(&i) = by_iso3.get(&l.iso3) {
                by_key.insert(l.code.to_lowercase(), i);
            }
        }
        for (iso3, &i) in &by_iso3 {
            by_key.insert(iso3.to_lowercase(), i);
        }
        // Comtrade Plus writes World as "W00" in ISO columns.
        if let Some(&w) = by_code.get(&0) {
            by_key.insert("w00".into(), w);
        }
        Countries {
            rows,
            by_code,
            by_iso3,
            by_key,
            legacy,
        }
    }

    /// The legacy code as data write it (`ROM`, `el`), if it is one.
    pub fn legacy(&self, code: &str) -> Option<&Legacy> {
        self.legacy.get(&code.trim().to_uppercase())
    }

    /// The canonical code for what a user or a file wrote: the code of [`Countries::lookup`],
    /// or a legacy code (or its name) kept as an entity of its own (`HWI`, "Hawaii").
    pub fn resolve(&self, text: &str) -> Option<String> {
        if let Some(c) = self.lookup(text) {
            return Some(c.iso3.clone());
        }
        let t = text.trim();
        self.legacy
            .values()
            .filter(|l| l.relation == Relation::Own)
            .find(|l| l.code.eq_ignore_ascii_case(t) || l.name.eq_ignore_ascii_case(t))
            .map(|l| l.iso3.clone())
    }

    /// All rows, sorted by code.
    pub fn rows(&self) -> &[Country] {
        &self.rows
    }

    /// The row for a Comtrade/BACI code, or an ISO numeric code that Comtrade does not use.
    pub fn by_code(&self, code: i32) -> Option<&Country> {
        self.by_code.get(&code).map(|&i| &self.rows[i])
    }

    /// The row for an ISO3 or area code (the current entity where several share it).
    pub fn by_iso3(&self, iso3: &str) -> Option<&Country> {
        self.by_iso3
            .get(&iso3.trim().to_uppercase())
            .map(|&i| &self.rows[i])
    }

    /// Resolve what a user or a file wrote: a numeric code, ISO3, ISO2, a name or an alias.
    pub fn lookup(&self, text: &str) -> Option<&Country> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        if let Ok(n) = t.parse::<i32>() {
            return self.by_code(n);
        }
        if let Some(c) = self.by_iso3(t) {
            return Some(c);
        }
        if t.len() == 2
            && let Some(c) = self.by_iso2(t)
        {
            return Some(c);
        }
        self.by_key.get(&t.to_lowercase()).map(|&i| &self.rows[i])
    }

    /// The current country with this ISO 3166 alpha-2 code; the two-letter legacy codes
    /// (Eurostat's `EL`, `UK`, `XK`) included.
    pub fn by_iso2(&self, iso2: &str) -> Option<&Country> {
        let up = iso2.trim().to_uppercase();
        if let Some(l) = self.legacy.get(&up) {
            return self.by_iso3(&l.iso3);
        }
        self.rows
            .iter()
            .filter(|c| c.iso2 == up && c.kind == Kind::Country)
            .find(|c| c.valid_to.is_none())
    }

    /// Display name for a canonical code (or a legacy code); the code itself when unknown.
    pub fn name_of(&self, code: &str) -> String {
        self.by_iso3(code)
            .map(|c| c.name.clone())
            .or_else(|| match self.legacy(code) {
                Some(l) if l.relation == Relation::Own => Some(l.name.clone()),
                Some(l) => self.by_iso3(&l.iso3).map(|c| c.name.clone()),
                None => None,
            })
            .unwrap_or_else(|| code.to_string())
    }

    /// Whether a canonical code is known to the table (or is a legacy entity of its own).
    pub fn is_known(&self, code: &str) -> bool {
        self.by_iso3.contains_key(code)
            || self
                .legacy
                .get(code)
                .is_some_and(|l| l.relation == Relation::Own)
    }

    /// Pairs (source text, canonical code) for every numeric code, for a polars `replace`.
    /// Zero-padded forms ("004") are included because some files pad.
    pub fn numeric_pairs(&self) -> (Vec<String>, Vec<String>) {
        let mut old = Vec::new();
        let mut new = Vec::new();
        let mut codes: Vec<_> = self.by_code.iter().collect();
        codes.sort();
        for (&code, &i) in codes {
            let iso3 = &self.rows[i].iso3;
            old.push(code.to_string());
            new.push(iso3.clone());
            if (0..100).contains(&code) {
                old.push(format!("{code:03}"));
                new.push(iso3.clone());
            }
        }
        (old, new)
    }

    /// Pairs (upper-case text, canonical code) for ISO3 columns: identity for known codes,
    /// legacy codes to the code they are read as (ROM -> ROU), plus Comtrade's `W00` for World.
    pub fn iso3_pairs(&self) -> (Vec<String>, Vec<String>) {
        let mut pairs: Vec<(String, String)> = self
            .by_iso3
            .keys()
            .map(|k| (k.clone(), k.clone()))
            .collect();
        pairs.extend(
            self.legacy
                .values()
                .filter(|l| l.code.len() > 2 && l.relation != Relation::Own)
                .map(|l| (l.code.clone(), l.iso3.clone())),
        );
        pairs.push(("W00".into(), crate::schema::WORLD.into()));
        pairs.push(("WORLD".into(), crate::schema::WORLD.into()));
        pairs.sort();
        pairs.into_iter().unzip()
    }

    /// Pairs (upper-case ISO2, canonical code) for Eurostat files.
    pub fn iso2_pairs(&self) -> (Vec<String>, Vec<String>) {
        let mut pairs: Vec<(String, String)> = self
            .rows
            .iter()
            .filter(|c| !c.iso2.is_empty() && c.kind == Kind::Country && c.valid_to.is_none())
            .map(|c| (c.iso2.clone(), c.iso3.clone()))
            .collect();
        pairs.extend(
            self.legacy
                .values()
                .filter(|l| l.code.len() == 2)
                .map(|l| (l.code.clone(), l.iso3.clone())),
        );
        pairs.sort();
        pairs.dedup_by(|a, b| a.0 == b.0);
        pairs.into_iter().unzip()
    }

    /// Pairs (lower-case name or alias, canonical code) for files that write names.
    pub fn name_pairs(&self) -> (Vec<String>, Vec<String>) {
        let mut pairs: Vec<(String, String)> = self
            .by_key
            .iter()
            .map(|(k, &i)| (k.clone(), self.rows[i].iso3.clone()))
            .collect();
        pairs.sort();
        pairs.into_iter().unzip()
    }

    /// Canonical codes of the countries in an M49 region, subregion or intermediate region
    /// (case-insensitive), or `None` if no such region exists.
    pub fn region_members(&self, region: &str) -> Option<Vec<String>> {
        let r = region.trim().to_lowercase();
        let members: Vec<String> = self
            .rows
            .iter()
            .filter(|c| {
                c.region.to_lowercase() == r
                    || c.subregion.to_lowercase() == r
                    || c.intermediate_region.to_lowercase() == r
            })
            .map(|c| c.iso3.clone())
            .collect();
        if members.is_empty() {
            None
        } else {
            let mut m = members;
            m.sort();
            m.dedup();
            Some(m)
        }
    }

    /// The names of all regions, subregions and intermediate regions, sorted.
    pub fn region_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .rows
            .iter()
            .flat_map(|c| [&c.region, &c.subregion, &c.intermediate_region])
            .filter(|s| !s.is_empty())
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// The country table, parsed on first use.
pub fn countries() -> &'static Countries {
    static TABLE: OnceLock<Countries> = OnceLock::new();
    TABLE.get_or_init(|| Countries::parse(COUNTRIES_CSV, LEGACY_CSV))
}

/// One HS section.
#[derive(Debug, Clone)]
pub struct Section {
    /// Roman numeral, I to XXI.
    pub roman: String,
    pub number: u32,
    pub chapters: String,
    pub label: String,
}

/// One HS chapter.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Two digits, "01" to "99".
    pub code: String,
    /// Roman numeral of its section, empty for 98 and 99.
    pub section: String,
    pub label: String,
}

/// The HS sections and chapters.
#[derive(Debug)]
pub struct Hs {
    pub sections: Vec<Section>,
    pub chapters: Vec<Chapter>,
}

impl Hs {
    fn parse() -> Hs {
        let mut sections = Vec::new();
        for r in csv::Reader::from_reader(HS_SECTIONS_CSV.as_bytes()).records() {
            let r = r.expect("data/ref/hs_sections.csv is valid CSV");
            sections.push(Section {
                roman: r[0].to_string(),
                number: r[1].parse().expect("section number"),
                chapters: r[2].to_string(),
                label: r[3].to_string(),
            });
        }
        let mut chapters = Vec::new();
        for r in csv::Reader::from_reader(HS_CHAPTERS_CSV.as_bytes()).records() {
            let r = r.expect("data/ref/hs_chapters.csv is valid CSV");
            chapters.push(Chapter {
                code: r[0].to_string(),
                section: r[1].to_string(),
                label: r[2].to_string(),
            });
        }
        Hs { sections, chapters }
    }

    /// The chapter of a 2-digit code.
    pub fn chapter(&self, code: &str) -> Option<&Chapter> {
        self.chapters.iter().find(|c| c.code == code)
    }

    /// The section with this Roman numeral.
    pub fn section(&self, roman: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.roman == roman)
    }
}

/// The HS tables, parsed on first use.
pub fn hs() -> &'static Hs {
    static TABLE: OnceLock<Hs> = OnceLock::new();
    TABLE.get_or_init(Hs::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comtrade_codes_differ_from_iso_numeric() {
        let c = countries();
        assert_eq!(c.by_code(842).unwrap().iso3, "USA");
        assert_eq!(c.by_code(840).unwrap().iso3, "USA");
        assert_eq!(c.by_code(251).unwrap().iso3, "FRA");
        assert_eq!(c.by_code(699).unwrap().iso3, "IND");
        assert_eq!(c.by_code(490).unwrap().iso3, "S19");
        assert_eq!(c.by_code(0).unwrap().iso3, "WLD");
    }

    #[test]
    fn names_and_aliases_resolve() {
        let c = countries();
        assert_eq!(c.lookup("Republic of Kazakhstan").unwrap().iso3, "KAZ");
        assert_eq!(c.lookup("united mexican states").unwrap().iso3, "MEX");
        assert_eq!(c.lookup("kz").unwrap().iso3, "KAZ");
        assert_eq!(c.lookup("398").unwrap().iso3, "KAZ");
        assert_eq!(c.lookup("MEX").unwrap().name, "Mexico");
        assert!(c.lookup("Atlantis").is_none());
    }

    #[test]
    fn legacy_codes_resolve_to_the_current_code() {
        let c = countries();
        for (legacy, iso3) in [
            ("ROM", "ROU"),
            ("zar", "COD"),
            ("TMP", "TLS"),
            ("BUR", "MMR"),
            ("FXX", "FRA"),
            ("KSV", "_KS"),
            ("XK", "_KS"),
            ("EL", "GRC"),
            ("UK", "GBR"),
            ("Zaire", "COD"),
        ] {
            assert_eq!(c.resolve(legacy).as_deref(), Some(iso3), "{legacy}");
        }
        // UN M49 numeric codes: 250 is France (Comtrade's "Metropolitan France" row is FRA too).
        assert_eq!(c.lookup("250").unwrap().iso3, "FRA");
        assert_eq!(c.lookup("840").unwrap().iso3, "USA");
        // Dissolved states keep their own code and name.
        for (code, name) in [
            ("SUN", "USSR"),
            ("YUG", "Yugoslavia"),
            ("CSK", "Czechoslovakia"),
        ] {
            assert_eq!(c.resolve(code).as_deref(), Some(code));
            assert_eq!(c.name_of(code), name);
        }
        // An entity of its own is known and named, not merged into the USA.
        assert_eq!(c.resolve("Hawaii").as_deref(), Some("HWI"));
        assert!(c.is_known("HWI"));
        assert_eq!(c.name_of("HWI"), "Hawaii");
        assert_eq!(c.name_of("ROM"), "Romania");
        let (old, new) = c.iso3_pairs();
        let at = old.iter().position(|o| o == "ROM").unwrap();
        assert_eq!(new[at], "ROU");
    }

    #[test]
    fn regions_group_countries() {
        let c = countries();
        let latam = c.region_members("Latin America and the Caribbean").unwrap();
        assert!(latam.contains(&"MEX".to_string()));
        assert!(latam.contains(&"BRA".to_string()));
        assert!(!latam.contains(&"KAZ".to_string()));
        assert!(
            c.region_members("Central Asia")
                .unwrap()
                .contains(&"KAZ".to_string())
        );
    }

    #[test]
    fn hs_tables_are_complete() {
        let hs = hs();
        assert_eq!(hs.sections.len(), 21);
        assert_eq!(hs.chapters.len(), 99);
        assert_eq!(hs.chapter("27").unwrap().section, "V");
        let numbered: u32 = hs.sections.iter().map(|s| s.number).sum();
        assert_eq!(numbered, (1..=21u32).sum::<u32>());
        for ch in &hs.chapters {
            assert!(ch.section.is_empty() || hs.section(&ch.section).is_some());
        }
    }
}
