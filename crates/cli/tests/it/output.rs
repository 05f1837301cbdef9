//! Output that reads well and scales: tables that fit, labelled times, a note when a list is
//! cut, the order of listings, times in every accepted form, a quiet SIGPIPE, and nothing a
//! server says can drive the terminal.

use std::io::{BufRead, BufReader};
use std::process::{Command as StdCommand, Stdio};

use aithreads::ThreadProvider;
use aithreads::providers::revcent::{RevCentClient, RevCentConfig};
use httpmock::prelude::*;
use serde_json::Value;
use time::OffsetDateTime;
use unicode_width::UnicodeWidthStr;

use crate::common::*;

#[test]
fn tables_fit_columns_or_80_and_never_cut_a_reference() {
    let env = Env::start(30);
    let refs = env.refs(&["-p", "chatkit", "--limit", "5"]);
    for (columns, width) in [(Some("58"), 58), (None, 80), (Some("200"), 200)] {
        let mut cmd = env.cmd();
        if let Some(columns) = columns {
            cmd.env("COLUMNS", columns);
        }
        let out = cmd
            .args(["list", "-p", "chatkit", "--limit", "5", "--output", "table"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0);
        let table = text(&out.stdout);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 6, "a header and one line per thread: {table}");
        assert!(
            lines[0].starts_with("REF") && lines[0].contains("STATUS"),
            "{table}"
        );
        if width >= 80 {
            assert!(lines[0].contains("CREATED (UTC)"), "{table}");
        }
        for line in &lines {
            assert!(line.width() <= width, "{columns:?}: {line:?}");
        }
        for reference in &refs {
            assert!(
                table.contains(reference.as_str()),
                "{columns:?}: {reference} cut in {table}"
            );
        }
    }
}

#[test]
fn local_times_carry_their_offset() {
    let env = Env::start(3);
    let utc = env.run(&["list", "-p", "chatkit", "--limit", "1", "--output", "table"]);
    let local = env
        .cmd()
        .env("TZ", "XYZ-5:30")
        .args([
            "list", "-p", "chatkit", "--limit", "1", "--output", "table", "--local",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&local), 0, "{}", text(&local.stderr));
    let local = text(&local.stdout);
    assert!(local.contains("CREATED (UTC+05:30)"), "{local}");
    assert_ne!(local.lines().nth(1), text(&utc.stdout).lines().nth(1));
}

#[test]
fn a_list_cut_by_limit_says_more_exist() {
    let env = Env::start(30);
    let out = env.run(&["list", "-p", "chatkit", "--limit", "5"]);
    assert_eq!(code(&out), 0);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("more threads match") && stderr.contains("--all"),
        "{stderr}"
    );
    let out = env.run(&["list", "-p", "chatkit", "--limit", "30"]);
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stderr), "", "all 30 shown");
}

fn created(records: &Value) -> Vec<String> {
    records
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["created_at"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn listings_are_newest_first_by_default_and_order_asc_reverses() {
    let env = Env::start(60);
    let newest =
        created(&env.json(&["list", "-p", "chatkit", "--limit", "10", "--output", "json"]));
    let mut sorted = newest.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(newest, sorted, "newest first");
    let oldest = created(&env.json(&[
        "list", "-p", "chatkit", "--limit", "10", "--order", "asc", "--output", "json",
    ]));
    let mut sorted = oldest.clone();
    sorted.sort();
    assert_eq!(oldest, sorted, "oldest first");
    assert!(oldest[0] < newest[0]);

    let revcent = [
        "list", "-p", "revcent", "--since", "31d", "--limit", "10", "--output", "json",
    ];
    let asc = created(&env.json(&[&revcent[..], &["--order", "asc"]].concat()));
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    // RevCent lists newest first by default once its client can (its capabilities say so).
    let client =
        RevCentClient::new(RevCentConfig::from_vars(|n| env.sim.client_var(n)).unwrap()).unwrap();
    if client.capabilities().query.order_desc {
        let desc = created(&env.json(&revcent));
        let mut sorted = desc.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(desc, sorted, "RevCent newest first by default");
    } else {
        let out = env.run(&[&revcent[..], &["--order", "desc"]].concat());
        assert_eq!(code(&out), 2, "refused by name: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--order desc"));
    }
}

#[test]
fn times_accept_dates_today_and_yesterday() {
    let env = Env::start(60);
    let since = (OffsetDateTime::now_utc() - time::Duration::days(10)).date();
    let all = env.json(&[
        "list",
        "-p",
        "chatkit",
        "--all",
        "--since",
        &since.to_string(),
        "--output",
        "json",
    ]);
    let first_second = format!("{since}T00:00:00Z");
    assert!(!created(&all).is_empty());
    assert!(
        created(&all).iter().all(|c| *c >= first_second),
        "{first_second}"
    );
    for word in ["today", "yesterday"] {
        let out = env.run(&["list", "-p", "chatkit", "--since", word, "--output", "json"]);
        assert_eq!(code(&out), 0, "{word}: {}", text(&out.stderr));
    }
    let out = env.run(&["list", "-p", "chatkit", "--since", "2026-02-30"]);
    assert_eq!(code(&out), 2);
}

/// `list … | head -1`: the reader goes away; the CLI ends quietly with status 0.
#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    let env = Env::start(3_000);
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("aithreads"));
    cmd.env_clear()
        .envs(env.sim.client_env())
        .args(["list", "-p", "chatkit", "--all", "--output", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("{\"ref\""));
    drop(lines);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

/// What a server sends cannot drive the terminal or flood it: a 1 MB error message full of
/// escape sequences becomes one bounded, escaped line.
#[test]
fn hostile_server_text_is_escaped_and_bounded() {
    let server = MockServer::start();
    let hostile = format!(
        "\u{1b}]0;pwned\u{7}\u{1b}[2J{}\nsecond line",
        "A".repeat(1 << 20)
    );
    server.mock(|when, then| {
        when.method(GET).path("/v1/chatkit/threads/cthr_1");
        then.status(404)
            .header("content-type", "application/json")
            .json_body(serde_json::json!({"error": {"message": hostile, "type": "invalid_request_error", "code": "not_found"}}));
    });
    let title = "\u{1b}[31mred\u{1b}[0m\u{202e}title";
    server.mock(|when, then| {
        when.method(GET).path("/v1/chatkit/threads");
        then.status(200)
            .header("content-type", "application/json")
            .json_body(serde_json::json!({"object": "list", "data": [{"id": "cthr_2", "object": "chatkit.thread", "created_at": 1_700_000_000, "title": title, "status": {"type": "active"}, "user": "u"}], "first_id": "cthr_2", "last_id": "cthr_2", "has_more": false}));
    });
    let cmd = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("aithreads")
            .unwrap()
            .env_clear()
            .env("OPENAI_API_KEY", "sk-test")
            .env("OPENAI_BASE_URL", server.url("/v1"))
            .args(args)
            .output()
            .unwrap()
    };
    let out = cmd(&["get", "chatkit:cthr_1", "--output", "table"]);
    assert_eq!(code(&out), 1);
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{:.300}", stderr);
    assert!(stderr.len() < 2_000, "{} bytes", stderr.len());
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'));
    assert!(stderr.contains("\\e]0;pwned"), "{stderr:.300}");

    let out = cmd(&["list", "-p", "chatkit", "--output", "table"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{202e}'),
        "{table:?}"
    );
    assert!(table.contains("\\e[31mred"), "{table}");
}
