//! `skazka-local`: the whole portal on 127.0.0.1:3000 (`PORT` to change), nothing to configure.
//! See the crate docs of `skazka_local` for how each backend is chosen.

use std::process::ExitCode;
use std::time::Instant;

use skazka_config::Config;
use skazka_local::Runner;

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("skazka-local: {e}");
            return ExitCode::from(2);
        }
    };
    let _telemetry = skazka_telemetry::init(&skazka_telemetry::Options {
        json: false,
        sentry_dsn: config.sentry_dsn.as_ref().map(|s| s.expose()),
        environment: &config.environment,
        service: skazka_local::SERVICE,
    });
    let port = config.port;
    let runner = match Runner::start(config).await {
        Ok(runner) => runner,
        Err(e) => {
            eprintln!("skazka-local: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "skazka-local: cannot listen on 127.0.0.1:{port} ({e}); set PORT to another port"
            );
            return ExitCode::FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| format!("127.0.0.1:{port}"));
    let state = &runner.state;
    println!(
        "Skazka portal: http://{address}/  (1C: {}, Postgres: {}, cache: {}, pings: {}; ready in {} ms)",
        state.onec().kind.as_str(),
        state.postgres().origin,
        state.cache().backend().kind(),
        state.pings().kind(),
        started.elapsed().as_millis()
    );
    // The peer address reaches the handlers (sign-in throttling per client address).
    let service = runner
        .router
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown())
            .into_future(),
    );
    // With the simulator: the accounts from 1C and the demo client, then the demo sign-ins, which
    // work from the moment they are printed. The server already answers meanwhile.
    if runner.simulator.is_some() {
        match skazka_local::demo_accounts(&runner.state).await {
            Ok(()) => {
                // Whoever reads stdout may stop after the first line: never die of a closed pipe.
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(
                    out,
                    "Demo sign-ins (password {}):",
                    skazka_local::DEMO_PASSWORD
                );
                for (role, phone) in skazka_local::DEMO_LOGINS {
                    let _ = writeln!(out, "  {role:<14} {phone}");
                }
                let _ = out.flush();
            }
            Err(e) => eprintln!("skazka-local: demo accounts could not be made: {e}"),
        }
    }
    // After the demo accounts (both write accounts): the scheduled refresh (catalogue, stock and
    // prices, reports, accounts) at once, then on a timer and on request, in the background.
    tokio::spawn(skazka_local::prewarm(runner.state.clone()));
    if runner.simulator.is_some() {
        // The demo agent's phone, so the supervisor's map of the demo days has a track.
        tokio::spawn(skazka_local::demo_phone(runner.state.clone()));
    }
    let served = match server.await {
        Ok(result) => result,
        Err(e) => Err(std::io::Error::other(e)),
    };
    // Dropping the runner stops the simulator and a temporary Postgres cluster.
    drop(runner);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("skazka-local: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = ctrl_c.await;
            return;
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term.recv() => {}
    }
    tracing::info!("stopping");
}
