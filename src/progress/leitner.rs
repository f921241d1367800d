//! Leitner review: five boxes, each with a longer wait than the one before.
//!
//! The rules (also in docs/PROGRESS.md):
//! - A question never answered has no card and is never due.
//! - A wrong answer puts the card in box 1, due **tomorrow** (not today: the solution was just
//!   shown, so answering again at once tests short-term memory; "retry missed" covers that).
//! - A right answer without hints, on a new card or one that is due, climbs one box (max 5).
//! - A right answer with hints keeps the box: the learner needed help, so the interval restarts.
//! - A right answer before the card is due changes nothing; otherwise a miss followed by a retry
//!   a minute later (after reading the solution) would skip the next day's review.
//! - Box `b` waits [`INTERVAL_DAYS`]`[b-1]` days after the attempt's day.

use serde::{Deserialize, Serialize};

use super::Day;

/// Number of boxes.
pub const BOXES: u8 = 5;

/// Days to wait before a card in box 1, 2, … 5 is due again.
pub const INTERVAL_DAYS: [i64; BOXES as usize] = [1, 2, 4, 8, 16];

/// Where one question stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// 1 ..= [`BOXES`].
    #[serde(rename = "box")]
    pub box_no: u8,
    /// The day of the last attempt that moved the card.
    pub last: Day,
    /// The first day the question is due again.
    pub due: Day,
}

impl Card {
    #[must_use]
    pub fn is_due(&self, today: Day) -> bool {
        self.due <= today
    }
}

/// The card after one attempt on `day` (`card` is `None` for a question never answered).
#[must_use]
pub fn after_attempt(card: Option<Card>, correct: bool, hints_used: u32, day: Day) -> Card {
    let schedule = |box_no: u8| {
        let wait = INTERVAL_DAYS.get(usize::from(box_no.saturating_sub(1))).copied().unwrap_or(1);
        Card { box_no, last: day, due: day.plus(wait) }
    };
    match card {
        _ if !correct => schedule(1),
        Some(c) if !c.is_due(day) => c,
        Some(c) if hints_used > 0 => schedule(c.box_no),
        Some(c) => schedule((c.box_no + 1).min(BOXES)),
        None if hints_used > 0 => schedule(1),
        None => schedule(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (day, correct, hints) answers replayed from nothing; returns the card after each.
    fn replay(answers: &[(i64, bool, u32)]) -> Vec<Card> {
        let mut card = None;
        answers
            .iter()
            .map(|&(day, correct, hints)| {
                let next = after_attempt(card, correct, hints, Day(day));
                card = Some(next);
                next
            })
            .collect()
    }

    #[test]
    fn right_answers_climb_on_their_due_days() {
        // Answer right every time the card comes due: boxes 2, 3, 4, 5, 5.
        let cards = replay(&[(100, true, 0), (102, true, 0), (106, true, 0), (114, true, 0), (130, true, 0)]);
        let got: Vec<(u8, i64)> = cards.iter().map(|c| (c.box_no, c.due.0)).collect();
        assert_eq!(got, vec![(2, 102), (3, 106), (4, 114), (5, 130), (5, 146)]);
    }

    #[test]
    fn a_miss_goes_back_to_box_one_due_tomorrow() {
        let cards = replay(&[(100, true, 0), (102, true, 0), (106, false, 0)]);
        assert_eq!(cards[2], Card { box_no: 1, last: Day(106), due: Day(107) });
    }

    #[test]
    fn retrying_right_after_a_miss_does_not_skip_tomorrow() {
        let cards = replay(&[(100, false, 0), (100, true, 0)]);
        assert_eq!(cards[1].due, Day(101));
        assert_eq!(cards[1].box_no, 1);
    }

    #[test]
    fn hints_keep_the_box() {
        let cards = replay(&[(100, true, 0), (102, true, 2)]);
        assert_eq!(cards[1], Card { box_no: 2, last: Day(102), due: Day(104) });
        // A new question answered right with a hint starts in box 1.
        assert_eq!(replay(&[(5, true, 1)])[0], Card { box_no: 1, last: Day(5), due: Day(6) });
    }

    #[test]
    fn overdue_cards_climb_from_the_day_answered() {
        let cards = replay(&[(100, true, 0), (150, true, 0)]);
        assert_eq!(cards[1], Card { box_no: 3, last: Day(150), due: Day(154) });
    }

    #[test]
    fn due_is_inclusive_of_the_due_day() {
        let card = Card { box_no: 2, last: Day(10), due: Day(12) };
        assert!(!card.is_due(Day(11)));
        assert!(card.is_due(Day(12)));
        assert!(card.is_due(Day(40)));
    }
}
