//! Adding an alternate or office phone on the security info page: numbers that are called,
//! never texted, so the form asks only for the number (and, for an office phone, its
//! extension, dialled once the call is answered), then for the code the call reads aloud.

use super::add::{code_in, phone_problem};
use super::kind_text;
use crate::api;
use crate::components::alert::Problem;
use crate::components::form::{focus, focus_when_drawn, value_of, Field, Submit};
use crate::i18n::tr;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
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
                    problem.set(Some(phone_problem(error)));
                    focus(number);
                }
            }
        }
    });
    let confirm = Action::new_local(move |body: &ConfirmMethod| {
        let body = body.clone();
        async move {
            match api::confirm_call_phone(office, body).await {
                Ok(found) => done.run(found),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let send_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let typed = office
            .then(|| value_of(extension))
            .filter(|e| !e.is_empty());
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
        if let Some(typed) = code_in(code, problem) {
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
                autocomplete="tel" node=number hint=tr(|m| m.phone_number_hint)/>
            {office.then(|| view! {
                <Field id="call-phone-extension" label=tr(|m| m.phone_extension_label)
                    inputmode="numeric" node=extension hint=tr(|m| m.phone_extension_hint)/>
            })}
            <Submit label=tr(|m| m.send_code) busy=send.pending()/>
        </form>
        <Show when=move || pending.with(Option::is_some)>
            <p role="status">{tr(|m| m.code_sent_to)} " "
                <strong>{move || pending.get().map(|(_, masked)| masked)}</strong></p>
            <form on:submit=confirm_submit novalidate>
                <Field id="call-phone-code" label=tr(|m| m.code_label) autocomplete="one-time-code"
                    inputmode="numeric" node=code hint=tr(|m| m.phone_code_hint)/>
                <Submit label=tr(|m| m.confirm) busy=confirm.pending()/>
            </form>
        </Show>
    }
}
