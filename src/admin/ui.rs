//! The portal's own building blocks: a switch, the alert that announces what went wrong (and
//! notices an ended session), [`Loaded`] (a `LocalResource` under `Transition` and
//! `ErrorBoundary`, with **Try again**), a loading line, a notice, and the role guard. Fields and the
//! submit button are the customer pages' (`sspr_web::components::form`), given the portal's
//! texts through `at`. All use the same CSS classes and so the same design tokens.

use crate::app::use_portal;
use crate::i18n::{at, catalog, AText};
use leptos::prelude::*;
use sspr_api::{ErrorCode, Permission};
use sspr_web::api::ApiError;
use sspr_web::i18n::use_i18n;

/// A problem a page shows.
#[derive(Debug, Clone)]
pub enum Problem {
    /// An answer from the API.
    Api(ApiError),
    /// A check the page made itself.
    Local(AText),
    /// A number field outside its bounds: the field's label, the lowest and the highest.
    Range(AText, u32, u32),
}

impl From<ApiError> for Problem {
    fn from(error: ApiError) -> Self {
        Problem::Api(error)
    }
}

impl Problem {
    /// The sentence for this problem in the current language (reactive). Codes the portal
    /// words its own way come from its catalog; every other code from the shared one, so no
    /// server sentence is ever shown.
    pub fn text(&self) -> String {
        let m = catalog();
        let (status, error) = match self {
            Problem::Local(text) => return text(m).to_owned(),
            Problem::Range(label, min, max) => {
                return m
                    .err_range
                    .replace("{field}", label(m))
                    .replace("{min}", &min.to_string())
                    .replace("{max}", &max.to_string())
            }
            Problem::Api(ApiError::Server { status, body }) => (*status, body),
            Problem::Api(other) => return customer_text(other.clone()),
        };
        match error.known_code() {
            Some(ErrorCode::Forbidden) => m.err_forbidden.to_owned(),
            Some(ErrorCode::AdminSetupInvalid) => m.err_setup_invalid.to_owned(),
            Some(ErrorCode::InvalidCredentials) => m.err_credentials.to_owned(),
            Some(ErrorCode::NotFound) => m.err_not_found.to_owned(),
            Some(ErrorCode::AdminExists) => m.err_admin_exists.to_owned(),
            Some(ErrorCode::Unauthorized) => m.session_expired.to_owned(),
            _ => customer_text(ApiError::Server {
                status,
                body: error.clone(),
            }),
        }
    }

    /// The API's error code, if this came from the API.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Problem::Api(ApiError::Server { body, .. }) => body.known_code(),
            _ => None,
        }
    }
}

/// The shared catalog's sentence for `error` (network trouble, throttling, every error code,
/// server faults with their request id), in the current language.
fn customer_text(error: ApiError) -> String {
    sspr_web::components::alert::Problem::Api(error).text(use_i18n().t())
}

/// An answer that the session has ended (401) signs the portal out: the shell then shows the
/// sign-in page with "Your session has ended".
fn sign_out_on_401(problem: impl Fn() -> Option<ErrorCode> + 'static) {
    let Some(portal) = use_context::<crate::app::Portal>() else {
        return;
    };
    let location = leptos_router::hooks::use_location();
    Effect::new(move || {
        let public = crate::app::is_public(&location.pathname.get());
        if problem() == Some(ErrorCode::Unauthorized) && !public {
            portal.notice.set(Some(|m| m.session_expired));
            portal.me.set(Some(None));
        }
    });
}

/// Announces `problem` when there is one (`role="alert"`, always in the page so screen readers
/// hear it appear).
#[component]
pub fn Alert(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    sign_out_on_401(move || problem.with(|p| p.as_ref().and_then(Problem::code)));
    view! {
        <div class="alert-region" role="alert">
            {move || problem.get().map(|p| view! { <p class="alert" id="form-error">{p.text()}</p> })}
        </div>
    }
}

/// A load: "Loading…" until `resource` answers, then `children` of its value; a failed load
/// says why (announced) with **Try again**. `Transition` keeps the last value on screen while
/// a reload (after a change) runs.
#[component]
pub fn Loaded<T, V, F>(resource: LocalResource<Result<T, ApiError>>, children: F) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let retry = move |_| resource.refetch();
    view! {
        <Transition fallback=Loading>
            <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors retry/> }>
                {
                    let children = children.clone();
                    move || {
                        let children = children.clone();
                        Suspend::new(async move { resource.await.map(children) })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}

/// Why a load failed, and **Try again**.
#[component]
fn LoadFailed(
    errors: ArcRwSignal<Errors>,
    retry: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let problem = move || {
        errors.with(|e| {
            e.iter()
                .find_map(|(_, e)| e.downcast_ref::<ApiError>().cloned())
                .map(Problem::Api)
        })
    };
    let code = problem.clone();
    sign_out_on_401(move || code().and_then(|p| p.code()));
    view! {
        <div class="load-failed" role="alert">
            <p class="alert">{move || problem().map_or_else(|| at(|m| m.load_failed)().to_owned(), |p| p.text())}</p>
            <button type="button" class="button button--secondary" on:click=retry>
                {at(|m| m.try_again)}
            </button>
        </div>
    }
}

/// The field a page's own check found wrong: that field is marked `aria-invalid` and described
/// by the page's [`Alert`] (`form-error`) for as long as the alert says that check's problem. A
/// problem from the API names no field, so it marks none.
#[derive(Debug, Clone, Copy)]
pub struct Invalid {
    field: RwSignal<&'static str>,
    problem: RwSignal<Option<Problem>>,
    notice: RwSignal<Option<AText>>,
}

impl Invalid {
    /// For the page's `problem` and `notice`.
    pub fn new(problem: RwSignal<Option<Problem>>, notice: RwSignal<Option<AText>>) -> Self {
        Invalid {
            field: RwSignal::new(""),
            problem,
            notice,
        }
    }

    /// Says `problem` about the field `id` (whose input is `node`) and moves focus to it; the
    /// last action's confirmation goes, so it is not read beside the error.
    pub fn flag(self, id: &'static str, problem: Problem, node: NodeRef<leptos::html::Input>) {
        self.notice.set(None);
        self.field.set(id);
        self.problem.set(Some(problem));
        sspr_web::components::form::focus(node);
    }

    /// Whether the field `id` is the one in error (reactive): its `Field`'s `invalid`.
    pub fn of(self, id: &'static str) -> Signal<bool> {
        Signal::derive(move || {
            self.field.get() == id
                && self
                    .problem
                    .with(|p| matches!(p, Some(Problem::Local(_)) | Some(Problem::Range(..))))
        })
    }
}

/// "Loading…" with a spinner.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>{at(|m| m.loading)}</p>
    }
}

/// Controls that change something, disabled — with a sentence saying why — when the signed-in
/// administrator's role does not grant `permission`. A disabled `<fieldset>` keeps every value
/// readable and takes its inputs and buttons out of the tab order.
#[component]
pub fn Guarded(
    permission: Permission,
    /// Leave out the sentence (another `Guarded` on the page already says it).
    #[prop(optional)]
    quiet: bool,
    children: Children,
) -> impl IntoView {
    let portal = use_portal();
    let denied = move || !portal.can(permission);
    view! {
        {move || (denied() && !quiet).then(|| view! { <p class="notice notice--muted">{at(|m| m.read_only)}</p> })}
        <fieldset class="guarded" disabled=denied>{children()}</fieldset>
    }
}

/// A confirmation ("Your changes are saved."), announced politely.
#[component]
pub fn Notice(notice: RwSignal<Option<AText>>) -> impl IntoView {
    view! {
        <div role="status">
            {move || notice.get().map(|n| view! { <p class="notice">{at(n)}</p> })}
        </div>
    }
}

/// An on/off switch (a checkbox with `role="switch"`), its label beside it.
#[component]
pub fn Switch(
    id: &'static str,
    label: AText,
    checked: RwSignal<bool>,
    #[prop(optional)] hint: Option<AText>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="switch-field">
            <input
                class="switch"
                type="checkbox"
                role="switch"
                id=id
                prop:checked=move || checked.get()
                aria-describedby=described
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <label class="switch-field__label" for=id>{at(label)}</label>
            {hint.map(|h| view! { <p class="field__hint switch-field__hint" id=hint_id.clone()>{at(h)}</p> })}
        </div>
    }
}

/// The catalog's text for a value the server names, in the current language; `raw`, as the server
/// sent it, for a value this portal does not know yet.
pub fn text_or(text: Option<AText>, raw: String) -> AnyView {
    match text {
        Some(text) => view! { {at(text)} }.into_any(),
        None => raw.into_any(),
    }
}

/// A Graph time (ISO 8601) as [`when`] shows it; the text itself if it is not a time.
pub fn when_iso(iso: &str) -> String {
    let ms = js_sys::Date::parse(iso);
    if ms.is_finite() {
        when(ms as i64)
    } else {
        iso.to_owned()
    }
}

/// A time (unix ms) as the browser's local date and time, in the page's language.
pub fn when(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.to_locale_string(
        use_i18n().locale().get_untracked().tag(),
        &wasm_bindgen::JsValue::UNDEFINED,
    )
    .as_string()
    .unwrap_or_default()
}
