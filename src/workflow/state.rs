//! The life cycle of an application, in one place: the states, the actions
//! and the only transitions allowed between them.

use serde::{Deserialize, Serialize};

/// The states are data the store keeps (`store::applications::Status`);
/// which transitions are allowed is the flow's, here.
pub use crate::store::applications::Status;

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

impl Action {
    /// The action's name as recorded in the history.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::StartReview => "start_review",
            Action::Refuse => "refuse",
            Action::Approve => "approve",
            Action::Sign => "sign",
            Action::Deliver => "deliver",
        }
    }
}

impl Status {
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

    const ACTIONS: [Action; 5] = [
        Action::StartReview,
        Action::Refuse,
        Action::Approve,
        Action::Sign,
        Action::Deliver,
    ];

    #[test]
    fn action_names_are_the_serialised_ones() {
        for a in ACTIONS {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }

    #[test]
    fn delivered_is_final() {
        for a in ACTIONS {
            assert_eq!(Status::Delivered.next(a), None);
        }
        assert_eq!(Status::Registered.next(Action::Sign), None);
    }
}
