//! **Confirm it is you**: a code mailed to the account's address, or one from an authenticator
//! app the user registered (SECURITY.md §19). The proof holds ten minutes.

use super::FieldInError;
use crate::api;
use crate::components::alert::Problem;
use crate::components::form::{focus_when_drawn, value_of, Field, Submit};
use crate::i18n::tr;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{MethodKind, ProveIdentity, SecurityInfo};

#[component]
pub fn Proof(
    methods: Vec<MethodKind>,
    done: Callback<SecurityInfo>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let sent_to = RwSignal::new(None::<String>);
    let email_code = NodeRef::<leptos::html::Input>::new();
    let app_code = NodeRef::<leptos::html::Input>::new();
    let wrong = FieldInError::new(problem);
    let send = Action::new_local(move |_: &()| async move {
        match api::send_proof().await {
            Ok(sent) => {
                sent_to.set(Some(sent.masked_email));
                // The code field appears with the first answer.
                focus_when_drawn(email_code);
            }
            Err(error) => problem.set(Some(error.into())),
        }
    });
    let prove = Action::new_local(move |body: &ProveIdentity| {
        let body = body.clone();
        async move {
            match api::prove(body.clone()).await {
                Ok(found) => done.run(found),
                Err(error) if body.method == MethodKind::AuthenticatorApp => {
                    wrong.answer(error, "proof-app-code", app_code)
                }
                Err(error) => wrong.answer(error, "proof-code", email_code),
            }
        }
    });
    let submit = move |method: MethodKind, id: &'static str, node: NodeRef<leptos::html::Input>| {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let code = value_of(node);
            if code.is_empty() {
                return wrong.refuse(|m| m.code_invalid, id, node);
            }
            wrong.clear();
            prove.dispatch(ProveIdentity { method, code });
        }
    };
    let with_app = methods.contains(&MethodKind::AuthenticatorApp).then(|| {
        view! {
            <form on:submit=submit(MethodKind::AuthenticatorApp, "proof-app-code", app_code) novalidate>
                <Field id="proof-app-code" label=tr(|m| m.proof_app_code) autocomplete="one-time-code"
                    inputmode="numeric" node=app_code invalid=wrong.invalid("proof-app-code")/>
                <Submit label=tr(|m| m.confirm) busy=prove.pending()/>
            </form>
        }
    });
    view! {
        <h2>{tr(|m| m.proof_title)}</h2>
        <p>{tr(|m| m.proof_intro)}</p>
        <button type="button" class="button button--secondary" disabled=send.pending()
            on:click=move |_| {
                wrong.clear();
                send.dispatch(());
            }>{tr(|m| m.proof_send)}</button>
        <Show when=move || sent_to.with(Option::is_some)>
            <p role="status">{tr(|m| m.code_sent_to)} " " <strong>{move || sent_to.get()}</strong></p>
            <form on:submit=submit(MethodKind::Email, "proof-code", email_code) novalidate>
                <Field id="proof-code" label=tr(|m| m.code_label) autocomplete="one-time-code"
                    inputmode="numeric" node=email_code invalid=wrong.invalid("proof-code")/>
                <Submit label=tr(|m| m.confirm) busy=prove.pending()/>
            </form>
        </Show>
        {with_app}
    }
}
