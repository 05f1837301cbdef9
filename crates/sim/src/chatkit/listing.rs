//! Cursor pagination as OpenAI's list endpoints do it, for threads and items alike.
//!
//! Entries are ordered by `(created_at, id)`; `order=desc` (the default) lists them newest
//! first, and ties on `created_at` fall back to the id, so the order is total and stable.
//! `after=X` lists what follows `X` in that order; `before=X` lists what precedes it, the page
//! closest to `X` (the "previous page"); with both, what lies between. `has_more` says whether
//! more entries follow the page in the direction it was taken, and `first_id` / `last_id` name
//! the page's first and last entries (`null` when it is empty).

use std::collections::BTreeMap;
use std::ops::Bound;

use aithreads_core::Order;

use super::failure::Failure;

/// Default page size (the spec's "Defaults to 20").
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;
/// Longest `user` filter, in characters.
pub const MAX_USER_CHARS: usize = 512;

/// The position of an entry in a listing.
pub type Key = (i64, String);

/// A parsed list query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Cursor: list after this id.
    pub after: Option<String>,
    /// Cursor: list before this id.
    pub before: Option<String>,
    /// Page size.
    pub limit: usize,
    /// Sort order.
    pub order: Order,
    /// Only this user's threads (thread listings only).
    pub user: Option<String>,
}

impl Query {
    /// Parses and checks the query pairs; `user` is read only when `with_user`. Unknown
    /// parameters are ignored, as OpenAI does for query strings.
    pub fn parse(pairs: &[(String, String)], with_user: bool) -> Result<Self, Failure> {
        let mut query = Self {
            after: None,
            before: None,
            limit: DEFAULT_LIMIT,
            order: Order::Desc,
            user: None,
        };
        for (name, value) in pairs {
            match name.as_str() {
                "after" => query.after = Some(value.clone()),
                "before" => query.before = Some(value.clone()),
                "limit" => {
                    let limit: i64 = value.parse().map_err(|_| {
                        Failure::invalid_type("limit", "an integer", &format!("'{value}'"))
                    })?;
                    if !(0..=MAX_LIMIT).contains(&limit) {
                        return Err(Failure::out_of_range("limit", limit, 0, Some(MAX_LIMIT)));
                    }
                    query.limit = limit as usize;
                }
                "order" => {
                    query.order = match value.as_str() {
                        "asc" => Order::Asc,
                        "desc" => Order::Desc,
                        other => {
                            return Err(Failure::invalid_value("order", other, &["asc", "desc"]));
                        }
                    }
                }
                "user" if with_user => {
                    let length = value.chars().count();
                    if !(1..=MAX_USER_CHARS).contains(&length) {
                        return Err(Failure::bad_length("user", length, 1, MAX_USER_CHARS));
                    }
                    query.user = Some(value.clone());
                }
                _ => {}
            }
        }
        Ok(query)
    }
}

/// One page: the entries in listing order and whether more follow.
#[derive(Debug)]
pub struct PageOf<'a, V> {
    /// The entries.
    pub data: Vec<&'a V>,
    /// Whether more entries follow in the direction the page was taken.
    pub has_more: bool,
}

/// The page of `entries` that `order`, the cursors' keys and `limit` select, keeping only
/// entries for which `keep` is true.
pub fn page<'a, V>(
    entries: &'a BTreeMap<Key, V>,
    order: Order,
    after: Option<&Key>,
    before: Option<&Key>,
    limit: usize,
    keep: impl Fn(&V) -> bool,
) -> PageOf<'a, V> {
    // In key space (ascending), `after` and `before` bound the window from opposite sides
    // depending on the order.
    let (low, high) = match order {
        Order::Asc => (exclusive(after), exclusive(before)),
        Order::Desc => (exclusive(before), exclusive(after)),
    };
    if let (Bound::Excluded(low), Bound::Excluded(high)) = (&low, &high)
        && low >= high
    {
        return PageOf {
            data: Vec::new(),
            has_more: false,
        };
    }
    let window = entries.range::<Key, _>((low, high)).map(|(_, v)| v);
    // From the start of the listing, unless only `before` is given: then the page closest to
    // it, i.e. from the other end of the window.
    let from_start = after.is_some() || before.is_none();
    let ascending = (order == Order::Asc) == from_start;
    let kept = |iter: Box<dyn Iterator<Item = &'a V> + 'a>| -> Vec<&'a V> {
        iter.filter(|v| keep(v))
            .take(limit.saturating_add(1))
            .collect()
    };
    let mut data = if ascending {
        kept(Box::new(window))
    } else {
        kept(Box::new(window.rev()))
    };
    let has_more = data.len() > limit;
    data.truncate(limit);
    if !from_start {
        data.reverse();
    }
    PageOf { data, has_more }
}

fn exclusive(key: Option<&Key>) -> Bound<Key> {
    key.map_or(Bound::Unbounded, |k| Bound::Excluded(k.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: i64) -> BTreeMap<Key, i64> {
        // Two entries share each timestamp, so ties are broken by id.
        (0..n).map(|i| ((i / 2, format!("id{i:02}")), i)).collect()
    }

    fn key(i: i64) -> Key {
        (i / 2, format!("id{i:02}"))
    }

    fn ids(page: &PageOf<'_, i64>) -> Vec<i64> {
        page.data.iter().map(|v| **v).collect()
    }

    #[test]
    fn desc_is_the_exact_reverse_of_asc() {
        let map = entries(7);
        let asc = page(&map, Order::Asc, None, None, 100, |_| true);
        let desc = page(&map, Order::Desc, None, None, 100, |_| true);
        let mut reversed = ids(&asc);
        reversed.reverse();
        assert_eq!(ids(&desc), reversed);
        assert_eq!(ids(&asc), (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn after_walks_forward_in_both_orders() {
        let map = entries(7);
        let first = page(&map, Order::Desc, None, None, 3, |_| true);
        assert_eq!((ids(&first), first.has_more), (vec![6, 5, 4], true));
        let second = page(&map, Order::Desc, Some(&key(4)), None, 3, |_| true);
        assert_eq!((ids(&second), second.has_more), (vec![3, 2, 1], true));
        let last = page(&map, Order::Desc, Some(&key(1)), None, 3, |_| true);
        assert_eq!((ids(&last), last.has_more), (vec![0], false));
        let asc = page(&map, Order::Asc, Some(&key(4)), None, 3, |_| true);
        assert_eq!((ids(&asc), asc.has_more), (vec![5, 6], false));
    }

    #[test]
    fn before_gives_the_previous_page() {
        let map = entries(7);
        let desc = page(&map, Order::Desc, None, Some(&key(2)), 2, |_| true);
        assert_eq!((ids(&desc), desc.has_more), (vec![4, 3], true));
        let asc = page(&map, Order::Asc, None, Some(&key(2)), 5, |_| true);
        assert_eq!((ids(&asc), asc.has_more), (vec![0, 1], false));
        let between = page(&map, Order::Asc, Some(&key(1)), Some(&key(5)), 2, |_| true);
        assert_eq!((ids(&between), between.has_more), (vec![2, 3], true));
        let empty = page(&map, Order::Asc, Some(&key(5)), Some(&key(1)), 2, |_| true);
        assert!(empty.data.is_empty() && !empty.has_more);
        let same = page(&map, Order::Asc, Some(&key(3)), Some(&key(3)), 2, |_| true);
        assert!(same.data.is_empty());
    }

    #[test]
    fn filters_apply_before_the_limit_and_zero_limits_report_more() {
        let map = entries(9);
        let even = page(&map, Order::Asc, None, None, 2, |v| v % 2 == 0);
        assert_eq!((ids(&even), even.has_more), (vec![0, 2], true));
        let none = page(&map, Order::Asc, None, None, 0, |_| true);
        assert!(none.data.is_empty() && none.has_more);
    }

    fn pairs(text: &[(&str, &str)]) -> Vec<(String, String)> {
        text.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn queries_are_checked_like_openai_does() {
        let q = Query::parse(
            &pairs(&[("limit", "5"), ("order", "asc"), ("user", "u")]),
            true,
        )
        .unwrap();
        assert_eq!(
            (q.limit, q.order, q.user.as_deref()),
            (5, Order::Asc, Some("u"))
        );
        let d = Query::parse(&[], true).unwrap();
        assert_eq!((d.limit, d.order), (20, Order::Desc));
        let cases = [
            (("limit", "101"), "integer_above_max_value"),
            (("limit", "-1"), "integer_below_min_value"),
            (("limit", "ten"), "invalid_type"),
            (("order", "up"), "invalid_value"),
            (("user", ""), "string_below_min_length"),
        ];
        for ((name, value), code) in cases {
            let failure = Query::parse(&pairs(&[(name, value)]), true).unwrap_err();
            assert_eq!(failure.code, Some(code), "{name}={value}");
            assert_eq!(failure.param.as_deref(), Some(name));
        }
        let long = "u".repeat(513);
        assert_eq!(
            Query::parse(&pairs(&[("user", &long)]), true)
                .unwrap_err()
                .code,
            Some("string_above_max_length")
        );
        assert!(Query::parse(&pairs(&[("user", "")]), false).is_ok());
    }
}
