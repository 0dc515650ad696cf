//! The piece of the portal's OpenAPI description every function's generated part shares: the
//! error answers ([`Problems`]).

use crate::Problem;

/// The error answers of every JSON route: an RFC 9457 problem (`application/problem+json`).
#[derive(utoipa::IntoResponses)]
pub enum Problems {
    /// A parameter is malformed (the detail says which).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the session ended.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The signed-in person may not see this (another team's agent, a client's page…).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Absent, or not the viewer's.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Too many reads of 1C this minute (`Retry-After` says when to try again).
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
    /// 1C failed and nothing is kept (kept data is answered `200` with `stale`).
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// The further errors of a route that reads a JSON body.
#[derive(utoipa::IntoResponses)]
pub enum BodyProblems {
    /// The body is larger than the route takes.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// The body is not `application/json`.
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedType(Problem),
    /// The JSON does not have the described shape, or a field's value is refused (the detail
    /// says which).
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(Problem),
}
