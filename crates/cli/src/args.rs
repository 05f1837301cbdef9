//! The command line, as clap types.

use std::path::PathBuf;
use std::time::Duration;

use aithreads::{Order, ProviderKind, Status};
use clap::{Args, Parser, Subcommand, ValueEnum};
use time::OffsetDateTime;

use crate::timearg::time_arg;

const AFTER_HELP: &str = "\
Threads are named by references: revcent:<20-char id>, trtc:<TaskId> or trtc:<region>/<TaskId>,
chatkit:<thread id>. Pass `-` to read references from stdin: one per line, or the JSON/NDJSON
records aithreads prints (each carries `ref`), so `aithreads list … --output ndjson | aithreads
cancel -` works. `cancel` and `delete` also take --provider and the selection flags of `list`
instead of references; --dry-run shows what they would do.

Configuration, first found wins: --profile NAME, then the environment:
  RevCent  REVCENT_API_KEY, REVCENT_BASE_URL
  TRTC     TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_TOKEN, TENCENTCLOUD_REGION,
           TENCENTCLOUD_TRTC_ENDPOINT
  ChatKit  OPENAI_API_KEY, OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_BASE_URL
then the profile AITHREADS_PROFILE names (else `default`) in ~/.config/aithreads/config.toml,
then Tencent's ~/.tencentcloud/credentials. `aithreads doctor` shows what is used and checks it.

Times are RFC 3339 (2026-11-20T08:00:00Z), a date (2026-11-20: midnight UTC), `today`,
`yesterday`, `now`, unix seconds, or a duration ago (90m, 2h, 3d). Tables show times in UTC
(--local: in this machine's zone), labelled in the header.
Exit codes: 0 all done (an already-ended cancel and an ignored not-found count as done), 1 some
items failed, 2 usage or configuration error (nothing was sent), 130 interrupted.

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

    /// Only these keys of each record, in this order (JSON, NDJSON, CSV), or these columns
    /// (table): e.g. --fields ref,status,created_at.
    #[arg(long, global = true, value_delimiter = ',', value_name = "FIELD,…")]
    pub fields: Vec<String>,

    /// Show times in tables in this machine's time zone instead of UTC.
    #[arg(long, global = true)]
    pub local: bool,

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
    /// Comma-separated values with a header line (RFC 4180).
    Csv,
    /// One thread reference per line: the threads shown, or those acted on.
    Refs,
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

    /// Cancel RevCent threads or stop TRTC conversations, by reference or by selection.
    ///
    /// An already-ended thread counts as done. By selection (--provider and the selection
    /// flags), the running and pending threads are picked unless --status says otherwise,
    /// over RevCent's whole 60-day retention unless --since says otherwise; it asks first on
    /// a terminal and needs --yes elsewhere.
    Cancel(ActArgs),

    /// Delete ChatKit threads with their items, by reference or by selection.
    ///
    /// Asks first on a terminal and needs --yes elsewhere.
    Delete(ActArgs),

    /// Export every thread of a provider in a time range as NDJSON or Parquet, resumably.
    Export(ExportArgs),

    /// List the items (messages, tool calls, widgets, tasks) of a ChatKit thread.
    Items(ItemsArgs),

    /// Follow threads until every one has ended, printing each status change as it happens.
    ///
    /// Polls each thread every --interval, within the providers' request limits (TRTC
    /// DescribeAIConversation: 20 requests/s), and exits 0 once every thread has ended
    /// (completed, cancelled, failed, or gone after it ended); 1 when some could not be
    /// followed or on Ctrl-C. Table lines, or one JSON event per line
    /// ({"ref","from","to","provider_status","at"}) with --output json or ndjson.
    Watch(WatchArgs),

    /// TRTC-only calls: start, describe, update and control AI conversations.
    #[command(subcommand)]
    Trtc(TrtcCommand),

    /// Check the configuration and each configured provider's account, reading only:
    /// where every setting comes from, endpoint, clock, credentials, RevCent's page base,
    /// TRTC's site and region. Exit 0 all passed, 1 a check failed, 2 configuration error.
    Doctor,

    /// RevCent-only calls: trigger an AI assistant.
    #[command(subcommand)]
    Revcent(RevcentCommand),

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
    /// Threads created more than this long ago (2h, 30d): --until now minus DURATION.
    #[arg(long, value_name = "DURATION", value_parser = duration_arg, conflicts_with = "until")]
    pub older_than: Option<std::time::Duration>,
    /// Only threads in these statuses (repeat or comma-separate).
    #[arg(long, value_parser = status_parser(), value_delimiter = ',')]
    pub status: Vec<Status>,
    /// Only threads of this end user (ChatKit).
    #[arg(long)]
    pub user: Option<String>,
    /// RevCent: allow ranges of up to N 2-day windows [default: 31, 62 days; RevCent keeps
    /// threads 60 days]. Longer ranges are refused before any request.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_windows: Option<u64>,
    /// Only threads run by this AI assistant (RevCent: a 20-character AI assistant id).
    #[arg(long)]
    pub assistant: Option<String>,
}

impl Selection {
    /// The selection flags given, by name, for messages.
    pub fn flags_given(&self) -> Vec<&'static str> {
        [
            ("--since", self.since.is_some()),
            ("--until", self.until.is_some()),
            ("--older-than", self.older_than.is_some()),
            ("--status", !self.status.is_empty()),
            ("--user", self.user.is_some()),
            ("--assistant", self.assistant.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    }
}

/// Parses a duration such as `90m`, `2h` or `30d`.
fn duration_arg(text: &str) -> Result<std::time::Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|_| format!("`{text}` is not a duration: use e.g. 90m, 2h or 30d"))
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
    /// Newest first (desc) or oldest first (asc) [default: desc where the provider can].
    #[arg(long, value_enum)]
    pub order: Option<OrderArg>,
    /// Show at most this many threads.
    #[arg(long, short = 'n', default_value_t = 25, conflicts_with = "all")]
    pub limit: usize,
    /// Show every matching thread, walking all pages.
    #[arg(long)]
    pub all: bool,
    /// Then follow the listed threads until each has ended, as `watch` does.
    #[arg(long)]
    pub watch: bool,
    /// How often --watch polls each thread.
    #[arg(long, value_parser = interval_arg, default_value = "2s", requires = "watch")]
    pub interval: Duration,
}

/// `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The threads.
    #[command(flatten)]
    pub refs: RefsArgs,
    /// How often each thread is polled (at least 100ms).
    #[arg(long, value_parser = interval_arg, default_value = "2s")]
    pub interval: Duration,
}

/// Parses a polling interval: a duration such as `500ms`, `2s` or `1m`, at least 100ms.
fn interval_arg(text: &str) -> Result<Duration, String> {
    let interval = humantime::parse_duration(text.trim())
        .map_err(|e| format!("`{text}` is not a duration such as 500ms, 2s or 1m: {e}"))?;
    if interval < Duration::from_millis(100) {
        return Err(format!(
            "`{text}` is shorter than the shortest interval, 100ms"
        ));
    }
    Ok(interval)
}

/// Commands that take thread references.
#[derive(Debug, Args)]
pub struct RefsArgs {
    /// Thread references (revcent:…, trtc:…, chatkit:…); `-` reads them from stdin.
    #[arg(required = true, value_name = "REF")]
    pub refs: Vec<String>,
}

/// `cancel` and `delete`: references, or a provider and a selection.
#[derive(Debug, Args)]
pub struct ActArgs {
    /// Thread references; `-` reads them from stdin (references, or aithreads' JSON/NDJSON
    /// records).
    #[arg(value_name = "REF", required_unless_present = "provider")]
    pub refs: Vec<String>,
    /// Act on the threads of this provider that the selection flags pick, instead of
    /// references.
    #[arg(long, short = 'p', value_enum, conflicts_with = "refs")]
    pub provider: Option<ListProvider>,
    /// Which threads, with --provider.
    #[command(flatten)]
    pub selection: Selection,
    /// Show what would be done to each thread, with its current status; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (needed when stdin or stderr is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Count a thread that does not exist as done (`not found (ignored)`).
    #[arg(long)]
    pub ignore_not_found: bool,
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
    /// Write to this file instead of stdout (as FILE.partial until finished, with a
    /// checkpoint and an error report beside it), or to an object-store URL
    /// (s3://bucket/prefix/, gs://…, az://…, file:///…; a URL ending in / is a folder).
    #[arg(long = "out", short = 'o', value_name = "FILE|URL")]
    pub out: Option<PathBuf>,
    /// Split the output into Hive-style folders by creation day:
    /// provider=P/date=YYYY-MM-DD/part-NNNNN.EXT (the output is then a folder).
    #[arg(long, value_enum, requires = "out")]
    pub partition: Option<PartitionArg>,
    /// Output format [default: parquet for a .parquet name, else ndjson].
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Fetch every thread in full, with its messages or items (one more request per thread).
    #[arg(long)]
    pub transcripts: bool,
    /// Continue an interrupted export of the same output from its checkpoint (with the
    /// provider, range and filters it started with).
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Stop at the first thread whose transcript cannot be fetched, instead of reporting it
    /// in FILE.errors.ndjson and going on.
    #[arg(long)]
    pub fail_fast: bool,
    /// Keep each provider's full record (`record`) in the export.
    #[arg(long)]
    pub raw: bool,
}

/// How exports are partitioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartitionArg {
    /// By the UTC day each thread was created.
    Date,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line.
    Ndjson,
    /// Apache Parquet.
    Parquet,
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

/// Where `trtc` values that may be secret can come from, for the help text.
const TRTC_VALUES_HELP: &str = "\
Values that may hold secrets (--user-sig, and the JSON of --llm-config, --tts-config and
--avatar-config, which carry API keys) can stay off the command line, where `ps` shows them:
give @FILE to read a file, - to read stdin (once per command), or set the variable named in
the option's help. JSON options take the JSON text itself, @FILE or -.";

/// `trtc …`.
#[derive(Debug, Subcommand)]
pub enum TrtcCommand {
    /// Start an AI conversation: the bot joins the room and talks with the target user.
    /// Prints the new task's reference, trtc:<region>/<TaskId>.
    #[command(after_help = TRTC_VALUES_HELP)]
    Start(TrtcStartArgs),
    /// Show the status of a conversation by TaskId or SessionId.
    Describe(TrtcDescribeArgs),
    /// Change a running conversation's welcome message, interruption, LLM or TTS settings;
    /// what is not given is not changed.
    #[command(after_help = TRTC_VALUES_HELP)]
    Update(TrtcUpdateArgs),
    /// Make the bot speak a text, ask its LLM, or pass data through to the client.
    Control(TrtcControlArgs),
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
    /// The bot's UserSig: the value, @FILE, or - for stdin.
    #[arg(long, env = "AITHREADS_TRTC_USER_SIG", hide_env_values = true)]
    pub user_sig: String,
    /// The user the bot talks with.
    #[arg(long)]
    pub target_user_id: String,
    /// Your id for the conversation, to find it later and avoid starting it twice.
    #[arg(long)]
    pub session_id: Option<String>,
    /// The bot's greeting.
    #[arg(long)]
    pub welcome_message: Option<String>,
    /// The LLM and TTS settings.
    #[command(flatten)]
    pub engines: TrtcEngineArgs,
    /// Digital human settings, the JSON text TRTC documents (AvatarConfig): JSON, @FILE or -.
    #[arg(long, env = "AITHREADS_TRTC_AVATAR_CONFIG", hide_env_values = true)]
    pub avatar_config: Option<String>,
    /// Speech recognition settings, a JSON object (STTConfig: {"Language":"en",…}): JSON,
    /// @FILE or -.
    #[arg(long)]
    pub stt_config: Option<String>,
    /// Region [default: TENCENTCLOUD_REGION].
    #[arg(long)]
    pub region: Option<String>,
}

/// The LLM and TTS settings of `trtc start` and `trtc update`.
#[derive(Debug, Args)]
pub struct TrtcEngineArgs {
    /// LLM settings, the JSON text TRTC documents ({"LLMType":"openai","Model":…,"APIKey":…}):
    /// JSON, @FILE or -.
    #[arg(long, env = "AITHREADS_TRTC_LLM_CONFIG", hide_env_values = true)]
    pub llm_config: Option<String>,
    /// TTS settings, the JSON text TRTC documents ({"TTSType":"flow",…}): JSON, @FILE or -.
    #[arg(long, env = "AITHREADS_TRTC_TTS_CONFIG", hide_env_values = true)]
    pub tts_config: Option<String>,
}

/// `trtc update`.
#[derive(Debug, Args)]
pub struct TrtcUpdateArgs {
    /// The task (a TaskId, or `trtc:[<region>/]<TaskId>`).
    pub task: String,
    /// The bot's new greeting.
    #[arg(long)]
    pub welcome_message: Option<String>,
    /// Interruption: 0 the server interrupts the bot when the user speaks, 1 the client does.
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1))]
    pub interrupt_mode: Option<u64>,
    /// With interrupt mode 0: milliseconds of speech that interrupt the bot.
    #[arg(long)]
    pub interrupt_speech_duration: Option<u64>,
    /// The new LLM and TTS settings.
    #[command(flatten)]
    pub engines: TrtcEngineArgs,
    /// Region [default: the reference's, else TENCENTCLOUD_REGION].
    #[arg(long)]
    pub region: Option<String>,
}

/// `trtc control`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("command").required(true)))]
pub struct TrtcControlArgs {
    /// The task (a TaskId, or `trtc:[<region>/]<TaskId>`).
    pub task: String,
    /// Have the bot say this text (command ServerPushText).
    #[arg(long, group = "command")]
    pub say: Option<String>,
    /// Send this text to the bot's LLM, as if the user had said it (command InvokeLLM).
    #[arg(long, group = "command")]
    pub invoke_llm: Option<String>,
    /// Pass this data through to the client (command TransparentData): text, @FILE or -.
    #[arg(long, group = "command")]
    pub transparent_data: Option<String>,
    /// The text may interrupt the bot while it speaks (--say, --invoke-llm).
    #[arg(long)]
    pub interrupt: bool,
    /// End the conversation once the text has been said (--say).
    #[arg(long, requires = "say")]
    pub stop_after_play: bool,
    /// Add the text to the LLM's history (--say).
    #[arg(long, requires = "say")]
    pub add_history: bool,
    /// Region [default: the reference's, else TENCENTCLOUD_REGION].
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

/// `revcent …`.
#[derive(Debug, Subcommand)]
pub enum RevcentCommand {
    /// Trigger an AI assistant (its trigger setting must be `on_demand`): RevCent starts a
    /// new AI thread, whose reference is printed.
    Trigger(RevcentTriggerArgs),
}

/// `revcent trigger`.
#[derive(Debug, Args)]
pub struct RevcentTriggerArgs {
    /// The AI assistant's 20-character id.
    #[arg(value_name = "ASSISTANT_ID")]
    pub assistant: String,
    /// The TriggerAIAssistant body as JSON text, or `@FILE` to read it from a file:
    /// {"source_type":"item","item_type":"sale","item_id":"…"}, {"messages":[…]}, or
    /// {"previous_ai_thread":{"ai_thread_id":"…"}}; other members are sent as given.
    #[arg(long, value_name = "JSON|@FILE")]
    pub body: Option<String>,
}

/// `sim …`.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Serve the simulated APIs on 127.0.0.1 until interrupted.
    Serve(aithreads_sim::ServeArgs),
}
