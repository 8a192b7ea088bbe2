//! **Add sign-in method**: the methods the administrator enabled for this user. An
//! authenticator app shows its QR code and secret key and is saved with one of its codes; an
//! alternate address is saved with the code mailed to it; a mobile phone with the code texted
//! or spoken to it; an alternate or office phone with the code spoken to it
//! (`super::call_phone`); security questions are chosen from the list and answered.

use super::call_phone::CallPhone;
use super::{about_typed, kind_text, FieldInError};
use crate::api;
use crate::components::alert::Problem;
use crate::components::form::{focus_when_drawn, raw_value_of, value_of, Field, Submit};
use crate::components::qr::qr_code;
use crate::i18n::{question_in, tr, use_i18n};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{
    AddAlternateEmail, AddMobilePhone, ConfirmMethod, Email, ErrorCode, MethodKind, PhoneDelivery,
    QuestionAnswer, RegisterQuestions, SecurityInfo, WireName,
};

#[component]
pub fn Add(
    available: Vec<MethodKind>,
    done: Callback<SecurityInfo>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let chosen = RwSignal::new(None::<MethodKind>);
    let select = NodeRef::<leptos::html::Select>::new();
    let first = available.first().copied();
    let finished = Callback::new(move |found: SecurityInfo| {
        chosen.set(None);
        done.run(found);
    });
    if first.is_none() {
        return ().into_any();
    }
    let options = available
        .into_iter()
        .map(|kind| view! { <option value=kind.as_str()>{tr(kind_text(kind))}</option> })
        .collect_view();
    let open = move |ev: SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let value = select
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_default();
        chosen.set(MethodKind::parse(&value));
    };
    let form = move || match chosen.get() {
        Some(MethodKind::AuthenticatorApp) => view! { <App done=finished problem/> }.into_any(),
        Some(MethodKind::AlternateEmail) => view! { <Alternate done=finished problem/> }.into_any(),
        Some(MethodKind::MobilePhone) => view! { <Phone done=finished problem/> }.into_any(),
        Some(MethodKind::MicrosoftAuthenticator) => {
            view! { <super::push_pairing::Pairing done=finished problem/> }.into_any()
        }
        Some(kind @ (MethodKind::AlternatePhone | MethodKind::OfficePhone)) => {
            view! { <CallPhone kind done=finished problem/> }.into_any()
        }
        Some(MethodKind::SecurityQuestions) => {
            view! { <Questions done=finished problem/> }.into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <h2>{tr(|m| m.add_method)}</h2>
        <form class="inline-form" on:submit=open novalidate>
            <div class="field">
                <label class="field__label" for="method-kind">{tr(|m| m.choose_method)}</label>
                <select class="field__input" id="method-kind" node_ref=select>{options}</select>
            </div>
            <Submit inline=true label=tr(|m| m.add) busy=Signal::derive(|| false)/>
        </form>
        {form}
    }
    .into_any()
}

/// The code typed in the field `id` (`node`), or a problem about it and focus on it when empty.
pub(super) fn code_in(
    wrong: FieldInError,
    id: &'static str,
    node: NodeRef<leptos::html::Input>,
) -> Option<String> {
    let code = value_of(node);
    if code.is_empty() {
        wrong.refuse(|m| m.code_invalid, id, node);
        return None;
    }
    wrong.clear();
    Some(code)
}

#[component]
fn App(done: Callback<SecurityInfo>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let enrolment = LocalResource::new(api::enrol_app);
    let code = NodeRef::<leptos::html::Input>::new();
    let wrong = FieldInError::new(problem);
    let confirm = Action::new_local(move |body: &ConfirmMethod| {
        let body = body.clone();
        async move {
            match api::confirm_app(body).await {
                Ok(found) => done.run(found),
                Err(error) => wrong.answer(error, "app-code", code),
            }
        }
    });
    let shown = move || {
        Suspend::new(async move {
            match enrolment.await {
                Ok(enrolment) => {
                    let method_id = enrolment.method_id.clone();
                    let submit = move |ev: SubmitEvent| {
                        ev.prevent_default();
                        if let Some(typed) = code_in(wrong, "app-code", code) {
                            confirm.dispatch(ConfirmMethod {
                                method_id: method_id.clone(),
                                code: typed,
                            });
                        }
                    };
                    view! {
                        <h3>{tr(|m| m.kind_app)}</h3>
                        <p>{tr(|m| m.app_intro)}</p>
                        {qr_code(&enrolment.otpauth_uri, tr(|m| m.app_qr_label)())}
                        <p>{tr(|m| m.app_secret)} " " <code id="totp-secret">{enrolment.secret}</code></p>
                        <form on:submit=submit novalidate>
                            <Field id="app-code" label=tr(|m| m.app_code) autocomplete="one-time-code"
                                inputmode="numeric" node=code invalid=wrong.invalid("app-code")/>
                            <Submit label=tr(|m| m.confirm) busy=confirm.pending()/>
                        </form>
                    }
                    .into_any()
                }
                Err(error) => {
                    problem.set(Some(error.into()));
                    ().into_any()
                }
            }
        })
    };
    view! { <Suspense fallback=|| ()>{shown}</Suspense> }
}

#[component]
fn Alternate(done: Callback<SecurityInfo>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let address = NodeRef::<leptos::html::Input>::new();
    let code = NodeRef::<leptos::html::Input>::new();
    let pending = RwSignal::new(None::<(String, String)>);
    let wrong = FieldInError::new(problem);
    let send = Action::new_local(move |email: &Email| {
        let body = AddAlternateEmail {
            email: email.clone(),
        };
        async move {
            match api::add_alternate_email(body).await {
                Ok(sent) => {
                    pending.set(Some((sent.method_id, sent.masked_email)));
                    // The code field appears with the answer: focus it once it is drawn.
                    focus_when_drawn(code);
                }
                Err(error) => wrong.answer(error, "alternate-email", address),
            }
        }
    });
    let confirm = Action::new_local(move |body: &ConfirmMethod| {
        let body = body.clone();
        async move {
            match api::confirm_alternate_email(body).await {
                Ok(found) => done.run(found),
                Err(error) => wrong.answer(error, "alternate-code", code),
            }
        }
    });
    let send_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match Email::parse(&value_of(address)) {
            Ok(email) => {
                wrong.clear();
                send.dispatch(email);
            }
            Err(_) => wrong.refuse(|m| m.email_invalid, "alternate-email", address),
        }
    };
    let confirm_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(method_id) = pending.with_untracked(|p| p.as_ref().map(|(id, _)| id.clone()))
        else {
            return;
        };
        if let Some(typed) = code_in(wrong, "alternate-code", code) {
            confirm.dispatch(ConfirmMethod {
                method_id,
                code: typed,
            });
        }
    };
    view! {
        <h3>{tr(|m| m.kind_alternate_email)}</h3>
        <form on:submit=send_submit novalidate>
            <Field id="alternate-email" label=tr(|m| m.alternate_email_label) kind="email"
                autocomplete="email" node=address invalid=wrong.invalid("alternate-email")/>
            <Submit label=tr(|m| m.send_code) busy=send.pending()/>
        </form>
        <Show when=move || pending.with(Option::is_some)>
            <p role="status">{tr(|m| m.code_sent_to)} " "
                <strong>{move || pending.get().map(|(_, masked)| masked)}</strong></p>
            <form on:submit=confirm_submit novalidate>
                <Field id="alternate-code" label=tr(|m| m.code_label) autocomplete="one-time-code"
                    inputmode="numeric" node=code invalid=wrong.invalid("alternate-code")/>
                <Submit label=tr(|m| m.confirm) busy=confirm.pending()/>
            </form>
        </Show>
    }
}

#[component]
fn Phone(done: Callback<SecurityInfo>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let number = NodeRef::<leptos::html::Input>::new();
    let code = NodeRef::<leptos::html::Input>::new();
    let by_call = RwSignal::new(false);
    let pending = RwSignal::new(None::<(String, String)>);
    let wrong = FieldInError::new(problem);
    let send = Action::new_local(move |body: &AddMobilePhone| {
        let body = body.clone();
        async move {
            match api::add_mobile_phone(body).await {
                Ok(sent) => {
                    pending.set(Some((sent.method_id, sent.masked_number)));
                    // The code field appears with the answer: focus it once it is drawn.
                    focus_when_drawn(code);
                }
                Err(error) => {
                    let (text, about_it) = phone_problem(error, false);
                    wrong.show(text, about_it, "phone-number", number);
                }
            }
        }
    });
    let confirm = Action::new_local(move |body: &ConfirmMethod| {
        let body = body.clone();
        async move {
            match api::confirm_mobile_phone(body).await {
                Ok(found) => done.run(found),
                Err(error) => wrong.answer(error, "phone-code", code),
            }
        }
    });
    let send_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        wrong.clear();
        send.dispatch(AddMobilePhone {
            number: value_of(number),
            country: None,
            delivery: if by_call.get_untracked() {
                PhoneDelivery::Voice
            } else {
                PhoneDelivery::Sms
            },
        });
    };
    let confirm_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(method_id) = pending.with_untracked(|p| p.as_ref().map(|(id, _)| id.clone()))
        else {
            return;
        };
        if let Some(typed) = code_in(wrong, "phone-code", code) {
            confirm.dispatch(ConfirmMethod {
                method_id,
                code: typed,
            });
        }
    };
    view! {
        <h3>{tr(|m| m.kind_mobile_phone)}</h3>
        <form on:submit=send_submit novalidate>
            <Field id="phone-number" label=tr(|m| m.phone_number_label) kind="tel"
                autocomplete="tel" node=number hint=tr(|m| m.phone_number_hint)
                invalid=wrong.invalid("phone-number")/>
            <fieldset class="choices">
                <legend>{tr(|m| m.phone_delivery_legend)}</legend>
                <div class="choice">
                    <input type="radio" id="phone-by-text" name="phone-delivery"
                        prop:checked=move || !by_call.get() on:change=move |_| by_call.set(false)/>
                    <label for="phone-by-text">{tr(|m| m.phone_delivery_sms)}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="phone-by-call" name="phone-delivery"
                        prop:checked=move || by_call.get() on:change=move |_| by_call.set(true)/>
                    <label for="phone-by-call">{tr(|m| m.phone_delivery_voice)}</label>
                </div>
            </fieldset>
            <Submit label=tr(|m| m.send_code) busy=send.pending()/>
        </form>
        <Show when=move || pending.with(Option::is_some)>
            <p role="status">{tr(|m| m.code_sent_to)} " "
                <strong>{move || pending.get().map(|(_, masked)| masked)}</strong></p>
            <form on:submit=confirm_submit novalidate>
                <Field id="phone-code" label=tr(|m| m.code_label) autocomplete="one-time-code"
                    inputmode="numeric" node=code hint=tr(|m| m.phone_code_hint)
                    invalid=wrong.invalid("phone-code")/>
                <Submit label=tr(|m| m.confirm) busy=confirm.pending()/>
            </form>
        </Show>
    }
}

/// What a refused number or way of sending means on this form, and whether it is about the
/// number typed: the general texts say "some of what you entered" and "this method", this one
/// can say which. A phone that is only called (`call_only`: alternate, office) may be a
/// landline, and has no other way of sending to choose.
pub(super) fn phone_problem(error: api::ApiError, call_only: bool) -> (Problem, bool) {
    let refused = Problem::from(error);
    let about_number = about_typed(&refused);
    let text = match refused.code() {
        Some(ErrorCode::ValidationFailed) if call_only => Problem::Local(|m| m.phone_call_invalid),
        Some(ErrorCode::ValidationFailed) => Problem::Local(|m| m.phone_invalid),
        Some(ErrorCode::MethodDisabled) if call_only => Problem::Local(|m| m.more_disabled),
        Some(ErrorCode::MethodDisabled) => Problem::Local(|m| m.phone_delivery_off),
        _ => refused,
    };
    (text, about_number)
}

#[component]
fn Questions(done: Callback<SecurityInfo>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let i18n = use_i18n();
    let catalog = LocalResource::new(api::question_catalog);
    let save = Action::new_local(move |body: &RegisterQuestions| {
        let body = body.clone();
        async move {
            match api::register_questions(body).await {
                Ok(found) => done.run(found),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let shown = move || {
        Suspend::new(async move {
            let Ok(catalog) = catalog.await else {
                return ().into_any();
            };
            let rows: Vec<(NodeRef<leptos::html::Select>, NodeRef<leptos::html::Input>)> = (0
                ..catalog.to_register)
                .map(|_| (NodeRef::new(), NodeRef::new()))
                .collect();
            let rows = StoredValue::new(rows);
            let submit = move |ev: SubmitEvent| {
                ev.prevent_default();
                problem.set(None);
                let answers = rows.with_value(|rows| {
                    rows.iter()
                        .map(|(question, answer)| QuestionAnswer {
                            question: question
                                .get_untracked()
                                .map(|s| s.value())
                                .unwrap_or_default(),
                            answer: raw_value_of(*answer),
                        })
                        .collect()
                });
                save.dispatch(RegisterQuestions { answers });
            };
            let fields = rows.with_value(|rows| {
                rows.iter()
                    .enumerate()
                    .map(|(i, (question, answer))| {
                        let options = catalog
                            .questions
                            .iter()
                            .enumerate()
                            .map(|(j, q)| {
                                let shown = q.clone();
                                let shown = move || question_in(i18n.t(), &shown).to_owned();
                                view! { <option value=q.clone() selected=i == j>{shown}</option> }
                            })
                            .collect_view();
                        let question_id = format!("question-{i}");
                        let answer_id = format!("answer-{i}");
                        view! {
                            <fieldset>
                                <legend>{tr(|m| m.question_label)} " " {i + 1}</legend>
                                <div class="field">
                                    <label class="field__label" for=question_id.clone()>{tr(|m| m.question_label)}</label>
                                    <select class="field__input" id=question_id node_ref=*question>{options}</select>
                                </div>
                                <div class="field">
                                    <label class="field__label" for=answer_id.clone()>{tr(|m| m.answer_label)}</label>
                                    <input class="field__input" id=answer_id type="text" autocomplete="off" node_ref=*answer/>
                                </div>
                            </fieldset>
                        }
                    })
                    .collect_view()
            });
            view! {
                <form on:submit=submit novalidate>
                    {fields}
                    <Submit label=tr(|m| m.save) busy=save.pending()/>
                </form>
            }
            .into_any()
        })
    };
    view! {
        <h3>{tr(|m| m.kind_questions)}</h3>
        <p>{tr(|m| m.questions_intro)}</p>
        <Suspense fallback=|| ()>{shown}</Suspense>
    }
}
