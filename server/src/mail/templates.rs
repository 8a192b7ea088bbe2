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

    /// Subject, text and HTML for `organisation` at `origin`, in the company branding `look`.
    pub fn render(&self, organisation: &str, origin: &str, look: &Look) -> Rendered {
        let (subject, lines, code): (String, Vec<String>, Option<&str>) = match self {
            Mail::Passcode {
                purpose,
                code,
                minutes,
            } => {
                let (subject, why) = match purpose {
                    FlowPurpose::PasswordReset => (
                        format!("{organisation} password reset code"),
                        "Use this code to reset your password.",
                    ),
                    FlowPurpose::SignUp => (
                        format!("{organisation} account verification code"),
                        "Use this code to verify your email address and create your account.",
                    ),
                    FlowPurpose::Passwordless => (
                        format!("{organisation} sign-in code"),
                        "Use this code to sign in.",
                    ),
                    FlowPurpose::Guest => (
                        format!("{organisation} guest sign-in code"),
                        "Use this code to sign in as a guest.",
                    ),
                    FlowPurpose::Unlock => (
                        format!("{organisation} account unlock code"),
                        "Use this code to unlock your account.",
                    ),
                };
                (
                    subject,
                    vec![
                        why.to_owned(),
                        format!("The code expires in {minutes} minutes and works once."),
                        "If you did not ask for it, ignore this message: nothing changes without the code.".to_owned(),
                    ],
                    Some(code.as_str()),
                )
            }
            Mail::AccountExists => (
                format!("{organisation}: you already have an account"),
                vec![
                    "Someone, probably you, tried to create an account with this email address, which already has one.".to_owned(),
                    format!("Sign in at {origin}/sign-in, or reset your password there if you have forgotten it."),
                    "If it was not you, ignore this message.".to_owned(),
                ],
                None,
            ),
            Mail::Invitation { token } => (
                format!("You are invited to {organisation}"),
                vec![
                    format!("You have been invited to sign in to {organisation} as a guest."),
                    format!("Open this link to accept: {origin}/guest?invitation={token}"),
                    "You will get a one-time code by email to sign in.".to_owned(),
                ],
                None,
            ),
            Mail::ResetRequested { email } => (
                format!("{organisation}: please reset your password"),
                vec![
                    "Your administrator asked you to choose a new password for your account.".to_owned(),
                    format!(
                        "Open this link to start: {origin}/reset?email={}",
                        form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
                    ),
                    "You will get a one-time code by email to confirm it is you. Nobody else, your administrator included, sees or chooses your new password.".to_owned(),
                ],
                None,
            ),
            Mail::AccountCode {
                code,
                minutes,
                verifying_address,
            } => (
                if *verifying_address {
                    format!("{organisation}: verify your alternate email address")
                } else {
                    format!("{organisation} security info verification code")
                },
                vec![
                    if *verifying_address {
                        "Use this code to add this address to your security info.".to_owned()
                    } else {
                        "Use this code to confirm it is you before changing your security info."
                            .to_owned()
                    },
                    format!("The code expires in {minutes} minutes and works once."),
                    "If you did not ask for it, ignore this message: nothing changes without the code.".to_owned(),
                ],
                Some(code.as_str()),
            ),
        };
        let page = Page {
            language: Language::En,
            organisation,
            look,
        };
        layout(&page, code, &lines, subject)
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
        text.push_str(&format!("Your code: {code}\n\n"));
        html.push_str(&format!(
            "<p>Your code:</p><p style=\"font-size:28px;letter-spacing:4px\"><strong>{}</strong></p>",
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
        let r = mail.render("Contoso", "https://id.contoso.com", &Look::default());
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
        .render("A<b>", "https://id.example.com", &Look::default());
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
        .render("Contoso", "https://id.contoso.com", &look);
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
        .render("Contoso", "https://id.contoso.com", &Look::default());
        assert!(r
            .text
            .contains("https://id.contoso.com/reset?email=ann%2Bx%40contoso.example"));
    }
}
