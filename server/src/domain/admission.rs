//! May this self-service flow go on? The one place that decides, at every step, from four
//! inputs that the identity use-cases gather (`identity::admission`):
//!
//! 1. the application's **user flow** ([`Application`]: passcode-only, SSPR on or off);
//! 2. the **methods** as the policies set them for everyone ([`Methods`]: Email OTP on, the
//!    guest switch, self-service reset's scope and the methods a reset needs);
//! 3. the **address**: its account, whether an invitation brought the request, and whether the
//!    policies' targets include it ([`Address`]);
//! 4. the **limits**: the per-client-address rate limits and the per-email-address send cap and
//!    failure block.
//!
//! Two kinds of answer, chosen so that no answer tells whether an account exists (SECURITY.md
//! §1–4): a [`Refusal`] is the same for every address (the method is off for everyone, or the
//! client is over a limit); a decision about one address is never shown — the flow starts and
//! answers exactly as for an unknown address, and only what is mailed differs ([`Send`]).
//!
//! A new verification method plugs in here: a field of [`Methods`] for whether it is on, a
//! [`Send`] for what it delivers, and the step decisions below.

use sspr_api::{FlowPurpose, UserType};

/// What the application's user flow allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Application {
    /// The flow signs in with an emailed passcode only: no passwords at all.
    pub passcode_only: bool,
    /// Self-service password reset (and unlock) is offered.
    pub sspr_enabled: bool,
}

/// The methods as the policies set them for everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Methods {
    /// The Email one-time passcode method is enabled.
    pub email_otp: bool,
    /// Guests may sign in with an email passcode (`allowExternalIdToUseEmailOtp`).
    pub guest_passcodes: bool,
    /// Self-service reset is enabled for someone (not "none").
    pub reset_enabled: bool,
    /// How many of the reset policy's counted methods a customer can prove (the email
    /// passcode, an authenticator app, security questions but never alone), and how many a
    /// reset needs.
    pub reset_methods_provable: u8,
    pub reset_methods_required: u8,
}

/// The account at an address, as far as admission cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub user_type: UserType,
    pub disabled: bool,
    /// A guest who accepted an invitation before.
    pub redeemed: bool,
}

/// What is known about the address a flow is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address {
    /// Its account, if any.
    pub account: Option<Account>,
    /// The request came from an invitation link (guest flows).
    pub from_invitation: bool,
    /// The policies' targets (the Email method's include and exclude targets, the reset
    /// policy's group) include this address; only `all_users` includes an unknown one.
    pub targeted: bool,
    /// Neither the client address's send rate nor the email address's send cap is exceeded.
    pub within_limits: bool,
}

/// What a started (or resent) flow's message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Send {
    /// A passcode.
    Code,
    /// The address already has an account (sign-up): a notice, and a code that cannot work.
    AccountExists,
    /// Nothing (no account, not eligible, or over a limit): the same answer, no mail.
    Nothing,
}

/// Why a step may not be taken; the same answer for every address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The method is off (for everyone, or for this application): 403 `method_disabled`.
    MethodDisabled(&'static str),
    /// The account was disabled while the flow ran; said only once the address is proven.
    AccountDisabled,
    /// Too many attempts; wait this long: 429 `too_many_requests`.
    TooMany { wait_ms: i64 },
}

const PASSCODE_ONLY: &str = "This application signs in with an email code, without a password.";

/// Starting (or resending) a flow for `purpose`: the refusals that hold for every address. The
/// application is `None` on a resend (it was admitted when the flow started).
pub fn for_everyone(
    purpose: FlowPurpose,
    application: Option<Application>,
    methods: Methods,
) -> Result<(), Refusal> {
    let resets = matches!(purpose, FlowPurpose::PasswordReset | FlowPurpose::Unlock);
    if let Some(app) = application {
        // Unlocking is part of self-service password reset (as in Entra): it proves identity
        // the same way and can end with a new password.
        if resets && !app.sspr_enabled {
            return Err(Refusal::MethodDisabled(
                "Password reset is turned off for this application. Contact your administrator.",
            ));
        }
        if app.passcode_only && (resets || purpose == FlowPurpose::SignUp) {
            return Err(Refusal::MethodDisabled(PASSCODE_ONLY));
        }
    }
    methods_allow(purpose, methods)
}

/// The methods policy's refusals for `purpose`, the same for every address. Sign-up's address
/// check is not the Email OTP sign-in method and is never refused.
pub fn methods_allow(purpose: FlowPurpose, methods: Methods) -> Result<(), Refusal> {
    if purpose != FlowPurpose::SignUp && !methods.email_otp {
        return Err(Refusal::MethodDisabled(
            "Email one-time passcodes are turned off, so this cannot be done here. Contact your administrator.",
        ));
    }
    if purpose == FlowPurpose::Guest && !methods.guest_passcodes {
        return Err(Refusal::MethodDisabled(
            "Sign-in with an email code is turned off for guests. Contact your administrator.",
        ));
    }
    let resets = matches!(purpose, FlowPurpose::PasswordReset | FlowPurpose::Unlock);
    if resets && !methods.reset_enabled {
        return Err(Refusal::MethodDisabled(
            "Self-service password reset is turned off. Contact your administrator.",
        ));
    }
    // A policy that needs more of the counted methods than can be proven (security questions
    // alone) cannot be met by anyone, so resets are refused for every address alike.
    if resets && methods.reset_methods_provable < methods.reset_methods_required {
        return Err(Refusal::MethodDisabled(
            "The password reset policy asks for verification methods this service cannot check yet. Contact your administrator.",
        ));
    }
    Ok(())
}

/// A password sign-in under `application`: refused for a passcode-only flow.
pub fn password_sign_in(application: Application) -> Result<(), Refusal> {
    if application.passcode_only {
        return Err(Refusal::MethodDisabled(PASSCODE_ONLY));
    }
    Ok(())
}

/// What a flow for `purpose` to `address` sends, once [`for_everyone`] let it start. Never
/// shown to the client: every outcome answers alike.
pub fn what_to_send(purpose: FlowPurpose, address: Address) -> Send {
    let account = address.account;
    let member = account.filter(|a| !a.disabled && a.user_type == UserType::Member);
    let send = match purpose {
        FlowPurpose::PasswordReset | FlowPurpose::Unlock if member.is_some() => Send::Code,
        FlowPurpose::PasswordReset | FlowPurpose::Unlock => Send::Nothing,
        FlowPurpose::SignUp if account.is_some() => Send::AccountExists,
        FlowPurpose::SignUp => Send::Code,
        FlowPurpose::Passwordless if account.is_none() || member.is_some() => Send::Code,
        FlowPurpose::Passwordless => Send::Nothing,
        FlowPurpose::Guest => match account {
            Some(a)
                if !a.disabled
                    && a.user_type == UserType::Guest
                    && (address.from_invitation || a.redeemed) =>
            {
                Send::Code
            }
            _ => Send::Nothing,
        },
    };
    if address.targeted && address.within_limits {
        send
    } else {
        Send::Nothing
    }
}

/// Checking a passcode: the methods' refusals, then the client address's rate limit
/// (`over_rate_limit`: the wait when over it), then the email address's failure block.
pub fn verify(
    purpose: FlowPurpose,
    methods: Methods,
    over_rate_limit: Option<i64>,
    failures_block: Option<i64>,
) -> Result<(), Refusal> {
    methods_allow(purpose, methods)?;
    if let Some(wait_ms) = over_rate_limit {
        return Err(Refusal::TooMany { wait_ms });
    }
    if let Some(wait_ms) = failures_block {
        return Err(Refusal::TooMany { wait_ms });
    }
    Ok(())
}

/// The last step of a reset or unlock checks again what the first step checked: an
/// administrator may have disabled the account or turned the method off while the flow ran
/// (up to its lifetime), and then the password must not change. The address is proven by now,
/// so saying why is no leak.
pub fn complete(
    purpose: FlowPurpose,
    methods: Methods,
    account_disabled: bool,
    targeted: bool,
) -> Result<(), Refusal> {
    if account_disabled {
        return Err(Refusal::AccountDisabled);
    }
    methods_allow(purpose, methods)?;
    if !targeted {
        return Err(Refusal::MethodDisabled(
            "Your administrator has not enabled this for your account.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlowPurpose::*;

    const ALL_ON: Methods = Methods {
        email_otp: true,
        guest_passcodes: true,
        reset_enabled: true,
        reset_methods_provable: 1,
        reset_methods_required: 1,
    };
    const APP: Application = Application {
        passcode_only: false,
        sspr_enabled: true,
    };

    fn member() -> Option<Account> {
        Some(Account {
            user_type: UserType::Member,
            disabled: false,
            redeemed: false,
        })
    }

    fn guest(redeemed: bool) -> Option<Account> {
        Some(Account {
            user_type: UserType::Guest,
            disabled: false,
            redeemed,
        })
    }

    fn at(account: Option<Account>) -> Address {
        Address {
            account,
            from_invitation: false,
            targeted: true,
            within_limits: true,
        }
    }

    fn refused(result: Result<(), Refusal>) -> bool {
        matches!(result, Err(Refusal::MethodDisabled(_)))
    }

    #[test]
    fn an_application_without_sspr_refuses_reset_and_unlock_only() {
        let app = Application {
            sspr_enabled: false,
            ..APP
        };
        assert!(refused(for_everyone(PasswordReset, Some(app), ALL_ON)));
        assert!(refused(for_everyone(Unlock, Some(app), ALL_ON)));
        for purpose in [SignUp, Passwordless, Guest] {
            assert_eq!(for_everyone(purpose, Some(app), ALL_ON), Ok(()));
        }
    }

    #[test]
    fn a_passcode_only_application_refuses_every_password_step() {
        let app = Application {
            passcode_only: true,
            ..APP
        };
        for purpose in [PasswordReset, Unlock, SignUp] {
            assert!(
                refused(for_everyone(purpose, Some(app), ALL_ON)),
                "{purpose:?}"
            );
        }
        assert_eq!(for_everyone(Passwordless, Some(app), ALL_ON), Ok(()));
        assert!(refused(password_sign_in(app)));
        assert_eq!(password_sign_in(APP), Ok(()));
    }

    #[test]
    fn email_otp_off_refuses_everything_but_sign_up() {
        let off = Methods {
            email_otp: false,
            ..ALL_ON
        };
        for purpose in [PasswordReset, Unlock, Passwordless, Guest] {
            assert!(
                refused(for_everyone(purpose, Some(APP), off)),
                "{purpose:?}"
            );
        }
        assert_eq!(for_everyone(SignUp, Some(APP), off), Ok(()));
    }

    #[test]
    fn the_guest_switch_and_the_reset_policy_refuse_their_purposes() {
        let no_guests = Methods {
            guest_passcodes: false,
            ..ALL_ON
        };
        assert!(refused(methods_allow(Guest, no_guests)));
        assert_eq!(methods_allow(Passwordless, no_guests), Ok(()));
        let no_reset = Methods {
            reset_enabled: false,
            ..ALL_ON
        };
        assert!(refused(methods_allow(PasswordReset, no_reset)));
        assert!(refused(methods_allow(Unlock, no_reset)));
        assert_eq!(methods_allow(Passwordless, no_reset), Ok(()));
        let two_needed = Methods {
            reset_methods_required: 2,
            ..ALL_ON
        };
        assert!(refused(methods_allow(PasswordReset, two_needed)));
        assert_eq!(methods_allow(SignUp, two_needed), Ok(()));
    }

    #[test]
    fn resets_send_codes_to_active_members_only() {
        assert_eq!(what_to_send(PasswordReset, at(member())), Send::Code);
        assert_eq!(what_to_send(PasswordReset, at(None)), Send::Nothing);
        assert_eq!(what_to_send(Unlock, at(guest(true))), Send::Nothing);
        let disabled = Some(Account {
            disabled: true,
            ..member().expect("member")
        });
        assert_eq!(what_to_send(PasswordReset, at(disabled)), Send::Nothing);
    }

    #[test]
    fn sign_up_to_a_known_address_sends_a_notice_instead_of_a_code() {
        assert_eq!(what_to_send(SignUp, at(None)), Send::Code);
        assert_eq!(what_to_send(SignUp, at(member())), Send::AccountExists);
        assert_eq!(what_to_send(SignUp, at(guest(false))), Send::AccountExists);
    }

    #[test]
    fn passwordless_serves_new_addresses_and_members_but_not_guests() {
        assert_eq!(what_to_send(Passwordless, at(None)), Send::Code);
        assert_eq!(what_to_send(Passwordless, at(member())), Send::Code);
        assert_eq!(what_to_send(Passwordless, at(guest(true))), Send::Nothing);
    }

    #[test]
    fn guests_get_codes_from_an_invitation_or_once_they_redeemed_one() {
        assert_eq!(what_to_send(Guest, at(guest(false))), Send::Nothing);
        assert_eq!(what_to_send(Guest, at(guest(true))), Send::Code);
        let invited = Address {
            from_invitation: true,
            ..at(guest(false))
        };
        assert_eq!(what_to_send(Guest, invited), Send::Code);
        assert_eq!(what_to_send(Guest, at(member())), Send::Nothing);
        assert_eq!(what_to_send(Guest, at(None)), Send::Nothing);
    }

    #[test]
    fn an_untargeted_or_throttled_address_is_sent_nothing() {
        let untargeted = Address {
            targeted: false,
            ..at(member())
        };
        assert_eq!(what_to_send(PasswordReset, untargeted), Send::Nothing);
        let throttled = Address {
            within_limits: false,
            ..at(None)
        };
        assert_eq!(what_to_send(SignUp, throttled), Send::Nothing);
    }

    #[test]
    fn a_check_waits_out_the_rate_limit_and_the_failure_block() {
        assert_eq!(verify(PasswordReset, ALL_ON, None, None), Ok(()));
        assert_eq!(
            verify(PasswordReset, ALL_ON, Some(5_000), None),
            Err(Refusal::TooMany { wait_ms: 5_000 })
        );
        assert_eq!(
            verify(PasswordReset, ALL_ON, None, Some(60_000)),
            Err(Refusal::TooMany { wait_ms: 60_000 })
        );
        let off = Methods {
            email_otp: false,
            ..ALL_ON
        };
        assert!(refused(verify(Passwordless, off, Some(1), None)));
    }

    #[test]
    fn the_last_step_of_a_reset_checks_the_account_and_policy_again() {
        assert_eq!(complete(PasswordReset, ALL_ON, false, true), Ok(()));
        assert_eq!(
            complete(PasswordReset, ALL_ON, true, true),
            Err(Refusal::AccountDisabled)
        );
        assert!(refused(complete(Unlock, ALL_ON, false, false)));
        let off = Methods {
            reset_enabled: false,
            ..ALL_ON
        };
        assert!(refused(complete(PasswordReset, off, false, true)));
    }
}
