//! How much a question is worth once hints were used.
//!
//! The rule: a right answer is worth 1 point minus a quarter point per hint revealed, but never
//! less than a quarter point (reaching the right answer with help still beats guessing wrong);
//! a wrong answer is worth 0 whatever the hints. Hints revealed after answering do not count
//! (the session stops offering them once the question is answered).

/// Points lost per hint revealed before answering.
pub const HINT_PENALTY: f64 = 0.25;
/// The least a right answer is worth.
pub const MIN_RIGHT_SCORE: f64 = 0.25;

/// The points one answer earns: see the module documentation for the rule.
#[must_use]
pub fn question_score(correct: bool, hints_used: u32) -> f64 {
    if !correct {
        return 0.0;
    }
    (1.0 - HINT_PENALTY * f64::from(hints_used)).max(MIN_RIGHT_SCORE)
}

/// A score for display: at most two decimals, trailing zeros dropped (`2.75`, `3.5`, `4`).
#[must_use]
pub fn format_points(points: f64) -> String {
    let text = format!("{points:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_the_hint_rule() {
        for (correct, hints, want) in [
            (true, 0, 1.0),
            (true, 1, 0.75),
            (true, 2, 0.5),
            (true, 3, 0.25),
            (true, 4, 0.25),
            (true, u32::MAX, 0.25),
            (false, 0, 0.0),
            (false, 2, 0.0),
        ] {
            assert_eq!(question_score(correct, hints), want, "correct={correct} hints={hints}");
        }
    }

    #[test]
    fn points_print_without_noise() {
        for (points, want) in
            [(0.0, "0"), (4.0, "4"), (2.75, "2.75"), (3.5, "3.5"), (0.25, "0.25"), (10.0, "10")]
        {
            assert_eq!(format_points(points), want);
        }
    }
}
