//! The client's one error type. Every failure of a 1C call ends up here, typed, with 1C's own
//! message where 1C sent one.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum OnecError {
    /// Connection refused, reset, DNS… — the request may not have reached 1C.
    #[error("1C transport error: {0}")]
    Transport(String),
    /// No complete answer within the per-request timeout (headers and body).
    #[error("1C did not answer within {0:?}")]
    Timeout(Duration),
    /// 1C's `odata.error`: `code` is 1C's internal category (docs/onec.md §P9.2), `message` its text.
    #[error("1C error {status} (code {code}): {message}")]
    OData {
        status: u16,
        code: String,
        message: String,
    },
    /// Logins locked: the app-server 403 exception «Начало сеанса … запрещено». Temporary.
    #[error("1C is locked for maintenance: {0}")]
    Maintenance(String),
    /// The web tier answered 502/503/504 (1C's back end is down or restarting).
    #[error("1C is unavailable (HTTP {status})")]
    Unavailable { status: u16 },
    /// 401 without an OData body: wrong credentials.
    #[error("1C refused the credentials")]
    Unauthorized,
    /// Any other answer that is not an OData envelope — including an HTML page with 200.
    #[error("not an OData answer: HTTP {status}, content type {content_type:?}")]
    NotOData { status: u16, content_type: String },
    /// The body ended early (a cut connection or a truncated response).
    #[error("truncated 1C response: {0}")]
    Truncated(String),
    /// A well-formed body that does not match the expected record type.
    #[error("cannot decode 1C response for {entity_set}: {message}")]
    Decode { entity_set: String, message: String },
    /// A runtime identifier that is not a plain 1C name.
    #[error("invalid 1C identifier {0:?}")]
    InvalidName(String),
    /// Client misconfiguration (bad base URL…).
    #[error("1C client configuration: {0}")]
    Config(String),
}

impl OnecError {
    /// Whether repeating the same read later can succeed. Writes are never retried whatever this says.
    pub fn is_retryable(&self) -> bool {
        match self {
            OnecError::Transport(_)
            | OnecError::Timeout(_)
            | OnecError::Maintenance(_)
            | OnecError::Unavailable { .. }
            | OnecError::Truncated(_) => true,
            // 406 «Истекло время ожидания сеанса»: the session is gone, a new one will do.
            OnecError::OData { status, .. } => *status == 406,
            OnecError::NotOData { status, .. } => matches!(status, 502..=504),
            _ => false,
        }
    }

    /// 1C is temporarily out of reach (serve cached data with a banner).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            OnecError::Transport(_)
                | OnecError::Timeout(_)
                | OnecError::Maintenance(_)
                | OnecError::Unavailable { .. }
        )
    }

    /// 1C's "entity not found" (404, code 9).
    pub fn is_not_found(&self) -> bool {
        matches!(self, OnecError::OData { status: 404, .. })
    }
}

#[derive(Deserialize)]
struct ODataErrorBody {
    #[serde(rename = "odata.error")]
    error: ODataErrorInner,
}

#[derive(Deserialize)]
struct ODataErrorInner {
    #[serde(default, deserialize_with = "code_as_string")]
    code: String,
    message: ODataMessage,
}

#[derive(Deserialize)]
struct ODataMessage {
    #[serde(default)]
    value: String,
}

/// `code` is a string in 1C's answers; accept a number too.
fn code_as_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// The app-server exception JSON (`{"#exception": …, "exception": {"descr": …, "inner": {"descr": …}}}`).
#[derive(Deserialize)]
struct AppException {
    exception: AppExceptionNode,
}

#[derive(Deserialize)]
struct AppExceptionNode {
    #[serde(default)]
    descr: String,
    #[serde(default)]
    inner: Option<Box<AppExceptionNode>>,
}

impl AppExceptionNode {
    fn innermost(&self) -> &str {
        match &self.inner {
            Some(i) if !i.descr.is_empty() => i.innermost(),
            _ => &self.descr,
        }
    }
}

fn is_json(content_type: &str) -> bool {
    content_type.to_ascii_lowercase().contains("json")
}

/// Maps a non-2xx answer to the error it means. Works by status, content type and body shape;
/// never requires an `odata.error` (auth and web-tier answers are not OData).
pub fn error_from_response(status: u16, content_type: &str, body: &[u8]) -> OnecError {
    if let Ok(e) = serde_json::from_slice::<ODataErrorBody>(body) {
        if status == 403 && looks_like_lock(&e.error.message.value) {
            return OnecError::Maintenance(e.error.message.value);
        }
        return OnecError::OData {
            status,
            code: e.error.code,
            message: e.error.message.value,
        };
    }
    if let Ok(ex) = serde_json::from_slice::<AppException>(body) {
        let text = ex.exception.innermost().trim().to_owned();
        return match status {
            403 => OnecError::Maintenance(text),
            406 => OnecError::OData {
                status,
                code: String::new(),
                message: text,
            },
            502..=504 => OnecError::Unavailable { status },
            _ => OnecError::NotOData {
                status,
                content_type: content_type.to_owned(),
            },
        };
    }
    match status {
        401 => OnecError::Unauthorized,
        403 if looks_like_lock(&String::from_utf8_lossy(body)) => {
            OnecError::Maintenance(String::from_utf8_lossy(body).trim().to_owned())
        }
        502..=504 => OnecError::Unavailable { status },
        _ => OnecError::NotOData {
            status,
            content_type: content_type.to_owned(),
        },
    }
}

fn looks_like_lock(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("начало сеанса") || t.contains("запрещено") || t.contains("maintenance")
}

/// Checks a 2xx answer is JSON at all: an HTML page with 200 is not "no data".
pub fn check_success_content(
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<(), OnecError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let json_body = matches!(first, Some(b'{') | Some(b'['));
    // An empty body passes here and then fails decoding as truncated (retryable).
    let jsonish = is_json(content_type) || content_type.is_empty();
    if jsonish && (json_body || body.is_empty()) {
        return Ok(());
    }
    Err(OnecError::NotOData {
        status,
        content_type: content_type.to_owned(),
    })
}

/// Classifies a JSON parse failure of a 2xx body: early end = truncated (retryable), otherwise
/// a shape mismatch (not retryable).
pub fn decode_error(entity_set: &str, e: serde_json::Error) -> OnecError {
    match e.classify() {
        serde_json::error::Category::Eof => OnecError::Truncated(e.to_string()),
        serde_json::error::Category::Io => OnecError::Transport(e.to_string()),
        _ => OnecError::Decode {
            entity_set: entity_set.to_owned(),
            message: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odata_error_is_typed_with_1c_message() {
        let body = r#"{"odata.error": {"code": "14", "message": {"lang": "ru", "value": "Ошибка при разборе опции запроса $filter"}}}"#;
        match error_from_response(400, "application/json;charset=utf-8", body.as_bytes()) {
            OnecError::OData {
                status,
                code,
                message,
            } => {
                assert_eq!((status, code.as_str()), (400, "14"));
                assert_eq!(message, "Ошибка при разборе опции запроса $filter");
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn maintenance_lock_is_recognised() {
        let body = r##"{"#exception": "{http://v8.1c.ru/8.2/virtual-resource-system}Exception", "exception": {"reason": 403, "descr": "HTTP: Forbidden", "inner": {"descr": "Начало сеанса с информационной базой запрещено.\nРегламент", "creationStack": "x"}}}"##;
        let e = error_from_response(403, "application/json", body.as_bytes());
        assert!(
            matches!(&e, OnecError::Maintenance(m) if m.starts_with("Начало сеанса")),
            "{e:?}"
        );
        assert!(e.is_retryable());
    }

    #[test]
    fn rights_error_401_with_odata_body_is_odata() {
        let body =
            r#"{"odata.error":{"code":"20","message":{"lang":"ru","value":"Доступ запрещен"}}}"#;
        let e = error_from_response(401, "application/json", body.as_bytes());
        assert!(matches!(e, OnecError::OData { status: 401, .. }));
        assert!(!e.is_retryable());
    }

    #[test]
    fn statuses_without_odata_bodies() {
        assert!(matches!(
            error_from_response(401, "text/html", b"<html>"),
            OnecError::Unauthorized
        ));
        let e = error_from_response(503, "text/html", b"<html>Service Unavailable</html>");
        assert!(matches!(e, OnecError::Unavailable { status: 503 }) && e.is_retryable());
        let e = error_from_response(404, "text/html", b"<html>IIS</html>");
        assert!(matches!(e, OnecError::NotOData { status: 404, .. }) && !e.is_retryable());
        let e = error_from_response(
            500,
            "text/html",
            b"<title>1C:Enterprise 8 application error</title>",
        );
        assert!(matches!(e, OnecError::NotOData { status: 500, .. }));
    }

    #[test]
    fn html_with_200_is_not_odata() {
        assert!(check_success_content(200, "text/html; charset=utf-8", b"<html></html>").is_err());
        assert!(check_success_content(200, "application/json", b"<html></html>").is_err());
        assert!(
            check_success_content(200, "application/json;charset=utf-8", b"{\"value\":[]}").is_ok()
        );
    }

    #[test]
    fn truncated_json_is_retryable() {
        let e = serde_json::from_slice::<serde_json::Value>(b"{\"value\": [{\"a\": 1").unwrap_err();
        assert!(decode_error("X", e).is_retryable());
        let e = serde_json::from_slice::<Vec<u8>>(b"{\"a\": 1}").unwrap_err();
        assert!(!decode_error("X", e).is_retryable());
    }
}
