//! Every message the service sends for a flow, as plain text and HTML, carrying the
//! organisation's name (the security notifications are [`super::notices`]).
//! Links are built from the configured public origin only (never from a request's `Host`).

use crate::domain::language::Language;
use sspr_api::FlowPurpose;
use sspr_api::WireName;

/// A message to render.
#[derive(Debug, Clone)]
pub enum Mail {
    /// A passcode for a flow.
    Passcode {
        purpose: FlowPurpose,
        code: String,
        minutes: i64,
    },
    /// Someone tried to sign up with an address that already has an account.
    AccountExists,
    /// An invitation for a guest, with the link that opens redemption.
    Invitation { token: String },
    /// An administrator asked the user to reset their password: a link to the reset page with
    /// their address filled in (no code, no password: the reset itself mails the code).
    ResetRequested { email: String },
    /// A passcode for the signed-in user: to prove who they are before changing their security
    /// info (`verifying_address: false`), or to verify a new alternate address (`true`).
    AccountCode {
        code: String,
        minutes: i64,
        verifying_address: bool,
    },
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// The purpose recorded with the message (never its content).
    pub fn kind(&self) -> &'static str {
        match self {
            Mail::Passcode { purpose, .. } => purpose.as_str(),
            Mail::AccountExists => "account_exists",
            Mail::Invitation { .. } => "invitation",
            Mail::ResetRequested { .. } => "reset_requested",
            Mail::AccountCode {
                verifying_address: false,
                ..
            } => "security_info_proof",
            Mail::AccountCode { .. } => "alternate_email_verification",
        }
    }

    /// Subject, text and HTML in `language` for `organisation` at `origin`, in the company
    /// branding `look`.
    pub fn render(
        &self,
        language: Language,
        organisation: &str,
        origin: &str,
        look: &Look,
    ) -> Rendered {
        let w = Words::of(language);
        let (subject, lines, code): (String, Vec<String>, Option<&str>) = match self {
            Mail::Passcode {
                purpose,
                code,
                minutes,
            } => {
                let (subject, why) = match purpose {
                    FlowPurpose::PasswordReset => w.reset_code,
                    FlowPurpose::SignUp => w.sign_up_code,
                    FlowPurpose::Passwordless => w.sign_in_code,
                    FlowPurpose::Guest => w.guest_code,
                    FlowPurpose::Unlock => w.unlock_code,
                };
                (
                    subject(organisation),
                    vec![why.to_owned(), (w.expires)(*minutes), w.ignore.to_owned()],
                    Some(code.as_str()),
                )
            }
            Mail::AccountExists => (
                (w.exists_subject)(organisation),
                vec![
                    w.exists_body.to_owned(),
                    (w.exists_sign_in)(origin),
                    w.not_you.to_owned(),
                ],
                None,
            ),
            Mail::Invitation { token } => (
                (w.invitation_subject)(organisation),
                vec![
                    (w.invitation_body)(organisation),
                    (w.invitation_link)(&format!("{origin}/guest?invitation={token}")),
                    w.invitation_code.to_owned(),
                ],
                None,
            ),
            Mail::ResetRequested { email } => (
                (w.reset_requested_subject)(organisation),
                vec![
                    w.reset_requested_body.to_owned(),
                    (w.reset_requested_link)(&format!(
                        "{origin}/reset?email={}",
                        form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
                    )),
                    w.reset_requested_code.to_owned(),
                ],
                None,
            ),
            Mail::AccountCode {
                code,
                minutes,
                verifying_address,
            } => {
                let (subject, why) = if *verifying_address {
                    w.alternate_email_code
                } else {
                    w.security_info_code
                };
                (
                    subject(organisation),
                    vec![why.to_owned(), (w.expires)(*minutes), w.ignore.to_owned()],
                    Some(code.as_str()),
                )
            }
        };
        let page = Page {
            language,
            organisation,
            look,
        };
        layout(&page, code, &lines, subject)
    }
}

/// A subject made from the organisation's name, and the sentence that says what the code is for.
type CodeWords = (fn(&str) -> String, &'static str);

/// One language's sentences for the messages above.
struct Words {
    reset_code: CodeWords,
    sign_up_code: CodeWords,
    sign_in_code: CodeWords,
    guest_code: CodeWords,
    unlock_code: CodeWords,
    alternate_email_code: CodeWords,
    security_info_code: CodeWords,
    expires: fn(i64) -> String,
    ignore: &'static str,
    exists_subject: fn(&str) -> String,
    exists_body: &'static str,
    exists_sign_in: fn(&str) -> String,
    not_you: &'static str,
    invitation_subject: fn(&str) -> String,
    invitation_body: fn(&str) -> String,
    invitation_link: fn(&str) -> String,
    invitation_code: &'static str,
    reset_requested_subject: fn(&str) -> String,
    reset_requested_body: &'static str,
    reset_requested_link: fn(&str) -> String,
    reset_requested_code: &'static str,
    /// What comes before the code, in the text and in the HTML ([`layout`]).
    your_code: &'static str,
}

impl Words {
    fn of(language: Language) -> Words {
        match language {
            Language::En => Words {
                reset_code: (|o| format!("{o} password reset code"), "Use this code to reset your password."),
                sign_up_code: (|o| format!("{o} account verification code"), "Use this code to verify your email address and create your account."),
                sign_in_code: (|o| format!("{o} sign-in code"), "Use this code to sign in."),
                guest_code: (|o| format!("{o} guest sign-in code"), "Use this code to sign in as a guest."),
                unlock_code: (|o| format!("{o} account unlock code"), "Use this code to unlock your account."),
                alternate_email_code: (|o| format!("{o}: verify your alternate email address"), "Use this code to add this address to your security info."),
                security_info_code: (|o| format!("{o} security info verification code"), "Use this code to confirm it is you before changing your security info."),
                expires: |m| format!("The code expires in {m} minutes and works once."),
                ignore: "If you did not ask for it, ignore this message: nothing changes without the code.",
                exists_subject: |o| format!("{o}: you already have an account"),
                exists_body: "Someone, probably you, tried to create an account with this email address, which already has one.",
                exists_sign_in: |origin| format!("Sign in at {origin}/sign-in, or reset your password there if you have forgotten it."),
                not_you: "If it was not you, ignore this message.",
                invitation_subject: |o| format!("You are invited to {o}"),
                invitation_body: |o| format!("You have been invited to sign in to {o} as a guest."),
                invitation_link: |link| format!("Open this link to accept: {link}"),
                invitation_code: "You will get a one-time code by email to sign in.",
                reset_requested_subject: |o| format!("{o}: please reset your password"),
                reset_requested_body: "Your administrator asked you to choose a new password for your account.",
                reset_requested_link: |link| format!("Open this link to start: {link}"),
                reset_requested_code: "You will get a one-time code by email to confirm it is you. Nobody else, your administrator included, sees or chooses your new password.",
                your_code: "Your code:",
            },
            Language::Fr => Words {
                reset_code: (|o| format!("{o} : code de réinitialisation du mot de passe"), "Utilisez ce code pour réinitialiser votre mot de passe."),
                sign_up_code: (|o| format!("{o} : code de vérification du compte"), "Utilisez ce code pour vérifier votre adresse e-mail et créer votre compte."),
                sign_in_code: (|o| format!("{o} : code de connexion"), "Utilisez ce code pour vous connecter."),
                guest_code: (|o| format!("{o} : code de connexion invité"), "Utilisez ce code pour vous connecter en tant qu’invité."),
                unlock_code: (|o| format!("{o} : code de déverrouillage du compte"), "Utilisez ce code pour déverrouiller votre compte."),
                alternate_email_code: (|o| format!("{o} : vérifiez votre adresse e-mail secondaire"), "Utilisez ce code pour ajouter cette adresse à vos informations de sécurité."),
                security_info_code: (|o| format!("{o} : code de vérification des informations de sécurité"), "Utilisez ce code pour confirmer votre identité avant de modifier vos informations de sécurité."),
                expires: |m| format!("Le code expire dans {m} minutes et ne sert qu’une fois."),
                ignore: "Si vous ne l’avez pas demandé, ignorez ce message : rien ne change sans le code.",
                exists_subject: |o| format!("{o} : vous avez déjà un compte"),
                exists_body: "Quelqu’un, probablement vous, a tenté de créer un compte avec cette adresse e-mail, qui en a déjà un.",
                exists_sign_in: |origin| format!("Connectez-vous sur {origin}/sign-in, ou réinitialisez-y votre mot de passe si vous l’avez oublié."),
                not_you: "Si ce n’était pas vous, ignorez ce message.",
                invitation_subject: |o| format!("Invitation de {o}"),
                invitation_body: |o| format!("Vous êtes invité à vous connecter à {o} en tant qu’invité."),
                invitation_link: |link| format!("Ouvrez ce lien pour accepter : {link}"),
                invitation_code: "Vous recevrez par e-mail un code à usage unique pour vous connecter.",
                reset_requested_subject: |o| format!("{o} : veuillez réinitialiser votre mot de passe"),
                reset_requested_body: "Votre administrateur vous demande de choisir un nouveau mot de passe pour votre compte.",
                reset_requested_link: |link| format!("Ouvrez ce lien pour commencer : {link}"),
                reset_requested_code: "Vous recevrez par e-mail un code à usage unique pour confirmer votre identité. Personne d’autre, votre administrateur compris, ne voit ni ne choisit votre nouveau mot de passe.",
                your_code: "Votre code :",
            },
        }
    }
}

/// The company branding a message carries (`super::look`): the banner logo's absolute address,
/// the background colour for the heading band, the sign-in page text, and the privacy and
/// terms links. All of it is plain text from the administrator, escaped in the HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Look {
    pub logo_url: Option<String>,
    /// `#RRGGBB` (checked when it was saved).
    pub colour: Option<String>,
    /// The text the sign-in page shows, under the heading (in the HTML part only: the text
    /// part stays the message itself).
    pub sign_in_text: Option<String>,
    /// (text, address) pairs.
    pub links: Vec<(String, String)>,
}

/// Who a message is from and how it looks.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    pub language: Language,
    pub organisation: &'a str,
    pub look: &'a Look,
}

/// The one page every message is laid out on: the organisation's logo (or name) on its colour
/// as the heading, with the sign-in page text under it, a passcode when there is one, then
/// `lines` as paragraphs (escaped in the HTML), and the organisation's links.
pub fn layout(page: &Page<'_>, code: Option<&str>, lines: &[String], subject: String) -> Rendered {
    let organisation = page.organisation;
    let mut text = format!("{organisation}\n\n");
    let band = page
        .look
        .colour
        .as_deref()
        .map(|c| format!(" style=\"background:{};padding:12px\"", escape(c)))
        .unwrap_or_default();
    let heading = match &page.look.logo_url {
        Some(logo) => format!(
            "<img src=\"{}\" alt=\"{}\" height=\"36\">",
            escape(logo),
            escape(organisation)
        ),
        None => format!("<h1>{}</h1>", escape(organisation)),
    };
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><body style=\"font-family:sans-serif\"><div{band}>{heading}</div>",
        page.language.tag(),
    );
    if let Some(welcome) = &page.look.sign_in_text {
        html.push_str(&format!(
            "<p style=\"color:#555555\">{}</p>",
            escape(welcome)
        ));
    }
    if let Some(code) = code {
        let label = Words::of(page.language).your_code;
        text.push_str(&format!("{label} {code}\n\n"));
        html.push_str(&format!(
            "<p>{label}</p><p style=\"font-size:28px;letter-spacing:4px\"><strong>{}</strong></p>",
            escape(code)
        ));
    }
    for line in lines {
        text.push_str(line);
        text.push('\n');
        html.push_str(&format!("<p>{}</p>", escape(line)));
    }
    for (label, url) in &page.look.links {
        text.push_str(&format!("\n{label}: {url}\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(url),
            escape(label)
        ));
    }
    html.push_str("</body></html>");
    Rendered {
        subject,
        text,
        html,
    }
}

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passcode_mail_carries_the_code_the_organisation_and_the_lifetime() {
        let mail = Mail::Passcode {
            purpose: FlowPurpose::PasswordReset,
            code: "12345678".into(),
            minutes: 10,
        };
        let r = mail.render(
            Language::En,
            "Contoso",
            "https://id.contoso.com",
            &Look::default(),
        );
        assert_eq!(r.subject, "Contoso password reset code");
        assert!(r.text.contains("Your code: 12345678"));
        assert!(r.text.contains("10 minutes"));
        assert!(r.html.contains("<strong>12345678</strong>"));
    }

    #[test]
    fn links_use_the_given_origin_and_html_is_escaped() {
        let r = Mail::Invitation {
            token: "abc".into(),
        }
        .render(
            Language::En,
            "A<b>",
            "https://id.example.com",
            &Look::default(),
        );
        assert!(r
            .text
            .contains("https://id.example.com/guest?invitation=abc"));
        assert!(r.html.contains("A&lt;b&gt;"));
        assert!(!r.html.contains("A<b>"));
    }

    #[test]
    fn a_branded_message_shows_the_logo_colour_and_sign_in_text_escaped_in_html_only() {
        let look = Look {
            logo_url: Some("https://id.contoso.com/api/branding/assets/ab.png".into()),
            colour: Some("#E8F0FE".into()),
            sign_in_text: Some("Welcome <b>\"back\"</b> & more".into()),
            links: Vec::new(),
        };
        let r = Mail::Invitation {
            token: "abc".into(),
        }
        .render(Language::En, "Contoso", "https://id.contoso.com", &look);
        assert!(r.html.contains(
            "<img src=\"https://id.contoso.com/api/branding/assets/ab.png\" alt=\"Contoso\""
        ));
        assert!(r.html.contains("background:#E8F0FE"));
        assert!(r
            .html
            .contains("Welcome &lt;b&gt;&quot;back&quot;&lt;/b&gt; &amp; more"));
        assert!(!r.html.contains("<b>"));
        assert!(!r.text.contains("Welcome"));
        assert!(!r.text.contains('<'));
    }

    #[test]
    fn a_reset_request_links_to_the_reset_page_with_the_address_filled_in() {
        let r = Mail::ResetRequested {
            email: "ann+x@contoso.example".into(),
        }
        .render(
            Language::En,
            "Contoso",
            "https://id.contoso.com",
            &Look::default(),
        );
        assert!(r
            .text
            .contains("https://id.contoso.com/reset?email=ann%2Bx%40contoso.example"));
    }

    #[test]
    fn a_message_speaks_the_language_it_is_rendered_in() {
        let mail = Mail::Passcode {
            purpose: FlowPurpose::PasswordReset,
            code: "12345678".into(),
            minutes: 10,
        };
        let r = mail.render(
            Language::Fr,
            "Contoso",
            "https://id.contoso.com",
            &Look::default(),
        );
        assert_eq!(
            r.subject,
            "Contoso : code de réinitialisation du mot de passe"
        );
        assert!(r.text.contains("Votre code : 12345678"));
        assert!(r.text.contains("Le code expire dans 10 minutes"));
        assert!(r.html.contains("<html lang=\"fr\">"));
        // Every message has its words in each language: none is left in English.
        let english = |m: &Mail| m.render(Language::En, "Contoso", "https://x", &Look::default());
        let french = |m: &Mail| m.render(Language::Fr, "Contoso", "https://x", &Look::default());
        let mut every = vec![
            Mail::AccountExists,
            Mail::Invitation { token: "t".into() },
            Mail::ResetRequested {
                email: "a@b.example".into(),
            },
            Mail::AccountCode {
                code: "1".into(),
                minutes: 5,
                verifying_address: true,
            },
            Mail::AccountCode {
                code: "1".into(),
                minutes: 5,
                verifying_address: false,
            },
        ];
        every.extend(FlowPurpose::ALL.map(|purpose| Mail::Passcode {
            purpose,
            code: "1".into(),
            minutes: 5,
        }));
        for m in &every {
            let (en, fr) = (english(m), french(m));
            assert_ne!(en.subject, fr.subject, "{}", m.kind());
            assert_ne!(en.text, fr.text, "{}", m.kind());
        }
    }
}
