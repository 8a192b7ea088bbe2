//! Application registrations (issue 14): the organisation's applications that sign their users
//! in with OpenID Connect, in Microsoft Graph v1.0's `application` shape.
//!
//! ```text
//! GET    /api/graph/v1.0/applications                          → GraphApplicationList (Read)
//! POST   /api/graph/v1.0/applications       ApplicationCreate  → 201 GraphApplication (ManageAuthenticationPolicy)
//! GET    /api/graph/v1.0/applications/{id}                     → GraphApplication     (Read)
//! PATCH  /api/graph/v1.0/applications/{id}  ApplicationPatch   → 204                  (ManageAuthenticationPolicy)
//! DELETE /api/graph/v1.0/applications/{id}                     → 204                  (ManageAuthenticationPolicy)
//! POST   /api/graph/v1.0/applications/{id}/addPassword     AddPassword    → PasswordCredential with secretText
//! POST   /api/graph/v1.0/applications/{id}/removePassword  RemovePassword → 204
//! ```
//!
//! `appId` is the OAuth client id. Redirect URIs are matched exactly, one list per platform as
//! Graph has them: `web` (a confidential client, which redeems codes with a client secret from
//! `passwordCredentials`), `spa` and `publicClient` (public clients, which must use PKCE).
//! Beside Graph's properties, two extensions: `userFlowId`, the user flow the application's
//! users go through (default `default`), and `idTokenSignedResponseAlg`, `ES256` (the default)
//! or `RS256`. Graph clients ignore both.

use serde::{Deserialize, Serialize};

/// How the ID tokens of an application are signed.
/// Its JOSE name (`RS256`) is also the stored one (`WireName`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: the default, as Entra's and as OpenID Connect's
    /// (Dynamic Client Registration §2), which every client library expects unless told
    /// otherwise (openid-client, Spring Security).
    #[default]
    RS256,
    /// ECDSA with P-256 and SHA-256: smaller and faster, for clients configured for it.
    ES256,
}

impl SigningAlgorithm {
    pub const ALL: [SigningAlgorithm; 2] = [SigningAlgorithm::RS256, SigningAlgorithm::ES256];
}

/// A platform's redirect URIs (Graph's `webApplication`, `spaApplication`, `publicClientApplication`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RedirectUris {
    /// Optional in a request (`{}` is no redirect URI).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// Only a JSON object, as the schema says: serde's derived `Deserialize` would also take an
/// array of the fields in order (`"spa": []`), which Graph refuses.
impl<'de> Deserialize<'de> for RedirectUris {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Fields {
            #[serde(default)]
            redirect_uris: Vec<String>,
            // Sent by Microsoft's SDKs (`#microsoft.graph.webApplication`, …); not kept.
            #[serde(rename = "@odata.type", default)]
            _odata_type: Option<String>,
        }
        struct ObjectOnly;
        impl<'de> serde::de::Visitor<'de> for ObjectOnly {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object with redirectUris")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Fields, A::Error> {
                Fields::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        let fields = deserializer.deserialize_map(ObjectOnly)?;
        Ok(RedirectUris {
            redirect_uris: fields.redirect_uris,
        })
    }
}

/// A client secret as Graph lists it: never the secret itself, only its first characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    pub display_name: String,
    /// The secret's first three characters.
    pub hint: String,
    /// ISO 8601.
    pub start_date_time: String,
    /// ISO 8601: the secret stops working then.
    pub end_date_time: String,
    /// Only in the answer to `addPassword`, the one time it is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_text: Option<String>,
}

/// `GET /api/graph/v1.0/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GraphApplication {
    /// The object id (in paths).
    pub id: String,
    /// The client id (in the protocol).
    pub app_id: String,
    pub display_name: String,
    /// ISO 8601.
    pub created_date_time: String,
    pub web: RedirectUris,
    pub spa: RedirectUris,
    pub public_client: RedirectUris,
    pub password_credentials: Vec<PasswordCredential>,
    /// Extension: the user flow this application's users go through.
    pub user_flow_id: String,
    /// Extension: how its ID tokens are signed.
    pub id_token_signed_response_alg: SigningAlgorithm,
}

/// `GET /api/graph/v1.0/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GraphApplicationList {
    #[serde(rename = "@odata.context")]
    pub odata_context: String,
    pub value: Vec<GraphApplication>,
}

/// `POST /api/graph/v1.0/applications`. `appId` may be given (3 to 64 letters, digits, `-`,
/// `_`) to keep a client id an application already uses; otherwise one is generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationCreate {
    /// Graph's type name, as Microsoft's SDKs send it (`#microsoft.graph.application`); accepted and not
    /// kept.
    #[serde(rename = "@odata.type", default, skip_serializing)]
    pub odata_type: Option<String>,
    pub display_name: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub web: Option<RedirectUris>,
    #[serde(default)]
    pub spa: Option<RedirectUris>,
    #[serde(default)]
    pub public_client: Option<RedirectUris>,
    #[serde(default)]
    pub user_flow_id: Option<String>,
    #[serde(default)]
    pub id_token_signed_response_alg: Option<SigningAlgorithm>,
}

/// `PATCH /api/graph/v1.0/applications/{id}`: the properties given replace the stored ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationPatch {
    /// Graph's type name, as Microsoft's SDKs send it (`#microsoft.graph.application`); accepted and not
    /// kept.
    #[serde(rename = "@odata.type", default, skip_serializing)]
    pub odata_type: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub web: Option<RedirectUris>,
    #[serde(default)]
    pub spa: Option<RedirectUris>,
    #[serde(default)]
    pub public_client: Option<RedirectUris>,
    #[serde(default)]
    pub user_flow_id: Option<String>,
    #[serde(default)]
    pub id_token_signed_response_alg: Option<SigningAlgorithm>,
}

/// The secret asked for by `addPassword`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordCredentialRequest {
    #[serde(default)]
    pub display_name: Option<String>,
    /// ISO 8601; default two years from now, at most two years.
    #[serde(default)]
    pub end_date_time: Option<String>,
}

/// `POST /api/graph/v1.0/applications/{id}/addPassword`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddPassword {
    #[serde(default)]
    pub password_credential: PasswordCredentialRequest,
}

/// `POST /api/graph/v1.0/applications/{id}/removePassword`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemovePassword {
    pub key_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_an_object_never_an_array() {
        let read = |json: &str| serde_json::from_str::<RedirectUris>(json);
        assert_eq!(
            read(r#"{"redirectUris": ["https://app.example/cb"]}"#).expect("an object"),
            RedirectUris {
                redirect_uris: vec!["https://app.example/cb".into()]
            }
        );
        assert_eq!(read("{}").expect("defaults"), RedirectUris::default());
        assert!(read("[]").is_err());
        assert!(read(r#"[["https://app.example/cb"]]"#).is_err());
        assert!(read(r#"{"other": 1}"#).is_err());
    }

    #[test]
    fn applications_use_graph_names() {
        let create: ApplicationCreate = serde_json::from_str(
            r#"{"displayName":"Shop","web":{"redirectUris":["https://shop.example.com/cb"]},
                "idTokenSignedResponseAlg":"RS256"}"#,
        )
        .expect("valid");
        assert_eq!(create.display_name, "Shop");
        assert_eq!(
            create.web.expect("web").redirect_uris,
            ["https://shop.example.com/cb"]
        );
        assert_eq!(
            create.id_token_signed_response_alg,
            Some(SigningAlgorithm::RS256)
        );
        assert!(serde_json::from_str::<ApplicationCreate>(r#"{"displayName":"x","y":1}"#).is_err());
        for alg in SigningAlgorithm::ALL {
            use crate::WireName;
            let json = serde_json::to_string(&alg).expect("serialises");
            assert_eq!(json, format!("\"{}\"", alg.as_str()));
            assert_eq!(SigningAlgorithm::parse(alg.as_str()), Some(alg));
        }
    }
}
