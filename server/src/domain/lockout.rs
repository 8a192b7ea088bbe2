//! Smart lockout (SPEC §6): 10 wrong passwords lock the account for 60 s; each further lockout
//! in a row doubles the time, up to a day. Never permanent, and a reset always unlocks.

/// Wrong passwords that lock the account.
pub const THRESHOLD: i64 = 10;
const BASE_MS: i64 = 60_000;
const MAX_MS: i64 = 24 * 60 * 60_000;

/// How long the `n`-th consecutive lockout (counting from 0) lasts.
pub fn duration_ms(previous_lockouts: i64) -> i64 {
    let doublings = previous_lockouts.clamp(0, 20) as u32;
    BASE_MS.saturating_mul(1i64 << doublings).min(MAX_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_starts_at_a_minute_and_doubles_up_to_a_day() {
        assert_eq!(duration_ms(0), 60_000);
        assert_eq!(duration_ms(1), 120_000);
        assert_eq!(duration_ms(3), 480_000);
        assert_eq!(duration_ms(30), 24 * 60 * 60_000);
        assert_eq!(duration_ms(-1), 60_000);
    }
}
