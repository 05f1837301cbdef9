//! One function per subcommand.

mod bulk;
mod doctor;
mod export;
mod items;
mod list;
mod revcent;
mod select;
mod trtc;
mod watch;

use aithreads::{Client, ListQuery, ProviderKind};
use clap::CommandFactory;
use time::UtcOffset;

use crate::Failure;
use crate::args::{ActArgs, Cli, Command, Selection, SimCommand};
use crate::config::{self, Needs};
use crate::output::Output;

/// Runs the parsed command line; `local` is the offset `--local` shows times at.
pub async fn run(cli: Cli, local: Option<UtcOffset>) -> Result<(), Failure> {
    let output = Output::new(cli.output, cli.fields, local);
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
            let client = selecting(client(acts_on(&args))?, &args)?;
            bulk::act(&client, &output, bulk::Action::Cancel, args).await
        }
        Command::Delete(args) => {
            let client = selecting(client(acts_on(&args))?, &args)?;
            bulk::act(&client, &output, bulk::Action::Delete, args).await
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

/// What `cancel` and `delete` act on: a provider's selection, or references.
fn acts_on(args: &ActArgs) -> Needs<'_> {
    match args.provider {
        Some(provider) => Needs::Provider(provider.into()),
        None => Needs::Refs(&args.refs),
    }
}

/// `client` for `cancel` and `delete`: by selection, with `--max-windows` applied.
fn selecting(client: Client, args: &ActArgs) -> Result<Client, Failure> {
    match args.provider {
        Some(provider) => lister(client, provider.into(), &args.selection),
        None if args.selection.max_windows.is_some() => Err(Failure::Usage(
            "--max-windows bounds a selection: give --provider".into(),
        )),
        None => Ok(client),
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

/// The unified query for a listing's selection (RevCent: the last two days by default).
pub fn query(provider: ProviderKind, selection: &Selection) -> Result<ListQuery, Failure> {
    select::query(provider, selection, select::Since::TwoDays)
}
