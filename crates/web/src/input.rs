//! Input from forms and JSON bodies as one simple map of field → text, so pages and the API share
//! validation and every problem names its field in the user's language. Malformed bodies become
//! [`AppError::Invalid`], never a bare framework rejection.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use driehoek_domain::validate::Problem;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Input {
    fields: HashMap<String, Vec<String>>,
}

impl Input {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Input {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            fields.entry(k).or_default().push(v);
        }
        Input { fields }
    }

    /// A JSON object's scalar members; nested values are a problem for that field.
    pub fn from_json(bytes: &[u8]) -> Result<Input, AppError> {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|_| AppError::Invalid(vec![Problem::new("body", "error-json")]))?;
        let serde_json::Value::Object(map) = value else {
            return Err(AppError::Invalid(vec![Problem::new(
                "body",
                "error-json-object",
            )]));
        };
        let mut fields = HashMap::new();
        let mut problems = Vec::new();
        for (k, v) in map {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Null => continue,
                _ => {
                    problems.push(Problem::new(field_name(&k), "error-json-scalar"));
                    continue;
                }
            };
            fields.insert(k, vec![text]);
        }
        if problems.is_empty() {
            Ok(Input { fields })
        } else {
            Err(AppError::Invalid(problems))
        }
    }

    /// The field's text, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    /// Every value of a repeated field (checkboxes), in order.
    pub fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// Field names in problems are `&'static str`; unknown names from outside map to "body".
fn field_name(k: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "name",
        "description",
        "min_group_size",
        "city",
        "email",
        "display_name",
        "password",
        "role",
        "node",
        "language",
        "organisation",
        "network",
        "location",
        "ward",
    ];
    KNOWN.iter().find(|n| **n == k).copied().unwrap_or("body")
}

impl<S: Send + Sync> FromRequest<S> for Input {
    type Rejection = AppError;
    async fn from_request(req: Request, s: &S) -> Result<Self, Self::Rejection> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = Bytes::from_request(req, s)
            .await
            .map_err(|_| AppError::Invalid(vec![Problem::new("body", "error-body-too-large")]))?;
        if ct.starts_with("application/json") {
            Input::from_json(&bytes)
        } else if ct.starts_with("application/x-www-form-urlencoded") || bytes.is_empty() {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .map(Input::from_pairs)
                .map_err(|_| AppError::Invalid(vec![Problem::new("body", "error-form")]))
        } else {
            Err(AppError::Invalid(vec![Problem::new(
                "body",
                "error-content-type",
            )]))
        }
    }
}

/// Collects the results of several field validations: all problems at once, or all values.
#[derive(Default)]
pub struct Check {
    problems: Vec<Problem>,
}

impl Check {
    pub fn field<T>(&mut self, r: Result<T, Problem>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(p) => {
                self.problems.push(p);
                None
            }
        }
    }

    pub fn fail(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Ends the checks: an error listing every problem, or Ok.
    pub fn done(self) -> Result<(), AppError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.problems))
        }
    }
}
