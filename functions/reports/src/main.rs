//! The reports function in AWS Lambda: state built once per cold start, then the router served
//! through `lambda_http` (API Gateway HTTP API events).

#[tokio::main]
async fn main() -> Result<(), skazka_lambda::lambda_http::Error> {
    let (_telemetry, state) =
        skazka_lambda::init(skazka_reports::SERVICE, skazka_reports::USES).await?;
    skazka_lambda::run(skazka_reports::router(state)).await
}
