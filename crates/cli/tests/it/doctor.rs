//! `aithreads doctor` against the simulator: the table and JSON, exit codes, a skewed
//! clock, refused credentials, RevCent's page base and date ends, and that it changes
//! nothing.

use aithreads_sim::SimConfig;
use serde_json::Value;

use crate::config::{Setup, code, credentials, text};

/// The simulator's whole configuration, the way users set it.
fn env(setup: &Setup) -> Vec<(&'static str, String)> {
    setup.sim.client_env()
}

fn run(setup: &Setup, vars: &[(&'static str, String)], args: &[&str]) -> std::process::Output {
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    setup.run(&vars, args)
}

fn check<'a>(report: &'a Value, provider: &str, name: &str) -> &'a Value {
    report["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == provider)
        .unwrap()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {provider} {name} check in {report}"))
}

#[test]
fn all_pass_against_the_simulator_and_nothing_changes() {
    let setup = Setup::with_threads(40);
    let before_revcent = setup
        .sim
        .sim()
        .revcent()
        .ids_created_between(0, i64::MAX)
        .len();
    let before_chatkit = setup.sim.sim().chatkit().len();

    let out = run(&setup, &env(&setup), &["doctor", "--output", "table"]);
    let table = text(&out.stdout);
    assert_eq!(code(&out), 0, "{table}{}", text(&out.stderr));
    for row in [
        "revcent   api_key      from    REVCENT_API_KEY",
        "revcent   credentials  ok      accepted: GetAIThreads answered",
        "revcent   page base    ok      pages count from 1: page 0 is refused; the client's walk detected the same",
        "revcent   date ends    ok      date_start inclusive, date_end inclusive (thread ",
        "trtc      secret_key   from    TENCENTCLOUD_SECRET_KEY",
        "trtc      clock        ok      the server's clock agrees with this machine's",
        "trtc      credentials  ok      accepted: DescribeAIConversation of a made-up task answered FailedOperation.TaskNotExist",
        "chatkit   credentials  ok      accepted",
        "chatkit   order        ok      newest first by created_at, as walks rely on (",
    ] {
        assert!(table.contains(row), "missing `{row}` in\n{table}");
    }
    assert!(!table.contains(&credentials().revcent_api_key), "{table}");

    let requests = setup.requests();
    let out = run(&setup, &env(&setup), &["doctor", "--output", "json"]);
    assert_eq!(code(&out), 0);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(check(&report, "trtc", "region")["detail"], "ap-singapore");
    // Per provider: one plain GET of the endpoint, then the cheap read calls (RevCent: the
    // probe's pages 0 and 1, then the client's walk of the probed window to its first
    // thread: its first page and page 0, then one page for each date end; TRTC and ChatKit
    // one each).
    assert_eq!(setup.requests() - requests, 3 + 6 + 1 + 1, "{report}");

    // Nothing was cancelled, stopped or deleted.
    assert_eq!(
        setup
            .sim
            .sim()
            .revcent()
            .ids_created_between(0, i64::MAX)
            .len(),
        before_revcent
    );
    assert_eq!(setup.sim.sim().chatkit().len(), before_chatkit);
}

#[test]
fn a_zero_based_server_with_exclusive_date_ends_is_reported_as_such() {
    use aithreads_sim::revcent::{Bound, Reading};
    let setup =
        Setup::start(SimConfig::default().with_threads(200).with_revcent_reading(
            Reading::new(0, Bound::Exclusive).with_date_start(Bound::Exclusive),
        ));
    let out = run(&setup, &env(&setup), &["doctor", "--output", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(code(&out), 0, "{report}");
    let detail = check(&report, "revcent", "page base")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.starts_with("pages count from 0: pages 0 and 1 hold different threads; the client's walk detected the same"),
        "{detail}"
    );
    let date_ends = check(&report, "revcent", "date ends");
    assert_eq!(date_ends["status"], "pass", "{date_ends}");
    assert!(
        date_ends["detail"]
            .as_str()
            .unwrap()
            .starts_with("date_start exclusive, date_end exclusive (thread "),
        "{date_ends}"
    );
}

#[test]
fn an_account_without_recent_threads_cannot_show_the_date_ends() {
    let setup = Setup::with_threads(0);
    let out = run(&setup, &env(&setup), &["doctor", "--output", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(code(&out), 0, "{report}");
    assert_eq!(check(&report, "revcent", "credentials")["status"], "pass");
    // A refused page 0 still shows the base; the client's walk found no thread to learn it.
    let page_base = check(&report, "revcent", "page base");
    assert_eq!(page_base["status"], "warn", "{page_base}");
    let date_ends = check(&report, "revcent", "date ends");
    assert_eq!(date_ends["status"], "skip", "{date_ends}");
}

#[test]
fn a_skewed_server_clock_fails_the_trtc_checks_and_says_why() {
    let setup = Setup::start(SimConfig::default().with_threads(5).with_clock_skew(600));
    let out = run(&setup, &env(&setup), &["doctor", "--output", "json"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let clock = check(&report, "trtc", "clock");
    assert_eq!(clock["status"], "fail", "{clock}");
    let detail = clock["detail"].as_str().unwrap();
    assert!(
        detail.contains("600 s ahead")
            || detail.contains("599 s ahead")
            || detail.contains("601 s ahead"),
        "{detail}"
    );
    assert!(detail.contains("fail beyond 5 minutes"), "{detail}");
    let credentials = check(&report, "trtc", "credentials");
    assert_eq!(credentials["status"], "fail");
    assert!(
        credentials["detail"]
            .as_str()
            .unwrap()
            .contains("AuthFailure.SignatureExpire"),
        "{credentials}"
    );
    // RevCent and ChatKit sign nothing with the time: a warning, not a failure.
    assert_eq!(check(&report, "revcent", "clock")["status"], "warn");
    assert_eq!(check(&report, "revcent", "credentials")["status"], "pass");

    let out = run(&setup, &env(&setup), &["doctor", "--output", "table"]);
    assert!(
        text(&out.stdout).contains("trtc      clock        FAIL"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn refused_credentials_fail_their_check_and_unusable_configuration_exits_2() {
    let setup = Setup::with_threads(5);
    let mut vars = env(&setup);
    for (name, value) in vars.iter_mut() {
        if *name == "OPENAI_API_KEY" || *name == "TENCENTCLOUD_SECRET_ID" {
            *value = "wrong".into();
        }
    }
    let out = run(&setup, &vars, &["doctor", "--output", "json"]);
    assert_eq!(code(&out), 1);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check(&report, "chatkit", "credentials")["status"], "fail");
    let trtc = check(&report, "trtc", "credentials");
    assert_eq!(trtc["status"], "fail");
    assert!(
        trtc["detail"]
            .as_str()
            .unwrap()
            .contains("AuthFailure.SecretIdNotFound"),
        "{trtc}"
    );
    assert!(
        trtc["detail"]
            .as_str()
            .unwrap()
            .contains("TENCENTCLOUD_TRTC_ENDPOINT=trtc.tencentcloudapi.com"),
        "{trtc}"
    );
    assert_eq!(check(&report, "revcent", "credentials")["status"], "pass");

    // A setting the library refuses: exit 2, the problem shown in the report, and no
    // request for that provider.
    let before = setup.requests();
    let out = setup.run(
        &[
            ("REVCENT_API_KEY", "k"),
            ("REVCENT_BASE_URL", "ftp://127.0.0.1/v2"),
        ],
        &["doctor", "--output", "table"],
    );
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("revcent   configuration  FAIL    revcent base_url from REVCENT_BASE_URL"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(setup.requests(), before);

    // Nothing configured at all: exit 2, saying what to set.
    let out = setup.run(&[], &["doctor", "--output", "table"]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stdout).contains("revcent is not configured: set REVCENT_API_KEY"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("no provider is configured"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(setup.requests(), before);
}

#[test]
fn a_region_the_action_does_not_serve_fails_the_region_check() {
    let setup = Setup::with_threads(5);
    let mut vars = env(&setup);
    for (name, value) in vars.iter_mut() {
        if *name == "TENCENTCLOUD_REGION" {
            *value = "ap-mumbai".into();
        }
    }
    let out = run(&setup, &vars, &["doctor", "--output", "json"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let region = check(&report, "trtc", "region");
    assert_eq!(region["status"], "fail", "{region}");
    assert!(
        region["detail"].as_str().unwrap().contains("ap-mumbai"),
        "{region}"
    );
    assert_eq!(check(&report, "trtc", "credentials")["status"], "skip");
}
