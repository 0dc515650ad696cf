//! Accounts in Postgres.

use chrono::{DateTime, Utc};
use onec_client::Guid;
use skazka_session::{Identity, Impersonator, Role, TeamError, TeamSource};
use skazka_store::PgPool;
use skazka_store::tokio_postgres::Row;
use uuid::Uuid;

use crate::{AccountError, password};

/// A portal account (never with its password hash).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub id: Uuid,
    pub role: Role,
    pub phone: String,
    pub name: String,
    /// The 1C user of an employee.
    pub onec_ref: Option<Guid>,
    /// The 1C user's name (`Description`).
    pub onec_name: Option<String>,
    /// The linked individual's full name.
    pub person_name: Option<String>,
    pub show_on_site: Option<bool>,
    pub active: bool,
    pub approved: bool,
    pub team_custom: bool,
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub synced_at: Option<DateTime<Utc>>,
}

pub(crate) const COLUMNS: &str = "id, role, phone, name, onec_ref, onec_name, person_name, \
     show_on_site, active, approved, team_custom, password_hash IS NOT NULL, created_at, \
     updated_at, deactivated_at, synced_at";

pub(crate) fn account(row: &Row) -> Account {
    let role: String = row.get(1);
    Account {
        id: row.get(0),
        role: Role::parse(&role).unwrap_or(Role::Client),
        phone: row.get(2),
        name: row.get(3),
        onec_ref: row.get::<_, Option<Uuid>>(4).map(Guid::from_uuid),
        onec_name: row.get(5),
        person_name: row.get(6),
        show_on_site: row.get(7),
        active: row.get(8),
        approved: row.get(9),
        team_custom: row.get(10),
        has_password: row.get(11),
        created_at: row.get(12),
        updated_at: row.get(13),
        deactivated_at: row.get(14),
        synced_at: row.get(15),
    }
}

/// The account a sign-in with `phone` is about, with its password hash: the active one, else the
/// most recently deactivated one (so the page can say it is deactivated).
pub async fn for_sign_in(
    pool: &PgPool,
    phone: &str,
) -> Result<Option<(Account, Option<String>)>, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            &format!(
                "SELECT {COLUMNS}, password_hash FROM accounts WHERE phone = $1 \
                 ORDER BY active DESC, deactivated_at DESC NULLS FIRST LIMIT 1"
            ),
            &[&phone],
        )
        .await?;
    Ok(row.map(|r| (account(&r), r.get(16))))
}

pub async fn get(pool: &PgPool, id: Uuid) -> Result<Option<Account>, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"),
            &[&id],
        )
        .await?;
    Ok(row.as_ref().map(account))
}

/// The password hash of an account (to check the current password before a change).
pub async fn password_hash(pool: &PgPool, id: Uuid) -> Result<Option<String>, AccountError> {
    let client = pool.get().await?;
    let row = client
        .query_opt("SELECT password_hash FROM accounts WHERE id = $1", &[&id])
        .await?;
    Ok(row.and_then(|r| r.get(0)))
}

/// Accounts matching `search` (name, phone, 1C name; case-insensitive) and `role`, active first.
pub async fn list(
    pool: &PgPool,
    search: Option<&str>,
    role: Option<Role>,
) -> Result<Vec<Account>, AccountError> {
    let client = pool.get().await?;
    let pattern = search.map(str::trim).filter(|s| !s.is_empty()).map(|s| {
        let escaped = s
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let digits: Option<String> = search.map(|s| s.chars().filter(char::is_ascii_digit).collect());
    let digits = digits.filter(|d| d.len() >= 3).map(|d| format!("%{d}%"));
    let role = role.map(Role::as_str);
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM accounts \
                 WHERE ($1::text IS NULL OR name ILIKE $1 OR onec_name ILIKE $1 \
                        OR person_name ILIKE $1 OR phone LIKE $1 OR phone LIKE $2) \
                   AND ($3::text IS NULL OR role = $3) \
                 ORDER BY active DESC, approved ASC, name"
            ),
            &[&pattern, &digits, &role],
        )
        .await?;
    Ok(rows.iter().map(account).collect())
}

/// A client account. `approved` when an admin creates it; a self-registered client waits.
pub async fn create_client(
    pool: &PgPool,
    phone: &str,
    name: &str,
    password_plain: &str,
    approved: bool,
) -> Result<Result<Account, &'static str>, AccountError> {
    let hash = password::hash(password_plain).await?;
    let client = pool.get().await?;
    let id = Uuid::new_v4();
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO accounts (id, role, phone, name, password_hash, approved) \
                 VALUES ($1, 'client', $2, $3, $4, $5) \
                 ON CONFLICT (phone) WHERE active DO NOTHING RETURNING {COLUMNS}"
            ),
            &[&id, &phone, &name, &hash, &approved],
        )
        .await?;
    Ok(row
        .as_ref()
        .map(account)
        .ok_or("Этот номер телефона уже зарегистрирован"))
}

/// Sets the portal password.
pub async fn set_password(pool: &PgPool, id: Uuid, plain: &str) -> Result<(), AccountError> {
    let hash = password::hash(plain).await?;
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE accounts SET password_hash = $2, updated_at = now() WHERE id = $1",
            &[&id, &hash],
        )
        .await?;
    Ok(())
}

pub async fn set_role(pool: &PgPool, id: Uuid, role: Role) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE accounts SET role = $2, updated_at = now() WHERE id = $1",
            &[&id, &role.as_str()],
        )
        .await?;
    Ok(())
}

pub async fn set_active(pool: &PgPool, id: Uuid, active: bool) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE accounts SET active = $2, updated_at = now(), \
             deactivated_at = CASE WHEN $2 THEN NULL ELSE now() END WHERE id = $1",
            &[&id, &active],
        )
        .await?;
    Ok(())
}

pub async fn set_approved(pool: &PgPool, id: Uuid, approved: bool) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE accounts SET approved = $2, updated_at = now() WHERE id = $1",
            &[&id, &approved],
        )
        .await?;
    Ok(())
}

/// A client's partners (ref and name).
pub async fn partners(pool: &PgPool, id: Uuid) -> Result<Vec<(Guid, String)>, AccountError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT partner_ref, partner_name FROM account_partners WHERE account_id = $1 \
             ORDER BY partner_name",
            &[&id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (Guid::from_uuid(r.get(0)), r.get(1)))
        .collect())
}

pub async fn link_partner(
    pool: &PgPool,
    id: Uuid,
    partner: Guid,
    name: &str,
) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO account_partners (account_id, partner_ref, partner_name) \
             VALUES ($1, $2, $3) ON CONFLICT (account_id, partner_ref) \
             DO UPDATE SET partner_name = EXCLUDED.partner_name",
            &[&id, &partner.as_uuid(), &name],
        )
        .await?;
    Ok(())
}

pub async fn unlink_partner(pool: &PgPool, id: Uuid, partner: Guid) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "DELETE FROM account_partners WHERE account_id = $1 AND partner_ref = $2",
            &[&id, &partner.as_uuid()],
        )
        .await?;
    Ok(())
}

/// A supervisor's team: the chosen agents, or every active agent when none was chosen.
pub async fn team(pool: &PgPool, supervisor: &Account) -> Result<Vec<Account>, AccountError> {
    let client = pool.get().await?;
    let rows = if supervisor.team_custom {
        client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM accounts WHERE active AND role = 'agent' AND id IN \
                     (SELECT agent_id FROM supervisor_team WHERE supervisor_id = $1) ORDER BY name"
                ),
                &[&supervisor.id],
            )
            .await?
    } else {
        client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM accounts WHERE active AND role = 'agent' ORDER BY name"
                ),
                &[],
            )
            .await?
    };
    Ok(rows.iter().map(account).collect())
}

/// Sets a supervisor's team (`None`: every agent).
pub async fn set_team(
    pool: &PgPool,
    supervisor: Uuid,
    agents: Option<&[Uuid]>,
) -> Result<(), AccountError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute(
        "DELETE FROM supervisor_team WHERE supervisor_id = $1",
        &[&supervisor],
    )
    .await?;
    if let Some(agents) = agents {
        for agent in agents {
            tx.execute(
                "INSERT INTO supervisor_team (supervisor_id, agent_id) \
                 SELECT $1, id FROM accounts WHERE id = $2 AND role = 'agent'",
                &[&supervisor, agent],
            )
            .await?;
        }
    }
    tx.execute(
        "UPDATE accounts SET team_custom = $2, updated_at = now() WHERE id = $1",
        &[&supervisor, &agents.is_some()],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The 1C refs of a supervisor's team (the rule of [`team`], in one query): empty unless
/// `supervisor` is an active supervisor.
pub async fn team_refs(pool: &PgPool, supervisor: Uuid) -> Result<Vec<Guid>, AccountError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT a.onec_ref FROM accounts s JOIN accounts a \
               ON a.active AND a.role = 'agent' AND a.onec_ref IS NOT NULL \
              AND (NOT s.team_custom OR a.id IN \
                   (SELECT agent_id FROM supervisor_team WHERE supervisor_id = s.id)) \
             WHERE s.id = $1 AND s.active AND s.role = 'supervisor' \
             ORDER BY a.name",
            &[&supervisor],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Guid::from_uuid(r.get::<_, Uuid>(0)))
        .collect())
}

/// Supervisors' teams for the session crate's `Scope`, from the accounts in Postgres.
#[derive(Clone)]
pub struct PgTeams {
    pool: PgPool,
}

impl PgTeams {
    pub fn new(pool: PgPool) -> Self {
        PgTeams { pool }
    }
}

#[async_trait::async_trait]
impl TeamSource for PgTeams {
    async fn team(&self, supervisor: Uuid) -> Result<Vec<Guid>, TeamError> {
        team_refs(&self.pool, supervisor)
            .await
            .map_err(|e| TeamError(e.to_string()))
    }
}

/// What a token for `account` carries: its role, 1C ref and a client's partners (a supervisor's
/// team is looked up per request, [`PgTeams`]).
pub async fn identity(
    pool: &PgPool,
    account: &Account,
    session_id: Uuid,
    impersonator: Option<Impersonator>,
) -> Result<Identity, AccountError> {
    let partners = if account.role == Role::Client {
        partners(pool, account.id)
            .await?
            .into_iter()
            .map(|(g, _)| g)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Identity {
        user_id: account.id,
        session_id,
        role: account.role,
        name: account.name.clone(),
        onec_ref: account.onec_ref,
        partners,
        impersonator,
    })
}

/// One line of the audit log.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: serde_json::Value,
}

/// Records an admin action (impersonation, role change, approval…).
pub async fn audit(
    pool: &PgPool,
    actor: Option<Uuid>,
    action: &str,
    target: Option<Uuid>,
    detail: serde_json::Value,
) -> Result<(), AccountError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO audit_log (actor_id, action, target_id, detail) VALUES ($1, $2, $3, $4)",
            &[&actor, &action, &target, &detail],
        )
        .await?;
    Ok(())
}

/// The latest audit entries, with names.
pub async fn audit_log(pool: &PgPool, limit: i64) -> Result<Vec<AuditEntry>, AccountError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT l.at, a.name, l.action, t.name, l.detail FROM audit_log l \
             LEFT JOIN accounts a ON a.id = l.actor_id LEFT JOIN accounts t ON t.id = l.target_id \
             ORDER BY l.id DESC LIMIT $1",
            &[&limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| AuditEntry {
            at: r.get(0),
            actor: r.get(1),
            action: r.get(2),
            target: r.get(3),
            detail: r.get(4),
        })
        .collect())
}
