//! `aithreads list`: rows streamed as pages arrive, in every format.

use std::io::{self, BufWriter};

use aithreads::{Client, ProviderKind};
use futures::{FutureExt, StreamExt};

use super::select::{self, Since};
use crate::Failure;
use crate::args::ListArgs;
use crate::output::{Kind, Output};

pub async fn run(client: &Client, output: &Output, args: ListArgs) -> Result<(), Failure> {
    output.check_fields(Kind::Thread)?;
    let kind = ProviderKind::from(args.provider);
    let fields = select::fields(client, kind)?;
    let mut query = select::query(kind, &args.selection, Since::TwoDays)?;
    query.order = select::order(args.order, fields);
    select::check(kind, fields, &query)?;
    let limit = if args.all { usize::MAX } else { args.limit };
    // One more than shown, to tell whether more exist, in as few pages as possible.
    query.limit = select::max_page_size(kind).map(|max| {
        u32::try_from(limit.saturating_add(1))
            .unwrap_or(max)
            .min(max)
    });
    let mut threads = client.export(kind, query);
    let mut sink = output.sink(Kind::Thread, BufWriter::new(io::stdout().lock()));
    let mut shown = 0;
    // `--watch` follows what was listed: only then are the listed threads kept.
    let mut listed = Vec::new();
    loop {
        // Write out what is buffered whenever the next page is not here yet.
        let next = match threads.next().now_or_never() {
            Some(next) => next,
            None => {
                sink.flush()?;
                threads.next().await
            }
        };
        match next {
            None => break,
            Some(Err(error)) => {
                // Close what was written (a JSON array), but say nothing of an empty listing.
                if shown > 0 {
                    sink.finish()?;
                }
                return Err(error.into());
            }
            Some(Ok(_)) if shown == limit => {
                eprintln!(
                    "aithreads: more threads match: showing the first {limit}; raise --limit or use --all"
                );
                break;
            }
            Some(Ok(thread)) => {
                sink.record(&thread)?;
                shown += 1;
                if args.watch {
                    listed.push(thread);
                }
            }
        }
    }
    sink.finish()?;
    if args.watch {
        return super::watch::listed(client, output, &listed, args.interval).await;
    }
    Ok(())
}
