//! Guest invitations in the portal (SPEC §4 A6, seed 001):
//!
//! ```text
//! GET  /api/admin/invitations                                → InvitationList
//! POST /api/admin/invitations            CreateInvitation    → InvitationView (with the link)
//! POST /api/admin/invitations/{id}/resend                    → InvitationView (a new link, mailed)
//! POST /api/admin/guests/{user_id}/reset-redemption          → InvitationView (a new invitation)
//! ```

use crate::Email;
use serde::{Deserialize, Serialize};

/// Whether the guest has accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedemptionStatus {
    PendingAcceptance,
    Accepted,
}

/// An invitation as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub redirect_url: String,
    pub status: RedemptionStatus,
    pub created_at_ms: i64,
    pub redeemed_at_ms: Option<i64>,
    /// Only in the answer that created the link (it is never stored in the clear).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_redeem_url: Option<String>,
}

/// `GET /api/admin/invitations`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationList {
    pub invitations: Vec<InvitationView>,
}

/// `POST /api/admin/invitations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    pub email: Email,
    /// The new guest's name (up to 100 characters, no control characters); none or empty:
    /// the address's local part.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub display_name: Option<String>,
    /// Where the guest lands after redeeming: a path here or a URL on an allowed origin.
    pub redirect_url: String,
    /// Mail the invitation (default true); without it, hand the link over yourself.
    #[serde(default = "yes")]
    pub send_message: bool,
}

fn yes() -> bool {
    true
}
