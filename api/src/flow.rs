//! Self-service flows: sign-up, password reset, passwordless sign-in, guest redemption, unlock.
//!
//! Every flow is a server-side record with an id, a purpose, a state and an expiry (like Ory
//! Kratos' self-service flows, or Entra native auth's continuation token). The client holds only
//! the id; each step names the flow and the server checks the step fits the state.
//!
//! ```text
//! POST /api/flows                  {purpose, email | invitation, return_to?, client_id?} → FlowView
//! GET  /api/flows/{id}                                                        → FlowView
//! POST /api/flows/{id}/resend                                                 → FlowView
//! POST /api/flows/{id}/verify      {code}                                     → FlowView
//! POST /api/flows/{id}/questions                                              → FlowQuestions
//! POST /api/flows/{id}/alternate-email                                        → FlowView
//! POST /api/flows/{id}/phone       {method, delivery}                         → FlowPhoneCodeSent
//! POST /api/flows/{id}/prove       {method, code? | answers?}                 → FlowView
//! POST /api/flows/{id}/complete    {password?, password_confirm?, display_name?, action?, attributes?} → FlowDone
//! POST /api/captcha                                                            → CaptchaChallenge
//! GET  /api/flows/access                                                      → AccessPrompt
//! POST /api/flows/access           {email, choice, captcha_id?, captcha_answer?} → FlowView
//! ```

use crate::security_info::{MethodKind, PhoneDelivery};
use crate::user_flows::UserAttribute;
use crate::Email;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a flow is for. Each has its own passcode lifetime and its own last step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowPurpose {
    /// Email → code → password and display name → new account, signed in.
    SignUp,
    /// Email → code → new password → signed in (SSPR).
    PasswordReset,
    /// Email → code → signed in, creating the account on first use (Email OTP user flows).
    Passwordless,
    /// Invitation (or a redeemed guest's email) → code → signed in as a guest.
    Guest,
    /// Email → code → unlock (keep the password) or reset.
    Unlock,
}

impl FlowPurpose {
    pub const ALL: [FlowPurpose; 5] = [
        FlowPurpose::SignUp,
        FlowPurpose::PasswordReset,
        FlowPurpose::Passwordless,
        FlowPurpose::Guest,
        FlowPurpose::Unlock,
    ];
}

/// Where a flow stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowState {
    /// A passcode was sent (or, for unknown accounts, seemed to be); waiting for it.
    CodeSent,
    /// The passcode was right; waiting for the last step.
    CodeVerified,
    /// Done: nothing more can happen in this flow.
    Completed,
}

/// `POST /api/flows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartFlow {
    pub purpose: FlowPurpose,
    /// The address typed on the first page. Required except for a guest flow opened from an
    /// invitation link.
    #[serde(default)]
    pub email: Option<Email>,
    /// The invitation token from a guest invitation link.
    #[serde(default)]
    pub invitation: Option<String>,
    /// Where to send the user when done: a path on this origin, or an allowed application origin.
    #[serde(default)]
    pub return_to: Option<String>,
    /// The application the user came from (its client id): the flow follows that
    /// application's user flow, and `return_to` may also point at its origins. Without it, the
    /// default user flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// A flow as the client sees it: the same fields, and for a given purpose the same values
/// (but ids and times), whether or not the account exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowView {
    pub flow_id: String,
    pub purpose: FlowPurpose,
    pub state: FlowState,
    /// `j•••@example.com`, for "we sent a code to …".
    pub masked_email: String,
    /// Digits in the passcode.
    pub code_length: u8,
    /// Seconds until **Resend code** is allowed.
    pub resend_after_secs: u64,
    /// Seconds until the flow expires.
    pub expires_in_secs: u64,
    /// For a verified passwordless flow: whether the last step must collect a display name
    /// (a new account) or completes at once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub needs_profile: bool,
    /// Where to go next, once the flow has signed the user in at verification (guests,
    /// returning passwordless users).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
    /// A reset or unlock whose emailed code was right: how many different methods the reset
    /// policy needs in all (absent before, so nothing is told about an address until its
    /// mailbox is proven).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub methods_required: u8,
    /// The methods proven so far in this flow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods_proven: Vec<MethodKind>,
    /// The user's registered methods that may be proven next, their details masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub method_choices: Vec<MethodChoice>,
    /// How many more different methods must be proven before the last step (absent when
    /// none): the wizard asks for another method while this is above zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub methods_missing: u8,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// A method the user may prove next in a reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodChoice {
    pub kind: MethodKind,
    /// "Authenticator app", "Security questions", the alternate address masked
    /// (`n•••@contoso.com`), or a phone number masked (`+•• ••••••• 42`).
    pub detail: String,
    /// For a phone: how its code is sent ("Text my mobile phone" is `sms`, "Call my mobile
    /// phone" `voice`); a phone the policies let both ways is offered twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<PhoneDelivery>,
}

/// `POST /api/flows/{id}/phone`: text or call one of the user's verified phones a passcode,
/// to prove with `POST /api/flows/{id}/prove` (the phone's `method`, `code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendPhoneCode {
    /// `mobile_phone`, `alternate_phone` or `office_phone`.
    pub method: MethodKind,
    pub delivery: PhoneDelivery,
}

/// A passcode is on its way to a phone (the answer is the same when a cap held it back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowPhoneCodeSent {
    /// `+•• ••••••• 42`.
    pub masked_number: String,
    /// Digits in the passcode.
    pub code_length: u8,
    /// Seconds until another code may be sent.
    pub resend_after_secs: u64,
}

/// `POST /api/flows/{id}/questions`: the security questions to answer in this flow (a random
/// subset of the user's, the same on every call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowQuestions {
    pub questions: Vec<String>,
}

/// `POST /api/flows/{id}/prove`: an authenticator app `code`, or the `answers` to the flow's
/// questions in their order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProveMethod {
    pub method: MethodKind,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub answers: Vec<String>,
}

/// `POST /api/flows/{id}/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyCode {
    pub code: String,
}

/// What the last step of an unlock flow does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnlockAction {
    /// Unlock and keep the password.
    Unlock,
    /// Unlock and set a new password.
    Reset,
}

/// `POST /api/flows/{id}/complete`: the fields the flow's purpose needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompleteFlow {
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_confirm: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub action: Option<UnlockAction>,
    /// Sign-up: the attributes the user flow collects besides the display name, keyed by their
    /// name (`{"givenName": "Ada", "surname": "Lovelace"}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<UserAttribute, String>,
}

/// The answer to the last step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowDone {
    /// Whether a session cookie was set (not after "unlock only").
    pub signed_in: bool,
    /// Where to go next: the flow's checked `return_to`, or `/account`.
    pub return_to: String,
}

/// The two ways out of **Can't access your account?** (`POST /api/flows/access`): each starts
/// the existing flow of that purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessChoice {
    /// "I forgot my password": a password reset.
    Reset,
    /// "I know my password, but still can't sign in": an unlock.
    Unlock,
}

impl AccessChoice {
    /// The flow this choice starts.
    pub fn purpose(self) -> FlowPurpose {
        match self {
            AccessChoice::Reset => FlowPurpose::PasswordReset,
            AccessChoice::Unlock => FlowPurpose::Unlock,
        }
    }
}

/// `POST /api/flows/access`: the email, the choice, and the answer to an on-screen verification
/// code (`POST /api/captcha`): on every try by default, or once this address or client has used
/// the tries `SSPR_CAPTCHA_FREE_TRIES` allows without one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    pub email: Email,
    pub choice: AccessChoice,
    /// The verification code's id, from `POST /api/captcha`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha_id: Option<String>,
    /// The characters read from its picture (or heard in its audio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha_answer: Option<String>,
    /// As in [`StartFlow`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_to: Option<String>,
    /// As in [`StartFlow`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}

/// `GET /api/flows/access`: whether this client's next try of **Can't access your account?**
/// must carry a verification code, so that the page shows the picture from the start. With
/// `SSPR_CAPTCHA_FREE_TRIES` 0 (the default) it always must; otherwise once this client address
/// has used its free tries (a try for an address that has used its own is still refused with
/// `captcha_required`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessPrompt {
    pub captcha_required: bool,
}

/// `POST /api/captcha`: a new on-screen verification code. Its picture is at
/// `/api/captcha/{captcha_id}/image`, its spoken form at `/api/captcha/{captcha_id}/audio`;
/// the answer is never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaptchaChallenge {
    pub captcha_id: String,
    /// How many characters the answer has.
    pub length: u32,
    pub expires_in_secs: u64,
}
