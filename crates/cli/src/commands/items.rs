//! `aithreads items chatkit:<id>`.

use aithreads::providers::chatkit::{ListItemsParams, item_message};
use aithreads::{Client, ProviderKind, ThreadRef};
use futures::StreamExt;
use serde_json::Value;

use crate::Failure;
use crate::args::{ItemsArgs, OutputFormat};
use crate::output::{Column, Fit, Output, Table, when};
use crate::terminal;

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
    let columns = vec![
        Column {
            header: format!("CREATED ({})", output.zone().label()),
            fit: Fit::Whole,
            expendable: Some(1),
        },
        Column {
            header: "TYPE".into(),
            fit: Fit::Shorten,
            expendable: None,
        },
        Column {
            header: "TEXT".into(),
            fit: Fit::Shorten,
            expendable: Some(0),
        },
    ];
    let mut table = Table::new(columns, terminal::width());
    let mut out = std::io::stdout().lock();
    for item in &items {
        let message = item_message(item);
        let row = [
            when(message.created_at, output.zone()),
            item.tag().to_owned(),
            message.text,
        ]
        .map(|cell: String| terminal::safe(&cell, 200).into_owned());
        table.row(row.to_vec(), &mut out)?;
    }
    table.lay_out(&mut out)?;
    Ok(())
}
