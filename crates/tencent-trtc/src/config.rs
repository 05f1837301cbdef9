//! [`TrtcConfig`]: credentials, region, endpoint and transport settings.

use std::fmt;
use std::str::FromStr;

use aithreads_core::transport::TransportConfig;
use aithreads_core::{Error, ExposeSecret, Result, SecretString, validate};

use crate::profile::CredentialsFile;

use crate::site::Site;

/// The documented endpoint of the international site (seed 003).
pub const DEFAULT_ENDPOINT: &str = "https://trtc.intl.tencentcloudapi.com";

/// The API version every AI conversation action uses (`X-TC-Version`).
pub const API_VERSION: &str = "2019-07-22";

/// The service name in the signature's credential scope, whatever the endpoint's host.
pub const SERVICE: &str = "trtc";

/// Environment variable holding the SecretId (the official SDKs' name).
pub const SECRET_ID_VAR: &str = "TENCENTCLOUD_SECRET_ID";

/// Environment variable holding the SecretKey (the official SDKs' name).
pub const SECRET_KEY_VAR: &str = "TENCENTCLOUD_SECRET_KEY";

/// Environment variable holding the session token of temporary credentials (tccli's name).
pub const TOKEN_VAR: &str = "TENCENTCLOUD_TOKEN";

/// Read when [`TOKEN_VAR`] is unset: the other name tools use for the session token.
pub const SECURITY_TOKEN_VAR: &str = "TENCENTCLOUD_SECURITY_TOKEN";

/// Environment variable naming the region, e.g. `ap-singapore`.
pub const REGION_VAR: &str = "TENCENTCLOUD_REGION";

/// Environment variable overriding the endpoint (a proxy, the simulator).
pub const ENDPOINT_VAR: &str = "TENCENTCLOUD_TRTC_ENDPOINT";

/// The language of error messages (`X-TC-Language`); the official SDKs accept only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// `zh-CN`, the official SDKs' default.
    ZhCn,
    /// `en-US`.
    EnUs,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::EnUs => "en-US",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "zh-CN" => Ok(Self::ZhCn),
            "en-US" => Ok(Self::EnUs),
            other => Err(Error::invalid_input(format!(
                "unknown language `{}`: Tencent Cloud accepts zh-CN or en-US",
                other.escape_debug()
            ))),
        }
    }
}

/// How to reach Tencent Cloud TRTC: build with [`from_env`](Self::from_env) or
/// [`new`](Self::new) and the `with_*` methods, then hand to
/// [`TrtcClient::new`](crate::TrtcClient::new).
///
/// The region may be left out here: each call then needs one, from
/// [`TrtcClient::with_region`](crate::TrtcClient::with_region) (which is what a
/// `trtc:<region>/<TaskId>` reference does).
#[derive(Clone)]
pub struct TrtcConfig {
    pub(crate) secret_id: Option<String>,
    pub(crate) secret_key: Option<SecretString>,
    pub(crate) token: Option<SecretString>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: String,
    pub(crate) site: Option<Site>,
    pub(crate) language: Option<Language>,
    pub(crate) rate_limits: bool,
    pub(crate) transport: TransportConfig,
}

impl Default for TrtcConfig {
    /// No credentials, no region, the default endpoint, client-side rate limits on.
    fn default() -> Self {
        Self {
            secret_id: None,
            secret_key: None,
            token: None,
            region: None,
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            site: None,
            language: None,
            rate_limits: true,
            transport: TransportConfig::default(),
        }
    }
}

impl fmt::Debug for TrtcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrtcConfig")
            .field("secret_id", &self.secret_id.as_ref().map(|_| "[redacted]"))
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "[redacted]"),
            )
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("site", &self.site)
            .field("language", &self.language)
            .field("rate_limits", &self.rate_limits)
            .field("transport", &self.transport)
            .finish()
    }
}

impl TrtcConfig {
    /// No credentials, no region, the default endpoint, client-side rate limits on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Finds credentials the way Tencent's official SDKs do: the environment
    /// ([`from_vars`](Self::from_vars)), and when it lacks the SecretId or the SecretKey, the
    /// credentials file ([`CredentialsFile::find`]: `TENCENTCLOUD_CREDENTIALS_FILE`, else
    /// `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`). The SDKs' next
    /// step, the CVM instance role, is left out: it asks a cloud metadata address.
    ///
    /// A credentials file that exists but cannot be used is an [`Error::Config`] naming it.
    /// Missing credentials are reported by [`TrtcClient::new`](crate::TrtcClient::new), so
    /// they can still be set here with [`with_credentials`](Self::with_credentials).
    pub fn from_env() -> Result<Self> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env), reading variables (`HOME` included) through `var`.
    fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let config = Self::from_vars(&var)?;
        if config.has_credentials() {
            return Ok(config);
        }
        Ok(match CredentialsFile::find(&var)? {
            Some(file) => config.with_credentials_file(&file),
            None => config,
        })
    }

    /// Reads the environment through `var`:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` | credentials (the official SDKs' names) |
    /// | `TENCENTCLOUD_TOKEN`, else `TENCENTCLOUD_SECURITY_TOKEN` | session token of temporary credentials |
    /// | `TENCENTCLOUD_REGION` | region, e.g. `ap-singapore` (optional here) |
    /// | `TENCENTCLOUD_TRTC_ENDPOINT` | endpoint, default [`DEFAULT_ENDPOINT`] |
    ///
    /// Empty and whitespace-only values count as unset. A malformed region is an
    /// [`Error::Config`] naming the variable. No file is read: that is
    /// [`from_env`](Self::from_env)'s second step.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let var = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let mut config = Self::new();
        config.secret_id = var(SECRET_ID_VAR);
        config.secret_key = var(SECRET_KEY_VAR).map(SecretString::from);
        config.token = var(TOKEN_VAR)
            .or_else(|| var(SECURITY_TOKEN_VAR))
            .map(SecretString::from);
        if let Some(region) = var(REGION_VAR) {
            validate::region(&region).map_err(|e| Error::config(format!("{REGION_VAR}: {e}")))?;
            config.region = Some(region);
        }
        if let Some(endpoint) = var(ENDPOINT_VAR) {
            config = config.with_endpoint(endpoint.trim());
        }
        Ok(config)
    }

    /// Sets the SecretId and SecretKey.
    pub fn with_credentials(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.secret_id = Some(secret_id.into());
        self.secret_key = Some(SecretString::from(secret_key.into()));
        self
    }

    /// Sets the SecretId and SecretKey read from a credentials file, dropping any session
    /// token: the file holds permanent keys, and a token belongs to the temporary ones it was
    /// issued with.
    pub fn with_credentials_file(self, file: &CredentialsFile) -> Self {
        let mut config = self.with_credentials(file.secret_id(), file.secret_key().expose_secret());
        config.token = None;
        config
    }

    /// Whether both the SecretId and the SecretKey are set.
    pub fn has_credentials(&self) -> bool {
        self.secret_id.is_some() && self.secret_key.is_some()
    }

    /// Sets the session token of temporary credentials (`X-TC-Token`).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets the region every call goes to (`X-TC-Region`). Only its syntax is checked: the
    /// server decides where an action runs, and a refusal names the regions the action's
    /// documentation lists.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sets the endpoint: `https://host[:port]`, or a bare host such as
    /// `trtc.tencentcloudapi.com` (the China site), for which https is assumed, except on a
    /// loopback host (`127.0.0.1:8787`, `localhost:8787`), for which it is plain http. Plain
    /// `http://` is accepted for loopback hosts only, unless the transport allows it.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// Sets the site whose documented request limits and regions apply. By default it is
    /// the endpoint's ([`Site::of_host`]), international for any other host.
    pub fn with_site(mut self, site: Site) -> Self {
        self.site = Some(site);
        self
    }

    /// Sets the language of Tencent's error messages (`X-TC-Language`); unset, the header
    /// is not sent and Tencent uses its default.
    pub fn with_language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Turns the client-side rate limits on or off (default on): each action is held to
    /// its documented requests per second, shared by every clone of the client, so bulk
    /// work never trips the server's `RequestLimitExceeded`.
    pub fn with_rate_limits(mut self, enabled: bool) -> Self {
        self.rate_limits = enabled;
        self
    }

    /// Sets timeouts, retries, size limits and the HTTP client.
    pub fn with_transport(mut self, transport: TransportConfig) -> Self {
        self.transport = transport;
        self
    }

    /// The configured region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The configured endpoint, as given.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The transport settings.
    pub fn transport(&self) -> &TransportConfig {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_core::vars::from_pairs as vars;

    #[test]
    fn reads_every_variable() {
        let config = TrtcConfig::from_vars(vars(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
            ("TENCENTCLOUD_SECRET_KEY", "key"),
            ("TENCENTCLOUD_TOKEN", "tok"),
            ("TENCENTCLOUD_SECURITY_TOKEN", "other"),
            ("TENCENTCLOUD_REGION", "ap-tokyo"),
            ("TENCENTCLOUD_TRTC_ENDPOINT", "http://127.0.0.1:9"),
        ]))
        .unwrap();
        assert_eq!(config.secret_id.as_deref(), Some("AKIDx"));
        assert_eq!(config.region(), Some("ap-tokyo"));
        assert_eq!(config.endpoint(), "http://127.0.0.1:9");
        use aithreads_core::ExposeSecret;
        assert_eq!(config.token.as_ref().unwrap().expose_secret(), "tok");
    }

    #[test]
    fn the_security_token_name_is_a_fallback_and_empty_values_are_unset() {
        let config = TrtcConfig::from_vars(vars(&[
            ("TENCENTCLOUD_SECRET_ID", " \t"),
            ("TENCENTCLOUD_TOKEN", ""),
            ("TENCENTCLOUD_SECURITY_TOKEN", "sts"),
            ("TENCENTCLOUD_REGION", ""),
            ("TENCENTCLOUD_TRTC_ENDPOINT", "  "),
        ]))
        .unwrap();
        assert_eq!(config.secret_id, None);
        use aithreads_core::ExposeSecret;
        assert_eq!(config.token.as_ref().unwrap().expose_secret(), "sts");
        assert_eq!(config.region(), None);
        assert_eq!(config.endpoint(), DEFAULT_ENDPOINT);
        assert!(config.rate_limits);
    }

    #[test]
    fn a_malformed_region_is_a_config_error_naming_the_variable() {
        let err = TrtcConfig::from_vars(vars(&[("TENCENTCLOUD_REGION", "Singapore")])).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains("TENCENTCLOUD_REGION"), "{err}");
    }

    #[test]
    fn file_credentials_replace_a_partial_environment_and_drop_its_token() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(
            &path,
            "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n",
        )
        .unwrap();
        let file = CredentialsFile::read(&path).unwrap();
        let config = TrtcConfig::from_vars(vars(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_TOKEN", "env-token"),
        ]))
        .unwrap();
        assert!(!config.has_credentials());
        let config = config.with_credentials_file(&file);
        assert!(config.has_credentials());
        assert_eq!(config.secret_id.as_deref(), Some("AKIDfile"));
        use aithreads_core::ExposeSecret;
        assert_eq!(
            config.secret_key.as_ref().unwrap().expose_secret(),
            "file-key"
        );
        assert!(config.token.is_none());
    }

    #[test]
    fn from_env_reads_the_credentials_file_only_when_the_environment_lacks_the_pair() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join(".tencentcloud");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("credentials"),
            "[default]\nsecret_id = AKIDfile\nsecret_key = file-key\n",
        )
        .unwrap();
        let home = home.path().display().to_string();
        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };

        let config = TrtcConfig::from_env_with(vars(&[
            (home_var, &home),
            ("TENCENTCLOUD_REGION", "ap-tokyo"),
        ]))
        .unwrap();
        assert_eq!(config.secret_id.as_deref(), Some("AKIDfile"));
        assert_eq!(config.region(), Some("ap-tokyo"));

        let config = TrtcConfig::from_env_with(vars(&[
            (home_var, &home),
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "env-key"),
        ]))
        .unwrap();
        assert_eq!(config.secret_id.as_deref(), Some("AKIDenv"));
    }

    #[test]
    fn debug_hides_the_credentials() {
        let config = TrtcConfig::new()
            .with_credentials("AKIDhidden", "hidden-key")
            .with_token("hidden-token");
        let text = format!("{config:?}");
        assert!(
            !text.contains("AKIDhidden")
                && !text.contains("hidden-key")
                && !text.contains("hidden-token"),
            "{text}"
        );
        assert!(text.contains("[redacted]"), "{text}");
    }

    #[test]
    fn languages_round_trip() {
        for language in [Language::ZhCn, Language::EnUs] {
            assert_eq!(language.as_str().parse::<Language>().unwrap(), language);
        }
        assert!("fr-FR".parse::<Language>().is_err());
    }
}
