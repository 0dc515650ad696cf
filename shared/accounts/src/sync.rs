//! 1C users → employee accounts. Users come from `Catalog_Пользователи` (not invalid, not
//! deletion-marked); the site role attribute decides the portal role (none: no access). The sync
//! creates, updates and deactivates accounts; it never deletes one, so history stays.

use std::collections::{HashMap, HashSet};

use onec_client::model::users::OneCUser;
use onec_client::{Guid, OnecClient};
use serde::Serialize;
use skazka_session::{Role, Verifier};
use skazka_store::PgPool;
use uuid::Uuid;

use crate::settings::{UserAttributes, flag_of, role_of, text_of};
use crate::store::{COLUMNS, account};
use crate::{Account, AccountError, password, phone, sessions};

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Valid users 1C answered with.
    pub from_onec: usize,
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
    /// 1C users with a site role that could not get an account, and why.
    pub skipped: Vec<String>,
}

/// What one 1C user should be in the portal.
struct Wanted {
    onec_ref: Guid,
    role: Role,
    phone: String,
    name: String,
    onec_name: String,
    person_name: Option<String>,
    show_on_site: Option<bool>,
    password: Option<String>,
    /// The 1C user's `DataVersion`: changes with any attribute, the password included.
    data_version: String,
}

fn wanted(user: &OneCUser, attrs: &UserAttributes) -> Result<Option<Wanted>, String> {
    let Some(role) = role_of(attrs, user.attribute(attrs.site_role)) else {
        return Ok(None);
    };
    let raw_phone = user
        .person
        .as_ref()
        .and_then(|p| p.contacts.iter().find(|c| c.kind == "Телефон"))
        .map(|c| c.presentation.clone());
    let phone = match raw_phone.as_deref().map(phone::normalize) {
        Some(Ok(phone)) => phone,
        Some(Err(_)) => return Err(format!("{}: телефон в 1С не распознан", user.name)),
        None => return Err(format!("{}: в 1С нет телефона", user.name)),
    };
    let person_name = user
        .person
        .as_ref()
        .map(|p| p.full_name.trim().to_owned())
        .filter(|n| !n.is_empty());
    Ok(Some(Wanted {
        onec_ref: user.id,
        role,
        phone,
        name: person_name.clone().unwrap_or_else(|| user.name.clone()),
        onec_name: user.name.clone(),
        person_name,
        show_on_site: flag_of(user.attribute(attrs.show_on_site)),
        password: text_of(user.attribute(attrs.site_password)),
        data_version: user.data_version.clone(),
    }))
}

/// Reads the 1C users and brings the employee accounts in line; records the run.
pub async fn sync_users(
    pool: &PgPool,
    client: &OnecClient,
    attrs: &UserAttributes,
    verifier: &Verifier,
    actor: Option<Uuid>,
) -> Result<SyncReport, AccountError> {
    let users = client.users().await?;
    let mut report = SyncReport {
        from_onec: users.len(),
        ..SyncReport::default()
    };
    let mut wanted_users = Vec::new();
    for user in users.iter().filter(|u| !u.invalid && !u.deleted) {
        match wanted(user, attrs) {
            Ok(Some(w)) => wanted_users.push(w),
            Ok(None) => {}
            Err(why) => report.skipped.push(why),
        }
    }

    let mut db = pool.get().await?;
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS}, onec_password_hash, onec_data_version FROM accounts \
                 WHERE onec_ref IS NOT NULL"
            ),
            &[],
        )
        .await?;
    let existing: HashMap<Guid, (Account, Option<String>)> = rows
        .iter()
        .map(|r| {
            let a = account(r);
            (a.onec_ref.unwrap_or(Guid::EMPTY), (a, r.get(16)))
        })
        .collect();
    let versions: HashMap<Guid, Option<String>> = rows
        .iter()
        .map(|r| (account(r).onec_ref.unwrap_or(Guid::EMPTY), r.get(17)))
        .collect();
    let phone_owners: HashMap<String, Option<Guid>> = db
        .query("SELECT phone, onec_ref FROM accounts WHERE active", &[])
        .await?
        .iter()
        .map(|r| {
            (
                r.get::<_, String>(0),
                r.get::<_, Option<Uuid>>(1).map(Guid::from_uuid),
            )
        })
        .collect();

    // The password work (Argon2id, slow on purpose) for every user whose 1C object changed since
    // the last sync, at once: whether the 1C password changed, and its new hash when it did (or
    // the account is new). An unchanged `DataVersion` means an unchanged password.
    let work = wanted_users.iter().map(|w| {
        let known = existing.get(&w.onec_ref);
        let exists = known.is_some();
        let stored = known.and_then(|(_, h)| h.clone());
        let same_version = versions
            .get(&w.onec_ref)
            .is_some_and(|v| v.as_deref() == Some(w.data_version.as_str()));
        let plain = w.password.clone();
        async move {
            match plain {
                None => Ok::<_, AccountError>((false, None)),
                Some(_) if exists && same_version && stored.is_some() => Ok((false, None)),
                Some(p) if exists && password::verify(&p, stored.as_deref()).await => {
                    Ok((false, None))
                }
                Some(p) => Ok((true, Some(password::hash(&p).await?))),
            }
        }
    });
    let hashed = futures::future::join_all(work).await;

    let mut seen = HashSet::new();
    let mut claimed_phones = HashSet::new();
    let mut to_revoke = Vec::new();
    let tx = db.transaction().await?;
    for (w, hashed) in wanted_users.into_iter().zip(hashed) {
        let (password_changed, new_hash) = hashed?;
        let owner = phone_owners.get(&w.phone);
        if owner.is_some_and(|o| *o != Some(w.onec_ref)) || !claimed_phones.insert(w.phone.clone())
        {
            report.skipped.push(format!(
                "{}: телефон {} уже занят другой учётной записью",
                w.onec_name, w.phone
            ));
            continue;
        }
        seen.insert(w.onec_ref);
        match existing.get(&w.onec_ref) {
            None => {
                let hash = new_hash;
                tx.execute(
                    "INSERT INTO accounts (id, role, phone, name, onec_ref, onec_name, person_name, \
                     show_on_site, password_hash, onec_password_hash, onec_data_version, \
                     synced_at) \
                     VALUES ($1, $2, $3, $4, $1, $5, $6, $7, $8, $8, $9, now())",
                    &[
                        &w.onec_ref.as_uuid(),
                        &w.role.as_str(),
                        &w.phone,
                        &w.name,
                        &w.onec_name,
                        &w.person_name,
                        &w.show_on_site,
                        &hash,
                        &w.data_version,
                    ],
                )
                .await?;
                report.created += 1;
            }
            Some((account, _)) => {
                let changed = account.role != w.role
                    || account.phone != w.phone
                    || account.name != w.name
                    || account.onec_name.as_deref() != Some(w.onec_name.as_str())
                    || account.person_name != w.person_name
                    || account.show_on_site != w.show_on_site
                    || !account.active
                    || password_changed;
                if !changed {
                    report.unchanged += 1;
                    let known = versions.get(&w.onec_ref).and_then(|v| v.as_deref());
                    if known != Some(w.data_version.as_str()) {
                        tx.execute(
                            "UPDATE accounts SET onec_data_version = $2 WHERE id = $1",
                            &[&account.id, &w.data_version],
                        )
                        .await?;
                    }
                    continue;
                }
                tx.execute(
                    "UPDATE accounts SET role = $2, phone = $3, name = $4, onec_name = $5, \
                     person_name = $6, show_on_site = $7, active = true, deactivated_at = NULL, \
                     password_hash = COALESCE($8, password_hash), \
                     onec_password_hash = COALESCE($8, onec_password_hash), \
                     onec_data_version = $9, updated_at = now(), synced_at = now() WHERE id = $1",
                    &[
                        &account.id,
                        &w.role.as_str(),
                        &w.phone,
                        &w.name,
                        &w.onec_name,
                        &w.person_name,
                        &w.show_on_site,
                        &new_hash,
                        &w.data_version,
                    ],
                )
                .await?;
                if account.role != w.role || password_changed {
                    to_revoke.push(account.id);
                }
                report.updated += 1;
            }
        }
    }
    for (onec_ref, (account, _)) in &existing {
        if account.active && !seen.contains(onec_ref) {
            tx.execute(
                "UPDATE accounts SET active = false, deactivated_at = now(), updated_at = now(), \
                 synced_at = now() WHERE id = $1",
                &[&account.id],
            )
            .await?;
            to_revoke.push(account.id);
            report.deactivated += 1;
        }
    }
    tx.execute(
        "INSERT INTO account_syncs (actor_id, from_onec, created, updated, deactivated, unchanged) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &actor,
            &(report.from_onec as i32),
            &(report.created as i32),
            &(report.updated as i32),
            &(report.deactivated as i32),
            &(report.unchanged as i32),
        ],
    )
    .await?;
    tx.commit().await?;
    drop(db);
    for id in to_revoke {
        let impersonations = sessions::revoke_all(pool, id, "changed in 1C").await?;
        verifier
            .revoke_user(id)
            .await
            .map_err(|e| AccountError::Revocation(e.to_string()))?;
        for session in impersonations {
            verifier
                .revoke_session(session)
                .await
                .map_err(|e| AccountError::Revocation(e.to_string()))?;
        }
    }
    tracing::info!(
        from_onec = report.from_onec,
        created = report.created,
        updated = report.updated,
        deactivated = report.deactivated,
        unchanged = report.unchanged,
        skipped = report.skipped.len(),
        "1C users synced"
    );
    Ok(report)
}

/// The latest sync, if any: when, and its counts.
pub async fn last_sync(
    pool: &PgPool,
) -> Result<Option<(chrono::DateTime<chrono::Utc>, SyncReport)>, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT started_at, from_onec, created, updated, deactivated, unchanged \
             FROM account_syncs ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await?;
    Ok(row.map(|r| {
        (
            r.get(0),
            SyncReport {
                from_onec: r.get::<_, i32>(1) as usize,
                created: r.get::<_, i32>(2) as usize,
                updated: r.get::<_, i32>(3) as usize,
                deactivated: r.get::<_, i32>(4) as usize,
                unchanged: r.get::<_, i32>(5) as usize,
                skipped: Vec::new(),
            },
        )
    }))
}
