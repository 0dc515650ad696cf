//! `/logout` and the sign-out form every page's menu posts (also the end of an impersonation).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use skazka_accounts::sessions::{self, Kind};
use skazka_accounts::store;
use skazka_app::AppState;
use skazka_session::{
    CSRF_FIELD, Impersonator, REFRESH_COOKIE, REFRESH_PATH, REFRESHABLE_COOKIE, Session, chrome,
    cookie,
};
use skazka_web::{AppError, page_with};

use super::{cleared_cookies, html_response, see_other, session_cookies};
use crate::signin;

pub async fn logout_page(session: Option<Session>, headers: HeaderMap) -> Response {
    let Some(session) = session else {
        // The access token expired but the refresh token may live on: go through the refresh
        // route and back here, so the confirmation's form can end that family too.
        if cookie(&headers, REFRESHABLE_COOKIE).is_some() {
            return see_other(&format!("{REFRESH_PATH}?next=%2Flogout"), &[]);
        }
        return see_other("/login", &cleared_cookies());
    };
    html_response(
        StatusCode::OK,
        page_with(
            "Выход",
            &chrome(Some(&session)),
            html! {
                h1 { "Выйти из портала?" }
                form.inline method="post" action=(skazka_web::LOGOUT_ACTION) {
                    input type="hidden" name=(CSRF_FIELD) value=(session.csrf_token());
                    button type="submit" { "Выйти" }
                }
            },
        ),
        None,
    )
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Signs out (or, while impersonating, goes back to the admin's own account).
pub async fn logout(
    State(state): State<AppState>,
    session: Option<Session>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, AppError> {
    let Some(session) = session else {
        sign_out_by_refresh_cookie(&state, &headers, &form.csrf).await?;
        return Ok(see_other("/login", &cleared_cookies()));
    };
    session.check_csrf(Some(&form.csrf))?;
    signin::sign_out(&state, session.identity.session_id).await?;
    if let Some(Impersonator { id, .. }) = &session.identity.impersonator {
        store::audit(
            state.db(),
            Some(*id),
            "impersonation_end",
            Some(session.user_id()),
            serde_json::json!({}),
        )
        .await?;
        if let Some(admin) = store::get(state.db(), *id).await?
            && admin.active
            && admin.role == skazka_session::Role::Admin
        {
            let started = signin::start_session(&state, &admin, Kind::Browser, None, None).await?;
            let back = format!("/admin/users/{}", session.user_id());
            return Ok(see_other(&back, &session_cookies(&state, &started)));
        }
    }
    Ok(see_other("/login", &cleared_cookies()))
}

/// Signing out after the access token expired: the refresh cookie names the family, which ends
/// too (else it would stay good for hours). The form's CSRF token is the family's own (a MAC of
/// its session id), so another site cannot end it.
async fn sign_out_by_refresh_cookie(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<(), AppError> {
    let Some(token) = cookie(headers, REFRESH_COOKIE) else {
        return Ok(());
    };
    if let Some((session, _)) = sessions::session_of(state.db(), token).await?
        && state
            .sessions()
            .verify_mac("csrf", &session.to_string(), csrf)
    {
        signin::sign_out(state, session).await?;
    }
    Ok(())
}
