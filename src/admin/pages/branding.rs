//! `/admin/branding`: **Company branding** (SPEC A8) — the background colour, the banner logo,
//! the sign-in page text, the username hint, the "Forgot password?" text and the theme, with a
//! live preview of the sign-in page beside the form in light and in dark that follows every
//! keystroke. A background colour whose contrast with the theme's text is below WCAG AA
//! (4.5:1) is flagged before saving. **Save** is Graph's `PATCH …/branding`, then the logo's
//! `PUT …/branding/bannerLogo` when one was chosen.

use crate::api;
use crate::i18n::{at, AText};
use crate::ui::{Alert, Guarded, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::branding::{contrast_ratio, AA_TEXT_CONTRAST};
use sspr_api::{BrandingPatch, OrganizationalBranding, Permission};
use sspr_web::components::form::Submit;
use wasm_bindgen::JsCast;

/// The text colour of the default and dark themes (`style/tokens.css`, `style/themes/dark.css`).
const TEXT: [(&str, AText); 2] = [
    ("#1b1f24", |m| m.branding_preview_light),
    ("#e8edf3", |m| m.branding_preview_dark),
];

#[component]
pub fn BrandingPage() -> impl IntoView {
    let branding = LocalResource::new(api::branding);
    view! {
        <h1 tabindex="-1">{at(|m| m.branding_title)}</h1>
        <p>{at(|m| m.branding_intro)}</p>
        <Loaded resource=branding children=|found: OrganizationalBranding| view! { <BrandingForm found/> }/>
    }
}

/// Everything the form edits, as typed.
#[derive(Debug, Clone, Copy)]
struct Draft {
    colour: RwSignal<String>,
    sign_in_text: RwSignal<String>,
    hint: RwSignal<String>,
    forgot: RwSignal<String>,
    theme: RwSignal<String>,
    /// The logo shown in the preview: the stored one.
    logo: RwSignal<Option<String>>,
}

#[component]
fn BrandingForm(found: OrganizationalBranding) -> impl IntoView {
    let text = |t: &Option<String>| RwSignal::new(t.clone().unwrap_or_default());
    let cdn = found.cdn_list.first().cloned().unwrap_or_default();
    let draft = Draft {
        colour: text(&found.texts.background_color),
        sign_in_text: text(&found.texts.sign_in_page_text),
        hint: text(&found.texts.username_hint_text),
        forgot: text(&found.texts.custom_forgot_my_password_text),
        theme: text(&found.sspr_theme),
        logo: RwSignal::new(found.banner_logo_relative_url.map(|r| format!("{cdn}/{r}"))),
    };
    let file = StoredValue::new_local(None::<web_sys::File>);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let save = Action::new_local(move |patch: &BrandingPatch| {
        let patch = patch.clone();
        async move {
            let mut result = api::save_branding(patch).await;
            if let (Ok(()), Some(chosen)) = (&result, file.get_value()) {
                result = api::upload_banner_logo(chosen).await;
                if let (Ok(()), Ok(saved)) = (&result, api::branding().await) {
                    let cdn = saved.cdn_list.first().cloned().unwrap_or_default();
                    let relative = saved.banner_logo_relative_url;
                    draft.logo.set(relative.map(|r| format!("{cdn}/{r}")));
                }
            }
            match result {
                Ok(()) => notice.set(Some(|m| m.saved)),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = |s: RwSignal<String>| Some(Some(s.get_untracked().trim().to_owned()));
        problem.set(None);
        notice.set(None);
        save.dispatch(BrandingPatch {
            background_color: value(draft.colour),
            sign_in_page_text: value(draft.sign_in_text),
            username_hint_text: value(draft.hint),
            custom_forgot_my_password_text: value(draft.forgot),
            sspr_theme: value(draft.theme),
            ..BrandingPatch::default()
        });
    };
    let choose_logo = move |ev: leptos::ev::Event| {
        let chosen = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        // The preview shows a chosen logo once it is saved: the Content-Security-Policy lets
        // images come only from this origin and `data:`, not from a `blob:` object URL.
        if let Some(chosen) = chosen {
            file.set_value(Some(chosen));
        }
    };
    let themes = found.sspr_available_themes.clone();
    view! {
        <div class="branding-editor">
            <form class="panel" on:submit=submit novalidate>
                <Alert problem/>
                <Notice notice/>
                <Guarded permission=Permission::ManageAuthenticationPolicy>
                    <TextInput id="branding-colour" label=|m| m.branding_colour hint=Some(|m| m.branding_colour_hint) value=draft.colour/>
                    <ContrastWarning colour=draft.colour/>
                    <div class="field">
                        <label class="field__label" for="branding-logo">{at(|m| m.branding_logo)}</label>
                        <p class="field__hint" id="branding-logo-hint">{at(|m| m.branding_logo_hint)}</p>
                        <input class="field__input" id="branding-logo" type="file" accept="image/png,image/jpeg,image/webp"
                            aria-describedby="branding-logo-hint" on:change=choose_logo/>
                    </div>
                    <div class="field">
                        <label class="field__label" for="branding-sign-in-text">{at(|m| m.branding_sign_in_text)}</label>
                        <textarea class="field__input" id="branding-sign-in-text" rows="3" maxlength="1024"
                            prop:value=move || draft.sign_in_text.get()
                            on:input=move |ev| draft.sign_in_text.set(event_target_value(&ev))></textarea>
                    </div>
                    <TextInput id="branding-hint" label=|m| m.branding_username_hint hint=None value=draft.hint/>
                    <TextInput id="branding-forgot" label=|m| m.branding_forgot_text hint=None value=draft.forgot/>
                    <div class="field">
                        <label class="field__label" for="branding-theme">{at(|m| m.branding_theme)}</label>
                        <select class="field__input" id="branding-theme" on:change=move |ev| draft.theme.set(event_target_value(&ev))>
                            <option value="" selected=draft.theme.get_untracked().is_empty()>{at(|m| m.branding_theme_default)}</option>
                            {themes.into_iter().map(|t| {
                                let selected = draft.theme.get_untracked() == t;
                                view! { <option value=t.clone() selected=selected>{t.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <Submit label=at(|m| m.save) busy=save.pending()/>
                </Guarded>
            </form>
            <div class="branding-previews">
                {TEXT.into_iter().enumerate().map(|(i, (_, caption))| view! { <Preview draft dark=i == 1 caption/> }).collect_view()}
            </div>
        </div>
    }
}

/// A one-line text field bound to `value`.
#[component]
fn TextInput(
    id: &'static str,
    label: AText,
    hint: Option<AText>,
    value: RwSignal<String>,
) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label class="field__label" for=id>{at(label)}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{at(h)}</p> })}
            <input class="field__input" id=id type="text" aria-describedby=described
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// Says when the colour's contrast with a theme's text is below WCAG AA, as it is typed.
#[component]
fn ContrastWarning(colour: RwSignal<String>) -> impl IntoView {
    let low = move || {
        let colour = colour.get();
        TEXT.iter()
            .filter_map(|(text, name)| {
                let ratio = contrast_ratio(colour.trim(), text)?;
                (ratio < AA_TEXT_CONTRAST).then(|| format!("{} {ratio:.1}:1", at(*name)()))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div role="status">
            {move || {
                let low = low();
                (!low.is_empty()).then(|| view! {
                    <p class="alert">{at(|m| m.branding_contrast_low)} " " {low.join(", ")}</p>
                })
            }}
        </div>
    }
}

/// The sign-in page as customers will see it, with the draft's colour, logo and texts.
#[component]
fn Preview(draft: Draft, dark: bool, caption: AText) -> impl IntoView {
    let colour = move || {
        let c = draft.colour.get();
        (!c.trim().is_empty()).then(|| c.trim().to_owned())
    };
    let hint = move || {
        let h = draft.hint.get();
        if h.is_empty() {
            at(|m| m.preview_email)().to_owned()
        } else {
            h
        }
    };
    let forgot = move || {
        let f = draft.forgot.get();
        if f.is_empty() {
            at(|m| m.preview_forgot)().to_owned()
        } else {
            f
        }
    };
    view! {
        <figure class="branding-preview" class:branding-preview--dark=dark>
            <figcaption>{at(caption)}</figcaption>
            <div class="branding-preview__page" style:background-color=colour>
                <div class="branding-preview__header">
                    {move || draft.logo.get().map(|src| view! { <img class="brand__logo" src=src alt=at(|m| m.branding_logo)/> })}
                </div>
                <div class="card">
                    <p class="branding-preview__heading">{at(|m| m.preview_sign_in)}</p>
                    <p class="branding-preview__input">{hint}</p>
                    <p class="branding-preview__link">{forgot}</p>
                    <p><span class="button button--primary">{at(|m| m.preview_next)}</span></p>
                </div>
                {move || {
                    let text = draft.sign_in_text.get();
                    (!text.trim().is_empty()).then(|| view! { <p class="branding-text">{text}</p> })
                }}
            </div>
        </figure>
    }
}
