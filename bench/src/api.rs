//! The HTTP client side: what the SPA sends, from many synthetic clients over one keep-alive
//! connection pool.
//!
//! Every state-changing request carries the CSRF header and the page's `Origin`, as the SPA's do.
//! Each simulated browser is a flow-binding cookie value of its own (the server adopts a binding
//! cookie the browser already holds) and a client address of its own in `X-Forwarded-For` (the
//! server under test trusts it), so the per-address rate limits see many clients, as they would
//! in production, instead of one very busy one.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, COOKIE, ORIGIN};
use hyper::{Method, Request};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// The flow-binding cookie's name in production mode (secure cookies, `__Host-` prefix).
const FLOW_COOKIE: &str = "__Host-sspr_flow";

/// One simulated browser: its client address and its flow-binding cookie.
#[derive(Debug, Clone)]
pub struct Browser {
    pub ip: String,
    pub binding: String,
}

static NEXT_CLIENT: AtomicU32 = AtomicU32::new(1);
static NEXT_BINDING: AtomicU64 = AtomicU64::new(1);

impl Browser {
    /// A browser never seen before: a fresh address in 10.0.0.0/8 and a fresh binding.
    pub fn fresh() -> Browser {
        let n = NEXT_CLIENT.fetch_add(1, Ordering::Relaxed);
        let ip = Ipv4Addr::from(0x0A00_0000 | (n & 0x00FF_FFFF));
        let b = NEXT_BINDING.fetch_add(1, Ordering::Relaxed);
        Browser {
            ip: ip.to_string(),
            binding: format!("bench{}x{b:012}", std::process::id()),
        }
    }
}

/// An answer: status and whole body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

impl Answer {
    /// A string field of the JSON body.
    pub fn field(&self, name: &str) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        value.get(name)?.as_str().map(str::to_owned)
    }

    /// `Ok` when the status is `expected`, else a short description for the error tally.
    pub fn expect(self, expected: u16) -> Result<Answer, String> {
        if self.status == expected {
            Ok(self)
        } else {
            let code = self.field("code").unwrap_or_default();
            Err(format!("HTTP {} {code}", self.status).trim_end().to_owned())
        }
    }
}

/// The API of one server.
#[derive(Debug, Clone)]
pub struct Api {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl Api {
    /// A client for the server at `base` (`http://127.0.0.1:PORT`, also its public origin).
    pub fn new(base: &str) -> Api {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(5)));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Api {
            client,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Result<Answer, String> {
        let request = Request::builder()
            .method(Method::GET)
            .uri(format!("{}{path}", self.base))
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        self.send(request).await
    }

    /// `POST path` with a JSON body, as `browser`.
    pub async fn post(
        &self,
        browser: &Browser,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, String> {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{}{path}", self.base))
            .header(CONTENT_TYPE, "application/json")
            .header("x-sspr-csrf", "1")
            .header(ORIGIN, &self.base)
            .header("x-forwarded-for", &browser.ip)
            .header(COOKIE, format!("{FLOW_COOKIE}={}", browser.binding))
            .body(Full::new(Bytes::from(body.to_string())))
            .map_err(|e| e.to_string())?;
        self.send(request).await
    }

    /// Starts a flow for `purpose` and `email`; the flow id on `201`.
    pub async fn start_flow(
        &self,
        browser: &Browser,
        purpose: &str,
        email: &str,
    ) -> Result<String, String> {
        let answer = self
            .post(
                browser,
                "/api/flows",
                &serde_json::json!({ "purpose": purpose, "email": email }),
            )
            .await?
            .expect(201)?;
        answer
            .field("flow_id")
            .ok_or_else(|| "no flow_id in the answer".to_owned())
    }

    /// Sends the passcode for flow `id`; `Ok` on `200`.
    pub async fn verify(&self, browser: &Browser, id: &str, code: &str) -> Result<(), String> {
        self.post(
            browser,
            &format!("/api/flows/{id}/verify"),
            &serde_json::json!({ "code": code }),
        )
        .await?
        .expect(200)
        .map(drop)
    }

    /// The last step of flow `id`; `Ok` on `200`.
    pub async fn complete(
        &self,
        browser: &Browser,
        id: &str,
        body: &serde_json::Value,
    ) -> Result<(), String> {
        self.post(browser, &format!("/api/flows/{id}/complete"), body)
            .await?
            .expect(200)
            .map(drop)
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> Result<Answer, String> {
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| format!("connection: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("body: {e}"))?
            .to_bytes();
        Ok(Answer { status, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_browsers_differ_in_address_and_binding() {
        let a = Browser::fresh();
        let b = Browser::fresh();
        assert_ne!(a.ip, b.ip);
        assert_ne!(a.binding, b.binding);
        assert!(a.ip.starts_with("10."));
        assert!(a.ip.parse::<std::net::IpAddr>().is_ok());
        assert!(a.binding.len() <= 128);
    }

    #[test]
    fn an_unexpected_status_names_the_error_code() {
        let answer = Answer {
            status: 429,
            body: Bytes::from_static(br#"{"code":"too_many_requests","message":"x"}"#),
        };
        assert_eq!(
            answer.expect(201).err().as_deref(),
            Some("HTTP 429 too_many_requests")
        );
    }
}
