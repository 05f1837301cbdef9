//! RevCent-only behaviour of the binary: ranges that cannot run for hours by accident.

use aithreads::ProviderKind;

use crate::common::{Env, code, text};

fn revcent_requests(env: &Env) -> u64 {
    env.sim.sim().provider_requests_seen(ProviderKind::RevCent)
}

#[test]
fn an_until_in_the_future_is_clamped_with_a_note() {
    let env = Env::start(20);
    let out = env.run(&[
        "export",
        "--provider",
        "revcent",
        "--since",
        "1d",
        "--until",
        "9999-12-31T00:00:00Z",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--until 9999-12-31T00:00:00Z is in the future; listing up to now"),
        "{stderr}"
    );
    // One day is one window: a page or two, not millions.
    assert!(revcent_requests(&env) <= 3, "{}", revcent_requests(&env));
}

#[test]
fn a_range_of_too_many_windows_is_refused_before_any_request_unless_allowed() {
    let env = Env::start(20);
    for command in ["list", "export"] {
        let out = env.run(&[command, "--provider", "revcent", "--since", "100d"]);
        assert_eq!(code(&out), 2, "{command}: {}", text(&out.stderr));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("needs 51 windows"), "{stderr}");
        assert!(stderr.contains("--max-windows"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(revcent_requests(&env), 0);

    let out = env.run(&[
        "export",
        "--provider",
        "revcent",
        "--since",
        "100d",
        "--max-windows",
        "51",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("exported 20"));

    let out = env.run(&["list", "--provider", "chatkit", "--max-windows", "3"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("--max-windows applies to RevCent"));
}

#[test]
fn trigger_prints_the_new_threads_ref() {
    let env = Env::start(5);
    let assistants = &aithreads_sim::revcent::ASSISTANTS;
    let on_demand = assistants.iter().find(|a| a.on_demand).unwrap().id;

    let out = env.run(&["revcent", "trigger", on_demand, "--output", "table"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let reference = printed.trim();
    assert!(
        reference.starts_with("revcent:") && reference.len() == 28,
        "{printed}"
    );
    let thread = env
        .sim
        .sim()
        .revcent()
        .thread(reference.trim_start_matches("revcent:"))
        .unwrap();
    assert_eq!(thread.ai_assistant.unwrap().id.as_deref(), Some(on_demand));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(
        &file,
        r#"{"source_type":"item","item_type":"sale","item_id":"Sa7eQ2wErT5yUi8oPa1S","note":"passed through"}"#,
    )
    .unwrap();
    let body = format!("@{}", file.display());
    let out = env.run(&[
        "revcent", "trigger", on_demand, "--body", &body, "--output", "json",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = record["ai_thread_id"].as_str().unwrap();
    assert_eq!(record["ref"], format!("revcent:{id}"));
    assert_eq!(record["ai_assistant_id"], on_demand);
    let shown = env.run(&["get", record["ref"].as_str().unwrap(), "--output", "json"]);
    assert_eq!(code(&shown), 0, "{}", text(&shown.stderr));

    let not_on_demand = assistants.iter().find(|a| !a.on_demand).unwrap().id;
    let out = env.run(&["revcent", "trigger", not_on_demand]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("on_demand"),
        "{}",
        text(&out.stderr)
    );

    for bad in [
        vec!["revcent", "trigger", "short"],
        vec!["revcent", "trigger", on_demand, "--body", "{nope"],
    ] {
        let out = env.run(&bad);
        assert_eq!(code(&out), 2, "{bad:?}: {}", text(&out.stderr));
    }
}
