//! `/admin/methods/{id}`: one authentication method's policy — **Enable**, who it is for (all
//! users or chosen groups) and who not (the security questions' page also says the reset
//! policy must list them), the Email OTP settings (code length, lifetimes, tries,
//! "allow external users to use email OTP"), the phone settings of Sms and Voice (usable for
//! sign-in, office phones, the allowed countries and the daily caps), and **Save**
//! (`PATCH …/authenticationMethodConfigurations/{id}`, Graph's shape, effective at once).

use crate::api;
use crate::i18n::{at, AText};
use crate::pages::methods::{method_name, ALL_USERS};
use crate::ui::{Alert, Guarded, Invalid, Loaded, Notice, Problem, Switch};
use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::components::A;
use sspr_api::graph::{
    ExcludeTarget, ExternalEmailOtpState, IncludeTarget, MethodConfiguration,
    MethodConfigurationPatch, MethodId, MethodState, TargetType,
};
use sspr_api::{GroupView, Permission};
use sspr_web::components::form::{value_of, Field, Submit};

#[component]
pub fn Method(id: String) -> impl IntoView {
    let name = method_name(&id);
    let config = LocalResource::new(move || api::method(id.clone()));
    let groups = group_list();
    view! {
        <p><A href="/admin/methods" exact=true>{at(|m| m.back_to_methods)}</A></p>
        <h1 tabindex="-1">{at(name)} " " {at(|m| m.settings_suffix)}</h1>
        <Loaded resource=config children=move |found: MethodConfiguration| view! { <MethodForm config=found groups/> }/>
    }
}

/// Every group, for the target pickers (empty until loaded, or if they cannot be).
pub fn group_list() -> Signal<Vec<GroupView>> {
    let groups = LocalResource::new(api::groups);
    Signal::derive(move || {
        groups
            .get()
            .and_then(Result::ok)
            .map(|page| page.items)
            .unwrap_or_default()
    })
}

/// Groups as checkboxes, `chosen` holding the ticked ids.
#[component]
fn GroupChoices(
    name: &'static str,
    legend: AText,
    groups: Signal<Vec<GroupView>>,
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{at(legend)}</legend>
            {move || {
                let list = groups.get();
                if list.is_empty() {
                    return view! { <p class="field__hint">{at(|m| m.groups_none)}</p> }.into_any();
                }
                list.into_iter().map(|g| {
                    let input_id = [name, "-", &g.id].concat();
                    let group_id = g.id.clone();
                    let checked = {
                        let group_id = group_id.clone();
                        move || chosen.with(|c| c.contains(&group_id))
                    };
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=input_id.clone() prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| x != &group_id);
                                        if on { c.push(group_id.clone()); }
                                    });
                                }/>
                            <label for=input_id>{g.display_name}</label>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </fieldset>
    }
}

#[component]
fn MethodForm(config: MethodConfiguration, groups: Signal<Vec<GroupView>>) -> impl IntoView {
    let method = MethodId::parse(&config.id);
    let is_email = method == Some(MethodId::Email);
    let is_questions = method == Some(MethodId::SecurityQuestions);
    let is_sms = method == Some(MethodId::Sms);
    let is_voice = method == Some(MethodId::Voice);
    let is_phone = is_sms || is_voice;
    let is_authenticator = method == Some(MethodId::MicrosoftAuthenticator);
    let app_codes = RwSignal::new(config.is_software_oath_enabled != Some(false));
    // Sms: whether the included users' numbers also sign in (Graph keeps it on each target).
    let usable_for_sign_in = RwSignal::new(
        config
            .include_targets
            .iter()
            .all(|t| t.is_usable_for_sign_in != Some(false)),
    );
    let office_allowed = RwSignal::new(config.is_office_phone_allowed == Some(true));
    let countries = NodeRef::<Input>::new();
    let per_number = NodeRef::<Input>::new();
    let per_day = NodeRef::<Input>::new();
    let enabled = RwSignal::new(config.state == MethodState::Enabled);
    let everyone = RwSignal::new(
        config.include_targets.is_empty()
            || config.include_targets.iter().any(|t| t.id == ALL_USERS),
    );
    let included = RwSignal::new(
        config
            .include_targets
            .iter()
            .filter(|t| t.id != ALL_USERS && t.target_type == TargetType::Group)
            .map(|t| t.id.clone())
            .collect::<Vec<_>>(),
    );
    let excluded = RwSignal::new(
        config
            .exclude_targets
            .iter()
            .map(|t| t.id.clone())
            .collect::<Vec<_>>(),
    );
    let external = RwSignal::new(
        config
            .allow_external_id_to_use_email_otp
            .is_none_or(ExternalEmailOtpState::allows_guests),
    );
    let length = NodeRef::<Input>::new();
    let lifetime = NodeRef::<Input>::new();
    let guest_lifetime = NodeRef::<Input>::new();
    let attempts = NodeRef::<Input>::new();
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
    let id = StoredValue::new(config.id.clone());
    let save = Action::new_local(move |patch: &MethodConfigurationPatch| {
        let (id, patch) = (id.get_value(), patch.clone());
        async move {
            match api::patch_method(id, patch).await {
                Ok(()) => notice.set(Some(|m| m.saved)),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let odata_type = StoredValue::new(config.odata_type.clone());
    // The Email settings, each checked against its bounds here (the server checks again), so
    // a wrong value is named with its field in the page's language.
    let settings = [
        (
            "passcode-length",
            length,
            (|m| m.passcode_length) as AText,
            6,
            10,
        ),
        (
            "passcode-lifetime",
            lifetime,
            |m| m.passcode_lifetime,
            1,
            3600,
        ),
        (
            "guest-passcode-lifetime",
            guest_lifetime,
            |m| m.guest_passcode_lifetime,
            1,
            86400,
        ),
        (
            "passcode-attempts",
            attempts,
            |m| m.passcode_attempts,
            1,
            10,
        ),
    ];
    let number = |node: NodeRef<Input>| value_of(node).parse::<u32>().ok();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let usable = is_sms.then(|| usable_for_sign_in.get_untracked());
        let include_targets = if everyone.get_untracked() {
            vec![IncludeTarget {
                odata_type: None,
                id: ALL_USERS.into(),
                target_type: TargetType::Group,
                is_registration_required: false,
                is_usable_for_sign_in: usable,
            }]
        } else {
            included
                .get_untracked()
                .into_iter()
                .map(|id| IncludeTarget {
                    odata_type: None,
                    id,
                    target_type: TargetType::Group,
                    is_registration_required: false,
                    is_usable_for_sign_in: usable,
                })
                .collect()
        };
        let exclude_targets = excluded
            .get_untracked()
            .into_iter()
            .map(|id| ExcludeTarget {
                odata_type: None,
                id,
                target_type: TargetType::Group,
            })
            .collect();
        let mut patch = MethodConfigurationPatch {
            odata_type: Some(odata_type.get_value()),
            state: Some(if enabled.get_untracked() {
                MethodState::Enabled
            } else {
                MethodState::Disabled
            }),
            include_targets: Some(include_targets),
            exclude_targets: Some(exclude_targets),
            ..Default::default()
        };
        if is_email {
            for (field, node, label, min, max) in settings {
                let typed = value_of(node);
                let fits =
                    typed.is_empty() || number(node).is_some_and(|n| (min..=max).contains(&n));
                if !fits {
                    invalid.flag(field, Problem::Range(label, min, max), node);
                    return;
                }
            }
            patch.allow_external_id_to_use_email_otp = Some(if external.get_untracked() {
                ExternalEmailOtpState::Enabled
            } else {
                ExternalEmailOtpState::Disabled
            });
            patch.passcode_length = number(length).map(|n| n.min(255) as u8);
            patch.passcode_lifetime_in_seconds = number(lifetime);
            patch.guest_passcode_lifetime_in_seconds = number(guest_lifetime);
            patch.passcode_max_attempts = number(attempts);
        }
        if is_phone {
            let caps = [
                (
                    "sends-per-number",
                    per_number,
                    (|m| m.sends_per_number) as AText,
                    1,
                    20,
                ),
                ("sends-per-day", per_day, |m| m.sends_per_day, 1, 100_000),
            ];
            for (field, node, label, min, max) in caps {
                let typed = value_of(node);
                let fits =
                    typed.is_empty() || number(node).is_some_and(|n| (min..=max).contains(&n));
                if !fits {
                    invalid.flag(field, Problem::Range(label, min, max), node);
                    return;
                }
            }
            patch.allowed_countries = Some(country_list(&value_of(countries)));
            patch.max_sends_per_number_per_day = number(per_number);
            patch.max_sends_per_day = number(per_day);
            if is_voice {
                patch.is_office_phone_allowed = Some(office_allowed.get_untracked());
            }
        }
        if is_authenticator {
            patch.is_software_oath_enabled = Some(app_codes.get_untracked());
        }
        problem.set(None);
        notice.set(None);
        save.dispatch(patch);
    };
    let show = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    let settings = is_email.then(|| {
        view! {
            <fieldset>
                <legend>{at(|m| m.email_settings)}</legend>
                <Field id="passcode-length" label=at(|m| m.passcode_length) kind="number" inputmode="numeric"
                    min="6" max="10" node=length value=show(config.passcode_length.map(u32::from)) hint=at(|m| m.passcode_length_hint) invalid=invalid.of("passcode-length")/>
                <Field id="passcode-lifetime" label=at(|m| m.passcode_lifetime) kind="number" inputmode="numeric"
                    min="1" max="3600" node=lifetime value=show(config.passcode_lifetime_in_seconds) hint=at(|m| m.passcode_lifetime_hint) invalid=invalid.of("passcode-lifetime")/>
                <Field id="guest-passcode-lifetime" label=at(|m| m.guest_passcode_lifetime) kind="number" inputmode="numeric"
                    min="1" max="86400" node=guest_lifetime value=show(config.guest_passcode_lifetime_in_seconds) hint=at(|m| m.guest_passcode_lifetime_hint) invalid=invalid.of("guest-passcode-lifetime")/>
                <Field id="passcode-attempts" label=at(|m| m.passcode_attempts) kind="number" inputmode="numeric"
                    min="1" max="10" node=attempts value=show(config.passcode_max_attempts) hint=at(|m| m.passcode_attempts_hint) invalid=invalid.of("passcode-attempts")/>
                <Switch id="allow-external" label=|m| m.allow_external checked=external hint=|m| m.allow_external_hint/>
            </fieldset>
        }
    });
    let phone_settings = is_phone.then(|| {
        let listed = config.allowed_countries.clone().unwrap_or_default().join(", ");
        view! {
            <fieldset>
                <legend>{at(|m| m.phone_settings)}</legend>
                {is_sms.then(|| view! {
                    <Switch id="usable-for-sign-in" label=|m| m.usable_for_sign_in checked=usable_for_sign_in hint=|m| m.usable_for_sign_in_hint/>
                })}
                {is_voice.then(|| view! {
                    <Switch id="office-phone-allowed" label=|m| m.office_phone_allowed checked=office_allowed hint=|m| m.office_phone_allowed_hint/>
                })}
                <Field id="allowed-countries" label=at(|m| m.allowed_countries) node=countries value=listed required=false
                    hint=at(|m| m.allowed_countries_hint)/>
                <Field id="sends-per-number" label=at(|m| m.sends_per_number) kind="number" inputmode="numeric"
                    min="1" max="20" node=per_number value=show(config.max_sends_per_number_per_day) hint=at(|m| m.sends_per_number_hint) invalid=invalid.of("sends-per-number")/>
                <Field id="sends-per-day" label=at(|m| m.sends_per_day) kind="number" inputmode="numeric"
                    min="1" max="100000" node=per_day value=show(config.max_sends_per_day) hint=at(|m| m.sends_per_day_hint) invalid=invalid.of("sends-per-day")/>
            </fieldset>
        }
    });
    view! {
        <form class="panel" on:submit=submit novalidate>
            <Alert problem/>
            <Notice notice/>
            {is_questions.then(|| view! { <p>{at(|m| m.questions_policy_note)}</p> })}
            <Guarded permission=Permission::ManageAuthenticationPolicy>
            <Switch id="enable" label=|m| m.enable checked=enabled/>
            <fieldset>
                <legend>{at(|m| m.include_legend)}</legend>
                <div class="choice">
                    <input type="radio" id="target-all" name="target" prop:checked=move || everyone.get()
                        on:change=move |_| everyone.set(true)/>
                    <label for="target-all">{at(|m| m.target_all)}</label>
                </div>
                <div class="choice">
                    <input type="radio" id="target-groups" name="target" prop:checked=move || !everyone.get()
                        on:change=move |_| everyone.set(false)/>
                    <label for="target-groups">{at(|m| m.target_select)}</label>
                </div>
            </fieldset>
            <Show when=move || !everyone.get()>
                <GroupChoices name="include" legend=|m| m.include_groups groups chosen=included/>
            </Show>
            <GroupChoices name="exclude" legend=|m| m.exclude_legend groups chosen=excluded/>
            {settings}
            {phone_settings}
            {is_authenticator.then(|| view! {
                <Switch id="software-oath-enabled" label=|m| m.software_oath_enabled checked=app_codes hint=|m| m.software_oath_enabled_hint/>
            })}
            <Submit inline=true label=at(|m| m.save) busy=save.pending()/>
            </Guarded>
        </form>
    }
}

/// The allow-list as typed (`us, GB;fr`): upper case, split at commas, semicolons and spaces.
/// The server checks each is a country code.
fn country_list(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}
