//! `aithreads trtc start|describe|update|control` against the simulator: the references they
//! print, values read from files, stdin and variables, and secrets that never show.

use crate::common::{Env, code, fake_credentials, text};

const REGION: &str = "ap-singapore";

/// `trtc start` arguments for a room of the demo app; `extra` adds more.
fn start_args<'a>(room: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "trtc",
        "start",
        "--sdk-app-id",
        "1400000001",
        "--room-id",
        room,
        "--user-id",
        "bot-1",
        "--target-user-id",
        "alice",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn start_prints_a_reference_that_update_control_and_describe_act_on() {
    let env = Env::start(0);
    // A table is just the reference, to pass on.
    let out = env.run(&start_args(
        "101",
        &["--user-sig", "sig", "--output", "table"],
    ));
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let reference = text(&out.stdout).trim().to_owned();
    let prefix = format!("trtc:{REGION}/");
    assert!(reference.starts_with(&prefix), "{reference}");
    assert_eq!(text(&out.stdout).lines().count(), 1);
    let task_id = &reference[prefix.len()..];

    // JSON carries `ref` next to the answer's members.
    let started = env.json(&start_args(
        "102",
        &[
            "--user-sig",
            "sig",
            "--output",
            "json",
            "--region",
            "ap-tokyo",
        ],
    ));
    let tokyo_task = started["TaskId"].as_str().unwrap();
    assert_eq!(started["ref"], format!("trtc:ap-tokyo/{tokyo_task}"));
    assert!(started["RequestId"].is_string());

    let updated = env.json(&[
        "trtc",
        "update",
        &reference,
        "--welcome-message",
        "Welcome back",
        "--interrupt-mode",
        "1",
        "--output",
        "json",
    ]);
    assert_eq!(updated["ref"], reference.as_str());
    let told = env.json(&[
        "trtc",
        "control",
        &reference,
        "--invoke-llm",
        "What's the weather?",
        "--output",
        "json",
    ]);
    assert_eq!(told["ref"], reference.as_str());
    // A bare TaskId takes the configured region.
    let passed = env.json(&[
        "trtc",
        "control",
        task_id,
        "--transparent-data",
        r#"{"scene":"checkout"}"#,
        "--output",
        "json",
    ]);
    assert_eq!(passed["ref"], reference.as_str());
    let out = env.run(&[
        "trtc",
        "control",
        &reference,
        "--say",
        "Goodbye",
        "--stop-after-play",
        "--output",
        "table",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), reference);
    let described = env.json(&["trtc", "describe", &reference, "--output", "json"]);
    assert_eq!(described["ref"], reference.as_str());
    assert_eq!(described["Status"], "Stopped", "StopAfterPlay ended it");

    let trtc = env.sim.sim().trtc();
    for (action, count) in [
        ("StartAIConversation", 1),
        ("UpdateAIConversation", 1),
        ("ControlAIConversation", 3),
        ("DescribeAIConversation", 1),
    ] {
        assert_eq!(trtc.requests(action, REGION), count, "{action}");
    }
    assert_eq!(trtc.requests("StartAIConversation", "ap-tokyo"), 1);
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    let env = Env::start(0);
    let before = env.sim.requests_seen();
    for args in [
        // No command for control; two commands.
        vec!["trtc", "control", "task-1"],
        vec![
            "trtc",
            "control",
            "task-1",
            "--say",
            "a",
            "--invoke-llm",
            "b",
        ],
        // Not a TRTC reference.
        vec!["trtc", "update", "chatkit:cthr_1", "--welcome-message", "x"],
        // A malformed region.
        vec!["trtc", "describe", "task-1", "--region", "Singapore"],
        // LLMConfig that is not a JSON object.
        start_args("103", &["--user-sig", "sig", "--llm-config", "gpt-4o"]),
        // A file that is not there.
        start_args("104", &["--user-sig", "@/no/such/sig.txt"]),
    ] {
        let out = env.run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("error") || text(&out.stderr).starts_with("aithreads: "),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(env.sim.requests_seen(), before, "nothing was sent");
}

#[test]
fn secret_values_come_from_files_stdin_or_variables_and_never_show() {
    let env = Env::start(0);
    let dir = tempfile::tempdir().unwrap();
    let sig = "eJyrVkrxCdYpLkksSi-USER-SIG-SECRET";
    let llm_key = "sk-LLM-KEY-SECRET-93f1";
    let tts_key = "tts-KEY-SECRET-55a0";
    let llm = dir.path().join("llm.json");
    std::fs::write(
        &llm,
        format!(
            r#"{{"LLMType":"openai","Model":"gpt-4o","APIKey":"{llm_key}","APIUrl":"https://api.openai.com/v1/chat/completions"}}"#
        ),
    )
    .unwrap();
    let tts = format!(r#"{{"TTSType":"minimax","APIKey":"{tts_key}","VoiceId":"v-1"}}"#);
    let llm_arg = format!("@{}", llm.display());
    let creds = fake_credentials();
    let secrets = [
        sig,
        llm_key,
        tts_key,
        creds.tencent_secret_id.as_str(),
        creds.tencent_secret_key.as_str(),
    ];
    let shown = |out: &std::process::Output, what: &str| {
        for stream in [&out.stdout, &out.stderr] {
            for secret in secrets {
                assert!(!text(stream).contains(secret), "{what} showed {secret}");
            }
        }
    };
    // UserSig from stdin, LLMConfig from a file, TTSConfig from its variable.
    let out = env
        .cmd()
        .env("AITHREADS_TRTC_TTS_CONFIG", &tts)
        .env("RUST_LOG", "trace")
        .arg("-vvv")
        .args(start_args(
            "201",
            &[
                "--user-sig",
                "-",
                "--llm-config",
                &llm_arg,
                "--output",
                "json",
            ],
        ))
        .write_stdin(format!("{sig}\n"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    shown(&out, "start");
    // UserSig from its variable; the same values refused by the server (a region it does not
    // serve) and by the client's checks (empty stdin) never show either.
    let out = env
        .cmd()
        .env("AITHREADS_TRTC_USER_SIG", sig)
        .env("AITHREADS_TRTC_LLM_CONFIG", format!("@{}", llm.display()))
        .env("RUST_LOG", "trace")
        .arg("-vvv")
        .args(start_args("202", &["--region", "eu-frankfurt"]))
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("UnsupportedRegion"),
        "{}",
        text(&out.stderr)
    );
    shown(&out, "a refused start");
    let out = env
        .cmd()
        .args(start_args("203", &["--user-sig", "-"]))
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "an empty UserSig: {}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("UserSig is empty"),
        "{}",
        text(&out.stderr)
    );
    // --help names the variables but never shows their values.
    let out = env
        .cmd()
        .env("AITHREADS_TRTC_USER_SIG", sig)
        .args(["trtc", "start", "--help"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("AITHREADS_TRTC_USER_SIG"));
    shown(&out, "help");
    assert_eq!(
        env.sim.sim().trtc().requests("StartAIConversation", REGION),
        1
    );
}
