//! `/admin/api-tokens`: tokens for scripts that call the Graph-compatible API
//! (`Authorization: Bearer …`) — create one with a role and a lifetime (its secret is shown this
//! once), see when each was last used, **Revoke** (`/api/admin/api-tokens`, global
//! administrators).

use crate::api;
use crate::app::role_text;
use crate::i18n::{at, AText};
use crate::ui::{when, Alert, Guarded, Invalid, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::{AdminRole, ApiTokenList, CreateApiToken, Permission, WireName};
use sspr_web::components::form::{value_of, Field, Submit};

#[component]
pub fn ApiTokens() -> impl IntoView {
    let list = LocalResource::new(api::api_tokens);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
    let secret = RwSignal::new(None::<String>);
    let name = NodeRef::new();
    let days = NodeRef::new();
    let role = RwSignal::new(AdminRole::Reader);
    let save = Action::new_local(move |body: &CreateApiToken| {
        let body = body.clone();
        async move {
            match api::create_api_token(body).await {
                Ok(created) => {
                    secret.set(Some(created.secret));
                    notice.set(Some(|m| m.done_token_created));
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let revoke = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::revoke_api_token(id).await {
                Ok(()) => {
                    notice.set(Some(|m| m.done_token_revoked));
                    list.refetch();
                }
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let token_name = value_of(name);
        if token_name.is_empty() {
            invalid.flag("token-name", Problem::Local(|m| m.err_token_name), name);
            return;
        }
        // The lifetime is checked here too, so the form can name the field.
        let Some(expires_in_days) = value_of(days)
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=365).contains(d))
        else {
            invalid.flag("token-days", Problem::Range(|m| m.token_days, 1, 365), days);
            return;
        };
        let body = CreateApiToken {
            name: token_name,
            role: role.get_untracked(),
            expires_in_days,
        };
        problem.set(None);
        notice.set(None);
        secret.set(None);
        save.dispatch(body);
    };
    let revoke = move |id: String| {
        problem.set(None);
        notice.set(None);
        revoke.dispatch(id);
    };
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_api_tokens)}</h1>
        <p>{at(|m| m.tokens_intro)}</p>
        <Alert problem/>
        <Notice notice/>
        {move || secret.get().map(|s| view! {
            <p>{at(|m| m.token_secret)} " " <code class="secret" data-testid="token-secret">{s}</code></p>
        })}
        <section class="panel" aria-labelledby="new-token">
            <h2 id="new-token">{at(|m| m.token_new)}</h2>
            <form on:submit=create novalidate>
                <Guarded permission=Permission::ManageAdmins>
                <Field id="token-name" label=at(|m| m.col_name) node=name invalid=invalid.of("token-name")/>
                <div class="field">
                    <label class="field__label" for="token-role">{at(|m| m.role_label)}</label>
                    <select class="field__input" id="token-role" on:change=move |ev| {
                        if let Some(r) = AdminRole::parse(&event_target_value(&ev)) { role.set(r); }
                    }>
                        {AdminRole::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=r == AdminRole::Reader>{at(role_text(r))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field id="token-days" label=at(|m| m.token_days) kind="number" inputmode="numeric" min="1" max="365"
                    node=days value="90" hint=at(|m| m.token_days_hint) invalid=invalid.of("token-days")/>
                <Submit inline=true label=at(|m| m.token_create) busy=save.pending()/>
                </Guarded>
            </form>
        </section>
        <Loaded resource=list children=move |found: ApiTokenList| match found {
            found if found.tokens.is_empty() => view! { <p>{at(|m| m.tokens_none)}</p> }.into_any(),
            found => view! {
                <Guarded permission=Permission::ManageAdmins quiet=true>
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_api_tokens)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.nav_api_tokens)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_name)}</th>
                            <th scope="col">{at(|m| m.role_label)}</th>
                            <th scope="col">{at(|m| m.col_created)}</th>
                            <th scope="col">{at(|m| m.col_expires)}</th>
                            <th scope="col">{at(|m| m.col_last_used)}</th>
                            <th scope="col">{at(|m| m.actions_title)}</th>
                        </tr></thead>
                        <tbody>
                            {found.tokens.into_iter().map(|t| {
                                let id = t.id.clone();
                                let label = [at(|m| m.token_revoke)(), " ", &t.name].concat();
                                view! {
                                    <tr>
                                        <td>{t.name.clone()}</td>
                                        <td>{at(role_text(t.role))}</td>
                                        <td>{when(t.created_at_ms)}</td>
                                        <td>{when(t.expires_at_ms)}</td>
                                        <td>{t.last_used_at_ms.map_or_else(|| "—".to_owned(), when)}</td>
                                        <td>{match t.revoked_at_ms {
                                            Some(at_ms) => view! { {at(|m| m.token_revoked)} " " {when(at_ms)} }.into_any(),
                                            None => view! {
                                                <button type="button" class="button button--quiet" aria-label=label
                                                    on:click=move |_| revoke(id.clone())>{at(|m| m.token_revoke)}</button>
                                            }.into_any(),
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                </Guarded>
            }.into_any(),
        }/>
    }
}
