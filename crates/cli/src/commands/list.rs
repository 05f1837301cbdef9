//! `aithreads list`.

use aithreads::{Client, ProviderKind};
use futures::StreamExt;

use crate::Failure;
use crate::args::ListArgs;
use crate::output::Output;

pub async fn run(client: &Client, output: &Output, args: ListArgs) -> Result<(), Failure> {
    let kind = ProviderKind::from(args.provider);
    let query = super::query(kind, &args.selection)?;
    let stream = client.export(kind, query);
    let limit = if args.all { usize::MAX } else { args.limit };
    let mut threads = Vec::new();
    let mut stream = stream.take(limit);
    while let Some(thread) = stream.next().await {
        threads.push(thread?);
    }
    output.threads(&threads)?;
    if args.watch {
        return super::watch::listed(client, output, &threads, args.interval).await;
    }
    Ok(())
}
