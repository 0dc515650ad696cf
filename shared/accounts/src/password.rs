//! Passwords: only Argon2id hashes (PHC strings) are stored. Hashing and verifying run on the
//! blocking pool: they take tens of milliseconds on purpose.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::AccountError;

/// The shortest password the portal accepts as a new portal password.
pub const MIN_LENGTH: usize = 8;
/// The longest password taken (bytes): hashing costs grow with it.
pub const MAX_BYTES: usize = 256;

/// An Argon2id hash (default parameters: 19 MiB, 2 passes) with a random salt.
pub async fn hash(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Password(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Password(e.to_string()))?
}

/// Whether `password` matches `hash`. With no hash (an unknown phone, an account without a
/// password) a dummy hash is checked, so the answer takes as long either way.
pub async fn verify(password: &str, hash: Option<&str>) -> bool {
    let password = password.to_owned();
    let (hash, real) = match hash {
        Some(h) => (h.to_owned(), true),
        None => (DUMMY.to_owned(), false),
    };
    tokio::task::spawn_blocking(move || {
        let ok = match PasswordHash::new(&hash) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
        ok && real
    })
    .await
    .unwrap_or(false)
}

/// An Argon2id hash of a random string nobody knows, with the default parameters.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2themthLWR1bW15LXNhbHQ$9oTUe7i4Yh0S2TNCL0a7Yz/4W1t2zDkVVmOUDrD4pNk";

/// A new portal password's problem, if any (shown to the person).
pub fn check_new(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LENGTH {
        return Err(format!(
            "Пароль должен быть не короче {MIN_LENGTH} символов"
        ));
    }
    if password.len() > MAX_BYTES {
        return Err("Пароль слишком длинный".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_is_argon2id_and_verifies() {
        let h = hash("demo1234").await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("demo1234"));
        assert!(verify("demo1234", Some(&h)).await);
        assert!(!verify("demo12345", Some(&h)).await);
        assert!(!verify("demo1234", None).await);
        assert_ne!(h, hash("demo1234").await.unwrap(), "salted");
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY).is_ok());
    }
}
