//! The signed-in user's security info (SPEC C7–C8, seed 003): the methods they registered to
//! prove who they are, and how they add and delete them.
//!
//! ```text
//! GET    /api/account/security-info                                   → SecurityInfo
//! POST   /api/account/proof/email                                     → ProofSent
//! POST   /api/account/proof                 ProveIdentity             → SecurityInfo
//! DELETE /api/account/methods/{id}                                     → SecurityInfo
//! POST   /api/account/methods/authenticator-app                        → TotpEnrolment
//! POST   /api/account/methods/authenticator-app/confirm  ConfirmMethod → SecurityInfo
//! POST   /api/account/methods/alternate-email      AddAlternateEmail   → PendingMethod
//! POST   /api/account/methods/alternate-email/confirm    ConfirmMethod → SecurityInfo
//! POST   /api/account/methods/mobile-phone         AddMobilePhone      → PendingPhone
//! POST   /api/account/methods/mobile-phone/confirm       ConfirmMethod → SecurityInfo
//! POST   /api/account/methods/alternate-phone      AddCallPhone        → PendingPhone
//! POST   /api/account/methods/alternate-phone/confirm    ConfirmMethod → SecurityInfo
//! POST   /api/account/methods/office-phone         AddCallPhone        → PendingPhone
//! POST   /api/account/methods/office-phone/confirm       ConfirmMethod → SecurityInfo
//! GET    /api/account/security-questions                               → QuestionCatalog
//! PUT    /api/account/methods/security-questions   RegisterQuestions   → SecurityInfo
//! GET    /api/account/registration                                     → RegistrationPrompt
//! POST   /api/account/registration/skip                                → 204
//! POST   /api/account/registration/finish                              → 204
//! ```
//!
//! Registration at sign-in: when the reset policy requires it (or an administrator required
//! re-registration, or the re-confirmation period is over), a sign-in's [`crate::Me`] carries
//! `registration`, and the customer pages show the interrupt before going on. **Skip for now**
//! (three times at most) and **Done** / **Looks good** end it for the session.
//!
//! Every change needs a proof newer than ten minutes (SECURITY.md §19): signing in is one, and
//! so is a passcode mailed to the account's address or an authenticator app code. Without one,
//! `GET` answers `proof_required` and lists only how the user may prove themselves, and every
//! change is refused with `reauthentication_required`.

use crate::Email;
use serde::{Deserialize, Serialize};

/// A kind of method a user proves who they are with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// The account's own address (a mailed passcode); always there, never deleted.
    Email,
    /// An authenticator app's six-digit codes (TOTP, RFC 6238).
    AuthenticatorApp,
    /// A second address, verified with a passcode, that can receive reset codes.
    AlternateEmail,
    /// Answers to questions the user chose.
    SecurityQuestions,
    /// A mobile number, verified with a passcode sent by text message or automated call.
    MobilePhone,
    /// A paired authenticator app that approves requests with number matching (push).
    MicrosoftAuthenticator,
    /// A second number, called only (seed 003: "Call my alternate phone").
    AlternatePhone,
    /// An office number, called only, with the extension dialled once the call is answered.
    OfficePhone,
}

impl MethodKind {
    /// Whether the method holds an address or a number, which lists show masked as its
    /// `detail`. For the others `detail` is only the method's English name, which a page shows
    /// from its own catalog instead.
    pub fn has_address(self) -> bool {
        !matches!(
            self,
            MethodKind::AuthenticatorApp
                | MethodKind::SecurityQuestions
                | MethodKind::MicrosoftAuthenticator
        )
    }
}

/// The questions every user may choose from, as Entra's predefined list offers them. A built-in
/// question is stored and sent by this English text; a page shows it in the reader's language
/// from its own catalog, in this order. An administrator's custom questions are shown as written.
pub const BUILT_IN_QUESTIONS: [&str; 12] = [
    "In what city did you meet your first spouse or partner?",
    "In what city did your parents meet?",
    "In what city does your nearest sibling live?",
    "In what city was your father born?",
    "In what city was your first job?",
    "In what city was your mother born?",
    "What is your favourite food?",
    "What was the name of your first pet?",
    "What was the name of your first school?",
    "What was the make and model of your first car?",
    "What was your childhood nickname?",
    "What is the name of the street you grew up on?",
];

/// Why a sign-in stops for security info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// The user holds fewer methods than a password reset needs.
    Register,
    /// An administrator asked the user to register their methods again.
    Reregister,
    /// The user confirms that their methods are still right.
    Reconfirm,
}

/// `GET /api/account/registration`: what the interrupt asks of the signed-in user now (`kind`
/// absent: nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationPrompt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RegistrationKind>,
    /// How many more times the user may skip (0: **Skip for now** is not offered).
    pub skips_left: u8,
    /// The methods a reset needs.
    pub methods_required: u8,
    /// The user's methods, masked, when they are to be re-confirmed (**Looks good**).
    pub methods: Vec<RegisteredMethod>,
}

/// One registered method, with its details masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisteredMethod {
    /// `email` for the account's address; otherwise the method's id, for **Delete**.
    pub id: String,
    pub kind: MethodKind,
    /// What the user recognises it by: its address or number, masked (`n•••@contoso.com`), or
    /// for a method without one ([`MethodKind::has_address`]) its English name.
    pub detail: String,
    /// When it was added (none for the account's address, which came with the account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at_ms: Option<i64>,
    /// Whether **Delete** may remove it (not the account's address, not the last method that
    /// can reset the password).
    pub deletable: bool,
}

/// `GET /api/account/security-info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityInfo {
    /// No proof newer than ten minutes: `methods` and `available` are empty, and the user first
    /// proves who they are with one of `proof_methods`.
    pub proof_required: bool,
    /// How the user may prove who they are now.
    pub proof_methods: Vec<MethodKind>,
    /// Seconds the current proof still holds (0 when `proof_required`).
    pub proof_expires_in_secs: u64,
    pub methods: Vec<RegisteredMethod>,
    /// What **Add sign-in method** offers: the kinds the administrator enabled for this user.
    pub available: Vec<MethodKind>,
}

/// `POST /api/account/proof/email`: a passcode was mailed to the account's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofSent {
    pub masked_email: String,
    pub code_length: u8,
}

/// `POST /api/account/proof`: the mailed passcode (`email`) or an authenticator app code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProveIdentity {
    pub method: MethodKind,
    pub code: String,
}

/// `POST /api/account/methods/authenticator-app`: the new app's secret, shown once. It counts
/// only once confirmed with one of its codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrolment {
    pub method_id: String,
    /// Base32, for typing into the app.
    pub secret: String,
    /// `otpauth://totp/…`, for the QR code.
    pub otpauth_uri: String,
}

/// Confirms a pending method with a code (the app's, or the one mailed to the new address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmMethod {
    pub method_id: String,
    pub code: String,
}

/// `POST /api/account/methods/alternate-email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddAlternateEmail {
    pub email: Email,
}

/// How a passcode reaches a phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhoneDelivery {
    /// A text message.
    Sms,
    /// An automated call that reads the code aloud.
    Voice,
}

/// `POST /api/account/methods/mobile-phone`: the number in international form (`+44 7400
/// 123456`), or a national one with its `country` (ISO 3166 alpha-2, `GB`), and how its code
/// is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMobilePhone {
    pub number: String,
    #[serde(default)]
    pub country: Option<String>,
    pub delivery: PhoneDelivery,
}

/// Most digits in an office phone's extension (Twilio dials at most 32 keys, pauses included).
pub const MAX_EXTENSION_DIGITS: usize = 10;

/// Whether `text` is an extension: 1 to [`MAX_EXTENSION_DIGITS`] ASCII digits. The server
/// refuses any other; the page says so on the extension's own field before sending.
pub fn is_extension(text: &str) -> bool {
    (1..=MAX_EXTENSION_DIGITS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// `POST /api/account/methods/alternate-phone` and `…/office-phone`: a number that is called
/// with its code (never texted), in international form or national with its `country`; an
/// office phone may have an `extension` (1 to 10 digits), also accepted inside the number
/// (`+1 425 555 0100 ext. 1234`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddCallPhone {
    pub number: String,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
}

/// A phone waiting for its passcode. The answer is the same whether the code was sent or a
/// cap held it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingPhone {
    pub method_id: String,
    /// `+•• ••••••• 42`.
    pub masked_number: String,
    pub code_length: u8,
}

/// A method waiting for its passcode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingMethod {
    pub method_id: String,
    pub masked_email: String,
    pub code_length: u8,
}

/// `GET /api/account/security-questions`: the questions to choose from and how many to answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionCatalog {
    pub questions: Vec<String>,
    /// How many questions to answer (the administrator's setting, 3–5).
    pub to_register: u8,
    /// Characters an answer needs at least.
    pub min_answer_chars: u8,
}

/// One question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionAnswer {
    pub question: String,
    pub answer: String,
}

/// `PUT /api/account/methods/security-questions`: exactly `to_register` different questions
/// from the catalog, each answered. Replaces earlier answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterQuestions {
    pub answers: Vec<QuestionAnswer>,
}
