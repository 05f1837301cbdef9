//! Option values that need not be on the command line: `@FILE` reads a file and `-` reads
//! stdin, so a secret (a UserSig, the API keys inside `--llm-config`) never shows in `ps`.

use std::io::Read;

use crate::Failure;

/// Resolves option values, reading stdin for at most one of them.
pub struct TextArgs<R> {
    stdin: Option<R>,
}

impl TextArgs<std::io::Stdin> {
    /// Values read from this process's stdin when one is `-`.
    pub fn from_stdin() -> Self {
        Self::new(std::io::stdin())
    }
}

impl<R: Read> TextArgs<R> {
    /// Values read from `stdin` when one is `-`.
    pub fn new(stdin: R) -> Self {
        Self { stdin: Some(stdin) }
    }

    /// The value of option `name`: the file's text for `@FILE`, stdin's for `-`, else the
    /// value as given. One trailing newline is dropped, as editors and `echo` add one.
    pub fn resolve(&mut self, name: &str, value: &str) -> Result<String, Failure> {
        let mut text = if let Some(path) = value.strip_prefix('@') {
            std::fs::read_to_string(path)
                .map_err(|e| Failure::Usage(format!("{name}: cannot read `{path}`: {e}")))?
        } else if value == "-" {
            let Some(mut stdin) = self.stdin.take() else {
                return Err(Failure::Usage(format!(
                    "{name}: stdin (`-`) is already read for another option"
                )));
            };
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| Failure::Usage(format!("{name}: cannot read stdin: {e}")))?;
            text
        } else {
            return Ok(value.to_owned());
        };
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        Ok(text)
    }

    /// [`resolve`](Self::resolve) for an optional value.
    pub fn resolve_opt(
        &mut self,
        name: &str,
        value: Option<&str>,
    ) -> Result<Option<String>, Failure> {
        value.map(|v| self.resolve(name, v)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_stdin_and_plain_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sig.txt");
        std::fs::write(&path, "eJyrVk-from-file\n").unwrap();
        let mut args = TextArgs::new(&b"{\"APIKey\":\"sk-from-stdin\"}\r\n"[..]);
        let file = format!("@{}", path.display());
        assert_eq!(
            args.resolve("--user-sig", &file).unwrap(),
            "eJyrVk-from-file"
        );
        assert_eq!(
            args.resolve("--llm-config", "-").unwrap(),
            r#"{"APIKey":"sk-from-stdin"}"#
        );
        assert_eq!(args.resolve("--x", "plain").unwrap(), "plain");
        match args.resolve("--tts-config", "-") {
            Err(Failure::Usage(message)) => assert!(message.contains("already read"), "{message}"),
            other => panic!("{other:?}"),
        }
        match args.resolve("--user-sig", "@/no/such/file") {
            Err(Failure::Usage(message)) => {
                assert!(message.starts_with("--user-sig: cannot read"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
