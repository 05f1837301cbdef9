//! `cancel` and `delete`: by selection, previewed with --dry-run, confirmed, and green on a
//! re-run. Each job of the README is one command here.

use std::process::Command as StdCommand;

use aithreads::ProviderKind;
use aithreads::providers::chatkit::ThreadResource;
use aithreads::providers::revcent::AiThreadStatus;
use aithreads_sim::SimConfig;
use aithreads_sim::revcent::NewThread;
use serde_json::{Value, json};

use crate::common::*;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn now() -> i64 {
    aithreads_sim::unix_now()
}

/// Adds a RevCent thread created `age` seconds ago; its reference.
fn revcent_thread(env: &Env, age: i64, status: AiThreadStatus) -> String {
    let id = env
        .sim
        .sim()
        .revcent()
        .insert(NewThread::new(now() - age, status));
    format!("revcent:{id}")
}

/// Adds an active ChatKit thread of `user` created `age` seconds ago; its id.
fn chatkit_thread(env: &Env, id: &str, user: &str, age: i64) -> String {
    let thread: ThreadResource = serde_json::from_value(json!({
        "id": id, "object": "chatkit.thread", "created_at": now() - age,
        "title": null, "status": {"type": "active"}, "user": user,
    }))
    .unwrap();
    env.sim.sim().chatkit().insert_thread(thread, Vec::new());
    id.to_owned()
}

/// "Cancel every RevCent thread running for more than 2 hours": one command, whatever
/// their age within RevCent's retention; the second run finds nothing and exits 0.
#[test]
fn cancel_every_revcent_thread_running_for_more_than_two_hours() {
    let env = Env::with(SimConfig::default().with_threads(0));
    let young = revcent_thread(&env, HOUR, AiThreadStatus::Running);
    let old: Vec<String> = [3 * HOUR, 5 * DAY, 40 * DAY]
        .map(|age| revcent_thread(&env, age, AiThreadStatus::Running))
        .to_vec();
    let complete = revcent_thread(&env, 5 * HOUR, AiThreadStatus::Complete);
    let job = [
        "cancel",
        "-p",
        "revcent",
        "--status",
        "running",
        "--older-than",
        "2h",
        "--yes",
        "--output",
        "ndjson",
    ];

    // The dry run shows exactly what the job will do, and changes nothing.
    let mut dry = job.to_vec();
    dry.push("--dry-run");
    let out = env.run(&dry);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let plan = ndjson(&out);
    let planned: Vec<&str> = plan.iter().map(|p| p["ref"].as_str().unwrap()).collect();
    let oldest_first: Vec<&str> = old.iter().rev().map(String::as_str).collect();
    assert_eq!(planned, oldest_first, "oldest first");
    assert!(
        plan.iter()
            .all(|p| p["action"] == "would cancel" && p["status"] == "running")
    );
    assert!(
        text(&out.stderr).contains("would cancel 3 revcent thread(s)"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        old.iter()
            .all(|r| env.revcent_status(r).as_deref() == Some("Running"))
    );

    let out = env.run(&job);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let results = ndjson(&out);
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r["ok"] == true && r["result"] == "cancelled")
    );
    for thread in &old {
        assert_eq!(
            env.revcent_status(thread).as_deref(),
            Some("Cancelled"),
            "{thread}"
        );
    }
    assert_eq!(env.revcent_status(&young).as_deref(), Some("Running"));
    assert_eq!(env.revcent_status(&complete).as_deref(), Some("Complete"));

    let again = env.run(&job);
    assert_eq!(
        code(&again),
        0,
        "a re-run is green: {}",
        text(&again.stderr)
    );
    assert!(ndjson(&again).is_empty(), "nothing left to do");
}

/// Cancelling takes threads out of a `status_filter=running` listing, shifting its later
/// pages; the selection is listed again until nothing is left, so none is skipped.
#[test]
fn cancel_by_selection_misses_none_while_pages_shift() {
    let env = Env::with(SimConfig::default().with_threads(0));
    let threads: Vec<String> = (0..180)
        .map(|i| revcent_thread(&env, DAY + i, AiThreadStatus::Running))
        .collect();
    let out = env.run(&[
        "cancel",
        "-p",
        "revcent",
        "--since",
        "3d",
        "--yes",
        "--output",
        "ndjson",
        "--concurrency",
        "4",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let left: Vec<&String> = threads
        .iter()
        .filter(|t| env.revcent_status(t).as_deref() != Some("Cancelled"))
        .collect();
    assert!(left.is_empty(), "{} not cancelled", left.len());
    let results = ndjson(&out);
    let mut reported: Vec<&str> = results.iter().map(|r| r["ref"].as_str().unwrap()).collect();
    reported.sort();
    reported.dedup();
    assert_eq!(reported.len(), 180, "each reported once");
}

/// "Delete every ChatKit thread of user X older than 30 days, every night."
#[test]
fn delete_every_chatkit_thread_of_a_user_older_than_30_days() {
    let env = Env::start(40);
    let old: Vec<String> = [("cthr_old1", 45), ("cthr_old2", 31), ("cthr_old3", 60)]
        .iter()
        .map(|(id, days)| chatkit_thread(&env, id, "user-x", days * DAY))
        .collect();
    let recent = chatkit_thread(&env, "cthr_new1", "user-x", 29 * DAY);
    let other = chatkit_thread(&env, "cthr_other", "user-y", 50 * DAY);
    let others_before = env.sim.sim().chatkit().len();
    let job = [
        "delete",
        "-p",
        "chatkit",
        "--user",
        "user-x",
        "--older-than",
        "30d",
        "--yes",
        "--output",
        "ndjson",
    ];
    let out = env.run(&job);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let deleted: Vec<String> = ndjson(&out)
        .iter()
        .map(|r| {
            assert_eq!(r["result"], "deleted", "{r}");
            r["ref"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        deleted,
        [
            "chatkit:cthr_old3",
            "chatkit:cthr_old1",
            "chatkit:cthr_old2"
        ],
        "oldest first"
    );
    let state = env.sim.sim().chatkit();
    assert!(old.iter().all(|id| state.is_deleted(id)));
    assert!(state.thread(&recent).is_some() && state.thread(&other).is_some());
    assert_eq!(state.len(), others_before - 3);
    drop(state);

    let again = env.run(&job);
    assert_eq!(code(&again), 0, "{}", text(&again.stderr));
    assert!(ndjson(&again).is_empty());
}

/// "Stop these TRTC conversations", twice: the second run reports them already ended.
#[test]
fn stop_these_trtc_conversations_twice() {
    let env = Env::start(0);
    let tasks: Vec<String> = (0..2)
        .map(|i| {
            let started = env.json(&[
                "trtc",
                "start",
                "--sdk-app-id",
                "1400000001",
                "--room-id",
                &format!("room-{i}"),
                "--user-id",
                "bot",
                "--user-sig",
                "sig",
                "--target-user-id",
                "alice",
                "--output",
                "json",
            ]);
            format!("trtc:{}", started["TaskId"].as_str().unwrap())
        })
        .collect();
    let job = ["cancel", &tasks[0], &tasks[1], "--output", "ndjson"];
    let first = env.run(&job);
    assert_eq!(code(&first), 0, "{}", text(&first.stderr));
    assert!(ndjson(&first).iter().all(|r| r["result"] == "cancelled"));
    let second = env.run(&job);
    assert_eq!(code(&second), 0, "{}", text(&second.stderr));
    assert!(
        ndjson(&second)
            .iter()
            .all(|r| r["result"] == "already ended"),
        "{}",
        text(&second.stdout)
    );
}

#[test]
fn a_dry_run_on_references_looks_each_up_and_changes_nothing() {
    let env = Env::with(SimConfig::default().with_threads(0));
    let running = revcent_thread(&env, DAY, AiThreadStatus::Running);
    let cancelled = revcent_thread(&env, DAY, AiThreadStatus::Cancelled);
    let missing = "revcent:AAAAAAAAAAAAAAAAAAAA";
    let before = env.requests(ProviderKind::RevCent);
    let out = env.run(&[
        "cancel",
        &running,
        &cancelled,
        missing,
        "--dry-run",
        "--output",
        "ndjson",
    ]);
    assert_eq!(
        code(&out),
        1,
        "the real run would fail on the missing thread"
    );
    let plan = ndjson(&out);
    assert_eq!(plan.len(), 3);
    assert_eq!(
        (plan[0]["status"].as_str(), plan[0]["action"].as_str()),
        (Some("running"), Some("would cancel"))
    );
    assert_eq!(
        (plan[1]["status"].as_str(), plan[1]["action"].as_str()),
        (Some("cancelled"), Some("already ended"))
    );
    assert_eq!(
        plan[2],
        json!({"ref": missing, "status": null, "action": "not found"})
    );
    assert_eq!(
        env.requests(ProviderKind::RevCent) - before,
        3,
        "one GET per reference, no cancel"
    );
    assert_eq!(env.revcent_status(&running).as_deref(), Some("Running"));

    let out = env.run(&[
        "cancel",
        missing,
        "--dry-run",
        "--ignore-not-found",
        "--output",
        "json",
    ]);
    assert_eq!(code(&out), 0);
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan[0]["action"], "not found (ignored)");
}

#[test]
fn delete_needs_yes_without_a_terminal_and_sends_nothing() {
    let env = Env::start(5);
    let victim = env.refs(&["-p", "chatkit", "--limit", "1"]).remove(0);
    let before = env.requests(ProviderKind::OpenAiChatKit);
    // stdin is a pipe here, as in cron or CI; `echo y |` is not a confirmation.
    let out = env.run_with_stdin(&["delete", &victim], "y\n");
    assert_eq!(code(&out), 2);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--yes") && stderr.contains("nothing was deleted"),
        "{stderr}"
    );
    assert_eq!(env.requests(ProviderKind::OpenAiChatKit), before);

    let out = env.run_with_stdin(&["cancel", "-p", "revcent"], "y\n");
    assert_eq!(code(&out), 2, "cancel by selection too");
    assert!(text(&out.stderr).contains("cancel by selection needs --yes"));
    assert_eq!(env.requests(ProviderKind::RevCent), 0);
}

#[test]
fn a_second_delete_with_ignore_not_found_is_green() {
    let env = Env::start(5);
    let victim = env.refs(&["-p", "chatkit", "--limit", "1"]).remove(0);
    let first = env.run(&["delete", &victim, "--yes", "--output", "ndjson"]);
    assert_eq!(code(&first), 0);
    let again = env.run(&["delete", &victim, "--yes", "--output", "ndjson"]);
    assert_eq!(code(&again), 1, "without the flag a missing thread fails");
    let ignored = env.run(&[
        "delete",
        &victim,
        "--yes",
        "--ignore-not-found",
        "--output",
        "ndjson",
    ]);
    assert_eq!(code(&ignored), 0, "{}", text(&ignored.stderr));
    assert_eq!(ndjson(&ignored)[0]["result"], "not found (ignored)");
}

#[test]
fn unsupported_selections_are_refused_before_any_request() {
    let env = Env::start(5);
    for (args, needle) in [
        (
            &["cancel", "-p", "revcent", "--user", "u", "--yes"][..],
            "--user",
        ),
        (
            &["cancel", "-p", "chatkit", "--yes"][..],
            "cannot be cancelled",
        ),
        (
            &["delete", "-p", "revcent", "--yes"][..],
            "cannot be deleted",
        ),
        (
            &["delete", "-p", "chatkit", "--assistant", "a", "--yes"][..],
            "--assistant",
        ),
        (
            &[
                "cancel",
                "revcent:AAAAAAAAAAAAAAAAAAAA",
                "--status",
                "running",
            ][..],
            "--provider",
        ),
        (&["list", "-p", "revcent", "--user", "u"][..], "--user"),
    ] {
        let out = env.run(args);
        assert_eq!(code(&out), 2, "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(env.sim.requests_seen(), 0);
}

/// On a terminal, delete asks with the count, reading the answer from the terminal even
/// when the references come from stdin; only an explicit yes deletes. `script` (util-linux)
/// gives the command a terminal.
#[test]
fn on_a_terminal_delete_asks_and_only_yes_proceeds() {
    if StdCommand::new("script").arg("--version").output().is_err() {
        panic!("this test needs `script` (util-linux) to give the CLI a terminal");
    }
    let env = Env::start(10);
    let victims = env.refs(&["-p", "chatkit", "--limit", "2"]);
    let bin = assert_cmd::cargo::cargo_bin("aithreads");
    let ask = |answer: &str| {
        let command = format!(
            "printf '%s\\n%s\\n' {} {} | {} delete - --output ndjson",
            victims[0],
            victims[1],
            bin.display()
        );
        let mut script = StdCommand::new("script");
        script.args(["-qec", &command, "/dev/null"]).env_clear();
        for (name, value) in env.sim.client_env() {
            script.env(name, value);
        }
        let out = assert_cmd::Command::from_std(script)
            .write_stdin(format!("{answer}\n"))
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        text(&out.stdout)
    };
    let shown = ask("n");
    assert!(
        shown.contains("delete 2 thread(s) and their items for good? [y/N]"),
        "{shown}"
    );
    assert!(shown.contains("nothing was deleted"), "{shown}");
    assert!(
        env.sim
            .sim()
            .chatkit()
            .thread(victims[0].strip_prefix("chatkit:").unwrap())
            .is_some()
    );

    let shown = ask("yes");
    assert!(shown.contains("\"result\":\"deleted\""), "{shown}");
    for victim in &victims {
        assert!(
            env.sim
                .sim()
                .chatkit()
                .is_deleted(victim.strip_prefix("chatkit:").unwrap())
        );
    }
}
