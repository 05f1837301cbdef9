//! Where the CLI finds its configuration, end to end against the simulator: which source
//! wins when several are set (flag, environment, config file profile, Tencent's credentials
//! file), secrets by variable or command, warnings, the simulator's banner, and
//! configuration errors ending with exit 2 once, before any request.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Output, Stdio};

use aithreads_sim::{Credentials, SimConfig, Simulator};
use assert_cmd::Command;
use serde_json::Value;

/// Credentials the simulator accepts here; distinctive so a leak is easy to spot.
pub fn credentials() -> Credentials {
    Credentials {
        revcent_api_key: "rc-SECRET-cfg-1a2b3c".into(),
        tencent_secret_id: "AKIDcfgSECRETid00000000000000000".into(),
        tencent_secret_key: "tc-SECRET-cfg-key-9z8y".into(),
        openai_api_key: "sk-SECRET-cfg-openai-4d5e".into(),
    }
}

/// A simulator and an empty home directory to write configuration into.
pub struct Setup {
    pub sim: Simulator,
    pub home: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Setup {
    pub fn start(config: SimConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sim = runtime
            .block_on(Simulator::start(config.with_credentials(credentials())))
            .unwrap();
        Self {
            sim,
            home: tempfile::tempdir().unwrap(),
            _runtime: runtime,
        }
    }

    pub fn with_threads(threads: usize) -> Self {
        Self::start(SimConfig::default().with_threads(threads))
    }

    /// Writes `text` at `relative` in the home directory, with Unix `mode`.
    pub fn write(&self, relative: &str, text: &str, mode: u32) -> PathBuf {
        let path = self.home.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        path
    }

    pub fn config_file(&self, text: &str) -> PathBuf {
        self.write(".config/aithreads/config.toml", text, 0o600)
    }

    /// `aithreads` with only HOME and `vars` set: nothing else configures it.
    pub fn cmd(&self, vars: &[(&str, &str)]) -> Command {
        let mut cmd = Command::cargo_bin("aithreads").unwrap();
        cmd.env_clear()
            .env("HOME", self.home.path())
            .env("USERPROFILE", self.home.path());
        for (name, value) in vars {
            cmd.env(name, value);
        }
        cmd.timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// The simulator's variable `name`.
    pub fn var(&self, name: &str) -> String {
        self.sim.client_var(name).unwrap()
    }

    /// Every base URL and the region of the simulator, without credentials.
    pub fn endpoints(&self) -> Vec<(&'static str, String)> {
        [
            "REVCENT_BASE_URL",
            "TENCENTCLOUD_TRTC_ENDPOINT",
            "TENCENTCLOUD_REGION",
            "OPENAI_BASE_URL",
        ]
        .into_iter()
        .map(|name| (name, self.var(name)))
        .collect()
    }

    pub fn run(&self, vars: &[(&str, &str)], args: &[&str]) -> Output {
        self.cmd(vars).args(args).output().unwrap()
    }

    pub fn requests(&self) -> u64 {
        self.sim.requests_seen()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// The sources `doctor --output json` reports for one provider: setting → where.
pub fn sources(doctor: &Value, provider: &str) -> Vec<(String, String)> {
    doctor["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == provider)
        .unwrap()["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["setting"].as_str().unwrap().to_owned(),
                s["source"]["where"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn assert_no_secret(out: &Output) {
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let creds = credentials();
    for secret in [
        creds.revcent_api_key,
        creds.tencent_secret_key,
        creds.openai_api_key,
    ] {
        assert!(!all.contains(&secret), "a secret leaked: {all}");
    }
}

fn vars<'a>(setup: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    setup.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn an_explicit_profile_beats_the_environment_which_beats_the_default_profile() {
    let setup = Setup::with_threads(20);
    let good = credentials().revcent_api_key;
    let file = setup.config_file(
        r#"
[profiles.default.revcent]
api_key = "rc-wrong-default"

[profiles.work.revcent]
api_key_env = "WORK_REVCENT_KEY"
"#,
    );
    let file = file.display().to_string();
    let base = vec![("REVCENT_BASE_URL", setup.var("REVCENT_BASE_URL"))];
    let list = [
        "list", "-p", "revcent", "--since", "30d", "-n", "2", "--output", "json",
    ];

    // The environment's key beats the default profile's.
    let mut env = vars(&base);
    env.push(("REVCENT_API_KEY", &good));
    let out = setup.run(&env, &list);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // --profile beats the environment: the work profile's variable holds the good key,
    // the environment a wrong one.
    let mut env = vars(&base);
    env.extend([
        ("REVCENT_API_KEY", "rc-wrong-env"),
        ("WORK_REVCENT_KEY", good.as_str()),
    ]);
    let out = setup.run(&env, &[&["--profile", "work"], &list[..]].concat());
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doctor: Value = serde_json::from_slice(
        &setup
            .run(&env, &["--profile", "work", "doctor", "--output", "json"])
            .stdout,
    )
    .unwrap();
    assert_eq!(
        sources(&doctor, "revcent"),
        [
            (
                "api_key".into(),
                format!(
                    "--profile work: {file} [profiles.work.revcent] api_key_env = WORK_REVCENT_KEY"
                )
            ),
            ("base_url".into(), "REVCENT_BASE_URL".into()),
        ]
    );

    // AITHREADS_PROFILE chooses the profile but comes after the environment: the wrong
    // environment key is used and refused.
    let before = setup.requests();
    env.push(("AITHREADS_PROFILE", "work"));
    let out = setup.run(&env, &list);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("auth"), "{}", text(&out.stderr));
    assert!(setup.requests() > before);

    // With no key in the environment, the default profile's plain key is used (and
    // refused, being wrong), with a warning about the plain secret.
    let out = setup.run(&vars(&base), &list);
    assert_eq!(code(&out), 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("[profiles.default.revcent] api_key is a secret written in plain text"),
        "{stderr}"
    );
    assert!(!stderr.contains("rc-wrong-default"), "{stderr}");
    assert_no_secret(&out);
}

#[test]
fn tencent_credentials_come_from_its_own_file_when_nothing_else_has_them() {
    let setup = Setup::with_threads(5);
    let creds = credentials();
    setup.write(
        ".tencentcloud/credentials",
        &format!(
            "[default]\nsecret_id = {}\nsecret_key = {}\n",
            creds.tencent_secret_id, creds.tencent_secret_key
        ),
        0o600,
    );
    let named = setup.write(
        "elsewhere/credentials",
        "[default]\nsecret_id = AKIDnamedWRONG\nsecret_key = nope\n",
        0o644,
    );
    let endpoints = setup.endpoints();
    let env = vars(&endpoints);
    let home_file = setup
        .home
        .path()
        .join(".tencentcloud/credentials")
        .display()
        .to_string();

    let out = setup.run(&env, &["doctor", "--output", "json"]);
    // RevCent and ChatKit are skipped, being unconfigured; TRTC passes.
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    let doctor: Value = serde_json::from_slice(&out.stdout).unwrap();
    let trtc = sources(&doctor, "trtc");
    assert_eq!(trtc[0], ("secret_id".into(), home_file.clone()));
    assert_eq!(trtc[1], ("secret_key".into(), home_file));
    let checks = doctor["providers"][1]["checks"].as_array().unwrap();
    let credentials = checks.iter().find(|c| c["check"] == "credentials").unwrap();
    assert_eq!(credentials["status"], "pass", "{credentials}");

    // A TRTC reference is served with those credentials: the task is unknown, not the key.
    let out = setup.run(
        &env,
        &["get", "trtc:ap-singapore/no-such-task", "--output", "json"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("not found"),
        "{}",
        text(&out.stderr)
    );

    // TENCENTCLOUD_CREDENTIALS_FILE names another file, which wins, and is warned about
    // for being readable by others; the environment's pair beats both.
    let named_text = named.display().to_string();
    let mut env_named = env.clone();
    env_named.push(("TENCENTCLOUD_CREDENTIALS_FILE", &named_text));
    let out = setup.run(&env_named, &["get", "trtc:ap-singapore/no-such-task"]);
    assert_eq!(code(&out), 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("SecretIdNotFound") || stderr.contains("SecretId"),
        "{stderr}"
    );
    assert!(stderr.contains("readable by others (mode 644)"), "{stderr}");

    let mut env_both = env_named.clone();
    env_both.extend([
        ("TENCENTCLOUD_SECRET_ID", creds.tencent_secret_id.as_str()),
        ("TENCENTCLOUD_SECRET_KEY", creds.tencent_secret_key.as_str()),
    ]);
    let out = setup.run(&env_both, &["get", "trtc:ap-singapore/no-such-task"]);
    assert!(
        text(&out.stderr).contains("not found"),
        "{}",
        text(&out.stderr)
    );
    assert_no_secret(&out);
}

#[test]
fn secrets_from_commands_run_without_eating_piped_references() {
    let setup = Setup::with_threads(5);
    let key = credentials().openai_api_key;
    setup.config_file(&format!(
        "[profiles.default.chatkit]\napi_key_command = \"printf '%s\\\\n' {key}\"\nbase_url = \"{}\"\n",
        setup.var("OPENAI_BASE_URL")
    ));
    let out = setup.run(
        &[],
        &["list", "-p", "chatkit", "-n", "3", "--output", "json"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let threads: Value = serde_json::from_slice(&out.stdout).unwrap();
    let refs: Vec<String> = threads
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("chatkit:{}", t["id"].as_str().unwrap()))
        .collect();
    assert_eq!(refs.len(), 3);

    // References on stdin still reach `get` whole: the command's stdin is closed.
    let out = setup
        .cmd(&[])
        .args(["get", "-", "--output", "json"])
        .write_stdin(refs.join("\n"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got.as_array().unwrap().len(), 3, "{got}");
    assert_no_secret(&out);
}

/// Environment, arguments, stdin, and what stderr must say.
type Case<'a> = (
    Vec<(&'a str, &'a str)>,
    Vec<&'a str>,
    Option<&'a str>,
    &'a str,
);

#[test]
fn configuration_errors_exit_2_once_before_any_request() {
    let setup = Setup::with_threads(5);
    let endpoints = setup.endpoints();
    let creds = credentials();
    let refs = [
        "revcent:AAAAAAAAAAAAAAAAAAA1",
        "revcent:AAAAAAAAAAAAAAAAAAA2",
        "revcent:AAAAAAAAAAAAAAAAAAA3",
    ];
    let stdin_refs = "trtc:task-1\ntrtc:task-2\ntrtc:ap-tokyo/task-3\n";

    let mut cases: Vec<Case> = vec![
        // Missing credentials of the providers the references need: one line.
        (
            vars(&endpoints),
            [&["cancel"], &refs[..]].concat(),
            None,
            "revcent is not configured: set REVCENT_API_KEY",
        ),
        (
            vars(&endpoints),
            vec!["get", "-"],
            Some("chatkit:cthr_1\nrevcent:AAAAAAAAAAAAAAAAAAA1\n"),
            "chatkit is not configured: set OPENAI_API_KEY",
        ),
        (
            vars(&endpoints),
            vec!["get", "chatkit:cthr_1", "revcent:AAAAAAAAAAAAAAAAAAA1"],
            None,
            "(`aithreads doctor` shows what is found); chatkit is not configured: set OPENAI_API_KEY",
        ),
        (
            vars(&endpoints),
            vec!["list", "-p", "chatkit"],
            None,
            "chatkit is not configured: set OPENAI_API_KEY",
        ),
        // A bad base URL, named by its variable, in the command line's words.
        (
            vec![
                ("REVCENT_API_KEY", "k"),
                ("REVCENT_BASE_URL", "http://example.com/v2"),
            ],
            vec!["list", "-p", "revcent"],
            None,
            "revcent base_url from REVCENT_BASE_URL: refusing plain http:// to example.com; use https",
        ),
        // Half the TRTC credentials.
        (
            vec![("TENCENTCLOUD_SECRET_ID", "AKIDx")],
            vec!["cancel", "trtc:ap-tokyo/t"],
            None,
            "TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not",
        ),
        // A malformed region.
        (
            vec![
                ("TENCENTCLOUD_SECRET_ID", "AKIDx"),
                ("TENCENTCLOUD_SECRET_KEY", "k"),
                ("TENCENTCLOUD_REGION", "Tokyo"),
            ],
            vec!["cancel", "trtc:ap-tokyo/t"],
            None,
            "trtc region from TENCENTCLOUD_REGION",
        ),
        // A profile that does not exist.
        (
            vec![],
            vec!["--profile", "nope", "list", "-p", "revcent"],
            None,
            "--profile nope: there is no config file at",
        ),
    ];
    // TRTC references without a region and none configured: one line for all of them.
    let mut trtc = vec![
        ("TENCENTCLOUD_SECRET_ID", creds.tencent_secret_id.as_str()),
        ("TENCENTCLOUD_SECRET_KEY", creds.tencent_secret_key.as_str()),
    ];
    let endpoint = setup.var("TENCENTCLOUD_TRTC_ENDPOINT");
    trtc.push(("TENCENTCLOUD_TRTC_ENDPOINT", &endpoint));
    // From stdin the references are checked as they are read: the first one stops the run.
    cases.push((trtc, vec!["cancel", "-", "--output", "json"], Some(stdin_refs), "1 TRTC reference(s) name no region (trtc:task-1…) and no TRTC region is configured: write trtc:<region>/<TaskId>, or set TENCENTCLOUD_REGION"));

    for (env, args, stdin, expected) in cases {
        let before = setup.requests();
        let mut cmd = setup.cmd(&env);
        cmd.args(&args);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        for library in [
            "with_api_key",
            "with_credentials",
            "with_region",
            "allow_http",
        ] {
            assert!(!stderr.contains(library), "{args:?}: {stderr}");
        }
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(setup.requests(), before, "{args:?} sent a request");
    }
}

#[test]
fn the_simulator_banner_pastes_into_a_working_configuration() {
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aithreads"))
        .args(["sim", "serve", "--port", "0", "--threads", "10"])
        .env_clear()
        .env("HOME", home.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The banner is read on a thread of its own, so a simulator that never prints fails the
    // test within a bound instead of hanging it.
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut exports = Vec::new();
    loop {
        let Ok(line) = lines.recv_timeout(std::time::Duration::from_secs(30)) else {
            let _ = child.kill();
            panic!("the simulator printed no complete banner within 30 s: {exports:?}");
        };
        let line = line.unwrap();
        if let Some(assignment) = line.strip_prefix("export ") {
            let (name, value) = assignment.split_once('=').unwrap();
            exports.push((name.to_owned(), value.to_owned()));
            if exports.len() == 8 {
                break;
            }
        }
    }
    let names: Vec<&str> = exports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "REVCENT_API_KEY",
            "REVCENT_BASE_URL",
            "TENCENTCLOUD_SECRET_ID",
            "TENCENTCLOUD_SECRET_KEY",
            "TENCENTCLOUD_REGION",
            "TENCENTCLOUD_TRTC_ENDPOINT",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL"
        ]
    );
    let mut doctor = Command::cargo_bin("aithreads").unwrap();
    doctor
        .env_clear()
        .env("HOME", home.path())
        .args(["doctor", "--output", "json"]);
    for (name, value) in &exports {
        doctor.env(name, value);
    }
    let out = doctor
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true, "{report}");
}

#[test]
fn xdg_config_home_holds_the_file_and_verbose_runs_log_each_source() {
    let setup = Setup::with_threads(5);
    let xdg = tempfile::tempdir().unwrap();
    let file = xdg.path().join("aithreads/config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        format!(
            "[profiles.default.revcent]\napi_key_env = \"MY_RC\"\nbase_url = \"{}\"\n",
            setup.var("REVCENT_BASE_URL")
        ),
    )
    .unwrap();
    // A file in HOME that would be wrong: XDG_CONFIG_HOME wins.
    setup.config_file("[profiles.default.revcent]\napi_key = \"rc-wrong\"\n");
    let xdg_text = xdg.path().display().to_string();
    let key = credentials().revcent_api_key;
    let out = setup.run(
        &[("XDG_CONFIG_HOME", &xdg_text), ("MY_RC", &key)],
        &["-v", "list", "-p", "revcent", "-n", "1", "--output", "json"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let file = file.display().to_string();
    assert!(
        stderr.contains(&format!(
            "revcent api_key from {file} [profiles.default.revcent] api_key_env = MY_RC"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "revcent base_url from {file} [profiles.default.revcent] base_url"
        )),
        "{stderr}"
    );
    assert_no_secret(&out);
}
