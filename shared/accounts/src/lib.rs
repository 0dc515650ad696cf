//! Portal accounts and everything stored about signing in.
//!
//! - [`phone`]: phones normalised to `+7XXXXXXXXXX`.
//! - [`password`]: Argon2id hashes only; never a plain password in Postgres, a log or a response.
//! - [`store`]: accounts (employees from 1C, clients linked to 1C partners), teams, partners,
//!   the audit log, and the [`skazka_session::Identity`] a token is issued for.
//! - [`sessions`]: sign-ins as refresh-token families: a refresh token is stored as a SHA-256
//!   digest, rotates on every use, and presenting a spent one revokes its whole family.
//! - [`sync`]: 1C users → employee accounts (create, update, deactivate; nothing deleted).
//! - [`settings`]: the site settings (1C GUIDs), found by name the first time.

pub mod demo;
pub mod password;
pub mod phone;
pub mod sessions;
pub mod settings;
pub mod store;
pub mod sync;

pub use settings::SiteSettings;
pub use store::{Account, PgTeams};
pub use sync::SyncReport;

/// An account-store failure.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("postgres: {0}")]
    Postgres(#[from] skazka_store::tokio_postgres::Error),
    #[error("no postgres connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("1C: {0}")]
    Onec(#[from] onec_client::OnecError),
    #[error("site settings: {0}")]
    Settings(String),
    #[error("password hashing: {0}")]
    Password(String),
    #[error("session revocation: {0}")]
    Revocation(String),
}

/// Handlers answer with `?`: a backend that does not answer (the Postgres pool, 1C, the
/// revocation cache) is a `503`, anything else a `500`. `AppError` logs the cause; the page or
/// problem never shows it.
impl From<AccountError> for skazka_web::AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Pool(_) | AccountError::Onec(_) | AccountError::Revocation(_) => {
                skazka_web::AppError::Unavailable(e.to_string())
            }
            AccountError::Postgres(_) | AccountError::Settings(_) | AccountError::Password(_) => {
                skazka_web::AppError::Internal(e.to_string())
            }
        }
    }
}

/// A refused phone is the person's mistake: `400` with the message.
impl From<phone::PhoneError> for skazka_web::AppError {
    fn from(e: phone::PhoneError) -> Self {
        skazka_web::AppError::BadRequest(e.to_string())
    }
}
