//! A small in-process HTTP client for the tests: keeps cookies, finds the CSRF token, logs in.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use driehoek_storage::testing::{TestDb, databases};
use driehoek_storage::{Db, demo};
use driehoek_web::{AppState, Config, app};
use http_body_util::BodyExt;
use std::collections::HashMap;
use tower::ServiceExt;

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One browser: its cookies and language.
pub struct Client {
    pub router: Router,
    pub cookies: HashMap<String, String>,
    pub accept_language: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(db: &Db) -> Client {
        Client {
            router: app(AppState::new(db.clone(), Config::default())),
            cookies: HashMap::new(),
            accept_language: None,
            bearer: None,
        }
    }

    pub fn csrf(&self) -> String {
        self.cookies
            .get("driehoek_csrf")
            .cloned()
            .unwrap_or_default()
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header(header::COOKIE, c.join("; "));
        }
        if let Some(l) = &self.accept_language {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        if let Some(t) = &self.bearer {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let res = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (pair, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, Vec::new()).await
    }

    /// Posts a form with the CSRF token, as a browser would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        if self.csrf().is_empty() {
            self.get("/login").await;
        }
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).unwrap();
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// Sends JSON with the CSRF header (session) or the bearer token.
    pub async fn json(&mut self, method: Method, path: &str, value: serde_json::Value) -> Answer {
        let mut req_body = serde_json::to_vec(&value).unwrap();
        if self.bearer.is_none() {
            if self.csrf().is_empty() {
                self.get("/login").await;
            }
            // The CSRF header travels as a query parameter here to keep the helper simple.
            let sep = if path.contains('?') { '&' } else { '?' };
            let p = format!("{path}{sep}csrf={}", self.csrf());
            return self
                .send(
                    method,
                    &p,
                    Some("application/json"),
                    std::mem::take(&mut req_body),
                )
                .await;
        }
        self.send(method, path, Some("application/json"), req_body)
            .await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Answer {
        let a = self
            .post(
                "/login",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::SEE_OTHER,
            "login of {email} failed: {}",
            a.body
        );
        a
    }
}

/// Every test database with the demo network in it.
pub async fn demo_databases() -> Vec<TestDb> {
    let mut out = Vec::new();
    for t in databases().await {
        demo::fill(&t.db, &|p| password_auth::generate_hash(p))
            .await
            .expect("demo fills");
        out.push(t);
    }
    out
}

pub const COORDINATOR: (&str, &str) = (
    "coordinator@demo.driehoek.nl",
    "demo-network-coordinator-2026",
);
