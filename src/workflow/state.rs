//! The life cycle of an application, in one place: the states, the actions
//! and the only transitions allowed between them.

use serde::{Deserialize, Serialize};

/// Where an application is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Process 6: registered with a number.
    Registered,
    /// Condition 3: the provider checks the documents.
    InReview,
    /// Process 7: a reasoned refusal drafted.
    Refused,
    /// Process 8: the result drafted.
    ResultDrafted,
    /// Signed by the provider's authorised person (the result or the refusal).
    ResultSigned,
    /// Handed to the citizen.
    Delivered,
}

/// What someone does to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The provider starts the review.
    StartReview,
    /// The provider refuses, with reasons.
    Refuse,
    /// The provider approves: the result is drafted.
    Approve,
    /// The head signs the document.
    Sign,
    /// The result is delivered.
    Deliver,
}

impl Status {
    /// Every state.
    pub const ALL: [Status; 6] = [
        Status::Registered,
        Status::InReview,
        Status::Refused,
        Status::ResultDrafted,
        Status::ResultSigned,
        Status::Delivered,
    ];

    /// The state's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::InReview => "in_review",
            Status::Refused => "refused",
            Status::ResultDrafted => "result_drafted",
            Status::ResultSigned => "result_signed",
            Status::Delivered => "delivered",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|x| x.as_str() == s)
    }

    /// The state after `action`, or `None` when the transition is not allowed.
    pub fn next(self, action: Action) -> Option<Status> {
        use Action::*;
        use Status::*;
        match (self, action) {
            (Registered, StartReview) => Some(InReview),
            (Registered | InReview, Refuse) => Some(Refused),
            (Registered | InReview, Approve) => Some(ResultDrafted),
            (Refused | ResultDrafted, Sign) => Some(ResultSigned),
            (ResultSigned, Deliver) => Some(Delivered),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::StartReview),
            Just(Action::Refuse),
            Just(Action::Approve),
            Just(Action::Sign),
            Just(Action::Deliver)
        ]
    }

    proptest! {
        #[test]
        fn no_sequence_leaves_the_listed_states(actions in proptest::collection::vec(action(), 0..40)) {
            let mut s = Status::Registered;
            for a in actions {
                if let Some(n) = s.next(a) {
                    prop_assert!(Status::ALL.contains(&n));
                    prop_assert!(n != Status::Registered, "nothing returns to registered");
                    s = n;
                }
            }
            prop_assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn delivered_is_final() {
        for a in [
            Action::StartReview,
            Action::Refuse,
            Action::Approve,
            Action::Sign,
            Action::Deliver,
        ] {
            assert_eq!(Status::Delivered.next(a), None);
        }
        assert_eq!(Status::Registered.next(Action::Sign), None);
    }
}
