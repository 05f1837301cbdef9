//! Pipelines: every record names its thread with `ref`, and `get -`, `cancel -` and
//! `delete -` read references or the tool's own JSON/NDJSON records.

use aithreads::ProviderKind;
use serde_json::Value;

use crate::common::*;

#[test]
fn list_ndjson_pipes_into_cancel_and_every_record_carries_ref() {
    let env = Env::start(80);
    let listed = env.run(&[
        "list", "-p", "revcent", "--since", "31d", "--all", "--status", "running", "--output",
        "ndjson",
    ]);
    assert_eq!(code(&listed), 0, "{}", text(&listed.stderr));
    let records = ndjson(&listed);
    assert!(records.len() >= 2, "the seed has running threads");
    for record in &records {
        let reference = record["ref"].as_str().unwrap();
        assert_eq!(
            reference,
            format!("revcent:{}", record["id"].as_str().unwrap())
        );
    }
    assert!(
        text(&listed.stdout).starts_with("{\"ref\":"),
        "ref comes first"
    );

    let before = env.requests(ProviderKind::RevCent);
    let out = env.run_with_stdin(
        &["cancel", "-", "--output", "ndjson"],
        listed.stdout.clone(),
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let results = ndjson(&out);
    assert_eq!(results.len(), records.len());
    for (result, record) in results.iter().zip(&records) {
        assert_eq!(result["ref"], record["ref"]);
        assert_eq!(result["ok"], true);
        assert_eq!(result["result"], "cancelled");
        assert_eq!(
            env.revcent_status(record["ref"].as_str().unwrap())
                .as_deref(),
            Some("Cancelled")
        );
    }
    assert_eq!(
        env.requests(ProviderKind::RevCent) - before,
        records.len() as u64,
        "one cancel per record, nothing else"
    );

    // The results pipe on too: `get -` reads them, and its records carry `ref`.
    let got = env.run_with_stdin(&["get", "-", "--output", "ndjson"], out.stdout);
    assert_eq!(code(&got), 0, "{}", text(&got.stderr));
    let got = ndjson(&got);
    assert_eq!(got.len(), records.len());
    assert!(
        got.iter()
            .all(|t| t["status"] == "cancelled" && t["ref"].is_string())
    );
}

#[test]
fn a_json_array_pipes_into_get_and_delete() {
    let env = Env::start(20);
    let listed = env.run(&["list", "-p", "chatkit", "--limit", "3", "--output", "json"]);
    assert_eq!(code(&listed), 0);
    let refs: Vec<String> = serde_json::from_slice::<Value>(&listed.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ref"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(refs.len(), 3);

    let got = env.run_with_stdin(&["get", "-", "--output", "json"], listed.stdout.clone());
    assert_eq!(code(&got), 0, "{}", text(&got.stderr));
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    let got_refs: Vec<&str> = got
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ref"].as_str().unwrap())
        .collect();
    assert_eq!(got_refs, refs);

    let deleted = env.run_with_stdin(
        &["delete", "-", "--yes", "--output", "json"],
        serde_json::to_vec(&got).unwrap(),
    );
    assert_eq!(code(&deleted), 0, "{}", text(&deleted.stderr));
    for reference in &refs {
        let id = reference.strip_prefix("chatkit:").unwrap();
        assert!(env.sim.sim().chatkit().is_deleted(id), "{reference}");
    }
}

#[test]
fn output_refs_fields_and_csv() {
    let env = Env::start(30);
    let out = env.run(&["list", "-p", "chatkit", "--limit", "4", "--output", "refs"]);
    assert_eq!(code(&out), 0);
    let refs: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(refs.len(), 4);
    assert!(
        refs.iter().all(|r| r.starts_with("chatkit:cthr_")),
        "{refs:?}"
    );

    // --fields picks keys, in the order given.
    let out = env.run(&[
        "list",
        "-p",
        "chatkit",
        "--limit",
        "2",
        "--output",
        "ndjson",
        "--fields",
        "status,ref",
    ]);
    assert_eq!(code(&out), 0);
    let line = text(&out.stdout).lines().next().unwrap().to_owned();
    assert!(line.starts_with("{\"status\":"), "{line}");
    let record: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record.as_object().unwrap().len(), 2);
    assert_eq!(record["ref"], refs[0].as_str());

    // CSV: a header, then one row per thread.
    let out = env.run(&["list", "-p", "chatkit", "--limit", "4", "--output", "csv"]);
    assert_eq!(code(&out), 0);
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("ref,provider,id,status,raw_status,created_at,updated_at,title,user,assistant")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4);
    assert!(
        rows[0].starts_with(&format!("{},chatkit,", refs[0])),
        "{csv}"
    );

    // An unknown field is refused before any request.
    let before = env.requests(ProviderKind::OpenAiChatKit);
    let out = env.run(&["list", "-p", "chatkit", "--fields", "ref,colour"]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("`colour`"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(env.requests(ProviderKind::OpenAiChatKit), before);

    // `get` takes --fields and csv too.
    let status = env.json(&["get", &refs[0], "--output", "json"])[0]["status"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = env.run(&["get", &refs[0], "--output", "csv", "--fields", "ref,status"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        text(&out.stdout),
        format!("ref,status\n{},{status}\n", refs[0])
    );
}

#[test]
fn export_records_carry_ref() {
    let env = Env::start(10);
    let out = env.run(&["export", "-p", "chatkit"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let records = ndjson(&out);
    assert_eq!(records.len(), 10);
    assert!(
        records
            .iter()
            .all(|r| r["ref"].as_str().is_some_and(|r| r.starts_with("chatkit:")))
    );
}

#[test]
fn bad_lines_on_stdin_fail_alone_in_one_bounded_line_each() {
    let env = Env::start(10);
    let good = env.refs(&["-p", "chatkit", "--limit", "2"]);
    let huge = format!("chatkit:{}\u{1b}]0;pwned\u{7}", "x".repeat(10 << 20));
    let input = format!("{}\nnot-a-ref\n{huge}\n{}\n", good[0], good[1]);
    let out = env.run_with_stdin(&["get", "-", "--output", "ndjson"], input);
    assert_eq!(code(&out), 1, "bad lines are failures");
    let records = ndjson(&out);
    assert_eq!(records.len(), 2, "the good references are still fetched");
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr:.500}");
    assert!(lines[0].contains("stdin line 2"), "{}", lines[0]);
    assert!(lines[1].contains("stdin line 3"), "{:.300}", lines[1]);
    assert!(lines.iter().all(|l| l.len() < 1_000), "bounded");
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'));
}
