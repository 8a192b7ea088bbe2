//! `/admin/user-flows`: the sign-up-and-sign-in user flows — identity provider, SSPR, the
//! applications that use each — and **New user flow** (`GET /api/admin/user-flows`).

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::Loaded;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::{IdentityProvider, UserFlowList};

/// The id in `/admin/user-flows/new`: the editor for a flow not yet created.
pub const NEW: &str = "new";

pub fn provider_text(provider: IdentityProvider) -> AText {
    match provider {
        IdentityProvider::EmailPassword => |m| m.provider_email_password,
        IdentityProvider::EmailOtp => |m| m.provider_email_otp,
    }
}

#[component]
pub fn UserFlows() -> impl IntoView {
    let list = LocalResource::new(api::user_flows);
    view! {
        <h1 tabindex="-1">{at(|m| m.nav_user_flows)}</h1>
        <p>{at(|m| m.user_flows_intro)}</p>
        <p><A href=["/admin/user-flows/", NEW].concat() attr:class="button button--secondary" exact=true>{at(|m| m.user_flow_new)}</A></p>
        <Loaded resource=list children=|found: UserFlowList| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.nav_user_flows)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.nav_user_flows)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_name)}</th>
                            <th scope="col">{at(|m| m.col_provider)}</th>
                            <th scope="col">{at(|m| m.col_sspr)}</th>
                            <th scope="col">{at(|m| m.col_applications)}</th>
                        </tr></thead>
                        <tbody>
                            {found.flows.into_iter().map(|f| view! {
                                <tr>
                                    <td>
                                        <A href=["/admin/user-flows/", &f.id].concat() exact=true>{f.name.clone()}</A>
                                        {f.is_default.then(|| view! { " " <span class="badge">{at(|m| m.default_badge)}</span> })}
                                    </td>
                                    <td>{at(provider_text(f.identity_provider))}</td>
                                    <td>{if f.sspr_enabled { at(|m| m.yes)() } else { at(|m| m.no)() }}</td>
                                    <td>{f.applications.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
        }/>
    }
}
