//! Starting a flow, and resending its code: each stores a fresh passcode (the old one dies) and
//! queues what `domain::admission::what_to_send` decides — a code, a notice, or a suppressed
//! row — with the same answer in every case.
//!
//! A reset's or unlock's code can also be resent to the user's **alternate email address**
//! ([`Recipient::AlternateEmail`], SPEC C8: "it can receive the reset passcode"). It is the same
//! code step and the same `email` method as the account's own address, as in Entra: the code
//! goes to the verified alternate address when the Email method targets the user and the reset
//! policy counts email, and the answer is the same whether the account has one or not (and
//! whether the address has an account at all). When there is none, nothing is sent and the code
//! already mailed keeps working.

use super::{event, load_with_rules, require, view_of, wrong_state};
use crate::domain::admission::{self, Address, Send};
use crate::domain::flow::{Step, FLOW_LIFETIME_MS};
use crate::domain::passcode::PasscodePolicy;
use crate::domain::reset_methods;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::http::cookies;
use crate::identity::admission::{self as gather, SendCounter};
use crate::identity::user_flow;
use crate::mail::outbox::{self, Sealed};
use crate::mail::Mail;
use crate::policy::enforce as policy;
use crate::policy::registration;
use crate::secrets::{ordered_id, random_token};
use crate::store::audit;
use crate::store::flows::{self as store, Flow, NewPasscode};
use crate::store::script::Script;
use crate::store::{invitations, methods, users};
use crate::AppState;
use axum::http::HeaderValue;
use sqlx::AnyConnection;
use sspr_api::WireName;
use sspr_api::{Email, ErrorCode, FlowPurpose, FlowState, FlowView, MethodKind, StartFlow};

/// Stored instead of a real hash where no code may ever succeed; no HMAC output looks like it.
const UNMATCHABLE: &str = "----------------------------------------------------------------";

/// A flow's answer plus, when the browser had none, the binding cookie to set.
#[derive(Debug)]
pub struct Started {
    pub view: FlowView,
    pub binding_cookie: Option<HeaderValue>,
}

/// `POST /api/flows`. Everything that only reads (the account, the user flow and the policies —
/// held in memory while the version read with the account says they are current — and the
/// policies' targets) and every computation (the passcode's hash, the rendered and sealed mail)
/// happens first, beside other requests; what must be written — the counters, the flow, its
/// passcode, the queued message and the audit record — is one batched write
/// ([`Db::write_batched`](crate::store::Db::write_batched)), answered once it is committed.
pub async fn start(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    request: StartFlow,
) -> Result<Started, ApiError> {
    let now = state.now_ms();
    let (binding, binding_cookie) = match binding {
        Some(token) => (token, None),
        None => {
            let token = random_token(32);
            let cookie = cookies::set(
                cookies::FLOW_BINDING,
                &token,
                FLOW_LIFETIME_MS / 1000,
                state.config.secure_cookies(),
            );
            (token, Some(cookie))
        }
    };
    let mut conn = state.db.pool.acquire().await?;
    let (email, invitation) = address_of(&mut conn, state, &request).await?;
    let canonical = email.canonical();
    // The account and, in the same round trip, whether the settings held are current.
    let (version, user) = users::by_email_with_settings(&mut conn, &canonical).await?;
    let settings = state
        .admin_settings
        .at(&mut conn, &state.config, version)
        .await?;
    let followed = user_flow::follow_under(&settings, request.client_id.as_deref())?;
    let return_to = followed.return_to(state, request.return_to.as_deref());
    let rules = policy::rules(&settings, state, request.purpose);
    admission::for_everyone(
        request.purpose,
        Some(followed.application()),
        rules.methods(),
    )?;
    let facts = gather::address_facts(
        &mut conn,
        &rules,
        request.purpose,
        user.as_ref(),
        invitation.is_some(),
    )
    .await?;
    drop(conn);
    let flow = Flow {
        id: ordered_id(now),
        purpose: request.purpose,
        state: FlowState::CodeSent,
        // Mail goes to the address on the account, never to another spelling of it that was
        // typed (SECURITY.md §6: local parts are case-sensitive to a mail server); with no
        // account, to the address typed.
        email: user
            .as_ref()
            .map_or_else(|| email.as_str().to_owned(), |u| u.email.clone()),
        email_canonical: canonical,
        // Set below when a code is sent.
        user_id: None,
        invitation_id: invitation,
        binding_hash: state.secrets.token_hash(&binding),
        return_to,
        expires_at_ms: now + FLOW_LIFETIME_MS,
        last_sent_at_ms: now,
        proven: String::new(),
        questions: String::new(),
    };
    let account = user.map(|u| u.id);
    let to = Some(flow.email.as_str());
    let issue = Issue::prepare(state, &rules.passcodes, client, &flow, facts, to, now)?;
    let counter = SendCounter::new(state, &rules, client, &flow.email_canonical);
    let remember = followed.remembered();
    let flow = state
        .db
        .write_judged(
            counter.counts(),
            counter.verdict(),
            move |rows| counter.judge(rows),
            move |within_limits| {
                let mut writes = Script::default();
                let send = issue.decide(within_limits);
                let flow = Flow {
                    user_id: account.clone().filter(|_| send == Send::Code),
                    ..flow.clone()
                };
                store::insert(&mut writes, &flow, now);
                if let Some(remember) = &remember {
                    remember.write(&mut writes, &flow.id);
                }
                issue.write(&mut writes, &flow, send, Passcodes::First);
                Ok::<_, ApiError>((writes, flow))
            },
        )
        .await?;
    state.outbox.wake();
    Ok(Started {
        view: view_of(&rules.passcodes, &flow, now),
        binding_cookie,
    })
}

/// Where a resent code goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The flow's address (the account's, or the one typed).
    Account,
    /// The user's verified alternate address, for a reset or unlock.
    AlternateEmail,
}

/// `POST /api/flows/{id}/resend` (to the flow's address) and
/// `POST /api/flows/{id}/alternate-email` (to the alternate address): a new code, the old one
/// dead; after the cooldown only.
pub async fn resend(
    state: &AppState,
    client: &Client,
    binding: Option<String>,
    id: &str,
    to: Recipient,
) -> Result<FlowView, ApiError> {
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let (flow, rules) = load_with_rules(&mut tx, state, binding, id).await?;
    require(&flow, Step::Resend)?;
    let resets = matches!(
        flow.purpose,
        FlowPurpose::PasswordReset | FlowPurpose::Unlock
    );
    if to == Recipient::AlternateEmail && !resets {
        return Err(wrong_state());
    }
    admission::for_everyone(flow.purpose, None, rules.methods())?;
    let cooldown = rules.passcodes.resend_cooldown_ms;
    if !store::claim_resend(&mut tx, &flow.id, cooldown, now).await? {
        let wait_ms = flow.last_sent_at_ms + cooldown - now;
        return Err(ApiError::new(
            ErrorCode::ResendTooSoon,
            "A new code can be sent in a moment.",
        )
        .with_retry_after(u64::try_from((wait_ms.max(0) + 999) / 1000).unwrap_or(1)));
    }
    let user = users::by_email(&mut tx, &flow.email_canonical).await?;
    let facts = gather::address_facts(
        &mut tx,
        &rules,
        flow.purpose,
        user.as_ref(),
        flow.invitation_id.is_some(),
    )
    .await?;
    let recipient = match to {
        Recipient::Account => Some(flow.email.clone()),
        Recipient::AlternateEmail => alternate_address(&mut tx, state, user.as_ref()).await?,
    };
    let counted = recipient
        .as_deref()
        .and_then(|a| Email::parse(a).ok())
        .map_or_else(|| flow.email_canonical.clone(), |a| a.canonical());
    let issue = Issue::prepare(
        state,
        &rules.passcodes,
        client,
        &flow,
        facts,
        recipient.as_deref(),
        now,
    )?
    .for_alternate(to == Recipient::AlternateEmail);
    let within_limits = SendCounter::new(state, &rules, client, &counted)
        .count(&mut tx)
        .await?;
    let send = issue.decide(within_limits);
    let passcodes = match (to, send) {
        // Nothing went to an alternate address: the code already mailed keeps working.
        (Recipient::AlternateEmail, Send::Nothing) => Passcodes::Keep,
        _ => Passcodes::Replace,
    };
    let mut script = Script::default();
    issue.write(&mut script, &flow, send, passcodes);
    // As a start does: the flow is the account's once a code goes to it.
    if let (Send::Code, None, Some(user)) = (send, &flow.user_id, &user) {
        store::name_account(&mut script, &flow.id, &user.id);
    }
    script.run(&mut tx).await?;
    tx.commit().await?;
    state.outbox.wake();
    // The view counts the cooldown from this send (`flow` was read before the claim moved it).
    let sent = Flow {
        last_sent_at_ms: now,
        ..flow
    };
    Ok(view_of(&rules.passcodes, &sent, now))
}

/// The verified alternate address of `user` that may receive a reset's code: the Email method
/// targets them (`policy::registration`) and the reset policy counts email.
async fn alternate_address(
    conn: &mut AnyConnection,
    state: &AppState,
    user: Option<&users::User>,
) -> Result<Option<String>, ApiError> {
    // An unknown address makes the same reads, under an id no account has, so that its answer
    // takes as long as a known one's (SECURITY.md §2).
    let user_id = user.map_or("", |u| u.id.as_str());
    let registration = registration::read(conn, state, user_id).await?;
    let verified = methods::verified(conn, user_id).await?;
    let kind = MethodKind::AlternateEmail;
    if user.is_none()
        || !registration.allows(kind)
        || !reset_methods::counts(kind, &registration.reset)
    {
        return Ok(None);
    }
    Ok(verified
        .into_iter()
        .find(|m| m.kind == kind)
        .and_then(|m| m.address))
}

/// The address a start is for: the one typed, or a guest's from their invitation link.
async fn address_of(
    conn: &mut AnyConnection,
    state: &AppState,
    request: &StartFlow,
) -> Result<(Email, Option<String>), ApiError> {
    match (&request.invitation, &request.email) {
        (Some(token), _) if request.purpose == FlowPurpose::Guest => {
            let invitation = invitations::by_token_hash(conn, &state.secrets.token_hash(token))
                .await?
                .ok_or_else(invitation_invalid)?;
            let guest = users::by_id(conn, &invitation.user_id)
                .await?
                .ok_or_else(invitation_invalid)?;
            let email = Email::parse(&guest.email).map_err(|_| invitation_invalid())?;
            Ok((email, Some(invitation.id)))
        }
        (None, Some(email)) => Ok((email.clone(), None)),
        _ => Err(ApiError::validation("Enter your email address.")),
    }
}

/// Whether a flow's earlier passcodes must be revoked first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Passcodes {
    /// A new flow: it has none.
    First,
    /// A resend: the old code dies.
    Replace,
    /// A resend to an alternate address that sent nothing: the old code lives on.
    Keep,
}

/// A code and its message, made before the write: the passcode's hash, and the message sealed
/// for what the flow sends if the address is within its limits (a code or a notice). Known,
/// unknown and throttled addresses make the same.
#[derive(Debug)]
struct Issue {
    purpose: FlowPurpose,
    facts: Address,
    passcode_id: String,
    hash: String,
    lifetime_ms: i64,
    mail: Option<Sealed>,
    /// The message goes to the alternate address (the audit record says so).
    to_alternate: bool,
    client: Client,
    now: i64,
}

impl Issue {
    fn prepare(
        state: &AppState,
        passcodes: &PasscodePolicy,
        client: &Client,
        flow: &Flow,
        facts: Address,
        to: Option<&str>,
        now: i64,
    ) -> Result<Issue, ApiError> {
        let code = passcodes.generate();
        let hash = state
            .secrets
            .passcode_hash(&flow.id, flow.purpose.as_str(), &code);
        let lifetime_ms = passcodes.lifetime_for(flow.purpose);
        let minutes = ((lifetime_ms + 59_999) / 60_000).max(1);
        let mail = match admission::what_to_send(flow.purpose, facts) {
            Send::Code => Some(Mail::Passcode {
                purpose: flow.purpose,
                code,
                minutes,
            }),
            Send::AccountExists => Some(Mail::AccountExists),
            Send::Nothing => None,
        };
        let mail = match (mail, to) {
            (Some(mail), Some(to)) => Some(state.seal_mail(&mail, to, client.language)?),
            _ => None,
        };
        Ok(Issue {
            purpose: flow.purpose,
            facts,
            passcode_id: ordered_id(now),
            hash,
            lifetime_ms,
            mail,
            to_alternate: false,
            client: client.clone(),
            now,
        })
    }

    fn for_alternate(self, to_alternate: bool) -> Issue {
        Issue {
            to_alternate,
            ..self
        }
    }

    /// What the flow sends, now that the limits are counted: nothing without a recipient.
    fn decide(&self, within_limits: bool) -> Send {
        if self.mail.is_none() {
            return Send::Nothing;
        }
        admission::what_to_send(
            self.purpose,
            Address {
                within_limits,
                ..self.facts
            },
        )
    }

    /// Adds to `script` the code for `flow` (the real hash only when `send` is a code), what
    /// `send` says to queue, and the audit record.
    fn write(&self, script: &mut Script, flow: &Flow, send: Send, passcodes: Passcodes) {
        let now = self.now;
        let hash = if send == Send::Code {
            self.hash.as_str()
        } else {
            UNMATCHABLE
        };
        let passcode = NewPasscode {
            id: &self.passcode_id,
            flow_id: &flow.id,
            code_hash: hash,
            now_ms: now,
            expires_at_ms: now + self.lifetime_ms,
        };
        match passcodes {
            Passcodes::First => store::insert_passcode(script, &passcode),
            Passcodes::Replace => store::replace_passcode(script, &passcode),
            Passcodes::Keep => {}
        }
        let outcome = match (send, self.mail.clone()) {
            (Send::Nothing, _) | (_, None) => {
                outbox::queue_suppressed(script, now, flow.purpose.as_str());
                "suppressed"
            }
            (send, Some(mail)) => {
                outbox::queue_sealed(script, now, mail);
                if send == Send::Code {
                    "success"
                } else {
                    "account_exists"
                }
            }
        };
        let subject = flow.user_id.as_deref().unwrap_or(&flow.email_canonical);
        let mut sent = event(
            &self.client,
            "passcode_sent",
            outcome,
            subject,
            flow.purpose,
        );
        if passcodes != Passcodes::First {
            // A resend: the usage report counts flows started, not codes mailed.
            let mut detail = serde_json::json!({
                "purpose": flow.purpose.as_str(),
                "resend": true,
            });
            if self.to_alternate {
                detail["to"] = "alternate_email".into();
            }
            sent.detail = Some(detail);
        }
        audit::add_record(script, &sent, now);
    }
}

fn invitation_invalid() -> ApiError {
    ApiError::new(
        ErrorCode::InvitationInvalid,
        "This invitation link is not valid. Ask the person who invited you for a new one.",
    )
}
