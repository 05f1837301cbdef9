//! 20-character ids that encode a thread's key, so a million seeded threads need no id index.
//!
//! A thread id is a keyed 64-bit permutation of the thread's key in base 62 (11 characters)
//! followed by 9 characters derived from it; decoding inverts the permutation and checks the
//! whole id, so a made-up id is simply unknown.

/// RevCent ids are 20 characters (seeds 000–002).
pub const ID_LEN: usize = 20;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEAD: usize = 11;

/// The SplitMix64 finaliser: a fast, well-mixed hash of 64 bits.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A deterministic token of `len` base-62 characters from `h`.
pub fn token(h: u64, len: usize) -> String {
    let mut state = h;
    (0..len)
        .map(|_| {
            state = mix(state);
            char::from(ALPHABET[(state % 62) as usize])
        })
        .collect()
}

/// The id of thread `key` under `seed`.
pub fn thread_id(seed: u64, key: u32) -> String {
    let x = permute(seed, u64::from(key));
    let mut id = String::with_capacity(ID_LEN);
    let mut digits = [0u8; HEAD];
    let mut rest = x;
    for digit in digits.iter_mut().rev() {
        *digit = ALPHABET[(rest % 62) as usize];
        rest /= 62;
    }
    id.extend(digits.iter().map(|d| char::from(*d)));
    id.push_str(&token(x ^ seed, ID_LEN - HEAD));
    id
}

/// The key of the thread `id` names under `seed`, if `id` is one of this simulator's ids.
pub fn thread_key(seed: u64, id: &str) -> Option<u32> {
    if id.len() != ID_LEN || !id.is_ascii() {
        return None;
    }
    let mut x: u128 = 0;
    for byte in id[..HEAD].bytes() {
        let digit = ALPHABET.iter().position(|a| *a == byte)?;
        x = x * 62 + digit as u128;
    }
    let x = u64::try_from(x).ok()?;
    let key = u32::try_from(unpermute(seed, x)).ok()?;
    (thread_id(seed, key) == id).then_some(key)
}

/// A four-round Feistel network on the two 32-bit halves: a bijection of `u64`.
fn permute(seed: u64, x: u64) -> u64 {
    let (mut left, mut right) = ((x >> 32) as u32, x as u32);
    for round in 0..4 {
        let next = left ^ round_fn(seed, round, right);
        left = right;
        right = next;
    }
    (u64::from(left) << 32) | u64::from(right)
}

fn unpermute(seed: u64, x: u64) -> u64 {
    let (mut left, mut right) = ((x >> 32) as u32, x as u32);
    for round in (0..4).rev() {
        let previous = right ^ round_fn(seed, round, left);
        right = left;
        left = previous;
    }
    (u64::from(left) << 32) | u64::from(right)
}

fn round_fn(seed: u64, round: u64, half: u32) -> u32 {
    (mix(seed ^ (round << 56) ^ u64::from(half)) >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_differ_by_seed() {
        for seed in [0, 1, 42, u64::MAX] {
            for key in [0, 1, 2, 999_999, u32::MAX] {
                let id = thread_id(seed, key);
                assert_eq!(id.len(), ID_LEN);
                assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
                assert_eq!(thread_key(seed, &id), Some(key), "{id}");
            }
        }
        assert_ne!(thread_id(1, 5), thread_id(2, 5));
        assert_eq!(thread_key(2, &thread_id(1, 5)), None);
    }

    #[test]
    fn made_up_ids_are_unknown() {
        for id in [
            "AAAAAAAAAAAAAAAAAAAA",
            "zzzzzzzzzzzzzzzzzzzz",
            "short",
            "ééééééééééééééééééé",
        ] {
            assert_eq!(thread_key(1, id), None, "{id}");
        }
        let mut id = thread_id(1, 7).into_bytes();
        id[19] = if id[19] == b'a' { b'b' } else { b'a' };
        assert_eq!(thread_key(1, std::str::from_utf8(&id).unwrap()), None);
    }
}
