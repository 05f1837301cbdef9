//! The command line, as clap types.

use std::path::PathBuf;

use aithreads::{Order, ProviderKind, Status};
use clap::{Args, Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;

use crate::timearg::time_arg;

const AFTER_HELP: &str = "\
Threads are named by references: revcent:<20-char id>, trtc:<TaskId> or trtc:<region>/<TaskId>,
chatkit:<thread id>. Pass `-` to read references from stdin, one per line.

Configuration, first found wins: --profile NAME, then the environment:
  RevCent  REVCENT_API_KEY, REVCENT_BASE_URL
  TRTC     TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_TOKEN, TENCENTCLOUD_REGION,
           TENCENTCLOUD_TRTC_ENDPOINT
  ChatKit  OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_BASE_URL
then the profile AITHREADS_PROFILE names (else `default`) in ~/.config/aithreads/config.toml,
then Tencent's ~/.tencentcloud/credentials. `aithreads doctor` shows what is used and checks it.

Times are RFC 3339 (2026-11-20T08:00:00Z), unix seconds, `now`, or a duration ago (90m, 2h, 3d).
Exit codes: 0 all ok, 1 some items failed, 2 usage or configuration error.

Try it without credentials: `aithreads demo`, or `aithreads sim serve` and point the
variables above at it.";

/// Inspect, list, cancel, delete and export AI conversation threads at RevCent, Tencent Cloud
/// TRTC and OpenAI ChatKit.
#[derive(Debug, Parser)]
#[command(name = "aithreads", version, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, global = true, value_enum)]
    pub output: Option<OutputFormat>,

    /// More detail on stderr: -v info, -vv debug, -vvv trace (RUST_LOG overrides).
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Use this profile of the config file (~/.config/aithreads/config.toml); its settings
    /// come before the environment's [env: AITHREADS_PROFILE, whose settings come after].
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Requests in flight at once in bulk commands.
    #[arg(long, global = true, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Most items one ChatKit thread may hold when its items are fetched (get, items,
    /// export --transcripts); a thread with more is reported as too large [default: 10000].
    #[arg(long, global = true, value_name = "N")]
    pub max_items: Option<usize>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How results are printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Ndjson,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List threads of one provider (RevCent or ChatKit; TRTC has no listing).
    ///
    /// RevCent needs a time range (default: the last 2 days); ranges longer than 2 days are
    /// split into 2-day windows automatically. ChatKit lists newest first.
    List(ListArgs),

    /// Show threads with their messages.
    Get(RefsArgs),

    /// Cancel RevCent threads or stop TRTC conversations.
    Cancel(RefsArgs),

    /// Delete ChatKit threads with their items (asks first on a terminal).
    Delete(DeleteArgs),

    /// Stream every thread of a provider in a time range as NDJSON, with progress.
    Export(ExportArgs),

    /// List the items (messages, tool calls, widgets, tasks) of a ChatKit thread.
    Items(ItemsArgs),

    /// TRTC-only calls: start and describe AI conversations.
    #[command(subcommand)]
    Trtc(TrtcCommand),

    /// Check the configuration and each configured provider's account, reading only:
    /// where every setting comes from, endpoint, clock, credentials, RevCent's page base,
    /// TRTC's site and region. Exit 0 all passed, 1 a check failed, 2 configuration error.
    Doctor,

    /// Run the simulator of all three APIs.
    #[command(subcommand)]
    Sim(SimCommand),

    /// Walk through every provider end to end against the embedded simulator (no credentials
    /// or network needed).
    Demo,

    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Providers that can list threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListProvider {
    /// RevCent AI threads.
    Revcent,
    /// OpenAI ChatKit threads.
    Chatkit,
}

impl From<ListProvider> for ProviderKind {
    fn from(provider: ListProvider) -> Self {
        match provider {
            ListProvider::Revcent => ProviderKind::RevCent,
            ListProvider::Chatkit => ProviderKind::OpenAiChatKit,
        }
    }
}

/// Parses `--status` values with the unified status names, listing them in help.
fn status_parser() -> impl clap::builder::TypedValueParser<Value = Status> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Status::ALL.map(Status::as_str))
        .try_map(|text| text.parse::<Status>())
}

/// Which threads of a provider.
#[derive(Debug, Args)]
pub struct Selection {
    /// Threads created at or after this time.
    #[arg(long, value_parser = time_arg)]
    pub since: Option<OffsetDateTime>,
    /// Threads created at or before this time [default: now].
    #[arg(long, value_parser = time_arg)]
    pub until: Option<OffsetDateTime>,
    /// Only threads in these statuses (repeat or comma-separate).
    #[arg(long, value_parser = status_parser(), value_delimiter = ',')]
    pub status: Vec<Status>,
    /// Only threads of this end user (ChatKit).
    #[arg(long)]
    pub user: Option<String>,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The provider.
    #[arg(long, short = 'p', value_enum)]
    pub provider: ListProvider,
    /// Which threads.
    #[command(flatten)]
    pub selection: Selection,
    /// Show at most this many threads.
    #[arg(long, short = 'n', default_value_t = 25, conflicts_with = "all")]
    pub limit: usize,
    /// Show every matching thread, walking all pages.
    #[arg(long)]
    pub all: bool,
}

/// Commands that take thread references.
#[derive(Debug, Args)]
pub struct RefsArgs {
    /// Thread references (revcent:…, trtc:…, chatkit:…); `-` reads them from stdin.
    #[arg(required = true, value_name = "REF")]
    pub refs: Vec<String>,
}

/// `delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The threads.
    #[command(flatten)]
    pub refs: RefsArgs,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// List what would be deleted, delete nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The provider.
    #[arg(long, short = 'p', value_enum)]
    pub provider: ListProvider,
    /// Which threads.
    #[command(flatten)]
    pub selection: Selection,
    /// Write to this file instead of stdout.
    #[arg(long = "out", short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Fetch every thread in full, with its messages or items (one more request per thread).
    #[arg(long)]
    pub transcripts: bool,
}

/// `items`.
#[derive(Debug, Args)]
pub struct ItemsArgs {
    /// The ChatKit thread (`chatkit:<id>`).
    #[arg(value_name = "REF")]
    pub thread: String,
    /// Show at most this many items.
    #[arg(long, short = 'n', default_value_t = 100, conflicts_with = "all")]
    pub limit: usize,
    /// Show every item.
    #[arg(long)]
    pub all: bool,
    /// Oldest first (asc) or newest first (desc).
    #[arg(long, value_enum, default_value_t = OrderArg::Asc)]
    pub order: OrderArg,
}

/// Sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

impl From<OrderArg> for Order {
    fn from(order: OrderArg) -> Self {
        match order {
            OrderArg::Asc => Order::Asc,
            OrderArg::Desc => Order::Desc,
        }
    }
}

/// `trtc …`.
#[derive(Debug, Subcommand)]
pub enum TrtcCommand {
    /// Start an AI conversation: the bot joins the room and talks with the target user.
    Start(TrtcStartArgs),
    /// Show the status of a conversation by TaskId or SessionId.
    Describe(TrtcDescribeArgs),
}

/// `trtc start`.
#[derive(Debug, Args)]
pub struct TrtcStartArgs {
    /// TRTC application id.
    #[arg(long)]
    pub sdk_app_id: u64,
    /// Room to join: a number, or any other text for a string room id (RoomIdType 1).
    #[arg(long)]
    pub room_id: String,
    /// The bot's user id.
    #[arg(long)]
    pub user_id: String,
    /// The bot's UserSig.
    #[arg(long)]
    pub user_sig: String,
    /// The user the bot talks with.
    #[arg(long)]
    pub target_user_id: String,
    /// Your id for the conversation, to find it later and avoid starting it twice.
    #[arg(long)]
    pub session_id: Option<String>,
    /// LLM settings as the JSON text TRTC documents ({"LLMType":"openai","Model":…}).
    #[arg(long)]
    pub llm_config: Option<String>,
    /// TTS settings as the JSON text TRTC documents ({"TTSType":"flow",…}).
    #[arg(long)]
    pub tts_config: Option<String>,
    /// Region [default: TENCENTCLOUD_REGION].
    #[arg(long)]
    pub region: Option<String>,
}

/// `trtc describe`.
#[derive(Debug, Args)]
pub struct TrtcDescribeArgs {
    /// The task (a TaskId, or `trtc:[<region>/]<TaskId>`).
    #[arg(required_unless_present = "session_id")]
    pub task: Option<String>,
    /// Find the task by the SessionId given at start instead.
    #[arg(long, conflicts_with = "task")]
    pub session_id: Option<String>,
    /// Region [default: TENCENTCLOUD_REGION].
    #[arg(long)]
    pub region: Option<String>,
}

/// `sim …`.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve the simulated APIs on 127.0.0.1 until interrupted.
    Serve(aithreads_sim::ServeArgs),
}
