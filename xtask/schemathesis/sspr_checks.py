"""A schemathesis check for SSPR: a request the OpenAPI document allows must never be refused as
malformed input. It replaces the built-in `positive_data_acceptance`, which judges by status
alone and so would count a wrong passcode (400 `invalid_code`), a setup token that is not valid
(400 `admin_setup_invalid`) or a page cursor the server did not hand out (400 `invalid_cursor`)
as refused input. This one reads the error's stable code (SSPR's body or Graph's `innerError`)
and fails on the codes that mean "this input is malformed".

Loaded through SCHEMATHESIS_HOOKS by `cargo xtask test`.
"""

import json

import schemathesis

MALFORMED = {"invalid_json", "validation_failed", "unsupported_media_type", "payload_too_large"}

# Refusals coded `validation_failed` that no request schema can state, because they depend on
# what is stored or on a relation the schema language cannot express. Each is matched by the
# start of the server's sentence; every other `validation_failed` fails the check.
BEYOND_THE_SCHEMA = (
    # A name another user flow already has.
    "Another user flow is named",
    # An application's client id or redirect URI taken, a secret's end date out of range.
    "Another application has the appId",
    "The redirect URI ",  # "… is listed twice" (across two platforms)
    "endDateTime must be",
    "There is no user flow",
    # A group or user id that does not exist (reset policy, method targets).
    "There is no group with the id",
    "There is no user with the id",
    # What an existing account or invitation is.
    "This account is disabled: enable it",
    "Guests have no password",
    "This address belongs to a member account",
    "This invitation was already accepted",
    "'invitedUserEmailAddress' is not the address of the guest",
    # Security questions asked at a reset: at most as many as are registered (two fields).
    "The number of security questions asked at a reset must be",
    # A custom security question that repeats one of the built-in questions.
    'The question "',
    # The caller's own administrator account (known only from the session).
    "You cannot reset your own sign-in",
    # Company branding: a theme file the server lacks, a language that has a localization.
    "There is no theme",
    "A localization for this language exists",
    # Two query parameters of the audit log together.
    "from must not be later than to",
)


def error(response):
    """The error's code and message, from SSPR's body or Graph's."""
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None, ""
    if not isinstance(body, dict):
        return None, ""
    if isinstance(body.get("error"), dict):
        inner = body["error"].get("innerError") or {}
        return inner.get("code"), body["error"].get("message") or ""
    return body.get("code"), body.get("message") or ""


@schemathesis.check
def schema_valid_input_is_accepted(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if response.status_code < 400:
        return None
    code, message = error(response)
    if code == "validation_failed" and message.startswith(BEYOND_THE_SCHEMA):
        return None
    if code in MALFORMED:
        raise AssertionError(
            f"A request the schema allows was refused as malformed: {response.status_code} {code}: {message}"
        )
    return None
