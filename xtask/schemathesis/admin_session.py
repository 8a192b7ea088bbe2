"""Sets up the first global administrator from a one-time setup token and signs them in, as
the portal would: redeem the token with a password, confirm one authenticator code, sign in with
the password and the next code. Prints the `Cookie` header value of the admin session.

usage: admin_session.py BASE_URL SETUP_TOKEN

The TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits, 30 s) are computed here from the secret the
setup answers. Only the standard library: it runs in the schemathesis virtual environment.
"""

import base64
import hashlib
import hmac
import json
import struct
import sys
import time
import urllib.error
import urllib.request

EMAIL = "schemathesis-admin@example.com"
PASSWORD = "a passphrase for the schema tests"


def post(base, path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json", "x-sspr-csrf": "1", "origin": base},
    )
    try:
        with urllib.request.urlopen(request) as response:
            text = response.read().decode()
            return response.status, response.headers, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        sys.exit(f"{path} answered {error.code}: {error.read().decode()}")


def code(secret, step):
    digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def main():
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    _, _, enrolment = post(
        base,
        "/api/admin/bootstrap",
        {"token": token, "email": EMAIL, "display_name": "Schema tests", "password": PASSWORD},
    )
    secret_b32 = enrolment["totp_secret"]
    secret = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    step = int(time.time()) // 30
    credentials = {"email": EMAIL, "password": PASSWORD}
    post(base, "/api/admin/totp/confirm", {**credentials, "code": code(secret, step)})
    # Each step is accepted once; the next one is within the one step of skew allowed.
    _, headers, _ = post(base, "/api/admin/session", {**credentials, "code": code(secret, step + 1)})
    cookies = [c.split(";", 1)[0] for c in headers.get_all("set-cookie") or []]
    admin = [c for c in cookies if "sspr_admin=" in c]
    if not admin:
        sys.exit("the sign-in set no admin cookie")
    print(admin[0])


if __name__ == "__main__":
    main()
