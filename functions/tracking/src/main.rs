//! The tracking function in AWS Lambda: state built once per cold start, then the router served
//! through `lambda_http` (API Gateway HTTP API events).

#[tokio::main]
async fn main() -> Result<(), skazka_lambda::lambda_http::Error> {
    let (_telemetry, state) =
        skazka_lambda::init(skazka_tracking::SERVICE, skazka_tracking::USES).await?;
    skazka_lambda::run(skazka_tracking::router(state)).await
}
