//! Reading the API's JSON answers into the contract's types, without serde.
//!
//! Why not `serde`: its derived `Deserialize` code, and the error messages serde formats on the
//! way (which link Rust's float and Unicode formatting), cost the customer pages about 17 KB of
//! their 60 KB budget (SPEC §7), measured with `cargo xtask size`. The browser already parses
//! the JSON (`Response.json()`); what is left is picking fields, which [`Decode`] does in a few
//! lines per type. The admin portal, which has no budget, keeps serde.
//!
//! Decoders are written against [`Json`], a small view of a JSON value. In the browser it is a
//! `JsValue`; in native unit tests it is a `serde_json::Value`, so every decoder is checked
//! against what serde writes for the same contract type (see the tests below). A field added to
//! a contract struct fails to compile here until its decoder reads it.

use sspr_api::{
    CustomerUserFlow, DatabaseStatus, ErrorBody, FlowDone, FlowPurpose, FlowState, FlowView,
    Health, IdentityProvider, Me, PasswordPolicy, SessionList, SessionSummary, UserAttribute,
    UserStatus, UserType, UserView, Violation,
};

/// A JSON value, as far as decoders need to see it.
pub trait Json: Sized {
    /// The member `key` of an object; `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    /// The items of an array.
    fn items(&self) -> Option<Vec<Self>>;
}

/// A type that can be read from a JSON value; `None` when the value does not have its shape.
pub trait Decode: Sized {
    fn decode<J: Json>(json: &J) -> Option<Self>;
}

/// The required member `key`.
fn field<J: Json, T: Decode>(json: &J, key: &str) -> Option<T> {
    T::decode(&json.get(key)?)
}

/// The optional member `key`: `Some(None)` when absent or `null`, `None` when present but
/// malformed.
fn optional<J: Json, T: Decode>(json: &J, key: &str) -> Option<Option<T>> {
    match json.get(key) {
        None => Some(None),
        Some(value) => T::decode(&value).map(Some),
    }
}

/// The array member `key`, empty when absent.
fn list<J: Json, T: Decode>(json: &J, key: &str) -> Option<Vec<T>> {
    Some(optional::<J, Vec<T>>(json, key)?.unwrap_or_default())
}

impl Decode for () {
    fn decode<J: Json>(_: &J) -> Option<Self> {
        Some(())
    }
}

impl Decode for String {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        json.string()
    }
}

impl Decode for bool {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        json.boolean()
    }
}

/// A whole number in `min..=max` (JSON numbers are doubles; counts and times fit exactly).
fn whole<J: Json>(json: &J, min: f64, max: f64) -> Option<f64> {
    json.number()
        .filter(|n| n.fract() == 0.0 && (min..=max).contains(n))
}

macro_rules! decode_whole {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode<J: Json>(json: &J) -> Option<Self> {
                // Bounded to what a double holds exactly, so the cast never rounds.
                const LIMIT: f64 = 9_007_199_254_740_991.0;
                whole(json, (<$t>::MIN as f64).max(-LIMIT), (<$t>::MAX as f64).min(LIMIT))
                    .map(|n| n as $t)
            }
        }
    )*};
}
decode_whole!(u8, u32, u64, i64, usize);

impl<T: Decode> Decode for Vec<T> {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        json.items()?.iter().map(T::decode).collect()
    }
}

/// Enums travel as their `as_str` names.
macro_rules! decode_by_name {
    ($($t:ty),*) => {$(
        impl Decode for $t {
            fn decode<J: Json>(json: &J) -> Option<Self> {
                <$t>::parse(&json.string()?)
            }
        }
    )*};
}
decode_by_name!(
    FlowPurpose,
    FlowState,
    IdentityProvider,
    UserAttribute,
    UserType,
    UserStatus,
    Violation
);

impl Decode for ErrorBody {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(ErrorBody {
            code: field(json, "code")?,
            message: field(json, "message")?,
            request_id: field(json, "request_id")?,
            attempts_left: optional(json, "attempts_left")?,
            retry_after_secs: optional(json, "retry_after_secs")?,
            violations: list(json, "violations")?,
        })
    }
}

impl Decode for Health {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(Health {
            status: field(json, "status")?,
            version: field(json, "version")?,
            database: field(json, "database")?,
        })
    }
}

impl Decode for DatabaseStatus {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(DatabaseStatus {
            backend: field(json, "backend")?,
            reachable: field(json, "reachable")?,
        })
    }
}

impl Decode for FlowView {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(FlowView {
            flow_id: field(json, "flow_id")?,
            purpose: field(json, "purpose")?,
            state: field(json, "state")?,
            masked_email: field(json, "masked_email")?,
            code_length: field(json, "code_length")?,
            resend_after_secs: field(json, "resend_after_secs")?,
            expires_in_secs: field(json, "expires_in_secs")?,
            needs_profile: optional(json, "needs_profile")?.unwrap_or(false),
            return_to: optional(json, "return_to")?,
        })
    }
}

impl Decode for FlowDone {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(FlowDone {
            signed_in: field(json, "signed_in")?,
            return_to: field(json, "return_to")?,
        })
    }
}

impl Decode for UserView {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(UserView {
            id: field(json, "id")?,
            email: field(json, "email")?,
            display_name: field(json, "display_name")?,
            user_type: field(json, "user_type")?,
            status: field(json, "status")?,
            methods: field(json, "methods")?,
        })
    }
}

impl Decode for SessionSummary {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(SessionSummary {
            id: field(json, "id")?,
            created_at_ms: field(json, "created_at_ms")?,
            expires_at_ms: field(json, "expires_at_ms")?,
            last_seen_at_ms: field(json, "last_seen_at_ms")?,
            user_agent: field(json, "user_agent")?,
            client_ip: field(json, "client_ip")?,
            current: field(json, "current")?,
        })
    }
}

impl Decode for Me {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(Me {
            user: field(json, "user")?,
            session: field(json, "session")?,
            return_to: optional(json, "return_to")?,
        })
    }
}

impl Decode for SessionList {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(SessionList {
            sessions: field(json, "sessions")?,
        })
    }
}

impl Decode for PasswordPolicy {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(PasswordPolicy {
            min_length: field(json, "min_length")?,
            max_length: field(json, "max_length")?,
            organisation_name: field(json, "organisation_name")?,
        })
    }
}

impl Decode for CustomerUserFlow {
    fn decode<J: Json>(json: &J) -> Option<Self> {
        Some(CustomerUserFlow {
            identity_provider: field(json, "identity_provider")?,
            attributes: field(json, "attributes")?,
            sspr_enabled: field(json, "sspr_enabled")?,
            return_origins: field(json, "return_origins")?,
        })
    }
}

/// The browser's parsed JSON.
impl Json for wasm_bindgen::JsValue {
    fn get(&self, key: &str) -> Option<Self> {
        if !self.is_object() {
            return None;
        }
        js_sys::Reflect::get(self, &wasm_bindgen::JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{json, Value};

    impl Json for Value {
        fn get(&self, key: &str) -> Option<Self> {
            self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
        }
        fn string(&self) -> Option<String> {
            self.as_str().map(str::to_owned)
        }
        fn number(&self) -> Option<f64> {
            self.as_f64()
        }
        fn boolean(&self) -> Option<bool> {
            self.as_bool()
        }
        fn items(&self) -> Option<Vec<Self>> {
            self.as_array().cloned()
        }
    }

    /// What serde writes for `value` decodes back to `value`.
    fn round_trips<T: Serialize + Decode + PartialEq + std::fmt::Debug>(value: T) {
        let written = serde_json::to_value(&value).expect("serialises");
        assert_eq!(T::decode(&written).as_ref(), Some(&value), "{written}");
    }

    fn session(current: bool) -> SessionSummary {
        SessionSummary {
            id: "s1".into(),
            created_at_ms: 1_700_000_000_000,
            expires_at_ms: 1_700_086_400_000,
            last_seen_at_ms: 1_700_000_100_000,
            user_agent: "Firefox".into(),
            client_ip: "192.0.2.1".into(),
            current,
        }
    }

    #[test]
    fn every_answer_the_pages_read_round_trips_from_what_the_server_writes() {
        round_trips(FlowView {
            flow_id: "f1".into(),
            purpose: FlowPurpose::PasswordReset,
            state: FlowState::CodeSent,
            masked_email: "j•••@example.com".into(),
            code_length: 8,
            resend_after_secs: 60,
            expires_in_secs: 600,
            needs_profile: true,
            return_to: Some("/account".into()),
        });
        round_trips(FlowView {
            flow_id: "f2".into(),
            purpose: FlowPurpose::Guest,
            state: FlowState::CodeVerified,
            masked_email: String::new(),
            code_length: 6,
            resend_after_secs: 0,
            expires_in_secs: 1,
            needs_profile: false,
            return_to: None,
        });
        round_trips(FlowDone {
            signed_in: true,
            return_to: "https://app.example.com/".into(),
        });
        round_trips(Me {
            user: UserView {
                id: "u1".into(),
                email: "jo@example.com".into(),
                display_name: "Jo".into(),
                user_type: UserType::Guest,
                status: UserStatus::Active,
                methods: vec!["email".into(), "password".into()],
            },
            session: session(true),
            return_to: None,
        });
        round_trips(SessionList {
            sessions: vec![session(true), session(false)],
        });
        round_trips(SessionList { sessions: vec![] });
        round_trips(PasswordPolicy::new("Contoso"));
        round_trips(CustomerUserFlow {
            identity_provider: IdentityProvider::EmailOtp,
            attributes: vec![UserAttribute::DisplayName, UserAttribute::City],
            sspr_enabled: false,
            return_origins: vec!["https://app.example.com".into()],
        });
        round_trips(Health {
            status: "ok".into(),
            version: "0.1.0".into(),
            database: DatabaseStatus {
                backend: "sqlite".into(),
                reachable: true,
            },
        });
    }

    #[test]
    fn error_bodies_decode_with_and_without_their_optional_fields() {
        round_trips(ErrorBody {
            code: "invalid_code".into(),
            message: "Wrong code.".into(),
            request_id: "r1".into(),
            attempts_left: Some(2),
            retry_after_secs: Some(30),
            violations: vec![Violation::TooShort, Violation::Common],
        });
        round_trips(ErrorBody {
            code: "internal".into(),
            message: "Something went wrong.".into(),
            request_id: "r2".into(),
            attempts_left: None,
            retry_after_secs: None,
            violations: vec![],
        });
    }

    #[test]
    fn every_enum_value_round_trips() {
        for purpose in FlowPurpose::ALL {
            round_trips(purpose);
        }
        for state in [
            FlowState::CodeSent,
            FlowState::CodeVerified,
            FlowState::Completed,
        ] {
            round_trips(state);
        }
        for violation in [
            Violation::TooShort,
            Violation::TooLong,
            Violation::Common,
            Violation::ContainsContext,
        ] {
            round_trips(violation);
        }
        round_trips(UserStatus::Locked);
        round_trips(UserStatus::Disabled);
        round_trips(UserType::Member);
        round_trips(IdentityProvider::EmailPassword);
    }

    #[test]
    fn answers_of_the_wrong_shape_are_refused_not_guessed() {
        // A missing required field, a wrong type, a fraction or a negative count.
        assert_eq!(FlowDone::decode(&json!({"signed_in": true})), None);
        assert_eq!(
            FlowDone::decode(&json!({"signed_in": "yes", "return_to": "/"})),
            None
        );
        assert_eq!(u8::decode(&json!(6.5)), None);
        assert_eq!(u8::decode(&json!(256)), None);
        assert_eq!(u64::decode(&json!(-1)), None);
        assert_eq!(FlowState::decode(&json!("lost")), None);
        assert_eq!(Vec::<String>::decode(&json!(["a", 1])), None);
        // Absent and null optional fields are the same; unknown fields are ignored.
        let body = ErrorBody::decode(&json!({
            "code": "x", "message": "m", "request_id": "r",
            "attempts_left": null, "added_later": 1
        }))
        .expect("decodes");
        assert_eq!(body.attempts_left, None);
        assert!(body.violations.is_empty());
        assert_eq!(Me::decode(&json!(null)), None);
    }
}
