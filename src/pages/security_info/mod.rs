//! `/account/security-info`: the methods the user proves who they are with (SPEC C7). Without
//! a proof newer than ten minutes the page first asks for one ([`proof`]); then it lists each
//! method masked, when it was added and last used, with **Delete** where allowed, and **Add
//! sign-in method** with the methods the administrator enabled ([`add`]). Nobody signed in: to
//! the sign-in page. Opened from the sign-in's registration interrupt (`/more-info`), it also
//! offers **Done**, which the server accepts once the methods are enough, and goes on.

mod add;
mod call_phone;
mod proof;
mod push_pairing;

use crate::api;
use crate::components::alert::{Alert, Problem};
use crate::components::form::{focus, Submit};
use crate::i18n::{tr, use_i18n, Text};
use crate::memory::{go, use_memory};
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use sspr_api::{ErrorCode, MethodKind, RegisteredMethod, SecurityInfo};

#[component]
pub fn SecurityInfoPage() -> impl IntoView {
    let navigate = use_navigate();
    let memory = use_memory();
    let problem = RwSignal::new(None::<Problem>);
    let on = navigate.clone();
    let finish = Action::new_local(move |_: &()| {
        let on = on.clone();
        async move {
            match api::end_registration(false).await {
                Ok(()) => {
                    memory.registering.set(false);
                    go(&on, memory.return_to.get_value());
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let done = move || {
        memory.registering.get().then(|| {
            view! {
                <form class="registration-done" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    problem.set(None);
                    finish.dispatch(());
                }>
                    <p>{tr(|m| m.reg_done_intro)}</p>
                    <Submit label=tr(|m| m.reg_done) busy=finish.pending()/>
                </form>
            }
        })
    };
    let notice = RwSignal::new(None::<Text>);
    let info = RwSignal::new(None::<SecurityInfo>);
    let loaded = LocalResource::new(api::security_info);
    Effect::new(move || match loaded.get() {
        Some(Ok(found)) => info.set(Some(found)),
        Some(Err(error)) if error.status() == Some(401) => {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate("/sign-in", replace);
        }
        Some(Err(error)) => problem.set(Some(error.into())),
        None => {}
    });
    let remove = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_method(id).await {
                Ok(found) => {
                    info.set(Some(found));
                    notice.set(Some(|m| m.method_deleted));
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let updated = Callback::new(move |found: SecurityInfo| {
        problem.set(None);
        notice.set(Some(|m| m.method_added));
        info.set(Some(found));
    });
    let proven = Callback::new(move |found: SecurityInfo| {
        problem.set(None);
        info.set(Some(found));
    });
    let body = move || {
        match info.get() {
        None => view! {
            <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>{tr(|m| m.loading)}</p>
        }
        .into_any(),
        Some(found) if found.proof_required => {
            view! { <proof::Proof methods=found.proof_methods done=proven problem/> }.into_any()
        }
        Some(found) => view! {
            <p>{tr(|m| m.security_info_intro)}</p>
            {methods_table(found.methods, move |id| {
                problem.set(None);
                notice.set(None);
                remove.dispatch(id);
            })}
            <add::Add available=found.available done=updated problem/>
        }
        .into_any(),
    }
    };
    view! {
        <section class="card">
            <h1 tabindex="-1">{tr(|m| m.security_info_title)}</h1>
            <Alert problem/>
            <p class="notice" role="status">{move || notice.get().map(|text| tr(text)())}</p>
            {body}
            {done}
            <p class="links"><A href="/account" exact=true>{tr(|m| m.back_to_account)}</A></p>
        </section>
    }
}

/// Which field of the open form the page's problem is about: that field is marked
/// `aria-invalid` and described by the alert while the problem shows, as on the other forms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldInError {
    problem: RwSignal<Option<Problem>>,
    field: RwSignal<Option<&'static str>>,
}

impl FieldInError {
    pub(crate) fn new(problem: RwSignal<Option<Problem>>) -> Self {
        Self {
            problem,
            field: RwSignal::new(None),
        }
    }

    /// Shows `text`, marks the field `id` when `about_it`, and moves focus to `node`, the
    /// field to act on next.
    pub(crate) fn show(
        &self,
        text: Problem,
        about_it: bool,
        id: &'static str,
        node: NodeRef<Input>,
    ) {
        self.problem.set(Some(text));
        self.field.set(about_it.then_some(id));
        focus(node);
    }

    /// The page's own check found field `id` wrong: says `text` and focuses it.
    pub(crate) fn refuse(&self, text: Text, id: &'static str, node: NodeRef<Input>) {
        self.show(Problem::Local(text), true, id, node);
    }

    /// The server refused what field `id` holds, or failed: says why, marks the field when the
    /// refusal is about what was typed (a malformed or wrong value), and focuses it.
    pub(crate) fn answer(&self, error: api::ApiError, id: &'static str, node: NodeRef<Input>) {
        let text = Problem::from(error);
        let about_it = about_typed(&text);
        self.show(text, about_it, id, node);
    }

    /// Nothing is wrong (before sending again).
    pub(crate) fn clear(&self) {
        self.problem.set(None);
        self.field.set(None);
    }

    /// Whether the field `id` is the one in error (reactive).
    pub(crate) fn invalid(&self, id: &'static str) -> Signal<bool> {
        let (problem, field) = (self.problem, self.field);
        Signal::derive(move || field.get() == Some(id) && problem.with(Option::is_some))
    }
}

/// Whether a refusal is about the value typed (malformed, or a wrong code) rather than about
/// the method, the session or the service.
pub(crate) fn about_typed(problem: &Problem) -> bool {
    matches!(
        problem.code(),
        Some(ErrorCode::ValidationFailed | ErrorCode::InvalidCode)
    )
}

/// The name of a kind of method.
pub fn kind_text(kind: MethodKind) -> Text {
    match kind {
        MethodKind::Email => |m| m.method_email,
        MethodKind::AuthenticatorApp => |m| m.kind_app,
        MethodKind::AlternateEmail => |m| m.kind_alternate_email,
        MethodKind::SecurityQuestions => |m| m.kind_questions,
        MethodKind::MobilePhone => |m| m.kind_mobile_phone,
        MethodKind::MicrosoftAuthenticator => |m| m.kind_push,
        MethodKind::AlternatePhone => |m| m.kind_alternate_phone,
        MethodKind::OfficePhone => |m| m.kind_office_phone,
    }
}

/// A date in the page's language, or a dash; follows a change of language.
fn date(ms: Option<i64>) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = use_i18n().locale();
    move || {
        let Some(ms) = ms else {
            return "—".to_owned();
        };
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
            .to_locale_date_string(locale.get().tag(), &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    }
}

/// The registered methods, with **Delete** where the server allows it.
fn methods_table(
    methods: Vec<RegisteredMethod>,
    remove: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr(|m| m.security_info_title)>
            <table class="table">
                <thead><tr>
                    <th scope="col">{tr(|m| m.col_method)}</th>
                    <th scope="col">{tr(|m| m.col_detail)}</th>
                    <th scope="col">{tr(|m| m.col_added)}</th>
                    <th scope="col">{tr(|m| m.col_last_used)}</th>
                    <th scope="col"><span class="visually-hidden">{tr(|m| m.col_actions)}</span></th>
                </tr></thead>
                <tbody>
                    {methods.into_iter().map(|method| {
                        let id = method.id.clone();
                        let name = tr(kind_text(method.kind));
                        let delete = method.deletable.then(|| view! {
                            <button type="button" class="button button--secondary"
                                aria-label=move || [tr(|m| m.delete)(), " ", name()].concat()
                                on:click=move |_| remove(id.clone())>{tr(|m| m.delete)}</button>
                        });
                        view! {
                            <tr>
                                <td>{name}</td>
                                <td>{method.kind.has_address().then_some(method.detail)}</td>
                                <td>{date(method.added_at_ms)}</td>
                                <td>{date(method.last_used_at_ms)}</td>
                                <td>{delete}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
