//! Thread references from the command line and stdin.

use std::io::BufRead;

use aithreads::ThreadRef;

use crate::Failure;

/// Parses every reference; `-` reads more from `stdin`, one per line (blank lines and lines
/// starting with `#` are skipped). Each is checked by its provider's id rules too
/// ([`aithreads::check_ref`]). Any bad reference is a usage error naming all of them, so
/// nothing runs on a half-understood list.
pub fn parse_refs(args: &[String], stdin: impl BufRead) -> Result<Vec<ThreadRef>, Failure> {
    let mut texts = Vec::new();
    let mut stdin = Some(stdin);
    for arg in args {
        if arg == "-" {
            let Some(input) = stdin.take() else {
                return Err(Failure::Usage("`-` may be given only once".into()));
            };
            for line in input.lines() {
                let line = line.map_err(|e| {
                    Failure::Usage(format!("cannot read references from stdin: {e}"))
                })?;
                let line = line.trim();
                if !line.is_empty() && !line.starts_with('#') {
                    texts.push(line.to_owned());
                }
            }
        } else {
            texts.push(arg.clone());
        }
    }
    let mut refs = Vec::with_capacity(texts.len());
    let mut bad = Vec::new();
    for text in texts {
        match text
            .parse::<ThreadRef>()
            .and_then(|r| aithreads::check_ref(&r).map(|()| r))
        {
            Ok(r) => refs.push(r),
            Err(error) => bad.push(error.message().into_owned()),
        }
    }
    match bad.len() {
        0 if refs.is_empty() => Err(Failure::Usage("no thread references given".into())),
        0 => Ok(refs),
        1 => Err(Failure::Usage(bad.remove(0))),
        n => Err(Failure::Usage(format!(
            "{n} bad thread references: {}",
            bad.join("; ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_arguments_and_stdin_in_order() {
        let stdin = "chatkit:cthr_b\n\n# a comment\n  revcent:abcdefghij0123456789  \n".as_bytes();
        let refs = parse_refs(&args(&["chatkit:cthr_a", "-", "trtc:ap-tokyo/x"]), stdin).unwrap();
        let texts: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            texts,
            [
                "chatkit:cthr_a",
                "chatkit:cthr_b",
                "revcent:abcdefghij0123456789",
                "trtc:ap-tokyo/x"
            ]
        );
    }

    #[test]
    fn any_bad_reference_is_a_usage_error_naming_it() {
        let refs = args(&["chatkit:ok", "nope", "revcent:short", "chatkit:a/b"]);
        match parse_refs(&refs, &b""[..]) {
            Err(Failure::Usage(message)) => {
                // The last two parse, and their providers' id rules refuse them.
                assert!(message.starts_with("3 bad thread references"), "{message}");
                assert!(
                    message.contains("nope")
                        && message.contains("RevCent thread id `short` has 5 characters")
                        && message.contains("thread id `a/b` contains `/`"),
                    "{message}"
                );
                assert!(!message.contains("invalid input"), "{message}");
            }
            other => panic!("expected a usage error, got {other:?}"),
        }
        assert!(matches!(
            parse_refs(&args(&["-"]), &b"\n"[..]),
            Err(Failure::Usage(_))
        ));
    }
}
