//! The authenticator app's one page: pairing from the link the security info page showed
//! (`/authenticator#pair=…`), the accounts paired with this device with their app codes, and
//! the requests waiting for the user, answered by typing the number the other screen shows.
//!
//! The accounts are read from IndexedDB ([`device`]) by a `LocalResource`; while the page is
//! open it asks the server every [`POLL`] for each account's waiting requests (signed with the
//! device key) and redraws the app codes every second. Requests are keyed by their id, so a
//! refresh never clears a number being typed.

use crate::api::{self, Failure};
use crate::device::{self, Account, DeviceError};
use crate::i18n::{t, Text};
use leptos::prelude::*;
use leptos::task::spawn_local;
use sspr_api::push::Location;
use sspr_api::{PushDecision, PushRequest, PushState, PushStatus};
use sspr_web::api::http::ApiError;
use sspr_web::components::language_switcher::LanguageSwitcher;
use sspr_web::i18n::{provide_i18n, tr, use_i18n};
use std::time::Duration;

/// How often the waiting requests are fetched.
const POLL: Duration = Duration::from_secs(2);
/// App codes: RFC 6238 with the server's parameters.
const CODE_DIGITS: usize = 6;
const CODE_STEP_SECS: u64 = 30;

/// What the page shows of a paired account (the key stays in [`Account`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct AccountView {
    device_id: String,
    account: String,
    issuer: String,
    totp_secret: Option<String>,
}

impl AccountView {
    fn of(account: &Account) -> AccountView {
        AccountView {
            device_id: account.device_id.clone(),
            account: account.account.clone(),
            issuer: account.issuer.clone(),
            totp_secret: account.totp_secret.clone(),
        }
    }
}

/// A request waiting for the user of one of the device's accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Waiting {
    device_id: String,
    request: PushRequest,
}

/// One answer: which account, which request, the number typed and the decision.
type Answer = (String, PushRequest, u8, PushDecision);
/// What came of it: the request's id and the server's word.
type Answered = (String, Result<PushStatus, Failure>);

/// What a failed call means to the user.
fn failure_text(failure: &Failure) -> Text {
    match failure {
        Failure::Device => |m| m.unsupported,
        Failure::Api(ApiError::Network) => |m| m.network,
        Failure::Api(ApiError::Server {
            status: 404 | 409, ..
        }) => |m| m.answered_elsewhere,
        Failure::Api(_) => |m| m.server_error,
    }
}

fn outcome_text(status: PushStatus) -> Text {
    match status.state {
        PushState::Approved => |m| m.approved,
        PushState::Denied => |m| m.denied,
        PushState::WrongNumber => |m| m.wrong_number,
        PushState::Expired => |m| m.expired,
        PushState::Pending | PushState::Cancelled => |m| m.answered_elsewhere,
    }
}

/// The pairing code in the address (`#pair=…`), if the page was opened from a pairing link.
fn pairing_code() -> Option<String> {
    let hash = window().location().hash().ok()?;
    let code = hash.strip_prefix("#pair=")?;
    (!code.is_empty()).then(|| code.to_owned())
}

/// Takes the pairing code out of the address, so a reload does not offer a used link again.
fn forget_pairing_code() {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("/authenticator"),
        );
    }
}

#[component]
pub fn AuthenticatorApp() -> impl IntoView {
    provide_i18n();
    // The tab's title (and a bookmark's name) in the page's language.
    let app_name = t(|m| m.app_name);
    Effect::new(move |_| document().set_title(app_name()));
    let keys = StoredValue::new_local(Vec::<Account>::new());
    let changed = RwSignal::new(0_u32);
    let accounts = LocalResource::new(move || {
        changed.track();
        async move {
            let found = device::accounts().await?;
            let views = found.iter().map(AccountView::of).collect::<Vec<_>>();
            keys.set_value(found);
            Ok::<_, DeviceError>(views)
        }
    });
    // A message for the whole page: the outcome of the last step, announced.
    let notice = RwSignal::new(None::<Text>);
    let problem = RwSignal::new(None::<Text>);
    // The last poll could not reach the server (it goes on trying).
    let unreachable = RwSignal::new(false);

    let pairing = RwSignal::new(pairing_code());
    let pair = Action::new_local(move |code: &String| {
        let code = code.clone();
        async move {
            let key = device::new_key().await?;
            let paired = api::pair(code, key.public.clone()).await?;
            device::save(&Account::new(paired, key)).await?;
            Ok::<_, Failure>(())
        }
    });
    Effect::new(move || match pair.value().get() {
        Some(Ok(())) => {
            forget_pairing_code();
            pairing.set(None);
            problem.set(None);
            notice.set(Some(|m| m.paired));
            changed.update(|n| *n += 1);
        }
        Some(Err(Failure::Api(ApiError::Server { status: 404, .. }))) => {
            problem.set(Some(|m| m.pair_failed));
        }
        Some(Err(failure)) => problem.set(Some(failure_text(&failure))),
        None => {}
    });

    let waiting = RwSignal::new(Vec::<Waiting>::new());
    let answered = StoredValue::new(Vec::<String>::new());
    let polling = StoredValue::new(false);
    let poll = move || {
        if polling.get_value() {
            return;
        }
        polling.set_value(true);
        spawn_local(async move {
            let mut found = Vec::new();
            let mut offline = false;
            for account in keys.get_value() {
                match api::requests(&account).await {
                    Ok(list) => found.extend(list.requests.into_iter().map(|request| Waiting {
                        device_id: account.device_id.clone(),
                        request,
                    })),
                    Err(Failure::Api(ApiError::Network)) => offline = true,
                    // A device the user removed on the security info page: nothing to show.
                    Err(_) => {}
                }
            }
            answered.with_value(|done| found.retain(|w| !done.contains(&w.request.challenge_id)));
            if waiting.get_untracked() != found {
                waiting.set(found);
            }
            if unreachable.get_untracked() != offline {
                unreachable.set(offline);
            }
            polling.set_value(false);
        });
    };
    // Polls from when the accounts are known, and at once after each change.
    Effect::new(move || {
        if let Some(Ok(_)) = accounts.get() {
            poll();
        }
    });
    if let Ok(handle) = set_interval_with_handle(poll, POLL) {
        on_cleanup(move || handle.clear());
    }
    let now_ms = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || now_ms.set(js_sys::Date::now()),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    let answer = Action::new_local(move |(device_id, request, number, decision): &Answer| {
        let account = keys.with_value(|k| k.iter().find(|a| &a.device_id == device_id).cloned());
        let (request, number, decision) = (request.clone(), *number, *decision);
        async move {
            let result = match account {
                Some(account) => {
                    api::answer(
                        &account,
                        &request.challenge_id,
                        &request.nonce,
                        number,
                        decision,
                    )
                    .await
                }
                None => Err(Failure::Device),
            };
            (request.challenge_id, result)
        }
    });
    Effect::new(move || {
        let Some((challenge_id, result)) = answer.value().get() else {
            return;
        };
        // Answered, well or not: it leaves the list, and a poll already on its way cannot
        // bring it back.
        answered.update_value(|done| done.push(challenge_id.clone()));
        waiting.update(|w| w.retain(|x| x.request.challenge_id != challenge_id));
        match result {
            Ok(status) => {
                problem.set(None);
                notice.set(Some(outcome_text(status)));
            }
            Err(failure) => problem.set(Some(failure_text(&failure))),
        }
    });

    let forget = Action::new_local(move |device_id: &String| {
        let device_id = device_id.clone();
        async move {
            if device::forget(&device_id).await.is_err() {
                problem.set(Some(|m| m.unsupported));
            }
            changed.update(|n| *n += 1);
        }
    });

    let pairing_panel = move || {
        pairing.get().map(|code| {
            view! {
                <section class="card" aria-labelledby="pair-title">
                    <h2 id="pair-title">{t(|m| m.pair_title)}</h2>
                    <p>{t(|m| m.pair_intro)}</p>
                    <button type="button" class="button button--primary" disabled=pair.pending()
                        on:click=move |_| { pair.dispatch(code.clone()); }>
                        {move || pair.pending().get().then(|| view! { <span class="spinner" aria-hidden="true"></span> })}
                        {t(|m| m.pair_button)}
                    </button>
                </section>
            }
        })
    };

    let account_list = move || {
        Suspend::new(async move {
            match accounts.await {
                Ok(list) if list.is_empty() => view! {
                    <p>{move || (pairing.get().is_none()).then(t(|m| m.none_paired))}</p>
                }
                .into_any(),
                Ok(list) => view! {
                    <ul class="authenticator-accounts">
                        {list.into_iter().map(|account| view! {
                            <AccountCard account now_ms forget/>
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
                Err(_) => {
                    view! { <p class="alert" role="alert">{t(|m| m.unsupported)}</p> }.into_any()
                }
            }
        })
    };

    view! {
        <a class="skip-link" href="#content">{tr(|m| m.skip_to_content)}</a>
        <header class="site-header">
            <span class="brand"><span class="brand__name">{t(|m| m.app_name)}</span></span>
        </header>
        <main id="content" class="site-main" tabindex="-1">
            <h1 class="visually-hidden">{t(|m| m.app_name)}</h1>
            <div role="status" aria-live="polite">
                {move || notice.get().map(|text| view! { <p class="notice">{t(text)}</p> })}
            </div>
            <div role="alert">
                {move || problem.get().map(|text| view! { <p class="alert">{t(text)}</p> })}
                {move || unreachable.get().then(|| view! { <p class="alert">{t(|m| m.network)}</p> })}
            </div>
            {pairing_panel}
            <section class="card" aria-labelledby="requests-title">
                <h2 id="requests-title">{t(|m| m.requests_title)}</h2>
                <Show when=move || !waiting.with(Vec::is_empty)
                    fallback=|| view! { <p>{t(|m| m.no_requests)}</p> }>
                    <For each=move || waiting.get() key=|w| w.request.challenge_id.clone() let:waiting>
                        <RequestCard waiting answer/>
                    </For>
                </Show>
            </section>
            <section class="card" aria-labelledby="accounts-title">
                <h2 id="accounts-title">{t(|m| m.accounts_title)}</h2>
                <Suspense fallback=|| view! {
                    <p class="loading" role="status"><span class="spinner" aria-hidden="true"></span>{t(|m| m.loading)}</p>
                }>{account_list}</Suspense>
            </section>
        </main>
        <footer class="site-footer"><LanguageSwitcher/></footer>
    }
}

/// One paired account: whose it is, its current app code, and **Remove from this device**.
#[component]
fn AccountCard(
    account: AccountView,
    now_ms: RwSignal<f64>,
    forget: Action<String, ()>,
) -> impl IntoView {
    let totp = account.totp_secret.as_deref().and_then(|secret| {
        let bytes = totp_rs::Secret::Encoded(secret.to_owned())
            .to_bytes()
            .ok()?;
        Some(totp_rs::TOTP::new_unchecked(
            totp_rs::Algorithm::SHA1,
            CODE_DIGITS,
            1,
            CODE_STEP_SECS,
            bytes,
        ))
    });
    let code_id = format!("code-{}", account.device_id);
    let code = totp.map(|totp| {
        let seconds = move || (now_ms.get() / 1000.0) as u64;
        let value = move || totp.generate(seconds());
        let left = move || CODE_STEP_SECS - seconds() % CODE_STEP_SECS;
        view! {
            <p class="authenticator-code">
                <span id=code_id.clone()>{t(|m| m.code_label)}</span>
                <output class="authenticator-code__value" aria-labelledby=code_id data-testid="app-code">{value}</output>
                <span class="authenticator-code__left">{left}" "{t(|m| m.code_seconds)}</span>
            </p>
        }
    });
    let device_id = account.device_id.clone();
    view! {
        <li class="authenticator-account">
            <p><strong>{account.issuer.clone()}</strong><br/>{account.account.clone()}</p>
            {match code {
                Some(code) => code.into_any(),
                None => view! { <p class="field__hint">{t(|m| m.no_codes)}</p> }.into_any(),
            }}
            <button type="button" class="button button--quiet"
                on:click=move |_| { forget.dispatch(device_id.clone()); }>
                {t(|m| m.forget)}
            </button>
        </li>
    }
}

/// A waiting request: the application, where it came from and when, the number field, and
/// **Approve** (the form's submit) or **Deny**.
#[component]
fn RequestCard(waiting: Waiting, answer: Action<Answer, Answered>) -> impl IntoView {
    let i18n = use_i18n();
    let Waiting { device_id, request } = waiting;
    let id = request.challenge_id.clone();
    let request_location = request.location.clone();
    let field = format!("number-{id}");
    let hint = format!("number-{id}-hint");
    let error = format!("number-{id}-error");
    let typed = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let location = move || match Location::parse(&request_location) {
        Location::ThisComputer => t(|m| m.location_this_computer)().to_owned(),
        Location::LocalNetwork => t(|m| m.location_local_network)().to_owned(),
        Location::Network(network) => network,
        Location::Unknown => t(|m| m.location_unknown)().to_owned(),
    };
    let time = {
        let at = request.created_at_ms as f64;
        move || {
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at))
                .to_locale_time_string(i18n.locale().get().tag())
                .as_string()
                .unwrap_or_default()
        }
    };
    let send = {
        let (device_id, request) = (device_id.clone(), request.clone());
        move |decision: PushDecision| {
            let number = typed
                .get_untracked()
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|n| *n < 100 && typed.get_untracked().trim().len() <= 2);
            match (number, decision) {
                (Some(number), _) => {
                    answer.dispatch((device_id.clone(), request.clone(), number, decision));
                }
                // A denial needs no number.
                (None, PushDecision::Deny) => {
                    answer.dispatch((device_id.clone(), request.clone(), 0, decision));
                }
                (None, PushDecision::Approve) => invalid.set(true),
            }
        }
    };
    let approve = send.clone();
    let deny = send;
    view! {
        <form class="authenticator-request" novalidate
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                approve(PushDecision::Approve);
            }>
            <h3>{t(|m| m.request_title)}</h3>
            <dl class="authenticator-request__facts">
                <dt>{t(|m| m.request_app)}</dt><dd>{request.application.clone()}</dd>
                <dt>{t(|m| m.request_location)}</dt><dd>{location}</dd>
                <dt>{t(|m| m.request_time)}</dt><dd>{time}</dd>
            </dl>
            <div class="field">
                <label class="field__label" for=field.clone()>{t(|m| m.number_label)}</label>
                <p class="field__hint" id=hint.clone()>{t(|m| m.number_hint)}</p>
                <input class="field__input" id=field.clone() name="number"
                    inputmode="numeric" autocomplete="off" maxlength="2" required
                    aria-invalid=move || invalid.get().to_string()
                    aria-describedby={
                        let described = format!("{hint} {error}");
                        move || if invalid.get() { described.clone() } else { hint.clone() }
                    }
                    on:input=move |ev| { typed.set(event_target_value(&ev)); invalid.set(false); }/>
                {move || invalid.get().then(|| view! {
                    <p class="alert" id=error.clone() role="alert">{t(|m| m.err_number)}</p>
                })}
            </div>
            <div class="actions">
                <button type="submit" class="button button--primary" disabled=answer.pending()>{t(|m| m.approve)}</button>
                <button type="button" class="button button--quiet" disabled=answer.pending()
                    on:click=move |_| deny(PushDecision::Deny)>{t(|m| m.deny)}</button>
            </div>
        </form>
    }
}
