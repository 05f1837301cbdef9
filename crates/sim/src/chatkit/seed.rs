//! Deterministic ChatKit data: threads, their items, and ids in OpenAI's formats.
//!
//! Everything derives from the simulator's seed and "now" through a hash, never from the
//! order of calls: thread `i` and its items are the same whichever thread is asked for first,
//! so items are generated when asked for instead of being stored (millions of threads fit in
//! memory). The first three threads are active, locked and closed, and every thread's first
//! exchange holds each of the six item types, so any seeded state covers every variant.

use aithreads_openai_chatkit::generated::{
    ActiveStatus, Annotation, AssistantMessageItem, Attachment, AttachmentType, ClientToolCallItem,
    ClientToolCallStatus, ClosedStatus, FileAnnotation, FileAnnotationSource, InferenceOptions,
    LockedStatus, ResponseOutputText, TaskGroupItem, TaskGroupTask, TaskItem, TaskType, ThreadItem,
    ThreadResource, ThreadStatus, ToolChoice, UrlAnnotation, UrlAnnotationSource,
    UserMessageContent, UserMessageInputText, UserMessageItem, UserMessageQuotedText,
    WidgetMessageItem,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// The end users seeded threads belong to.
pub const USERS: [&str; 6] = [
    "user_alice",
    "user_bob",
    "user_carmen",
    "user_dmitri",
    "user_emeka",
    "user_fatima",
];

/// Seeded threads are created within this many seconds before "now" (30 days)…
const SPREAD_SECONDS: i64 = 30 * 24 * 3600;
/// …and at least this long before it, so their items are in the past too.
const MIN_AGE_SECONDS: i64 = 3600;

/// SplitMix64's finaliser: a well-mixed 64-bit hash.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of two numbers.
pub fn mix(a: u64, b: u64) -> u64 {
    splitmix(a ^ splitmix(b))
}

/// An id like OpenAI's: a prefix and 32 hex digits derived from `(a, b)`.
pub fn id(prefix: &str, a: u64, b: u64) -> String {
    format!("{prefix}{:016x}{:016x}", mix(a, b), mix(b, a ^ 0x5DEECE66D))
}

/// One support conversation a thread can be about.
struct Scenario {
    title: &'static str,
    ask: &'static str,
    tool: &'static str,
    arguments: &'static str,
    output: &'static str,
    thought: &'static str,
    answer: &'static str,
    source: Source,
    widget: &'static str,
    follow_up: &'static str,
    follow_up_answer: &'static str,
}

enum Source {
    File(&'static str),
    Url(&'static str),
}

const SCENARIOS: [Scenario; 6] = [
    Scenario {
        title: "Where is order #4821?",
        ask: "Where is my order #4821? It was supposed to arrive on Tuesday.",
        tool: "lookup_order",
        arguments: r#"{"order_id":"4821"}"#,
        output: r#"{"status":"in_transit","carrier":"UPS","eta":"2024-04-11"}"#,
        thought: "The customer wants a delivery status; the order tool has the carrier scan.",
        answer: "Order #4821 left our Denver warehouse on Monday and is with UPS now. The latest \
                 scan puts delivery on Thursday, April 11.",
        source: Source::File("shipping-policy.pdf"),
        widget: r#"{"type":"Card","size":"sm","children":[{"type":"Title","value":"Order #4821"},{"type":"Text","value":"In transit with UPS, arriving Thu, Apr 11"}]}"#,
        follow_up: "Can I change the delivery address to my office?",
        follow_up_answer: "The parcel is already with the carrier, so I can't change the address, \
                           but UPS My Choice lets you redirect it to a nearby Access Point.",
    },
    Scenario {
        title: "Refund for a damaged blender",
        ask: "My blender arrived with a cracked jar. I'd like a refund please.",
        tool: "create_return",
        arguments: r#"{"order_id":"5190","reason":"damaged","resolution":"refund"}"#,
        output: r#"{"return_id":"RMA-77812","label_url":"https://returns.example.com/RMA-77812"}"#,
        thought: "Damaged on arrival qualifies for a full refund without a restocking fee.",
        answer: "I'm sorry it arrived damaged. I've opened return RMA-77812 for a full refund; \
                 the prepaid label is in your email and the refund posts within 5 business days \
                 of the scan.",
        source: Source::Url("https://help.example.com/returns"),
        widget: r#"{"type":"Card","children":[{"type":"Title","value":"Return RMA-77812"},{"type":"Button","label":"Print label","onClickAction":{"type":"open_url"}}]}"#,
        follow_up: "Do I need the original box?",
        follow_up_answer: "No, any sturdy box works as long as the jar is padded.",
    },
    Scenario {
        title: "Locked out after password reset",
        ask: "I reset my password but now the app says my account is locked.",
        tool: "get_account_status",
        arguments: r#"{"email":"carmen@example.com"}"#,
        output: r#"{"locked":true,"reason":"too_many_attempts","unlock_at":"2024-04-09T16:30:00Z"}"#,
        thought: "Five failed sign-ins trigger a 30 minute lock; it clears by itself.",
        answer: "Your account was locked after five failed sign-in attempts. It unlocks \
                 automatically at 16:30 UTC; after that, sign in with the new password.",
        source: Source::Url("https://help.example.com/account-lockout"),
        widget: r#"{"type":"Card","children":[{"type":"Text","value":"Unlocks at 16:30 UTC"}]}"#,
        follow_up: "Can you unlock it now instead?",
        follow_up_answer: "I can't lift the lock early, but I've sent a one-time sign-in link that \
                           works as soon as it clears.",
    },
    Scenario {
        title: "Invoice shows a double charge",
        ask: "My March invoice shows the Pro plan twice. Was I charged double?",
        tool: "list_invoice_lines",
        arguments: r#"{"invoice":"INV-2024-0317"}"#,
        output: r#"{"lines":[{"plan":"pro","amount":4900},{"plan":"pro","amount":-4900,"type":"proration"}]}"#,
        thought: "The second line is a proration credit from the plan change, not a charge.",
        answer: "You weren't charged twice: the second Pro line is a proration credit of -$49.00 \
                 from your plan change on March 3, so the invoice total is $49.00.",
        source: Source::File("INV-2024-0317.pdf"),
        widget: r#"{"type":"Card","children":[{"type":"Title","value":"INV-2024-0317"},{"type":"Text","value":"Total $49.00"}]}"#,
        follow_up: "OK, and when is the next payment?",
        follow_up_answer: "The next payment of $49.00 is due on April 3.",
    },
    Scenario {
        title: "Onboarding workflow fails",
        ask: "I need help debugging an onboarding issue.",
        tool: "get_workflow_runs",
        arguments: r#"{"workflow":"onboarding","limit":5}"#,
        output: r#"{"runs":[{"id":"run_91","status":"failed","error":"missing state variable 'plan'"}]}"#,
        thought: "The last runs fail on a missing state variable, a version mismatch is likely.",
        answer: "Let's start by confirming the workflow version you deployed. The last five runs \
                 failed with \"missing state variable 'plan'\", which version 3 added.",
        source: Source::Url("https://platform.openai.com/docs/guides/chatkit"),
        widget: r#"{"type":"ListView","children":[{"type":"ListViewItem","children":[{"type":"Text","value":"run_91 failed"}]}]}"#,
        follow_up: "We are still on version 2 in production.",
        follow_up_answer: "That explains it: pass `plan` as a state variable or pin the session to \
                           version 2.",
    },
    Scenario {
        title: "Hiking boots for wide feet",
        ask: "Which of your hiking boots come in wide sizes? I usually wear a 10.5 EE.",
        tool: "search_catalog",
        arguments: r#"{"category":"hiking_boots","width":"wide","size":"10.5"}"#,
        output: r#"{"results":[{"sku":"TRK-220W","name":"Ridgeline Mid Wide"},{"sku":"TRK-310W","name":"Summit GTX Wide"}]}"#,
        thought: "Two models are stocked in EE at 10.5.",
        answer: "Two models come in wide: the Ridgeline Mid Wide and the waterproof Summit GTX \
                 Wide, both in stock in 10.5 EE.",
        source: Source::File("size-guide.pdf"),
        widget: r#"{"type":"Card","children":[{"type":"Title","value":"Ridgeline Mid Wide"},{"type":"Text","value":"$139"}]}"#,
        follow_up: "Is the Summit GTX good for snow?",
        follow_up_answer: "It handles light snow well; for deep snow we recommend pairing it with \
                           gaiters.",
    },
];

const LOCK_REASONS: [Option<&str>; 3] = [
    Some("Escalated to a human agent"),
    Some("Flagged for policy review"),
    None,
];
const CLOSE_REASONS: [Option<&str>; 3] = [
    Some("Resolved"),
    Some("Closed after 30 days of inactivity"),
    None,
];

/// Seeded thread number `index`: owner, title, status and time from `(seed, index)`.
pub fn thread(seed: u64, now: i64, index: u64) -> ThreadResource {
    let mut rng = StdRng::seed_from_u64(mix(seed, index));
    let scenario = &SCENARIOS[rng.random_range(0..SCENARIOS.len())];
    let status = match index {
        0 => active(),
        1 => locked(&mut rng),
        2 => closed(&mut rng),
        _ => match rng.random_range(0..20) {
            0..12 => active(),
            12..15 => locked(&mut rng),
            _ => closed(&mut rng),
        },
    };
    let created_at = now - MIN_AGE_SECONDS - rng.random_range(0..SPREAD_SECONDS);
    // Titles are null until ChatKit generates one.
    let title = (!rng.random_bool(0.15)).then(|| scenario.title.to_owned());
    let user = USERS[rng.random_range(0..USERS.len())];
    let mut thread = ThreadResource::new(
        id("cthr_", seed, index),
        "chatkit.thread",
        created_at,
        status,
        user,
    );
    thread.title = title;
    thread
}

fn active() -> ThreadStatus {
    ThreadStatus::Active(ActiveStatus::default())
}

fn locked(rng: &mut StdRng) -> ThreadStatus {
    let mut status = LockedStatus::default();
    status.reason = LOCK_REASONS
        .choose(rng)
        .copied()
        .flatten()
        .map(str::to_owned);
    ThreadStatus::Locked(status)
}

fn closed(rng: &mut StdRng) -> ThreadStatus {
    let mut status = ClosedStatus::default();
    status.reason = CLOSE_REASONS
        .choose(rng)
        .copied()
        .flatten()
        .map(str::to_owned);
    ThreadStatus::Closed(status)
}

/// The items of `thread`, oldest first, from `item_seed`.
///
/// A conversation about one scenario: the first exchange has a user message, a thought, a
/// client tool call, a task group, an assistant message with a source, and a widget; up to
/// two follow-ups quote the previous answer. An active thread may end on a tool call still in
/// progress.
pub fn items(thread: &ThreadResource, item_seed: u64) -> Vec<ThreadItem> {
    let mut rng = StdRng::seed_from_u64(item_seed);
    let scenario = &SCENARIOS[rng.random_range(0..SCENARIOS.len())];
    let mut maker = Maker {
        thread_id: &thread.id,
        seed: item_seed,
        time: thread.created_at,
        count: 0,
    };
    let mut items = vec![
        maker.user(&mut rng, scenario),
        maker.task(scenario),
        maker.tool_call(scenario, true),
        maker.task_group(scenario),
        maker.assistant(scenario.answer, Some(&scenario.source)),
        maker.widget(scenario),
    ];
    for _ in 0..rng.random_range(0..=2) {
        items.push(maker.follow_up(scenario));
        items.push(maker.assistant(scenario.follow_up_answer, None));
    }
    if matches!(thread.status, ThreadStatus::Active(_)) && rng.random_bool(0.5) {
        items.push(maker.tool_call(scenario, false));
    }
    items
}

/// Builds items with increasing times and fresh ids.
struct Maker<'a> {
    thread_id: &'a str,
    seed: u64,
    time: i64,
    count: u64,
}

impl Maker<'_> {
    /// The common fields of the next item: id, object, created_at, thread_id.
    fn next(&mut self) -> (String, String, i64, String) {
        self.count += 1;
        self.time += 1 + (mix(self.seed, self.count) % 40) as i64;
        (
            id("cthi_", self.seed, self.count),
            "chatkit.thread_item".to_owned(),
            self.time,
            self.thread_id.to_owned(),
        )
    }

    fn user(&mut self, rng: &mut StdRng, scenario: &Scenario) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        let attachments = match rng.random_range(0..4) {
            0 => vec![
                Attachment::new(
                    AttachmentType::Image,
                    format!("cfile_{}", &id[5..21]),
                    "screenshot.png",
                    "image/png",
                )
                .with_preview_url(format!(
                    "https://files.example.com/previews/{}.png",
                    &id[5..21]
                )),
            ],
            1 => vec![Attachment::new(
                AttachmentType::File,
                format!("cfile_{}", &id[5..21]),
                "receipt.pdf",
                "application/pdf",
            )],
            _ => Vec::new(),
        };
        let inference_options = rng.random_bool(0.5).then(|| {
            let mut options = InferenceOptions::default();
            options.tool_choice = rng.random_bool(0.5).then(|| ToolChoice::new(scenario.tool));
            options.model = rng.random_bool(0.5).then(|| "gpt-5".to_owned());
            options
        });
        let content = vec![UserMessageContent::InputText(UserMessageInputText::new(
            scenario.ask,
        ))];
        let mut item =
            UserMessageItem::new(id, object, created_at, thread_id, content, attachments);
        item.inference_options = inference_options;
        ThreadItem::UserMessage(item)
    }

    fn follow_up(&mut self, scenario: &Scenario) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        let quoted = scenario
            .answer
            .split(". ")
            .next()
            .unwrap_or(scenario.answer);
        let content = vec![
            UserMessageContent::QuotedText(UserMessageQuotedText::new(quoted)),
            UserMessageContent::InputText(UserMessageInputText::new(scenario.follow_up)),
        ];
        ThreadItem::UserMessage(UserMessageItem::new(
            id,
            object,
            created_at,
            thread_id,
            content,
            Vec::new(),
        ))
    }

    fn task(&mut self, scenario: &Scenario) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        ThreadItem::Task(
            TaskItem::new(id, object, created_at, thread_id, TaskType::Thought)
                .with_heading("Thinking")
                .with_summary(scenario.thought),
        )
    }

    fn tool_call(&mut self, scenario: &Scenario, completed: bool) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        let call_id = format!("call_{}", &id[5..29]);
        let status = if completed {
            ClientToolCallStatus::Completed
        } else {
            ClientToolCallStatus::InProgress
        };
        let mut item = ClientToolCallItem::new(
            id,
            object,
            created_at,
            thread_id,
            status,
            call_id,
            scenario.tool,
            scenario.arguments,
        );
        item.output = completed.then(|| scenario.output.to_owned());
        ThreadItem::ClientToolCall(item)
    }

    fn task_group(&mut self, scenario: &Scenario) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        let tasks = vec![
            TaskGroupTask::new(TaskType::Custom)
                .with_heading(format!("Called {}", scenario.tool))
                .with_summary("Result received"),
            TaskGroupTask::new(TaskType::Thought).with_summary("Drafted the reply"),
        ];
        ThreadItem::TaskGroup(TaskGroupItem::new(id, object, created_at, thread_id, tasks))
    }

    fn assistant(&mut self, text: &str, source: Option<&Source>) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        let annotations = source
            .map(|source| match source {
                Source::File(filename) => Annotation::File(FileAnnotation::new(
                    FileAnnotationSource::new("file", *filename),
                )),
                Source::Url(url) => {
                    Annotation::Url(UrlAnnotation::new(UrlAnnotationSource::new("url", *url)))
                }
            })
            .into_iter()
            .collect();
        let content = vec![ResponseOutputText::new("output_text", text, annotations)];
        ThreadItem::AssistantMessage(AssistantMessageItem::new(
            id, object, created_at, thread_id, content,
        ))
    }

    fn widget(&mut self, scenario: &Scenario) -> ThreadItem {
        let (id, object, created_at, thread_id) = self.next();
        ThreadItem::Widget(WidgetMessageItem::new(
            id,
            object,
            created_at,
            thread_id,
            scenario.widget,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_openai_prefixes_and_32_hex_digits() {
        let thread = thread(7, 1_712_345_600, 3);
        assert!(
            thread.id.starts_with("cthr_") && thread.id.len() == 37,
            "{}",
            thread.id
        );
        assert!(thread.id[5..].chars().all(|c| c.is_ascii_hexdigit()));
        for item in items(&thread, 99) {
            let value = serde_json::to_value(&item).unwrap();
            let id = value["id"].as_str().unwrap();
            assert!(id.starts_with("cthi_") && id.len() == 37, "{id}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let a = thread(7, 1_712_345_600, 42);
        assert_eq!(a, thread(7, 1_712_345_600, 42));
        assert_ne!(a.id, thread(8, 1_712_345_600, 42).id);
        assert_eq!(items(&a, 5), items(&a, 5));
    }

    #[test]
    fn items_move_forward_in_time_and_cover_every_type() {
        let thread = thread(1, 1_712_345_600, 0);
        let items = items(&thread, 3);
        let times: Vec<i64> = items
            .iter()
            .map(|i| {
                serde_json::to_value(i).unwrap()["created_at"]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
        assert!(times[0] > thread.created_at);
        let tags: Vec<&str> = items.iter().map(ThreadItem::tag).collect();
        for tag in [
            "chatkit.user_message",
            "chatkit.assistant_message",
            "chatkit.widget",
            "chatkit.client_tool_call",
            "chatkit.task",
            "chatkit.task_group",
        ] {
            assert!(tags.contains(&tag), "{tag} missing from {tags:?}");
        }
    }

    #[test]
    fn the_first_threads_cover_every_status() {
        let tags: Vec<String> = (0..3)
            .map(|i| thread(9, 1_712_345_600, i).status.tag().to_owned())
            .collect();
        assert_eq!(tags, ["active", "locked", "closed"]);
    }
}
