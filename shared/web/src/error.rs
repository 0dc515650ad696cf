//! Errors, rendered once for every function: an HTML page in the shared layout, or an RFC 9457
//! problem (`application/problem+json`) for clients that prefer JSON. Internal details are logged
//! (with the request id, through the request span) and never shown.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use maud::html;
use serde::Serialize;

use crate::layout::page;
use crate::negotiate::Format;

/// An RFC 9457 problem. Handlers do not build it: they return an [`AppError`] (or any error
/// status), and [`render_errors`] turns it into a page or a problem body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` means "see the status".
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The request id, so a user's report can be matched with the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    /// The problem for a bare status, with its Russian title.
    pub fn from_status(status: StatusCode) -> Self {
        Problem {
            kind: "about:blank".to_owned(),
            title: title_for(status).to_owned(),
            status: status.as_u16(),
            detail: None,
            instance: None,
            request_id: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Russian titles for the statuses the portal answers with.
pub fn title_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Неверный запрос",
        401 => "Требуется вход",
        403 => "Доступ запрещён",
        404 => "Страница не найдена",
        405 => "Метод не поддерживается",
        406 => "Формат ответа не поддерживается",
        408 => "Время ожидания запроса истекло",
        409 => "Конфликт",
        413 => "Слишком большой запрос",
        415 => "Формат запроса не поддерживается",
        422 => "Данные не прошли проверку",
        429 => "Слишком много запросов",
        502 | 504 => "Учётная система не ответила",
        503 => "Сервис временно недоступен",
        s if s >= 500 => "Внутренняя ошибка",
        _ => "Ошибка запроса",
    }
}

/// The errors a handler returns. Each becomes a [`Problem`]; `Internal` and `Unavailable` log
/// their cause and show only a generic text.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A request body over the endpoint's limit; the text says the limit.
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// A request body of a type the endpoint does not read; the text says which it reads.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// The person asked more of 1C than a minute allows; `Retry-After` says when to try again.
    #[error("too many requests; retry in {retry_after_s} s")]
    TooManyRequests { retry_after_s: u64 },
    /// A backend (1C, Postgres…) cannot be reached; the cause is logged, not shown.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the cause is logged, not shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn problem(&self) -> Problem {
        let problem = Problem::from_status(self.status());
        match self {
            AppError::NotFound => {
                problem.with_detail("Такой страницы нет. Проверьте адрес или вернитесь на главную.")
            }
            AppError::BadRequest(detail)
            | AppError::TooLarge(detail)
            | AppError::UnsupportedMediaType(detail) => problem.with_detail(detail.clone()),
            AppError::Unauthorized => problem.with_detail("Войдите, чтобы открыть эту страницу."),
            AppError::Forbidden => {
                problem.with_detail("У вас недостаточно прав для этой страницы.")
            }
            AppError::TooManyRequests { retry_after_s } => problem.with_detail(format!(
                "Вы открыли слишком много новых страниц за минуту, а учётная система общая для \
                 всех. Повторите через {retry_after_s} с — уже открытые страницы доступны."
            )),
            AppError::Unavailable(_) => {
                problem.with_detail("Учётная система сейчас недоступна. Попробуйте позже.")
            }
            AppError::Internal(_) => {
                problem.with_detail("Что-то пошло не так. Мы уже знаем об этом.")
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "backend unavailable"),
            _ => {}
        }
        let problem = self.problem();
        let mut response = problem.status_code().into_response();
        if let AppError::TooManyRequests { retry_after_s } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
        }
        response.extensions_mut().insert(problem);
        response
    }
}

/// axum's `Json` rejections as problems: a clear `400`, `413` or `415` with a Russian
/// detail, whichever extractor a handler uses.
impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        use axum::extract::rejection::JsonRejection as J;
        match rejection {
            J::MissingJsonContentType(_) => {
                AppError::UnsupportedMediaType("Ожидается Content-Type: application/json".into())
            }
            J::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::TooLarge("Тело запроса больше допустимого".into())
            }
            J::JsonSyntaxError(e) => {
                AppError::BadRequest(format!("Неверный JSON: {}", e.body_text()))
            }
            J::JsonDataError(e) => {
                AppError::BadRequest(format!("JSON не той формы: {}", e.body_text()))
            }
            other => AppError::BadRequest(other.body_text()),
        }
    }
}

/// The fallback of every router: "not found", as a page or a problem.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Middleware: renders every error response according to the request's `Accept`. It renders
///  - responses that carry a [`Problem`] (from [`AppError`]), and
///  - bare error statuses without a body type (axum's own 404/405/415…),
///
/// and leaves every other response as it is.
pub async fn render_errors(request: Request, next: Next) -> Response {
    // The API under `/api/` answers programs: its errors are problems whatever `Accept` says.
    let format = match request.uri().path().starts_with("/api/") {
        true => Format::Json,
        false => Format::from_headers(request.headers()),
    };
    let instance = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;

    let status = response.status();
    let failed = status.is_client_error() || status.is_server_error();
    let (problem, response) = match response.extensions().get::<Problem>() {
        Some(problem) => (problem.clone(), response),
        None if failed && !response.headers().contains_key(header::CONTENT_TYPE) => {
            (Problem::from_status(status), response)
        }
        None if failed && is_plain_text(&response) => rejection_problem(response).await,
        None => return response,
    };
    let problem = Problem {
        instance: Some(instance),
        request_id,
        ..problem
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut rendered = match format {
        Format::Json => {
            let body = serde_json::to_vec(&problem).unwrap_or_default();
            let mut r = body.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            r
        }
        Format::Html => error_page(&problem).into_response(),
    };
    // Keep the original response's headers (Allow, WWW-Authenticate…) beside the new body's.
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE {
            rendered.headers_mut().append(name, value.clone());
        }
    }
    *rendered.status_mut() = parts.status;
    rendered.extensions_mut().insert(problem);
    rendered
}

fn is_plain_text(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"))
}

/// An extractor's rejection (axum answers a bad query string, path or form in plain text) as a
/// problem like every other error: for a 4xx its text says what was wrong with the request; a
/// 5xx shows nothing of it.
async fn rejection_problem(response: Response) -> (Problem, Response) {
    const MAX_DETAIL: usize = 4096;
    let status = response.status();
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_DETAIL)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .unwrap_or_default();
    let problem = Problem::from_status(status);
    let problem = if status.is_client_error() && !text.trim().is_empty() {
        problem.with_detail(format!("Запрос не разобран: {}", text.trim()))
    } else {
        tracing::warn!(%status, text, "plain-text error answer");
        problem
    };
    (
        problem,
        Response::from_parts(parts, axum::body::Body::empty()),
    )
}

fn error_page(problem: &Problem) -> maud::Markup {
    page(
        &problem.title,
        html! {
            section.error {
                h1 { (problem.title) }
                @if let Some(detail) = &problem.detail {
                    p { (detail) }
                }
                @if let Some(id) = &problem.request_id {
                    p.request-id { "Код запроса: " code { (id) } }
                }
                p { a href="/" { "На главную" } }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route(
                "/boom",
                get(|| async { AppError::Internal("db password=x".into()) }),
            )
            .route("/ok", get(|| async { "fine" }))
            .route(
                "/query",
                get(
                    |q: axum::extract::Query<std::collections::HashMap<String, u32>>| async move {
                        format!("{}", q.0.len())
                    },
                ),
            )
            .route(
                "/path/{n}",
                get(
                    |axum::extract::Path(n): axum::extract::Path<u32>| async move { n.to_string() },
                ),
            )
            .fallback(not_found)
            .layer(axum::middleware::from_fn(render_errors))
    }

    async fn call(path: &str, accept: Option<&str>) -> (StatusCode, String, String) {
        let mut request = http::Request::get(path);
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let response = app()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    #[tokio::test]
    async fn not_found_is_a_russian_page_or_a_problem() {
        let (status, ct, body) = call("/nope", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(body.contains("Страница не найдена"), "{body}");

        let (status, ct, body) = call("/nope", Some("application/json")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(ct, "application/problem+json");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], 404);
        assert_eq!(json["type"], "about:blank");
        assert_eq!(json["instance"], "/nope");
    }

    #[tokio::test]
    async fn extractor_rejections_are_problems_like_every_other_error() {
        for path in ["/query?n=x", "/path/x"] {
            let (status, ct, body) = call(path, Some("application/json")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(ct, "application/problem+json", "{path}");
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(json["status"], 400);
            assert_eq!(json["title"], "Неверный запрос");
            assert!(
                json["detail"]
                    .as_str()
                    .unwrap()
                    .starts_with("Запрос не разобран"),
                "{json}"
            );
            let (status, ct, body) = call(path, None).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(ct.starts_with("text/html"), "{ct}");
            assert!(body.contains("Неверный запрос"), "{body}");
        }
        let (status, _, body) = call("/query?n=7", None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "1"));
    }

    #[tokio::test]
    async fn internal_details_are_not_shown() {
        let (status, _, body) = call("/boom", Some("application/json")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.contains("password"), "{body}");
    }

    #[tokio::test]
    async fn bare_error_statuses_are_rendered_and_success_untouched() {
        let response = app()
            .oneshot(
                http::Request::post("/ok")
                    .header("accept", "application/json")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(response.headers().contains_key("allow"));
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let (status, _, body) = call("/ok", None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "fine"));
    }
}
