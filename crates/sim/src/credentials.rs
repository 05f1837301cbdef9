//! The credentials the simulator accepts: those in the clients' own environment variables, or
//! documented demo values, so a client and the simulator configured from one environment agree.

use std::fmt;

/// RevCent API key accepted when `REVCENT_API_KEY` is not set.
pub const DEMO_REVCENT_API_KEY: &str = "revcent-demo-key-0000";
/// Tencent SecretId accepted when `TENCENTCLOUD_SECRET_ID` is not set.
pub const DEMO_TENCENT_SECRET_ID: &str = "AKIDdemo0000000000000000000000000000";
/// Tencent SecretKey accepted when `TENCENTCLOUD_SECRET_KEY` is not set.
pub const DEMO_TENCENT_SECRET_KEY: &str = "demo-secret-key-00000000000000000";
/// OpenAI API key accepted when `OPENAI_API_KEY` is not set.
pub const DEMO_OPENAI_API_KEY: &str = "sk-demo-0000000000000000";

/// The variables the simulator reads its accepted credentials from (demo values otherwise).
pub const VARIABLES: [&str; 4] = [
    "REVCENT_API_KEY",
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "OPENAI_API_KEY",
];

/// The credentials one simulator accepts.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// RevCent `x-api-key`.
    pub revcent_api_key: String,
    /// Tencent SecretId (checked in the TC3 `Credential=`).
    pub tencent_secret_id: String,
    /// Tencent SecretKey (used to verify TC3 signatures).
    pub tencent_secret_key: String,
    /// OpenAI bearer key.
    pub openai_api_key: String,
}

impl Credentials {
    /// The documented demo values.
    pub fn demo() -> Self {
        Self {
            revcent_api_key: DEMO_REVCENT_API_KEY.into(),
            tencent_secret_id: DEMO_TENCENT_SECRET_ID.into(),
            tencent_secret_key: DEMO_TENCENT_SECRET_KEY.into(),
            openai_api_key: DEMO_OPENAI_API_KEY.into(),
        }
    }

    /// The values of `REVCENT_API_KEY`, `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and
    /// `OPENAI_API_KEY`, each falling back to its demo value when unset or empty.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let demo = Self::demo();
        let get = |name: &str, fallback: String| {
            lookup(name).filter(|v| !v.is_empty()).unwrap_or(fallback)
        };
        Self {
            revcent_api_key: get("REVCENT_API_KEY", demo.revcent_api_key),
            tencent_secret_id: get("TENCENTCLOUD_SECRET_ID", demo.tencent_secret_id),
            tencent_secret_key: get("TENCENTCLOUD_SECRET_KEY", demo.tencent_secret_key),
            openai_api_key: get("OPENAI_API_KEY", demo.openai_api_key),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("tencent_secret_id", &self.tencent_secret_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_values_win_and_empty_ones_fall_back() {
        let creds = Credentials::from_lookup(|name| match name {
            "REVCENT_API_KEY" => Some("rk".into()),
            "OPENAI_API_KEY" => Some(String::new()),
            _ => None,
        });
        assert_eq!(creds.revcent_api_key, "rk");
        assert_eq!(creds.openai_api_key, DEMO_OPENAI_API_KEY);
        assert_eq!(creds.tencent_secret_key, DEMO_TENCENT_SECRET_KEY);
    }

    #[test]
    fn debug_shows_no_secret() {
        let text = format!("{:?}", Credentials::demo());
        assert!(
            !text.contains(DEMO_REVCENT_API_KEY)
                && !text.contains(DEMO_TENCENT_SECRET_KEY)
                && !text.contains(DEMO_OPENAI_API_KEY)
        );
    }
}
