//! The HTTP face of the simulator: Basic auth, 1C sessions, fault injection, the OData root and the
//! `/__sim` control endpoints.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use futures::stream;
use rand::Rng;

use crate::Simulator;
use crate::error::ODataError;
use crate::faults::{FaultMode, Faults, HTML_BODY, MAINTENANCE_BODY, UNAVAILABLE_BODY};
use crate::query::Answer;
use crate::url;

pub const ROOT: &str = "/UT/odata/standard.odata/";

pub fn router(sim: Simulator) -> Router {
    Router::new().fallback(dispatch).with_state(sim)
}

async fn dispatch(State(sim): State<Simulator>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    match path.as_str() {
        "/__sim/faults" => control_faults(sim, req).await,
        "/__sim/changes" => control_changes(sim, req).await,
        "/__sim/stats" => axum::Json(sim.stats()).into_response(),
        "/__sim/demo" => axum::Json(sim.demo().clone()).into_response(),
        p if p.starts_with(ROOT) || p == ROOT.trim_end_matches('/') => odata(sim, req).await,
        _ => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

async fn control_faults(sim: Simulator, req: Request) -> Response {
    match *req.method() {
        Method::DELETE => {
            sim.reset_faults();
            StatusCode::NO_CONTENT.into_response()
        }
        Method::GET => axum::Json(sim.faults()).into_response(),
        Method::POST | Method::PUT => {
            let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                .await
                .unwrap_or_default();
            match serde_json::from_slice::<Faults>(&body)
                .map_err(|e| e.to_string())
                .and_then(|f| f.validate().map(|_| f))
            {
                Ok(f) => {
                    sim.set_faults(f.clone());
                    axum::Json(f).into_response()
                }
                Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e).into_response(),
            }
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

async fn control_changes(sim: Simulator, req: Request) -> Response {
    if req.method() != Method::POST {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let body = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let change = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    };
    match sim.apply(change) {
        Ok(id) => axum::Json(serde_json::json!({"ref": id})).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    }
}

fn odata_error(e: &ODataError) -> Response {
    json_response(e.status, e.body())
}

fn json_response(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    h.insert("DataServiceVersion", HeaderValue::from_static("3.0"));
    r
}

fn html(status: StatusCode, body: &'static str) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// Basic credentials decoded as UTF-8, as 1C requires (Cyrillic logins work only that way).
fn credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn wants_json(params: &[(String, String)], headers: &HeaderMap) -> bool {
    let format = params
        .iter()
        .find(|(k, _)| k == "$format")
        .map(|(_, v)| v.as_str());
    match format {
        Some(f) => f == "json" || f.starts_with("application/json"),
        None => headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("application/json")),
    }
}

async fn odata(sim: Simulator, req: Request) -> Response {
    sim.count_request();
    let faults = sim.faults();
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    match faults.mode {
        Some(FaultMode::Maintenance) => {
            return json_response(StatusCode::FORBIDDEN, MAINTENANCE_BODY.into());
        }
        Some(FaultMode::Unavailable) => {
            return html(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_BODY);
        }
        Some(FaultMode::Html) => return html(StatusCode::OK, HTML_BODY),
        _ => {}
    }
    if faults.error_rate > 0.0 && rand::rng().random_bool(faults.error_rate.clamp(0.0, 1.0)) {
        return html(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_BODY);
    }
    match credentials(req.headers()) {
        Some((u, p)) if sim.accepts(&u, &p) => {}
        _ => {
            let mut r = (
                StatusCode::UNAUTHORIZED,
                "401 Unauthorized: неверное имя пользователя или пароль",
            )
                .into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"1C:Enterprise 8.3\""),
            );
            return r;
        }
    }
    let session_cookie = sim.session(req.headers());
    let mut response = answer(&sim, req).await;
    if let Some(v) = session_cookie
        .and_then(|c| HeaderValue::from_str(&format!("ibsession={c}; Path=/; HttpOnly")).ok())
    {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    match faults.mode {
        Some(FaultMode::Truncated) => truncate(response).await,
        Some(FaultMode::Stall) => stall(response).await,
        _ => response,
    }
}

async fn answer(sim: &Simulator, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let raw_path = parts.uri.path();
    let path = match url::decode(&raw_path[ROOT.len().min(raw_path.len())..]) {
        Ok(p) => p,
        Err(e) => return odata_error(&e),
    };
    let params = match url::query_params(parts.uri.query()) {
        Ok(p) => p,
        Err(e) => return odata_error(&e),
    };
    if path != "$metadata" && !wants_json(&params, &parts.headers) {
        // Real 1C would answer Atom XML; the simulator serves JSON only and says so.
        return odata_error(&ODataError::new(
            StatusCode::NOT_ACCEPTABLE,
            "3",
            "Симулятор поддерживает только JSON: укажите $format=json или Accept: application/json",
        ));
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let root = format!("http://{host}{ROOT}");
    let result = match parts.method {
        Method::GET => {
            let sim = sim.clone();
            tokio::task::spawn_blocking(move || sim.query_at(&root, &path, &params))
                .await
                .unwrap_or_else(|_| {
                    Err(ODataError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "-1",
                        "Внутренняя ошибка",
                    ))
                })
        }
        Method::PATCH => {
            let body = axum::body::to_bytes(body, 16 << 20)
                .await
                .unwrap_or_default();
            sim.patch(&path, &body).map(Answer::Json)
        }
        _ => Err(ODataError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "19",
            "Метод HTTP не поддерживается для этого ресурса",
        )),
    };
    match result {
        Ok(Answer::Json(body)) => json_response(StatusCode::OK, body),
        Ok(Answer::Text(body)) => (StatusCode::OK, body).into_response(),
        Ok(Answer::Xml(body)) => {
            let mut r = (StatusCode::OK, body).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml;charset=utf-8"),
            );
            r
        }
        Err(e) => odata_error(&e),
    }
}

async fn body_bytes(response: Response) -> (axum::http::response::Parts, Bytes) {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

async fn truncate(response: Response) -> Response {
    let (mut parts, bytes) = body_bytes(response).await;
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

/// Sends the first half of the body, then never finishes: a client must time out on its own.
async fn stall(response: Response) -> Response {
    let (mut parts, bytes) = body_bytes(response).await;
    let head = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunks =
        stream::once(async move { Ok::<Bytes, Infallible>(head) }).chain(stream::once(async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(Bytes::new())
        }));
    Response::from_parts(parts, Body::from_stream(chunks))
}

use futures::StreamExt as _;

pub(crate) fn new_session_id() -> String {
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}
