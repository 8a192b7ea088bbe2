//! Form building blocks: a labelled field, a password field with a show/hide toggle, and the
//! submit button with its spinner.
//!
//! Inputs are uncontrolled: pages read them through a `NodeRef` on submit, which keeps the
//! reactive work (and the wasm) small. Every field has a visible label, the right `autocomplete`
//! and `aria-describedby` pointing at its hint; a field in error gets `aria-invalid`.

use crate::i18n::{tr, Text};
use leptos::html::Input;
use leptos::prelude::*;

/// A labelled text input.
#[component]
pub fn Field(
    /// The input's id (and name).
    id: &'static str,
    label: Text,
    /// `email`, `text`, …
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` token: `username`, `email`, `name`, `one-time-code`, …
    autocomplete: &'static str,
    node: NodeRef<Input>,
    #[prop(optional)] value: String,
    /// Whether this field is the one in error.
    #[prop(into, optional)]
    invalid: Signal<bool>,
    /// `numeric` for codes.
    #[prop(optional)]
    inputmode: &'static str,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label class="field__label" for=id>{tr(label)}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{tr(h)}</p> })}
            <input
                class="field__input"
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                value=value
                required
                aria-describedby=move || if invalid.get() { Some("form-error".to_owned()) } else { described.clone() }
                aria-invalid=move || invalid.get().then_some("true")
                node_ref=node
            />
        </div>
    }
}

/// A password input with a **Show password** toggle.
#[component]
pub fn PasswordField(
    id: &'static str,
    label: Text,
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
            <label class="field__label" for=id>{tr(label)}</label>
            <div class="field__row">
                <input
                    class="field__input"
                    id=id
                    name=id
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    required
                    maxlength="1024"
                    aria-describedby=move || if invalid.get() { "form-error" } else { describedby }
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
                    aria-pressed=move || if shown.get() { "true" } else { "false" }
                    aria-label=move || if shown.get() { tr(|m| m.hide_password)() } else { tr(|m| m.show_password)() }
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {move || if shown.get() { tr(|m| m.hide)() } else { tr(|m| m.show)() }}
                </button>
            </div>
        </div>
    }
}

/// The form's main button: disabled with a spinner while `busy`.
#[component]
pub fn Submit(label: Text, #[prop(into)] busy: Signal<bool>) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button button--primary"
            disabled=move || busy.get()
            aria-busy=move || if busy.get() { "true" } else { "false" }
        >
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || if busy.get() { tr(|m| m.working)() } else { tr(label)() }}</span>
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
