//! `aithreads doctor`: whether this toolkit will work with the configured accounts.
//!
//! For each provider: where every setting came from (by name, never by value), whether the
//! endpoint answers and its clock agrees with this machine's, whether the credentials are
//! accepted (one cheap read call), and what one call can settle of what the documents leave
//! open (RevCent's page base, TRTC's site and region). It only reads: it never cancels,
//! stops, deletes or triggers anything. Exit 0 when every check passes, 1 when one failed,
//! 2 when the configuration is unusable.

use std::io::{self, Write};
use std::time::{Duration, Instant, SystemTime};

use aithreads::ProviderKind;
use aithreads::providers::chatkit::{ChatKitClient, ListThreadsParams};
use aithreads::providers::revcent::{
    AiThread, DateBound, DateEndsProbe, PageBase, PageBaseProbe, ProbedPage, RevCentClient,
    ThreadFilters,
};
use aithreads::providers::trtc::{DescribeAiConversationRequest, Site, TrtcClient, generated};
use futures::StreamExt;
use serde::Serialize;
use serde_json::json;

use crate::Failure;
use crate::args::OutputFormat;
use crate::config::{self, Config, ProviderSettings, Source, Typed};
use crate::output::Output;

/// Largest clock difference TC3-signed requests survive (Tencent's signature doc).
const TC3_MAX_SKEW_SECS: i64 = 300;

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

/// The TaskId doctor describes: none has it, so a known-good account answers "not found".
const PROBE_TASK_ID: &str = "aithreads-doctor-probe";

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Self::Pass => "ok",
            Self::Warn => "warn",
            Self::Fail => "FAIL",
            Self::Skip => "skip",
        }
    }
}

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    status: Status,
    detail: String,
}

fn check(check: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        check,
        status,
        detail: detail.into(),
    }
}

#[derive(Debug, Serialize)]
struct SettingRow {
    setting: &'static str,
    source: Source,
}

#[derive(Debug, Serialize)]
struct Report {
    provider: ProviderKind,
    configured: bool,
    settings: Vec<SettingRow>,
    checks: Vec<Check>,
}

pub async fn run(profile: Option<&str>, output: &Output) -> Result<(), Failure> {
    let config = Config::load(profile, Box::new(|name| std::env::var(name).ok()))?;
    let mut reports = Vec::new();
    let mut unusable = false;
    for kind in ProviderKind::ALL {
        let report = provider_report(&config, kind).await;
        unusable |= report
            .checks
            .iter()
            .any(|c| c.check == "configuration" && c.status == Status::Fail);
        reports.push(report);
    }
    print(output, &config, &reports)?;
    if unusable {
        return Err(Failure::Usage(
            "the configuration above cannot be used".into(),
        ));
    }
    if !reports.iter().any(|r| r.configured) {
        return Err(Failure::Usage(
            "no provider is configured: set the variables in `aithreads --help`, or write a profile in the config file".into(),
        ));
    }
    if reports
        .iter()
        .flat_map(|r| &r.checks)
        .any(|c| c.status == Status::Fail)
    {
        return Err(Failure::Failed("some checks failed (see above)".into()));
    }
    Ok(())
}

async fn provider_report(config: &Config, kind: ProviderKind) -> Report {
    let mut report = Report {
        provider: kind,
        configured: false,
        settings: Vec::new(),
        checks: Vec::new(),
    };
    let settings = match config.resolve(kind) {
        Ok(Some(settings)) => settings,
        Ok(None) => {
            report.checks.push(check(
                "configuration",
                Status::Skip,
                config::not_configured(kind),
            ));
            return report;
        }
        Err(failure) => {
            report
                .checks
                .push(check("configuration", Status::Fail, failure_text(failure)));
            return report;
        }
    };
    report.configured = true;
    report.settings = rows(&settings);
    let client = match config::build(&settings) {
        Ok(client) => client,
        Err(failure) => {
            report
                .checks
                .push(check("configuration", Status::Fail, failure_text(failure)));
            return report;
        }
    };
    report.checks = match client {
        Typed::RevCent(client) => revcent(&client).await,
        Typed::Trtc(client) => trtc(&client).await,
        Typed::ChatKit(client) => chatkit(&client).await,
    };
    report
}

fn rows(settings: &ProviderSettings) -> Vec<SettingRow> {
    settings
        .settings
        .iter()
        .map(|s| SettingRow {
            setting: s.name,
            source: s.source.clone(),
        })
        .collect()
}

fn failure_text(failure: Failure) -> String {
    match failure {
        Failure::Usage(text) | Failure::Failed(text) => text,
        Failure::SomeItemsFailed => "failed".into(),
        Failure::Interrupted(_) => "interrupted".into(),
        Failure::OutputClosed => "output closed".into(),
    }
}

/// What a plain GET of the endpoint showed: that it answers, and the server's clock.
struct Probe {
    status: u16,
    elapsed: Duration,
    /// Server clock minus this machine's, in seconds, from the `Date` header.
    skew: Option<i64>,
}

/// GETs `url` without credentials or redirects and reads the `Date` header against the
/// middle of the round trip.
async fn probe(url: &str) -> Result<Probe, String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(PROBE_TIMEOUT)
        .build()
        .map_err(|e| e.to_string())?;
    let (sent, started) = (SystemTime::now(), Instant::now());
    let response = http.get(url).send().await.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    let middle = sent + elapsed / 2;
    let skew = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| httpdate::parse_http_date(text).ok())
        .map(|date| {
            // A Date names the whole second the server was in: its middle is the estimate.
            let date = date + Duration::from_millis(500);
            match date.duration_since(middle) {
                Ok(ahead) => ahead.as_secs_f64().round() as i64,
                Err(behind) => -(behind.duration().as_secs_f64().round() as i64),
            }
        });
    Ok(Probe {
        status: response.status().as_u16(),
        elapsed,
        skew,
    })
}

/// The endpoint and clock checks. `strict`: requests are signed with this machine's time
/// and refused beyond five minutes (TC3).
async fn endpoint_checks(url: &str, strict: bool) -> (Vec<Check>, bool) {
    let probe = match probe(url).await {
        Ok(probe) => probe,
        Err(error) => {
            return (
                vec![
                    check(
                        "reachable",
                        Status::Fail,
                        format!("{url} does not answer: {error}"),
                    ),
                    check("clock", Status::Skip, "no answer to read a Date from"),
                ],
                false,
            );
        }
    };
    let endpoint = check(
        "reachable",
        Status::Pass,
        format!(
            "{url} answers (HTTP {}, {} ms)",
            probe.status,
            probe.elapsed.as_millis()
        ),
    );
    let clock = match probe.skew {
        None => check("clock", Status::Warn, "the server sent no Date header"),
        Some(skew) => {
            let off = match skew {
                -1..=1 => "agrees with this machine's (within a second)".to_owned(),
                s if s > 0 => format!("is {s} s ahead of this machine's"),
                s => format!("is {} s behind this machine's", -s),
            };
            let text = format!("the server's clock {off}");
            if skew.abs() > TC3_MAX_SKEW_SECS {
                if strict {
                    check(
                        "clock",
                        Status::Fail,
                        format!(
                            "{text}: TC3-signed requests fail beyond 5 minutes (AuthFailure.SignatureExpire); set this machine's clock"
                        ),
                    )
                } else {
                    check(
                        "clock",
                        Status::Warn,
                        format!(
                            "{text}: times like --since now are read from this machine's clock"
                        ),
                    )
                }
            } else if strict && skew.abs() > 60 {
                check(
                    "clock",
                    Status::Warn,
                    format!("{text}: TC3 allows 5 minutes"),
                )
            } else {
                check("clock", Status::Pass, text)
            }
        }
    };
    (vec![endpoint, clock], true)
}

/// The credentials check when the endpoint does not answer: nothing to ask.
fn credentials_skipped() -> Check {
    check("credentials", Status::Skip, "the endpoint does not answer")
}

async fn revcent(client: &RevCentClient) -> Vec<Check> {
    let (mut checks, reachable) = endpoint_checks(client.base_url().as_str(), false).await;
    if !reachable {
        checks.push(credentials_skipped());
        return checks;
    }
    // The newest 2-day window: pages 0 and 1 with `limit=1` (the library's probe) also tell
    // whether the credentials are accepted.
    let now = time::OffsetDateTime::now_utc();
    let range = now - time::Duration::days(2)..=now;
    let probe = match client.probe_page_base(&range).await {
        Ok(probe) => probe,
        Err(error) => {
            checks.push(list_refused("credentials", &error));
            return checks;
        }
    };
    checks.push(check(
        "credentials",
        Status::Pass,
        format!(
            "accepted: GetAIThreads answered ({} threads in the last 2 days)",
            probe.total_count.unwrap_or(0)
        ),
    ));
    let Some(reading) = probe.reading else {
        checks.push(check(
            "page base",
            Status::Skip,
            "no threads in the last 2 days, so pages 0 and 1 cannot be told apart",
        ));
        checks.push(date_ends_skipped());
        return checks;
    };
    // What the client's own walk detects over the probed window: its first thread is enough.
    let window = time::OffsetDateTime::from_unix_timestamp(probe.date_start).and_then(|start| {
        time::OffsetDateTime::from_unix_timestamp(probe.date_end - 1).map(|end| start..=end)
    });
    let first = match window {
        Ok(window) => client.ai_threads(window, ThreadFilters::new()).next().await,
        Err(_) => None,
    };
    checks.push(page_base(reading, why(&probe), client.page_base()));
    checks.push(match first {
        Some(Ok(AiThread {
            id: Some(id),
            created_date_unix: Some(created),
            ..
        })) => match client.probe_date_ends(&id, created).await {
            Ok(probe) => date_ends(&probe),
            Err(error) => list_refused(DATE_ENDS, &error),
        },
        _ => date_ends_skipped(),
    });
    checks
}

/// A RevCent check failed because GetAIThreads answered `error`.
fn list_refused(name: &'static str, error: &aithreads::Error) -> Check {
    check(
        name,
        Status::Fail,
        format!(
            "GetAIThreads refused: {}",
            config::cli_wording(&error.to_string())
        ),
    )
}

/// The name of the check of RevCent's date ends.
const DATE_ENDS: &str = "date ends";

/// The date ends check without a thread of the last 2 days to look for.
fn date_ends_skipped() -> Check {
    check(
        DATE_ENDS,
        Status::Skip,
        "no thread with an id and a creation time in the last 2 days to probe with",
    )
}

/// How RevCent reads `date_start` and `date_end`, as a thread on those seconds showed. Any
/// reading passes: windows are asked a second wider on each side.
fn date_ends(probe: &DateEndsProbe) -> Check {
    let bound = |bound: Option<DateBound>| bound.map_or("unknown", DateBound::as_str);
    let (start, end) = (bound(probe.date_start), bound(probe.date_end));
    let seen = format!(
        "date_start {start}, date_end {end} (thread {} created at {})",
        probe.thread_id, probe.created
    );
    if probe.date_start.is_some() && probe.date_end.is_some() {
        check(
            DATE_ENDS,
            Status::Pass,
            format!(
                "{seen}; windows are asked a second wider on each side, so any reading lists every thread once"
            ),
        )
    } else {
        check(
            DATE_ENDS,
            Status::Warn,
            format!(
                "{seen}: those seconds hold more threads than the probe reads (five pages), so it could not tell"
            ),
        )
    }
}

/// What pages 0 and 1 showed, in words.
fn why(probe: &PageBaseProbe) -> &'static str {
    match (&probe.page_zero, &probe.page_one) {
        (ProbedPage::Refused(_), _) => "page 0 is refused",
        (ProbedPage::Listed(zero), ProbedPage::Listed(one)) if zero.is_empty() => {
            if one.is_empty() {
                "pages 0 and 1 are empty"
            } else {
                "page 0 is empty, page 1 holds the first thread"
            }
        }
        (ProbedPage::Listed(zero), ProbedPage::Listed(one)) if zero == one => {
            "page 0 repeats page 1"
        }
        (_, ProbedPage::Listed(one)) if one.is_empty() => {
            "page 0 holds the only thread, page 1 is empty"
        }
        _ => "pages 0 and 1 hold different threads",
    }
}

/// RevCent's page base as the server shows it, against what the client's walk detected.
fn page_base(reading: PageBase, why: &str, detected: Option<PageBase>) -> Check {
    let text = format!("pages count from {}: {why}", reading.as_str());
    match detected {
        Some(detected) if detected == reading => check(
            "page base",
            Status::Pass,
            format!("{text}; the client's walk detected the same"),
        ),
        Some(detected) => check(
            "page base",
            Status::Fail,
            format!(
                "{text}, but the client's walk detected {}: listings would be reconciled window by window, slower",
                detected.as_str()
            ),
        ),
        None => check(
            "page base",
            Status::Warn,
            format!("{text}; the client's walk has not detected it yet"),
        ),
    }
}

async fn trtc(client: &TrtcClient) -> Vec<Check> {
    let endpoint = client.endpoint().as_str().to_owned();
    let host = client.endpoint().host_str().unwrap_or_default().to_owned();
    let (mut checks, reachable) = endpoint_checks(&endpoint, true).await;
    checks.push(check("site", Status::Pass, site(&host, client.site())));
    let documented = generated::DESCRIBE_AI_CONVERSATION
        .on(client.site())
        .regions;
    let (probe_client, region_check) = match client.region() {
        Some(region) => (
            client.clone(),
            check("region", Status::Pass, region.to_owned()),
        ),
        None => {
            let region = documented.first().copied().unwrap_or("ap-guangzhou");
            match client.with_region(region) {
                Ok(regional) => (
                    regional,
                    check(
                        "region",
                        Status::Warn,
                        format!(
                            "none configured: references must name one (trtc:<region>/<TaskId>); credentials probed in {region}"
                        ),
                    ),
                ),
                Err(error) => {
                    checks.push(check("region", Status::Fail, error.message().into_owned()));
                    return checks;
                }
            }
        }
    };
    if !reachable {
        checks.push(region_check);
        checks.push(credentials_skipped());
        return checks;
    }
    let mut request = DescribeAiConversationRequest::default();
    request.task_id = Some(PROBE_TASK_ID.into());
    let answer = probe_client.describe_ai_conversation(&request).await;
    let code = answer
        .as_ref()
        .err()
        .and_then(|e| e.code())
        .unwrap_or_default()
        .to_owned();
    let (region_check, credentials) = match answer {
        Ok(_) => (
            region_check,
            check(
                "credentials",
                Status::Pass,
                "accepted: DescribeAIConversation answered",
            ),
        ),
        Err(_) if code == "AuthFailure.SignatureExpire" => (
            region_check,
            check(
                "credentials",
                Status::Fail,
                format!(
                    "not checked: the request's time was refused ({code}); fix this machine's clock"
                ),
            ),
        ),
        Err(error) if error.is_authentication() => (
            region_check,
            check(
                "credentials",
                Status::Fail,
                format!(
                    "refused ({code}): {}; keys of the other site's accounts are unknown here ({})",
                    error.message(),
                    other_site(client.site())
                ),
            ),
        ),
        Err(error) if code.contains("Region") => (
            check(
                "region",
                Status::Fail,
                format!(
                    "refused by the server ({code}): {}; DescribeAIConversation is documented in {}",
                    error.message(),
                    documented.join(", ")
                ),
            ),
            check("credentials", Status::Skip, "the region was refused first"),
        ),
        // The probe's TaskId is valid, so a refusal before sending is about the region.
        Err(error) if error.is_invalid_input() => (
            check(
                "region",
                Status::Fail,
                config::cli_wording(&error.message()),
            ),
            check("credentials", Status::Skip, "the region was refused first"),
        ),
        Err(_) if !code.is_empty() => (
            region_check,
            check(
                "credentials",
                Status::Pass,
                format!("accepted: DescribeAIConversation of a made-up task answered {code}"),
            ),
        ),
        Err(error) => (
            region_check,
            check(
                "credentials",
                Status::Fail,
                config::cli_wording(&error.to_string()),
            ),
        ),
    };
    checks.push(region_check);
    checks.push(credentials);
    checks
}

/// Which Tencent Cloud site a TRTC host belongs to.
fn site(host: &str, site: Site) -> String {
    match Site::of_host(host) {
        Some(named) => format!("{named} ({host})"),
        None => format!(
            "{host}: neither Tencent site (a proxy or the simulator); the {site} site's limits apply"
        ),
    }
}

/// Where an account of the other site would be served.
fn other_site(site: Site) -> String {
    let var = aithreads::providers::trtc::ENDPOINT_VAR;
    let (other, account) = match site {
        Site::International => (Site::China, "a China-site account"),
        Site::China => (Site::International, "an international account"),
    };
    let host = other.endpoint().trim_start_matches("https://");
    format!("for {account} set {var}={host}")
}

async fn chatkit(client: &ChatKitClient) -> Vec<Check> {
    let (mut checks, reachable) = endpoint_checks(client.base_url().as_str(), false).await;
    if !reachable {
        checks.push(credentials_skipped());
        return checks;
    }
    // One page newest first: the credentials, and the order walks rely on.
    let params = ListThreadsParams::new()
        .with_limit(100)
        .with_order(aithreads::Order::Desc);
    match client.list_chatkit_threads(&params).await {
        Ok(page) => {
            checks.push(check(
                "credentials",
                Status::Pass,
                "accepted: listing ChatKit threads answered",
            ));
            let created: Vec<i64> = page.data.iter().map(|t| t.created_at).collect();
            checks.push(listing_order(&created));
        }
        Err(error) => checks.push(check(
            "credentials",
            Status::Fail,
            format!("refused: {}", config::cli_wording(&error.to_string())),
        )),
    }
    checks
}

/// Whether a page listed newest first is sorted by `created_at`, as every walk in a named
/// order relies on (it remembers only the latest second's ids).
fn listing_order(created: &[i64]) -> Check {
    const NAME: &str = "order";
    if created.len() < 2 {
        return check(NAME, Status::Skip, "fewer than 2 threads to compare");
    }
    match created.windows(2).position(|pair| pair[1] > pair[0]) {
        None => check(
            NAME,
            Status::Pass,
            format!(
                "newest first by created_at, as walks rely on ({} threads)",
                created.len()
            ),
        ),
        Some(i) => check(
            NAME,
            Status::Fail,
            format!(
                "thread {} (created_at {}) follows one created at {}: listings are not sorted by created_at, so `list --all` and exports will stop with an order error",
                i + 2,
                created[i + 1],
                created[i]
            ),
        ),
    }
}

fn print(output: &Output, config: &Config, reports: &[Report]) -> io::Result<()> {
    let file = config.path().map(|p| p.display().to_string());
    let profile = config
        .profile()
        .map(|(name, how)| json!({"name": name, "chosen_by": how}));
    let mut out = io::stdout().lock();
    match output.format() {
        OutputFormat::Table => {
            match (&file, config.profile()) {
                (Some(file), Some((name, how))) => {
                    writeln!(out, "config file: {file} (profile {name}, chosen by {how})")?
                }
                (Some(file), None) => writeln!(out, "config file: {file} (no profile in use)")?,
                (None, _) => writeln!(out, "config file: none (no HOME)")?,
            }
            let mut rows: Vec<[String; 4]> =
                vec![["PROVIDER", "CHECK", "RESULT", "DETAIL"].map(String::from)];
            for report in reports {
                for setting in &report.settings {
                    rows.push([
                        report.provider.to_string(),
                        setting.setting.into(),
                        "from".into(),
                        setting.source.to_string(),
                    ]);
                }
                for c in &report.checks {
                    rows.push([
                        report.provider.to_string(),
                        c.check.into(),
                        c.status.label().into(),
                        c.detail.clone(),
                    ]);
                }
            }
            let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
            let widths = [width(0), width(1), width(2)];
            for row in &rows {
                writeln!(
                    out,
                    "{:w0$}  {:w1$}  {:w2$}  {}",
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    w0 = widths[0],
                    w1 = widths[1],
                    w2 = widths[2]
                )?;
            }
            Ok(())
        }
        _ => {
            let ok = reports.iter().any(|r| r.configured)
                && reports
                    .iter()
                    .flat_map(|r| &r.checks)
                    .all(|c| c.status != Status::Fail);
            let document = json!({
                "ok": ok,
                "config_file": file,
                "profile": profile,
                "providers": reports,
            });
            match output.format() {
                OutputFormat::Ndjson => serde_json::to_writer(&mut out, &document)?,
                _ => serde_json::to_writer_pretty(&mut out, &document)?,
            }
            writeln!(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_base_check_compares_the_server_with_the_client() {
        let one = PageBase::One;
        let pass = page_base(one, "page 0 is refused", Some(one));
        assert_eq!(pass.status, Status::Pass, "{}", pass.detail);
        assert!(
            pass.detail
                .starts_with("pages count from 1: page 0 is refused")
        );
        let fail = page_base(
            PageBase::Zero,
            "pages 0 and 1 hold different threads",
            Some(one),
        );
        assert_eq!(fail.status, Status::Fail, "{}", fail.detail);
        assert!(fail.detail.contains("detected 1"), "{}", fail.detail);
        let unknown = page_base(one, "page 0 repeats page 1", None);
        assert_eq!(unknown.status, Status::Warn, "{}", unknown.detail);
    }

    #[test]
    fn the_listing_order_check_finds_the_first_thread_out_of_order() {
        assert_eq!(listing_order(&[5]).status, Status::Skip);
        assert_eq!(listing_order(&[9, 9, 7, 3]).status, Status::Pass);
        let fail = listing_order(&[9, 7, 8, 3]);
        assert_eq!(fail.status, Status::Fail, "{}", fail.detail);
        assert!(
            fail.detail
                .starts_with("thread 3 (created_at 8) follows one created at 7"),
            "{}",
            fail.detail
        );
    }

    #[test]
    fn sites_are_named_and_the_other_one_suggested() {
        let intl = Site::International;
        assert!(site("trtc.intl.tencentcloudapi.com", intl).starts_with("international"));
        assert!(site("trtc.tencentcloudapi.com", Site::China).starts_with("China"));
        assert!(site("127.0.0.1:8787", intl).contains("neither Tencent site"));
        assert!(other_site(intl).ends_with("=trtc.tencentcloudapi.com"));
        assert!(other_site(Site::China).ends_with("=trtc.intl.tencentcloudapi.com"));
    }
}
