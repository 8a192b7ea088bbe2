//! The self-service wizards. Each of the five purposes (sign-up, password reset, passwordless,
//! guest, unlock) is one [`Wizard`]: nested routes under its own path, one routed screen per
//! step — [`start`] asks for the email (or [`invitation`] opens a guest's link), [`code`] for the
//! passcode, [`methods`] for another verification method when the reset policy needs more than
//! the emailed code, [`finish`] for what the last step needs, and [`unlock_choice`] lets a
//! locked-out user keep or change the password. [`steps`] holds the rules between the steps.

pub mod code;
pub mod finish;
pub mod invitation;
pub mod methods;
pub mod push;
pub mod start;
pub mod steps;
pub mod unlock_choice;

use crate::i18n::Text;
use crate::memory::use_memory;
use leptos::prelude::*;
use leptos_router::components::{Outlet, ParentRoute, Route};
use leptos_router::hooks::use_query_map;
use leptos_router::{path, StaticSegment};
use sspr_api::FlowPurpose;
use steps::{flow_id, has_step, segment, Step};

/// The heading and the sentence of a flow's first page.
pub fn title_and_intro(purpose: FlowPurpose) -> (Text, Text) {
    match purpose {
        FlowPurpose::SignUp => (|m| m.sign_up_title, |m| m.sign_up_intro),
        FlowPurpose::PasswordReset => (|m| m.reset_title, |m| m.reset_intro),
        FlowPurpose::Passwordless => (|m| m.passwordless_title, |m| m.passwordless_intro),
        FlowPurpose::Guest => (|m| m.guest_title, |m| m.guest_intro),
        FlowPurpose::Unlock => (|m| m.unlock_title, |m| m.unlock_intro),
    }
}

/// One wizard's routes: `/<wizard>`, `/<wizard>/code`, `/<wizard>/finish`, for reset and
/// unlock `/<wizard>/methods`, and for unlock `/<wizard>/choose`. Every wizard is this one route tree with its purpose, so the five
/// compile to one type.
#[component(transparent)]
pub fn Wizard(purpose: FlowPurpose) -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment(segment(purpose)) view=Outlet>
            <Route path=path!("") view=move || view! { <First purpose/> }/>
            <Route path=path!("/code") view=move || view! { <code::Code purpose/> }/>
            <Route path=path!("/methods") view=move || view! { <ProveMore purpose/> }/>
            <Route path=path!("/finish") view=move || view! { <finish::Finish purpose/> }/>
            <Route path=path!("/choose") view=move || view! { <Choose purpose/> }/>
        </ParentRoute>
    }
    .into_inner()
}

/// The first page: the email — a guest's invitation link (`/guest?invitation=…`) instead asks
/// only to send the code, and sign-up for an application whose user flow has no password is
/// the passcode sign-in (SPEC C4).
#[component]
fn First(purpose: FlowPurpose) -> impl IntoView {
    let memory = use_memory();
    let invitation = flow_id(use_query_map().with_untracked(|q| q.get("invitation")));
    move || match invitation.clone() {
        Some(token) if purpose == FlowPurpose::Guest => {
            view! { <invitation::Invitation token/> }.into_any()
        }
        _ if purpose == FlowPurpose::SignUp && memory.passcode_only() => {
            view! { <start::Start purpose=FlowPurpose::Passwordless/> }.into_any()
        }
        _ => view! { <start::Start purpose/> }.into_any(),
    }
}

/// `/<wizard>/methods`: only reset and unlock have it; in any other wizard it is not a page.
#[component]
fn ProveMore(purpose: FlowPurpose) -> impl IntoView {
    if has_step(purpose, Step::Methods) {
        view! { <methods::Methods purpose/> }.into_any()
    } else {
        view! { <crate::pages::not_found::NotFound/> }.into_any()
    }
}

/// `/<wizard>/choose`: only unlock has it; in any other wizard it is not a page.
#[component]
fn Choose(purpose: FlowPurpose) -> impl IntoView {
    if has_step(purpose, Step::Choose) {
        view! { <unlock_choice::UnlockChoice/> }.into_any()
    } else {
        view! { <crate::pages::not_found::NotFound/> }.into_any()
    }
}
