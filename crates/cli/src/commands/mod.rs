//! One function per subcommand.

mod bulk;
mod doctor;
mod export;
mod items;
mod list;
mod revcent;
mod trtc;
mod watch;

use aithreads::{Client, ListQuery, ProviderKind};
use clap::CommandFactory;
use time::OffsetDateTime;

use crate::Failure;
use crate::args::{Cli, Command, Selection, SimCommand};
use crate::config::{self, Needs};
use crate::output::Output;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let output = Output::new(cli.output);
    let concurrency = usize::from(cli.concurrency);
    let profile = cli.profile.as_deref();
    // Configuration is read only by the commands that talk to a provider, for the
    // providers they need.
    let client = |needs| config::client(profile, needs, concurrency);
    let one = |kind| client(Needs::Provider(kind));
    match cli.command {
        Command::List(args) => {
            let client = lister(
                one(args.provider.into())?,
                args.provider.into(),
                &args.selection,
            )?;
            list::run(&client, &output, args).await
        }
        Command::Get(args) => bulk::get(&client(Needs::Refs(&args.refs))?, &output, &args).await,
        Command::Cancel(args) => {
            bulk::cancel(&client(Needs::Refs(&args.refs))?, &output, &args).await
        }
        Command::Delete(args) => {
            bulk::delete(&client(Needs::Refs(&args.refs.refs))?, &output, &args).await
        }
        Command::Export(args) => {
            let client = lister(
                one(args.provider.into())?,
                args.provider.into(),
                &args.selection,
            )?;
            export::run(&client, args).await
        }
        Command::Items(args) => items::run(&one(ProviderKind::OpenAiChatKit)?, &output, args).await,
        Command::Trtc(command) => {
            trtc::run(&one(ProviderKind::TencentTrtc)?, &output, command).await
        }
        Command::Watch(args) => {
            watch::run(&client(Needs::Refs(&args.refs.refs))?, &output, &args).await
        }
        Command::Revcent(command) => {
            revcent::run(&one(ProviderKind::RevCent)?, &output, command).await
        }
        Command::Doctor => doctor::run(profile, &output).await,
        Command::Sim(SimCommand::Serve(args)) => args.run().await.map_err(Failure::Usage),
        Command::Demo => crate::demo::run().await,
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "aithreads",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

/// `client` with RevCent's bound on windows per range set by `--max-windows`.
fn lister(
    client: Client,
    provider: ProviderKind,
    selection: &Selection,
) -> Result<Client, Failure> {
    match (selection.max_windows, provider) {
        (None, _) => Ok(client),
        (Some(windows), ProviderKind::RevCent) => {
            let revcent = client.revcent()?.clone().with_max_windows(windows);
            Ok(client.with_revcent(revcent))
        }
        (Some(_), other) => Err(Failure::Usage(format!(
            "--max-windows applies to RevCent's 2-day windows, not to {other}"
        ))),
    }
}

/// The unified query for a selection. RevCent needs a range, so it defaults to the last two
/// days (one RevCent window); an open end means now, and an end in the future is clamped to
/// now with a note on stderr (nothing was created then, and RevCent would be asked for every
/// empty window up to it).
pub fn query(provider: ProviderKind, selection: &Selection) -> Result<ListQuery, Failure> {
    let now = OffsetDateTime::now_utc();
    let until = match selection.until {
        Some(until) if until > now => {
            eprintln!(
                "aithreads: --until {} is in the future; listing up to now ({})",
                rfc3339(until),
                rfc3339(now)
            );
            now
        }
        until => until.unwrap_or(now),
    };
    let since = match (selection.since, provider) {
        (Some(since), _) => Some(since),
        (None, ProviderKind::RevCent) => Some(until - time::Duration::days(2)),
        (None, _) => None,
    };
    if let Some(since) = since
        && since > until
    {
        return Err(Failure::Usage(format!(
            "--since ({since}) is after --until ({until})"
        )));
    }
    let mut query = ListQuery::new().with_statuses(selection.status.iter().copied());
    query.since = since;
    query.until = (since.is_some() || selection.until.is_some()).then_some(until);
    query.user = selection.user.clone();
    Ok(query)
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time.to_string())
}

/// Reports each failed item on stderr, one line each; `Err` when any failed.
pub fn report_failures<T>(results: &[aithreads::ItemResult<T>]) -> Result<(), Failure> {
    let failed = results.iter().filter(|item| report_failure(item)).count();
    if failed > 0 {
        Err(Failure::SomeItemsFailed)
    } else {
        Ok(())
    }
}

/// Reports one item on stderr if it failed; true when it did.
pub fn report_failure<T>(item: &aithreads::ItemResult<T>) -> bool {
    match &item.result {
        Err(error) => {
            eprintln!("aithreads: {}: {error}", item.thread);
            true
        }
        Ok(_) => false,
    }
}
