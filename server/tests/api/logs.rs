//! Logs (SECURITY.md §12, SPEC §6): the real binary, logging at trace level, runs a sign-up, a
//! reset and sign-ins, and answers an on-screen verification code; its whole output holds no
//! passcode, password, session token, flow binding token or verification code answer.

use crate::helpers::SECRET;
use crate::mailbox::Mailbox;
use crate::support::set_cookie_value;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A minimal browser for a server that is not a `TestApp`: keeps the `__Host-` cookies and sends
/// what the SPA sends.
struct Client {
    http: reqwest::Client,
    origin: String,
    cookies: HashMap<String, String>,
}

/// An answer: status, the `Set-Cookie` values and the JSON body.
struct Reply {
    status: u16,
    set_cookies: Vec<String>,
    body: Value,
}

impl Client {
    async fn send(&mut self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.origin))
            .header("x-sspr-csrf", "1")
            .header("origin", &self.origin)
            .header("cookie", cookie);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        for set in &set_cookies {
            let pair = set.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let text = response.text().await.unwrap_or_default();
        Reply {
            status,
            set_cookies,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    async fn post(&mut self, path: &str, body: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
}

/// The session token a reply set, through the same helper the other tests use.
fn session_token(reply: &Reply) -> Option<String> {
    let answer = crate::helpers::Answer {
        status: reply.status,
        headers: {
            let mut headers = reqwest::header::HeaderMap::new();
            for c in &reply.set_cookies {
                headers.append("set-cookie", c.parse().expect("header"));
            }
            headers
        },
        text: String::new(),
        body: Value::Null,
    };
    set_cookie_value(&answer, "__Host-sspr_session")
}

/// Kills the server on every exit path, so a failing assertion leaves no process behind.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_hold_no_passcode_password_or_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mailbox = Mailbox::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let origin = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_sspr-server"))
        .env_clear()
        .env("SSPR_LISTEN", format!("127.0.0.1:{port}"))
        .env("SSPR_PUBLIC_ORIGIN", &origin)
        .env(
            "SSPR_DATABASE_URL",
            format!("sqlite://{}/db/sspr.db", dir.path().display()),
        )
        .env("SSPR_WEB_DIR", dir.path().join("web"))
        .env("SSPR_SECRET", SECRET)
        .env("SSPR_SMTP_URL", mailbox.url())
        .env("SSPR_ORGANISATION_NAME", "Contoso")
        .env("RUST_LOG", "trace")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("server starts");
    let mut server = Server(child);

    let mut client = Client {
        http: reqwest::Client::new(),
        origin: origin.clone(),
        cookies: HashMap::new(),
    };
    let mut up = false;
    for _ in 0..100 {
        if let Ok(r) = client.http.get(format!("{origin}/api/health")).send().await {
            up = r.status().is_success();
            if up {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        up,
        "the server answers: {}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );

    let email = "logged@contoso.example";
    let password = "correct horse battery staple";
    let new_password = "a brand new passphrase 2026";
    let wrong_password = "a wrong guess of a password";
    let mut secrets: Vec<String> =
        vec![password.into(), new_password.into(), wrong_password.into()];

    // Sign-up.
    let start = client
        .post("/api/flows", json!({"purpose": "sign_up", "email": email}))
        .await;
    assert_eq!(start.status, 201);
    let id = start.body["flow_id"].as_str().expect("id").to_owned();
    let code = mailbox.code_for(email).await;
    secrets.push(code.clone());
    assert_eq!(
        client
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .status,
        200
    );
    let done = client
        .post(
            &format!("/api/flows/{id}/complete"),
            json!({"password": password, "password_confirm": password, "display_name": "Logged"}),
        )
        .await;
    assert_eq!(done.status, 200);
    secrets.extend(session_token(&done));
    secrets.extend(client.cookies.get("__Host-sspr_flow").cloned());

    // A reset: start, a wrong code, the right code, a new password.
    let start = client
        .post(
            "/api/flows",
            json!({"purpose": "password_reset", "email": email}),
        )
        .await;
    assert_eq!(start.status, 201);
    let id = start.body["flow_id"].as_str().expect("id").to_owned();
    let code = mailbox.code_for(email).await;
    secrets.push(code.clone());
    let wrong = crate::support::other_code(&code);
    assert_eq!(
        client
            .post(&format!("/api/flows/{id}/verify"), json!({"code": wrong}))
            .await
            .status,
        400
    );
    assert_eq!(
        client
            .post(&format!("/api/flows/{id}/verify"), json!({"code": code}))
            .await
            .status,
        200
    );
    let done = client
        .post(
            &format!("/api/flows/{id}/complete"),
            json!({"password": new_password, "password_confirm": new_password}),
        )
        .await;
    assert_eq!(done.status, 200);
    secrets.extend(session_token(&done));

    // Sign-ins, wrong and right, and a signed-in request.
    assert_eq!(
        client
            .post(
                "/api/session",
                json!({"email": email, "password": wrong_password})
            )
            .await
            .status,
        401
    );
    let signed_in = client
        .post(
            "/api/session",
            json!({"email": email, "password": new_password}),
        )
        .await;
    assert_eq!(signed_in.status, 200);
    secrets.extend(session_token(&signed_in));
    assert_eq!(
        client
            .send(reqwest::Method::GET, "/api/sessions", None)
            .await
            .status,
        200
    );
    // Let the worker deliver the password-changed notice too.
    let _ = mailbox.next_for(email).await;

    // "Can't access your account?", which asks for a verification code every time by default.
    let made = client.post("/api/captcha", json!({})).await;
    assert_eq!(made.status, 201);
    let captcha_id = made.body["captcha_id"].as_str().expect("id").to_owned();
    let captcha_answer = answer_of(&dir.path().join("db/sspr.db"), &captcha_id).await;
    let answered = client
        .post(
            "/api/flows/access",
            json!({"email": email, "choice": "unlock", "captcha_id": captcha_id, "captcha_answer": captcha_answer}),
        )
        .await;
    assert_eq!(answered.status, 201);

    let killed = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = server.0.wait().expect("server exits");
    assert!(status.success(), "{status}");

    let logs = std::fs::read_to_string(&log_path).expect("logs");
    // The logs really were at trace level and cover the requests.
    assert!(logs.contains("TRACE"), "trace logging is on");
    assert!(logs.contains("/api/flows"), "requests are logged");
    assert!(logs.contains("mail delivered"));
    assert!(secrets.len() >= 9, "{secrets:?}");
    for secret in &secrets {
        assert!(secret.len() >= 8);
        if let Some(line) = logs.lines().find(|l| l.contains(secret.as_str())) {
            panic!("the logs hold {secret:?}: {line}");
        }
    }
    // Six digits could occur by chance inside a longer number: only a stand-alone one counts,
    // and never in a line's timestamp.
    for line in logs.lines() {
        let after_time = line.split_once(' ').map_or(line, |(_, rest)| rest);
        let standalone = after_time
            .match_indices(captcha_answer.as_str())
            .any(|(at, _)| {
                let before = after_time[..at].chars().next_back();
                let after = after_time[at + captcha_answer.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit())
            });
        assert!(
            !standalone,
            "the logs hold the verification code's answer: {line}"
        );
    }
}

/// The answer of verification code `id` in the SQLite database at `db`, found by hashing every
/// possible answer with the server secret until one matches the stored hash.
async fn answer_of(db: &std::path::Path, id: &str) -> String {
    use sqlx::Row;
    let pool = sqlx::sqlite::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("database");
    let stored: String = sqlx::query("SELECT answer_hash FROM captchas WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("stored")
        .try_get(0)
        .expect("hash");
    pool.close().await;
    let secrets = sspr_server::secrets::Secrets::from_config(SECRET).expect("secret");
    for n in 0..9u32.pow(6) {
        let mut rest = n;
        let candidate: String = (0..6)
            .map(|_| {
                let digit = char::from(b'1' + u8::try_from(rest % 9).expect("a digit"));
                rest /= 9;
                digit
            })
            .collect();
        if secrets.passcode_hash(id, "captcha", &candidate) == stored {
            return candidate;
        }
    }
    panic!("no answer hashes to the stored value");
}
