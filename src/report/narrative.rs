//! Narrative sentences generated from the numbers: money in words ("$121.4 million"), changes
//! ("fell from ... to ... (-81.1%)"), never hand-written per dataset.

/// Money in words with one decimal: "$121.4 million", "$171.0 thousand", "EUR 2.5 billion".
pub fn money(value: f64, currency: &str) -> String {
    let (prefix, suffix) = if currency.eq_ignore_ascii_case("USD") {
        ("$".to_string(), "")
    } else {
        (format!("{currency} "), "")
    };
    let sign = if value < 0.0 { "-" } else { "" };
    let a = value.abs();
    let (scaled, word) = [
        (1e12, " trillion"),
        (1e9, " billion"),
        (1e6, " million"),
        (1e3, " thousand"),
    ]
    .iter()
    .find(|(s, _)| a >= *s * 0.99995)
    .map(|(s, w)| (a / s, *w))
    .unwrap_or((a, ""));
    if word.is_empty() {
        format!("{sign}{prefix}{scaled:.0}{suffix}")
    } else {
        format!("{sign}{prefix}{scaled:.1}{word}{suffix}")
    }
}

/// A signed percentage with one decimal: "-81.1%", "+4.0%".
pub fn change(fraction: f64) -> String {
    let p = fraction * 100.0;
    let p = if p.abs() < 0.05 { 0.0 } else { p };
    if p > 0.0 {
        format!("+{p:.1}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A share with one decimal: "42.5%".
pub fn share(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
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
    let verb = if last.1 > first.1 {
        "rose"
    } else if last.1 < first.1 {
        "fell"
    } else {
        "was unchanged"
    };
    let pct = if first.1 != 0.0 {
        format!(" ({})", change((last.1 - first.1) / first.1.abs()))
    } else {
        String::new()
    };
    if verb == "was unchanged" {
        return format!(
            "Trade turnover between {reporter} and {partner} was {} in both {} and {}.",
            money(first.1, currency),
            first.0,
            last.0
        );
    }
    format!(
        "Trade turnover between {reporter} and {partner} {verb} from {} in {} to {} in {}{pct}.",
        money(first.1, currency),
        first.0,
        money(last.1, currency),
        last.0
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
/// $121.2 million, a trade deficit of $121.1 million."
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

/// "The largest export product in 2021 was Gold (7108): $1.2 billion, 12.3% of the total."
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(money(2.5e9, "EUR"), "EUR 2.5 billion");
        assert_eq!(money(999.0, "USD"), "$999");
        assert_eq!(money(-121.058e6, "USD"), "-$121.1 million");
        assert_eq!(money(999_999.0, "USD"), "$1.0 million");
    }

    #[test]
    fn changes_and_rises() {
        assert_eq!(change(0.04), "+4.0%");
        assert_eq!(change(-0.0001), "0.0%");
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
            "In 2014, Kazakhstan's exports to Mexico were $171.0 thousand and its imports from Mexico $121.2 million, a trade deficit of $121.1 million."
        );
    }
}
