//! Each function's binary as Lambda gets it, and how fast it answers its first event.
//!
//! Every function is built alone, as `sam build` (cargo lambda) builds it — `cargo build --release
//! -p <package>`, so it links only the backends it uses (`skazka-app`'s `dynamodb` feature is the
//! tracking function's alone) — with the workspace's release profile (stripped, LTO, one codegen
//! unit, size-optimised). It prints each binary's size, then starts each binary as Lambda starts
//! it (the testkit's Runtime API) against reachable backends — the simulator as 1C, a fresh
//! Postgres database, Redis, and for tracking DynamoDB (moto) — and prints the time from process
//! start to its first answered event (the median of several cold starts).
//!
//! `cargo bench -p skazka-testkit --bench lambdas --profile dev` (the harness needs no optimising;
//! the functions' release builds go into `target/lambda`: ~20 min cold on two cores, seconds when
//! nothing changed). Figures are in the README ("Lambda binaries: size and cold start").

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use skazka_testkit::runtime::{invoke_binary, lambda_env};

/// Cold starts timed per function.
const RUNS: usize = 5;

/// A function: its package and binary, and the event its first invocation gets.
struct Function {
    binary: &'static str,
    event: Event,
}

enum Event {
    /// `GET /health` through API Gateway: the function's state built, its backends probed.
    Health,
    /// The migrations function's invocation (nothing left to apply).
    Migrate,
    /// The scheduled pre-warm: a whole refresh run, so its "first answer" is that run.
    Schedule,
}

const FUNCTIONS: [Function; 8] = [
    Function {
        binary: "skazka-auth",
        event: Event::Health,
    },
    Function {
        binary: "skazka-catalogue",
        event: Event::Health,
    },
    Function {
        binary: "skazka-orders",
        event: Event::Health,
    },
    Function {
        binary: "skazka-reports",
        event: Event::Health,
    },
    Function {
        binary: "skazka-debts",
        event: Event::Health,
    },
    Function {
        binary: "skazka-tracking",
        event: Event::Health,
    },
    Function {
        binary: "skazka-migrate",
        event: Event::Migrate,
    },
    Function {
        binary: "skazka-prewarm",
        event: Event::Schedule,
    },
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// `cargo build --release -p <binary>` into `target/lambda`; the binary's path.
fn build(binary: &str) -> PathBuf {
    let target = workspace().join("target/lambda");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(workspace())
        .args([
            "build",
            "--release",
            "--locked",
            "-p",
            binary,
            "--bin",
            binary,
        ])
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {binary} failed");
    target.join("release").join(binary)
}

/// Decimal megabytes, as Lambda's limits are given.
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// moto on a free port, for the tracking function's table; `None` when it is not installed.
struct Moto(Child, String);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto() -> Option<Moto> {
    let program = workspace().join("target/ci-venv/bin/moto_server");
    if !program.exists() {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    let child = Command::new(program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(Moto(child, url));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let binaries: Vec<(&Function, PathBuf)> =
        FUNCTIONS.iter().map(|f| (f, build(f.binary))).collect();

    println!("\n{:<18} {:>14} {:>9}", "function", "stripped, bytes", "MB");
    for (f, path) in &binaries {
        let size = std::fs::metadata(path).expect("the binary").len();
        println!("{:<18} {size:>15} {:>9.2}", f.binary, mb(size));
    }

    let app = skazka_testkit::app().await;
    let moto = moto();
    let mut env = lambda_env(&app);
    env.push(("REDIS_URL", "redis://127.0.0.1:6379".to_owned()));
    let mut tracking_env = env.clone();
    match &moto {
        Some(Moto(_, url)) => {
            let table = format!("skazka-pings-{}", uuid::Uuid::new_v4().simple());
            let settings = skazka_config::PingsSettings {
                table: table.clone(),
                endpoint: Some(url.parse().expect("moto's URL")),
            };
            // SAFETY: set before any thread of this process reads the environment.
            unsafe {
                // moto keeps a table per region: the one the Runtime API gives the function.
                std::env::set_var("AWS_REGION", "eu-central-1");
                std::env::set_var("AWS_ACCESS_KEY_ID", "bench");
                std::env::set_var("AWS_SECRET_ACCESS_KEY", "bench");
            }
            skazka_pings::DynamoPings::connect(&settings, skazka_pings::DEFAULT_RETENTION)
                .await
                .ensure_table()
                .await
                .expect("the pings table");
            tracking_env.extend([
                ("PINGS_TABLE", table),
                ("DYNAMODB_ENDPOINT", url.clone()),
                ("AWS_ACCESS_KEY_ID", "bench".to_owned()),
                ("AWS_SECRET_ACCESS_KEY", "bench".to_owned()),
            ]);
        }
        None => println!("(moto not installed: tracking keeps pings in Postgres)"),
    }

    println!(
        "\n{:<18} {:>26}   (median of {RUNS}; simulator, Postgres, Redis{})",
        "function",
        "process start → answer",
        if moto.is_some() {
            ", DynamoDB (moto)"
        } else {
            ""
        }
    );
    for (f, path) in &binaries {
        let (event, env) = match f.event {
            Event::Health => (skazka_testkit::fixture("apigw-v2/health.json"), &env),
            Event::Migrate => ("{}".to_owned(), &env),
            Event::Schedule => (skazka_testkit::fixture("eventbridge/scheduled.json"), &env),
        };
        let env = if f.binary == "skazka-tracking" {
            &tracking_env
        } else {
            env
        };
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let invoked = invoke_binary(
                path.to_str().expect("a UTF-8 path"),
                env,
                &event,
                Duration::from_secs(120),
            )
            .await;
            let status = &invoked.response["statusCode"];
            assert!(
                status.is_null() || status == 200,
                "{}: {:?}",
                f.binary,
                invoked.response
            );
            times.push(invoked.first_answer);
        }
        let note = match f.event {
            Event::Schedule => "  (a whole refresh run)",
            _ => "",
        };
        println!(
            "{:<18} {:>22.1} ms{note}",
            f.binary,
            median(times).as_secs_f64() * 1000.0
        );
    }
}
