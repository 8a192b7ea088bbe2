//! The language picker in the footer.

use crate::i18n::{use_i18n, Locale};
use leptos::prelude::*;

/// A labelled `<select>` of every locale, each named in its own language.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        let tag = event_target_value(&ev);
        if let Some(locale) = Locale::ALL.iter().copied().find(|l| l.tag() == tag) {
            i18n.choose(locale);
        }
    };
    view! {
        <label class="language">
            <span class="language__label">{move || i18n.t().language_label}</span>
            <select class="language__select" on:change=on_change>
                {Locale::ALL
                    .iter()
                    .map(|locale| {
                        let locale = *locale;
                        view! {
                            <option
                                value=locale.tag()
                                selected=move || i18n.locale().get() == locale
                            >
                                {locale.messages().language_name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
