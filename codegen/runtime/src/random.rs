//! Randomness for nonces and retry jitter.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Per process: a random prefix and a random key, drawn from the operating system once.
static KEYS: OnceLock<[u64; 2]> = OnceLock::new();
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A nonce for one request: 32 lowercase hex digits, unique per process by construction and
/// across processes with overwhelming probability.
///
/// A signing nonce has to be unique, not secret: the signature that covers it needs the secret
/// key. So rather than asking the OS for fresh randomness on every request (a system call that
/// costs more than the rest of signing a small request), the first half is a random per-process
/// prefix and the second a counter passed through a bijective mix keyed at random: no two
/// requests of a process share a nonce, and nonces do not reveal how many requests were made.
pub fn nonce() -> Result<String, getrandom::Error> {
    let [prefix, key] = keys()?;
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    Ok(format!("{prefix:016x}{:016x}", mix(count ^ key)))
}

fn keys() -> Result<[u64; 2], getrandom::Error> {
    if let Some(keys) = KEYS.get() {
        return Ok(*keys);
    }
    let drawn = [getrandom::u64()?, getrandom::u64()?];
    // Threads racing here agree on whichever set first.
    Ok(*KEYS.get_or_init(|| drawn))
}

/// SplitMix64's finaliser: a bijection on `u64` that scatters consecutive inputs.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A random fraction in `[0, 1)`; `0.5` if the system has no randomness to give.
pub fn fraction() -> f64 {
    match getrandom::u64() {
        Ok(n) => (n >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_32_hex_digits_and_never_repeat() {
        let nonces: std::collections::HashSet<String> =
            (0..10_000).map(|_| nonce().unwrap()).collect();
        assert_eq!(nonces.len(), 10_000);
        assert!(nonces.iter().all(|n| {
            n.len() == 32
                && n.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        }));
        let prefixes: std::collections::HashSet<&str> = nonces.iter().map(|n| &n[..16]).collect();
        assert_eq!(prefixes.len(), 1, "one random prefix per process");
    }

    #[test]
    fn fractions_stay_in_the_unit_interval() {
        assert!(
            (0..1000)
                .map(|_| fraction())
                .all(|f| (0.0..1.0).contains(&f))
        );
    }
}
