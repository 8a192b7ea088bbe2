//! Password hashing and the policy check (SPEC §6, SECURITY.md §13–16).
//!
//! Argon2id with m = 19 456 KiB, t = 2, p = 1, a fresh salt per hash, the PHC string stored.
//! Hashing is deliberately slow, so it never runs on the async workers: it goes to Tokio's
//! blocking pool behind a semaphore with one permit per core, so a burst of sign-ins queues
//! instead of starving everything else. Input is NFKC-normalised first, so the same password
//! typed on two keyboards hashes the same. Unknown accounts are verified against a dummy hash,
//! so a sign-in takes as long whether or not the account exists.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

const COMMON_PASSWORDS_GZ: &[u8] = include_bytes!("../../data/common-passwords.txt.gz");

/// Hashes and verifies passwords on a bounded pool, and knows the common-password list.
#[derive(Clone)]
pub struct Passwords {
    argon2: Arc<Argon2<'static>>,
    permits: Arc<Semaphore>,
    common: Arc<HashSet<String>>,
    dummy_hash: Arc<String>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("permits", &self.permits.available_permits())
            .field("common", &self.common.len())
            .finish()
    }
}

impl Passwords {
    /// Argon2id at SPEC parameters; `workers` concurrent hashes at most.
    pub fn new(workers: usize) -> Self {
        let params = Params::new(19_456, 2, 1, None).expect("valid Argon2 parameters");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let dummy_salt = SaltString::generate(&mut rand::rngs::OsRng);
        let dummy_hash = argon2
            .hash_password(b"a password no account has", &dummy_salt)
            .expect("hashing cannot fail with valid parameters")
            .to_string();
        Passwords {
            argon2: Arc::new(argon2),
            permits: Arc::new(Semaphore::new(workers.max(1))),
            common: Arc::new(load_common()),
            dummy_hash: Arc::new(dummy_hash),
        }
    }

    /// Whether `lowercase` is on the bundled common-password list.
    pub fn is_common(&self, lowercase: &str) -> bool {
        self.common.contains(lowercase)
    }

    /// How many passwords the list holds.
    pub fn common_count(&self) -> usize {
        self.common.len()
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let password: String = password.nfkc().collect();
        let argon2 = self.argon2.clone();
        self.on_pool(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon2
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        })
        .await
    }

    /// Whether `password` matches `phc`; with `None` (no such account, or no password) it
    /// verifies against the dummy hash and answers `false`, taking the same time.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> anyhow::Result<bool> {
        let password: String = password.nfkc().collect();
        let real = phc.is_some();
        let phc = phc.unwrap_or(&self.dummy_hash).to_owned();
        let argon2 = self.argon2.clone();
        let matched = self
            .on_pool(move || {
                let parsed =
                    PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
                Ok(argon2.verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(real && matched)
    }

    async fn on_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(work).await?
    }
}

fn load_common() -> HashSet<String> {
    let mut text = String::new();
    let _ = flate2::read::GzDecoder::new(COMMON_PASSWORDS_GZ).read_to_string(&mut text);
    text.lines()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_list_holds_at_least_ten_thousand_passwords() {
        let passwords = Passwords::new(1);
        assert!(
            passwords.common_count() >= 10_000,
            "{}",
            passwords.common_count()
        );
        assert!(passwords.is_common("password"));
        assert!(passwords.is_common("qwertyuiop123"));
        assert!(!passwords.is_common("a long unusual passphrase here"));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_at_the_spec_parameters_with_unique_salts() {
        let passwords = Passwords::new(2);
        let a = passwords.hash("correct horse battery").await.expect("hash");
        let b = passwords.hash("correct horse battery").await.expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "unique salt");
        assert!(passwords
            .verify("correct horse battery", Some(&a))
            .await
            .expect("verify"));
        assert!(!passwords
            .verify("correct horse batterY", Some(&a))
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn nfkc_equivalent_passwords_match() {
        let passwords = Passwords::new(1);
        // "ﬁ" (U+FB01) is NFKC-equivalent to "fi"; full-width digits to ASCII digits.
        let stored = passwords.hash("ﬁne password １２３").await.expect("hash");
        assert!(passwords
            .verify("fine password 123", Some(&stored))
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let passwords = Passwords::new(1);
        assert!(!passwords
            .verify("a password no account has", None)
            .await
            .expect("verify"));
    }
}
