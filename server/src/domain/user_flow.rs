//! The rules of user flows, free of SQL: what an administrator's user flow must meet (a name,
//! the attributes with `displayName` first and none twice, applications with well-formed unique
//! client ids and bare origins — whether a client id or a name is taken elsewhere is the
//! store's question), and what a sign-up under it must bring (its attributes, a display name).

use sspr_api::{Application, UserAttribute, UserFlowInput};
use std::collections::BTreeMap;

/// Most applications one flow may list, and origins one application may list.
const MAX_APPLICATIONS: usize = 50;
const MAX_ORIGINS: usize = 20;

/// A user flow's settings once checked: what the store writes.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: String,
    pub attributes: Vec<UserAttribute>,
    pub applications: Vec<Application>,
}

/// Checks `input`; generates the client ids it leaves out.
pub fn check(input: &UserFlowInput) -> Result<Checked, String> {
    let name = text(
        &input.name,
        "Enter a user flow name of 1 to 100 characters.",
    )?;
    let mut attributes = vec![UserAttribute::DisplayName];
    for attribute in &input.attributes {
        if !attributes.contains(attribute) {
            attributes.push(*attribute);
        }
    }
    if input.applications.len() > MAX_APPLICATIONS {
        return Err(format!(
            "A user flow may list at most {MAX_APPLICATIONS} applications."
        ));
    }
    let mut applications: Vec<Application> = Vec::with_capacity(input.applications.len());
    for app in &input.applications {
        let name = text(
            &app.name,
            "Enter an application name of 1 to 100 characters.",
        )?;
        let client_id = match &app.client_id {
            Some(given) => client_id(given)?,
            None => uuid::Uuid::new_v4().to_string(),
        };
        if applications.iter().any(|a| a.client_id == client_id) {
            return Err(format!("The client id {client_id} is listed twice."));
        }
        if app.redirect_origins.len() > MAX_ORIGINS {
            return Err(format!(
                "An application may list at most {MAX_ORIGINS} redirect origins."
            ));
        }
        let mut redirect_origins = Vec::with_capacity(app.redirect_origins.len());
        for given in &app.redirect_origins {
            let checked = origin(given)?;
            if !redirect_origins.contains(&checked) {
                redirect_origins.push(checked);
            }
        }
        applications.push(Application {
            name,
            client_id,
            redirect_origins,
        });
    }
    Ok(Checked {
        name,
        attributes,
        applications,
    })
}

/// A name: trimmed, 1 to 100 characters, no control characters.
fn text(input: &str, message: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control)
    {
        return Err(message.to_owned());
    }
    Ok(trimmed.to_owned())
}

/// At the last step of a sign-up: the attribute values of `given`, trimmed, checked against the
/// attributes the user flow `collected`. Every attribute the flow collects (but the display
/// name, which the step asks for itself) is required, 1 to 100 characters; one it does not
/// collect is refused. The error is a sentence.
pub fn sign_up_attributes(
    collected: &[UserAttribute],
    given: &BTreeMap<UserAttribute, String>,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut values = serde_json::Map::new();
    for (attribute, value) in given {
        if *attribute == UserAttribute::DisplayName || !collected.contains(attribute) {
            return Err(format!(
                "This sign-up does not collect {}.",
                attribute.as_str()
            ));
        }
        let trimmed = value.trim();
        if trimmed.is_empty()
            || trimmed.chars().count() > 100
            || trimmed.chars().any(char::is_control)
        {
            return Err(format!(
                "Enter your {} (1 to 100 characters).",
                label(*attribute)
            ));
        }
        values.insert(attribute.as_str().to_owned(), trimmed.into());
    }
    if let Some(missing) = collected
        .iter()
        .find(|a| **a != UserAttribute::DisplayName && !given.contains_key(a))
    {
        return Err(format!("Enter your {}.", label(*missing)));
    }
    Ok(values)
}

/// The attribute's name in a sentence.
fn label(attribute: UserAttribute) -> &'static str {
    match attribute {
        UserAttribute::DisplayName => "display name",
        UserAttribute::GivenName => "given name",
        UserAttribute::Surname => "surname",
        UserAttribute::City => "city",
        UserAttribute::Country => "country or region",
        UserAttribute::JobTitle => "job title",
        UserAttribute::PostalCode => "postal code",
        UserAttribute::State => "state or province",
        UserAttribute::StreetAddress => "street address",
    }
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
pub fn display_name(input: &str) -> Option<String> {
    let name = input.trim();
    (!name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control))
        .then(|| name.to_owned())
}

/// Whether `id` has the shape of a client id: 3 to 64 ASCII letters, digits, `-` or `_` (so it
/// travels in a URL as it is).
pub fn is_client_id(id: &str) -> bool {
    (3..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn client_id(given: &str) -> Result<String, String> {
    if is_client_id(given) {
        Ok(given.to_owned())
    } else {
        Err("A client id has 3 to 64 letters, digits, hyphens or underscores.".to_owned())
    }
}

/// A bare origin, `https://host[:port]`: no path, query, fragment or user name; plain `http`
/// only for the local machine (development), as Entra allows for redirect URIs.
pub fn origin(given: &str) -> Result<String, String> {
    let refuse = || {
        format!(
            "{given:?} is not an origin: give https://host or https://host:port, without a path."
        )
    };
    if given.len() > 255 || given.ends_with('/') || given.contains('@') {
        return Err(refuse());
    }
    let uri = axum::http::Uri::try_from(given).map_err(|_| refuse())?;
    let host = uri.host().ok_or_else(refuse)?.to_ascii_lowercase();
    let secure = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(refuse()),
    };
    let bare = uri
        .path_and_query()
        .is_none_or(|p| p.as_str().is_empty() || p.as_str() == "/");
    if !bare || given.contains('#') || host.is_empty() {
        return Err(refuse());
    }
    let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    if !secure && !local {
        return Err(format!(
            "{given:?} must use https (plain http is allowed only for localhost)."
        ));
    }
    Ok(given.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sspr_api::{ApplicationInput, IdentityProvider, UserFlowKind};

    fn input(apps: Vec<ApplicationInput>) -> UserFlowInput {
        UserFlowInput {
            name: " Shop ".into(),
            kind: UserFlowKind::SignUpAndSignIn,
            identity_provider: IdentityProvider::EmailPassword,
            attributes: vec![UserAttribute::Surname, UserAttribute::Surname],
            sspr_enabled: true,
            applications: apps,
        }
    }

    fn app(client_id: Option<&str>, origins: &[&str]) -> ApplicationInput {
        ApplicationInput {
            name: "App".into(),
            client_id: client_id.map(str::to_owned),
            redirect_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    #[test]
    fn display_name_comes_first_and_client_ids_are_generated() {
        let checked = check(&input(vec![app(None, &["https://Shop.example.com"])])).expect("ok");
        assert_eq!(checked.name, "Shop");
        assert_eq!(
            checked.attributes,
            [UserAttribute::DisplayName, UserAttribute::Surname]
        );
        assert!(is_client_id(&checked.applications[0].client_id));
        assert_eq!(
            checked.applications[0].redirect_origins,
            ["https://shop.example.com"]
        );
    }

    #[test]
    fn a_sign_up_brings_exactly_the_collected_attributes() {
        let collected = [UserAttribute::DisplayName, UserAttribute::GivenName];
        let given = |pairs: &[(UserAttribute, &str)]| -> BTreeMap<UserAttribute, String> {
            pairs.iter().map(|(a, v)| (*a, (*v).to_owned())).collect()
        };
        let values = sign_up_attributes(&collected, &given(&[(UserAttribute::GivenName, " Ada ")]))
            .expect("accepted");
        assert_eq!(values["givenName"], "Ada");
        let missing = sign_up_attributes(&collected, &given(&[])).expect_err("missing");
        assert!(missing.contains("given name"), "{missing}");
        let extra = given(&[
            (UserAttribute::GivenName, "Ada"),
            (UserAttribute::City, "London"),
        ]);
        assert!(sign_up_attributes(&collected, &extra).is_err());
        let display = given(&[
            (UserAttribute::GivenName, "Ada"),
            (UserAttribute::DisplayName, "Ada"),
        ]);
        assert!(sign_up_attributes(&collected, &display).is_err());
        let blank = given(&[(UserAttribute::GivenName, "  ")]);
        assert!(sign_up_attributes(&collected, &blank).is_err());
        assert!(sign_up_attributes(&[UserAttribute::DisplayName], &given(&[])).is_ok());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(display_name("  Ada  ").as_deref(), Some("Ada"));
        assert_eq!(display_name("   "), None);
        assert_eq!(display_name(&"a".repeat(101)), None);
        assert_eq!(display_name("a\u{7}b"), None);
    }

    #[test]
    fn bad_client_ids_and_origins_are_refused() {
        for bad in ["ab", "has space", "a/b", "é-client"] {
            assert!(check(&input(vec![app(Some(bad), &[])])).is_err(), "{bad}");
        }
        assert!(check(&input(vec![app(Some("same"), &[]), app(Some("same"), &[])])).is_err());
        for bad in [
            "https://shop.example.com/",
            "https://shop.example.com/path",
            "https://shop.example.com?x=1",
            "http://shop.example.com",
            "https://user@shop.example.com",
            "javascript:alert(1)",
            "shop.example.com",
            "",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
        for good in [
            "https://shop.example.com",
            "https://shop.example.com:8443",
            "http://localhost:3000",
        ] {
            assert!(origin(good).is_ok(), "{good}");
        }
    }
}
