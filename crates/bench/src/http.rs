//! A minimal HTTP/1.1 client session: cookies and the CSRF token, as a browser keeps them.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

#[derive(Clone, Copy)]
pub enum Kind {
    Get,
    CodingSave,
}

pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build_http()
}

pub async fn get_status(client: &HttpClient, url: &str) -> Option<u16> {
    let req = Request::get(url).body(Full::new(Bytes::new())).ok()?;
    let res = client.request(req).await.ok()?;
    Some(res.status().as_u16())
}

#[derive(Clone)]
pub struct Session {
    client: HttpClient,
    base: Arc<str>,
    cookie: Arc<str>,
    csrf: Arc<str>,
}

fn cookie_value(headers: &hyper::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(hyper::header::SET_COOKIE)
        .iter()
        .find_map(|v| {
            let s = v.to_str().ok()?;
            let pair = s.split(';').next()?;
            let (k, val) = pair.split_once('=')?;
            (k == name && !val.is_empty()).then(|| val.to_string())
        })
}

impl Session {
    /// Logs in like a browser: fetch the login form (CSRF cookie), post it, keep the session.
    pub async fn login(
        client: HttpClient,
        base: &str,
        email: &str,
        password: &str,
    ) -> Result<Session, String> {
        let res = client
            .request(
                Request::get(format!("{base}/login"))
                    .body(Full::new(Bytes::new()))
                    .map_err(|e| e.to_string())?,
            )
            .await
            .map_err(|e| e.to_string())?;
        let csrf =
            cookie_value(res.headers(), "driehoek_csrf").ok_or("no CSRF cookie on /login")?;
        let body = format!(
            "csrf={csrf}&email={}&password={}&next=%2F",
            email.replace('@', "%40"),
            password
        );
        let req = Request::post(format!("{base}/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", format!("driehoek_csrf={csrf}"))
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let res = client.request(req).await.map_err(|e| e.to_string())?;
        if res.status().as_u16() != 303 {
            return Err(format!("login of {email} answered {}", res.status()));
        }
        let session = cookie_value(res.headers(), "driehoek_session").ok_or("no session cookie")?;
        let csrf = cookie_value(res.headers(), "driehoek_csrf").ok_or("no rotated CSRF cookie")?;
        Ok(Session {
            client,
            base: base.into(),
            cookie: format!("driehoek_session={session}; driehoek_csrf={csrf}").into(),
            csrf: csrf.into(),
        })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> Result<(u16, String), String> {
        let mut req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("cookie", &*self.cookie);
        if body.is_some() {
            req = req
                .header("content-type", "application/json")
                .header("x-csrf-token", &*self.csrf);
        }
        let req = req
            .body(Full::new(Bytes::from(body.unwrap_or("").to_string())))
            .map_err(|e| e.to_string())?;
        let res = self.client.request(req).await.map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let bytes = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }

    pub async fn get(&self, path: &str) -> Result<(u16, String), String> {
        self.send(Method::GET, path, None).await
    }

    pub async fn put_json(&self, path: &str, body: &str) -> Result<(u16, String), String> {
        self.send(Method::PUT, path, Some(body)).await
    }
}
