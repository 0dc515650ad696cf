//! The orders function in AWS Lambda: state built once per cold start, then the router served
//! through `lambda_http` (API Gateway HTTP API events).

#[tokio::main]
async fn main() -> Result<(), skazka_lambda::lambda_http::Error> {
    let (_telemetry, state) =
        skazka_lambda::init(skazka_orders::SERVICE, skazka_orders::USES).await?;
    skazka_lambda::run(skazka_orders::router(state)).await
}
