//! Files that hold secrets: noticing when others can read them, as ssh does for private keys.

use std::path::Path;

/// The permission bits of `path` (e.g. `0o644`) when its group or others may read or write
/// it (`mode & 0o077`), so a caller can warn before trusting a secret in it; `None` when
/// only the owner may, when `path` cannot be inspected, and on platforms without Unix modes.
pub fn readable_by_others(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn only_owner_only_files_pass() {
        let dir =
            std::env::temp_dir().join(format!("aithreads-secret-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret");
        std::fs::write(&path, "x").unwrap();
        for (mode, expected) in [
            (0o600, None),
            (0o400, None),
            (0o640, Some(0o640)),
            (0o604, Some(0o604)),
            (0o620, Some(0o620)),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(readable_by_others(&path), expected, "{mode:o}");
        }
        assert_eq!(readable_by_others(&dir.join("absent")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
