//! The portal's names for the contract's enums (status, type, outcome), from the catalog.

use crate::i18n::AText;
use sspr_api::{UserStatus, UserType};

pub fn status_text(status: UserStatus) -> AText {
    match status {
        UserStatus::Active => |m| m.status_active,
        UserStatus::Locked => |m| m.status_locked,
        UserStatus::Disabled => |m| m.status_disabled,
    }
}

pub fn type_text(user_type: UserType) -> AText {
    match user_type {
        UserType::Member => |m| m.type_member,
        UserType::Guest => |m| m.type_guest,
    }
}

pub fn redemption_text(redemption: sspr_api::Redemption) -> AText {
    match redemption {
        sspr_api::Redemption::Redeemed => |m| m.redemption_redeemed,
        sspr_api::Redemption::Pending => |m| m.redemption_pending,
    }
}
