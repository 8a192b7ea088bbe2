//! What the report pages share: the links between the four reports (the navigation's
//! **Reports** section opens the first), `$skiptoken` paging with a way back, and yes/no texts.

use crate::i18n::{at, AText};
use leptos::prelude::*;
use leptos_router::components::A;

/// The reports, in the order their links show.
pub static REPORTS: &[(&str, AText)] = &[
    ("/admin/reports", |m| m.nav_report_usage),
    ("/admin/reports/registration", |m| m.nav_report_registration),
    ("/admin/reports/sign-ins", |m| m.nav_report_sign_ins),
    ("/admin/reports/directory-audits", |m| m.nav_report_audits),
];

/// Links to every report, the current one marked `aria-current="page"`.
#[component]
pub fn ReportNav() -> impl IntoView {
    view! {
        <nav class="report-nav" aria-label=at(|m| m.nav_reports)>
            <ul class="button-row">
                {REPORTS.iter().map(|(href, label)| view! {
                    <li><A href=*href exact=true attr:class="button button--quiet">{at(*label)}</A></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// "Yes" or "No".
pub fn yes_no(value: bool) -> AText {
    if value {
        |m| m.yes
    } else {
        |m| m.no
    }
}

/// The page tokens of a Graph list: the pages seen before the current one, so **Previous**
/// goes back; the first page has none.
#[derive(Debug, Clone, Copy)]
pub struct Pager {
    tokens: RwSignal<Vec<String>>,
}

impl Pager {
    pub fn new() -> Self {
        Pager {
            tokens: RwSignal::new(Vec::new()),
        }
    }

    /// The current page's token (reactive).
    pub fn current(&self) -> Option<String> {
        self.tokens.with(|t| t.last().cloned())
    }

    /// Back to the first page.
    pub fn first(&self) {
        self.tokens.set(Vec::new());
    }

    /// **Previous** (past the first page) and **Next** (when `next` leads on).
    pub fn buttons(&self, next: Option<String>) -> impl IntoView {
        let tokens = self.tokens;
        let back = tokens.with_untracked(|t| !t.is_empty());
        view! {
            <div class="button-row">
                {back.then(|| view! {
                    <button type="button" class="button button--secondary" on:click=move |_| tokens.update(|t| { t.pop(); })>{at(|m| m.previous)}</button>
                })}
                {next.map(|token| view! {
                    <button type="button" class="button button--secondary" on:click=move |_| tokens.update(|t| t.push(token.clone()))>{at(|m| m.next)}</button>
                })}
            </div>
        }
    }
}

impl Default for Pager {
    fn default() -> Self {
        Self::new()
    }
}

/// A date typed in an `<input type="date">` (`YYYY-MM-DD`, local time) as ISO 8601 UTC for a
/// `$filter`, or empty; `end` moves it to the next midnight, so "to" includes the whole day.
pub fn date_filter(date: &str, end: bool) -> String {
    if date.is_empty() {
        return String::new();
    }
    let parsed = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(
        &[date, "T00:00:00"].concat(),
    ));
    let ms = parsed.get_time();
    if ms.is_nan() {
        return String::new();
    }
    let ms = if end { ms + 86_400_000.0 } else { ms };
    let iso = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms)).to_iso_string();
    // Whole seconds, as the filter takes them.
    let iso = String::from(iso);
    match iso.split_once('.') {
        Some((seconds, _)) => [seconds, "Z"].concat(),
        None => iso,
    }
}
