//! `/admin/methods`: Authentication methods → Policies — one row per method with its state and
//! target, each leading to its policy (`GET …/authenticationMethodsPolicy`, Graph's shape; the
//! security questions are this product's own configuration in the same list).

use crate::api;
use crate::i18n::{at, catalog, AText};
use crate::ui::Loaded;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::graph::{AuthenticationMethodsPolicy, IncludeTarget, MethodId, MethodState};

/// The everyone group's id in targets.
pub const ALL_USERS: &str = "all_users";

/// The name of method `id` (Graph's configuration id), as the portal shows it.
pub fn method_name(id: &str) -> AText {
    match MethodId::parse(id) {
        Some(MethodId::Email) => |m| m.method_email,
        Some(MethodId::Sms) => |m| m.method_sms,
        Some(MethodId::Voice) => |m| m.method_voice,
        Some(MethodId::SoftwareOath) => |m| m.method_software_oath,
        Some(MethodId::MicrosoftAuthenticator) => |m| m.method_authenticator,
        Some(MethodId::Fido2) => |m| m.method_fido2,
        Some(MethodId::TemporaryAccessPass) => |m| m.method_tap,
        Some(MethodId::SecurityQuestions) => |m| m.method_security_questions,
        None => |m| m.method_other,
    }
}

/// "All users", "1 group", "2 groups", or "No one" for an include list (reactive in the
/// language).
pub fn target_text(targets: &[IncludeTarget]) -> String {
    let m = catalog();
    if targets.iter().any(|t| t.id == ALL_USERS) {
        m.target_all.to_owned()
    } else if targets.is_empty() {
        m.target_none.to_owned()
    } else {
        let noun = if targets.len() == 1 {
            m.target_group
        } else {
            m.target_groups
        };
        [&targets.len().to_string(), " ", noun].concat()
    }
}

#[component]
pub fn Methods() -> impl IntoView {
    let policy = LocalResource::new(api::methods_policy);
    view! {
        <h1 tabindex="-1">{at(|m| m.methods_title)}</h1>
        <p>{at(|m| m.methods_intro)}</p>
        <Loaded resource=policy children=|found: AuthenticationMethodsPolicy| view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=at(|m| m.methods_title)>
                    <table class="table">
                        <caption class="visually-hidden">{at(|m| m.methods_title)}</caption>
                        <thead><tr>
                            <th scope="col">{at(|m| m.col_method)}</th>
                            <th scope="col">{at(|m| m.col_target)}</th>
                            <th scope="col">{at(|m| m.col_enabled)}</th>
                        </tr></thead>
                        <tbody>
                            {found.authentication_method_configurations.into_iter().map(|c| {
                                let on = c.state == MethodState::Enabled;
                                let targets = c.include_targets.clone();
                                view! {
                                    <tr>
                                        <td><A href=["/admin/methods/", &c.id].concat() exact=true>{at(method_name(&c.id))}</A></td>
                                        <td>{move || target_text(&targets)}</td>
                                        <td><span class="state" data-on=on.to_string()>
                                            {if on { at(|m| m.yes)() } else { at(|m| m.no)() }}
                                        </span></td>
                                    </tr>
                                }
                            }).collect_view()}
                            <tr>
                                <td>{at(|m| m.method_password)}</td>
                                <td>{at(|m| m.target_all)}</td>
                                <td><span class="state" data-on="true">{at(|m| m.state_always_on)}</span></td>
                            </tr>
                        </tbody>
                    </table>
                </div>
                <p>{at(|m| m.methods_builtin_note)}</p>
        }/>
    }
}
