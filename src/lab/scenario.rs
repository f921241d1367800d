//! What a content scenario needs beyond its requests: which app answers (a lab app, its
//! vulnerable twin, or the all-in-one demo with a CORS preset) and the values it captures from
//! one answer for the next requests (`capture: {alice_token: body.access_token}`, then
//! `Authorization: Bearer {{alice_token}}`).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content::lab_app::fill_captures;
use crate::content::{LabRequest, LabScenario};

use super::LabError;
use super::config::{CorsMode, LabConfig};

/// The configuration a scenario runs under: its app (with fresh rate-limit memory, so a
/// scenario always starts from the same state) or the demo API with the scenario's CORS mode.
pub fn config_for(base: LabConfig, scenario: &LabScenario) -> Result<LabConfig, LabError> {
    match &scenario.app {
        Some(app) => {
            if base.apps.get(app).is_none() {
                return Err(LabError::UnknownApp(app.clone()));
            }
            let apps = Arc::new(base.apps.fresh_only(app));
            Ok(base.with_apps(apps).with_app(app.clone()).with_vulnerable(scenario.vulnerable))
        }
        None => {
            let mut cfg = base;
            if let Some(name) = &scenario.cors {
                cfg.cors = cors_mode(name).ok_or_else(|| LabError::BadRequest {
                    request: scenario.id.clone(),
                    reason: format!("the scenario's cors {name:?} is not off, wildcard or trusted"),
                })?;
            }
            Ok(cfg)
        }
    }
}

fn cors_mode(name: &str) -> Option<CorsMode> {
    match name {
        "off" => Some(CorsMode::Off),
        "wildcard" => Some(CorsMode::Wildcard),
        "trusted" => Some(CorsMode::Trusted),
        _ => None,
    }
}

/// Values captured so far in one run of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Captures(BTreeMap<String, String>);

impl Captures {
    /// The request with every known `{{name}}` replaced (unknown ones are left as written).
    #[must_use]
    pub fn apply(&self, req: &LabRequest) -> LabRequest {
        if self.0.is_empty() {
            return req.clone();
        }
        // The same `{{name}}` reading as `check` (spaces inside the braces allowed).
        let fill = |text: &str| fill_captures(text, |name| self.0.get(name).map(String::as_str));
        let mut filled = req.clone();
        filled.path = fill(&req.path);
        filled.headers = req.headers.iter().map(|h| fill(h)).collect();
        filled.form = req.form.as_deref().map(fill);
        filled
    }

    /// Remembers what the request asks to capture from this answer's JSON body.
    pub fn record(&mut self, req: &LabRequest, body: &[u8]) {
        if req.capture.is_empty() {
            return;
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        for (name, from) in &req.capture {
            let field = from.strip_prefix("body.").unwrap_or(from);
            let value = json.as_ref().and_then(|j| j.get(field)).and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            });
            if let Some(value) = value {
                self.0.insert(name.clone(), value);
            }
        }
    }

    /// The captured values, by name (the lab remembers tokens it obtained).
    #[must_use]
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str, headers: &[&str], capture: &[(&str, &str)]) -> LabRequest {
        LabRequest {
            id: "r".into(),
            label: "r".into(),
            method: "GET".into(),
            path: path.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            form: None,
            credential: None,
            capture: capture.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            expect: Vec::new(),
        }
    }

    #[test]
    fn a_captured_token_fills_later_requests() {
        let mut c = Captures::default();
        let login = request("/token", &[], &[("alice_token", "body.access_token"), ("missing", "body.nope")]);
        c.record(&login, br#"{"access_token":"eyJ.x.y","token_type":"bearer"}"#);
        let next = c.apply(&request("/invoices/{{ id }}", &["Authorization: Bearer {{alice_token}}"], &[]));
        assert_eq!(next.headers, vec!["Authorization: Bearer eyJ.x.y".to_owned()]);
        let spaced = c.apply(&request("/x", &["Authorization: Bearer {{ alice_token }}"], &[]));
        assert_eq!(
            spaced.headers,
            vec!["Authorization: Bearer eyJ.x.y".to_owned()],
            "spaces as check reads them"
        );
        assert_eq!(next.path, "/invoices/{{ id }}", "an unknown name stays as written");
        assert_eq!(c.values().len(), 1);
    }
}
