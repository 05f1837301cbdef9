//! The selection flags (`--since`, `--until`, `--older-than`, `--status`, `--user`,
//! `--assistant`, `--order`) as a [`ListQuery`], checked against what the provider's listing
//! honours before any request.

use aithreads::providers::{chatkit, revcent};
use aithreads::{Client, ListQuery, Order, ProviderKind, QueryFields};
use time::OffsetDateTime;

use crate::Failure;
use crate::args::{OrderArg, Selection};
use crate::timearg::rfc3339;

/// Which time range a selection covers when `--since` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// RevCent: the 2 days before the end (one RevCent window), to list quickly.
    TwoDays,
    /// The provider's whole history (RevCent: its 60-day retention), to act on every match.
    All,
}

/// The query for a selection of `provider`'s threads; an open end means now.
pub fn query(
    provider: ProviderKind,
    selection: &Selection,
    default_since: Since,
) -> Result<ListQuery, Failure> {
    let now = OffsetDateTime::now_utc();
    let older_than = match selection.older_than {
        Some(age) => Some(
            time::Duration::try_from(age)
                .ok()
                .and_then(|age| now.checked_sub(age))
                .ok_or_else(|| Failure::Usage("--older-than reaches too far back".into()))?,
        ),
        None => None,
    };
    let until_given = selection.until.or(older_than);
    // An end in the future is clamped to now with a note: nothing was created then, and
    // RevCent would be asked for every empty window up to it.
    let until = match until_given {
        Some(until) if until > now => {
            eprintln!(
                "aithreads: --until {} is in the future; listing up to now ({})",
                rfc3339(until),
                rfc3339(now)
            );
            now
        }
        until => until.unwrap_or(now),
    };
    let since = match (selection.since, provider, default_since) {
        (Some(since), _, _) => Some(since),
        (None, ProviderKind::RevCent, Since::TwoDays) => Some(until - time::Duration::days(2)),
        (None, _, _) => None,
    };
    if let Some(since) = since
        && since > until
    {
        return Err(Failure::Usage(format!(
            "--since ({}) is after the end of the range ({})",
            rfc3339(since),
            rfc3339(until)
        )));
    }
    let mut query = ListQuery::new().with_statuses(selection.status.iter().copied());
    query.since = since;
    query.until = (since.is_some() || until_given.is_some()).then_some(until);
    query.user = selection.user.clone();
    query.assistant = selection.assistant.clone();
    Ok(query)
}

/// What `provider`'s listing honours; refuses a provider that cannot list.
pub fn fields(client: &Client, provider: ProviderKind) -> Result<QueryFields, Failure> {
    let capabilities = client.provider(provider)?.capabilities();
    if !capabilities.list {
        return Err(Failure::Usage(format!(
            "{provider} cannot list threads, so none can be selected: give references"
        )));
    }
    Ok(capabilities.query)
}

/// Refuses a query that sets what `provider`'s listing cannot honour, naming the flag.
pub fn check(
    provider: ProviderKind,
    fields: QueryFields,
    query: &ListQuery,
) -> Result<(), Failure> {
    let refused = [
        (
            query.since.is_some() || query.until.is_some(),
            fields.time_range,
            "--since/--until/--older-than",
            "by time",
        ),
        (
            !query.statuses.is_empty(),
            fields.status,
            "--status",
            "by status",
        ),
        (query.user.is_some(), fields.user, "--user", "by user"),
        (
            query.assistant.is_some(),
            fields.assistant,
            "--assistant",
            "by assistant",
        ),
        (
            query.order == Some(Order::Asc),
            fields.order_asc,
            "--order asc",
            "oldest first",
        ),
        (
            query.order == Some(Order::Desc),
            fields.order_desc,
            "--order desc",
            "newest first",
        ),
    ]
    .into_iter()
    .find(|(set, honoured, _, _)| *set && !*honoured);
    match refused {
        Some((_, _, flag, what)) => Err(Failure::Usage(format!(
            "{flag}: {provider} cannot list threads {what}; leave it out"
        ))),
        None => Ok(()),
    }
}

/// The order to list in: the one asked for, else newest first where the provider can,
/// else the provider's own.
pub fn order(asked: Option<OrderArg>, fields: QueryFields) -> Option<Order> {
    match asked {
        Some(order) => Some(order.into()),
        None => fields.order_desc.then_some(Order::Desc),
    }
}

/// The largest page `provider` serves: the fewest requests for a long walk.
pub fn max_page_size(provider: ProviderKind) -> Option<u32> {
    match provider {
        ProviderKind::RevCent => u32::try_from(revcent::MAX_LIMIT).ok(),
        ProviderKind::OpenAiChatKit => Some(chatkit::MAX_LIMIT),
        ProviderKind::TencentTrtc => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aithreads::Status;

    fn selection() -> Selection {
        Selection {
            since: None,
            until: None,
            older_than: None,
            status: Vec::new(),
            user: None,
            assistant: None,
            max_windows: None,
        }
    }

    #[test]
    fn older_than_ends_the_range_and_acting_covers_all_history() {
        let mut chosen = selection();
        chosen.older_than = Some(std::time::Duration::from_secs(7200));
        let before = OffsetDateTime::now_utc();
        let listed = query(ProviderKind::RevCent, &chosen, Since::TwoDays).unwrap();
        let until = listed.until.unwrap();
        assert!(until <= before - time::Duration::hours(2) + time::Duration::seconds(5));
        assert_eq!(listed.since, Some(until - time::Duration::days(2)));
        let acting = query(ProviderKind::RevCent, &chosen, Since::All).unwrap();
        assert_eq!(acting.since, None, "the provider's retention, not two days");
        assert!(acting.until.is_some());
    }

    #[test]
    fn an_inverted_range_names_both_ends_in_rfc_3339() {
        let mut chosen = selection();
        chosen.since = Some(time::macros::datetime!(2026-11-02 00:00 UTC));
        chosen.until = Some(time::macros::datetime!(2026-11-01 00:00 UTC));
        match query(ProviderKind::OpenAiChatKit, &chosen, Since::All) {
            Err(Failure::Usage(message)) => assert_eq!(
                message,
                "--since (2026-11-02T00:00:00Z) is after the end of the range (2026-11-01T00:00:00Z)"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn flags_the_listing_cannot_honour_are_refused_by_name() {
        let revcent = QueryFields::NONE
            .with_time_range()
            .with_status()
            .with_assistant();
        let by_user = ListQuery::new().with_user("u");
        match check(ProviderKind::RevCent, revcent, &by_user) {
            Err(Failure::Usage(message)) => {
                assert_eq!(
                    message,
                    "--user: revcent cannot list threads by user; leave it out"
                )
            }
            other => panic!("{other:?}"),
        }
        let fine = ListQuery::new()
            .with_statuses([Status::Running])
            .with_assistant("a");
        assert!(check(ProviderKind::RevCent, revcent, &fine).is_ok());
        assert_eq!(order(None, revcent), None);
        assert_eq!(
            order(None, revcent.with_order(Order::Desc)),
            Some(Order::Desc)
        );
        assert_eq!(order(Some(OrderArg::Asc), revcent), Some(Order::Asc));
    }
}
