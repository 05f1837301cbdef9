//! Fault injection: make some requests fail the way real networks and servers do.
//!
//! A [`FaultPlan`] is a list of [`FaultRule`]s, each naming a provider (or all), a [`Fault`],
//! and when it fires: on every request, on a fraction of them (seeded, so runs repeat), or on
//! the next `n` only. The first rule that fires wins. Plans parse from text, the form the
//! `--faults` flag takes:
//!
//! ```text
//! chatkit:429=2#3        the next 3 ChatKit requests answer 429 with Retry-After: 2
//! revcent:503@0.2        a fifth of RevCent requests answer 503
//! reset#1                the next request of any provider has its connection dropped
//! trtc:latency=200       every TRTC request waits 200 ms first
//! ```
//!
//! Faults: `429[=SECS]`, `500`, `502`, `503`, `status=CODE`, `reset`, `timeout`,
//! `latency=MS`, `truncate`, `invalid-json`, `wrong-content-type`, `oversized`.
//! Status faults and `reset` answer before the request is handled; `truncate`,
//! `invalid-json`, `wrong-content-type`, `oversized` and `timeout` let the handler run (state
//! changes) and then spoil or withhold the answer, as when a response is lost on the way back.
//!
//! Hostile servers, which lie rather than fail:
//!
//! ```text
//! chatkit:repeat-cursor      listings ignore the cursor: every page is the first, has_more: true
//! chatkit:cycle-cursors      listings cycle A -> B -> A: after the second page, the first again
//! chatkit:endless-pages      item listings never end: fresh items, has_more: true, for ever
//! revcent:redirect=307:9000  answer 307 to the same path on 127.0.0.1:9000 (another origin)
//! plain-404                  a web server's 404 page, not the provider's error envelope
//! ```
//!
//! `redirect` and `plain-404` answer before the request is handled; the listing faults reach
//! the ChatKit listing handlers, which bend their answers (other requests are unaffected).

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use aithreads_core::ProviderKind;
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, Uri, header};
use bytes::Bytes;
use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Size of the body an `oversized` fault sends: more than any client's default limit.
pub const OVERSIZED_BYTES: usize = 48 * 1024 * 1024;

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with `Retry-After` (seconds) and `retry-after-ms`.
    RateLimited {
        /// Seconds to ask the client to wait.
        retry_after: u64,
    },
    /// This HTTP status, with the provider's error body.
    Status(u16),
    /// The connection is dropped before any response.
    Reset,
    /// The request is handled, but the answer never comes (the client times out).
    Timeout,
    /// The request waits this long before being handled.
    Latency(Duration),
    /// The answer stops halfway through its body.
    Truncate,
    /// The answer is not valid JSON.
    InvalidJson,
    /// The answer is HTML instead of JSON, with a 200 status.
    WrongContentType,
    /// The answer is larger than any client accepts.
    Oversized,
    /// Listings ignore their cursor and say there is more: every page is the first one, with
    /// the same `last_id` again.
    RepeatCursor,
    /// Listings cycle: the page after the first is honest, the page after that is the first
    /// again, so the cursors go A → B → A.
    CycleCursors,
    /// Item listings never end: every page holds fresh items and says there is more.
    EndlessPages,
    /// This redirect status with a `Location` to the same path and query on
    /// `127.0.0.1:port`, another origin.
    Redirect {
        /// 301, 302, 303, 307 or 308.
        status: u16,
        /// The other origin's port.
        port: u16,
    },
    /// HTTP 404 with a web server's plain page instead of the provider's error envelope, as
    /// when a base URL misses its path.
    PlainNotFound,
}

impl Fault {
    /// Whether the request is answered without being handled.
    pub fn short_circuits(self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Status(_)
                | Self::Reset
                | Self::Redirect { .. }
                | Self::PlainNotFound
        )
    }

    /// Whether the fault bends listings (handed to the listing handlers) rather than the
    /// answer as a whole.
    pub fn bends_listings(self) -> bool {
        matches!(
            self,
            Self::RepeatCursor | Self::CycleCursors | Self::EndlessPages
        )
    }
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, value) = match text.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (text, None),
        };
        let number = |what: &str| -> Result<u64, String> {
            value
                .ok_or_else(|| format!("`{name}` needs a value: {name}={what}"))?
                .parse()
                .map_err(|_| format!("`{text}`: {what} must be a whole number"))
        };
        Ok(match name {
            "429" => Self::RateLimited {
                retry_after: if value.is_some() { number("SECS")? } else { 1 },
            },
            "500" | "502" | "503" | "504" => Self::Status(name.parse().unwrap_or(500)),
            "status" => Self::Status(
                u16::try_from(number("CODE")?)
                    .ok()
                    .filter(|c| (400..600).contains(c))
                    .ok_or_else(|| format!("`{text}`: status must be 400 to 599"))?,
            ),
            "reset" => Self::Reset,
            "timeout" => Self::Timeout,
            "latency" => Self::Latency(Duration::from_millis(number("MS")?)),
            "truncate" => Self::Truncate,
            "invalid-json" => Self::InvalidJson,
            "wrong-content-type" => Self::WrongContentType,
            "oversized" => Self::Oversized,
            "repeat-cursor" => Self::RepeatCursor,
            "cycle-cursors" => Self::CycleCursors,
            "endless-pages" => Self::EndlessPages,
            "plain-404" => Self::PlainNotFound,
            "redirect" => {
                let (status, port) = value
                    .and_then(|v| v.split_once(':'))
                    .ok_or_else(|| format!("`{text}`: write redirect=STATUS:PORT"))?;
                let status = status
                    .parse()
                    .ok()
                    .filter(|s| [301, 302, 303, 307, 308].contains(s))
                    .ok_or_else(|| {
                        format!("`{text}`: the status must be 301, 302, 303, 307 or 308")
                    })?;
                let port = port
                    .parse()
                    .map_err(|_| format!("`{text}`: the port must be a number up to 65535"))?;
                Self::Redirect { status, port }
            }
            other => return Err(format!("unknown fault `{other}`")),
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RateLimited { retry_after } => write!(f, "429={retry_after}"),
            Self::Status(code) => write!(f, "status={code}"),
            Self::Reset => f.write_str("reset"),
            Self::Timeout => f.write_str("timeout"),
            Self::Latency(d) => write!(f, "latency={}", d.as_millis()),
            Self::Truncate => f.write_str("truncate"),
            Self::InvalidJson => f.write_str("invalid-json"),
            Self::WrongContentType => f.write_str("wrong-content-type"),
            Self::Oversized => f.write_str("oversized"),
            Self::RepeatCursor => f.write_str("repeat-cursor"),
            Self::CycleCursors => f.write_str("cycle-cursors"),
            Self::EndlessPages => f.write_str("endless-pages"),
            Self::Redirect { status, port } => write!(f, "redirect={status}:{port}"),
            Self::PlainNotFound => f.write_str("plain-404"),
        }
    }
}

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// On every matching request.
    Always,
    /// On this fraction of matching requests (0.0 to 1.0), drawn from the seeded generator.
    Rate(f64),
    /// On the next `n` matching requests, then never.
    Next(u32),
}

/// One rule of a [`FaultPlan`].
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// The provider whose requests it applies to; `None` for all.
    pub provider: Option<ProviderKind>,
    /// What goes wrong.
    pub fault: Fault,
    /// When.
    pub trigger: Trigger,
}

impl FaultRule {
    /// A rule firing on every request of `provider` (or all, with `None`).
    pub fn always(provider: Option<ProviderKind>, fault: Fault) -> Self {
        Self {
            provider,
            fault,
            trigger: Trigger::Always,
        }
    }

    /// A rule firing on the next `n` requests.
    pub fn next(provider: Option<ProviderKind>, fault: Fault, n: u32) -> Self {
        Self {
            provider,
            fault,
            trigger: Trigger::Next(n),
        }
    }

    /// A rule firing on a fraction of requests.
    pub fn rate(provider: Option<ProviderKind>, fault: Fault, rate: f64) -> Self {
        Self {
            provider,
            fault,
            trigger: Trigger::Rate(rate.clamp(0.0, 1.0)),
        }
    }
}

impl FromStr for FaultRule {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        // A `:` after a `=` belongs to the fault (`redirect=307:9000`).
        let (provider, rest) = match text.split_once(':') {
            Some((name, _)) if name.contains('=') => (None, text),
            Some(("*", rest)) => (None, rest),
            Some((name, rest)) => (
                Some(name.parse::<ProviderKind>().map_err(|e| e.to_string())?),
                rest,
            ),
            None => (None, text),
        };
        let (fault, trigger) = if let Some((fault, rate)) = rest.split_once('@') {
            let rate: f64 = rate
                .parse()
                .ok()
                .filter(|r: &f64| (0.0..=1.0).contains(r))
                .ok_or_else(|| format!("`{text}`: the rate after @ must be between 0 and 1"))?;
            (fault, Trigger::Rate(rate))
        } else if let Some((fault, count)) = rest.split_once('#') {
            let count = count
                .parse()
                .map_err(|_| format!("`{text}`: the count after # must be a whole number"))?;
            (fault, Trigger::Next(count))
        } else {
            (rest, Trigger::Always)
        };
        Ok(Self {
            provider,
            fault: fault.parse()?,
            trigger,
        })
    }
}

/// The faults a simulator injects; see the [module docs](self) for the text form.
#[derive(Debug)]
pub struct FaultPlan {
    rules: Mutex<Vec<FaultRule>>,
    rng: Mutex<StdRng>,
}

impl Default for FaultPlan {
    fn default() -> Self {
        Self::new(Vec::new(), 0)
    }
}

impl FaultPlan {
    /// A plan of `rules`; `seed` makes rate-based rules repeatable.
    pub fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        Self {
            rules: Mutex::new(rules),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// Parses the text form: rules separated by commas.
    pub fn parse(text: &str, seed: u64) -> Result<Self, String> {
        let rules = text
            .split(',')
            .filter(|r| !r.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        Ok(Self::new(rules, seed))
    }

    /// Replaces the rules.
    pub fn set(&self, rules: Vec<FaultRule>) {
        *lock(&self.rules) = rules;
    }

    /// The current rules.
    pub fn rules(&self) -> Vec<FaultRule> {
        lock(&self.rules).clone()
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.set(Vec::new());
    }

    /// The fault for the next request to `provider` (`None`: a route of no provider), if any
    /// rule fires.
    pub fn pick(&self, provider: Option<ProviderKind>) -> Option<Fault> {
        let mut rules = lock(&self.rules);
        for rule in rules.iter_mut() {
            if rule.provider.is_some() && rule.provider != provider {
                continue;
            }
            let fires = match &mut rule.trigger {
                Trigger::Always => true,
                Trigger::Next(0) => false,
                Trigger::Next(n) => {
                    *n -= 1;
                    true
                }
                Trigger::Rate(rate) => lock(&self.rng).random_bool(*rate),
            };
            if fires {
                return Some(rule.fault);
            }
        }
        None
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The answer for a fault that short-circuits a request for `uri`, in the provider's error
/// shape where it has one.
pub fn short_circuit(provider: Option<ProviderKind>, fault: Fault, uri: &Uri) -> Response<Body> {
    match fault {
        Fault::Redirect { status, port } => {
            let target = uri.path_and_query().map_or("/", |p| p.as_str());
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
            if let Ok(location) = HeaderValue::from_str(&format!("http://127.0.0.1:{port}{target}"))
            {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Fault::PlainNotFound => {
            let mut response = Response::new(Body::from("404 page not found\n"));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        Fault::RateLimited { retry_after } => {
            let mut response = error_response(
                provider,
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_exceeded",
            );
            let headers = response.headers_mut();
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            headers.insert("retry-after-ms", HeaderValue::from(retry_after * 1000));
            response
        }
        Fault::Status(code) => error_response(
            provider,
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "server_error",
        ),
        _ => dropped_connection(),
    }
}

/// Spoils an answer the handler produced.
pub async fn spoil(fault: Fault, response: Response<Body>) -> Response<Body> {
    match fault {
        Fault::Timeout => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            response
        }
        Fault::Truncate => {
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            // The pause lets the status line, headers and first half reach the client before
            // the connection breaks, as when a server dies mid-answer.
            let stream = futures::stream::iter([Some(half), None]).then(|chunk| async move {
                match chunk {
                    Some(bytes) => Ok(bytes),
                    None => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Err(std::io::Error::other("simulated truncation"))
                    }
                }
            });
            let mut response = Response::from_parts(parts, Body::from_stream(stream));
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            response
        }
        Fault::InvalidJson => with_body(
            response,
            "application/json",
            Body::from("{\"broken\": [1, 2"),
        ),
        Fault::WrongContentType => with_body(
            response,
            "text/html; charset=utf-8",
            Body::from("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        ),
        Fault::Oversized => {
            let chunk = Bytes::from(vec![b' '; 1024 * 1024]);
            let chunks = OVERSIZED_BYTES / chunk.len();
            let stream = futures::stream::iter(
                (0..chunks).map(move |_| Ok::<Bytes, std::io::Error>(chunk.clone())),
            );
            with_body(response, "application/json", Body::from_stream(stream))
        }
        _ => response,
    }
}

fn with_body(response: Response<Body>, content_type: &'static str, body: Body) -> Response<Body> {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Response::from_parts(parts, body)
}

/// A response whose body fails at once, so the server drops the connection.
fn dropped_connection() -> Response<Body> {
    let stream = futures::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("simulated connection reset"))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("64"));
    response
}

/// An error answer in the provider's documented shape.
fn error_response(
    provider: Option<ProviderKind>,
    status: StatusCode,
    code: &str,
) -> Response<Body> {
    let message = format!(
        "simulated fault: {}",
        status.canonical_reason().unwrap_or("error")
    );
    let body = match provider {
        Some(ProviderKind::RevCent) => serde_json::json!({
            "api_call_id": "SIMFAULT000000000000", "api_call_unix": 0, "code": 0,
            "error_code": code, "message": message, "result": "The API call failed."
        }),
        // Tencent answers API errors in HTTP 200; a non-200 comes from the gateway, as text.
        Some(ProviderKind::TencentTrtc) => {
            let mut response = Response::new(Body::from(message));
            *response.status_mut() = status;
            return response;
        }
        _ => serde_json::json!({
            "error": {"message": message, "type": code, "param": null, "code": code}
        }),
    };
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_from_text() {
        let rule: FaultRule = "chatkit:429=2#3".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::next(
                Some(ProviderKind::OpenAiChatKit),
                Fault::RateLimited { retry_after: 2 },
                3
            )
        );
        let rule: FaultRule = "revcent:503@0.2".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::rate(Some(ProviderKind::RevCent), Fault::Status(503), 0.2)
        );
        let rule: FaultRule = "*:latency=50".parse().unwrap();
        assert_eq!(
            rule,
            FaultRule::always(None, Fault::Latency(Duration::from_millis(50)))
        );
        let rule: FaultRule = "reset".parse().unwrap();
        assert_eq!(rule, FaultRule::always(None, Fault::Reset));
        let rule: FaultRule = "redirect=307:9000#2".parse().unwrap();
        let redirect = Fault::Redirect {
            status: 307,
            port: 9000,
        };
        assert_eq!(rule, FaultRule::next(None, redirect, 2));
        let rule: FaultRule = "revcent:redirect=301:1".parse().unwrap();
        assert_eq!(rule.provider, Some(ProviderKind::RevCent));
        for bad in [
            "slack:500",
            "chatkit:418",
            "latency",
            "500@2",
            "500#x",
            "status=200",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn faults_print_back_in_their_text_form() {
        for text in [
            "429=2",
            "status=503",
            "reset",
            "timeout",
            "latency=20",
            "truncate",
            "invalid-json",
            "wrong-content-type",
            "oversized",
            "repeat-cursor",
            "cycle-cursors",
            "endless-pages",
            "redirect=307:9000",
            "plain-404",
        ] {
            assert_eq!(text.parse::<Fault>().unwrap().to_string(), text);
        }
        for bad in [
            "redirect",
            "redirect=200:1",
            "redirect=307",
            "redirect=301:x",
        ] {
            assert!(bad.parse::<Fault>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn next_rules_fire_exactly_n_times_and_first_match_wins() {
        let plan = FaultPlan::parse("trtc:reset#1,500#2", 7).unwrap();
        assert_eq!(
            plan.pick(Some(ProviderKind::TencentTrtc)),
            Some(Fault::Reset)
        );
        assert_eq!(
            plan.pick(Some(ProviderKind::TencentTrtc)),
            Some(Fault::Status(500))
        );
        assert_eq!(
            plan.pick(Some(ProviderKind::RevCent)),
            Some(Fault::Status(500))
        );
        assert_eq!(plan.pick(Some(ProviderKind::RevCent)), None);
    }

    #[test]
    fn rate_rules_are_repeatable_for_a_seed() {
        let draw = |seed| {
            let plan = FaultPlan::parse("500@0.3", seed).unwrap();
            (0..200)
                .map(|_| plan.pick(Some(ProviderKind::RevCent)).is_some())
                .collect::<Vec<_>>()
        };
        let first = draw(42);
        assert_eq!(first, draw(42));
        let fired = first.iter().filter(|f| **f).count();
        assert!((30..90).contains(&fired), "{fired} of 200 at rate 0.3");
    }
}
