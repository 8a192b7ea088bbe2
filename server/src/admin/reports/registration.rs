//! Registration details (Graph's `userRegistrationDetails`): per user, the methods registered
//! and what the policies make of them, read fresh from the users, their verified methods, the
//! reset policy and the methods policy's targets.
//!
//! - `isSsprRegistered`: the methods held that the policies let the user use (on, and targeting
//!   them: `policy::registration`, as registration at sign-in counts them) cover as many of the
//!   reset policy's counted methods as it requires (the account's address counts when the
//!   policy counts email; security questions never alone, `domain::reset_methods`).
//! - `isSsprEnabled`: the reset policy's scope includes the user (everyone, or members of its
//!   group); guests have no password and are never included.
//! - `isSsprCapable`: registered, enabled, and the account is not disabled.
//! - `isMfaRegistered`: an authenticator app, Authenticator push or a mobile phone is
//!   registered; `isMfaCapable`: one of them is also usable under the policies.
//! - `methodsRegistered` and `defaultMfaMethod` use Graph's names.
//!
//! Filters on the derived values cannot be an index range, so pages are filled by reading
//! users in chunks by address and keeping those that match; one request reads at most
//! [`MAX_SCANNED`] users and, short of a full page, hands back a `@odata.nextLink` to go on.

use super::{ExportParams, GraphListParams, List};
use crate::admin::audit_log::safe_cell;
use crate::domain::reset_methods;
use crate::error::ApiError;
use crate::http::graph;
use crate::http::odata::{self, Clause};
use crate::policy::registration;
use crate::store::reports::{self, UserRow};
use crate::AppState;
use sqlx::AnyConnection;
use sspr_api::reports::{RegistrationDetailsPage, UserRegistrationDetails};
use sspr_api::{MethodKind, SsprScope, WireName};

/// The report's path under `/api/graph/v1.0/`.
pub const PATH: &str = "reports/authenticationMethods/userRegistrationDetails";
/// Users read per round trip.
const CHUNK: u32 = 200;
/// Users one request reads at most while filling a page.
pub const MAX_SCANNED: usize = 20_000;
/// The most rows one CSV export holds.
pub const MAX_EXPORT_ROWS: usize = 100_000;

const FILTERABLE: &str = "userType, userPrincipalName, isAdmin, isSsprRegistered, isSsprEnabled, \
                          isSsprCapable, isMfaRegistered, isMfaCapable and isPasswordlessCapable";

/// What a `$filter` asks of the rows.
#[derive(Debug, Clone, Default)]
struct Filter {
    user_type: Option<String>,
    address: Option<String>,
    flags: Vec<(Flag, bool)>,
}

#[derive(Debug, Clone, Copy)]
enum Flag {
    Admin,
    SsprRegistered,
    SsprEnabled,
    SsprCapable,
    MfaRegistered,
    MfaCapable,
    PasswordlessCapable,
}

impl Flag {
    fn of(self, row: &UserRegistrationDetails) -> bool {
        match self {
            Flag::Admin => row.is_admin,
            Flag::SsprRegistered => row.is_sspr_registered,
            Flag::SsprEnabled => row.is_sspr_enabled,
            Flag::SsprCapable => row.is_sspr_capable,
            Flag::MfaRegistered => row.is_mfa_registered,
            Flag::MfaCapable => row.is_mfa_capable,
            Flag::PasswordlessCapable => row.is_passwordless_capable,
        }
    }
}

fn filter(raw: Option<&str>) -> Result<Filter, ApiError> {
    let mut filter = Filter::default();
    for clause in odata::parse(raw)? {
        let flag = match clause.property.as_str() {
            "userType" => {
                let value = clause.text_eq()?.to_ascii_lowercase();
                if value != "member" && value != "guest" {
                    return Err(odata::invalid("userType is 'member' or 'guest'."));
                }
                filter.user_type = Some(value);
                continue;
            }
            "userPrincipalName" => {
                filter.address = Some(address(&clause)?);
                continue;
            }
            "isAdmin" => Flag::Admin,
            "isSsprRegistered" => Flag::SsprRegistered,
            "isSsprEnabled" => Flag::SsprEnabled,
            "isSsprCapable" => Flag::SsprCapable,
            "isMfaRegistered" => Flag::MfaRegistered,
            "isMfaCapable" => Flag::MfaCapable,
            "isPasswordlessCapable" => Flag::PasswordlessCapable,
            _ => return Err(odata::unsupported(&clause, FILTERABLE)),
        };
        filter.flags.push((flag, clause.boolean()?));
    }
    Ok(filter)
}

fn address(clause: &Clause) -> Result<String, ApiError> {
    let text = clause.text_eq()?;
    sspr_api::Email::parse(text)
        .map(|e| e.canonical())
        .map_err(|_| odata::invalid("userPrincipalName takes an email address."))
}

impl Filter {
    fn keeps(&self, row: &UserRegistrationDetails) -> bool {
        self.flags.iter().all(|(flag, want)| flag.of(row) == *want)
    }
}

/// The methods that make a user "MFA registered": a second factor of their own.
const MFA: [MethodKind; 3] = [
    MethodKind::AuthenticatorApp,
    MethodKind::MicrosoftAuthenticator,
    MethodKind::MobilePhone,
];

/// Graph's `methodsRegistered` names, in its order (the account's address is always `email`,
/// an alternate address adds nothing).
const GRAPH_NAMES: [(MethodKind, &str); 6] = [
    (MethodKind::MobilePhone, "mobilePhone"),
    (MethodKind::AlternatePhone, "alternateMobilePhone"),
    (MethodKind::OfficePhone, "officePhone"),
    (MethodKind::SecurityQuestions, "securityQuestion"),
    (
        MethodKind::MicrosoftAuthenticator,
        "microsoftAuthenticatorPush",
    ),
    (MethodKind::AuthenticatorApp, "softwareOneTimePasscode"),
];

/// The policies every row is judged by, read once per request.
struct Policies {
    sources: registration::Sources,
}

async fn policies(conn: &mut AnyConnection, state: &AppState) -> Result<Policies, ApiError> {
    Ok(Policies {
        sources: registration::Sources::read(conn, &state.config).await?,
    })
}

/// A chunk of users after `after`: the rows the filter keeps (with their keys), how many users
/// were read, and the key of the last one read.
type Chunk = (
    Vec<(String, UserRegistrationDetails)>,
    usize,
    Option<String>,
);

async fn chunk(
    conn: &mut AnyConnection,
    policies: &Policies,
    filter: &Filter,
    after: Option<&str>,
) -> Result<Chunk, ApiError> {
    let users = reports::users_after(conn, after, filter.user_type.as_deref(), CHUNK).await?;
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let addresses: Vec<String> = users.iter().map(|u| u.email_canonical.clone()).collect();
    let methods = reports::verified_methods(conn, &ids).await?;
    let admins = reports::admin_addresses(conn, &addresses).await?;
    // Who the reset policy's scope includes, for the whole chunk in one query.
    let reset = &policies.sources.reset;
    let in_group = match (&reset.enabled_for, &reset.group_id) {
        (SsprScope::Group, Some(group)) => reports::members_among(conn, group, &ids).await?,
        _ => Vec::new(),
    };
    let mut rows = Vec::new();
    for user in &users {
        if filter
            .address
            .as_deref()
            .is_some_and(|a| a != user.email_canonical)
        {
            continue;
        }
        let held: Vec<(MethodKind, i64)> = methods
            .iter()
            .filter(|(id, _, _)| *id == user.id)
            .filter_map(|(_, kind, at)| MethodKind::parse(kind).map(|k| (k, *at)))
            .collect();
        let is_admin = admins.contains(&user.email_canonical);
        let in_scope = match reset.enabled_for {
            SsprScope::All => true,
            SsprScope::None => false,
            SsprScope::Group => in_group.contains(&user.id),
        };
        let row = details(conn, policies, user, &held, is_admin, in_scope).await?;
        if filter.keeps(&row) {
            rows.push((user.email_canonical.clone(), row));
        }
    }
    Ok((rows, users.len(), addresses.last().cloned()))
}

/// One user's row; `in_scope`: the reset policy's scope includes them.
async fn details(
    conn: &mut AnyConnection,
    policies: &Policies,
    user: &UserRow,
    held: &[(MethodKind, i64)],
    is_admin: bool,
    in_scope: bool,
) -> Result<UserRegistrationDetails, ApiError> {
    let guest = user.user_type == "guest";
    let reset = &policies.sources.reset;
    // A registered method counts only while the policies let the user use it.
    let mut usable = vec![MethodKind::Email];
    for (kind, _) in held {
        if registration::allows_for(conn, &policies.sources, &user.id, *kind).await? {
            usable.push(*kind);
        }
    }
    let registered = |kind: MethodKind| held.iter().any(|(k, _)| *k == kind);
    let required = usize::from(reset.methods_required.max(1));
    let is_sspr_registered = reset_methods::usable(&usable, reset) >= required;
    let is_sspr_enabled = !guest && in_scope;
    let is_mfa_registered = MFA.iter().any(|k| registered(*k));
    let is_mfa_capable = MFA.iter().any(|k| usable.contains(k));
    let mut methods_registered = vec!["email".to_owned()];
    methods_registered.extend(
        GRAPH_NAMES
            .iter()
            .filter(|(kind, _)| registered(*kind))
            .map(|(_, name)| (*name).to_owned()),
    );
    // Graph's order of preference: push, then app codes, then texts.
    let default_mfa_method = [
        (
            MethodKind::MicrosoftAuthenticator,
            "microsoftAuthenticatorPush",
        ),
        (MethodKind::AuthenticatorApp, "softwareOneTimePasscode"),
        (MethodKind::MobilePhone, "mobilePhone"),
    ]
    .into_iter()
    .find(|(kind, _)| registered(*kind))
    .map_or("none", |(_, name)| name);
    let updated = held
        .iter()
        .map(|(_, at)| *at)
        .fold(user.updated_at_ms, i64::max);
    Ok(UserRegistrationDetails {
        id: user.id.clone(),
        user_principal_name: user.email.clone(),
        user_display_name: user.display_name.clone(),
        user_type: if guest { "guest" } else { "member" }.to_owned(),
        is_admin,
        is_sspr_registered,
        is_sspr_enabled,
        is_sspr_capable: is_sspr_registered && is_sspr_enabled && !user.disabled,
        is_mfa_registered,
        is_mfa_capable,
        is_passwordless_capable: false,
        methods_registered,
        default_mfa_method: default_mfa_method.to_owned(),
        last_updated_date_time: graph::iso8601(updated),
    })
}

/// `GET …/userRegistrationDetails`: one page, by address.
pub async fn page(
    state: &AppState,
    params: &GraphListParams,
) -> Result<RegistrationDetailsPage, ApiError> {
    let top = params.top()? as usize;
    let filter = filter(params.filter.as_deref())?;
    let mut after = params.token(List::Registration)?;
    let mut conn = state.db.pool.acquire().await?;
    let policies = policies(&mut conn, state).await?;
    let mut value = Vec::new();
    let mut scanned = 0;
    let mut next = None;
    loop {
        let (rows, read, last_read) =
            chunk(&mut conn, &policies, &filter, after.as_deref()).await?;
        scanned += read;
        let full_chunk = read == CHUNK as usize;
        let kept = rows.len();
        let mut filled = false;
        for (index, (key, row)) in rows.into_iter().enumerate() {
            value.push(row);
            if value.len() == top {
                filled = true;
                // More may follow: the rest of this chunk, or a chunk after it.
                if index + 1 < kept || full_chunk {
                    next = Some(key);
                }
                break;
            }
        }
        if filled || !full_chunk {
            break;
        }
        after = last_read;
        if scanned >= MAX_SCANNED {
            next = after.clone();
            break;
        }
    }
    Ok(RegistrationDetailsPage {
        odata_context: graph::odata_context(&state.config.public_origin, PATH),
        next_link: next
            .map(|key| params.next_link(state, PATH, top as u32, List::Registration, &key)),
        value,
    })
}

/// `GET /api/admin/reports/registration.csv`: every row the filter keeps (at most
/// [`MAX_EXPORT_ROWS`]), by address, as CSV bytes safe to open in a spreadsheet.
pub async fn csv(state: &AppState, params: &ExportParams) -> Result<Vec<u8>, ApiError> {
    let filter = filter(params.filter.as_deref())?;
    let mut conn = state.db.pool.acquire().await?;
    let policies = policies(&mut conn, state).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "id",
            "userPrincipalName",
            "userDisplayName",
            "userType",
            "isAdmin",
            "isSsprRegistered",
            "isSsprEnabled",
            "isSsprCapable",
            "isMfaRegistered",
            "isMfaCapable",
            "isPasswordlessCapable",
            "methodsRegistered",
            "defaultMfaMethod",
            "lastUpdatedDateTime",
        ])
        .map_err(anyhow::Error::from)?;
    let mut after: Option<String> = None;
    let mut written = 0;
    'chunks: loop {
        let (rows, read, last) = chunk(&mut conn, &policies, &filter, after.as_deref()).await?;
        for (_, row) in rows {
            if written == MAX_EXPORT_ROWS {
                break 'chunks;
            }
            let flag = |b: bool| if b { "true" } else { "false" }.to_owned();
            writer
                .write_record([
                    safe_cell(&row.id),
                    safe_cell(&row.user_principal_name),
                    safe_cell(&row.user_display_name),
                    row.user_type.clone(),
                    flag(row.is_admin),
                    flag(row.is_sspr_registered),
                    flag(row.is_sspr_enabled),
                    flag(row.is_sspr_capable),
                    flag(row.is_mfa_registered),
                    flag(row.is_mfa_capable),
                    flag(row.is_passwordless_capable),
                    row.methods_registered.join(";"),
                    row.default_mfa_method.clone(),
                    row.last_updated_date_time.clone(),
                ])
                .map_err(anyhow::Error::from)?;
            written += 1;
        }
        if read < CHUNK as usize {
            break;
        }
        after = last;
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))
}
