//! The rules of user flows, free of SQL: what an administrator's user flow must meet (a name,
//! the attributes with `displayName` first and none twice — whether a name is taken elsewhere
//! is the store's question), and what a sign-up under it must bring (its attributes, a display
//! name). Applications are not part of a user flow's settings: each registration names its
//! user flow (`domain::application`).

use sspr_api::WireName;
use sspr_api::{Application, ApplicationInput, UserAttribute, UserFlowInput};
use std::collections::BTreeMap;

/// A user flow's settings once checked: what the store writes.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: String,
    pub attributes: Vec<UserAttribute>,
}

/// Checks `input` for a flow whose applications are `current`. Applications are no longer set
/// on a user flow — each registration names its user flow — so a list that differs from the
/// current one is refused rather than ignored; leaving it out, or repeating it as read (as a
/// client that sends back what it read does), changes nothing and is accepted.
pub fn check(input: &UserFlowInput, current: &[Application]) -> Result<Checked, String> {
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
    let same = |a: &ApplicationInput, b: &Application| {
        a.name == b.name
            && a.client_id.as_deref() == Some(b.client_id.as_str())
            && a.redirect_origins == b.redirect_origins
    };
    let unchanged = input.applications.is_empty()
        || input.applications.len() == current.len()
            && input
                .applications
                .iter()
                .all(|a| current.iter().any(|b| same(a, b)));
    if !unchanged {
        return Err(
            "Applications are no longer listed on a user flow: register each one \
                    (App registrations, /api/graph/v1.0/applications) and choose its user flow \
                    there."
                .to_owned(),
        );
    }
    Ok(Checked { name, attributes })
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

/// A display name: at most 100 characters as sent (the API document's `maxLength`), trimmed,
/// not blank, no control characters.
pub fn display_name(input: &str) -> Option<String> {
    let name = input.trim();
    (!name.is_empty() && input.chars().count() <= 100 && !name.chars().any(char::is_control))
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

#[cfg(test)]
mod tests {
    use super::*;
    use sspr_api::{IdentityProvider, UserFlowKind};

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

    fn app(client_id: Option<&str>) -> ApplicationInput {
        ApplicationInput {
            name: "App".into(),
            client_id: client_id.map(str::to_owned),
            redirect_origins: vec!["https://app.example.com".into()],
        }
    }

    #[test]
    fn display_name_comes_first_and_applications_are_only_read() {
        let checked = check(&input(vec![]), &[]).expect("ok");
        assert_eq!(checked.name, "Shop");
        assert_eq!(
            checked.attributes,
            [UserAttribute::DisplayName, UserAttribute::Surname]
        );
        let refused = check(&input(vec![app(None)]), &[]).expect_err("applications");
        assert!(refused.contains("register"), "{refused}");
        let current = [Application {
            name: "App".into(),
            client_id: "app".into(),
            redirect_origins: vec!["https://app.example.com".into()],
        }];
        assert!(
            check(&input(vec![app(Some("app"))]), &current).is_ok(),
            "as read"
        );
        assert!(check(&input(vec![app(Some("other"))]), &current).is_err());
        assert!(check(&input(vec![]), &current).is_ok(), "left out");
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
        // The length counts as sent, as the API document's maxLength does.
        assert_eq!(display_name(&format!(" {}", "a".repeat(100))), None);
        assert_eq!(display_name(&"a".repeat(100)).map(|n| n.len()), Some(100));
        assert_eq!(display_name("a\u{7}b"), None);
    }
}
