//! Keys derived from the one server secret (`SSPR_SECRET`).
//!
//! Passcodes, session tokens and invitation tokens are stored only as keyed hashes, and mail
//! bodies in the outbox and the OpenID Connect signing keys are sealed, so a database dump alone
//! reveals none of them (SECURITY.md §8). Each use gets its own key, derived with HMAC from the
//! secret and a label.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The derived keys. Debug output never shows them.
pub struct Secrets {
    passcode_key: [u8; 32],
    token_key: [u8; 32],
    seal: XChaCha20Poly1305,
    key_seal: XChaCha20Poly1305,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

/// Why a configured secret cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("SSPR_SECRET must be at least 32 bytes, written as base64 or hex")]
pub struct BadSecret;

/// Why the server has no secret to work with.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(transparent)]
    Bad(#[from] BadSecret),
    #[error("the development secret {}: {source}", .path.display())]
    DevelopmentFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// The file, in the data folder, that keeps a development install's secret.
pub const DEVELOPMENT_FILE: &str = "dev-secret";

impl Secrets {
    /// From the configured secret (base64, base64url or hex of at least 32 bytes).
    pub fn from_config(secret: &str) -> Result<Self, BadSecret> {
        let secret = secret.trim();
        let bytes = hex_decode(secret)
            .or_else(|| {
                base64::engine::general_purpose::STANDARD
                    .decode(secret)
                    .ok()
            })
            .or_else(|| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(secret)
                    .ok()
            })
            .ok_or(BadSecret)?;
        if bytes.len() < 32 {
            return Err(BadSecret);
        }
        Ok(Secrets::from_bytes(&bytes))
    }

    /// A fresh random secret.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Secrets::from_bytes(&bytes)
    }

    /// Development mode without `SSPR_SECRET`: the secret kept in [`DEVELOPMENT_FILE`] in
    /// `data_dir`, made (32 random bytes, hex, readable by this user only) by the first process
    /// that needs it. Every process of one development install — the server, and the command
    /// line printing a setup link or an invitation beside it — then hashes and seals with the
    /// same keys, and codes and queued mail survive a restart.
    pub fn development(data_dir: &std::path::Path) -> Result<Self, SecretError> {
        let path = data_dir.join(DEVELOPMENT_FILE);
        let failed = |source| SecretError::DevelopmentFile {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(failed)?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, fresh.as_bytes()).map_err(failed)?
            }
            // Another process made it first (or an earlier start did): use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(failed(error)),
        }
        // Read back even what this process wrote, so two processes racing to make the file
        // both end with the one that won.
        let mut kept = std::fs::read_to_string(&path).map_err(failed)?;
        for _ in 0..50 {
            if !kept.trim().is_empty() {
                break;
            }
            // The winner has created the file but not written it yet.
            std::thread::sleep(std::time::Duration::from_millis(10));
            kept = std::fs::read_to_string(&path).map_err(failed)?;
        }
        Ok(Secrets::from_config(&kept)?)
    }

    fn from_bytes(secret: &[u8]) -> Self {
        let derive = |label: &[u8]| -> [u8; 32] {
            let mut mac =
                <HmacSha256 as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
            mac.update(label);
            mac.finalize().into_bytes().into()
        };
        let seal_key = derive(b"sspr outbox seal v1");
        let key_seal_key = derive(b"sspr signing key seal v1");
        Secrets {
            passcode_key: derive(b"sspr passcode v1"),
            token_key: derive(b"sspr token v1"),
            seal: XChaCha20Poly1305::new(&seal_key.into()),
            key_seal: XChaCha20Poly1305::new(&key_seal_key.into()),
        }
    }

    /// The keyed hash of a passcode, bound to its flow and purpose (hex).
    pub fn passcode_hash(&self, flow_id: &str, purpose: &str, code: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.passcode_key)
            .expect("HMAC takes any key length");
        for part in [flow_id, purpose, code] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        hex_encode(&mac.finalize().into_bytes())
    }

    /// The keyed hash of a bearer token (session, invitation, flow binding), hex.
    pub fn token_hash(&self, token: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.token_key)
            .expect("HMAC takes any key length");
        mac.update(token.as_bytes());
        hex_encode(&mac.finalize().into_bytes())
    }

    /// Encrypts `plain` for storage: base64 of nonce ‖ ciphertext.
    pub fn seal(&self, plain: &[u8]) -> String {
        seal_with(&self.seal, plain)
    }

    /// Decrypts what [`Secrets::seal`] made; `None` if it was tampered with or sealed under
    /// another secret.
    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        open_with(&self.seal, sealed)
    }

    /// [`Secrets::seal`] for a token signing key, under a key of its own.
    pub fn seal_signing_key(&self, plain: &[u8]) -> String {
        seal_with(&self.key_seal, plain)
    }

    /// Opens what [`Secrets::seal_signing_key`] made.
    pub fn open_signing_key(&self, sealed: &str) -> Option<Vec<u8>> {
        open_with(&self.key_seal, sealed)
    }
}

fn seal_with(cipher: &XChaCha20Poly1305, plain: &[u8]) -> String {
    let mut nonce = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), plain)
        .expect("encryption into a Vec cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    base64::engine::general_purpose::STANDARD.encode(out)
}

fn open_with(cipher: &XChaCha20Poly1305, sealed: &str) -> Option<Vec<u8>> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(24);
    cipher.decrypt(XNonce::from_slice(nonce), ciphertext).ok()
}

/// A random token of `bytes` bytes, base64url without padding. Tokens, ids and nonces come
/// from rand's thread-local CSPRNG (ChaCha, seeded and reseeded from the operating system),
/// which costs no system call each; long-lived keys and salts ask the operating system.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// An id for a row: the time it was made (`now_ms`, fixed-width hex) first, so that rows
/// inserted together land at the end of their primary-key index, on pages the same commit
/// writes anyway, instead of each on a random page of its own (on SQLite a page is a WAL frame
/// and later a checkpoint write); 12 random bytes after it keep it unique across instances and
/// unguessable. It tells when the row was made, so a client may see one only where that is no
/// secret to it: a self-service flow's id (its browser is told the flow's expiry anyway, and
/// the id is worth nothing without that browser's binding cookie).
pub fn ordered_id(now_ms: i64) -> String {
    format!("{:011x}{}", now_ms.max(0), random_token(12))
}

/// Whether `text` could be a token from [`random_token`]: short base64url. Ids from the client
/// that fail this name nothing and must not reach the database (PostgreSQL refuses a NUL byte
/// in text with an error, which would answer 500).
pub fn looks_like_token(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_ids_sort_by_time_and_differ_within_a_millisecond() {
        let now = 1_764_700_000_000;
        let (a, b, later) = (ordered_id(now), ordered_id(now), ordered_id(now + 1));
        assert_ne!(a, b);
        assert!(a < later && b < later);
        assert_eq!(a.len(), later.len());
        // Also after the year 2100, and never negative: the width stays fixed.
        assert!(ordered_id(now) < ordered_id(4_200_000_000_000));
        assert_eq!(ordered_id(-5).len(), a.len());
        assert!(looks_like_token(&a));
    }

    #[test]
    fn a_development_install_keeps_one_secret_in_its_data_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let first = Secrets::development(&data).expect("made");
        let second = Secrets::development(&data).expect("read");
        assert_eq!(first.token_hash("t"), second.token_hash("t"));
        let kept = std::fs::read_to_string(data.join(DEVELOPMENT_FILE)).expect("kept");
        assert_eq!(kept.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join(DEVELOPMENT_FILE))
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = Secrets::development(&dir.path().join("other")).expect("made");
        assert_ne!(first.token_hash("t"), other.token_hash("t"));
    }

    const SECRET: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn a_short_or_malformed_secret_is_refused() {
        assert!(Secrets::from_config("too short").is_err());
        assert!(Secrets::from_config("0011").is_err());
        assert!(Secrets::from_config(SECRET).is_ok());
    }

    #[test]
    fn passcode_hashes_are_bound_to_flow_and_purpose() {
        let s = Secrets::from_config(SECRET).expect("valid");
        let h = s.passcode_hash("flow1", "password_reset", "12345678");
        assert_eq!(h, s.passcode_hash("flow1", "password_reset", "12345678"));
        assert_ne!(h, s.passcode_hash("flow2", "password_reset", "12345678"));
        assert_ne!(h, s.passcode_hash("flow1", "guest", "12345678"));
        assert!(!h.contains("12345678"));
        let other = Secrets::random();
        assert_ne!(
            h,
            other.passcode_hash("flow1", "password_reset", "12345678")
        );
    }

    #[test]
    fn sealed_text_opens_only_with_the_same_secret_and_untampered() {
        let s = Secrets::from_config(SECRET).expect("valid");
        let sealed = s.seal(b"Your code is 12345678");
        assert!(!sealed.contains("12345678"));
        assert_eq!(
            s.open(&sealed).as_deref(),
            Some(&b"Your code is 12345678"[..])
        );
        assert_eq!(Secrets::random().open(&sealed), None);
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(s.open(&String::from_utf8(tampered).expect("ascii")), None);
        let key = s.seal_signing_key(b"private key");
        assert_eq!(
            s.open_signing_key(&key).as_deref(),
            Some(&b"private key"[..])
        );
        assert_eq!(s.open(&key), None, "each use has its own key");
    }

    #[test]
    fn only_short_base64url_looks_like_a_token() {
        assert!(looks_like_token(&random_token(32)));
        assert!(!looks_like_token(""));
        assert!(!looks_like_token("a\0b"));
        assert!(!looks_like_token("a/b"));
        assert!(!looks_like_token(&"a".repeat(65)));
    }

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
    }
}
