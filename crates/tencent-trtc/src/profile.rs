//! [`CredentialsFile`]: the profile file Tencent's official SDKs read credentials from when
//! the environment has none.
//!
//! Where it is, as the SDKs look (tencentcloud-sdk-go `common/profile_provider.go`,
//! tencentcloud-sdk-python `common/credential.py` `ProfileCredential`): the file named by
//! `TENCENTCLOUD_CREDENTIALS_FILE` (the Go SDK's variable; an error when that file cannot be
//! read), else `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`. It is INI;
//! section `[default]` holds `secret_id` and `secret_key`.
//!
//! The SDKs' next step, the CVM instance role, is left out on purpose: it asks a cloud
//! metadata address, and this crate talks to no host but the configured endpoint.

use std::fmt;
use std::path::{Path, PathBuf};

use aithreads_core::secret_file::readable_by_others;
use aithreads_core::{Error, Result, SecretString};

/// Environment variable naming the credentials file (the Go SDK's name).
pub const CREDENTIALS_FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";

/// The credentials file shared by every user of the machine, read when the user has none.
pub const SYSTEM_CREDENTIALS_FILE: &str = "/etc/tencentcloud/credentials";

/// The section holding the credentials the SDKs use.
const SECTION: &str = "default";

/// Credentials read from a Tencent Cloud credentials file. Debug shows the path and the
/// SecretId, never the SecretKey.
#[derive(Clone)]
pub struct CredentialsFile {
    path: PathBuf,
    secret_id: String,
    secret_key: SecretString,
}

impl fmt::Debug for CredentialsFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsFile")
            .field("path", &self.path)
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

impl CredentialsFile {
    /// The first credentials file the official SDKs would read, reading variables through
    /// `var` (`TENCENTCLOUD_CREDENTIALS_FILE`, and `HOME`, or `USERPROFILE` on Windows):
    /// `None` when there is none. A file that exists but cannot be read or lacks
    /// `[default]` `secret_id`/`secret_key` is an [`Error::Config`] naming it, as is
    /// `TENCENTCLOUD_CREDENTIALS_FILE` naming a file that does not exist.
    pub fn find(var: impl Fn(&str) -> Option<String>) -> Result<Option<Self>> {
        Self::find_in(var, Path::new(SYSTEM_CREDENTIALS_FILE))
    }

    /// [`find`](Self::find) with the system-wide file at `system` (tests use a temp dir).
    fn find_in(var: impl Fn(&str) -> Option<String>, system: &Path) -> Result<Option<Self>> {
        if let Some(path) = var(CREDENTIALS_FILE_VAR) {
            if path.trim().is_empty() {
                return Err(Error::config(format!(
                    "{CREDENTIALS_FILE_VAR} is set but empty: name a credentials file or unset it"
                )));
            }
            return Self::read(Path::new(&path))
                .map(Some)
                .map_err(|e| Error::config(format!("{CREDENTIALS_FILE_VAR}: {}", e.message())));
        }
        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        let home = var(home_var)
            .filter(|home| !home.trim().is_empty())
            .map(|home| Path::new(&home).join(".tencentcloud").join("credentials"));
        for path in home.iter().map(PathBuf::as_path).chain([system]) {
            if path.exists() {
                return Self::read(path).map(Some);
            }
        }
        Ok(None)
    }

    /// Reads the credentials in `path`'s `[default]` section. Logs a warning when the file
    /// can be read by group or others (as ssh does for private keys).
    pub fn read(path: &Path) -> Result<Self> {
        let shown = path.display();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::config(format!("cannot read credentials file {shown}: {e}")))?;
        if let Some(mode) = readable_by_others(path) {
            tracing::warn!(
                "credentials file {shown} is readable by others (mode {mode:o}): chmod 600 it"
            );
        }
        let value = |key: &str| {
            ini_value(&text, SECTION, key)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| {
                    Error::config(format!(
                        "credentials file {shown} has no `{key}` in section [{SECTION}]"
                    ))
                })
        };
        Ok(Self {
            secret_id: value("secret_id")?,
            secret_key: SecretString::from(value("secret_key")?),
            path: path.to_owned(),
        })
    }

    /// The file the credentials came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SecretId.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The SecretKey.
    pub fn secret_key(&self) -> &SecretString {
        &self.secret_key
    }
}

/// The value of `key` in `[section]` of INI `text`, read the way both SDKs' parsers agree on:
/// lines trimmed, `#` and `;` comment lines skipped, `key = value` split at the first `=`
/// (or `:`, which Python's configparser also accepts), keys compared without case (Python
/// lower-cases them), values trimmed; a later line overrides an earlier one.
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current: Option<&str> = None;
    let mut found = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.trim());
            continue;
        }
        if current != Some(section) {
            continue;
        }
        if let Some(at) = line.find(['=', ':']) {
            let (name, value) = (line[..at].trim(), line[at + 1..].trim());
            if name.eq_ignore_ascii_case(key) {
                found = Some(value.to_owned());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads_core::ExposeSecret;
    use aithreads_core::vars::from_pairs;

    const FILE: &str = "\
# written by tccli
[other]
secret_id = AKIDother
secret_key = other-key

[default]
secret_id = AKIDdefault
; a comment
Secret_Key=default-key
role_arn =
";

    #[test]
    fn ini_values_come_from_their_section_only() {
        assert_eq!(
            ini_value(FILE, "default", "secret_id").as_deref(),
            Some("AKIDdefault")
        );
        assert_eq!(
            ini_value(FILE, "default", "secret_key").as_deref(),
            Some("default-key")
        );
        assert_eq!(
            ini_value(FILE, "other", "secret_id").as_deref(),
            Some("AKIDother")
        );
        assert_eq!(ini_value(FILE, "default", "role_arn").as_deref(), Some(""));
        assert_eq!(ini_value(FILE, "default", "token"), None);
        assert_eq!(ini_value(FILE, "missing", "secret_id"), None);
        assert_eq!(
            ini_value("[default]\r\nsecret_id: a=b\r\n", "default", "secret_id").as_deref(),
            Some("a=b")
        );
        assert_eq!(ini_value("secret_id = top\n", "default", "secret_id"), None);
    }

    fn write(dir: &Path, relative: &str, text: &str) -> PathBuf {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn the_variable_wins_then_home_then_the_system_file() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let system = write(
            dir.path(),
            "etc/credentials",
            "[default]\nsecret_id=AKIDsys\nsecret_key=k\n",
        );
        write(
            &home,
            ".tencentcloud/credentials",
            "[default]\nsecret_id=AKIDhome\nsecret_key=k\n",
        );
        let named = write(
            dir.path(),
            "named",
            "[default]\nsecret_id=AKIDnamed\nsecret_key=k\n",
        );
        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        let home_text = home.display().to_string();

        let named_text = named.display().to_string();
        let both = [
            (home_var, home_text.as_str()),
            (CREDENTIALS_FILE_VAR, &named_text),
        ];
        let found = CredentialsFile::find_in(from_pairs(&both), &system)
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.secret_id(), found.path()),
            ("AKIDnamed", named.as_path())
        );

        let found = CredentialsFile::find_in(from_pairs(&[(home_var, &home_text)]), &system)
            .unwrap()
            .unwrap();
        assert_eq!(found.secret_id(), "AKIDhome");

        let found = CredentialsFile::find_in(from_pairs(&[]), &system)
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.secret_id(), found.secret_key().expose_secret()),
            ("AKIDsys", "k")
        );

        let nothing = dir.path().join("nothing");
        assert!(
            CredentialsFile::find_in(from_pairs(&[]), &nothing)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_named_file_that_is_missing_or_incomplete_is_a_config_error() {
        let dir = tempfile::tempdir().unwrap();
        let nothing = dir.path().join("nothing");
        let missing = dir.path().join("missing");
        let err = CredentialsFile::find_in(
            from_pairs(&[(CREDENTIALS_FILE_VAR, &missing.display().to_string())]),
            &nothing,
        )
        .unwrap_err();
        assert!(err.is_config(), "{err:?}");
        assert!(err.message().contains(CREDENTIALS_FILE_VAR), "{err}");

        let err = CredentialsFile::find_in(from_pairs(&[(CREDENTIALS_FILE_VAR, " ")]), &nothing)
            .unwrap_err();
        assert!(err.message().contains("empty"), "{err}");

        let half = write(
            dir.path(),
            "half",
            "[default]\nsecret_id = AKIDx\nsecret_key =\n",
        );
        let err = CredentialsFile::read(&half).unwrap_err();
        assert!(err.is_config(), "{err:?}");
        assert!(
            err.message().contains("`secret_key` in section [default]"),
            "{err}"
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c",
            "[default]\nsecret_id=AKIDshown\nsecret_key=hidden-key-1\n",
        );
        let text = format!("{:?}", CredentialsFile::read(&path).unwrap());
        assert!(
            text.contains("AKIDshown") && !text.contains("hidden-key-1"),
            "{text}"
        );
    }
}
