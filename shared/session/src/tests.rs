use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use http::StatusCode;
use skazka_cache::MemoryCache;
use skazka_config::SessionKey;
use tower::ServiceExt;

use super::*;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use skazka_cache::CacheHandle;
use skazka_config::SessionSettings;
use skazka_web::AppError;
use std::time::Duration;
use uuid::Uuid;

fn settings(keys: &[(&str, &str)]) -> SessionSettings {
    SessionSettings {
        keys: keys
            .iter()
            .map(|(id, secret)| SessionKey {
                id: (*id).to_owned(),
                secret: skazka_config::Secret::new(*secret),
            })
            .collect(),
        ..SessionSettings::default()
    }
}

/// Every supervisor's team is `team`; `lookups` counts the calls (the cache in front saves them).
#[derive(Default)]
struct FixedTeam {
    team: std::sync::Mutex<Vec<Guid>>,
    lookups: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl TeamSource for FixedTeam {
    async fn team(&self, _supervisor: Uuid) -> Result<Vec<Guid>, TeamError> {
        self.lookups
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(self.team.lock().unwrap().clone())
    }
}

fn verifier_with(teams: Arc<FixedTeam>) -> Verifier {
    Verifier::new(
        &settings(&[("k1", "0123456789abcdef0123456789abcdef")]),
        CacheHandle::new(Arc::new(MemoryCache::default())),
    )
    .with_teams(teams)
}

fn verifier() -> Verifier {
    let teams = FixedTeam::default();
    *teams.team.lock().unwrap() = vec![AGENT];
    verifier_with(Arc::new(teams))
}

const AGENT: Guid = Guid::from_static("f10f9345-f6f4-11ed-89ec-000c29dddd38");
const OTHER: Guid = Guid::from_static("312e175a-c9c9-11ec-8936-000c29dddd38");

fn identity(role: Role) -> Identity {
    Identity {
        user_id: Uuid::new_v4(),
        session_id: Uuid::new_v4(),
        role,
        name: "Иванов С.".to_owned(),
        onec_ref: Some(AGENT),
        partners: vec![OTHER],
        impersonator: None,
    }
}

#[tokio::test]
async fn issued_token_verifies_with_every_claim() {
    let v = verifier();
    let id = identity(Role::Supervisor);
    let issued = v.issue(&id).unwrap();
    assert_eq!(issued.expires_in, 900);
    let session = v.check(&issued.token, Via::Cookie).await.unwrap();
    assert_eq!(session.identity, id);
    assert_eq!(
        session.scope(&v).await.unwrap(),
        Scope::Supervisor { team: vec![AGENT] }
    );
}

#[tokio::test]
async fn a_team_is_looked_up_once_then_cached_and_forgotten_with_the_revocation() {
    let teams = Arc::new(FixedTeam::default());
    *teams.team.lock().unwrap() = vec![AGENT];
    let v = verifier_with(teams.clone());
    let supervisor = identity(Role::Supervisor);
    // The team is not in the token: however large, the token stays the same size.
    let token = v.issue(&supervisor).unwrap().token;
    *teams.team.lock().unwrap() = vec![AGENT; 300];
    assert_eq!(v.issue(&supervisor).unwrap().token.len(), token.len());
    *teams.team.lock().unwrap() = vec![AGENT];
    let lookups = || teams.lookups.load(std::sync::atomic::Ordering::SeqCst);

    let session = v.check(&token, Via::Cookie).await.unwrap();
    for _ in 0..3 {
        session.scope(&v).await.unwrap();
    }
    assert_eq!(lookups(), 1, "one lookup, then the cache");

    // An admin changes the team: revoking the supervisor drops the cached team too.
    *teams.team.lock().unwrap() = vec![OTHER];
    v.revoke_user(supervisor.user_id).await.unwrap();
    let session = v
        .check(&v.issue(&supervisor).unwrap().token, Via::Cookie)
        .await
        .unwrap();
    assert_eq!(
        session.scope(&v).await.unwrap(),
        Scope::Supervisor { team: vec![OTHER] }
    );
    assert_eq!(lookups(), 2);
}

#[tokio::test]
async fn a_supervisor_without_a_team_source_is_an_internal_error() {
    let v = Verifier::new(
        &settings(&[("k1", "0123456789abcdef0123456789abcdef")]),
        CacheHandle::new(Arc::new(MemoryCache::default())),
    );
    let session = v
        .check(
            &v.issue(&identity(Role::Supervisor)).unwrap().token,
            Via::Bearer,
        )
        .await
        .unwrap();
    assert!(matches!(
        session.scope(&v).await,
        Err(AppError::Internal(_))
    ));
}

#[tokio::test]
async fn foreign_key_tampering_and_rotation() {
    let old = verifier();
    let token = old.issue(&identity(Role::Agent)).unwrap().token;
    // Another key with the same id: the signature fails.
    let other = Verifier::new(
        &settings(&[("k1", "ffffffffffffffffffffffffffffffff")]),
        CacheHandle::new(Arc::new(MemoryCache::default())),
    );
    assert!(matches!(
        other.check(&token, Via::Cookie).await,
        Err(VerifyError::Invalid)
    ));
    // Rotation: a new signing key, the old one still verifies.
    let rotated = Verifier::new(
        &settings(&[
            ("k2", "abcdefabcdefabcdefabcdefabcdefab"),
            ("k1", "0123456789abcdef0123456789abcdef"),
        ]),
        CacheHandle::new(Arc::new(MemoryCache::default())),
    );
    assert!(rotated.check(&token, Via::Cookie).await.is_ok());
    let new_token = rotated.issue(&identity(Role::Agent)).unwrap().token;
    assert_eq!(
        jsonwebtoken::decode_header(&new_token)
            .unwrap()
            .kid
            .as_deref(),
        Some("k2")
    );
    // A changed payload breaks the signature.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(br#"{"iss":"skazka","sub":"00000000-0000-0000-0000-000000000000","sid":"00000000-0000-0000-0000-000000000000","iat":1,"exp":99999999999,"iat_ms":1,"role":"admin","name":"x"}"#);
    assert!(matches!(
        old.check(&parts.join("."), Via::Cookie).await,
        Err(VerifyError::Invalid)
    ));
}

#[tokio::test]
async fn expired_token_is_refused() {
    let mut s = settings(&[("k1", "0123456789abcdef0123456789abcdef")]);
    s.access_ttl = Duration::from_secs(1);
    let v = Verifier::new(&s, CacheHandle::new(Arc::new(MemoryCache::default())));
    let token = v.issue(&identity(Role::Agent)).unwrap().token;
    assert!(v.check(&token, Via::Cookie).await.is_ok());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(matches!(
        v.check(&token, Via::Cookie).await,
        Err(VerifyError::Expired)
    ));
}

#[tokio::test]
async fn revocation_of_a_session_and_of_everything_before() {
    let v = verifier();
    let id = identity(Role::Agent);
    let first = v.issue(&id).unwrap().token;
    let mut other_session = id.clone();
    other_session.session_id = Uuid::new_v4();
    let second = v.issue(&other_session).unwrap().token;
    v.revoke_session(id.session_id).await.unwrap();
    assert!(matches!(
        v.check(&first, Via::Cookie).await,
        Err(VerifyError::Revoked)
    ));
    assert!(v.check(&second, Via::Cookie).await.is_ok());
    v.revoke_user(id.user_id).await.unwrap();
    assert!(matches!(
        v.check(&second, Via::Cookie).await,
        Err(VerifyError::Revoked)
    ));
    let mut fresh = id.clone();
    fresh.session_id = Uuid::new_v4();
    let third = v.issue(&fresh).unwrap().token;
    assert!(v.check(&third, Via::Cookie).await.is_ok());
}

#[tokio::test]
async fn csrf_tokens_are_per_session() {
    let v = verifier();
    let a = v
        .check(&v.issue(&identity(Role::Agent)).unwrap().token, Via::Cookie)
        .await
        .unwrap();
    let b = v
        .check(&v.issue(&identity(Role::Agent)).unwrap().token, Via::Cookie)
        .await
        .unwrap();
    assert_ne!(a.csrf_token(), b.csrf_token());
    assert!(a.check_csrf(Some(a.csrf_token())).is_ok());
    assert!(a.check_csrf(Some(b.csrf_token())).is_err());
    assert!(a.check_csrf(None).is_err());
    let bearer = Session {
        via: Via::Bearer,
        ..a.clone()
    };
    assert!(bearer.check_csrf(None).is_ok());
    assert!(v.verify_mac("x", "1", &v.mac("x", "1")));
    assert!(!v.verify_mac("x", "2", &v.mac("x", "1")));
}

#[test]
fn roles_and_next() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
    assert_eq!(safe_next("/orders?date=1"), "/orders?date=1");
    assert_eq!(safe_next("//evil.example"), "/");
    assert_eq!(safe_next("https://evil.example"), "/");
}

fn app(v: Verifier) -> Router {
    Router::new()
        .route(
            "/who",
            get(|session: Session| async move { session.name().to_owned() }),
        )
        .route(
            "/scope",
            get(|scope: Scope| async move { format!("{scope:?}") }),
        )
        .route(
            "/maybe",
            get(|session: Option<Session>| async move {
                session.map(|s| s.role().to_string()).unwrap_or_default()
            }),
        )
        .with_state(v)
}

async fn call(
    router: &Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let mut request = http::Request::get(path);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn extractors_answer_redirect_401_403() {
    let v = verifier();
    let router = app(v.clone());
    let (status, headers, _) = call(&router, "/who?x=1", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/login?next=%2Fwho%3Fx%3D1");
    let (status, headers, _) = call(&router, "/who", &[("cookie", "skazka_refresh=abc")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/api/v1/auth/refresh?next=%2Fwho");
    // Back from the refresh route still without a session: the cookie was lost, no loop.
    let back = mark_refreshed("/who?x=1");
    assert_eq!(back, "/who?x=1&refreshed=1");
    let (status, headers, _) = call(&router, &back, &[("cookie", "skazka_refresh=abc")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers["location"],
        "/login?next=%2Fwho%3Fx%3D1&reason=cookie"
    );
    let (status, headers, _) = call(&router, "/who", &[("accept", "application/json")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers["www-authenticate"], "Bearer");

    let agent = v.issue(&identity(Role::Agent)).unwrap().token;
    let bearer = format!("Bearer {agent}");
    let (status, _, body) = call(&router, "/who", &[("authorization", &bearer)]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "Иванов С."));
    let cookie = format!("a=b; {ACCESS_COOKIE}={agent}");
    let (status, _, body) = call(&router, "/scope", &[("cookie", &cookie)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Agent"), "{body}");
    let (_, _, body) = call(&router, "/maybe", &[("cookie", &cookie)]).await;
    assert_eq!(body, "agent");
    let (status, _, body) = call(&router, "/maybe", &[]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ""));

    let supervisor = v.issue(&identity(Role::Supervisor)).unwrap().token;
    let bearer = format!("Bearer {supervisor}");
    // The scope is the team; picking one agent of it is the Viewer's part, not the scope's.
    let (status, _, body) = call(
        &router,
        &format!("/scope?agent={OTHER}"),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&AGENT.to_string()), "{body}");
}
