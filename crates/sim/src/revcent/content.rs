//! What a seeded thread says: derived on demand from the seed and the thread's key, so the
//! simulator stores a few numbers per thread and can hold millions.
//!
//! Everything here is a pure function of ([`Seeding`], [`Record`]): listing a thread twice,
//! or listing and then fetching it, gives the same fields.

use aithreads_revcent::generated::{
    AiAssistantRef, AiThread, AiThreadStatus, ApiAccountRef, Message, MessagePreviousThread,
    MessageRole, PreviousThread, ThirdParty, ThirdPartyIntegration, ToolCall, Trigger,
    TriggerApiCall, TriggerSource, WebUser,
};

use super::ids::{mix, thread_id, token};

/// Seeded threads are created over this many seconds before "now".
pub const SEED_SPAN_SECS: i64 = 30 * 86_400;

/// Status codes as stored (see [`status_of`]): `Running`.
pub const RUNNING: u8 = 0;
/// `Complete`.
pub const COMPLETE: u8 = 1;
/// `Timer`.
pub const TIMER: u8 = 2;
/// `Cancelled`.
pub const CANCELLED: u8 = 3;
/// `Error`.
pub const ERROR: u8 = 4;

/// The status a stored code stands for.
pub fn status_of(code: u8) -> AiThreadStatus {
    match code {
        RUNNING => AiThreadStatus::Running,
        COMPLETE => AiThreadStatus::Complete,
        TIMER => AiThreadStatus::Timer,
        CANCELLED => AiThreadStatus::Cancelled,
        _ => AiThreadStatus::Error,
    }
}

/// The stored code of a status; statuses outside the documented five are stored as `Error`.
pub fn code_of(status: &AiThreadStatus) -> u8 {
    match status {
        AiThreadStatus::Running => RUNNING,
        AiThreadStatus::Complete => COMPLETE,
        AiThreadStatus::Timer => TIMER,
        AiThreadStatus::Cancelled => CANCELLED,
        _ => ERROR,
    }
}

/// Seeded statuses repeat this 20-slot pattern, so any 20 consecutive threads hold all five
/// statuses: mostly `Complete`, some `Running`, `Timer`, `Error` and `Cancelled`.
const STATUS_CYCLE: [u8; 20] = [
    COMPLETE, RUNNING, COMPLETE, TIMER, COMPLETE, ERROR, COMPLETE, CANCELLED, COMPLETE, COMPLETE,
    RUNNING, COMPLETE, COMPLETE, TIMER, COMPLETE, COMPLETE, ERROR, COMPLETE, CANCELLED, RUNNING,
];

/// What one thread is, as the state stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// The key its id encodes.
    pub key: u32,
    /// `created_date_unix`.
    pub created: i64,
    /// `updated_date_unix`.
    pub updated: i64,
    /// Status code.
    pub status: u8,
    /// A message count chosen when the thread was inserted; seeded threads derive theirs.
    pub messages: Option<u32>,
    /// The assistant ([`ASSISTANTS`] index) a TriggerAIAssistant call started it for;
    /// other threads derive theirs and how they were triggered.
    pub triggered: Option<u8>,
}

/// The seeded population: enough to derive any seeded thread from its key.
#[derive(Debug, Clone, Copy)]
pub struct Seeding {
    /// The simulator's seed.
    pub seed: u64,
    /// "Now" for seeding (unix seconds).
    pub now: i64,
    /// How many threads were seeded (keys `0..count`).
    pub count: u32,
}

impl Seeding {
    /// The record of seeded thread `key`: created times rise with the key (ties keep key
    /// order), spread over the 30 days before `now`.
    pub fn record(&self, key: u32) -> Record {
        let created = self.created(key);
        let status = STATUS_CYCLE[((u64::from(key) + self.seed) % 20) as usize];
        let p = Profile::new(self.seed, key);
        let updated = (created + p.duration_secs()).min(self.now).max(created);
        Record {
            key,
            created,
            updated,
            status,
            messages: None,
            triggered: None,
        }
    }

    /// `created_date_unix` of seeded thread `key`: `start + (key·span + r) / count` with
    /// `r < span`, non-decreasing in `key`.
    pub fn created(&self, key: u32) -> i64 {
        let span = SEED_SPAN_SECS as u128;
        let r = u128::from(mix(self.seed ^ 0xC2EA_7ED0 ^ u64::from(key))) % span;
        let offset = (u128::from(key) * span + r) / u128::from(self.count.max(1));
        self.now - SEED_SPAN_SECS + offset as i64
    }

    /// The AI assistant of thread `key`, unless it was triggered for another.
    pub fn assistant(&self, key: u32) -> &'static Assistant {
        &ASSISTANTS[Profile::new(self.seed, key).pick(0, ASSISTANTS.len())]
    }

    /// The AI assistant of the thread `record`.
    pub fn assistant_of(&self, record: &Record) -> &'static Assistant {
        match record.triggered {
            Some(index) => &ASSISTANTS[usize::from(index) % ASSISTANTS.len()],
            None => self.assistant(record.key),
        }
    }

    /// The thread as the API shows it; messages only when `with_messages` (GetAIThread).
    pub fn thread(&self, record: &Record, with_messages: bool) -> AiThread {
        let p = Profile::new(self.seed, record.key);
        let assistant = self.assistant_of(record);
        let integration = &INTEGRATIONS[p.pick(16, INTEGRATIONS.len())];
        let count = record.messages.unwrap_or_else(|| p.message_count());
        let previous = self.previous(record);
        let messages = with_messages
            .then(|| self.messages(record, &p, assistant, integration, previous, count));
        let mut thread = AiThread::default()
            .with_created_date_unix(record.created)
            .with_id(thread_id(self.seed, record.key))
            .with_status(status_of(record.status))
            .with_message_count(i64::from(count))
            .with_total_tokens(i64::from(count) * p.tokens_per_message())
            .with_total_time_ms(i64::from(count) * p.ms_per_message())
            .with_trigger(self.trigger(&p, assistant, record.triggered.is_some()))
            .with_ai_assistant(assistant.reference())
            .with_third_party_integration(integration.reference())
            .with_updated_date_unix(record.updated);
        thread.messages = messages;
        thread.previous_ai_thread = previous.map(|key| {
            PreviousThread::default()
                .with_id(thread_id(self.seed, key))
                .with_ai_assistant(self.assistant(key).reference())
        });
        thread.time_delay_expires = (record.status == TIMER)
            .then(|| self.now.max(record.updated) + 600 + (p.bits(40, 17) as i64));
        thread
    }

    /// Seeded threads that follow an earlier thread (a handoff) name it.
    fn previous(&self, record: &Record) -> Option<u32> {
        let p = Profile::new(self.seed, record.key);
        let seeded = record.key < self.count && record.messages.is_none();
        (seeded && record.key > 0 && p.pick(24, 5) == 0)
            .then(|| record.key - 1 - p.pick(28, record.key.min(50) as usize) as u32)
    }

    /// How the thread was started: through the API when `by_api` (a TriggerAIAssistant
    /// call), else as its profile says.
    fn trigger(&self, p: &Profile, assistant: &Assistant, by_api: bool) -> Trigger {
        match if by_api { 0 } else { p.pick(8, 3) } {
            0 => {
                let account = &API_ACCOUNTS[p.pick(44, API_ACCOUNTS.len())];
                let by_assistant = !by_api && p.pick(48, 4) == 0;
                let mut api_call = TriggerApiCall::default()
                    .with_id(token(p.h ^ 0xA11, 20))
                    .with_api_account(
                        ApiAccountRef::default()
                            .with_id(account.0)
                            .with_name(account.1),
                    );
                api_call.ai_assistant =
                    by_assistant.then(|| ASSISTANTS[p.pick(52, ASSISTANTS.len())].reference());
                Trigger::default()
                    .with_source(TriggerSource::Api)
                    .with_api_call(api_call)
            }
            1 => {
                let user = &WEB_USERS[p.pick(44, WEB_USERS.len())];
                let web_user = WebUser::default()
                    .with_id(user.0)
                    .with_username(user.1)
                    .with_first_name(user.2)
                    .with_last_name(user.3);
                Trigger::default()
                    .with_source(TriggerSource::WebApp)
                    .with_web_user(web_user)
            }
            _ => Trigger::default()
                .with_source(TriggerSource::AccountEvent)
                .with_notation(assistant.events[p.pick(44, assistant.events.len())]),
        }
    }

    /// Exactly `count` messages: the instructions, a handed-over exchange when there is a
    /// previous thread, the task, tool call and tool result pairs, and a conclusion.
    fn messages(
        &self,
        record: &Record,
        p: &Profile,
        assistant: &Assistant,
        integration: &Integration,
        previous: Option<u32>,
        count: u32,
    ) -> Vec<Message> {
        let count = count as usize;
        let mut rng = p.h ^ 0x5EED_3E55;
        let mut next = || {
            rng = mix(rng);
            rng
        };
        let mut out: Vec<Message> = Vec::with_capacity(count);
        out.push(message(MessageRole::System, assistant.instructions.into()));
        if let Some(key) = previous.filter(|_| count >= 6) {
            let handed = MessagePreviousThread::default()
                .with_id(thread_id(self.seed, key))
                .with_created_date_unix(self.created(key));
            let from = self.assistant(key);
            for (role, text) in [
                (MessageRole::User, from.asks[0]),
                (MessageRole::Assistant, from.conclusions[0]),
            ] {
                out.push(message(role, text.into()).with_previous_ai_thread(handed.clone()));
            }
        }
        if out.len() + 1 < count {
            let ask = assistant.asks[(next() % assistant.asks.len() as u64) as usize];
            out.push(message(MessageRole::User, ask.into()));
        }
        let mut call = 0u32;
        while out.len() + 1 < count {
            call += 1;
            let tool = assistant.tools[(next() % assistant.tools.len() as u64) as usize];
            let call_id = format!("call_{}", token(next(), 24));
            let item = token(next(), 20);
            let tool_call = ToolCall::default()
                .with_id(call_id.clone())
                .with_type("function")
                .with_function_name(tool)
                .with_function_args(format!(r#"{{"{}":"{item}"}}"#, argument_of(tool)));
            out.push(
                self.reply(integration, &mut next, String::new())
                    .with_tool_calls(vec![tool_call]),
            );
            if out.len() + 1 < count {
                let result = tool_result(tool, &item, call, next());
                out.push(message(MessageRole::User, result).with_tool_call_id(call_id));
            }
        }
        if out.len() < count {
            let text =
                assistant.conclusions[(next() % assistant.conclusions.len() as u64) as usize];
            out.push(self.reply(integration, &mut next, text.into()));
        }
        // Spread the messages over the thread's lifetime, in order.
        let span = (record.updated - record.created).max(0);
        let n = out.len().max(1) as i64;
        for (i, m) in out.iter_mut().enumerate() {
            m.created_date_unix = Some(record.created + span * i as i64 / n);
        }
        out
    }

    fn reply(
        &self,
        integration: &Integration,
        next: &mut impl FnMut() -> u64,
        text: String,
    ) -> Message {
        let model = integration.models[(next() % integration.models.len() as u64) as usize];
        message(MessageRole::Assistant, text)
            .with_third_party_name(integration.site.1)
            .with_third_party_model(model)
    }
}

fn message(role: MessageRole, content: String) -> Message {
    Message::default().with_role(role).with_content(content)
}

fn argument_of(tool: &str) -> &'static str {
    match tool {
        "get_sale" | "refund_sale" => "sale_id",
        "get_customer" | "send_email" | "search_transactions" => "customer_id",
        "get_subscription" | "pause_subscription" => "subscription_id",
        "get_shipping" => "shipping_id",
        "get_chargeback" | "submit_chargeback_evidence" => "chargeback_id",
        _ => "item_id",
    }
}

fn tool_result(tool: &str, item: &str, call: u32, r: u64) -> String {
    let amount = (r % 50_000) as f64 / 100.0 + 9.99;
    match tool {
        "get_sale" | "refund_sale" => format!(
            r#"{{"sale_id":"{item}","status":"{}","amount":{amount:.2},"currency":"USD","items":{}}}"#,
            ["paid", "refunded", "partially_refunded"][(r % 3) as usize],
            1 + r % 4
        ),
        "get_customer" | "send_email" | "search_transactions" => format!(
            r#"{{"customer_id":"{item}","lifetime_value":{amount:.2},"sales":{},"last_sale_days_ago":{}}}"#,
            1 + r % 12,
            r % 90
        ),
        "get_shipping" => format!(
            r#"{{"shipping_id":"{item}","carrier":"{}","status":"{}"}}"#,
            ["USPS", "UPS", "FedEx"][(r % 3) as usize],
            ["in_transit", "delivered", "exception"][((r >> 8) % 3) as usize]
        ),
        _ => format!(r#"{{"id":"{item}","ok":true,"step":{call}}}"#),
    }
}

/// The hash every derived choice of one thread comes from.
struct Profile {
    h: u64,
}

impl Profile {
    fn new(seed: u64, key: u32) -> Self {
        Self {
            h: mix(seed ^ mix(u64::from(key) ^ 0x7EAD_0001)),
        }
    }

    fn bits(&self, shift: u32, width: u32) -> u64 {
        (self.h >> shift) & ((1u64 << width) - 1)
    }

    fn pick(&self, shift: u32, len: usize) -> usize {
        (self.bits(shift, 12) % len.max(1) as u64) as usize
    }

    /// 3 to 14 messages.
    fn message_count(&self) -> u32 {
        3 + self.bits(32, 8) as u32 % 12
    }

    fn tokens_per_message(&self) -> i64 {
        120 + self.bits(20, 10) as i64 % 380
    }

    fn ms_per_message(&self) -> i64 {
        700 + self.bits(4, 12) as i64 % 2_800
    }

    fn duration_secs(&self) -> i64 {
        5 + self.bits(12, 12) as i64 % 900
    }
}

/// One of the seeded AI assistants.
#[derive(Debug)]
pub struct Assistant {
    /// 20-character id.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// Whether its trigger setting is `on_demand`: only those can be triggered through the
    /// API (TriggerAIAssistant).
    pub on_demand: bool,
    instructions: &'static str,
    tools: &'static [&'static str],
    asks: &'static [&'static str],
    conclusions: &'static [&'static str],
    events: &'static [&'static str],
}

impl Assistant {
    fn reference(&self) -> AiAssistantRef {
        AiAssistantRef::default()
            .with_id(self.id)
            .with_name(self.name)
    }
}

/// The AI assistants seeded threads belong to.
pub static ASSISTANTS: [Assistant; 6] = [
    Assistant {
        id: "u8jzPde0IgxLd6GncfBA",
        name: "Order Support Agent",
        on_demand: true,
        instructions: "You are the order support assistant for an online store. Look up the sale and the customer before answering, never promise refunds above the sale amount, and leave a note on the sale summarising what you did.",
        tools: &[
            "get_sale",
            "get_customer",
            "get_shipping",
            "create_note",
            "send_email",
        ],
        asks: &[
            "A customer writes: \"I ordered two bottles last week and only one arrived. Can you check my order?\"",
            "Customer asks whether their order can still be changed to express shipping.",
            "Customer reports being charged twice for the same order and wants the duplicate refunded.",
        ],
        conclusions: &[
            "The sale shows two units; the shipment carried one. I created a note on the sale and emailed the customer that the missing unit ships today at no charge.",
            "The order has already left the warehouse, so the shipping method cannot change. I emailed the customer the tracking link.",
            "Only one charge settled; the second was an authorisation that expires in 3 days. I explained this to the customer by email.",
        ],
        events: &["sale.created", "sale.declined", "shipping.exception"],
    },
    Assistant {
        id: "epfJBd0Kh8oOOL8dKLzd",
        name: "Chargeback Responder",
        on_demand: true,
        instructions: "You respond to new chargebacks. Gather the sale, shipping and customer history, decide whether the chargeback is worth disputing, and if so submit evidence.",
        tools: &[
            "get_chargeback",
            "get_sale",
            "get_shipping",
            "submit_chargeback_evidence",
            "create_note",
        ],
        asks: &[
            "A chargeback was opened with reason code 13.1 (merchandise not received).",
            "A chargeback was opened with reason code 10.4 (card absent fraud).",
        ],
        conclusions: &[
            "Tracking shows delivery to the billing address with signature. Evidence submitted: delivery confirmation, order confirmation email and the customer's prior undisputed orders.",
            "The customer had three previous successful orders from the same device; evidence submitted. Flagged the customer for review.",
            "The order was never shipped; disputing is not worth it. Accepted the chargeback and left a note.",
        ],
        events: &["chargeback.created", "chargeback.updated"],
    },
    Assistant {
        id: "ocJ2isAjIhKtJ0RlgLKO",
        name: "Subscription Retention",
        on_demand: true,
        instructions: "You try to keep subscribers whose renewal failed or who asked to cancel. Offer at most one discount of 20% and never pause a subscription for more than 60 days.",
        tools: &[
            "get_subscription",
            "get_customer",
            "pause_subscription",
            "send_email",
        ],
        asks: &[
            "Subscription renewal failed: card declined (insufficient funds).",
            "Subscriber asked to cancel because they have too much product at home.",
        ],
        conclusions: &[
            "Paused the subscription for 30 days and emailed the customer a link to update their card.",
            "Offered a 20% discount on the next two renewals; the customer accepted by email.",
        ],
        events: &[
            "subscription.renewal.failed",
            "subscription.cancel.requested",
        ],
    },
    Assistant {
        id: "mxgJTeKdNnFRIBXuDL7D",
        name: "Fraud Reviewer",
        on_demand: false,
        instructions: "You review sales flagged by fraud detection. Compare the order with the customer's history and decide: approve, hold for manual review, or refund and block.",
        tools: &[
            "get_sale",
            "get_customer",
            "search_transactions",
            "refund_sale",
            "create_note",
        ],
        asks: &[
            "Fraud detection flagged a sale: billing and shipping countries differ, order value 4x the store average.",
            "Three declined attempts preceded this approved sale on the same card.",
        ],
        conclusions: &[
            "The customer has two years of orders to this shipping address. Approved the sale and noted the reason.",
            "Different names on three cards within ten minutes. Refunded the sale, blocked the customer and left a note for the team.",
            "Inconclusive: held the sale for manual review and created an AI memo for the fraud team.",
        ],
        events: &["fraud_detection.flagged", "sale.created"],
    },
    Assistant {
        id: "xtpYlSXpfKtHF4vUCsMe",
        name: "Shipping Tracker",
        on_demand: true,
        instructions: "You follow up on shipments that are late or returned to sender, and keep customers informed.",
        tools: &["get_shipping", "get_sale", "send_email", "create_note"],
        asks: &[
            "Shipment has had no carrier scan for 6 days.",
            "Carrier marked the package returned to sender: address not found.",
        ],
        conclusions: &[
            "The carrier confirmed the package is delayed at the regional hub. Emailed the customer the new delivery estimate.",
            "Asked the customer to confirm their address; a replacement ships once they reply.",
        ],
        events: &["shipping.exception", "shipping.delivered"],
    },
    Assistant {
        id: "hGAkWvj7FAc9QeWJKY40",
        name: "Revenue Analyst",
        on_demand: true,
        instructions: "Every morning, summarise yesterday's revenue, refunds and chargebacks, compare them with the previous 7 days and point out anything unusual.",
        tools: &["bigquery_run_query", "create_ai_memo"],
        asks: &[
            "Prepare the daily revenue summary for yesterday.",
            "Why did refunds double this week?",
        ],
        conclusions: &[
            "Revenue $48,210 (+6% vs 7-day average); refunds 2.1%; chargebacks 0.3%. Nothing unusual.",
            "Refunds rose because one product had a packaging defect: 62% of refunds cite it. Created an AI memo for the operations team.",
        ],
        events: &["daily.schedule"],
    },
];

const API_ACCOUNTS: [(&str, &str); 3] = [
    ("uvSwMFLZDe1f8rESQedU", "Storefront Backend"),
    ("StPKR0CsTy4Qwb8DwkNh", "Helpdesk Integration"),
    ("FdnXsiVpzz63FfkCzJr4", "Nightly Reporting"),
];

const WEB_USERS: [(&str, &str, &str, &str); 4] = [
    ("8HxjSI6bWHtP3fS2qHx6", "jmartinez", "Julia", "Martinez"),
    ("kwXoIIXGvOoNZYW2mZp0", "akim", "Alex", "Kim"),
    ("zVZomHFwUbbYrEqmSM9w", "ppatel", "Priya", "Patel"),
    ("CZ7Uw9xfogoEmvnEN5N1", "sobrien", "Sean", "O'Brien"),
];

/// A user's third-party AI integration.
struct Integration {
    id: &'static str,
    name: &'static str,
    site: (&'static str, &'static str),
    models: &'static [&'static str],
}

impl Integration {
    fn reference(&self) -> ThirdPartyIntegration {
        ThirdPartyIntegration::default()
            .with_id(self.id)
            .with_name(self.name)
            .with_third_party(
                ThirdParty::default()
                    .with_id(self.site.0)
                    .with_name(self.site.1),
            )
    }
}

const INTEGRATIONS: [Integration; 3] = [
    Integration {
        id: "i0B3JrTAwR4y9ojfljoQ",
        name: "OpenAI Production",
        site: ("gEOzdmenCkhvMdgaKjIg", "OpenAI"),
        models: &["gpt-4o", "gpt-4.1-mini"],
    },
    Integration {
        id: "oaF1LlqsajAIxNKu8iS2",
        name: "Claude for Support",
        site: ("8xNbe3nNyjOq9wMxEhh2", "Anthropic"),
        models: &["claude-sonnet-4-5", "claude-haiku-4-5"],
    },
    Integration {
        id: "G8NPRVdD53X83RZJzzzz",
        name: "Gemini Analytics",
        site: ("FDEEtfjgVvVqE1SkHbn8", "Google Gemini"),
        models: &["gemini-2.5-pro", "gemini-2.5-flash"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn seeding(count: u32) -> Seeding {
        Seeding {
            seed: 3,
            now: 1_750_000_000,
            count,
        }
    }

    #[test]
    fn records_stay_compact() {
        assert!(std::mem::size_of::<Record>() <= 32);
    }

    #[test]
    fn created_times_rise_and_stay_within_the_span() {
        for count in [1, 7, 1000] {
            let s = seeding(count);
            let mut last = i64::MIN;
            for key in 0..count {
                let created = s.created(key);
                assert!(created >= last);
                assert!(created >= s.now - SEED_SPAN_SECS && created < s.now);
                last = created;
            }
        }
    }

    #[test]
    fn message_counts_match_the_messages() {
        let s = seeding(500);
        for key in 0..500 {
            let record = s.record(key);
            let thread = s.thread(&record, true);
            let messages = thread.messages.as_ref().unwrap();
            assert_eq!(
                thread.message_count,
                Some(messages.len() as i64),
                "key {key}"
            );
            let listed = s.thread(&record, false);
            assert!(listed.messages.is_none());
            let mut without_messages = thread.clone();
            without_messages.messages = None;
            assert_eq!(without_messages, listed);
        }
        let big = Record {
            messages: Some(10_000),
            ..s.record(3)
        };
        assert_eq!(s.thread(&big, true).messages.unwrap().len(), 10_000);
    }

    #[test]
    fn seeding_covers_every_status_source_and_handoffs() {
        let s = seeding(200);
        let threads: Vec<AiThread> = (0..200).map(|k| s.thread(&s.record(k), true)).collect();
        for status in AiThreadStatus::KNOWN {
            assert!(
                threads.iter().any(|t| t.status.as_ref() == Some(status)),
                "{status}"
            );
        }
        for source in TriggerSource::KNOWN {
            assert!(
                threads
                    .iter()
                    .any(|t| t.trigger.as_ref().unwrap().source.as_ref() == Some(source)),
                "{source}"
            );
        }
        assert!(threads.iter().any(|t| t.previous_ai_thread.is_some()));
        assert!(threads.iter().any(|t| {
            t.messages
                .iter()
                .flatten()
                .any(|m| m.previous_ai_thread.is_some())
        }));
        assert!(threads.iter().all(|t| {
            t.messages
                .iter()
                .flatten()
                .all(|m| m.created_date_unix.is_some())
        }));
        assert!(
            threads
                .iter()
                .filter(|t| t.status == Some(AiThreadStatus::Timer))
                .all(|t| t.time_delay_expires.unwrap() > s.now)
        );
    }
}
