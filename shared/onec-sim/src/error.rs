//! 1C's error answers: HTTP status, internal code and the Russian message (docs/onec.md §P9).

use axum::http::StatusCode;

/// An error the platform reports as an `odata.error` body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} code {code}: {message}")]
pub struct ODataError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

pub type Result<T, E = ODataError> = std::result::Result<T, E>;

impl ODataError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ODataError {
            status,
            code,
            message: message.into(),
        }
    }

    /// Syntax errors, unsupported operators (`in`) and malformed literals in a query option.
    pub fn parse(option: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "14",
            format!("Ошибка при разборе опции запроса {option}"),
        )
    }

    /// An unknown name in a path, `$select`, `$filter`, `$orderby` or `$expand` (echoed).
    pub fn segment_not_found(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "6",
            format!("Сегмент пути {name} не найден!"),
        )
    }

    pub fn unknown_set(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "6",
            format!("Сегмент пути {name} не найден!"),
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "9", "Экземпляр сущности не найден")
    }

    pub fn method_not_found() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "6", "Метод не найден")
    }

    pub fn unsupported_parameter(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "0",
            format!("Параметр {name} не поддерживается"),
        )
    }

    pub fn unsupported_function(name: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "21",
            format!("Функция {name} не реализована"),
        )
    }

    pub fn not_supported(what: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "0", what)
    }

    pub fn incompatible_comparison() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "-1",
            "Неверные параметры в операции сравнения. Нельзя сравнивать поля неограниченной длины и поля несовместимых типов.",
        )
    }

    /// The JSON body 1C sends.
    pub fn body(&self) -> String {
        serde_json::json!({
            "odata.error": {"code": self.code, "message": {"lang": "ru", "value": self.message}}
        })
        .to_string()
    }
}
