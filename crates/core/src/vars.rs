//! Settings from somewhere other than the process environment, for the clients'
//! `from_vars`: tests, and programs that keep their configuration elsewhere.

/// A variable lookup over fixed `(name, value)` pairs; the first pair with the name wins.
///
/// ```
/// let var = aithreads_core::vars::from_pairs(&[("REVCENT_API_KEY", "key")]);
/// assert_eq!(var("REVCENT_API_KEY").as_deref(), Some("key"));
/// assert_eq!(var("REVCENT_BASE_URL"), None);
/// ```
pub fn from_pairs<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    }
}
