//! [`TrtcClient`]: the five AI conversation actions, signed, rate limited and retried.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aithreads_core::transport::{Call, RateLimit, Request, Response, Transport, credential};
use aithreads_core::{CancelOutcome, Error, ExposeSecret, Result, SecretString, validate};
use bytes::Bytes;
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::{
    API_VERSION, ENDPOINT_VAR, Language, REGION_VAR, SECRET_ID_VAR, SECRET_KEY_VAR, SERVICE,
    TOKEN_VAR, TrtcConfig,
};
use crate::error::{self, PROVIDER, decode};
use crate::generated::{
    ActionSpec, CONTROL_AI_CONVERSATION, ControlAiConversationRequest,
    ControlAiConversationResponse, DESCRIBE_AI_CONVERSATION, DescribeAiConversationRequest,
    DescribeAiConversationResponse, START_AI_CONVERSATION, STOP_AI_CONVERSATION,
    StartAiConversationRequest, StartAiConversationResponse, StopAiConversationRequest,
    StopAiConversationResponse, UPDATE_AI_CONVERSATION, UpdateAiConversationRequest,
    UpdateAiConversationResponse,
};
use crate::input;
use crate::redact;
use crate::sign::{self, SignableRequest, SigningParams};
use crate::site::Site;

/// Every action this client calls, as the spec describes them.
pub const ACTIONS: [&ActionSpec; 5] = [
    &START_AI_CONVERSATION,
    &DESCRIBE_AI_CONVERSATION,
    &UPDATE_AI_CONVERSATION,
    &CONTROL_AI_CONVERSATION,
    &STOP_AI_CONVERSATION,
];

/// The one content type sent, and signed: exactly what the official SDKs send, no charset.
const CONTENT_TYPE: &str = "application/json";

/// What a stop achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StopOutcome {
    /// [`CancelOutcome::Cancelled`] when this call stopped the task;
    /// [`CancelOutcome::AlreadyEnded`] when a retry found it gone after an earlier attempt
    /// that may have landed.
    pub outcome: CancelOutcome,
    /// The `RequestId` of the answer that decided.
    pub request_id: Option<String>,
}

/// A Tencent Cloud TRTC AI conversation client. Cheap to clone; clones share the
/// connection pool and the per-action rate limits.
///
/// Every call is `POST /` signed with TC3-HMAC-SHA256 (signed afresh for each retry), to the
/// region of the client. Any well-formed region is sent: the server decides where an action
/// runs, and when it refuses a region the error lists the regions the action's documentation
/// names for the client's [`Site`].
#[derive(Clone)]
pub struct TrtcClient {
    inner: Arc<Inner>,
    /// Outside [`Inner`]: [`with_region`](Self::with_region) makes a client for another region
    /// that shares everything else.
    region: Option<String>,
}

/// What every clone shares: where to send, the credentials, the transport, the settings.
struct Inner {
    endpoint: Url,
    /// The `Host` header, signed and sent.
    host: String,
    secret_id: String,
    secret_key: SecretString,
    token: Option<SecretString>,
    /// Whose documented limits and regions apply.
    site: Site,
    transport: Transport,
    language: Option<Language>,
    /// One budget per action, at the site's documented rate; `None` when turned off.
    limits: Option<Vec<(&'static str, RateLimit)>>,
}

impl fmt::Debug for TrtcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrtcClient")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("region", &self.region)
            .field("site", &self.inner.site)
            .field("secret_id", &"[redacted]")
            .field("secret_key", &"[redacted]")
            .field("token", &self.inner.token.as_ref().map(|_| "[redacted]"))
            .field("transport", &self.inner.transport)
            .field("language", &self.inner.language)
            .field("rate_limits", &self.inner.limits.is_some())
            .finish_non_exhaustive()
    }
}

impl TrtcClient {
    /// A client from a configuration; fails with [`Error::Config`] when a credential is
    /// missing or the endpoint is unusable.
    pub fn new(config: TrtcConfig) -> Result<Self> {
        let secret_id = credential(
            config.secret_id.as_deref(),
            SECRET_ID_VAR,
            "with_credentials",
        )?
        .to_owned();
        let secret_key = config.secret_key.as_ref().map(|key| key.expose_secret());
        let secret_key =
            SecretString::from(credential(secret_key, SECRET_KEY_VAR, "with_credentials")?);
        if let Some(token) = &config.token {
            credential(Some(token.expose_secret()), TOKEN_VAR, "with_token")?;
        }
        if !secret_id.bytes().all(|b| b.is_ascii_graphic() && b != b',') {
            return Err(Error::config(format!(
                "{SECRET_ID_VAR} contains characters a SecretId never has"
            )));
        }
        if let Some(region) = &config.region {
            validate::region(region).map_err(|e| Error::config(e.to_string()))?;
        }
        let endpoint = endpoint_url(&config.transport, &config.endpoint)?;
        let host = host_header(&endpoint)?;
        let site = config
            .site
            .or_else(|| endpoint.host_str().and_then(Site::of_host))
            .unwrap_or_default();
        // The SecretId is scrubbed from errors too: it names the account.
        let mut secrets = vec![SecretString::from(secret_id.clone()), secret_key.clone()];
        secrets.extend(config.token.clone());
        let transport =
            Transport::new(PROVIDER, config.transport, secrets)?.with_base_url_var(ENDPOINT_VAR);
        let limits = config.rate_limits.then(|| {
            ACTIONS
                .iter()
                .map(|action| {
                    let rate = NonZeroU32::new(action.on(site).rate_limit_per_second)
                        .unwrap_or(NonZeroU32::MIN);
                    (action.name, RateLimit::per_second(rate))
                })
                .collect()
        });
        Ok(Self {
            inner: Arc::new(Inner {
                endpoint,
                host,
                secret_id,
                secret_key,
                token: config.token,
                site,
                transport,
                language: config.language,
                limits,
            }),
            region: config.region,
        })
    }

    /// A client from the environment ([`TrtcConfig::from_env`]).
    pub fn from_env() -> Result<Self> {
        Self::new(TrtcConfig::from_env()?)
    }

    /// The same client for another region: shares connections and rate limits.
    pub fn with_region(&self, region: impl Into<String>) -> Result<Self> {
        let region = region.into();
        validate::region(&region)?;
        Ok(Self {
            inner: self.inner.clone(),
            region: Some(region),
        })
    }

    /// The endpoint requests go to (`scheme://host[:port]/`).
    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// The region calls go to.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The site whose documented limits and regions apply.
    pub fn site(&self) -> Site {
        self.inner.site
    }

    /// `StartAIConversation`: puts an AI agent into a room; answers the new `TaskId`.
    ///
    /// Not retried unless the request surely did not land (a refused connection or
    /// `RequestLimitExceeded`); set a `SessionId` to make a repeat detectable.
    pub async fn start_ai_conversation(
        &self,
        request: &StartAiConversationRequest,
    ) -> Result<StartAiConversationResponse> {
        input::check_start(request)?;
        self.call(&START_AI_CONVERSATION, request).await
    }

    /// `DescribeAIConversation`: a task's status, by `TaskId` or `SessionId`.
    pub async fn describe_ai_conversation(
        &self,
        request: &DescribeAiConversationRequest,
    ) -> Result<DescribeAiConversationResponse> {
        input::check_describe(request)?;
        self.call(&DESCRIBE_AI_CONVERSATION, request).await
    }

    /// `UpdateAIConversation`: changes a running task's welcome message, interruption,
    /// LLM or TTS settings; members left `None` are not changed.
    pub async fn update_ai_conversation(
        &self,
        request: &UpdateAiConversationRequest,
    ) -> Result<UpdateAiConversationResponse> {
        input::check_update(request)?;
        self.call(&UPDATE_AI_CONVERSATION, request).await
    }

    /// `ControlAIConversation`: makes the agent speak a text (`ServerPushText`) or ask its
    /// LLM (`InvokeLlm`). Not retried unless surely not delivered, so nothing is said twice.
    pub async fn control_ai_conversation(
        &self,
        request: &ControlAiConversationRequest,
    ) -> Result<ControlAiConversationResponse> {
        input::check_control(request)?;
        self.call(&CONTROL_AI_CONVERSATION, request).await
    }

    /// `StopAIConversation`: ends a task.
    ///
    /// Retried like a read: when an earlier attempt may have landed (its answer was lost)
    /// and the retry finds the task gone (`FailedOperation.TaskNotExist`), the outcome is
    /// [`CancelOutcome::AlreadyEnded`] instead of an error. A first attempt answering
    /// `TaskNotExist` is [`Error::NotFound`]. (A retry cannot tell a task its lost first
    /// attempt stopped from one that never existed; both read as already ended.)
    pub async fn stop_ai_conversation(
        &self,
        request: &StopAiConversationRequest,
    ) -> Result<StopOutcome> {
        input::check_stop(request)?;
        self.send(&STOP_AI_CONVERSATION, request, decode_stop).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        action: &'static ActionSpec,
        request: &impl Serialize,
    ) -> Result<T> {
        self.send(action, request, |response| decode(&response))
            .await
    }

    /// Serialises the body once, then signs and sends it per attempt, so the bytes signed
    /// are exactly the bytes sent. The request's own secrets (UserSig, the LLM and TTS keys)
    /// are scrubbed from any error a server's answer makes, before anything logs it.
    async fn send<T>(
        &self,
        action: &'static ActionSpec,
        request: &impl Serialize,
        decode: impl Fn(Response) -> Result<T>,
    ) -> Result<T> {
        let region = self.region_for(action)?;
        let body = Bytes::from(serde_json::to_vec(request).map_err(|e| {
            Error::invalid_input(format!("{} request cannot be encoded: {e}", action.name))
        })?);
        input::check_members_unique(action.name, &body)?;
        let call = if action.idempotent {
            Call::idempotent(action.name)
        } else {
            Call::non_idempotent(action.name)
        }
        .with_rate_limit(self.rate_limit(action));
        self.inner
            .transport
            .send(
                call,
                || self.signed_request(action, region, &body),
                |response| decode(response).map_err(|e| scrub_request_secrets(e, &body)),
            )
            .await
            .map_err(|e| error::explain_region(e, action, self.inner.site, region))
    }

    fn region_for(&self, action: &ActionSpec) -> Result<&str> {
        self.region.as_deref().ok_or_else(|| {
            let documented = action.on(self.inner.site).regions;
            Error::invalid_input(format!(
                "no TRTC region configured: set {REGION_VAR} or call with_region{}",
                if documented.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} is documented in {})",
                        action.name,
                        documented.join(", ")
                    )
                }
            ))
        })
    }

    fn rate_limit(&self, action: &ActionSpec) -> Option<&RateLimit> {
        self.inner
            .limits
            .as_ref()?
            .iter()
            .find(|(name, _)| *name == action.name)
            .map(|(_, limit)| limit)
    }

    /// One attempt's request, signed at the current time.
    fn signed_request(&self, action: &ActionSpec, region: &str, body: &Bytes) -> Result<Request> {
        let inner = &self.inner;
        let timestamp = unix_now();
        let signed_headers = [
            ("content-type", CONTENT_TYPE),
            ("host", inner.host.as_str()),
        ];
        let signed = sign::sign(
            &SignableRequest::post(&signed_headers, body),
            &SigningParams {
                secret_id: &inner.secret_id,
                secret_key: inner.secret_key.expose_secret(),
                service: SERVICE,
                timestamp,
            },
        )?;
        let mut request = Request::new(Method::POST, inner.endpoint.clone())
            .json_body(body.clone())
            .header("content-type", CONTENT_TYPE)?
            .header("host", &inner.host)?
            .header("x-tc-action", action.name)?
            .header("x-tc-version", API_VERSION)?
            .header("x-tc-region", region)?
            .header("x-tc-timestamp", &timestamp.to_string())?
            .secret_header("authorization", &signed.authorization)?;
        if let Some(language) = inner.language {
            request = request.header("x-tc-language", language.as_str())?;
        }
        if let Some(token) = &inner.token {
            request = request.secret_header("x-tc-token", token.expose_secret())?;
        }
        Ok(request)
    }
}

/// `error` without the secrets of the request `body` (a UserSig, the keys inside LLMConfig),
/// which a server may echo. Found only when an answer is an error, so successes pay nothing.
fn scrub_request_secrets(error: Error, body: &[u8]) -> Error {
    let secrets = serde_json::from_slice(body)
        .map(|json| redact::secret_values(&json))
        .unwrap_or_default();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    error.scrubbed(&secrets)
}

/// StopAIConversation's answer: `TaskNotExist` on a retry means an earlier attempt stopped
/// the task.
pub fn decode_stop(response: Response) -> Result<StopOutcome> {
    match decode::<StopAiConversationResponse>(&response) {
        Ok(answer) => Ok(StopOutcome {
            outcome: CancelOutcome::Cancelled,
            request_id: Some(answer.request_id),
        }),
        Err(error) if error.is_not_found() && response.attempt > 1 => Ok(StopOutcome {
            outcome: CancelOutcome::AlreadyEnded,
            request_id: error.request_id().map(str::to_owned),
        }),
        Err(error) => Err(error),
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The endpoint as a URL: `scheme://host[:port]/`. A bare host means https
/// (`trtc.tencentcloudapi.com`), except a loopback one (`127.0.0.1:8787`), which means plain
/// http: nothing on loopback here serves TLS, and plain http stays refused everywhere else.
fn endpoint_url(
    transport: &aithreads_core::transport::TransportConfig,
    endpoint: &str,
) -> Result<Url> {
    let text = if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        let https = format!("https://{endpoint}");
        match Url::parse(&https) {
            Ok(url) if is_loopback(&url) => format!("http://{endpoint}"),
            _ => https,
        }
    };
    let url = transport.check_base_url(PROVIDER, &text)?;
    // Every action is `POST /`: a path, query or credentials would change what is signed.
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || url.username() != ""
        || url.password().is_some()
    {
        return Err(Error::config(format!(
            "TRTC endpoint `{endpoint}` must be a scheme and host (and port) only, like {}",
            crate::config::DEFAULT_ENDPOINT
        )));
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The `Host` header, signed and sent: host plus the port when the URL names a
/// non-default one, as the official Python SDK sends it.
fn host_header(url: &Url) -> Result<String> {
    let host = url
        .host_str()
        .ok_or_else(|| Error::config("the TRTC endpoint has no host"))?;
    Ok(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_core::transport::TransportConfig;

    #[test]
    fn endpoints_are_a_scheme_and_host_only() {
        let transport = TransportConfig::default();
        let url = endpoint_url(&transport, "trtc.tencentcloudapi.com").unwrap();
        assert_eq!(url.as_str(), "https://trtc.tencentcloudapi.com/");
        assert_eq!(host_header(&url).unwrap(), "trtc.tencentcloudapi.com");
        let url = endpoint_url(&transport, "http://127.0.0.1:8787").unwrap();
        assert_eq!(host_header(&url).unwrap(), "127.0.0.1:8787");
        // A bare loopback host is the simulator or a local proxy: plain http.
        for bare in ["127.0.0.1:8787", "localhost:8787", "[::1]:8787"] {
            let url = endpoint_url(&transport, bare).unwrap();
            assert_eq!(url.scheme(), "http", "{bare}");
        }
        let url = endpoint_url(&transport, "https://trtc.intl.tencentcloudapi.com:443/").unwrap();
        assert_eq!(host_header(&url).unwrap(), "trtc.intl.tencentcloudapi.com");
        for bad in [
            "https://trtc.tencentcloudapi.com/v2",
            "https://trtc.tencentcloudapi.com/?a=1",
            "https://user:pw@trtc.tencentcloudapi.com",
            "http://trtc.tencentcloudapi.com",
            "ftp://x",
        ] {
            assert!(endpoint_url(&transport, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn blank_credentials_are_configuration_errors_naming_the_variable() {
        let cases = [
            (TrtcConfig::new().with_credentials("", "key"), SECRET_ID_VAR),
            (
                TrtcConfig::new().with_credentials("AKID", "  "),
                SECRET_KEY_VAR,
            ),
            (
                TrtcConfig::new()
                    .with_credentials("AKID", "key")
                    .with_token("\n"),
                TOKEN_VAR,
            ),
        ];
        for (config, var) in cases {
            let error = TrtcClient::new(config).unwrap_err();
            assert!(error.is_config(), "{error:?}");
            assert!(
                error.message().starts_with(&format!("{var} is blank")),
                "{error}"
            );
        }
    }

    #[test]
    fn the_client_reports_its_endpoint() {
        let client = TrtcClient::new(
            TrtcConfig::new()
                .with_credentials("AKIDexample", "secret-key")
                .with_endpoint("trtc.tencentcloudapi.com"),
        )
        .unwrap();
        assert_eq!(
            client.endpoint().as_str(),
            "https://trtc.tencentcloudapi.com/"
        );
        let text = format!("{client:?}");
        assert!(!text.contains("secret-key"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }

    #[test]
    fn the_site_follows_the_endpoint_unless_set() {
        let client = |endpoint: &str, site: Option<Site>| {
            let mut config = TrtcConfig::new()
                .with_credentials("AKIDexample", "secret-key")
                .with_endpoint(endpoint);
            if let Some(site) = site {
                config = config.with_site(site);
            }
            TrtcClient::new(config).unwrap().site()
        };
        assert_eq!(client("trtc.tencentcloudapi.com", None), Site::China);
        assert_eq!(
            client("https://trtc.intl.tencentcloudapi.com", None),
            Site::International
        );
        assert_eq!(client("127.0.0.1:9", None), Site::International);
        assert_eq!(client("127.0.0.1:9", Some(Site::China)), Site::China);
    }

    #[test]
    fn client_side_limits_follow_the_site() {
        let start_limit = |endpoint: &str| {
            let client = TrtcClient::new(
                TrtcConfig::new()
                    .with_credentials("AKIDexample", "secret-key")
                    .with_endpoint(endpoint),
            )
            .unwrap();
            client
                .rate_limit(&START_AI_CONVERSATION)
                .map(|l| l.rate().get())
        };
        assert_eq!(start_limit("trtc.intl.tencentcloudapi.com"), Some(50));
        assert_eq!(start_limit("trtc.tencentcloudapi.com"), Some(20));
    }

    #[test]
    fn the_action_table_comes_from_the_spec() {
        let stop = ACTIONS
            .iter()
            .find(|a| a.name == "StopAIConversation")
            .unwrap()
            .on(Site::International);
        // Seed 003.
        assert_eq!(stop.rate_limit_per_second, 20);
        assert_eq!(
            stop.regions,
            [
                "ap-guangzhou",
                "ap-singapore",
                "ap-tokyo",
                "na-siliconvalley"
            ]
        );
    }
}
