//! The request schemas narrowed to what the validation accepts, so that a request the document
//! allows is never refused as malformed (schemathesis checks it in the test command). The
//! generated schemas say only the Rust types ("a string"); the rules live in the use-cases and
//! `domain`, and their bounds are read from there where they are constants.
//!
//! Where the server normalises (trims a name, lower-cases a domain), the schema asks for the
//! normal form, so it is, if anything, stricter than the server. What no schema can state —
//! whether a name or client id is taken, whether a referenced group exists, a relation between
//! two query parameters — the test command's check lists by name (`xtask/schemathesis`).

use crate::domain::passcode::{
    ATTEMPTS_BOUNDS, GUEST_LIFETIME_BOUNDS, LENGTH_BOUNDS, LIFETIME_BOUNDS,
};
use serde_json::{json, Map, Value};
use sspr_api::directory::MAX_PAGE;
use sspr_api::graph::MethodId;

/// A line of text: no control characters (C0, DEL, C1).
const NO_CONTROL: &str = "^[^\\x00-\\x1f\\x7f-\\x9f]*$";
/// The same with at least one character that is not white space (what survives trimming).
const NOT_BLANK: &str =
    "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$";
/// One plain ASCII address as `Email::parse` takes it (no dots in the local part, a top-level
/// domain that starts with a letter: a little stricter than the server).
const EMAIL: &str = "^[A-Za-z0-9!#$%&'*+/^_`{|}~-]{1,64}@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,4}[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
/// A path on this origin, as `domain::return_to` takes it.
const LOCAL_PATH: &str = "^/([^/\\\\\\x00-\\x1f\\x7f-\\x9f][^\\\\\\x00-\\x1f\\x7f-\\x9f]*)?$";
/// A client id (`domain::user_flow::is_client_id`).
const CLIENT_ID: &str = "^[A-Za-z0-9_-]{3,64}$";
/// A redirect URI (`domain::application::redirect_uri`): https, or plain http on the local
/// machine, with a plain path.
const REDIRECT_URI: &str = "^(https://[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*|http://(localhost|127\\.0\\.0\\.1))(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~-]*)*$";
/// A link on the customer pages (`domain::branding`): http(s), a plain host and path.
/// Empty clears it.
const WEB_LINK: &str = "^(https?://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[1-9][0-9]{0,3})?(/[A-Za-z0-9._~-]*)*)?$";
/// A branding localization's id: a tag of a language the pages speak.
const LOCALE: &str = "^([Ee][Nn]|[Ff][Rr])(-[A-Za-z0-9]{1,8}){0,3}$";
/// An id as the directory's paths take them (`admin::users::plausible_id`).
const ID: &str = "^[A-Za-z0-9_-]{1,64}$";

/// Narrows every request schema of `document`.
pub fn narrow(document: &mut Value) {
    common_types(document);
    customer_bodies(document);
    admin_bodies(document);
    directory_queries(document);
    graph(document);
    applications(document);
    branding(document);
    reports(document);
}

fn text(max: usize) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": NOT_BLANK})
}

/// A guest's name in an invitation: up to 100 characters, no control characters; blank is
/// allowed (the address's local part is taken).
fn guest_name() -> Value {
    json!({"type": "string", "maxLength": 100, "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f]*$"})
}

fn optional(schema: Value) -> Value {
    json!({"oneOf": [{"type": "null"}, schema]})
}

fn schema<'a>(document: &'a mut Value, name: &str) -> &'a mut Map<String, Value> {
    let schemas = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the document has component schemas");
    schemas
        .entry(name)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("a schema is an object")
}

/// Replaces the component schema `name`.
fn replace(document: &mut Value, name: &str, value: Value) {
    if let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.insert(name.to_owned(), value);
    }
}

/// Replaces the schema of `property` in the component `name`.
fn property(document: &mut Value, name: &str, property: &str, value: Value) {
    let properties = schema(document, name)
        .entry("properties")
        .or_insert_with(|| json!({}));
    properties[property] = value;
}

/// Replaces the schema of the parameter `name` of every operation whose path starts with
/// `prefix`.
fn parameter(document: &mut Value, prefix: &str, name: &str, value: &Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut().filter(|(p, _)| p.starts_with(prefix)) {
        let _ = path;
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            let parameters = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut);
            for p in parameters.into_iter().flatten() {
                if p["name"] == name {
                    p["schema"] = value.clone();
                }
            }
        }
    }
}

fn common_types(document: &mut Value) {
    let email = schema(document, "Email");
    // The pattern is the rule; `format: email` would allow addresses the server refuses and
    // refuse some it takes.
    email.remove("format");
    email.insert("pattern".into(), json!(EMAIL));
    email.insert("maxLength".into(), json!(sspr_api::email::MAX_LEN));
}

fn customer_bodies(document: &mut Value) {
    // A guest's invitation link opens a guest flow without an address; every other start
    // needs one.
    replace(
        document,
        "StartFlow",
        json!({
            "description": "`POST /api/flows`: an address, or for a guest flow the invitation token \
                            of an invitation link.",
            "oneOf": [
                {
                    "type": "object",
                    "required": ["purpose", "email"],
                    "properties": {
                        "purpose": {"$ref": "#/components/schemas/FlowPurpose"},
                        "email": {"$ref": "#/components/schemas/Email"},
                        "return_to": {"type": ["string", "null"]},
                        "client_id": {"type": ["string", "null"], "maxLength": 64},
                    },
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "required": ["purpose", "invitation"],
                    "properties": {
                        "purpose": {"const": "guest"},
                        "invitation": {"type": "string", "maxLength": 256},
                        "email": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Email"}]},
                        "return_to": {"type": ["string", "null"]},
                        "client_id": {"type": ["string", "null"], "maxLength": 64},
                    },
                    "additionalProperties": false
                }
            ]
        }),
    );
    property(
        document,
        "CompleteFlow",
        "display_name",
        optional(text(100)),
    );
    let attributes = schema(document, "CompleteFlow")["properties"]["attributes"].clone();
    let mut attributes = attributes;
    attributes["additionalProperties"] = text(100);
    property(document, "CompleteFlow", "attributes", attributes);
    property(
        document,
        "VerifyCode",
        "code",
        json!({"type": "string", "maxLength": 64}),
    );
    property(
        document,
        "AccessRequest",
        "client_id",
        json!({"type": ["string", "null"], "maxLength": 64}),
    );
    // Only a phone can be texted or called.
    property(
        document,
        "SendPhoneCode",
        "method",
        json!({"type": "string", "enum": ["mobile_phone", "alternate_phone", "office_phone"]}),
    );
    // The number typed on the device: two digits.
    property(
        document,
        "PushAnswer",
        "number",
        json!({"type": "integer", "minimum": 0, "maximum": 99}),
    );
}

fn admin_bodies(document: &mut Value) {
    property(document, "AdminSetup", "display_name", text(100));
    property(document, "CreateAdmin", "display_name", text(100));
    property(document, "NewGroup", "display_name", text(100));
    property(
        document,
        "NewGroup",
        "description",
        json!({"type": "string", "maxLength": 1000, "pattern": "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*$"}),
    );
    property(
        document,
        "GroupChanges",
        "display_name",
        optional(text(100)),
    );
    property(
        document,
        "GroupChanges",
        "description",
        optional(
            json!({"type": "string", "maxLength": 1000, "pattern": "^[^\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f]*$"}),
        ),
    );
    property(document, "CreateApiToken", "name", text(100));
    property(
        document,
        "CreateApiToken",
        "expires_in_days",
        json!({"type": "integer", "minimum": 1, "maximum": 365}),
    );
    property(
        document,
        "CreateInvitation",
        "display_name",
        optional(guest_name()),
    );
    property(
        document,
        "CreateInvitation",
        "redirect_url",
        json!({"type": "string", "maxLength": 2048, "pattern": LOCAL_PATH}),
    );
    property(document, "UserFlowInput", "name", text(100));
    // Applications are registered under /applications: a user flow lists none.
    property(
        document,
        "UserFlowInput",
        "applications",
        json!({"type": "array", "maxItems": 0}),
    );
    reset_policy(document);
}

/// The reset policy: a group exactly when reset is enabled for a group; as many counted methods
/// as are required, each once.
fn reset_policy(document: &mut Value) {
    let common = json!({
        "notify_users_on_reset": {"type": "boolean"},
        "notify_admins_on_admin_reset": {"type": "boolean"},
        "notify_users_on_unlock": {"type": "boolean"},
        "notify_users_on_disable": {"type": "boolean"},
        "notify_users_on_method_change": {"type": "boolean"},
        "reconfirm_after_days": {"type": "integer", "minimum": 0, "maximum": 730},
        "require_registration": {"type": "boolean"},
        "registration_snooze_days": {"type": "integer", "minimum": 0, "maximum": 14},
        "questions_to_register": {"type": "integer", "minimum": 3, "maximum": 5},
        "questions_to_reset": {"type": "integer", "minimum": 1, "maximum": 5},
        "custom_questions": {
            "type": "array",
            "maxItems": 20,
            "uniqueItems": true,
            "items": {
                "type": "string",
                "minLength": 5,
                "maxLength": 200,
                // No control character anywhere, no white space at either end.
                "pattern": r"^[^\s\u0000-\u001f\u007f-\u009f](?:[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f])?$",
            },
        },
    });
    let variant = |scope: Value, group: Value, required: u8| {
        let mut properties = common.clone();
        properties["enabled_for"] = scope;
        properties["group_id"] = group;
        properties["methods_required"] = json!({"const": required});
        properties["methods"] = json!({
            "type": "array",
            "items": {"$ref": "#/components/schemas/ResetMethod"},
            "uniqueItems": true,
            "minItems": required,
        });
        let mut required = vec![
            "enabled_for",
            "methods_required",
            "methods",
            "notify_users_on_reset",
            "notify_admins_on_admin_reset",
            "reconfirm_after_days",
            "require_registration",
        ];
        if properties["enabled_for"]["const"] == "group" {
            required.push("group_id");
        }
        json!({
            "type": "object",
            "required": required,
            "properties": properties,
            "additionalProperties": false,
        })
    };
    let everyone_or_nobody = json!({"enum": ["none", "all"]});
    let no_group = json!({"type": "null"});
    let group = json!({"type": "string", "pattern": ID, "not": {"const": "all_users"}});
    let mut variants = Vec::new();
    for required in [1, 2] {
        variants.push(variant(
            everyone_or_nobody.clone(),
            no_group.clone(),
            required,
        ));
        variants.push(variant(json!({"const": "group"}), group.clone(), required));
    }
    let description = schema(document, "ResetPolicy")
        .get("description")
        .cloned()
        .unwrap_or_default();
    replace(
        document,
        "ResetPolicy",
        json!({"description": description, "oneOf": variants}),
    );
}

/// Company branding (`domain::branding`): the colour, texts and links as their rules take them;
/// a localization's id a language the pages speak; the theme only on the default branding,
/// which cannot be deleted.
fn branding(document: &mut Value) {
    let nullable = |schema: Value| json!({"oneOf": [{"type": "null"}, schema]});
    let line =
        |max: usize| nullable(json!({"type": "string", "maxLength": max, "pattern": NO_CONTROL}));
    let link = nullable(json!({"type": "string", "maxLength": 2048, "pattern": WEB_LINK}));
    let mut properties = json!({
        "@odata.type": nullable(json!({"type": "string"})),
        "id": nullable(json!({"type": "string"})),
        "backgroundColor": nullable(json!({"type": "string", "pattern": "^(#[0-9A-Fa-f]{6})?$"})),
        "signInPageText": nullable(json!({"type": "string", "maxLength": 1024,
            "pattern": "^[^\\x00-\\x09\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"})),
        "usernameHintText": line(64),
        "customForgotMyPasswordText": line(256),
        "customPrivacyAndCookiesText": line(256),
        "customPrivacyAndCookiesUrl": link.clone(),
        "customTermsOfUseText": line(256),
        "customTermsOfUseUrl": link,
    });
    let object = |properties: &Value, required: &[&str]| {
        json!({"type": "object", "properties": properties, "required": required,
            "additionalProperties": false})
    };
    let localized = object(&properties, &[]);
    let mut created = properties.clone();
    created["id"] = json!({"type": "string", "maxLength": 35, "pattern": LOCALE});
    let created = object(&created, &["id"]);
    properties["ssprTheme"] =
        nullable(json!({"type": "string", "pattern": "^([A-Za-z0-9-]{1,64})?$"}));
    replace(document, "BrandingPatch", object(&properties, &[]));
    replace(document, "BrandingLocalizationPatch", localized);
    replace(document, "NewBrandingLocalization", created);
    let base = "/api/graph/v1.0/organization/{org}/branding/localizations";
    let body = |name: &str| json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}, "required": true});
    if let Some(operation) =
        document.pointer_mut(&format!("/paths/{}/post", base.replace('/', "~1")))
    {
        operation["requestBody"] = body("NewBrandingLocalization");
    }
    let one = format!("/paths/{}~1{{locale}}", base.replace('/', "~1"));
    if let Some(operation) = document.pointer_mut(&format!("{one}/patch")) {
        operation["requestBody"] = body("BrandingLocalizationPatch");
    }
    if let Some(parameters) = document
        .pointer_mut(&format!("{one}/delete/parameters"))
        .and_then(Value::as_array_mut)
    {
        for p in parameters.iter_mut().filter(|p| p["name"] == "locale") {
            p["schema"] = json!({"type": "string", "not": {"const": "0"}});
        }
    }
}

fn directory_queries(document: &mut Value) {
    let limit = json!({"type": "integer", "minimum": 1, "maximum": MAX_PAGE});
    let cursor = json!({"type": "string", "maxLength": 2048, "pattern": "^[A-Za-z0-9_-]*$"});
    for prefix in ["/api/admin/users", "/api/admin/groups", "/api/admin/audit"] {
        parameter(document, prefix, "limit", &limit);
        parameter(document, prefix, "after", &cursor);
        parameter(document, prefix, "before", &cursor);
    }
    let search = json!({"type": "string", "maxLength": 256, "pattern": NO_CONTROL});
    parameter(document, "/api/admin/", "search", &search);
    parameter(
        document,
        "/api/admin/",
        "type",
        &json!({"enum": ["", "member", "guest"]}),
    );
    parameter(
        document,
        "/api/admin/",
        "status",
        &json!({"enum": ["", "active", "locked", "disabled", "redeemed", "pending"]}),
    );
    let user = json!({"anyOf": [
        {"type": "string", "pattern": "^\\s*$"},
        {"type": "string", "pattern": ID},
        {"$ref": "#/components/schemas/Email"},
    ]});
    parameter(document, "/api/admin/audit", "user", &user);
    parameter(
        document,
        "/api/admin/audit",
        "actor",
        &json!({"type": "string", "pattern": "^([A-Za-z0-9_:@.-]{1,128}|\\s*)$"}),
    );
    let name = json!({"type": "string", "pattern": "^([a-z_]{1,64}|\\s*)$"});
    parameter(document, "/api/admin/audit", "event", &name);
    parameter(document, "/api/admin/audit", "outcome", &name);
    // Blank is no bound: the portal sends its empty date fields.
    let time = json!({"anyOf": [
        {"type": "integer", "minimum": 0, "maximum": i64::MAX},
        {"type": "string", "pattern": "^\\s*$"},
    ]});
    parameter(document, "/api/admin/audit", "from", &time);
    parameter(document, "/api/admin/audit", "to", &time);
    parameter(
        document,
        "/api/user-flow",
        "client_id",
        &json!({"type": "string", "maxLength": 64}),
    );
}

/// Graph: besides the path with the method's id as a parameter (in any case, as Graph takes
/// it), one literal path per authentication method, each with the body that method takes (its
/// `@odata.type`, and the properties only it has): the one path's body depends on the id in it,
/// which a schema cannot say. Concrete paths match before templated ones.
fn graph(document: &mut Value) {
    let template =
        "/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}";
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let Some(item) = paths.get(template).cloned() else {
        return;
    };
    for method in MethodId::ALL {
        let mut item = item.clone();
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            if let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            {
                parameters.retain(|p| p["name"] != "id");
            }
            if let Some(body) =
                operation.pointer_mut("/requestBody/content/application~1json/schema")
            {
                *body = method_patch(method);
            }
        }
        paths.insert(template.replace("{id}", method.as_str()), item);
    }
    replace(document, "ExcludeTarget", target(json!({}), &[], true));
    replace(
        document,
        "CampaignIncludeTarget",
        target(
            json!({"targetedAuthenticationMethod": {"type": "string"}}),
            &["targetedAuthenticationMethod"],
            true,
        ),
    );
    let mut campaign = schema(document, "RegistrationCampaign")
        .get("properties")
        .cloned()
        .unwrap_or_default();
    campaign["snoozeDurationInDays"] = json!({"type": "integer", "minimum": 0, "maximum": 14});
    campaign["includeTargets"] = json!({"type": "array", "maxItems": 100,
        "items": {"$ref": "#/components/schemas/CampaignIncludeTarget"}});
    campaign["excludeTargets"] = json!({"type": "array", "maxItems": 100,
        "items": {"$ref": "#/components/schemas/ExcludeTarget"}});
    schema(document, "RegistrationCampaign").insert("properties".into(), campaign);
    property(
        document,
        "GraphInvitationRequest",
        "inviteRedirectUrl",
        json!({"type": "string", "maxLength": 2048, "pattern": LOCAL_PATH}),
    );
    property(
        document,
        "GraphInvitationRequest",
        "invitedUserEmailAddress",
        json!({"$ref": "#/components/schemas/Email"}),
    );
    property(
        document,
        "GraphInvitationRequest",
        "invitedUserDisplayName",
        optional(guest_name()),
    );
    // `resetRedemption` names the guest in `invitedUser`.
    let invitation = schema(document, "GraphInvitationRequest").clone();
    let variant = |reset: bool| {
        let mut variant = invitation.clone();
        let mut properties = invitation["properties"].clone();
        properties["resetRedemption"] = json!({"const": reset});
        let mut required = vec!["invitedUserEmailAddress", "inviteRedirectUrl"];
        if reset {
            properties["invitedUser"] = json!({"$ref": "#/components/schemas/InvitedUser"});
            required.extend(["resetRedemption", "invitedUser"]);
        }
        variant.insert("properties".into(), properties);
        variant.insert("required".into(), json!(required));
        variant.remove("description");
        Value::Object(variant)
    };
    let description = invitation.get("description").cloned().unwrap_or_default();
    replace(
        document,
        "GraphInvitationRequest",
        json!({"description": description, "oneOf": [variant(false), variant(true)]}),
    );
    property(
        document,
        "MethodsPolicyPatch",
        "@odata.type",
        optional(json!({"const": "#microsoft.graph.authenticationMethodsPolicy"})),
    );
    property(
        document,
        "MethodsPolicyPatch",
        "id",
        optional(json!({"const": sspr_api::graph::METHODS_POLICY_ID})),
    );
    property(
        document,
        "MethodsPolicyPatch",
        "reconfirmationInDays",
        optional(json!({"type": "integer", "minimum": 0, "maximum": 730})),
    );
}

/// A method's or the registration campaign's target: a group (`all_users` for everyone), or a
/// user (never called `all_users`), with `extra` properties (`required` of them required);
/// `all_users` allowed as a group or not.
fn target(extra: Value, required: &[&str], all_users: bool) -> Value {
    let id = json!({"type": "string", "minLength": 1, "maxLength": 100, "pattern": NO_CONTROL});
    let not_everyone = json!({"type": "string", "minLength": 1, "maxLength": 100,
                              "pattern": NO_CONTROL, "not": {"const": "all_users"}});
    let variant = |kind: &str, id: &Value| {
        let mut properties = extra.clone();
        properties["id"] = id.clone();
        properties["targetType"] = json!({"const": kind});
        let mut required = required.to_vec();
        required.extend(["id", "targetType"]);
        json!({"type": "object", "required": required, "properties": properties,
               "additionalProperties": false})
    };
    let group_id = if all_users { &id } else { &not_everyone };
    json!({"oneOf": [variant("group", group_id), variant("user", &not_everyone)]})
}

/// The body of a PATCH of `method`'s configuration.
fn method_patch(method: MethodId) -> Value {
    let mut extra = json!({"isRegistrationRequired": {"type": "boolean"}});
    if method == MethodId::Sms {
        extra["isUsableForSignIn"] = json!({"type": ["boolean", "null"]});
    }
    let include = target(extra, &[], true);
    // `all_users` cannot be excluded: the method is turned off instead.
    let exclude = target(json!({}), &[], false);
    let mut properties = json!({
        "@odata.type": {"const": method.odata_type()},
        "id": optional(json!({"const": method.as_str()})),
        "state": optional(json!({"$ref": "#/components/schemas/MethodState"})),
        "includeTargets": optional(json!({"type": "array", "maxItems": 100, "items": include})),
        "excludeTargets": optional(json!({"type": "array", "maxItems": 100, "items": exclude})),
    });
    let range = |start: u32, end: u32| {
        optional(json!({"type": "integer", "minimum": start, "maximum": end}))
    };
    match method {
        MethodId::Email => {
            properties["allowExternalIdToUseEmailOtp"] =
                optional(json!({"$ref": "#/components/schemas/ExternalEmailOtpState"}));
            properties["passcodeLength"] = range(
                u32::from(*LENGTH_BOUNDS.start()),
                u32::from(*LENGTH_BOUNDS.end()),
            );
            properties["passcodeLifetimeInSeconds"] =
                range(*LIFETIME_BOUNDS.start(), *LIFETIME_BOUNDS.end());
            properties["guestPasscodeLifetimeInSeconds"] =
                range(*GUEST_LIFETIME_BOUNDS.start(), *GUEST_LIFETIME_BOUNDS.end());
            properties["passcodeMaxAttempts"] =
                range(*ATTEMPTS_BOUNDS.start(), *ATTEMPTS_BOUNDS.end());
        }
        MethodId::Voice => {
            properties["isOfficePhoneAllowed"] = json!({"type": ["boolean", "null"]});
        }
        MethodId::MicrosoftAuthenticator => {
            properties["isSoftwareOathEnabled"] = json!({"type": ["boolean", "null"]});
        }
        _ => {}
    }
    if matches!(method, MethodId::Sms | MethodId::Voice) {
        use crate::domain::phone::{
            countries, SENDS_PER_DAY_BOUNDS, SENDS_PER_NUMBER_PER_DAY_BOUNDS,
        };
        properties["allowedCountries"] = optional(json!({"type": "array", "maxItems": 300,
            "items": {"type": "string", "enum": countries()}}));
        properties["maxSendsPerNumberPerDay"] = range(
            *SENDS_PER_NUMBER_PER_DAY_BOUNDS.start(),
            *SENDS_PER_NUMBER_PER_DAY_BOUNDS.end(),
        );
        properties["maxSendsPerDay"] =
            range(*SENDS_PER_DAY_BOUNDS.start(), *SENDS_PER_DAY_BOUNDS.end());
    }
    json!({
        "type": "object",
        "description": format!("A PATCH of the {} method's configuration.", method.as_str()),
        "required": ["@odata.type"],
        "properties": properties,
        "additionalProperties": false,
    })
}

/// Application registrations (`domain::application`): a name, a client id, redirect URIs each
/// once per list, a user flow's id (that it exists no schema can say).
fn applications(document: &mut Value) {
    let uris = json!({"type": "object", "additionalProperties": false, "properties": {
        "redirectUris": {"type": "array", "maxItems": 50, "uniqueItems": true,
            "items": {"type": "string", "maxLength": 200, "pattern": REDIRECT_URI}}}});
    replace(document, "RedirectUris", uris);
    let flow = json!({"type": "string", "pattern": ID});
    for name in ["ApplicationCreate", "ApplicationPatch"] {
        property(document, name, "userFlowId", optional(flow.clone()));
    }
    property(document, "ApplicationCreate", "displayName", text(100));
    property(
        document,
        "ApplicationCreate",
        "appId",
        optional(json!({"type": "string", "pattern": CLIENT_ID})),
    );
    property(
        document,
        "ApplicationPatch",
        "displayName",
        optional(text(100)),
    );
    property(
        document,
        "PasswordCredentialRequest",
        "displayName",
        optional(text(100)),
    );
    property(
        document,
        "PasswordCredentialRequest",
        "endDateTime",
        optional(json!({"type": "string", "format": "date-time"})),
    );
}

/// A date and time `$filter` takes (days up to 28: every month has them).
const FILTER_TIME: &str =
    "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z";

/// `^(clause( and clause)*)?$`.
fn conjunction(clause: &str) -> Value {
    json!({"type": "string", "maxLength": 1024, "pattern": format!("^(({clause})( and ({clause}))*)?$")})
}

/// The reports: `$top`, `$skiptoken`, and each report's `$filter` grammar (a subset of what the
/// server parses: `http::odata`, `admin::reports`).
fn reports(document: &mut Value) {
    use sspr_api::reports::MAX_TOP;
    let graph = "/api/graph/v1.0";
    let top = json!({"type": "integer", "minimum": 1, "maximum": MAX_TOP});
    let token = json!({"type": "string", "maxLength": 2048, "pattern": "^[A-Za-z0-9_-]*$"});
    for prefix in [graph, "/api/admin/reports/"] {
        parameter(document, prefix, "$top", &top);
        parameter(document, prefix, "$skiptoken", &token);
    }
    let flags = "isAdmin|isSsprRegistered|isSsprEnabled|isSsprCapable|isMfaRegistered|isMfaCapable|isPasswordlessCapable";
    let registration = conjunction(&format!(
        "userType eq '(member|guest)'|({flags}) (eq|ne) (true|false)"
    ));
    parameter(
        document,
        &format!("{graph}/reports/authenticationMethods/userRegistrationDetails"),
        "$filter",
        &registration,
    );
    parameter(
        document,
        "/api/admin/reports/registration.csv",
        "$filter",
        &registration,
    );
    parameter(
        document,
        &format!("{graph}/auditLogs/signIns"),
        "$filter",
        &conjunction(&format!(
            "createdDateTime (eq|ge|gt|le|lt) {FILTER_TIME}|status/errorCode (eq|ne) 0"
        )),
    );
    let categories = crate::admin::reports::directory_audits::CATEGORIES.join("|");
    parameter(
        document,
        &format!("{graph}/auditLogs/directoryAudits"),
        "$filter",
        &conjunction(&format!(
            "activityDateTime (eq|ge|gt|le|lt) {FILTER_TIME}|category eq '({categories})'|result eq '(success|failure)'"
        )),
    );
    parameter(
        document,
        "/api/admin/reports/usage",
        "days",
        &json!({"enum": ["7", "30"]}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern)
            .expect("a pattern")
            .is_match(text)
    }

    #[test]
    fn the_patterns_agree_with_the_rules_they_stand_for() {
        for good in ["jane@example.com", "a+b@mail.example.co", "J_o@x-y.org"] {
            assert!(matches(EMAIL, good), "{good}");
            assert!(sspr_api::Email::parse(good).is_ok(), "{good}");
        }
        for bad in ["jane", "a@b", "a b@c.de", "a@1.23", "é@x.com", "a@-x.com"] {
            assert!(!matches(EMAIL, bad), "{bad}");
        }
        for (name, ok) in [
            (" a ", true),
            ("   ", false),
            ("tab\there", false),
            ("", false),
        ] {
            assert_eq!(matches(NOT_BLANK, name), ok, "{name:?}");
            assert_eq!(
                crate::domain::user_flow::display_name(name).is_some(),
                ok,
                "{name:?}"
            );
        }
        for (path, ok) in [
            ("/account", true),
            ("/", true),
            ("//evil.example", false),
            ("https://evil.example/", false),
            ("/a\\b", false),
        ] {
            assert_eq!(matches(LOCAL_PATH, path), ok, "{path}");
            assert_eq!(
                crate::domain::return_to::check(path, "https://id.example.com", &[]).is_some(),
                ok,
                "{path}"
            );
        }
        for (id, ok) in [("shop-app", true), ("ab", false), ("a b c", false)] {
            assert_eq!(matches(CLIENT_ID, id), ok, "{id}");
            assert_eq!(crate::domain::user_flow::is_client_id(id), ok, "{id}");
        }
        for (uri, ok) in [
            ("https://shop.example.com:8443/callback", true),
            ("http://localhost:3000/", true),
            ("https://shop.example.com", true),
            ("http://shop.example.com/cb", false),
            ("https://shop.example.com/cb#x", false),
        ] {
            assert_eq!(matches(REDIRECT_URI, uri), ok, "{uri}");
            assert_eq!(
                crate::domain::application::redirect_uri(uri, false).is_ok(),
                ok,
                "{uri}"
            );
        }
    }

    #[test]
    fn every_graph_method_gets_a_path_and_a_body_of_its_own() {
        let mut document =
            serde_json::to_value(<super::super::ApiDoc as utoipa::OpenApi>::openapi())
                .expect("a document");
        narrow(&mut document);
        for method in MethodId::ALL {
            let path = format!(
                "/api/graph/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{}",
                method.as_str()
            );
            let body = &document["paths"][&path]["patch"]["requestBody"]["content"]
                ["application/json"]["schema"];
            assert_eq!(
                body["properties"]["@odata.type"]["const"],
                method.odata_type()
            );
            let email_only = body["properties"].get("passcodeLength").is_some();
            assert_eq!(email_only, method == MethodId::Email, "{path}");
        }
    }

    #[test]
    fn report_filters_the_schema_allows_are_filters_the_server_parses() {
        let document = crate::routes::openapi::document();
        let filter = |path: &str| -> String {
            document["paths"][path]["get"]["parameters"]
                .as_array()
                .expect("parameters")
                .iter()
                .find(|p| p["name"] == "$filter")
                .and_then(|p| p["schema"]["pattern"].as_str())
                .expect("a $filter pattern")
                .to_owned()
        };
        let cases = [
            (
                "/api/graph/v1.0/reports/authenticationMethods/userRegistrationDetails",
                "isSsprRegistered eq true and userType eq 'guest'",
                "isSsprRegistered eq 'yes'",
            ),
            (
                "/api/graph/v1.0/auditLogs/signIns",
                "createdDateTime ge 2026-02-28T23:59:59Z and status/errorCode ne 0",
                "createdDateTime ge 2026-02-30T00:00:00Z",
            ),
            (
                "/api/graph/v1.0/auditLogs/directoryAudits",
                "category eq 'Policy' and result eq 'success'",
                "category eq 'Other'",
            ),
        ];
        for (path, good, bad) in cases {
            let pattern = filter(path);
            assert!(matches(&pattern, good), "{path}: {good}");
            assert!(matches(&pattern, ""), "{path}: no filter");
            assert!(crate::http::odata::parse(Some(good)).is_ok(), "{good}");
            assert!(!matches(&pattern, bad), "{path}: {bad}");
        }
    }
}
