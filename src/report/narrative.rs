//! Narrative sentences generated from the numbers: money in words ("$121.4 million"), changes
//! ("fell from ... to ... (-81.1%)"), never hand-written per dataset.
//!
//! A figure reads the same in the narrative as in the tables and charts: the formatters below
//! are thin wrappers over those of [`crate::output`], so rounding (decimal, half away from zero)
//! and currency signs ("$", "€", "£", else the code) have one implementation. Prose keeps words
//! for the scale ("$121.4 million" where a table says "$121.4M") with the same digits; see
//! [`output::human_money_words`] for the one liberty it takes ("$23.0 million" for "$23M").

use crate::output;

/// Money in words with the tables' digits: "$121.4 million", "$171.0 thousand",
/// "$121.229 million", "€2.5 billion", "$950" (see [`output::human_money_words`]).
pub fn money(value: f64, currency: &str) -> String {
    output::human_money_words(value, currency)
}

/// A signed percentage with one decimal, as the tables round it: "-81.1%", "+4.0%", "0.0%"
/// (see [`output::signed_percent`]).
pub fn change(fraction: f64) -> String {
    output::signed_percent(fraction)
}

/// A share with one decimal, as the tables write it: "42.5%" (see [`output::percent`]).
pub fn share(fraction: f64) -> String {
    output::percent(fraction)
}

/// "Trade turnover between Kazakhstan and Mexico fell from $121.4 million in 2014 to $23.0
/// million in 2018 (-81.1%)."
pub fn turnover_change(
    reporter: &str,
    partner: &str,
    first: (i32, f64),
    last: (i32, f64),
    currency: &str,
) -> String {
    figure_change(
        &format!("Trade turnover between {reporter} and {partner}"),
        first,
        last,
        currency,
    )
}

/// "South Africa's exports to the world rose from $2.0 thousand in 2019 to $2.2 thousand in
/// 2021 (+10.0%)." `subject` starts the sentence; the change % is
/// [`crate::analysis::change_pct`].
pub fn figure_change(subject: &str, first: (i32, f64), last: (i32, f64), currency: &str) -> String {
    let verb = if last.1 > first.1 {
        "rose"
    } else if last.1 < first.1 {
        "fell"
    } else {
        "was unchanged"
    };
    let pct = crate::analysis::change_pct(first.1, last.1)
        .map(|c| format!(" ({})", change(c)))
        .unwrap_or_default();
    if verb == "was unchanged" {
        return format!(
            "{subject} was {} in both {} and {}.",
            money(first.1, currency),
            first.0,
            last.0
        );
    }
    format!(
        "{subject} {verb} from {} in {} to {} in {}{pct}.",
        money(first.1, currency),
        first.0,
        money(last.1, currency),
        last.0
    )
}

/// "In 2021, South Africa's exports to the world were $2.2 thousand."
pub fn figure_one_year(subject: &str, year: i32, value: f64, currency: &str) -> String {
    format!("In {year}, {subject} were {}.", money(value, currency))
}

/// "South Africa's imports from the world are not in the data, so its turnover and trade
/// balance with the world are not known." `missing` is "exports to" or "imports from".
pub fn side_unknown(reporter: &str, partner: &str, missing: &str) -> String {
    format!(
        "{reporter}'s {missing} {partner} are not in the data, so its turnover and trade balance with {partner} are not known."
    )
}

/// "In 2021, trade turnover between South Africa and the world was $1.2 billion."
pub fn turnover_one_year(
    reporter: &str,
    partner: &str,
    year: i32,
    value: f64,
    currency: &str,
) -> String {
    format!(
        "In {year}, trade turnover between {reporter} and {partner} was {}.",
        money(value, currency)
    )
}

/// "In 2014, Kazakhstan's exports to Mexico were $171.0 thousand and its imports from Mexico
/// $121.229 million, a trade deficit of $121.058 million."
pub fn flows(
    reporter: &str,
    partner: &str,
    year: i32,
    exports: f64,
    imports: f64,
    currency: &str,
) -> String {
    let balance = exports - imports;
    let what = if balance > 0.0 {
        format!("a trade surplus of {}", money(balance, currency))
    } else if balance < 0.0 {
        format!("a trade deficit of {}", money(-balance, currency))
    } else {
        "balanced trade".to_string()
    };
    format!(
        "In {year}, {reporter}'s exports to {partner} were {} and its imports from {partner} {}, {what}.",
        money(exports, currency),
        money(imports, currency)
    )
}

/// "The largest export product in 2021 was telephones for cellular networks (HS 851712): $1.2
/// billion, 12.3% of the total."
pub fn largest(
    what: &str,
    year: i32,
    name: &str,
    value: f64,
    share_of: f64,
    currency: &str,
) -> String {
    format!(
        "The largest {what} in {year} was {name}: {}, {} of the total.",
        money(value, currency),
        share(share_of)
    )
}

/// "Kazakhstan's imports from Mexico" for a flow as its source states it.
pub fn declared(reporter: &str, flow: &str, partner: &str) -> String {
    match flow {
        crate::schema::flow::EXPORT => format!("{reporter}'s exports to {partner}"),
        crate::schema::flow::IMPORT => format!("{reporter}'s imports from {partner}"),
        other => format!("{reporter}'s {other} with {partner}"),
    }
}

/// "a, b and c".
pub fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "The source names goods in Kazakhstan's imports from Mexico in 2014, without values:
/// metal pipes, cars and lead ores." (`sources`: how many sources name them.)
pub fn named_categories(subject: &str, year: i32, names: &[String], sources: usize) -> String {
    format!(
        "The {} goods in {subject} in {year}, without {}: {}.",
        if sources == 1 {
            "source names"
        } else {
            "sources name"
        },
        if names.len() == 1 {
            "a value"
        } else {
            "values"
        },
        listed(names)
    )
}

/// "Read as HS codes (tradestat's reading, in the table), they belong to 2 HS sections:
/// Machinery & electrical equipment (XVI, 3 categories) and Base metals (XV, 1)."
pub fn named_sections(counts: &[(String, String, usize)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(i, (roman, label, n))| {
            let unit = match (i, n) {
                (0, 1) => " category",
                (0, _) => " categories",
                _ => "",
            };
            format!("{label} ({roman}, {n}{unit})")
        })
        .collect();
    format!(
        "Read as HS codes (tradestat's reading, in the table), they belong to {} HS {}: {}.",
        counts.len(),
        if counts.len() == 1 {
            "section"
        } else {
            "sections"
        },
        listed(&parts)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Cell, Kind, Table};

    #[test]
    fn seed_sentence() {
        assert_eq!(
            turnover_change("Kazakhstan", "Mexico", (2014, 121.4e6), (2018, 23e6), "USD"),
            "Trade turnover between Kazakhstan and Mexico fell from $121.4 million in 2014 to $23.0 million in 2018 (-81.1%)."
        );
    }

    #[test]
    fn money_words() {
        assert_eq!(money(171_000.0, "USD"), "$171.0 thousand");
        assert_eq!(money(2.5e9, "EUR"), "€2.5 billion");
        assert_eq!(money(1.2e6, "EUR"), "€1.2 million");
        assert_eq!(money(5e3, "CHF"), "CHF 5.0 thousand");
        assert_eq!(money(999.0, "USD"), "$999");
        assert_eq!(money(-121.058e6, "USD"), "-$121.058 million");
        assert_eq!(money(999_999.0, "USD"), "$999.999 thousand");
        assert_eq!(money(999_999_999.0, "USD"), "$1.0 billion");
    }

    #[test]
    fn changes_and_rises() {
        assert_eq!(change(0.04), "+4.0%");
        assert_eq!(change(-0.0001), "0.0%");
        // -0.8105 * 100.0 is -81.04999..., which "{:.1}" wrote as -81.0; the tables say -81.1.
        assert_eq!(change(-0.8105), "-81.1%");
        assert_eq!(change((23e6 - 121.4e6) / 121.4e6), "-81.1%");
        let s = turnover_change("A", "B", (2010, 1e6), (2011, 2e6), "USD");
        assert!(s.contains("rose from $1.0 million in 2010 to $2.0 million in 2011 (+100.0%)"));
        let s = turnover_change("A", "B", (2010, 1e6), (2011, 1e6), "USD");
        assert!(s.contains("was $1.0 million in both 2010 and 2011"));
    }

    #[test]
    fn flows_deficit() {
        let s = flows("Kazakhstan", "Mexico", 2014, 171e3, 121.229e6, "USD");
        assert_eq!(
            s,
            "In 2014, Kazakhstan's exports to Mexico were $171.0 thousand and its imports from Mexico $121.229 million, a trade deficit of $121.058 million."
        );
    }

    /// The cells of a one-row table of `values` in columns of `kind`, as the tables print them.
    fn table_cells(values: &[f64], kind: Kind, currency: &str) -> Vec<String> {
        let mut t = Table::new(values.iter().map(|_| ("v", kind)).collect());
        t.push(values.iter().map(|v| Cell::Num(*v)).collect());
        t.human_rows(currency).swap_remove(1)
    }

    /// "$121.4 million" -> "$121.4M": the narrative's figure in the tables' notation, the ".0"
    /// prose adds to a whole number before a word dropped.
    fn as_table_notation(words: &str) -> String {
        let mut s = words.to_string();
        for (word, suffix) in [
            (" trillion", "T"),
            (" billion", "B"),
            (" million", "M"),
            (" thousand", "K"),
        ] {
            if let Some(figure) = s.strip_suffix(word) {
                s = format!("{}{suffix}", figure.strip_suffix(".0").unwrap_or(figure));
                break;
            }
        }
        s
    }

    #[test]
    fn narrative_money_has_the_tables_digits() {
        let values = [
            121_400_000.0,
            23_000_000.0,
            171_000.0,
            121_229_000.0,
            -121_058_000.0,
            -3_500_000.0,
            1_234.567_8,
            999_999.0,
            999_999_999.0,
            0.4,
            -0.0001,
            0.0,
            950.0,
            2.5e12,
            5e15,
            1.2e6,
        ];
        for currency in ["USD", "EUR", "GBP", "CHF"] {
            let cells = table_cells(&values, Kind::Money, currency);
            for (v, cell) in values.iter().zip(&cells) {
                let words = money(*v, currency);
                assert_eq!(as_table_notation(&words), *cell, "{v} {currency}: {words}");
            }
        }
        // The seed figures, as the key-figures table prints them.
        assert_eq!(money(121.4e6, "USD"), "$121.4 million");
        assert_eq!(money(121.229e6, "USD"), "$121.229 million");
        assert_eq!(money(1.2e6, "EUR"), "€1.2 million");
    }

    #[test]
    fn narrative_percentages_have_the_tables_digits() {
        let values = [
            -0.8105,
            (23e6 - 121.4e6) / 121.4e6,
            0.5,
            0.12345,
            0.00995,
            -0.00995,
            0.0004,
            -0.0004,
            0.0,
            1.0,
            12.5,
            -1.0,
            1e-12,
            -0.999_95,
        ];
        let cells = table_cells(&values, Kind::Percent, "USD");
        for (v, cell) in values.iter().zip(&cells) {
            assert_eq!(share(*v), *cell, "share {v}");
            let c = change(*v);
            assert_eq!(c.strip_prefix('+').unwrap_or(&c), cell, "change {v}");
        }
    }
}
