//! Password hashing and the policy check for new passwords (SPEC §6, SECURITY.md §13–16): the
//! one home of the rules sign-up, reset, change and an administrator's setup share
//! ([`Passwords::check_new`]; the rules themselves are `sspr_api::password`, shared with the SPA's
//! live checklist).
//!
//! Argon2id with m = 19 456 KiB, t = 2, p = 1, a fresh salt per hash, the PHC string stored.
//! Hashing is deliberately slow, so it never runs on the async workers: it goes to a pool of
//! its own with one thread per core, so a burst of sign-ins queues instead of starving
//! everything else. Dedicated threads (rather than Tokio's blocking pool, which grows to
//! hundreds of threads) also bound memory: each thread keeps one 19 MiB Argon2 memory block and
//! reuses it for every hash, so the process never holds more than one per core. Input is NFKC-normalised first, so the same password
//! typed on two keyboards hashes the same. Unknown accounts are verified against a dummy hash,
//! so a sign-in takes as long whether or not the account exists.

use argon2::password_hash::{Output, PasswordHash, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::collections::HashSet;
use std::io::Read;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use unicode_normalization::UnicodeNormalization;

const COMMON_PASSWORDS_GZ: &[u8] = include_bytes!("../../data/common-passwords.txt.gz");
/// SPEC §6: Argon2id, m = 19 456 KiB, t = 2, p = 1, a 32-byte hash.
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
const OUTPUT_LEN: usize = 32;

thread_local! {
    /// This hashing thread's Argon2 memory, allocated once and reused.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2id of `password` with `salt` into `out`, in this thread's reused memory.
fn hash_into(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> anyhow::Result<()> {
    MEMORY.with(|memory| {
        let mut blocks = memory.borrow_mut();
        let needed = Params::new(M_COST, T_COST, P_COST, None)
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
            .block_count();
        blocks.resize(needed, Block::default());
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut blocks[..])
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
}

/// The PHC string of an Argon2id hash at the policy's parameters.
fn phc(salt: &SaltString, output: &Output) -> String {
    format!(
        "$argon2id$v=19$m={M_COST},t={T_COST},p={P_COST}${}${output}",
        salt.as_str()
    )
}

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads running hashing jobs in turn. The threads end when the last
/// [`Passwords`] clone is dropped.
struct HashPool {
    jobs: Mutex<mpsc::Sender<Job>>,
    threads: usize,
}

impl HashPool {
    fn new(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password hashing thread");
            }
        }
        HashPool {
            jobs: Mutex::new(jobs),
            threads,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .map_err(|_| anyhow::anyhow!("hashing pool poisoned"))?
            .send(job)
            .map_err(|_| anyhow::anyhow!("hashing pool stopped"))?;
        result.await?
    }
}

/// A new password the policy refuses, with every rule it breaks (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub violations: Vec<sspr_api::Violation>,
}

impl Refused {
    /// The first broken rule, in words.
    pub fn reason(&self) -> &'static str {
        match self.violations.first() {
            Some(sspr_api::Violation::TooShort) => "The password must have at least 12 characters.",
            Some(sspr_api::Violation::TooLong) => "The password may have at most 256 characters.",
            Some(sspr_api::Violation::Common) => "This password is too common: choose another.",
            Some(sspr_api::Violation::ContainsContext) | None => {
                "The password must not contain your email name or the organisation's name."
            }
        }
    }
}

/// Hashes and verifies passwords on a bounded pool, knows the common-password list, and checks
/// new passwords against the policy.
#[derive(Clone)]
pub struct Passwords {
    argon2: Arc<Argon2<'static>>,
    pool: Arc<HashPool>,
    common: Arc<HashSet<String>>,
    dummy_hash: Arc<String>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Passwords")
            .field("threads", &self.pool.threads)
            .field("common", &self.common.len())
            .finish()
    }
}

impl Passwords {
    /// Argon2id at SPEC parameters; `workers` concurrent hashes at most.
    pub fn new(workers: usize) -> Self {
        let params =
            Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN)).expect("valid Argon2 parameters");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        // A hash of no password: a fresh salt and random output in the form of a real one.
        // Verifying against it costs one Argon2id run like any other and matches no password
        // (2⁻²⁵⁶), and making it costs no hash and no 19 MiB at start.
        let mut random_output = [0u8; OUTPUT_LEN];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random_output);
        let dummy_hash = phc(
            &SaltString::generate(&mut rand::rngs::OsRng),
            &Output::new(&random_output).expect("a 32-byte output is valid"),
        );
        Passwords {
            argon2: Arc::new(argon2),
            pool: Arc::new(HashPool::new(workers.max(1))),
            common: Arc::new(load_common()),
            dummy_hash: Arc::new(dummy_hash),
        }
    }

    /// Whether `lowercase` is on the bundled common-password list.
    pub fn is_common(&self, lowercase: &str) -> bool {
        self.common.contains(lowercase)
    }

    /// Checks a new password for the account at `email` against the password policy: the one
    /// check for sign-up, reset, change and an administrator's setup (SECURITY.md §14–16).
    /// Its context words are the address's name part and the organisation's name.
    pub fn check_new(
        &self,
        password: &str,
        email: &str,
        organisation: &str,
    ) -> Result<(), Refused> {
        let local = email.split('@').next().unwrap_or_default();
        let violations =
            sspr_api::password::check(password, &[local, organisation], |p| self.is_common(p));
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Refused { violations })
        }
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
            let mut raw_salt = [0u8; 64];
            let raw_salt = salt
                .decode_b64(&mut raw_salt)
                .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
            let mut out = [0u8; OUTPUT_LEN];
            hash_into(&argon2, password.as_bytes(), raw_salt, &mut out)?;
            let output = Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?;
            Ok(phc(&salt, &output))
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
                let ours = parsed.algorithm.as_str() == "argon2id"
                    && parsed.version == Some(0x13)
                    && parsed.params.get_decimal("m") == Some(M_COST)
                    && parsed.params.get_decimal("t") == Some(T_COST)
                    && parsed.params.get_decimal("p") == Some(P_COST)
                    && parsed.hash.is_some_and(|h| h.len() == OUTPUT_LEN);
                match (ours, parsed.salt, parsed.hash) {
                    (true, Some(salt), Some(expected)) => {
                        let mut raw_salt = [0u8; 64];
                        let raw_salt = salt
                            .decode_b64(&mut raw_salt)
                            .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
                        let mut out = [0u8; OUTPUT_LEN];
                        hash_into(&argon2, password.as_bytes(), raw_salt, &mut out)?;
                        // `Output`'s equality is constant-time.
                        Ok(
                            Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?
                                == expected,
                        )
                    }
                    // A hash made with other parameters (an older policy): the library's own
                    // check, which allocates its memory.
                    _ => Ok(argon2.verify_password(password.as_bytes(), &parsed).is_ok()),
                }
            })
            .await?;
        Ok(real && matched)
    }

    async fn on_pool<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        self.pool.run(work).await
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
    use argon2::password_hash::PasswordHasher as _;

    #[test]
    fn a_new_password_is_checked_against_length_the_list_and_its_context() {
        let passwords = Passwords::new(1);
        assert_eq!(
            passwords.check_new(
                "correct horse battery staple",
                "jane@contoso.example",
                "Contoso"
            ),
            Ok(())
        );
        let short = passwords
            .check_new("short", "jane@contoso.example", "Contoso")
            .expect_err("too short");
        assert_eq!(short.violations[0], sspr_api::Violation::TooShort);
        assert!(short.reason().contains("12 characters"));
        let named = passwords
            .check_new(
                "janedoe-is-my-password",
                "JaneDoe@contoso.example",
                "Contoso",
            )
            .expect_err("contains the email name");
        assert_eq!(named.violations, [sspr_api::Violation::ContainsContext]);
        let organisation = passwords
            .check_new("welcome to contoso land", "x@y.example", "Contoso")
            .expect_err("contains the organisation");
        assert_eq!(
            organisation.violations,
            [sspr_api::Violation::ContainsContext]
        );
        let common = passwords
            .check_new("password1234", "x@y.example", "Contoso")
            .expect_err("common");
        assert!(common.violations.contains(&sspr_api::Violation::Common));
    }

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
    async fn hashes_from_the_library_and_from_other_parameters_still_verify() {
        let passwords = Passwords::new(1);
        // Made by the argon2 crate's own PasswordHasher at the SPEC parameters…
        let params = Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN)).expect("params");
        let library = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = library
            .hash_password(b"a shared passphrase", &salt)
            .expect("hash")
            .to_string();
        assert!(passwords
            .verify("a shared passphrase", Some(&theirs))
            .await
            .expect("verify"));
        assert!(!passwords
            .verify("another passphrase", Some(&theirs))
            .await
            .expect("verify"));
        // …and with lighter parameters, as an older deployment might have stored.
        let light = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).expect("params"),
        );
        let old = light
            .hash_password(b"an old passphrase", &salt)
            .expect("hash")
            .to_string();
        assert!(passwords
            .verify("an old passphrase", Some(&old))
            .await
            .expect("verify"));
        // Ours verify with the library too.
        let ours = passwords.hash("a shared passphrase").await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("a PHC string");
        assert!(library
            .verify_password(b"a shared passphrase", &parsed)
            .is_ok());
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
    async fn hashing_runs_on_the_pool_threads_not_the_async_workers() {
        let passwords = Passwords::new(2);
        let name = passwords
            .on_pool(|| Ok(std::thread::current().name().unwrap_or_default().to_owned()))
            .await
            .expect("runs");
        assert!(name.starts_with("argon2-"), "{name}");
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let passwords = Passwords::new(1);
        assert!(!passwords
            .verify("a password no account has", None)
            .await
            .expect("verify"));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        // Verifying against it takes the path a stored hash at the policy's parameters takes.
        let passwords = Passwords::new(1);
        let dummy = PasswordHash::new(&passwords.dummy_hash).expect("a PHC string");
        assert!(passwords
            .dummy_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(dummy.hash.map(|h| h.len()), Some(OUTPUT_LEN));
        assert!(dummy.salt.is_some());
        assert_ne!(passwords.dummy_hash, Passwords::new(1).dummy_hash, "fresh");
    }
}
