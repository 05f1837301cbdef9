//! Peak memory of a bulk get whose threads' item pages never end (issue 16 §2: one such
//! thread reached 8 GB). A binary of its own: it counts every allocation of the process
//! through its global allocator, so nothing else may run beside it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aithreads::providers::chatkit::{ChatKitClient, ChatKitConfig};
use aithreads::{Client, Error, ThreadRef};
use aithreads_sim::{SimConfig, Simulator};

/// The system allocator, counting the bytes live now and the most ever live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` holds for `System.alloc`.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: usize = 1024 * 1024;

/// Sixteen threads whose item pages never end, fetched sixteen at once (what `get -` does)
/// with a 2 MiB transcript limit: each fails with `TranscriptTooLarge`, and the process
/// never holds more than the documented bound, 16 × the limit, plus a fixed allowance for
/// the pages in flight and the simulator serving them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_get_of_endless_threads_stays_within_sixteen_transcript_limits() {
    const IN_FLIGHT: usize = 16;
    const LIMIT: usize = 2 * MIB;
    let sim = Simulator::start(SimConfig::default().with_threads(0))
        .await
        .unwrap();
    let refs: Vec<ThreadRef> = (0..IN_FLIGHT)
        .map(|_| {
            let id = sim.sim().chatkit().create_active_thread("user_endless").id;
            format!("chatkit:{id}").parse().unwrap()
        })
        .collect();
    sim.faults()
        .set(vec!["chatkit:endless-pages".parse().unwrap()]);
    let chatkit = ChatKitClient::new(
        ChatKitConfig::from_vars(|name| sim.client_var(name))
            .unwrap()
            .with_max_transcript_bytes(LIMIT),
    )
    .unwrap();
    let client = Client::builder()
        .with_chatkit(chatkit)
        .with_concurrency(IN_FLIGHT)
        .build();

    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let started = Instant::now();
    let results = tokio::time::timeout(Duration::from_secs(60), client.get_many(&refs))
        .await
        .expect("the bulk get never ended");
    let elapsed = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - baseline;

    for item in &results {
        assert!(
            matches!(&item.result, Err(Error::TranscriptTooLarge { .. })),
            "{}: {:?}",
            item.thread,
            item.result.as_ref().map(|t| t.messages.len())
        );
    }
    let bound = IN_FLIGHT * LIMIT * 2 + 32 * MIB;
    eprintln!(
        "peak {:.1} MiB above the baseline (bound {} MiB), {elapsed:?}, {} requests",
        peak as f64 / MIB as f64,
        bound / MIB,
        sim.requests_seen()
    );
    assert!(peak < bound, "peak {peak} bytes over the bound {bound}");
    // Each thread: its record, then pages until the limit passes (about 20 of ~110 KB).
    assert!(sim.requests_seen() < (IN_FLIGHT * 30) as u64);
}
