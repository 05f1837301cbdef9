//! `Client::export_to` against the simulator: error reports, partial files, stop and resume
//! with no record missing or twice, the published schemas, and Parquet read back.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aithreads::export::{
    EXPORT_JSON_SCHEMA, ExportEnd, ExportOptions, ExportReport, ExportTarget, Format, OnThreadError,
};
use aithreads::time::{Duration, OffsetDateTime};
use aithreads::{
    Capabilities, Client, ListQuery, Page, ProviderKind, Result, Thread, ThreadProvider,
};
use aithreads_sim::{SimConfig, Simulator};
use async_trait::async_trait;
use futures::stream::BoxStream;
use serde_json::Value;

/// A provider that serves a real one but fails `get_thread` for the ids in `failing`.
struct Flaky {
    inner: Arc<dyn ThreadProvider>,
    failing: HashSet<String>,
}

#[async_trait]
impl ThreadProvider for Flaky {
    fn kind(&self) -> ProviderKind {
        self.inner.kind()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn get_thread(&self, id: &str) -> Result<Thread> {
        if self.failing.contains(id) {
            // What the transport returns for a 404 after its retries.
            return self.inner.get_thread("cthr_doesnotexist_anywhere").await;
        }
        self.inner.get_thread(id).await
    }

    async fn list_threads(&self, query: &ListQuery) -> Result<Page<Thread>> {
        self.inner.list_threads(query).await
    }

    fn pages(self: Arc<Self>, query: ListQuery) -> BoxStream<'static, Result<Page<Thread>>> {
        self.inner.clone().pages(query)
    }
}

async fn simulator(threads: usize) -> Simulator {
    Simulator::start(SimConfig::default().with_threads(threads))
        .await
        .unwrap()
}

fn client(sim: &Simulator) -> Client {
    Client::from_vars(|name| sim.client_var(name)).unwrap()
}

/// Every RevCent thread the simulator seeded (they are created over the 30 days before now).
fn revcent_query(sim: &Simulator) -> ListQuery {
    let now = OffsetDateTime::from_unix_timestamp(sim.sim().config.now).unwrap();
    ListQuery::new()
        .with_range(now - Duration::days(31), now)
        .with_limit(7)
}

/// The most threads any of the query's RevCent windows (172,799 s: a second short of two
/// days, for the second asked before each) holds.
fn largest_window(sim: &Simulator, query: &ListQuery) -> usize {
    const WINDOW: i64 = 172_799;
    let (since, until) = (query.since.unwrap(), query.until.unwrap());
    let (start, end) = (since.unix_timestamp(), until.unix_timestamp());
    (start..=end)
        .step_by(WINDOW as usize)
        .map(|window| {
            let stop = (window + WINDOW).min(end + 1);
            sim.sim()
                .revcent()
                .ids_created_between(window, stop - 1)
                .len()
        })
        .max()
        .unwrap_or(0)
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["ref"].as_str().unwrap().to_owned())
        .collect()
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

async fn export(
    client: &Client,
    kind: ProviderKind,
    query: ListQuery,
    path: &Path,
    options: &ExportOptions,
) -> ExportReport {
    client
        .export_to(
            kind,
            query,
            ExportTarget::Path(path.to_owned()),
            options,
            std::future::pending(),
        )
        .await
        .unwrap()
}

/// Exports, stopping once `after` threads are written; returns the report.
async fn export_until(
    client: &Client,
    kind: ProviderKind,
    query: ListQuery,
    path: &Path,
    options: &ExportOptions,
    after: u64,
) -> ExportReport {
    let progress = Arc::new(AtomicU64::new(0));
    let options = options.clone().with_progress(progress.clone());
    let stop = async move {
        while progress.load(Ordering::Relaxed) < after {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    };
    client
        .export_to(
            kind,
            query,
            ExportTarget::Path(path.to_owned()),
            &options,
            stop,
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_thread_goes_to_the_error_report_and_the_export_goes_on() {
    let sim = simulator(40).await;
    let real = client(&sim);
    let listed: Vec<String> = {
        use futures::StreamExt;
        real.export(ProviderKind::OpenAiChatKit, ListQuery::new())
            .map(|t| t.unwrap().id)
            .collect()
            .await
    };
    let failing: HashSet<String> = [listed[3].clone(), listed[17].clone()].into();
    let flaky = Client::builder()
        .with_provider(Arc::new(Flaky {
            inner: real.provider(ProviderKind::OpenAiChatKit).unwrap(),
            failing: failing.clone(),
        }))
        .build();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ck.ndjson");
    let options = ExportOptions::new().with_transcripts(true);
    let report = export(
        &flaky,
        ProviderKind::OpenAiChatKit,
        ListQuery::new().with_limit(6),
        &out,
        &options,
    )
    .await;
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    assert_eq!((report.exported, report.failed), (38, 2));
    let errors_path = sibling(&out, ".errors.ndjson");
    assert_eq!(
        report.error_report.as_deref(),
        Some(errors_path.to_str().unwrap())
    );
    let errors = lines(&errors_path);
    let failed: HashSet<String> = errors
        .iter()
        .map(|e| {
            e["ref"]
                .as_str()
                .unwrap()
                .trim_start_matches("chatkit:")
                .to_owned()
        })
        .collect();
    assert_eq!(failed, failing);
    for error in &errors {
        assert_eq!(error["error"], "not_found", "{error}");
        assert_eq!(error["status"], 404, "{error}");
        assert!(error["code"].is_string() || error["code"].is_null());
        assert!(error.get("request_id").is_some());
    }
    let records = lines(&out);
    assert_eq!(records.len(), 38);
    assert!(!sibling(&out, ".partial").exists());
    assert!(!sibling(&out, ".checkpoint.json").exists());

    // --fail-fast: the first failure ends the export, and the partial file stays.
    let out = dir.path().join("fast.ndjson");
    let options = options.with_on_error(OnThreadError::Stop);
    let report = export(
        &flaky,
        ProviderKind::OpenAiChatKit,
        ListQuery::new().with_limit(6),
        &out,
        &options,
    )
    .await;
    match &report.end {
        ExportEnd::Failed(error) => assert!(
            error.to_string().contains("404") || error.to_string().contains("not found"),
            "{error}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(report.resumable());
    assert!(!out.exists());
    assert!(sibling(&out, ".partial").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_follows_the_published_json_schema() {
    let sim = simulator(30).await;
    let client = client(&sim);
    let schema: Value = serde_json::from_str(EXPORT_JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (kind, query, raw) in [
        (ProviderKind::RevCent, revcent_query(&sim), false),
        (ProviderKind::OpenAiChatKit, ListQuery::new(), true),
    ] {
        let out = dir.path().join(format!("{kind}.ndjson"));
        let options = ExportOptions::new().with_transcripts(true).with_raw(raw);
        let report = export(&client, kind, query, &out, &options).await;
        assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
        let records = lines(&out);
        assert_eq!(records.len(), 30);
        for record in &records {
            let problems: Vec<String> = validator
                .iter_errors(record)
                .map(|e| e.to_string())
                .collect();
            assert!(problems.is_empty(), "{kind}: {problems:?}\n{record}");
            assert_eq!(record["record"].is_object(), raw, "record only with raw");
        }
        let roles: HashSet<&str> = records
            .iter()
            .flat_map(|r| r["messages"].as_array().unwrap())
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        assert!(
            roles.contains(&"tool"),
            "{kind}: tool results keep their role: {roles:?}"
        );
        // A tool's answer names its call, and that call is in an earlier message.
        for record in &records {
            let mut calls = HashSet::new();
            for message in record["messages"].as_array().unwrap() {
                for call in message["tool_calls"].as_array().unwrap() {
                    assert!(call["name"].as_str().is_some_and(|n| !n.is_empty()));
                    calls.insert(call["id"].as_str().unwrap().to_owned());
                }
                if message["role"] == "tool" {
                    let id = message["tool_call_id"].as_str().unwrap();
                    assert!(calls.contains(id), "{kind}: {id} answers no call\n{record}");
                }
            }
        }
    }
}

/// Stops an export at several points, resumes each time, and checks that the result holds
/// every thread of a clean export exactly once.
async fn stop_and_resume(format: Format, name: &str, kind: ProviderKind, rows: usize) {
    let sim = simulator(300).await;
    let query = match kind {
        ProviderKind::RevCent => revcent_query(&sim),
        _ => ListQuery::new().with_limit(7),
    };
    // A page: 7 ChatKit threads; a whole 2-day window of RevCent threads.
    let page_bound = match kind {
        ProviderKind::RevCent => largest_window(&sim, &query),
        _ => 7,
    };
    let client = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join(format!("clean.{name}"));
    let options = ExportOptions::new()
        .with_format(format)
        .with_row_group_rows(rows);
    let report = export(&client, kind, query.clone(), &clean, &options).await;
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    let expected = read_refs(format, &clean);
    assert_eq!(expected.len(), 300);
    if kind == ProviderKind::RevCent && format == Format::Ndjson {
        // With no order asked for, a RevCent export walks oldest first: its windows stream
        // page by page instead of being held to be sorted.
        let created: Vec<String> = lines(&clean)
            .iter()
            .map(|record| record["created_at"].as_str().unwrap().to_owned())
            .collect();
        assert!(created.is_sorted(), "a RevCent export is oldest first");
    }

    let out = dir.path().join(format!("resumed.{name}"));
    let mut report = export_until(&client, kind, query.clone(), &out, &options, 40).await;
    let mut prefixes = Vec::new();
    for after in [90, 160, 230] {
        assert!(matches!(report.end, ExportEnd::Stopped), "{report:?}");
        assert!(report.resumable());
        // The partial file ends on a complete record.
        let partial = read_refs(format, Path::new(&report.location));
        assert_eq!(partial.len() as u64, report.exported);
        // The checkpoint counts what was written up to a page (Parquet: row group) boundary;
        // a resume keeps those records.
        let checkpoint: Value =
            serde_json::from_slice(&std::fs::read(sibling(&out, ".checkpoint.json")).unwrap())
                .unwrap();
        let kept = checkpoint["exported"].as_u64().unwrap() as usize;
        assert!(kept > 0 && kept <= partial.len(), "{checkpoint}");
        // Every page is a checkpoint (Parquet's open row group is in its journal): a resume
        // writes again at most the page that was being written.
        assert!(
            partial.len() - kept <= page_bound,
            "{} written, {kept} kept",
            partial.len()
        );
        prefixes.push(partial[..kept].to_vec());
        // What a SIGKILL in the middle of a write leaves: half a record (NDJSON), a row
        // group with no footer after it (Parquet). The resume cuts it off.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&report.location)
            .unwrap();
        std::io::Write::write_all(&mut file, b"{\"ref\":\"revcent:half-written").unwrap();
        report = export_until(
            &client,
            kind,
            // A resumed export keeps the query it started with.
            ListQuery::new(),
            &out,
            &options.clone().with_resume(true),
            after,
        )
        .await;
        assert!(report.resumed);
    }
    let report = export(
        &client,
        kind,
        ListQuery::new(),
        &out,
        &options.clone().with_resume(true),
    )
    .await;
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    assert_eq!(report.exported, 300);
    let got = read_refs(format, &out);
    for prefix in &prefixes {
        assert_eq!(got[..prefix.len()], prefix[..]);
    }
    let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
    for id in &got {
        *counts.entry(id).or_default() += 1;
    }
    assert!(counts.values().all(|&n| n == 1), "some records twice");
    assert_eq!(
        got.iter().collect::<HashSet<_>>(),
        expected.iter().collect::<HashSet<_>>()
    );
    for leftover in [".partial", ".resumed.partial", ".checkpoint.json"] {
        assert!(!sibling(&out, leftover).exists(), "{leftover} left behind");
    }
}

fn read_refs(format: Format, path: &Path) -> Vec<String> {
    match format {
        Format::Ndjson => ids(&lines(path)),
        Format::Parquet => parquet_refs(path),
    }
}

#[cfg(feature = "parquet")]
fn parquet_refs(path: &Path) -> Vec<String> {
    use arrow_array::{Array, StringArray};
    let file = std::fs::File::open(path).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut refs = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let column = batch
            .column_by_name("ref")
            .unwrap()
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .clone();
        refs.extend((0..column.len()).map(|i| column.value(i).to_owned()));
    }
    refs
}

#[cfg(not(feature = "parquet"))]
fn parquet_refs(_: &Path) -> Vec<String> {
    unreachable!("parquet tests need the `parquet` feature")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_ndjson_export_resumes_with_every_record_once() {
    stop_and_resume(Format::Ndjson, "ndjson", ProviderKind::RevCent, 25).await;
    stop_and_resume(Format::Ndjson, "ndjson", ProviderKind::OpenAiChatKit, 25).await;
}

#[cfg(feature = "parquet")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_parquet_export_resumes_with_every_record_once() {
    // Small row groups close between the stops; the default ones stay open throughout, so
    // everything written is in the journal.
    stop_and_resume(Format::Parquet, "parquet", ProviderKind::RevCent, 25).await;
    stop_and_resume(Format::Parquet, "parquet", ProviderKind::OpenAiChatKit, 25).await;
    let default = aithreads::export::DEFAULT_ROW_GROUP_ROWS;
    stop_and_resume(Format::Parquet, "parquet", ProviderKind::RevCent, default).await;
}

#[cfg(feature = "parquet")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_reads_back_in_the_published_arrow_schema() {
    use arrow_array::{Array, ListArray, StringArray, StructArray};

    let sim = simulator(25).await;
    let client = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rc.parquet");
    let options = ExportOptions::new()
        .with_format(Format::for_name("rc.parquet"))
        .with_transcripts(true);
    let report = export(
        &client,
        ProviderKind::RevCent,
        revcent_query(&sim),
        &out,
        &options,
    )
    .await;
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    let file = std::fs::File::open(&out).unwrap();
    let builder =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    assert_eq!(
        builder.schema().as_ref(),
        aithreads::export::parquet::export_arrow_schema().as_ref()
    );
    let published_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/export.arrow.txt");
    let schema = format!(
        "{:#?}\n",
        aithreads::export::parquet::export_arrow_schema().fields()
    );
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&published_path, &schema).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&published_path).unwrap(),
        schema,
        "schemas/export.arrow.txt is stale: run the test with UPDATE_SCHEMAS=1"
    );
    let batches: Vec<_> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 25);
    let batch = &batches[0];
    let messages = batch
        .column_by_name("messages")
        .unwrap()
        .as_any()
        .downcast_ref::<ListArray>()
        .unwrap();
    let items = messages
        .values()
        .as_any()
        .downcast_ref::<StructArray>()
        .unwrap();
    let roles = items
        .column_by_name("role")
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert!(roles.iter().any(|r| r == Some("tool")));
    let calls = items
        .column_by_name("tool_calls")
        .unwrap()
        .as_any()
        .downcast_ref::<ListArray>()
        .unwrap();
    assert!(!calls.values().is_empty(), "tool calls are structured rows");
    let record = batch.column_by_name("record").unwrap();
    assert_eq!(record.null_count(), record.len(), "no record without raw");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_to_a_stream_needs_no_file() {
    let sim = simulator(12).await;
    let client = client(&sim);
    let data = tempfile::NamedTempFile::new().unwrap();
    let report = client
        .export_to(
            ProviderKind::OpenAiChatKit,
            ListQuery::new(),
            ExportTarget::Writer {
                data: Box::new(data.reopen().unwrap()),
                errors: Box::new(std::io::sink()),
            },
            &ExportOptions::new(),
            std::future::pending(),
        )
        .await
        .unwrap();
    assert!(matches!(report.end, ExportEnd::Finished));
    assert_eq!(lines(data.path()).len(), 12);
    let refused = client
        .export_to(
            ProviderKind::OpenAiChatKit,
            ListQuery::new(),
            ExportTarget::Writer {
                data: Box::new(std::io::sink()),
                errors: Box::new(std::io::sink()),
            },
            &ExportOptions::new().with_resume(true),
            std::future::pending(),
        )
        .await
        .unwrap_err();
    assert!(refused.is_usage());
}

/// Every `ref` in the NDJSON parts under `dir`, and the part files' paths.
#[cfg(feature = "object-store")]
fn parts(dir: &Path) -> (Vec<String>, Vec<PathBuf>) {
    let mut refs = Vec::new();
    let mut files = Vec::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "ndjson")
                && !path.file_name().unwrap().to_string_lossy().starts_with('_')
            {
                refs.extend(ids(&lines(&path)));
                files.push(path);
            }
        }
    }
    (refs, files)
}

#[cfg(feature = "object-store")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_export_resumes_from_its_completed_parts() {
    use aithreads::export::Partition;

    let sim = simulator(300).await;
    let client = client(&sim);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by-day");
    let options = ExportOptions::new().with_partition(Some(Partition::Date));
    let mut report = export_until(
        &client,
        ProviderKind::RevCent,
        revcent_query(&sim),
        &out,
        &options,
        150,
    )
    .await;
    assert!(matches!(report.end, ExportEnd::Stopped), "{report:?}");
    assert!(report.resumable(), "{report:?}");
    let (kept, _) = parts(&out);
    assert!(!kept.is_empty(), "completed parts stay in place");
    // A resume may finish before its stop point; a resume after that would export the whole
    // range again (no checkpoint is left), so the loop ends at the first finished one.
    for after in [220, 280, u64::MAX] {
        report = export_until(
            &client,
            ProviderKind::RevCent,
            ListQuery::new(),
            &out,
            &options.clone().with_resume(true),
            after,
        )
        .await;
        if matches!(report.end, ExportEnd::Finished) {
            break;
        }
    }
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    let (refs, files) = parts(&out);
    assert_eq!(refs.len(), 300, "every thread once");
    assert_eq!(refs.iter().collect::<HashSet<_>>().len(), 300);
    for file in &files {
        let relative = file
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut segments = relative.split('/');
        assert_eq!(segments.next(), Some("provider=revcent"), "{relative}");
        let day = segments.next().unwrap().strip_prefix("date=").unwrap();
        for record in lines(file) {
            assert!(record["created_at"].as_str().unwrap().starts_with(day));
        }
    }
    assert!(!out.join("_aithreads.checkpoint.json").exists());

    // The same export again replaces its parts: the folder still holds every thread once.
    let report = export(
        &client,
        ProviderKind::RevCent,
        revcent_query(&sim),
        &out,
        &options,
    )
    .await;
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    let (again, _) = parts(&out);
    assert_eq!(again.len(), 300, "a re-run does not double the table");
    assert_eq!(again.iter().collect::<HashSet<_>>().len(), 300);

    // Another export (a narrower range) into the same folder adds its parts, replacing none.
    let (since, until) = {
        let query = revcent_query(&sim);
        (query.since.unwrap(), query.until.unwrap())
    };
    let narrower = ListQuery::new().with_range(since + Duration::days(20), until);
    let expected = sim
        .sim()
        .revcent()
        .ids_created_between(
            (since + Duration::days(20)).unix_timestamp(),
            until.unix_timestamp(),
        )
        .len();
    assert!(expected > 0 && expected < 300, "{expected}");
    let report = export(&client, ProviderKind::RevCent, narrower, &out, &options).await;
    assert!(matches!(report.end, ExportEnd::Finished), "{report:?}");
    assert_eq!(parts(&out).0.len(), 300 + expected);
}
