//! Form building blocks: a labelled field, a password field with a show/hide toggle, and the
//! submit button with its spinner.
//!
//! Inputs are uncontrolled: pages read them through a `NodeRef` on submit, which keeps the
//! reactive work (and the wasm) small. Every field has a visible label, the right `autocomplete`
//! and `aria-describedby` pointing at its hint; a field in error gets `aria-invalid`, and is
//! described by the form's error and then its hint.
//!
//! The customer pages and the admin portal share these. Texts come in as [`Label`]s — reactive
//! getters from either catalog: `tr(|m| m.email_label)` here, `at(|m| …)` in the portal. Each
//! bundle passes one getter type, so each compiles every component once.

use crate::i18n::tr;
use leptos::html::Input;
use leptos::prelude::*;

/// A text in the current language, read reactively: what [`tr`] (or the portal's `at`) gives.
pub trait Label: Fn() -> &'static str + Copy + Send + Sync + 'static {}
impl<T: Fn() -> &'static str + Copy + Send + Sync + 'static> Label for T {}

/// A labelled text input.
#[component]
pub fn Field<L: Label>(
    /// The input's id (and name).
    id: &'static str,
    label: L,
    /// `email`, `text`, `number`, …
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` token: `username`, `email`, `name`, `one-time-code`, … (`off` when
    /// the browser has nothing useful to offer).
    #[prop(default = "off")]
    autocomplete: &'static str,
    node: NodeRef<Input>,
    #[prop(into, optional)] value: String,
    /// Whether this field is the one in error.
    #[prop(into, optional)]
    invalid: Signal<bool>,
    /// `numeric` for codes.
    #[prop(optional)]
    inputmode: &'static str,
    #[prop(optional)] hint: Option<L>,
    #[prop(default = true)] required: bool,
    /// Bounds of a `number` field.
    #[prop(optional)]
    min: &'static str,
    #[prop(optional)] max: &'static str,
    /// A hint inside the empty input (the company's username hint); never instead of `label`.
    #[prop(into, optional)]
    placeholder: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <input
                class="field__input"
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                min=(!min.is_empty()).then_some(min)
                max=(!max.is_empty()).then_some(max)
                placeholder=move || placeholder.get()
                value=value
                required=required
                aria-describedby=move || described_by(invalid.get(), described.as_deref())
                aria-invalid=move || invalid.get().then_some("true")
                node_ref=node
            />
        </div>
    }
}

/// What a field's `aria-describedby` names: the form's error first while the field is in error,
/// then its own hint, which stays read out beside the error.
fn described_by(invalid: bool, hint: Option<&str>) -> Option<String> {
    match (invalid, hint) {
        (true, Some(hint)) => Some(["form-error ", hint].concat()),
        (true, None) => Some("form-error".to_owned()),
        (false, hint) => hint.map(str::to_owned),
    }
}

/// A password input with a **Show password** toggle.
#[component]
pub fn PasswordField<L: Label>(
    id: &'static str,
    label: L,
    /// `current-password` or `new-password`.
    autocomplete: &'static str,
    node: NodeRef<Input>,
    #[prop(into, optional)] invalid: Signal<bool>,
    /// Called with the value on every keystroke (for live feedback).
    #[prop(optional)]
    on_input: Option<Callback<String>>,
    #[prop(optional)] describedby: &'static str,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            <div class="field__row">
                <input
                    class="field__input"
                    id=id
                    name=id
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    required
                    maxlength="1024"
                    aria-describedby=move || described_by(invalid.get(), Some(describedby).filter(|d| !d.is_empty()))
                    aria-invalid=move || invalid.get().then_some("true")
                    node_ref=node
                    on:input=move |ev| {
                        if let Some(cb) = on_input {
                            cb.run(event_target_value(&ev));
                        }
                    }
                />
                <button
                    type="button"
                    class="button button--quiet"
                    aria-controls=id
                    // The label says what a press does; `aria-pressed` as well would read
                    // "Hide password, pressed".
                    aria-label=move || if shown.get() { tr(|m| m.hide_password)() } else { tr(|m| m.show_password)() }
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { tr(|m| m.hide)() } else { tr(|m| m.show)() }}
                </button>
            </div>
        </div>
    }
}

/// The form's main button: disabled with a spinner while `busy`; full width in the customer
/// pages' card, as wide as its text (`inline`) in the portal's panels.
#[component]
pub fn Submit<L: Label>(
    label: L,
    #[prop(into)] busy: Signal<bool>,
    #[prop(optional)] inline: bool,
) -> impl IntoView {
    let class = if inline {
        "button button--primary button--inline"
    } else {
        "button button--primary"
    };
    let working = tr(|m| m.working);
    view! {
        <button
            type="submit"
            class=class
            disabled=move || busy.get()
            aria-busy=move || if busy.get() { "true" } else { "false" }
        >
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || if busy.get() { working() } else { label() }}</span>
        </button>
    }
}

/// The value of the input behind `node`, trimmed.
pub fn value_of(node: NodeRef<Input>) -> String {
    node.get_untracked()
        .map(|input| input.value().trim().to_owned())
        .unwrap_or_default()
}

/// The value of the input behind `node`, exactly as typed (passwords are never trimmed).
pub fn raw_value_of(node: NodeRef<Input>) -> String {
    node.get_untracked()
        .map(|input| input.value())
        .unwrap_or_default()
}

/// Moves keyboard focus to the input behind `node`.
pub fn focus(node: NodeRef<Input>) {
    if let Some(input) = node.get_untracked() {
        let _ = input.focus();
    }
}

/// Moves keyboard focus to the input behind `node` once the next frame is drawn: for a field
/// that the signal just set makes appear (the view updates after this task, so `node` is
/// still empty now).
pub fn focus_when_drawn(node: NodeRef<Input>) {
    request_animation_frame(move || focus(node));
}

#[cfg(test)]
mod tests {
    use super::described_by;

    #[test]
    fn a_field_in_error_is_described_by_the_error_then_its_hint() {
        assert_eq!(
            described_by(false, Some("a-hint")).as_deref(),
            Some("a-hint")
        );
        assert_eq!(described_by(false, None), None);
        assert_eq!(
            described_by(true, Some("a-hint")).as_deref(),
            Some("form-error a-hint")
        );
        assert_eq!(described_by(true, None).as_deref(), Some("form-error"));
    }
}
