//! "Did you mean …?" for near-miss field names and enum values.

/// The closest candidate when it is a plausible typo of `word`: at most two edits
/// (Damerau–Levenshtein, so a swapped pair counts once), and fewer edits than half its length,
/// so `x` does not "mean" `id`. Case differences count as edits but are always suggested.
#[must_use]
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let distance = if candidate == lower { 0 } else { strsim::damerau_levenshtein(word, candidate) };
        let len = candidate.chars().count().max(word.chars().count());
        if distance <= 2 && distance * 2 < len && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    const FIELDS: [&str; 6] = ["title", "id", "hints", "answer", "stem", "lab_scenario"];

    #[test]
    fn near_misses_are_suggested() {
        for (typo, want) in [
            ("tittle", "title"),
            ("titel", "title"),
            ("Title", "title"),
            ("hint", "hints"),
            ("anwser", "answer"),
            ("lab_scenarios", "lab_scenario"),
            ("labscenario", "lab_scenario"),
        ] {
            assert_eq!(did_you_mean(typo, FIELDS), Some(want), "{typo}");
        }
    }

    #[test]
    fn far_misses_are_not() {
        for word in ["x", "colour", "difficulty", "ab", "stemming_from"] {
            assert_eq!(did_you_mean(word, FIELDS), None, "{word}");
        }
    }

    #[test]
    fn the_closest_wins() {
        assert_eq!(did_you_mean("stam", ["stem", "steam"]), Some("stem"));
    }
}
