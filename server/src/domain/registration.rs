//! Whether a sign-in stops to ask for security info before the user goes on (SPEC C7; Entra's
//! "More information required" and "Keep your account secure" interrupts).
//!
//! Three reasons, strongest first:
//! - an administrator required re-registration: the user registers a method again, and cannot
//!   skip it;
//! - the reset policy requires registration at sign-in and the user holds fewer counted methods
//!   than a reset needs (or than the methods the policies let them register can give): they
//!   register, and may skip it [`MAX_SKIPS`] times in all;
//! - the policy asks to re-confirm every N days and N days have passed since the user last
//!   confirmed (or, never having confirmed, since the account was made): they confirm their
//!   methods ("Looks good") or change them.
//!
//! Re-confirmation, like in Entra, applies only while registration is required.

/// How many times a user may skip registration; the sign-in after that cannot skip.
pub const MAX_SKIPS: i64 = 3;

const DAY_MS: i64 = 24 * 60 * 60_000;

/// What the decision weighs, read by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The reset policy's "require users to register when signing in".
    pub require_registration: bool,
    /// Whether the reset policy applies to the user (reset enabled for them, a member rather
    /// than a guest) and the registration campaign's targets include them.
    pub in_scope: bool,
    /// The counted methods a reset needs.
    pub methods_required: usize,
    /// The counted methods the user holds, among those the policies make available to them.
    pub usable: usize,
    /// The most counted methods the policies let the user hold.
    pub achievable: usize,
    /// Skips used so far.
    pub skips: i64,
    /// When the user last skipped (None: never, or not since they last registered).
    pub skipped_ms: Option<i64>,
    /// How long a skip holds the question off, in days (the campaign's `snoozeDurationInDays`).
    pub snooze_days: u32,
    /// The re-confirmation period in days (0: never).
    pub reconfirm_after_days: u32,
    /// When the user last confirmed or completed registration (else when the account was made).
    pub confirmed_ms: i64,
    /// When an administrator required re-registration, if they did.
    pub reregistration_required_ms: Option<i64>,
    /// When the user last registered a method (None: never).
    pub last_registered_ms: Option<i64>,
    pub now_ms: i64,
}

/// What the sign-in asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    /// Register a method again (an administrator's demand), not skippable.
    Reregister,
    /// Register more methods; `skips_left` more skips allowed (0: cannot skip).
    Register { skips_left: i64 },
    /// Confirm the registered methods.
    Reconfirm,
}

/// The interrupt a sign-in with `facts` shows, or `None` to go straight on (nothing owed, or a
/// skip still snoozes it).
pub fn decide(facts: &Facts) -> Option<Interrupt> {
    let owed = owed(facts);
    let snoozed = facts
        .skipped_ms
        .is_some_and(|at| facts.now_ms < at + i64::from(facts.snooze_days) * DAY_MS);
    match owed {
        Some(Interrupt::Register { .. }) if snoozed => None,
        other => other,
    }
}

/// What the user owes, snoozed or not.
fn owed(facts: &Facts) -> Option<Interrupt> {
    if let Some(since) = facts.reregistration_required_ms {
        if facts.last_registered_ms.is_none_or(|at| at < since) {
            return Some(Interrupt::Reregister);
        }
    }
    if !facts.require_registration || !facts.in_scope {
        return None;
    }
    let target = facts.methods_required.min(facts.achievable);
    if facts.usable < target {
        return Some(Interrupt::Register {
            skips_left: (MAX_SKIPS - facts.skips).max(0),
        });
    }
    let days = i64::from(facts.reconfirm_after_days);
    if days > 0 && facts.now_ms - facts.confirmed_ms >= days * DAY_MS {
        return Some(Interrupt::Reconfirm);
    }
    None
}

/// Whether the user may finish the interrupt now (their methods are enough, or only
/// re-confirmation is asked).
/// A snooze does not count: finishing clears the skips, so it needs the methods.
pub fn may_finish(facts: &Facts) -> bool {
    matches!(owed(facts), None | Some(Interrupt::Reconfirm))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            require_registration: true,
            in_scope: true,
            methods_required: 2,
            usable: 1,
            achievable: 2,
            skips: 0,
            skipped_ms: None,
            snooze_days: 1,
            reconfirm_after_days: 0,
            confirmed_ms: 0,
            reregistration_required_ms: None,
            last_registered_ms: None,
            now_ms: 1_000,
        }
    }

    #[test]
    fn a_user_short_of_methods_registers_and_may_skip_three_times() {
        assert_eq!(
            decide(&facts()),
            Some(Interrupt::Register { skips_left: 3 })
        );
        let three = Facts {
            skips: 3,
            ..facts()
        };
        assert_eq!(decide(&three), Some(Interrupt::Register { skips_left: 0 }));
        assert!(!may_finish(&three));
    }

    #[test]
    fn a_skip_snoozes_the_question_for_the_campaigns_days_but_never_lets_the_user_finish() {
        let skipped = Facts {
            skips: 1,
            skipped_ms: Some(1_000),
            now_ms: 1_000 + DAY_MS - 1,
            ..facts()
        };
        assert_eq!(decide(&skipped), None, "snoozed for a day");
        assert!(!may_finish(&skipped), "the methods are still missing");
        let a_day_on = Facts {
            now_ms: 1_000 + DAY_MS,
            ..skipped
        };
        assert_eq!(
            decide(&a_day_on),
            Some(Interrupt::Register { skips_left: 2 })
        );
        let no_snooze = Facts {
            snooze_days: 0,
            now_ms: 1_000,
            ..skipped
        };
        assert_eq!(
            decide(&no_snooze),
            Some(Interrupt::Register { skips_left: 2 })
        );
        // The last skip snoozes too; after it, the question cannot be skipped.
        let last = Facts {
            skips: 3,
            ..skipped
        };
        assert_eq!(decide(&last), None);
        assert_eq!(
            decide(&Facts {
                now_ms: 1_000 + DAY_MS,
                ..last
            }),
            Some(Interrupt::Register { skips_left: 0 })
        );
        // A snooze never holds off an administrator's demand.
        let flagged = Facts {
            reregistration_required_ms: Some(500),
            ..skipped
        };
        assert_eq!(decide(&flagged), Some(Interrupt::Reregister));
    }

    #[test]
    fn nothing_is_asked_with_enough_methods_or_without_the_policy() {
        assert_eq!(
            decide(&Facts {
                usable: 2,
                ..facts()
            }),
            None
        );
        let off = Facts {
            require_registration: false,
            ..facts()
        };
        assert_eq!(decide(&off), None);
        let outside = Facts {
            in_scope: false,
            ..facts()
        };
        assert_eq!(decide(&outside), None);
        // Asking for more than the policies let the user register would be a dead end.
        let capped = Facts {
            achievable: 1,
            ..facts()
        };
        assert_eq!(decide(&capped), None);
    }

    #[test]
    fn re_confirmation_comes_after_the_period_and_only_while_registration_is_required() {
        let due = Facts {
            usable: 2,
            reconfirm_after_days: 30,
            confirmed_ms: 0,
            now_ms: 30 * DAY_MS,
            ..facts()
        };
        assert_eq!(decide(&due), Some(Interrupt::Reconfirm));
        assert!(may_finish(&due));
        assert_eq!(
            decide(&Facts {
                now_ms: 30 * DAY_MS - 1,
                ..due
            }),
            None
        );
        assert_eq!(
            decide(&Facts {
                require_registration: false,
                ..due
            }),
            None
        );
    }

    #[test]
    fn an_administrators_re_registration_holds_until_a_method_is_registered_after_it() {
        let flagged = Facts {
            require_registration: false,
            reregistration_required_ms: Some(500),
            last_registered_ms: Some(400),
            ..facts()
        };
        assert_eq!(decide(&flagged), Some(Interrupt::Reregister));
        assert!(!may_finish(&flagged));
        let done = Facts {
            last_registered_ms: Some(500),
            ..flagged
        };
        assert_eq!(decide(&done), None);
    }
}
