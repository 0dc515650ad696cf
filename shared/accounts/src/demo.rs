//! Accounts for a demonstration base (the local runner with the 1C simulator): the employees
//! synced from 1C, and a client account linked to a 1C partner, approved.

use onec_client::{Guid, OnecClient};
use skazka_session::Verifier;
use skazka_store::PgPool;

use crate::{AccountError, SyncReport, phone, settings, store, sync};

/// Syncs the 1C users, then makes sure an approved client account with `client_phone` exists and
/// is linked to `client_partner` (its password set to `client_password` when it is created).
pub async fn ensure(
    pool: &PgPool,
    client: &OnecClient,
    verifier: &Verifier,
    client_phone: &str,
    client_password: &str,
    client_partner: Guid,
) -> Result<SyncReport, AccountError> {
    let site = settings::current(pool, client).await?;
    let phone = phone::normalize(client_phone)
        .map_err(|e| AccountError::Settings(format!("demo client phone: {e}")))?;
    // The sync and the client account touch different rows: both at once (start-up time).
    let demo_client = async {
        let partner_name = client
            .partners_by_ids(&[client_partner])
            .await?
            .into_iter()
            .next()
            .map(|p| p.name)
            .unwrap_or_else(|| "Демо-клиент".to_owned());
        let account = match store::for_sign_in(pool, &phone).await? {
            Some((account, _)) if account.active => account,
            _ => match store::create_client(pool, &phone, &partner_name, client_password, true)
                .await?
            {
                Ok(account) => account,
                Err(why) => return Err(AccountError::Settings(why.to_owned())),
            },
        };
        store::link_partner(pool, account.id, client_partner, &partner_name).await
    };
    let (report, linked) = tokio::join!(
        sync::sync_users(pool, client, &site.user, verifier, None),
        demo_client
    );
    linked?;
    report
}
