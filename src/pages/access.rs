//! `/access`: **Can't access your account?** (SPEC C10), linked from the password page. The
//! email, what happened — **I forgot my password** (the reset wizard) or **I know my password,
//! but still can't sign in** (the unlock wizard) — and the digits of an on-screen picture, then
//! the chosen wizard's code page. The page asks the server at load whether the picture is
//! needed (always, by default; a deployment may allow a few tries without one) and shows it
//! from the start when it is; a try the server still refuses for want of one
//! (`captcha_required`) brings it then. With the picture come a link to hear the digits and a
//! button for a new picture; a refused answer brings a new one, and so does a picture about to
//! expire before anything was typed for it.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, value_of, Field, Submit};
use crate::i18n::tr;
use crate::memory::use_memory;
use crate::pages::flow::steps::{path, Step};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{AccessChoice, AccessRequest, Email, ErrorCode};
use std::time::Duration;

#[component]
pub fn Access() -> impl IntoView {
    let memory = use_memory();
    let navigate = use_navigate();
    let email = NodeRef::new();
    let answer = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<Problem>);
    // The field the problem is about (marked invalid and described by the alert).
    let culprit = RwSignal::new(Culprit::Email);
    let choice = RwSignal::new(None::<AccessChoice>);
    // The verification code shown, once the server asked for one, and when it expires (ms).
    let captcha = RwSignal::new(None::<String>);
    let expires_at = StoredValue::new(0.0_f64);
    // A new picture, its field emptied and, after a refusal or on request, focused once it
    // shows (not when the page opens with it).
    let new_captcha = Action::new_local(move |then_focus: &bool| {
        let then_focus = *then_focus;
        async move {
            match api::new_captcha().await {
                Ok(made) => {
                    expires_at
                        .set_value(js_sys::Date::now() + made.expires_in_secs as f64 * 1000.0);
                    captcha.set(Some(made.captcha_id));
                    if let Some(input) = answer.get_untracked() {
                        input.set_value("");
                    }
                    if then_focus {
                        leptos::task::tick().await;
                        focus(answer);
                    }
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    // A picture about to expire that nothing was typed for yet is replaced quietly, so a slow
    // reader is not refused for it (one typed into is kept: a refusal then brings a new one).
    if let Ok(ticker) = set_interval_with_handle(
        move || {
            let soon = js_sys::Date::now() + EXPIRY_MARGIN_MS > expires_at.get_value();
            let untouched = answer.get_untracked().is_some_and(|a| a.value().is_empty());
            if captcha.get_untracked().is_some()
                && soon
                && untouched
                && !new_captcha.pending().get_untracked()
            {
                new_captcha.dispatch(false);
            }
        },
        Duration::from_secs(15),
    ) {
        on_cleanup(move || ticker.clear());
    }
    // The picture from the start when the server will ask for it.
    let prompt = LocalResource::new(api::access_prompt);
    Effect::new(move || {
        let required = prompt
            .get()
            .and_then(Result::ok)
            .map(|p| p.captcha_required);
        if required == Some(true)
            && captcha.get_untracked().is_none()
            && !new_captcha.pending().get_untracked()
        {
            new_captcha.dispatch(false);
        }
    });
    let send = Action::new_local(move |body: &AccessRequest| {
        let (body, navigate) = (body.clone(), navigate.clone());
        async move {
            match api::access(body).await {
                Ok(flow) => navigate(
                    &path(flow.purpose, Step::Code, &flow.flow_id),
                    NavigateOptions::default(),
                ),
                Err(error) => {
                    let refused = Problem::from(error);
                    let asked = matches!(
                        refused.code(),
                        Some(ErrorCode::CaptchaRequired | ErrorCode::CaptchaInvalid)
                    );
                    culprit.set(if asked {
                        Culprit::Captcha
                    } else {
                        Culprit::Email
                    });
                    problem.set(Some(refused));
                    if !asked {
                        focus(email);
                    } else if !new_captcha.pending().get_untracked() {
                        // One picture at a time: each counts against the client's limit a
                        // minute.
                        new_captcha.dispatch(true);
                    }
                }
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = value_of(email);
        let Ok(parsed) = Email::parse(&typed) else {
            culprit.set(Culprit::Email);
            problem.set(Some(Problem::Local(|m| m.email_invalid)));
            focus(email);
            return;
        };
        let Some(chosen) = choice.get_untracked() else {
            culprit.set(Culprit::Choice);
            problem.set(Some(Problem::Local(|m| m.access_choice_missing)));
            focus_choice();
            return;
        };
        let captcha_id = captcha.get_untracked();
        let captcha_answer = captcha_id.as_ref().map(|_| value_of(answer));
        if captcha_answer.as_deref() == Some("") {
            culprit.set(Culprit::Captcha);
            problem.set(Some(Problem::Local(|m| m.captcha_missing)));
            focus(answer);
            return;
        }
        memory.email.set(typed);
        problem.set(None);
        send.dispatch(AccessRequest {
            email: parsed,
            choice: chosen,
            captcha_id,
            captcha_answer,
            return_to: memory.return_to.get_value(),
            client_id: memory.client_id.get_value(),
        });
    };
    let radio = move |value: AccessChoice, id: &'static str, label: crate::i18n::Text| {
        view! {
            <div class="choice">
                <input type="radio" id=id name="choice"
                    prop:checked=move || choice.get() == Some(value)
                    on:change=move |_| choice.set(Some(value))/>
                <label for=id>{tr(label)}</label>
            </div>
        }
    };
    let invalid = move |field: Culprit| {
        Signal::derive(move || problem.with(Option::is_some) && culprit.get() == field)
    };
    let pictured = move || {
        captcha.get().map(|id| {
            let image = ["/api/captcha/", &id, "/image"].concat();
            let audio = ["/api/captcha/", &id, "/audio"].concat();
            view! {
                <div class="captcha">
                    <img class="captcha__image" src=image alt=tr(|m| m.captcha_alt) width="220" height="120"/>
                    <p class="links">
                        <a href=audio target="_blank" rel="noopener">{tr(|m| m.captcha_listen)}</a>
                        " "
                        <button type="button" class="button button--secondary"
                            disabled=new_captcha.pending()
                            on:click=move |_| { new_captcha.dispatch(true); }>
                            {tr(|m| m.captcha_new)}
                        </button>
                    </p>
                </div>
            }
        })
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.cant_access)}</h1>
            <p>{tr(|m| m.access_intro)}</p>
            <form on:submit=submit novalidate>
                <Alert problem/>
                <Field
                    id="email"
                    label=tr(|m| m.email_label)
                    kind="email"
                    autocomplete="username"
                    node=email
                    value=memory.email.get_untracked()
                    invalid=invalid(Culprit::Email)
                />
                <fieldset class="choices" aria-describedby=move || invalid(Culprit::Choice).get().then_some("form-error")>
                    <legend>{tr(|m| m.access_choose)}</legend>
                    {radio(AccessChoice::Reset, "choice-reset", |m| m.access_forgot)}
                    {radio(AccessChoice::Unlock, "choice-unlock", |m| m.access_locked)}
                </fieldset>
                {pictured}
                <div hidden=move || captcha.with(Option::is_none)>
                    <Field
                        id="captcha"
                        label=tr(|m| m.captcha_label)
                        hint=tr(|m| m.captcha_hint)
                        inputmode="numeric"
                        node=answer
                        invalid=invalid(Culprit::Captcha)
                    />
                </div>
                <Submit label=tr(|m| m.next) busy=send.pending()/>
            </form>
            <p class="links"><A href="/sign-in" exact=true>{tr(|m| m.sign_in)}</A></p>
        </section>
    }
}

/// How long before its expiry an untouched picture is replaced.
const EXPIRY_MARGIN_MS: f64 = 30_000.0;

/// Which field a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Culprit {
    Email,
    Choice,
    Captcha,
}

/// Moves keyboard focus to the first choice.
fn focus_choice() {
    if let Some(radio) = document().get_element_by_id("choice-reset") {
        use wasm_bindgen::JsCast;
        if let Ok(radio) = radio.dyn_into::<web_sys::HtmlElement>() {
            let _ = radio.focus();
        }
    }
}
