//! `aithreads get`, `cancel` and `delete`: one result per thread, written as it completes
//! (in input order), whatever fails.
//!
//! Threads come from references (arguments and stdin, read lazily) or, for `cancel` and
//! `delete`, from a selection streamed from the provider's listing. The requests run with the
//! client's concurrency through [`aithreads::ordered`], so memory stays bounded however many
//! threads there are, and a slow thread does not idle the other slots. The first SIGINT or
//! SIGTERM stops taking new threads, lets the requests in flight finish and be written, and
//! says how many were done; a second stops at once.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::io::{self, BufWriter, Write};
use std::rc::Rc;

use aithreads::{
    CancelOutcome, Client, Error, ItemResult, ListQuery, Operation, Order, ProviderKind, Status,
    Thread, ThreadRef,
};
use futures::stream::{self, BoxStream, LocalBoxStream, StreamExt};
use futures::{FutureExt, future};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::select::{self, Since};
use crate::Failure;
use crate::args::{ActArgs, OutputFormat, RefsArgs};
use crate::output::{self, Kind, Output, Sink};
use crate::progress::Progress;
use crate::refs::{BadRef, RefArgs, RefItem};
use crate::signals::Signals;
use crate::terminal;

/// How many selection passes a `cancel` or `delete` runs at most (see [`act_on_selection`]).
const MAX_PASSES: usize = 20;

/// What `cancel` and `delete` do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Cancel (RevCent) or stop (TRTC).
    Cancel,
    /// Delete (ChatKit).
    Delete,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::Delete => "delete",
        }
    }

    fn past(self) -> &'static str {
        match self {
            Self::Cancel => "cancelled",
            Self::Delete => "deleted",
        }
    }

    fn operation(self) -> Operation {
        match self {
            Self::Cancel => Operation::Cancel,
            Self::Delete => Operation::Delete,
        }
    }

    /// What acting on a thread in `status` does: `None` when there is nothing to do (a
    /// cancel of a thread that has ended).
    fn on(self, status: Status) -> Option<&'static str> {
        match self {
            Self::Cancel if status.has_ended() => None,
            Self::Cancel => Some("would cancel"),
            Self::Delete => Some("would delete"),
        }
    }
}

/// What was done to one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Cancelled,
    AlreadyEnded,
    Deleted,
    NotFoundIgnored,
}

impl Done {
    fn as_str(self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::AlreadyEnded => "already ended",
            Self::Deleted => "deleted",
            Self::NotFoundIgnored => "not found (ignored)",
        }
    }
}

/// What `--dry-run` found for one thread.
struct Plan {
    record: Value,
    /// Whether the real run would fail on it (a missing thread without --ignore-not-found).
    fails: bool,
}

/// `get`: every thread in full, with its transcript.
pub async fn get(client: &Client, output: &Output, args: &RefsArgs) -> Result<(), Failure> {
    output.check_fields(Kind::Thread)?;
    let refs = RefArgs::parse(&args.refs)?;
    crate::config::check_refs(client, refs.named())?;
    let progress = Progress::new("fetched", refs.known_count().map(|n| n as u64));
    let inputs = checked(client, refs.into_stream());
    let details = output.format() == OutputFormat::Table;
    let zone = output.zone();
    let mut run = Run::new(client, output, Kind::Thread, progress)?;
    let write = move |sink: &mut Sink<Out>, item: &ItemResult<Thread>| match &item.result {
        Ok(thread) if details => sink.raw(|out| {
            output::write_thread(out, &item.thread, thread, zone)?;
            writeln!(out)
        }),
        Ok(thread) => sink.thread_as(thread, &item.thread),
        Err(error) => sink.value(&output::failure_record(&item.thread, error)),
    };
    run.drive(inputs, |t| async move { client.get(&t).await }, write)
        .await?;
    run.finish()
}

/// `cancel` and `delete`, by references or by selection.
pub async fn act(
    client: &Client,
    output: &Output,
    action: Action,
    args: ActArgs,
) -> Result<(), Failure> {
    output.check_fields(if args.dry_run {
        Kind::Plan
    } else {
        Kind::Outcome
    })?;
    if let Some(provider) = args.provider {
        return act_on_selection(client, output, action, &args, provider.into()).await;
    }
    let given = args.selection.flags_given();
    if !given.is_empty() {
        return Err(Failure::Usage(format!(
            "{} pick threads of a --provider: give --provider instead of references",
            given.join(", ")
        )));
    }
    let refs = RefArgs::parse(&args.refs)?;
    crate::config::check_refs(client, refs.named())?;
    let from_stdin = refs.reads_stdin();
    let known = refs.known_count();
    let inputs = refs.into_stream();
    if args.dry_run {
        return plan_refs(client, output, action, &args, inputs, known).await;
    }
    let (inputs, total) = if action == Action::Delete && !args.yes {
        let all: Vec<RefItem> = ask_first(action, &args, from_stdin, || async {
            let all: Vec<RefItem> = inputs.collect().await;
            let count = all.iter().filter(|r| r.is_ok()).count();
            Ok((all, count))
        })
        .await?;
        let total = all.len();
        (stream::iter(all).boxed(), Some(total))
    } else {
        (inputs, known)
    };
    let progress = Progress::new(action.past(), total.map(|n| n as u64));
    let mut run = Run::new(client, output, Kind::Outcome, progress)?;
    let ignore = args.ignore_not_found;
    run.drive(
        checked(client, inputs),
        move |t| async move { perform(client, action, ignore, &t).await },
        write_outcome,
    )
    .await?;
    run.finish()
}

/// Does `action` to one thread; a missing one counts as done with `ignore_not_found`.
async fn perform(
    client: &Client,
    action: Action,
    ignore_not_found: bool,
    thread: &ThreadRef,
) -> Result<Done, Error> {
    let done = match action {
        Action::Cancel => client.cancel(thread).await.map(|outcome| match outcome {
            CancelOutcome::AlreadyEnded => Done::AlreadyEnded,
            _ => Done::Cancelled,
        }),
        Action::Delete => client.delete(thread).await.map(|()| Done::Deleted),
    };
    match done {
        Err(error) if ignore_not_found && error.is_not_found() => Ok(Done::NotFoundIgnored),
        done => done,
    }
}

fn write_outcome(sink: &mut Sink<Out>, item: &ItemResult<Done>) -> io::Result<()> {
    match &item.result {
        Ok(done) => sink.value(&json!({
            "ref": item.thread.to_string(),
            "ok": true,
            "result": done.as_str(),
        })),
        Err(error) => sink.value(&output::failure_record(&item.thread, error)),
    }
}

/// `--dry-run` on references: one GET each, no change.
async fn plan_refs(
    client: &Client,
    output: &Output,
    action: Action,
    args: &ActArgs,
    inputs: BoxStream<'static, RefItem>,
    known: Option<usize>,
) -> Result<(), Failure> {
    let progress = Progress::new("looked up", known.map(|n| n as u64));
    let mut run = Run::new(client, output, Kind::Plan, progress)?;
    let ignore = args.ignore_not_found;
    let failed_plans = Rc::new(Cell::new(0usize));
    let count = failed_plans.clone();
    let write = move |sink: &mut Sink<Out>, item: &ItemResult<Plan>| match &item.result {
        Ok(plan) => {
            if plan.fails {
                count.set(count.get() + 1);
            }
            sink.value(&plan.record)
        }
        Err(error) => sink.value(&output::failure_record(&item.thread, error)),
    };
    run.drive(
        checked(client, inputs),
        move |t| async move { plan(client, action, ignore, &t).await },
        write,
    )
    .await?;
    run.failed += failed_plans.get();
    run.finish()
}

/// What `action` would do to `thread`, from one GET.
async fn plan(
    client: &Client,
    action: Action,
    ignore_not_found: bool,
    thread: &ThreadRef,
) -> Result<Plan, Error> {
    let provider = client.route(thread)?;
    if !provider.capabilities().supports(action.operation()) {
        return Err(Error::unsupported(thread.provider(), action.operation()));
    }
    match provider.get_thread(thread.id()).await {
        Ok(found) => Ok(Plan {
            record: plan_record(thread, &found, action.on(found.status)),
            fails: false,
        }),
        Err(error) if error.is_not_found() => Ok(Plan {
            record: json!({
                "ref": thread.to_string(),
                "status": null,
                "action": if ignore_not_found { Done::NotFoundIgnored.as_str() } else { "not found" },
            }),
            fails: !ignore_not_found,
        }),
        Err(error) => Err(error),
    }
}

/// The plan for one thread: its current status and what would be done (`already ended`
/// when nothing).
fn plan_record(reference: &ThreadRef, thread: &Thread, action: Option<&str>) -> Value {
    let mut record = serde_json::to_value(thread.serialize_with_ref(reference)).unwrap_or_default();
    let keep = ["ref", "status", "raw_status", "created_at"];
    if let Value::Object(fields) = &mut record {
        fields.retain(|key, _| keep.contains(&key.as_str()));
        fields.insert(
            "action".into(),
            Value::from(action.unwrap_or(Done::AlreadyEnded.as_str())),
        );
    }
    record
}

/// `cancel`/`delete --provider P [selection]`.
///
/// The threads the selection picks are listed oldest first where the provider can, and
/// acted on as they stream in. Acting can move the others within the listing (a cancelled
/// RevCent thread leaves a `status_filter=running` listing, shifting later pages), so after
/// a pass that did anything the selection is listed again, up to [`MAX_PASSES`] times, until
/// a pass finds nothing left to do; threads that failed are not retried.
async fn act_on_selection(
    client: &Client,
    output: &Output,
    action: Action,
    args: &ActArgs,
    provider: ProviderKind,
) -> Result<(), Failure> {
    let capabilities = client.provider(provider)?.capabilities();
    if !capabilities.supports(action.operation()) {
        return Err(Failure::Usage(format!(
            "{provider} threads cannot be {}",
            action.past()
        )));
    }
    let fields = select::fields(client, provider)?;
    let mut query = select::query(provider, &args.selection, Since::All)?;
    if action == Action::Cancel && query.statuses.is_empty() {
        query.statuses = vec![Status::Running, Status::Pending];
    }
    query.order = fields.order_asc.then_some(Order::Asc);
    query.limit = select::max_page_size(provider);
    select::check(provider, fields, &query)?;
    if args.dry_run {
        return plan_selection(client, output, action, provider, query).await;
    }
    let total = if args.yes {
        None
    } else {
        let count = ask_first(action, args, false, || async {
            let mut count = 0usize;
            let mut listing = client.export(provider, query.clone());
            while let Some(thread) = listing.next().await {
                if action.on(thread?.status).is_some() {
                    count += 1;
                }
            }
            Ok((count, count))
        })
        .await?;
        Some(count as u64)
    };
    let progress = Progress::new(action.past(), total);
    let mut run = Run::new(client, output, Kind::Outcome, progress)?;
    let failed: Rc<RefCell<HashSet<ThreadRef>>> = Rc::default();
    for pass in 1..=MAX_PASSES {
        let listing_error = Rc::new(RefCell::new(None));
        let inputs = selected(
            client.export(provider, query.clone()),
            action,
            pass == 1,
            failed.clone(),
            listing_error.clone(),
        );
        let before = run.succeeded;
        let failures = failed.clone();
        let write = move |sink: &mut Sink<Out>, item: &ItemResult<Done>| {
            if item.result.is_err() {
                failures.borrow_mut().insert(item.thread.clone());
            }
            write_outcome(sink, item)
        };
        let ignore = args.ignore_not_found;
        run.drive(
            inputs,
            move |t| async move { perform(client, action, ignore, &t).await },
            write,
        )
        .await?;
        let listing_failed = listing_error.borrow_mut().take();
        if let Some(error) = listing_failed {
            return run.finish_with(Failure::from(error));
        }
        let acted = run.succeeded - before - run.skipped_this_pass.take();
        if acted == 0 {
            return run.finish();
        }
    }
    run.progress.println(&format!(
        "aithreads: stopped after {MAX_PASSES} passes over the selection; run the command again for any threads left"
    ));
    run.finish()
}

/// The inputs of one selection pass: each listed thread to act on, or (first pass only)
/// already ended; a listing error ends the pass and is kept in `error`.
fn selected(
    listing: BoxStream<'static, Result<Thread, Error>>,
    action: Action,
    first_pass: bool,
    failed: Rc<RefCell<HashSet<ThreadRef>>>,
    error: Rc<RefCell<Option<Error>>>,
) -> LocalBoxStream<'static, Input<Done>> {
    listing
        .scan(error, |error, thread| {
            future::ready(match thread {
                Ok(thread) => Some(thread),
                Err(e) => {
                    *error.borrow_mut() = Some(e);
                    None
                }
            })
        })
        .filter_map(move |thread| {
            let input = ThreadRef::of(&thread).ok().and_then(|reference| {
                if failed.borrow().contains(&reference) {
                    return None;
                }
                match action.on(thread.status) {
                    Some(_) => Some(Input::Act(reference)),
                    None if first_pass => Some(Input::Ready(reference, Done::AlreadyEnded)),
                    None => None,
                }
            });
            future::ready(input)
        })
        .boxed_local()
}

/// `--dry-run` on a selection: the listing, with what would be done to each; no request
/// but the listing's.
async fn plan_selection(
    client: &Client,
    output: &Output,
    action: Action,
    provider: ProviderKind,
    query: ListQuery,
) -> Result<(), Failure> {
    let mut sink = output.sink(Kind::Plan, BufWriter::new(io::stdout().lock()));
    let mut listing = client.export(provider, query);
    let (mut would, mut nothing) = (0usize, 0usize);
    while let Some(thread) = listing.next().await {
        let thread = match thread {
            Ok(thread) => thread,
            Err(error) => {
                sink.finish()?;
                return Err(error.into());
            }
        };
        let reference = ThreadRef::of(&thread)?;
        let todo = action.on(thread.status);
        match todo {
            Some(_) => would += 1,
            None => nothing += 1,
        }
        sink.value(&plan_record(&reference, &thread, todo))?;
    }
    sink.finish()?;
    eprintln!(
        "aithreads: dry run: would {} {would} {provider} thread(s){}; nothing was changed",
        action.verb(),
        if nothing > 0 {
            format!(", {nothing} already ended")
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Asks before acting: refuses without a terminal to ask on (`--yes` is needed), else
/// runs `count` (which answers the items and how many would be acted on) and asks with the
/// count; only an explicit yes goes on.
async fn ask_first<T, C, Fut>(
    action: Action,
    args: &ActArgs,
    stdin_is_data: bool,
    count: C,
) -> Result<T, Failure>
where
    C: FnOnce() -> Fut,
    Fut: Future<Output = Result<(T, usize), Failure>>,
{
    let verb = action.verb();
    let by = if args.provider.is_some() {
        " by selection"
    } else {
        ""
    };
    let Some(mut answers) = terminal::answer_source(stdin_is_data) else {
        return Err(Failure::Usage(format!(
            "{verb}{by} needs --yes when stdin or stderr is not a terminal (nothing was {}; --dry-run shows what would be)",
            action.past()
        )));
    };
    let (items, n) = count().await?;
    let question = match action {
        Action::Delete => format!("delete {n} thread(s) and their items for good?"),
        Action::Cancel => format!("cancel {n} running or pending thread(s)?"),
    };
    if terminal::confirm(&question, &mut answers)? {
        Ok(items)
    } else {
        Err(Failure::Usage(format!("nothing was {}", action.past())))
    }
}

/// References as inputs of a bulk run, each checked against the configuration as it comes
/// (those from stdin were not known when the run started): the first one whose provider
/// cannot serve it ends the inputs, so nothing after it is sent, and the run with exit 2.
fn checked<'a, T: 'a>(
    client: &'a Client,
    refs: BoxStream<'a, RefItem>,
) -> LocalBoxStream<'a, Input<T>> {
    refs.scan(false, move |misconfigured, item| {
        let input = match item {
            _ if *misconfigured => None,
            Ok(thread) => match crate::config::check_refs(client, [&thread]) {
                Ok(()) => Some(Input::Act(thread)),
                Err(failure) => {
                    *misconfigured = true;
                    Some(Input::Misconfigured(failure))
                }
            },
            Err(bad) => Some(Input::Bad(bad)),
        };
        future::ready(input)
    })
    .boxed_local()
}

/// One input of a bulk run.
enum Input<T> {
    /// Run the operation on this thread.
    Act(ThreadRef),
    /// Stop the run: the configuration cannot serve this reference (exit 2).
    Misconfigured(Failure),
    /// Report this result without a request.
    Ready(ThreadRef, T),
    /// Not a reference.
    Bad(BadRef),
}

/// Where results are written: stdout, buffered, flushed whenever the results pause.
type Out = BufWriter<io::StdoutLock<'static>>;

/// A bulk run: the output, progress and counts, across one or more passes.
struct Run<'a> {
    client: &'a Client,
    sink: Sink<Out>,
    progress: Progress,
    signals: Signals,
    succeeded: usize,
    /// Results reported without a request in the current pass.
    skipped_this_pass: Cell<usize>,
    failed: usize,
    interrupted: Option<u8>,
}

impl<'a> Run<'a> {
    fn new(
        client: &'a Client,
        output: &Output,
        kind: Kind,
        progress: Progress,
    ) -> Result<Self, Failure> {
        Ok(Self {
            client,
            sink: output.sink(kind, BufWriter::new(io::stdout().lock())),
            progress,
            signals: Signals::listen()?,
            succeeded: 0,
            skipped_this_pass: Cell::new(0),
            failed: 0,
            interrupted: None,
        })
    }

    /// Runs `op` on every input and writes each result with `write`, in input order, as
    /// results complete. Returns early, with the rest abandoned, on a configuration error
    /// (reported once), a closed stdout or a second signal.
    async fn drive<T, Op, Fut, W>(
        &mut self,
        inputs: LocalBoxStream<'a, Input<T>>,
        mut op: Op,
        mut write: W,
    ) -> Result<(), Failure>
    where
        T: 'a,
        Op: FnMut(ThreadRef) -> Fut + 'a,
        Fut: Future<Output = Result<T, Error>> + 'a,
        W: FnMut(&mut Sink<Out>, &ItemResult<T>) -> io::Result<()>,
    {
        if self.interrupted.is_some() {
            return Ok(());
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let mut stop = Some(stop);
        let inputs = inputs.take_until(stopped);
        let concurrency = self.client.concurrency();
        let window = concurrency * aithreads::REORDER_WINDOW_PER_SLOT;
        let skipped = &self.skipped_this_pass;
        let mut results = aithreads::ordered(inputs, concurrency, window, |input| match input {
            Input::Act(thread) => {
                let request = op(thread.clone());
                async move {
                    Finished::Item(ItemResult {
                        thread,
                        result: request.await,
                    })
                }
                .right_future()
            }
            Input::Ready(thread, done) => {
                skipped.set(skipped.get() + 1);
                future::ready(Finished::Item(ItemResult {
                    thread,
                    result: Ok(done),
                }))
                .left_future()
            }
            Input::Bad(bad) => future::ready(Finished::Bad(bad)).left_future(),
            Input::Misconfigured(failure) => {
                future::ready(Finished::Misconfigured(failure)).left_future()
            }
        });
        loop {
            let next = match results.next().now_or_never() {
                Some(next) => next,
                None => {
                    self.progress.suspend(|| self.sink.flush())?;
                    tokio::select! {
                        next = results.next() => next,
                        code = self.signals.next() => {
                            match stop.take() {
                                Some(stop) => {
                                    let _ = stop.send(());
                                    self.interrupted = Some(code);
                                    continue;
                                }
                                None => return Ok(()),
                            }
                        }
                    }
                }
            };
            let Some(finished) = next else {
                return Ok(());
            };
            match finished {
                Finished::Misconfigured(failure) => return Err(failure),
                Finished::Bad(bad) => {
                    self.failed += 1;
                    self.progress.done(false);
                    self.progress.println(&format!("aithreads: {bad}"));
                }
                Finished::Item(item) => {
                    if let Err(error) = &item.result
                        && error.is_config()
                    {
                        return Err(Failure::Usage(error.to_string()));
                    }
                    self.progress.suspend(|| write(&mut self.sink, &item))?;
                    self.progress.done(item.is_ok());
                    match &item.result {
                        Ok(_) => self.succeeded += 1,
                        Err(error) => {
                            self.failed += 1;
                            self.progress.println(&format!(
                                "aithreads: {}: {}",
                                item.thread,
                                terminal::message(&error.to_string())
                            ));
                        }
                    }
                }
            }
        }
    }

    /// Ends the output and says how it went: the exit status, and on stderr how many were
    /// done when interrupted.
    fn finish(self) -> Result<(), Failure> {
        self.progress.finish();
        let (succeeded, failed, interrupted) = (self.succeeded, self.failed, self.interrupted);
        self.sink.finish()?;
        if let Some(code) = interrupted {
            eprintln!(
                "aithreads: interrupted: {succeeded} done, {failed} failed; the rest were not started"
            );
            return Err(Failure::Interrupted(code));
        }
        if failed > 0 {
            Err(Failure::SomeItemsFailed)
        } else {
            Ok(())
        }
    }

    /// Ends the output, then fails with `failure`.
    fn finish_with(self, failure: Failure) -> Result<(), Failure> {
        self.progress.finish();
        self.sink.finish()?;
        Err(failure)
    }
}

/// One result of a bulk run.
enum Finished<T> {
    Item(ItemResult<T>),
    Bad(BadRef),
    Misconfigured(Failure),
}
