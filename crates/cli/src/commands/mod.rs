//! One function per subcommand.

mod bulk;
mod doctor;
mod export;
mod items;
mod list;
mod trtc;

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
    let max_items = cli.max_items;
    let client = |needs| {
        config::client(profile, needs, concurrency).map(|client| with_max_items(client, max_items))
    };
    let one = |kind| client(Needs::Provider(kind));
    match cli.command {
        Command::List(args) => list::run(&one(args.provider.into())?, &output, args).await,
        Command::Get(args) => bulk::get(&client(Needs::Refs(&args.refs))?, &output, &args).await,
        Command::Cancel(args) => {
            bulk::cancel(&client(Needs::Refs(&args.refs))?, &output, &args).await
        }
        Command::Delete(args) => {
            bulk::delete(&client(Needs::Refs(&args.refs.refs))?, &output, &args).await
        }
        Command::Export(args) => export::run(&one(args.provider.into())?, args).await,
        Command::Items(args) => items::run(&one(ProviderKind::OpenAiChatKit)?, &output, args).await,
        Command::Trtc(command) => {
            trtc::run(&one(ProviderKind::TencentTrtc)?, &output, command).await
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

/// `client` with `--max-items` applied to its ChatKit client.
fn with_max_items(client: Client, max_items: Option<usize>) -> Client {
    match (max_items, client.chatkit()) {
        (Some(items), Ok(chatkit)) => {
            let chatkit = chatkit.with_max_transcript_items(items);
            client.with_chatkit(chatkit)
        }
        _ => client,
    }
}

/// The unified query for a selection. RevCent needs a range, so it defaults to the last two
/// days (one RevCent window); an open end means now.
pub fn query(provider: ProviderKind, selection: &Selection) -> Result<ListQuery, Failure> {
    let now = OffsetDateTime::now_utc();
    let until = selection.until.unwrap_or(now);
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
