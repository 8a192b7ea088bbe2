//! `/admin/branding`: **Company branding** (SPEC A8) — the background colour, the banner logo,
//! the sign-in page text, the username hint, the "Forgot password?" text and the theme, with a
//! live preview of the sign-in page beside the form in light and in dark that follows every
//! keystroke; also the square logo, the background image, the privacy and terms links and the
//! custom CSS, for every language or for French only (the language selector edits the `fr-FR`
//! localization, created on its first save). A background colour whose contrast with the
//! theme's text is below WCAG AA (4.5:1) is flagged before saving; an image of the wrong type,
//! size or pixel dimensions is refused as it is chosen. **Save** is Graph's `PATCH …/branding` (or the
//! localization's), then a `PUT` for each image chosen and for the CSS when it changed; the
//! server's refusal of an image or of the CSS is shown, announced, under its field, in the
//! portal's language (the catalog's sentence for the rule its detail names).

use crate::api;
use crate::i18n::{at, catalog, AText, AdminMessages};
use crate::ui::{Alert, Guarded, Loaded, Notice, Problem};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use sspr_api::branding::{
    contrast_ratio, parse_pixels_target, CssRule, ImageCaps, ImageRule, AA_TEXT_CONTRAST,
    BACKGROUND_IMAGE_CAPS, BANNER_LOGO_CAPS, SQUARE_LOGO_CAPS,
};
use sspr_api::{BrandingPatch, ErrorBody, OrganizationalBranding, Permission, WireName};
use sspr_web::api::http::ApiError;
use sspr_web::components::form::Submit;
use wasm_bindgen::JsCast;

/// The text colour of the default and dark themes (`style/tokens.css`, `style/themes/dark.css`).
const TEXT: [(&str, AText); 2] = [
    ("#1b1f24", |m| m.branding_preview_light),
    ("#e8edf3", |m| m.branding_preview_dark),
];

/// The localization the language selector's French choice edits.
const FRENCH: &str = "fr-FR";

/// What the form starts from: the branding (default or localization), whether the
/// localization must still be created, and the custom CSS.
#[derive(Debug, Clone)]
struct Editing {
    locale: Option<String>,
    found: OrganizationalBranding,
    create: bool,
    css: String,
}

async fn load(locale: Option<String>) -> Result<Editing, ApiError> {
    let (found, create) = match &locale {
        None => (api::branding().await?, false),
        Some(locale) => match api::branding_localization(locale.clone()).await? {
            Some(found) => (found, false),
            None => {
                let default = api::branding().await?;
                let found = OrganizationalBranding {
                    texts: Default::default(),
                    background_image_relative_url: None,
                    banner_logo_relative_url: None,
                    square_logo_relative_url: None,
                    custom_css_relative_url: None,
                    sspr_theme: None,
                    ..default
                };
                (found, true)
            }
        },
    };
    let css = api::custom_css(locale.clone()).await.unwrap_or_default();
    Ok(Editing {
        locale,
        found,
        create,
        css,
    })
}

#[component]
pub fn BrandingPage() -> impl IntoView {
    let locale = RwSignal::new(None::<String>);
    let branding = LocalResource::new(move || load(locale.get()));
    view! {
        <h1 tabindex="-1">{at(|m| m.branding_title)}</h1>
        <p>{at(|m| m.branding_intro)}</p>
        <div class="field">
            <label class="field__label" for="branding-language">{at(|m| m.branding_language)}</label>
            <p class="field__hint" id="branding-language-hint">{at(|m| m.branding_language_hint)}</p>
            <select class="field__input" id="branding-language" aria-describedby="branding-language-hint"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    locale.set((!value.is_empty()).then_some(value));
                }>
                <option value="" selected=true>{at(|m| m.branding_language_default)}</option>
                <option value=FRENCH>{at(|m| m.branding_language_fr)}</option>
            </select>
        </div>
        <Loaded resource=branding children=|editing: Editing| view! { <BrandingForm editing/> }/>
    }
}

/// Why a chosen image is not kept: a catalog text, or an image too big by its pixels (its width
/// and height).
#[derive(Debug, Clone, Copy)]
enum FileProblem {
    Said(AText),
    Pixels(u32, u32),
}

/// An image slot: its Graph stream, the caps the server applies, and the file chosen for it.
#[derive(Clone, Copy)]
struct Slot {
    stream: &'static str,
    caps: ImageCaps,
    chosen: StoredValue<Option<web_sys::File>, LocalStorage>,
    error: RwSignal<Option<FileProblem>>,
}

impl Slot {
    fn new(stream: &'static str, caps: ImageCaps) -> Slot {
        Slot {
            stream,
            caps,
            chosen: StoredValue::new_local(None),
            error: RwSignal::new(None),
        }
    }

    /// The problem in the current language.
    fn error_text(self) -> Option<String> {
        let m = catalog();
        self.error.get().map(|problem| match problem {
            FileProblem::Said(text) => text(m).to_owned(),
            FileProblem::Pixels(width, height) => m
                .branding_file_pixels
                .replace("{width}", &width.to_string())
                .replace("{height}", &height.to_string())
                .replace("{max_width}", &self.caps.max_width.to_string())
                .replace("{max_height}", &self.caps.max_height.to_string()),
        })
    }

    /// Shows the server's refusal of this slot's file under its field, in the portal's language,
    /// and forgets the file; `false` when the refusal names no rule this portal knows.
    fn refused(self, body: &ErrorBody) -> bool {
        let Some(detail) = body.details.first() else {
            return false;
        };
        let problem = match ImageRule::parse(&detail.code) {
            Some(ImageRule::Empty) => FileProblem::Said(|m| m.branding_file_empty),
            Some(ImageRule::TooLarge) => FileProblem::Said(|m| m.branding_file_size),
            Some(ImageRule::Svg) => FileProblem::Said(|m| m.branding_file_svg),
            Some(ImageRule::NotAnImage) => FileProblem::Said(|m| m.branding_file_unreadable),
            Some(ImageRule::TooManyPixels) => match parse_pixels_target(&detail.target) {
                Some((width, height)) => FileProblem::Pixels(width, height),
                None => return false,
            },
            None => return false,
        };
        self.chosen.set_value(None);
        self.error.set(Some(problem));
        true
    }

    /// Keeps the file chosen in `ev`'s input when it is an image of an accepted type, size and
    /// dimensions (the browser decodes it to know them); otherwise says why (announced) and
    /// keeps none.
    fn choose(self, ev: leptos::ev::Event) {
        let chosen = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        self.chosen.set_value(None);
        self.error.set(None);
        let Some(chosen) = chosen else { return };
        if !["image/png", "image/jpeg", "image/webp"].contains(&chosen.type_().as_str()) {
            self.error
                .set(Some(FileProblem::Said(|m| m.branding_file_type)));
        } else if chosen.size() > self.caps.max_bytes as f64 {
            self.error
                .set(Some(FileProblem::Said(|m| m.branding_file_size)));
        } else {
            self.chosen.set_value(Some(chosen.clone()));
            leptos::task::spawn_local(async move {
                // A file the browser cannot decode is left to the server to judge.
                let Some((width, height)) = pixels(&chosen).await else {
                    return;
                };
                if width <= self.caps.max_width && height <= self.caps.max_height {
                    return;
                }
                // Only if this file is still the one chosen, on a form still shown.
                let same = self
                    .chosen
                    .try_with_value(|c| c.as_ref() == Some(&chosen))
                    .unwrap_or(false);
                if same {
                    self.chosen.set_value(None);
                    self.error.try_set(Some(FileProblem::Pixels(width, height)));
                }
            });
        }
    }
}

/// The width and height of an image file as the browser decodes and shows it, with a photo's
/// EXIF orientation applied (as the server counts them too); `None` when it cannot decode it.
async fn pixels(file: &web_sys::File) -> Option<(u32, u32)> {
    let decoding = web_sys::window()?
        .create_image_bitmap_with_blob(file)
        .ok()?;
    let bitmap: web_sys::ImageBitmap = wasm_bindgen_futures::JsFuture::from(decoding)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let size = (bitmap.width(), bitmap.height());
    bitmap.close();
    Some(size)
}

/// A file input for `image`, with its hint and its error.
#[component]
fn ImageInput(id: &'static str, label: AText, hint: AText, image: Slot) -> impl IntoView {
    let hint_id = [id, "-hint"].concat();
    let error_id = [id, "-error"].concat();
    let described = [hint_id.as_str(), " ", error_id.as_str()].concat();
    view! {
        <div class="field">
            <label class="field__label" for=id>{at(label)}</label>
            <p class="field__hint" id=hint_id.clone()>{at(hint)}</p>
            <input class="field__input" id=id type="file" accept="image/png,image/jpeg,image/webp"
                aria-describedby=described aria-invalid=move || image.error.get().is_some().to_string()
                on:change=move |ev| image.choose(ev)/>
            <p class="field__error" id=error_id role="alert">
                {move || image.error_text()}
            </p>
        </div>
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
    privacy_text: RwSignal<String>,
    privacy_url: RwSignal<String>,
    terms_text: RwSignal<String>,
    terms_url: RwSignal<String>,
    css: RwSignal<String>,
    /// The logo shown in the preview: the stored one.
    logo: RwSignal<Option<String>>,
}

#[component]
fn BrandingForm(editing: Editing) -> impl IntoView {
    let Editing {
        locale,
        found,
        create,
        css,
    } = editing;
    let default = locale.is_none();
    let create = StoredValue::new(create);
    let saved_css = StoredValue::new(css.clone());
    let text = |t: &Option<String>| RwSignal::new(t.clone().unwrap_or_default());
    let cdn = found.cdn_list.first().cloned().unwrap_or_default();
    let draft = Draft {
        colour: text(&found.texts.background_color),
        sign_in_text: text(&found.texts.sign_in_page_text),
        hint: text(&found.texts.username_hint_text),
        forgot: text(&found.texts.custom_forgot_my_password_text),
        theme: text(&found.sspr_theme),
        privacy_text: text(&found.texts.custom_privacy_and_cookies_text),
        privacy_url: text(&found.texts.custom_privacy_and_cookies_url),
        terms_text: text(&found.texts.custom_terms_of_use_text),
        terms_url: text(&found.texts.custom_terms_of_use_url),
        css: RwSignal::new(css),
        logo: RwSignal::new(found.banner_logo_relative_url.map(|r| format!("{cdn}/{r}"))),
    };
    let banner = Slot::new("bannerLogo", BANNER_LOGO_CAPS);
    let square = Slot::new("squareLogo", SQUARE_LOGO_CAPS);
    let background = Slot::new("backgroundImage", BACKGROUND_IMAGE_CAPS);
    let problem = RwSignal::new(None::<Problem>);
    let notice = RwSignal::new(None::<AText>);
    let css_refused = RwSignal::new(None::<ErrorBody>);
    let stored_locale = StoredValue::new(locale.clone());
    let save = Action::new_local(move |patch: &BrandingPatch| {
        let patch = patch.clone();
        let locale = stored_locale.get_value();
        async move {
            let mut result = match &locale {
                None => api::save_branding(patch).await,
                Some(l) => {
                    let done =
                        api::save_branding_localization(l.clone(), create.get_value(), patch).await;
                    if done.is_ok() {
                        create.set_value(false);
                    }
                    done
                }
            };
            let mut image_refused = false;
            for slot in [banner, square, background] {
                if let (Ok(()), Some(chosen)) = (&result, slot.chosen.get_value()) {
                    match api::upload_branding_file(locale.clone(), slot.stream, chosen).await {
                        Ok(()) => slot.chosen.set_value(None),
                        Err(ApiError::Server {
                            status: 400 | 422,
                            body,
                        }) if slot.refused(&body) => image_refused = true,
                        Err(error) => result = Err(error),
                    }
                }
            }
            if image_refused {
                return;
            }
            let css = draft.css.get_untracked();
            if result.is_ok() && css.trim() != saved_css.get_value().trim() {
                match api::save_custom_css(locale.clone(), css.trim().to_owned()).await {
                    Ok(()) => saved_css.set_value(css),
                    Err(ApiError::Server {
                        status: 400 | 422,
                        body,
                    }) => {
                        css_refused.set(Some(*body));
                        return;
                    }
                    Err(error) => result = Err(error),
                }
            }
            let reread = match &locale {
                None => api::branding().await.ok(),
                Some(l) => api::branding_localization(l.clone()).await.ok().flatten(),
            };
            if let (Ok(()), Some(saved)) = (&result, reread) {
                let cdn = saved.cdn_list.first().cloned().unwrap_or_default();
                let relative = saved.banner_logo_relative_url;
                draft.logo.set(relative.map(|r| format!("{cdn}/{r}")));
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
        css_refused.set(None);
        save.dispatch(BrandingPatch {
            background_color: value(draft.colour),
            sign_in_page_text: value(draft.sign_in_text),
            username_hint_text: value(draft.hint),
            custom_forgot_my_password_text: value(draft.forgot),
            custom_privacy_and_cookies_text: value(draft.privacy_text),
            custom_privacy_and_cookies_url: value(draft.privacy_url),
            custom_terms_of_use_text: value(draft.terms_text),
            custom_terms_of_use_url: value(draft.terms_url),
            // The theme belongs to the default branding.
            sspr_theme: if default { value(draft.theme) } else { None },
            ..BrandingPatch::default()
        });
    };
    // The preview shows a chosen logo once it is saved: the Content-Security-Policy lets
    // images come only from this origin and `data:`, not from a `blob:` object URL.
    let themes = found.sspr_available_themes.clone();
    view! {
        <div class="branding-editor">
            <form class="panel" on:submit=submit novalidate>
                <Alert problem/>
                <Notice notice/>
                <Guarded permission=Permission::ManageAuthenticationPolicy>
                    <TextInput id="branding-colour" label=|m| m.branding_colour hint=Some(|m| m.branding_colour_hint) value=draft.colour/>
                    <ContrastWarning colour=draft.colour/>
                    <ImageInput id="branding-logo" label=|m| m.branding_logo hint=|m| m.branding_logo_hint image=banner/>
                    <ImageInput id="branding-square-logo" label=|m| m.branding_square_logo hint=|m| m.branding_square_logo_hint image=square/>
                    <ImageInput id="branding-background-image" label=|m| m.branding_background_image hint=|m| m.branding_background_image_hint image=background/>
                    <div class="field">
                        <label class="field__label" for="branding-sign-in-text">{at(|m| m.branding_sign_in_text)}</label>
                        <textarea class="field__input" id="branding-sign-in-text" rows="3" maxlength="1024"
                            prop:value=move || draft.sign_in_text.get()
                            on:input=move |ev| draft.sign_in_text.set(event_target_value(&ev))></textarea>
                    </div>
                    <TextInput id="branding-hint" label=|m| m.branding_username_hint hint=None value=draft.hint/>
                    <TextInput id="branding-forgot" label=|m| m.branding_forgot_text hint=None value=draft.forgot/>
                    <TextInput id="branding-privacy-text" label=|m| m.branding_privacy_text hint=None value=draft.privacy_text/>
                    <TextInput id="branding-privacy-url" label=|m| m.branding_privacy_url hint=Some(|m| m.branding_url_hint) value=draft.privacy_url/>
                    <TextInput id="branding-terms-text" label=|m| m.branding_terms_text hint=None value=draft.terms_text/>
                    <TextInput id="branding-terms-url" label=|m| m.branding_terms_url hint=Some(|m| m.branding_url_hint) value=draft.terms_url/>
                    <div class="field">
                        <label class="field__label" for="branding-css">{at(|m| m.branding_css)}</label>
                        <p class="field__hint" id="branding-css-hint">{at(|m| m.branding_css_hint)}</p>
                        <textarea class="field__input" id="branding-css" rows="6" spellcheck="false"
                            aria-describedby="branding-css-hint branding-css-error"
                            aria-invalid=move || css_refused.get().is_some().to_string()
                            prop:value=move || draft.css.get()
                            on:input=move |ev| draft.css.set(event_target_value(&ev))></textarea>
                        <p class="field__error" id="branding-css-error" role="alert">
                            {move || css_refused.get().map(|body| css_refusal(catalog(), &body))}
                        </p>
                    </div>
                    <div class="field" hidden=!default>
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

/// The server's refusal of the custom CSS in the portal's language: the catalog's sentence for
/// the rule its detail names, with what broke it and its line; the server's English sentence
/// for a rule this portal does not know.
fn css_refusal(m: &'static AdminMessages, body: &ErrorBody) -> String {
    let said = body.details.first().and_then(|detail| {
        let rule = CssRule::parse(&detail.code)?;
        let text = css_rule_text(rule)(m).replace("{target}", &detail.target);
        Some(match detail.line {
            Some(line) => m
                .css_on_line
                .replace("{line}", &line.to_string())
                .replace("{text}", &text),
            None => text,
        })
    });
    let sentence = said.unwrap_or_else(|| body.message.clone());
    [m.branding_css_refused, " ", &sentence].concat()
}

/// The catalog's sentence for a broken custom CSS rule (`{target}`: what broke it).
fn css_rule_text(rule: CssRule) -> AText {
    match rule {
        CssRule::NotUtf8 => |m| m.css_not_utf8,
        CssRule::TooLarge => |m| m.css_too_large,
        CssRule::AtRule => |m| m.css_at_rule,
        CssRule::MediaWithoutBlock => |m| m.css_media_without_block,
        CssRule::MediaFunction => |m| m.css_media_function,
        CssRule::AttributeSelector => |m| m.css_attribute_selector,
        CssRule::UnknownClass => |m| m.css_unknown_class,
        CssRule::Pseudo => |m| m.css_pseudo,
        CssRule::ElementSelector => |m| m.css_element_selector,
        CssRule::IdSelector => |m| m.css_id_selector,
        CssRule::SelectorToken => |m| m.css_selector_token,
        CssRule::RuleWithoutBlock => |m| m.css_rule_without_block,
        CssRule::DeclarationExpected => |m| m.css_declaration_expected,
        CssRule::UnknownToken => |m| m.css_unknown_token,
        CssRule::Property => |m| m.css_property,
        CssRule::Function => |m| m.css_function,
        CssRule::NestedRule => |m| m.css_nested_rule,
        CssRule::Unclosed => |m| m.css_unclosed,
        CssRule::ForeignUrl => |m| m.css_foreign_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;
    use sspr_api::ErrorDetail;
    use sspr_web::i18n::Locale;

    fn refusal(code: &str, target: &str, line: Option<u32>) -> ErrorBody {
        ErrorBody {
            code: "validation_failed".into(),
            message: "Line 3: the server's English.".into(),
            request_id: String::new(),
            attempts_left: None,
            retry_after_secs: None,
            violations: Vec::new(),
            details: vec![ErrorDetail {
                code: code.into(),
                message: String::new(),
                target: target.into(),
                line,
            }],
        }
    }

    #[test]
    fn a_refused_css_is_said_in_the_portal_language_with_what_broke_it_and_its_line() {
        let fr = messages(Locale::Fr);
        assert_eq!(
            css_refusal(fr, &refusal("unknown_class", ".mine", Some(3))),
            "Cette feuille CSS n’a pas été enregistrée\u{a0}: Ligne 3\u{a0}: .mine ne fait pas partie des \
             classes documentées (voir la section destinée aux designers du README)."
        );
        assert_eq!(
            css_refusal(messages(Locale::En), &refusal("too_large", "25", None)),
            "This CSS was not saved: Custom CSS may be at most 25 KB."
        );
        // A rule this portal does not know yet: the server's own sentence.
        assert_eq!(
            css_refusal(fr, &refusal("a_rule_added_later", "", Some(3))),
            "Cette feuille CSS n’a pas été enregistrée\u{a0}: Line 3: the server's English."
        );
    }

    #[test]
    fn every_rule_that_names_what_broke_it_says_it_in_every_language() {
        let named = [
            CssRule::TooLarge,
            CssRule::AtRule,
            CssRule::UnknownClass,
            CssRule::Pseudo,
            CssRule::ElementSelector,
            CssRule::SelectorToken,
            CssRule::UnknownToken,
            CssRule::Property,
            CssRule::Function,
            CssRule::ForeignUrl,
        ];
        for locale in Locale::ALL {
            for rule in CssRule::ALL {
                let text = css_rule_text(rule)(messages(*locale));
                assert_eq!(
                    text.contains("{target}"),
                    named.contains(&rule),
                    "{locale:?} {rule:?}"
                );
            }
        }
    }
}
