//! RevCent-only behaviour of the binary: ranges that cannot run for hours by accident.

use aithreads::ProviderKind;

use crate::cli::{Env, code, text};

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
