//! Which registered methods count towards a password reset, and when one may be deleted
//! (SPEC C7, C9; SECURITY.md §25).
//!
//! Each kind of method proves one of the reset policy's methods: the account's address and an
//! alternate address are both `email`, an authenticator app is `authenticator_app`, the
//! questions are `security_questions`, a mobile phone `mobile_phone` (texted or called in the
//! reset wizard, `identity::flows::phone`) and so is an alternate phone (called), as the
//! alternate address is `email`; an office phone is `office_phone`. A user can reset when the methods they hold cover as
//! many different counted methods as the policy requires, and security questions never count
//! on their own. **Delete** is refused when it would take the user below that (or, with one
//! method required, below one).
//!
//! The method step of a reset offers only what can still raise that count ([`offered`]): a
//! kind whose counted method is already proven is never offered again. The alternate address,
//! being `email`, is never a second method after the account's own: it can only receive the
//! code step's code instead.

use sspr_api::{MethodKind, ResetMethod, ResetPolicy};

/// The reset policy's method a kind proves.
pub fn proves(kind: MethodKind) -> ResetMethod {
    match kind {
        MethodKind::Email | MethodKind::AlternateEmail => ResetMethod::Email,
        // Push approvals come from the same app as its codes: one counted method.
        MethodKind::AuthenticatorApp | MethodKind::MicrosoftAuthenticator => {
            ResetMethod::AuthenticatorApp
        }
        MethodKind::SecurityQuestions => ResetMethod::SecurityQuestions,
        MethodKind::MobilePhone | MethodKind::AlternatePhone => ResetMethod::MobilePhone,
        MethodKind::OfficePhone => ResetMethod::OfficePhone,
    }
}

/// Whether the policy counts `kind` towards a reset.
pub fn counts(kind: MethodKind, policy: &ResetPolicy) -> bool {
    policy.methods.contains(&proves(kind))
}

/// How many different counted methods `kinds` cover, questions never alone.
pub fn usable(kinds: &[MethodKind], policy: &ResetPolicy) -> usize {
    let mut covered: Vec<ResetMethod> = kinds
        .iter()
        .filter(|k| counts(**k, policy))
        .map(|k| proves(*k))
        .collect();
    covered.sort_by_key(|m| *m as u8);
    covered.dedup();
    if covered == [ResetMethod::SecurityQuestions] {
        0
    } else {
        covered.len()
    }
}

/// Whether the method step of a reset offers `kind` once `proven` are: a kind the step proves
/// (not an email address: the code step proves those), counted by the policy, whose counted
/// method none of `proven` covers yet.
pub fn offered(kind: MethodKind, proven: &[MethodKind], policy: &ResetPolicy) -> bool {
    let stepped = matches!(
        kind,
        MethodKind::AuthenticatorApp
            | MethodKind::MicrosoftAuthenticator
            | MethodKind::SecurityQuestions
            | MethodKind::MobilePhone
            | MethodKind::AlternatePhone
            | MethodKind::OfficePhone
    );
    stepped && counts(kind, policy) && !proven.iter().any(|p| proves(*p) == proves(kind))
}

/// Whether the method at `index` of the user's `kinds` may be deleted.
pub fn may_delete(kinds: &[MethodKind], index: usize, policy: &ResetPolicy) -> bool {
    if kinds.get(index) == Some(&MethodKind::Email) {
        return false;
    }
    let before = usable(kinds, policy);
    let rest: Vec<MethodKind> = kinds
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, k)| *k)
        .collect();
    let after = usable(&rest, policy);
    after >= before || after >= usize::from(policy.methods_required.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use MethodKind::*;

    fn policy(required: u8, methods: &[ResetMethod]) -> ResetPolicy {
        ResetPolicy {
            methods_required: required,
            methods: methods.to_vec(),
            ..crate::policy::reset::default_policy()
        }
    }

    #[test]
    fn the_account_address_is_never_deleted_and_other_methods_are_while_it_counts() {
        let p = policy(1, &[ResetMethod::Email]);
        let kinds = [Email, AuthenticatorApp, SecurityQuestions];
        assert!(!may_delete(&kinds, 0, &p));
        assert!(may_delete(&kinds, 1, &p));
        assert!(may_delete(&kinds, 2, &p));
    }

    #[test]
    fn a_mobile_phone_counts_once_the_policy_counts_it_and_is_offered_after_the_email() {
        let p = policy(2, &[ResetMethod::MobilePhone, ResetMethod::Email]);
        assert!(counts(MobilePhone, &p));
        assert_eq!(usable(&[Email, MobilePhone], &p), 2);
        assert!(offered(MobilePhone, &[Email], &p));
        assert!(!offered(MobilePhone, &[Email, MobilePhone], &p));
        // The second of two required methods is kept.
        assert!(!may_delete(&[Email, MobilePhone], 1, &p));
        // Not counted by the policy: never offered, and deleted freely.
        let email_only = policy(1, &[ResetMethod::Email]);
        assert!(!offered(MobilePhone, &[Email], &email_only));
        assert!(may_delete(&[Email, MobilePhone], 1, &email_only));
    }

    #[test]
    fn the_last_method_that_can_reset_is_kept() {
        let p = policy(
            1,
            &[
                ResetMethod::AuthenticatorApp,
                ResetMethod::SecurityQuestions,
            ],
        );
        let kinds = [Email, AuthenticatorApp, SecurityQuestions];
        assert!(!may_delete(&kinds, 1, &p), "questions alone cannot reset");
        assert!(may_delete(&kinds, 2, &p));
        let two_apps = [Email, AuthenticatorApp, AuthenticatorApp];
        assert!(may_delete(&two_apps, 1, &p), "another app remains");
    }

    #[test]
    fn with_two_required_neither_of_two_methods_is_deleted() {
        let p = policy(2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]);
        let kinds = [Email, SecurityQuestions];
        assert_eq!(usable(&kinds, &p), 2);
        assert!(!may_delete(&kinds, 1, &p));
        assert_eq!(usable(&[SecurityQuestions], &p), 0);
    }

    #[test]
    fn the_alternate_address_is_not_offered_once_the_email_method_is_proven() {
        let p = policy(2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]);
        assert!(
            !offered(AlternateEmail, &[Email], &p),
            "the same email method"
        );
        assert!(offered(SecurityQuestions, &[Email], &p));
        assert!(!offered(SecurityQuestions, &[Email, SecurityQuestions], &p));
        assert!(
            !offered(Email, &[], &p),
            "the emailed code proves the account's address"
        );
        // Nor before: the code step, not the method step, sends to it.
        assert!(!offered(AlternateEmail, &[], &p));
        // Not counted at all: never offered.
        let apps = policy(
            2,
            &[
                ResetMethod::AuthenticatorApp,
                ResetMethod::SecurityQuestions,
            ],
        );
        assert!(!offered(AlternateEmail, &[], &apps));
        assert!(offered(AuthenticatorApp, &[Email], &apps));
    }

    #[test]
    fn the_account_address_and_an_alternate_address_are_one_counted_method() {
        let p = policy(2, &[ResetMethod::Email, ResetMethod::SecurityQuestions]);
        assert_eq!(usable(&[Email, AlternateEmail], &p), 1);
        assert_eq!(usable(&[Email, AlternateEmail, SecurityQuestions], &p), 2);
        // Every offered method proven raises the count by one.
        let proven = [Email];
        for kind in [AuthenticatorApp, SecurityQuestions, MobilePhone] {
            let mut after = proven.to_vec();
            after.push(kind);
            assert_eq!(
                offered(kind, &proven, &p),
                usable(&after, &p) > usable(&proven, &p),
                "{kind:?}"
            );
        }
    }
}
