//! `aithreads items chatkit:<id>`.

use aithreads::providers::chatkit::{ListItemsParams, item_message};
use aithreads::{Client, ProviderKind, ThreadRef};
use futures::StreamExt;
use serde_json::Value;

use crate::Failure;
use crate::args::{ItemsArgs, OutputFormat};
use crate::output::{Output, table, when};

pub async fn run(client: &Client, output: &Output, args: ItemsArgs) -> Result<(), Failure> {
    let thread: ThreadRef = args.thread.parse()?;
    if thread.provider() != ProviderKind::OpenAiChatKit {
        return Err(Failure::Usage(format!(
            "items lists ChatKit threads only; `{thread}` is a {} thread",
            thread.provider()
        )));
    }
    let params = ListItemsParams::new()
        .with_order(args.order.into())
        .with_limit(100);
    let limit = if args.all { usize::MAX } else { args.limit };
    let mut stream = client
        .chatkit()?
        .chatkit_thread_items(thread.id(), params)
        .take(limit);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(item?);
    }
    if output.format() != OutputFormat::Table {
        return Ok(output.values(
            items
                .iter()
                .map(|i| serde_json::to_value(i).unwrap_or(Value::Null)),
        )?);
    }
    let mut table = table(&["CREATED", "TYPE", "TEXT"]);
    for item in &items {
        let message = item_message(item);
        table.add_row(vec![
            when(message.created_at),
            item.tag().to_owned(),
            message.text,
        ]);
    }
    println!("{table}");
    Ok(())
}
