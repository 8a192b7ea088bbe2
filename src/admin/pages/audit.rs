//! `/admin/audit`: the audit log, newest first, filtered by user, event, outcome and time, one
//! page at a time (`GET /api/admin/audit`), and the same filters as a CSV download
//! (`/api/admin/audit.csv`).

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{text_or, when, Loaded};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::AuditPage;
use sspr_web::components::form::value_of;

/// A date typed in an `<input type="date">` (`YYYY-MM-DD`, local time) as unix ms, or empty;
/// `end` moves it to the next midnight, so "to" includes the whole day.
fn date_ms(date: &str, end: bool) -> String {
    if date.is_empty() {
        return String::new();
    }
    let parsed = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(
        &[date, "T00:00:00"].concat(),
    ));
    let ms = parsed.get_time();
    if ms.is_nan() {
        return String::new();
    }
    let ms = if end { ms + 86_400_000.0 } else { ms };
    (ms as i64).to_string()
}

#[component]
pub fn Audit() -> impl IntoView {
    let user = NodeRef::<leptos::html::Input>::new();
    let event = NodeRef::<leptos::html::Input>::new();
    let outcome = NodeRef::<leptos::html::Select>::new();
    let from = NodeRef::<leptos::html::Input>::new();
    let to = NodeRef::<leptos::html::Input>::new();
    let filters = RwSignal::new(api::Filters::new());
    let before = RwSignal::new(None::<String>);
    let page = LocalResource::new(move || api::audit(filters.get(), before.get()));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let outcome = outcome
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_default();
        filters.set(vec![
            ("user", value_of(user)),
            ("event", value_of(event)),
            ("outcome", outcome),
            ("from", date_ms(&value_of(from), false)),
            ("to", date_ms(&value_of(to), true)),
        ]);
        before.set(None);
    };
    let csv = move || filters.with(api::audit_csv);
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_audit)}</h1>
        <p>{at(|m| m.audit_intro)}</p>
        <form class="toolbar" on:submit=submit aria-label=at(|m| m.audit_filters)>
            <div class="field">
                <label class="field__label" for="audit-user">{at(|m| m.audit_user)}</label>
                <input class="field__input" id="audit-user" type="text" node_ref=user/>
            </div>
            <div class="field">
                <label class="field__label" for="audit-event">{at(|m| m.audit_event)}</label>
                <input class="field__input" id="audit-event" type="text" placeholder="sign_in" node_ref=event/>
            </div>
            <div class="field">
                <label class="field__label" for="audit-outcome">{at(|m| m.col_outcome)}</label>
                <select class="field__input" id="audit-outcome" node_ref=outcome>
                    <option value="">{at(|m| m.audit_any)}</option>
                    <option value="success">{at(|m| m.outcome_success)}</option>
                    <option value="failure">{at(|m| m.outcome_failure)}</option>
                    <option value="suppressed">{at(|m| m.outcome_suppressed)}</option>
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="audit-from">{at(|m| m.audit_from)}</label>
                <input class="field__input" id="audit-from" type="date" node_ref=from/>
            </div>
            <div class="field">
                <label class="field__label" for="audit-to">{at(|m| m.audit_to)}</label>
                <input class="field__input" id="audit-to" type="date" node_ref=to/>
            </div>
            <button type="submit" class="button button--secondary">{at(|m| m.audit_apply)}</button>
            <a class="button button--quiet" href=csv download="audit-log.csv">{at(|m| m.audit_csv)}</a>
        </form>
        <Loaded resource=page children=move |found: AuditPage| match found {
            found if found.items.is_empty() => view! { <p role="status">{at(|m| m.audit_none)}</p> }.into_any(),
            found => {
                let next = found.next.clone();
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_audit)><table class="table">
                        <caption class="visually-hidden">{at(|m| m.nav_audit)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_time)}</th>
                            <th scope="col">{at(|m| m.audit_event)}</th>
                            <th scope="col">{at(|m| m.col_outcome)}</th>
                            <th scope="col">{at(|m| m.col_actor)}</th>
                            <th scope="col">{at(|m| m.col_subject)}</th>
                            <th scope="col">{at(|m| m.col_ip)}</th>
                            <th scope="col">{at(|m| m.col_detail)}</th>
                        </tr></thead>
                        <tbody>
                            {found.items.into_iter().map(|e| view! {
                                <tr>
                                    <td>{when(e.at_ms)}</td>
                                    <td><code>{e.event}</code></td>
                                    <td>{text_or(outcome_text(&e.outcome), e.outcome)}</td>
                                    <td>{e.actor}</td>
                                    <td class="cell--wrap">{e.subject}</td>
                                    <td>{e.client_ip}</td>
                                    <td class="cell--wrap">
                                        <details>
                                            <summary>{at(|m| m.audit_show_detail)}</summary>
                                            <code>{e.detail}</code>
                                        </details>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <div class="button-row">
                        {before.get_untracked().map(|_| view! {
                            <button type="button" class="button button--secondary" on:click=move |_| before.set(None)>{at(|m| m.audit_newest)}</button>
                        })}
                        {next.map(|cursor| view! {
                            <button type="button" class="button button--secondary" on:click=move |_| before.set(Some(cursor.clone()))>{at(|m| m.audit_older)}</button>
                        })}
                    </div>
                }.into_any()
            }
        }/>
    }
}

/// The catalog's word for an event's outcome; the outcome itself for any other.
fn outcome_text(outcome: &str) -> Option<AText> {
    Some(match outcome {
        "success" => |m| m.outcome_success,
        "failure" => |m| m.outcome_failure,
        "suppressed" => |m| m.outcome_suppressed,
        _ => return None,
    })
}
