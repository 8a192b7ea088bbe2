//! `/<wizard>/methods?flow=…` (reset and unlock): **Verify another method**. When the reset
//! policy needs more than the emailed code (SPEC C9), the flow's view offers the user's other
//! registered methods; the user picks one in a radio group and proves it — the current code of
//! their authenticator app, a request approved on their paired app (push), a code texted or
//! spoken to one of their phones ("Text my mobile phone", "Call my mobile phone", the number
//! shown masked), or the answers to the security questions this flow asks (fetched once
//! chosen, one labelled field each). The alternate email address is not among them: it is the
//! email method the code step proves, and the code step can send its code there. Each proof answers with the flow's new view: while a
//! method is still missing the step asks again with what is left, then the wizard goes on to
//! its last step. The server's refusals (a wrong code or answers, a method the administrator
//! turned off) are announced with the catalog's sentences.

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, focus_when_drawn, value_of, Field, Submit};
use crate::i18n::{question_in, tr, use_i18n};
use crate::pages::flow::code::restart;
use crate::pages::flow::steps::{after_verify, flow_id, path, Step};
use crate::pages::security_info::kind_text;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use sspr_api::{
    ErrorCode, FlowPurpose, FlowView, MethodChoice, MethodKind, PhoneDelivery, ProveMethod,
    SendPhoneCode, WireName,
};
use wasm_bindgen::JsCast;

#[component]
pub fn Methods(purpose: FlowPurpose) -> impl IntoView {
    let Some(flow) = flow_id(use_query_map().with_untracked(|q| q.get("flow"))) else {
        return restart(purpose).into_any();
    };
    let flow = StoredValue::new(flow);
    let i18n = use_i18n();
    let navigate = StoredValue::new(use_navigate());
    let problem = RwSignal::new(None::<Problem>);
    // The flow as last answered (loaded, then each proof's answer), and the method chosen.
    let current = RwSignal::new(None::<FlowView>);
    let chosen = RwSignal::new(None::<Pick>);
    let proven_one = RwSignal::new(false);
    // Submitting the form with push chosen sends a request (`super::push`).
    let push_asked = RwSignal::new(0u32);
    let app_code = NodeRef::<leptos::html::Input>::new();
    let mailed_code = NodeRef::<leptos::html::Input>::new();
    // Where the last code for the alternate address or a phone went (masked), once one was
    // sent for the method chosen now.
    let mailed_to = RwSignal::new(None::<String>);

    // Where the flow goes once no method is missing; `replace` when this page was only passed
    // through, so Back does not return to it.
    let go_on = move |view: &FlowView, replace: bool| {
        let id = flow.get_value();
        if let Some(step) = after_verify(purpose, view.state, view.methods_missing) {
            let options = NavigateOptions {
                replace,
                ..Default::default()
            };
            navigate.with_value(|n| n(&path(purpose, step, &id), options));
        }
    };
    let show = move |view: FlowView| {
        let first = view.method_choices.first().map(pick_of);
        if first.is_none() {
            problem.set(Some(Problem::Local(|m| m.more_none)));
        }
        if !chosen.with_untracked(|c| c.is_some_and(|k| offers(&view, k))) {
            chosen.set(first);
        }
        current.set(Some(view));
    };
    let loaded = LocalResource::new(move || api::flow(flow.get_value()));
    Effect::new(move || match loaded.get() {
        Some(Ok(view)) if view.methods_missing == 0 => go_on(&view, true),
        Some(Ok(view)) => show(view),
        Some(Err(error)) => problem.set(Some(error.into())),
        None => {}
    });

    // The chosen flow's questions, fetched once security questions are chosen.
    let questions = LocalResource::new(move || {
        let wanted = chosen.get().map(|p| p.0) == Some(MethodKind::SecurityQuestions);
        let id = flow.get_value();
        async move {
            match wanted {
                true => Some(api::flow_questions(id).await),
                false => None,
            }
        }
    });

    let call = Action::new_local(move |body: &SendPhoneCode| {
        let (id, body) = (flow.get_value(), body.clone());
        async move {
            match api::send_phone_code(id, body).await {
                Ok(sent) => {
                    problem.set(None);
                    mailed_to.set(Some(sent.masked_number));
                    // The code field appears with the first answer.
                    focus_when_drawn(mailed_code);
                }
                Err(error) => problem.set(Some(turned_off(error.into(), loaded))),
            }
        }
    });
    let sending = call.pending();

    let prove = Action::new_local(move |body: &ProveMethod| {
        let (id, body) = (flow.get_value(), body.clone());
        async move {
            match api::prove_method(id, body.clone()).await {
                Ok(view) if view.methods_missing == 0 => go_on(&view, false),
                Ok(view) => {
                    proven_one.set(true);
                    show(view);
                }
                Err(error) => {
                    let refused = Problem::from(error);
                    problem.set(Some(match (refused.code(), body.method) {
                        (Some(ErrorCode::InvalidCode), MethodKind::AuthenticatorApp) => {
                            Problem::Local(|m| m.more_app_wrong)
                        }
                        _ => turned_off(refused, loaded),
                    }));
                    let code_field = match body.method {
                        MethodKind::AuthenticatorApp => Some(app_code),
                        kind if is_phone(kind) => Some(mailed_code),
                        _ => None,
                    };
                    if let Some(field) = code_field {
                        if let Some(input) = field.get_untracked() {
                            input.set_value("");
                        }
                        focus(field);
                    } else if let Some(input) = answer_input(0) {
                        let _ = input.focus();
                    }
                }
            }
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        proven_one.set(false);
        let body = match chosen.get_untracked().map(|p| p.0) {
            Some(kind) if is_phone(kind) => {
                if mailed_to.with_untracked(Option::is_none) {
                    problem.set(Some(Problem::Local(|m| m.more_phone_first)));
                    return;
                }
                let code = value_of(mailed_code);
                if code.is_empty() {
                    problem.set(Some(Problem::Local(|m| m.code_invalid)));
                    focus(mailed_code);
                    return;
                }
                ProveMethod {
                    method: kind,
                    code: Some(code),
                    answers: Vec::new(),
                }
            }
            Some(MethodKind::AuthenticatorApp) => {
                let code = value_of(app_code);
                if code.is_empty() {
                    problem.set(Some(Problem::Local(|m| m.code_invalid)));
                    focus(app_code);
                    return;
                }
                ProveMethod {
                    method: MethodKind::AuthenticatorApp,
                    code: Some(code),
                    answers: Vec::new(),
                }
            }
            Some(MethodKind::MicrosoftAuthenticator) => {
                push_asked.update(|n| *n += 1);
                return;
            }
            Some(MethodKind::SecurityQuestions) => {
                let asked = questions
                    .get_untracked()
                    .flatten()
                    .and_then(Result::ok)
                    .map_or(0, |q| q.questions.len());
                let mut answers = Vec::with_capacity(asked);
                for i in 0..asked {
                    let input = answer_input(i);
                    let typed = input.as_ref().map(|i| i.value()).unwrap_or_default();
                    if typed.trim().is_empty() {
                        problem.set(Some(Problem::Local(|m| m.more_answer_required)));
                        if let Some(input) = input {
                            let _ = input.focus();
                        }
                        return;
                    }
                    answers.push(typed);
                }
                if answers.is_empty() {
                    return;
                }
                ProveMethod {
                    method: MethodKind::SecurityQuestions,
                    code: None,
                    answers,
                }
            }
            _ => {
                problem.set(Some(Problem::Local(|m| m.more_choose_one)));
                if let Some(radio) = document()
                    .query_selector("input[name=method]")
                    .ok()
                    .flatten()
                {
                    if let Ok(radio) = radio.dyn_into::<web_sys::HtmlElement>() {
                        let _ = radio.focus();
                    }
                }
                return;
            }
        };
        problem.set(None);
        prove.dispatch(body);
    };

    let radios = move || {
        current.with(|view| {
            view.as_ref().map(|view| {
                view.method_choices
                    .iter()
                    .map(|choice| {
                        let pick = pick_of(choice);
                        let kind = choice.kind;
                        let id = match choice.delivery {
                            Some(delivery) => {
                                ["method-", kind.as_str(), "-", delivery_name(delivery)].concat()
                            }
                            None => ["method-", kind.as_str()].concat(),
                        };
                        // The masked number tells the user where the code goes.
                        let detail = is_phone(kind).then(|| [" (", &choice.detail, ")"].concat());
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="method" value=kind.as_str()
                                    prop:checked=move || chosen.get() == Some(pick)
                                    on:change=move |_| {
                                        problem.set(None);
                                        mailed_to.set(None);
                                        chosen.set(Some(pick));
                                    }/>
                                <label for=id>{tr(choice_text(pick))} {detail}</label>
                            </div>
                        }
                    })
                    .collect_view()
            })
        })
    };
    // Whether the form shows (choices were loaded), changing only when that does, so a refused
    // proof keeps what was typed.
    let shown = Memo::new(move |_| {
        current.with(|v| v.as_ref().is_some_and(|v| !v.method_choices.is_empty()))
    });
    Effect::new(move || {
        if let Some(Some(Err(error))) = questions.get() {
            problem.set(Some(error.into()));
        }
    });
    let invalid = Signal::derive(move || problem.with(Option::is_some));
    let asked = move || {
        questions.get().flatten().and_then(Result::ok).map(|asked| {
            asked
                .questions
                .into_iter()
                .enumerate()
                .map(|(i, question)| {
                    let id = ["answer-", &i.to_string()].concat();
                    view! {
                        <div class="field">
                            <label class="field__label" for=id.clone()>
                                {move || question_in(i18n.t(), &question).to_owned()}
                            </label>
                            <input class="field__input" id=id.clone() name=id type="text"
                                autocomplete="off" required
                                aria-describedby=move || invalid.get().then_some("form-error")
                                aria-invalid=move || invalid.get().then_some("true")/>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let method_fields = move || {
        match chosen.get() {
        Some((kind, Some(delivery))) if is_phone(kind) => view! {
            <p>
                <button type="button" class="button button--secondary" disabled=sending
                    aria-busy=move || if sending.get() { "true" } else { "false" }
                    on:click=move |_| {
                        problem.set(None);
                        call.dispatch(SendPhoneCode { method: kind, delivery });
                    }>{tr(match delivery {
                        PhoneDelivery::Sms => |m| m.more_phone_send_text,
                        PhoneDelivery::Voice => |m| m.more_phone_send_call,
                    })}</button>
            </p>
            <p class="notice" role="status">
                {move || mailed_to.get().map(|to| view! { {tr(|m| m.code_sent_to)} " " <strong>{to}</strong> })}
            </p>
            {move || mailed_to.with(Option::is_some).then(|| view! {
                <Field id="method-phone-code" label=tr(|m| m.more_phone_code) autocomplete="one-time-code"
                    inputmode="numeric" node=mailed_code hint=tr(|m| m.code_hint) invalid/>
            })}
        }
        .into_any(),
        Some((MethodKind::AuthenticatorApp, _)) => view! {
            <Field id="method-app-code" label=tr(|m| m.more_app_label) autocomplete="one-time-code"
                inputmode="numeric" node=app_code hint=tr(|m| m.more_app_hint) invalid/>
        }
        .into_any(),
        Some((MethodKind::MicrosoftAuthenticator, _)) => view! {
            <super::push::PushApproval flow=flow.get_value() ask=push_asked.into() problem
                done=Callback::new(move |view: FlowView| {
                    if view.methods_missing == 0 { go_on(&view, false) } else { proven_one.set(true); show(view) }
                })/>
        }
        .into_any(),
        Some((MethodKind::SecurityQuestions, _)) => view! {
            <p>{tr(|m| m.more_questions_intro)}</p>
            {asked}
        }
        .into_any(),
        _ => ().into_any(),
    }
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.more_title)}</h1>
            <p>{tr(if purpose == FlowPurpose::Unlock { |m| m.more_intro_unlock } else { |m| m.more_intro })}</p>
            <p class="notice" role="status">{move || proven_one.get().then(tr(|m| m.more_one_more))}</p>
            <Alert problem restart=path(purpose, Step::Email, "")/>
            {move || shown.get().then(|| view! {
                <form on:submit=submit novalidate>
                    <fieldset class="choices">
                        <legend>{tr(|m| m.more_choose)}</legend>
                        {radios}
                    </fieldset>
                    {method_fields}
                    <Submit label=tr(|m| m.verify) busy=prove.pending()/>
                </form>
            })}
        </section>
    }
    .into_any()
}

/// `refused`, unless the administrator turned the method off: then that, said for this step,
/// and the flow reloaded so the method is no longer offered.
fn turned_off<T: 'static>(refused: Problem, loaded: LocalResource<T>) -> Problem {
    if refused.code() == Some(ErrorCode::MethodDisabled) {
        loaded.refetch();
        Problem::Local(|m| m.more_disabled)
    } else {
        refused
    }
}

/// A choice of the step: the method, and for a phone how its code is sent.
type Pick = (MethodKind, Option<PhoneDelivery>);

fn pick_of(choice: &MethodChoice) -> Pick {
    (choice.kind, choice.delivery)
}

/// Whether `view` still offers `pick`.
fn offers(view: &FlowView, pick: Pick) -> bool {
    view.method_choices.iter().any(|c| pick_of(c) == pick)
}

/// Whether `kind` is a phone, whose code is texted or spoken.
fn is_phone(kind: MethodKind) -> bool {
    matches!(
        kind,
        MethodKind::MobilePhone | MethodKind::AlternatePhone | MethodKind::OfficePhone
    )
}

fn delivery_name(delivery: PhoneDelivery) -> &'static str {
    match delivery {
        PhoneDelivery::Sms => "sms",
        PhoneDelivery::Voice => "voice",
    }
}

/// What a choice is called: "Text my mobile phone", "Call my office phone", …, or the method.
fn choice_text(pick: Pick) -> crate::i18n::Text {
    match pick {
        (MethodKind::MobilePhone, Some(PhoneDelivery::Sms)) => |m| m.more_phone_text,
        (MethodKind::MobilePhone, Some(PhoneDelivery::Voice)) => |m| m.more_phone_call,
        (MethodKind::AlternatePhone, _) => |m| m.more_alternate_phone_call,
        (MethodKind::OfficePhone, _) => |m| m.more_office_phone_call,
        (kind, _) => kind_text(kind),
    }
}

/// The answer field of question `i`.
fn answer_input(i: usize) -> Option<web_sys::HtmlInputElement> {
    document()
        .get_element_by_id(&["answer-", &i.to_string()].concat())
        .and_then(|e| e.dyn_into().ok())
}
