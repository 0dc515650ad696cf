//! The catalogue's one error type, mapped once to an HTTP answer.

use skazka_web::AppError;

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("1C: {0}")]
    Onec(#[from] onec_client::OnecError),
    #[error("postgres: {0}")]
    Postgres(#[from] skazka_store::tokio_postgres::Error),
    #[error("no postgres connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("site settings: {0}")]
    Settings(#[from] skazka_accounts::AccountError),
    #[error(transparent)]
    Read(#[from] skazka_reads::ReadError),
}

impl From<CatalogueError> for AppError {
    fn from(e: CatalogueError) -> Self {
        match e {
            CatalogueError::Read(e) => e.into(),
            CatalogueError::Settings(e) => e.into(),
            CatalogueError::Onec(e) => AppError::Unavailable(e.to_string()),
            CatalogueError::Postgres(e) => AppError::Internal(e.to_string()),
            CatalogueError::Pool(e) => AppError::Unavailable(e.to_string()),
        }
    }
}
