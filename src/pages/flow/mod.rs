//! The screens every self-service flow is made of. A flow is one of five purposes (sign-up,
//! password reset, passwordless, guest, unlock); the screens are shared and take the purpose:
//! [`start`] asks for the email, [`code`] for the passcode, [`finish`] for what the last step
//! needs, [`unlock_choice`] lets a locked-out user keep or change the password, and
//! [`invitation`] opens a guest's invitation link.

pub mod code;
pub mod finish;
pub mod invitation;
pub mod start;
pub mod unlock_choice;

use crate::i18n::Text;
use sspr_api::FlowPurpose;

/// The heading and the sentence of a flow's first page.
pub fn title_and_intro(purpose: FlowPurpose) -> (Text, Text) {
    match purpose {
        FlowPurpose::SignUp => (|m| m.sign_up_title, |m| m.sign_up_intro),
        FlowPurpose::PasswordReset => (|m| m.reset_title, |m| m.reset_intro),
        FlowPurpose::Passwordless => (|m| m.passwordless_title, |m| m.passwordless_intro),
        FlowPurpose::Guest => (|m| m.guest_title, |m| m.guest_intro),
        FlowPurpose::Unlock => (|m| m.unlock_title, |m| m.unlock_intro),
    }
}
