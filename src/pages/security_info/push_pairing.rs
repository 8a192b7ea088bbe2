//! **Add sign-in method → Authenticator app notifications**: the single-use pairing link as a
//! QR code (the same component as the app code's) and as a link, for the phone that holds the
//! authenticator app. **I have paired it** reloads the security info and goes back to the list
//! once the new device shows there.

use crate::api;
use crate::components::alert::Problem;
use crate::components::qr::qr_code;
use crate::i18n::tr;
use leptos::prelude::*;
use sspr_api::{MethodKind, SecurityInfo};

#[component]
pub fn Pairing(done: Callback<SecurityInfo>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let pairing = LocalResource::new(api::push::start_pairing);
    let check = Action::new_local(move |method_id: &String| {
        let method_id = method_id.clone();
        async move {
            match api::security_info().await {
                Ok(found)
                    if found.methods.iter().any(|m| {
                        m.id == method_id && m.kind == MethodKind::MicrosoftAuthenticator
                    }) =>
                {
                    problem.set(None);
                    done.run(found);
                }
                Ok(_) => problem.set(Some(Problem::Local(|m| m.push_pair_waiting))),
                Err(error) => problem.set(Some(error.into())),
            }
        }
    });
    let shown = move || {
        Suspend::new(async move {
            match pairing.await {
                Ok(pairing) => {
                    let method_id = pairing.method_id.clone();
                    view! {
                        <h3>{tr(|m| m.kind_push)}</h3>
                        <p>{tr(|m| m.push_pair_intro)}</p>
                        {qr_code(&pairing.pairing_url, tr(|m| m.push_pair_qr_label)())}
                        <p>
                            {tr(|m| m.push_pair_link)} " "
                            <a href=pairing.pairing_url.clone() target="_blank" rel="noopener noreferrer">
                                {pairing.pairing_url.clone()}
                            </a>
                        </p>
                        <p>
                            <button type="button" class="button" disabled=check.pending()
                                on:click=move |_| { check.dispatch(method_id.clone()); }>
                                {tr(|m| m.push_pair_done)}
                            </button>
                        </p>
                    }
                    .into_any()
                }
                Err(error) => {
                    problem.set(Some(error.into()));
                    ().into_any()
                }
            }
        })
    };
    view! { <Suspense fallback=|| ()>{shown}</Suspense> }
}
