//! One function per subcommand.

mod bulk;
mod export;
mod items;
mod list;
mod select;
mod trtc;

use aithreads::{Client, ListQuery, ProviderKind};
use clap::CommandFactory;
use time::UtcOffset;

use crate::Failure;
use crate::args::{Cli, Command, Selection, SimCommand};
use crate::output::Output;

/// Runs the parsed command line; `local` is the offset `--local` shows times at.
pub async fn run(cli: Cli, local: Option<UtcOffset>) -> Result<(), Failure> {
    let output = Output::new(cli.output, cli.fields, local);
    let concurrency = usize::from(cli.concurrency);
    match cli.command {
        Command::List(args) => list::run(&client(concurrency)?, &output, args).await,
        Command::Get(args) => bulk::get(&client(concurrency)?, &output, &args).await,
        Command::Cancel(args) => {
            bulk::act(&client(concurrency)?, &output, bulk::Action::Cancel, args).await
        }
        Command::Delete(args) => {
            bulk::act(&client(concurrency)?, &output, bulk::Action::Delete, args).await
        }
        Command::Export(args) => export::run(&client(concurrency)?, args).await,
        Command::Items(args) => items::run(&client(concurrency)?, &output, args).await,
        Command::Trtc(command) => trtc::run(&client(concurrency)?, &output, command).await,
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

/// The client from the environment, with the command's concurrency.
fn client(concurrency: usize) -> Result<Client, Failure> {
    Ok(Client::from_env()?.with_concurrency(concurrency))
}

/// The unified query for a listing's selection (RevCent: the last two days by default).
pub fn query(provider: ProviderKind, selection: &Selection) -> Result<ListQuery, Failure> {
    select::query(provider, selection, select::Since::TwoDays)
}
