//! Groups as administrators manage them (SPEC §4 A7): the targets of authentication-method and
//! password-reset policies. A display name is 1 to 100 characters, unique without regard to
//! case; a description at most 1,000. The id `all_users` stands for everyone and is reserved:
//! no stored group has it or takes it as a name, and it cannot be changed or deleted.
//!
//! A group a policy names (an include or exclude target of an authentication method, or the
//! password-reset group) cannot be deleted: removing an excluded group would silently widen the
//! policy. The administrator takes it out of the policy first.
//!
//! Every change (create, rename, delete, a member added or removed) is audited with its before
//! and after in the same transaction.

use super::audit::{record_change, Change};
use super::paging::{self, List};
use super::users;
use crate::error::ApiError;
use crate::http::client::Client;
use crate::store::admins::Admin;
use crate::store::groups::{self, Group, ALL_USERS};
use crate::AppState;
use serde_json::json;
use sqlx::AnyConnection;
use sspr_api::{ErrorCode, GroupChanges, GroupPage, GroupView, NewGroup, UserPage};

const MAX_NAME: usize = 100;
const MAX_DESCRIPTION: usize = 1000;

/// `GET /api/admin/groups`.
pub async fn page(
    state: &AppState,
    after: Option<&str>,
    limit: Option<&str>,
) -> Result<GroupPage, ApiError> {
    let limit = paging::limit(limit)?;
    let after = match after {
        None | Some("") => None,
        Some(cursor) => Some(paging::decode(List::Groups, cursor)?),
    };
    let mut conn = state.db.pool.acquire().await?;
    let (groups, more) = groups::page(&mut conn, after.as_deref(), limit).await?;
    let next = more
        .then(|| groups.last())
        .flatten()
        .map(|last| paging::encode(List::Groups, &last.sort_key));
    Ok(GroupPage {
        items: groups.iter().map(Group::view).collect(),
        next,
    })
}

/// `GET /api/admin/groups/{id}`.
pub async fn get(state: &AppState, id: &str) -> Result<GroupView, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(find(&mut conn, id).await?.view())
}

/// `GET /api/admin/groups/{id}/members`: the page of the group's members `params` ask for.
pub async fn members(
    state: &AppState,
    id: &str,
    params: &users::ListParams,
) -> Result<UserPage, ApiError> {
    let mut filter = users::filter(params, List::Members)?;
    get(state, id).await?;
    filter.group_id = Some(id.to_owned());
    users::page(state, &filter, List::Members).await
}

/// `POST /api/admin/groups`.
pub async fn create(
    state: &AppState,
    client: &Client,
    admin: &Admin,
    request: NewGroup,
) -> Result<GroupView, ApiError> {
    let name = display_name(&request.display_name)?;
    let description = description(&request.description)?;
    let now = state.now_ms();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut tx = state.db.begin_write().await?;
    if groups::name_taken(&mut tx, &name, None).await? {
        return Err(name_exists());
    }
    groups::insert(&mut tx, &id, &name, &description, now).await?;
    let group = find(&mut tx, &id).await?;
    record_change(
        &mut tx,
        admin,
        client,
        Change {
            what: "group.create",
            subject: &id,
            before: serde_json::Value::Null,
            after: snapshot(&group),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(group.view())
}

/// `PATCH /api/admin/groups/{id}`.
pub async fn update(
    state: &AppState,
    client: &Client,
    admin: &Admin,
    id: &str,
    changes: GroupChanges,
) -> Result<GroupView, ApiError> {
    refuse_reserved(id)?;
    let name = changes
        .display_name
        .as_deref()
        .map(display_name)
        .transpose()?;
    let new_description = changes
        .description
        .as_deref()
        .map(description)
        .transpose()?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = find(&mut tx, id).await?;
    let name = name.unwrap_or_else(|| before.display_name.clone());
    if groups::name_taken(&mut tx, &name, Some(id)).await? {
        return Err(name_exists());
    }
    let new_description = new_description.unwrap_or_else(|| before.description.clone());
    groups::update(&mut tx, id, &name, &new_description).await?;
    let after = find(&mut tx, id).await?;
    record_change(
        &mut tx,
        admin,
        client,
        Change {
            what: "group.update",
            subject: id,
            before: snapshot(&before),
            after: snapshot(&after),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after.view())
}

/// `DELETE /api/admin/groups/{id}`: the group and its memberships.
pub async fn delete(
    state: &AppState,
    client: &Client,
    admin: &Admin,
    id: &str,
) -> Result<(), ApiError> {
    refuse_reserved(id)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    let before = find(&mut tx, id).await?;
    let policies = groups::policies_naming(&mut tx, id).await?;
    if !policies.is_empty() {
        return Err(ApiError::new(
            ErrorCode::GroupInUse,
            format!(
                "This group is a target of a policy ({}): take it out of the policy first.",
                policies.join(", ")
            ),
        ));
    }
    groups::delete(&mut tx, id).await?;
    record_change(
        &mut tx,
        admin,
        client,
        Change {
            what: "group.delete",
            subject: id,
            before: snapshot(&before),
            after: serde_json::Value::Null,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `PUT` (`add`) or `DELETE` a member. Idempotent: adding a member or removing a non-member
/// changes nothing and records nothing.
pub async fn set_member(
    state: &AppState,
    client: &Client,
    admin: &Admin,
    group_id: &str,
    user_id: &str,
    add: bool,
) -> Result<(), ApiError> {
    refuse_reserved(group_id)?;
    let now = state.now_ms();
    let mut tx = state.db.begin_write().await?;
    find(&mut tx, group_id).await?;
    users::find(&mut tx, user_id).await?;
    let changed = if add {
        groups::add_member(&mut tx, group_id, user_id, now).await?
    } else {
        groups::remove_member(&mut tx, group_id, user_id).await?
    };
    if changed {
        record_change(
            &mut tx,
            admin,
            client,
            Change {
                what: if add {
                    "group.member_add"
                } else {
                    "group.member_remove"
                },
                subject: group_id,
                before: json!({ "user_id": user_id, "member": !add }),
                after: json!({ "user_id": user_id, "member": add }),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The group with this id, or 404 `not_found` (also for `all_users`, which is not stored).
pub async fn find(conn: &mut AnyConnection, id: &str) -> Result<Group, ApiError> {
    if !users::plausible_id(id) {
        return Err(ApiError::not_found());
    }
    groups::by_id(conn, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn refuse_reserved(id: &str) -> Result<(), ApiError> {
    if id == ALL_USERS {
        return Err(reserved());
    }
    Ok(())
}

fn reserved() -> ApiError {
    ApiError::new(
        ErrorCode::GroupReserved,
        "all_users stands for every user: it cannot be created, changed or deleted, and its \
         members are everyone.",
    )
}

fn name_exists() -> ApiError {
    ApiError::new(
        ErrorCode::GroupExists,
        "A group with this display name already exists.",
    )
}

fn display_name(input: &str) -> Result<String, ApiError> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(ApiError::validation(format!(
            "The display name must have 1 to {MAX_NAME} characters and no control characters."
        )));
    }
    if name.eq_ignore_ascii_case(ALL_USERS) {
        return Err(reserved());
    }
    Ok(name.to_owned())
}

fn description(input: &str) -> Result<String, ApiError> {
    let text = input.trim();
    if text.chars().count() > MAX_DESCRIPTION || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ApiError::validation(format!(
            "The description must have at most {MAX_DESCRIPTION} characters and no control \
             characters but line breaks."
        )));
    }
    Ok(text.to_owned())
}

fn snapshot(group: &Group) -> serde_json::Value {
    json!({ "display_name": group.display_name, "description": group.description })
}
