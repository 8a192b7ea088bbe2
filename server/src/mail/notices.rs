//! The security notifications (SPEC C3, A4; SECURITY.md §17): what happened to an account,
//! when, from which browser and network, and what to do if it was not the reader — in English
//! and French, as text and HTML.
//!
//! A notice never carries a secret or a link that signs anyone in: the only link is the public
//! reset page, where the reader must prove who they are as anyone else would. Which notices go
//! out, and to whom, is [`crate::notify`]'s business.

use super::templates::{layout, Page, Rendered};
use crate::domain::language::Language;
use time::macros::format_description;
use time::OffsetDateTime;

/// Something security-relevant that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The user reset their password with the reset wizard.
    PasswordReset,
    /// The user changed their password while signed in.
    PasswordChanged,
    /// An administrator unlocked the account.
    AccountUnlocked,
    /// An administrator disabled the account.
    AccountDisabled,
    /// A verification method (named for the reader, e.g. "Authenticator app") was added.
    MethodAdded { method: String },
    /// A verification method was removed.
    MethodRemoved { method: String },
    /// To the global administrators: `admin`'s password and authenticator were reset by `by`.
    AdminSignInReset { admin: String, by: String },
}

/// Where and when it happened: the request that did it.
#[derive(Debug, Clone, Copy)]
pub struct Circumstances<'a> {
    pub at_ms: i64,
    /// The browser's own description (its `User-Agent`), or empty.
    pub browser: &'a str,
    /// The client's network address.
    pub network: &'a str,
}

impl Notice {
    /// The purpose recorded with the message in the outbox (never its content).
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::PasswordReset => "notice_password_reset",
            Notice::PasswordChanged => "notice_password_changed",
            Notice::AccountUnlocked => "notice_account_unlocked",
            Notice::AccountDisabled => "notice_account_disabled",
            Notice::MethodAdded { .. } => "notice_method_added",
            Notice::MethodRemoved { .. } => "notice_method_removed",
            Notice::AdminSignInReset { .. } => "notice_admin_sign_in_reset",
        }
    }

    /// Subject, text and HTML in `page`'s language and look, for the service at `origin`.
    pub fn render(
        &self,
        page: &Page<'_>,
        origin: &str,
        circumstances: &Circumstances<'_>,
    ) -> Rendered {
        let (language, organisation) = (page.language, page.organisation);
        let words = Words::of(language);
        let (subject, what, advice) = self.sentences(&words, organisation, origin);
        let browser = match circumstances.browser.trim() {
            "" => words.unknown,
            browser => browser,
        };
        let lines = vec![
            what,
            format!("{}{}{}", words.when, words.colon, when(circumstances.at_ms)),
            format!("{}{}{browser}", words.browser, words.colon),
            format!("{}{}{}", words.network, words.colon, circumstances.network),
            advice,
        ];
        layout(page, None, &lines, subject)
    }

    /// The subject, what happened and what to do if it was not the reader.
    fn sentences(&self, w: &Words, organisation: &str, origin: &str) -> (String, String, String) {
        let reset_now = (w.reset_now)(origin);
        let (subject, what, advice) = match self {
            Notice::PasswordReset => (w.password_changed, w.password_reset.to_owned(), reset_now),
            Notice::PasswordChanged => (
                w.password_changed,
                w.password_changed_body.to_owned(),
                reset_now,
            ),
            Notice::AccountUnlocked => (w.unlocked, w.unlocked_body.to_owned(), reset_now),
            Notice::AccountDisabled => (
                w.disabled,
                w.disabled_body.to_owned(),
                w.ask_administrator.to_owned(),
            ),
            Notice::MethodAdded { method } => {
                (w.method_added, (w.method_added_body)(method), reset_now)
            }
            Notice::MethodRemoved { method } => {
                (w.method_removed, (w.method_removed_body)(method), reset_now)
            }
            Notice::AdminSignInReset { admin, by } => (
                w.admin_reset,
                (w.admin_reset_body)(admin, by),
                w.admin_advice.to_owned(),
            ),
        };
        (format!("{organisation}{}{subject}", w.colon), what, advice)
    }
}

/// The moment in UTC, to the minute (`2027-01-15 08:00 UTC`), the same in every language.
fn when(at_ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::from_unix_timestamp(at_ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// One language's sentences.
struct Words {
    colon: &'static str,
    when: &'static str,
    browser: &'static str,
    network: &'static str,
    unknown: &'static str,
    password_changed: &'static str,
    password_reset: &'static str,
    password_changed_body: &'static str,
    unlocked: &'static str,
    unlocked_body: &'static str,
    disabled: &'static str,
    disabled_body: &'static str,
    method_added: &'static str,
    method_added_body: fn(&str) -> String,
    method_removed: &'static str,
    method_removed_body: fn(&str) -> String,
    admin_reset: &'static str,
    admin_reset_body: fn(&str, &str) -> String,
    reset_now: fn(&str) -> String,
    ask_administrator: &'static str,
    admin_advice: &'static str,
}

impl Words {
    fn of(language: Language) -> Words {
        match language {
            Language::En => Words {
                colon: ": ",
                when: "When",
                browser: "Browser",
                network: "Network address",
                unknown: "not known",
                password_changed: "your password was changed",
                password_reset: "The password of your account was reset with \"Forgot password?\", and every other session was signed out.",
                password_changed_body: "The password of your account was changed from your account page, and every other session was signed out.",
                unlocked: "your account was unlocked",
                unlocked_body: "An administrator unlocked your account: it can be signed in to again with its password.",
                disabled: "your account was disabled",
                disabled_body: "An administrator disabled your account and signed out every session. Nobody can sign in to it until it is enabled again.",
                method_added: "a sign-in method was added",
                method_added_body: |m| format!("The sign-in method \"{m}\" was added to your account."),
                method_removed: "a sign-in method was removed",
                method_removed_body: |m| format!("The sign-in method \"{m}\" was removed from your account."),
                admin_reset: "an administrator's sign-in was reset",
                admin_reset_body: |a, by| format!("The password and authenticator app of the administrator {a} were reset by {by}. {a} must set up their account again with a new setup link before signing in."),
                reset_now: |o| format!("If this was not you, reset your password at once at {o}/reset and tell your administrator."),
                ask_administrator: "If you did not expect this, contact your administrator.",
                admin_advice: "If nobody planned this reset, check the audit log in the portal at once and talk to the other global administrators.",
            },
            Language::Fr => Words {
                colon: " : ",
                when: "Quand",
                browser: "Navigateur",
                network: "Adresse réseau",
                unknown: "inconnu",
                password_changed: "votre mot de passe a été modifié",
                password_reset: "Le mot de passe de votre compte a été réinitialisé avec « Mot de passe oublié ? », et toutes les autres sessions ont été fermées.",
                password_changed_body: "Le mot de passe de votre compte a été modifié depuis la page de votre compte, et toutes les autres sessions ont été fermées.",
                unlocked: "votre compte a été déverrouillé",
                unlocked_body: "Un administrateur a déverrouillé votre compte : on peut de nouveau s’y connecter avec son mot de passe.",
                disabled: "votre compte a été désactivé",
                disabled_body: "Un administrateur a désactivé votre compte et fermé toutes ses sessions. Personne ne peut s’y connecter avant sa réactivation.",
                method_added: "une méthode de connexion a été ajoutée",
                method_added_body: |m| format!("La méthode de connexion « {m} » a été ajoutée à votre compte."),
                method_removed: "une méthode de connexion a été supprimée",
                method_removed_body: |m| format!("La méthode de connexion « {m} » a été supprimée de votre compte."),
                admin_reset: "la connexion d’un administrateur a été réinitialisée",
                admin_reset_body: |a, by| format!("Le mot de passe et l’application d’authentification de l’administrateur {a} ont été réinitialisés par {by}. {a} doit configurer à nouveau son compte avec un nouveau lien avant de se connecter."),
                reset_now: |o| format!("Si ce n’était pas vous, réinitialisez tout de suite votre mot de passe sur {o}/reset et prévenez votre administrateur."),
                ask_administrator: "Si vous ne vous y attendiez pas, contactez votre administrateur.",
                admin_advice: "Si personne n’avait prévu cette réinitialisation, consultez tout de suite le journal d’audit du portail et parlez-en aux autres administrateurs généraux.",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::templates::Look;

    fn page(language: Language) -> Page<'static> {
        static PLAIN: Look = Look {
            logo_url: None,
            colour: None,
            sign_in_text: None,
            links: Vec::new(),
        };
        Page {
            language,
            organisation: "Contoso",
            look: &PLAIN,
        }
    }

    #[test]
    fn a_notice_carries_the_company_logo_colour_and_links() {
        let look = Look {
            logo_url: Some("https://id.contoso.com/api/branding/assets/ab.png".into()),
            colour: Some("#E8F0FE".into()),
            sign_in_text: None,
            links: vec![(
                "Terms of use".into(),
                "https://contoso.example/terms".into(),
            )],
        };
        let page = Page {
            language: Language::En,
            organisation: "Contoso",
            look: &look,
        };
        let r = Notice::PasswordChanged.render(&page, "https://id.contoso.com", &AT);
        assert!(r.html.contains(
            "<img src=\"https://id.contoso.com/api/branding/assets/ab.png\" alt=\"Contoso\""
        ));
        assert!(r.html.contains("background:#E8F0FE"));
        assert!(r
            .html
            .contains("<a href=\"https://contoso.example/terms\">Terms of use</a>"));
        assert!(r
            .text
            .contains("Terms of use: https://contoso.example/terms"));
    }

    const AT: Circumstances<'static> = Circumstances {
        at_ms: 1_800_000_000_000,
        browser: "Mozilla/5.0 <Firefox>",
        network: "203.0.113.7",
    };

    #[test]
    fn a_notice_says_what_when_from_where_and_what_to_do() {
        let r = Notice::PasswordReset.render(&page(Language::En), "https://id.contoso.com", &AT);
        assert_eq!(r.subject, "Contoso: your password was changed");
        assert!(r.text.contains("reset with \"Forgot password?\""));
        assert!(r.text.contains("When: 2027-01-15 08:00 UTC"), "{}", r.text);
        assert!(r.text.contains("Browser: Mozilla/5.0 <Firefox>"));
        assert!(r.text.contains("Network address: 203.0.113.7"));
        assert!(r.text.contains("https://id.contoso.com/reset "));
        assert!(r.html.contains("Mozilla/5.0 &lt;Firefox&gt;"));
        assert!(r.html.contains("lang=\"en\""));
    }

    #[test]
    fn a_notice_in_french_is_french_throughout() {
        let r = Notice::AccountDisabled.render(&page(Language::Fr), "https://id.contoso.com", &AT);
        assert_eq!(r.subject, "Contoso : votre compte a été désactivé");
        assert!(r.text.contains("Quand : 2027-01-15 08:00 UTC"));
        assert!(r.text.contains("Navigateur : Mozilla"));
        assert!(r.text.contains("Adresse réseau : 203.0.113.7"));
        assert!(r.html.contains("lang=\"fr\""));
    }

    #[test]
    fn no_notice_carries_a_link_that_signs_anyone_in() {
        let every = [
            Notice::PasswordReset,
            Notice::PasswordChanged,
            Notice::AccountUnlocked,
            Notice::AccountDisabled,
            Notice::MethodAdded {
                method: "Authenticator app".into(),
            },
            Notice::MethodRemoved {
                method: "Authenticator app".into(),
            },
            Notice::AdminSignInReset {
                admin: "Ann".into(),
                by: "Bob".into(),
            },
        ];
        for language in Language::ALL {
            for notice in &every {
                let r = notice.render(&page(language), "https://id.contoso.com", &AT);
                let links: Vec<&str> = r
                    .text
                    .split_whitespace()
                    .filter(|w| w.contains("://"))
                    .collect();
                assert!(
                    links.iter().all(|l| *l == "https://id.contoso.com/reset"),
                    "{links:?}"
                );
                assert!(
                    !r.text.contains("token") && !r.text.contains("code="),
                    "{}",
                    r.text
                );
            }
        }
    }
}
