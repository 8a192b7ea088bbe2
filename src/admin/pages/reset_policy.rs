//! `/admin/password-reset`: the password reset policy — self-service reset for nobody, one group
//! or everyone; how many methods a reset needs and which count; notifications; re-confirmation
//! and registration (`GET`/`PUT /api/admin/reset-policy`).

use crate::api;
use crate::i18n::{at, AText};
use crate::pages::method::group_list;
use crate::ui::{Alert, Guarded, Invalid, Loaded, Notice, Problem, Switch};
use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;
use sspr_api::{GroupView, Permission, ResetMethod, ResetPolicy, SsprScope};
use sspr_web::components::form::{value_of, Field, Submit};

const METHODS: [(ResetMethod, AText); 5] = [
    (ResetMethod::Email, |m| m.reset_method_email),
    (ResetMethod::MobilePhone, |m| m.reset_method_mobile),
    (ResetMethod::OfficePhone, |m| m.reset_method_office),
    (ResetMethod::SecurityQuestions, |m| m.reset_method_questions),
    (ResetMethod::AuthenticatorApp, |m| m.reset_method_app),
];

#[component]
pub fn ResetPolicyPage() -> impl IntoView {
    let policy = LocalResource::new(api::reset_policy);
    let groups = group_list();
    view! {
        <h1 tabindex="-1">{at(|m| m.reset_policy_title)}</h1>
        <p>{at(|m| m.reset_policy_intro)}</p>
        <Loaded resource=policy children=move |found: ResetPolicy| view! { <PolicyForm policy=found groups/> }/>
    }
}

/// A number on the form: its field's id and input, its label, the number typed, and its bounds.
type CountField = (&'static str, NodeRef<Input>, AText, Option<u32>, u32, u32);

#[component]
fn PolicyForm(policy: ResetPolicy, groups: Signal<Vec<GroupView>>) -> impl IntoView {
    let scope = RwSignal::new(policy.enabled_for);
    let group = RwSignal::new(policy.group_id.clone().unwrap_or_default());
    let required = RwSignal::new(policy.methods_required);
    let methods = RwSignal::new(policy.methods.clone());
    let notify_users = RwSignal::new(policy.notify_users_on_reset);
    let notify_admins = RwSignal::new(policy.notify_admins_on_admin_reset);
    let notify_unlock = RwSignal::new(policy.notify_users_on_unlock);
    let notify_disable = RwSignal::new(policy.notify_users_on_disable);
    let notify_methods = RwSignal::new(policy.notify_users_on_method_change);
    let registration = RwSignal::new(policy.require_registration);
    let reconfirm = NodeRef::<Input>::new();
    let snooze = NodeRef::<Input>::new();
    let to_register = NodeRef::<Input>::new();
    let to_reset = NodeRef::<Input>::new();
    let custom = RwSignal::new(policy.custom_questions.join("\n"));
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let invalid = Invalid::new(problem, notice);
    let save = Action::new_local(move |body: &ResetPolicy| {
        let body = body.clone();
        async move {
            match api::save_reset_policy(body).await {
                Ok(_) => notice.set(Some(|m| m.saved)),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // The numbers are checked here (the server checks again), so the form can name the
        // field.
        let number = |node: NodeRef<Input>| value_of(node).parse::<u32>().ok();
        let (reconfirm_days, snooze_days) = (number(reconfirm), number(snooze));
        let register = number(to_register);
        let reset = number(to_reset);
        let counts: [CountField; 4] = [
            (
                "reconfirm",
                reconfirm,
                |m| m.reconfirm_days,
                reconfirm_days,
                0,
                730,
            ),
            ("snooze", snooze, |m| m.snooze_days, snooze_days, 0, 14),
            (
                "questions-register",
                to_register,
                |m| m.questions_to_register,
                register,
                3,
                5,
            ),
            (
                "questions-reset",
                to_reset,
                |m| m.questions_to_reset,
                reset,
                1,
                register.unwrap_or(5).clamp(1, 5),
            ),
        ];
        for (field, node, label, value, min, max) in counts {
            if !value.is_some_and(|n| (min..=max).contains(&n)) {
                invalid.flag(field, Problem::Range(label, min, max), node);
                return;
            }
        }
        let body = ResetPolicy {
            enabled_for: scope.get_untracked(),
            group_id: (scope.get_untracked() == SsprScope::Group)
                .then(|| group.get_untracked())
                .filter(|g| !g.is_empty()),
            methods_required: required.get_untracked(),
            methods: methods.get_untracked(),
            notify_users_on_reset: notify_users.get_untracked(),
            notify_admins_on_admin_reset: notify_admins.get_untracked(),
            notify_users_on_unlock: notify_unlock.get_untracked(),
            notify_users_on_disable: notify_disable.get_untracked(),
            notify_users_on_method_change: notify_methods.get_untracked(),
            reconfirm_after_days: reconfirm_days.unwrap_or_default(),
            require_registration: registration.get_untracked(),
            registration_snooze_days: snooze_days.unwrap_or_default(),
            // Checked above: at most 5.
            questions_to_register: register.map_or(0, |n| n as u8),
            questions_to_reset: reset.map_or(0, |n| n as u8),
            custom_questions: custom.with_untracked(|text| {
                text.lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
        };
        problem.set(None);
        notice.set(None);
        save.dispatch(body);
    };
    let scope_radio = move |id: &'static str, value: SsprScope, label: AText| {
        view! {
            <div class="choice">
                <input type="radio" id=id name="scope" prop:checked=move || scope.get() == value
                    on:change=move |_| scope.set(value)/>
                <label for=id>{at(label)}</label>
            </div>
        }
    };
    let count_radio = move |id: &'static str, value: u8| {
        view! {
            <div class="choice">
                <input type="radio" id=id name="required" prop:checked=move || required.get() == value
                    on:change=move |_| required.set(value)/>
                <label for=id>{value}</label>
            </div>
        }
    };
    view! {
        <form class="panel" on:submit=submit novalidate>
            <Alert problem/>
            <Notice notice/>
            <Guarded permission=Permission::ManageAuthenticationPolicy>
            <fieldset>
                <legend>{at(|m| m.sspr_enabled_for)}</legend>
                {scope_radio("scope-none", SsprScope::None, |m| m.scope_none)}
                {scope_radio("scope-group", SsprScope::Group, |m| m.scope_group)}
                {scope_radio("scope-all", SsprScope::All, |m| m.scope_all)}
            </fieldset>
            <Show when=move || scope.get() == SsprScope::Group>
                <div class="field">
                    <label class="field__label" for="sspr-group">{at(|m| m.sspr_group)}</label>
                    <select class="field__input" id="sspr-group" on:change=move |ev| group.set(event_target_value(&ev))>
                        <option value="">{at(|m| m.choose_group)}</option>
                        {move || groups.get().into_iter().map(|g| {
                            let selected = group.get_untracked() == g.id;
                            view! { <option value=g.id.clone() selected=selected>{g.display_name}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </Show>
            <fieldset>
                <legend>{at(|m| m.methods_required)}</legend>
                {count_radio("required-1", 1)}
                {count_radio("required-2", 2)}
            </fieldset>
            <fieldset>
                <legend>{at(|m| m.methods_available)}</legend>
                {METHODS.into_iter().map(|(method, label)| {
                    let input_id = ["method-", &(method as u8).to_string()].concat();
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=input_id.clone() prop:checked=move || methods.with(|m| m.contains(&method))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    methods.update(|m| {
                                        m.retain(|x| *x != method);
                                        if on { m.push(method); }
                                    });
                                }/>
                            <label for=input_id>{at(label)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <Switch id="notify-users" label=|m| m.notify_users checked=notify_users/>
            <Switch id="notify-admins" label=|m| m.notify_admins checked=notify_admins/>
            <Switch id="notify-unlock" label=|m| m.notify_unlock checked=notify_unlock/>
            <Switch id="notify-disable" label=|m| m.notify_disable checked=notify_disable/>
            <Switch id="notify-method-change" label=|m| m.notify_method_change checked=notify_methods/>
            <Switch id="require-registration" label=|m| m.require_registration checked=registration/>
            <Field id="reconfirm" label=at(|m| m.reconfirm_days) kind="number" inputmode="numeric" min="0" max="730"
                node=reconfirm value=policy.reconfirm_after_days.to_string() hint=at(|m| m.reconfirm_hint) invalid=invalid.of("reconfirm")/>
            <Field id="snooze" label=at(|m| m.snooze_days) kind="number" inputmode="numeric" min="0" max="14"
                node=snooze value=policy.registration_snooze_days.to_string() hint=at(|m| m.snooze_hint) invalid=invalid.of("snooze")/>
            <fieldset>
                <legend>{at(|m| m.questions_legend)}</legend>
                <Field id="questions-register" label=at(|m| m.questions_to_register) kind="number" inputmode="numeric" min="3" max="5"
                    node=to_register value=policy.questions_to_register.to_string() hint=at(|m| m.questions_to_register_hint) invalid=invalid.of("questions-register")/>
                <Field id="questions-reset" label=at(|m| m.questions_to_reset) kind="number" inputmode="numeric" min="1" max="5"
                    node=to_reset value=policy.questions_to_reset.to_string() hint=at(|m| m.questions_to_reset_hint) invalid=invalid.of("questions-reset")/>
                <div class="field">
                    <label class="field__label" for="custom-questions">{at(|m| m.custom_questions)}</label>
                    <textarea class="field__input" id="custom-questions" rows="4" aria-describedby="custom-questions-hint"
                        prop:value=move || custom.get()
                        on:input=move |ev| custom.set(event_target_value(&ev))></textarea>
                    <p class="field__hint" id="custom-questions-hint">{at(|m| m.custom_questions_hint)}</p>
                </div>
            </fieldset>
            <Submit inline=true label=at(|m| m.save) busy=save.pending()/>
            </Guarded>
        </form>
    }
}
