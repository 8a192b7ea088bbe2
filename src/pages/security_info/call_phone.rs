//! Adding an alternate or office phone on the security info page: numbers that are called,
//! never texted, so the form asks only for the number (and, for an office phone, its
//! extension, dialled once the call is answered), then for the code the call reads aloud.

use super::add::{code_in, phone_problem};
use super::{kind_text, FieldInError};
use crate::api;
use crate::components::alert::Problem;
use crate::components::form::{focus_when_drawn, value_of, Field, Submit};
use crate::i18n::tr;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::security_info::is_extension;
use sspr_api::{AddCallPhone, ConfirmMethod, MethodKind, SecurityInfo};

/// The form for a phone of `kind` (`AlternatePhone` or `OfficePhone`).
#[component]
pub fn CallPhone(
    /// Which phone: an office phone also takes an extension.
    kind: MethodKind,
    /// Called with the security info once the phone is verified.
    done: Callback<SecurityInfo>,
    /// Where refusals are announced.
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let office = kind == MethodKind::OfficePhone;
    let number = NodeRef::<leptos::html::Input>::new();
    let extension = NodeRef::<leptos::html::Input>::new();
    let code = NodeRef::<leptos::html::Input>::new();
    let pending = RwSignal::new(None::<(String, String)>);
    let wrong = FieldInError::new(problem);
    let send = Action::new_local(move |body: &AddCallPhone| {
        let body = body.clone();
        async move {
            match api::add_call_phone(office, body).await {
                Ok(sent) => {
                    pending.set(Some((sent.method_id, sent.masked_number)));
                    // The code field appears with the answer: focus it once it is drawn.
                    focus_when_drawn(code);
                }
                Err(error) => {
                    let (text, about_it) = phone_problem(error, true);
                    wrong.show(text, about_it, "call-phone-number", number);
                }
            }
        }
    });
    let confirm = Action::new_local(move |body: &ConfirmMethod| {
        let body = body.clone();
        async move {
            match api::confirm_call_phone(office, body).await {
                Ok(found) => done.run(found),
                Err(error) => wrong.answer(error, "call-phone-code", code),
            }
        }
    });
    let send_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = office
            .then(|| value_of(extension))
            .filter(|e| !e.is_empty());
        // The server's answer does not say which field it refused: the extension is checked
        // here, so a malformed one is named on its own field.
        if typed.as_deref().is_some_and(|e| !is_extension(e)) {
            return wrong.refuse(
                |m| m.phone_extension_invalid,
                "call-phone-extension",
                extension,
            );
        }
        wrong.clear();
        send.dispatch(AddCallPhone {
            number: value_of(number),
            country: None,
            extension: typed,
        });
    };
    let confirm_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(method_id) = pending.with_untracked(|p| p.as_ref().map(|(id, _)| id.clone()))
        else {
            return;
        };
        if let Some(typed) = code_in(wrong, "call-phone-code", code) {
            confirm.dispatch(ConfirmMethod {
                method_id,
                code: typed,
            });
        }
    };
    view! {
        <h3>{tr(kind_text(kind))}</h3>
        <p>{tr(|m| m.phone_call_only)}</p>
        <form on:submit=send_submit novalidate>
            <Field id="call-phone-number" label=tr(|m| m.phone_number_label) kind="tel"
                autocomplete="tel" node=number hint=tr(|m| m.phone_number_hint)
                invalid=wrong.invalid("call-phone-number")/>
            {office.then(|| view! {
                <Field id="call-phone-extension" label=tr(|m| m.phone_extension_label)
                    inputmode="numeric" node=extension hint=tr(|m| m.phone_extension_hint)
                    required=false invalid=wrong.invalid("call-phone-extension")/>
            })}
            <Submit label=tr(|m| m.send_code) busy=send.pending()/>
        </form>
        <Show when=move || pending.with(Option::is_some)>
            <p role="status">{tr(|m| m.code_sent_to)} " "
                <strong>{move || pending.get().map(|(_, masked)| masked)}</strong></p>
            <form on:submit=confirm_submit novalidate>
                <Field id="call-phone-code" label=tr(|m| m.code_label) autocomplete="one-time-code"
                    inputmode="numeric" node=code hint=tr(|m| m.phone_code_hint)
                    invalid=wrong.invalid("call-phone-code")/>
                <Submit label=tr(|m| m.confirm) busy=confirm.pending()/>
            </form>
        </Show>
    }
}
