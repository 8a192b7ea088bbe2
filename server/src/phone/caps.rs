//! The caps against SMS pumping (SECURITY 26), shared by every send to a phone — registering
//! one on the security info page and proving one in the reset wizard: the number's country
//! must be in the administrator's allow-list, and two daily counters, kept in the database
//! (so every instance shares them) and counted in the caller's transaction, must have room:
//! sends to this number, whoever asks, and sends of this kind by the whole service.
//!
//! A number outside the allow-list is not counted, so a flood of such numbers cannot use up
//! the day's sends for everyone else. The caller writes the same rows and gives the same
//! answer whether [`count`] let the send go or held it back; only the audit log says which.

use super::Channel;
use crate::domain::phone::Phone;
use crate::policy::phones::PhoneRules;
use crate::store::rate_limits;
use crate::AppState;
use sqlx::AnyConnection;

const DAY_MS: i64 = 86_400_000;

/// Counts a send of `channel` to `number` under `rules`: `None` when it may go, or why it is
/// held back (`country_not_allowed`, `number_cap`, `daily_cap`) for the audit log.
pub async fn count(
    conn: &mut AnyConnection,
    state: &AppState,
    rules: &PhoneRules,
    number: &Phone,
    channel: Channel,
    now_ms: i64,
) -> Result<Option<&'static str>, sqlx::Error> {
    let country_allowed = rules.allowed_countries.contains(&number.country);
    let (number_hits, day_hits) = if country_allowed {
        let number_key = format!("phone_number:{}", state.secrets.token_hash(&number.e164));
        let (number_hits, _) = rate_limits::hit(conn, &number_key, DAY_MS, now_ms).await?;
        let day_key = format!("phone_day:{}", channel.as_str());
        let (day_hits, _) = rate_limits::hit(conn, &day_key, DAY_MS, now_ms).await?;
        (number_hits, day_hits)
    } else {
        (0, 0)
    };
    Ok(held_back(country_allowed, number_hits, day_hits, rules))
}

/// Why a send is held back, given the counters after counting it.
fn held_back(
    country_allowed: bool,
    number_hits: i64,
    day_hits: i64,
    rules: &PhoneRules,
) -> Option<&'static str> {
    if !country_allowed {
        Some("country_not_allowed")
    } else if number_hits > rules.sends_per_number_per_day {
        Some("number_cap")
    } else if day_hits > rules.sends_per_day {
        Some("daily_cap")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_is_held_back_outside_the_allow_list_and_over_either_cap() {
        let rules = PhoneRules {
            allowed_countries: vec!["GB".into()],
            sends_per_number_per_day: 2,
            sends_per_day: 10,
            office_phone_allowed: false,
        };
        assert_eq!(held_back(true, 2, 10, &rules), None);
        assert_eq!(held_back(false, 1, 1, &rules), Some("country_not_allowed"));
        assert_eq!(held_back(true, 3, 1, &rules), Some("number_cap"));
        assert_eq!(held_back(true, 1, 11, &rules), Some("daily_cap"));
    }
}
