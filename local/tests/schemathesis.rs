//! The portal's OpenAPI description tried by schemathesis (PyPI) against the running local runner,
//! signed in as each demo role: every documented operation gets generated requests, valid and
//! not, and every answer must be no server error, with a status and content type the description
//! lists and a body its schema allows.
//!
//! `scripts/test` installs schemathesis into `target/ci-venv` and names it in `SCHEMATHESIS`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Portal;
use serde_json::json;

/// What every run checks (schemathesis' names).
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_schema_conformance";

/// Generated requests per operation and phase: enough to meet every parameter's bad forms,
/// bounded so four roles stay within a few minutes on two cores.
const EXAMPLES: &str = "15";

fn schemathesis() -> PathBuf {
    if let Ok(path) = std::env::var("SCHEMATHESIS") {
        return path.into();
    }
    let venv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/ci-venv/bin/schemathesis"
    );
    assert!(
        std::path::Path::new(venv).exists(),
        "schemathesis is not installed: run scripts/test, or \
         `target/ci-venv/bin/pip install schemathesis`"
    );
    venv.into()
}

async fn token(portal: &Portal, phone: &str) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(portal.url("/api/v1/auth/token"))
        .json(&json!({"phone": phone, "password": skazka_local::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("the demo sign-in {phone} works: {answer}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_no_failure_for_any_role() {
    let program = schemathesis();
    // Generated requests read 1C far more often than a person does: the per-person bound of
    // uncached reads would answer 429 (documented, but it would hide the rest).
    let mut portal = Portal::start(&[("ONEC_READS_PER_MINUTE", "100000")]).await;
    portal.demo_ready().await;
    let document = concat!(env!("CARGO_MANIFEST_DIR"), "/../static/openapi.json");
    let work = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for (role, phone) in skazka_local::DEMO_LOGINS {
        let bearer = format!("Authorization: Bearer {}", token(&portal, phone).await);
        let run = Command::new(&program)
            .current_dir(work.path())
            .args(["run", document, "--url", &portal.base])
            .args([
                "--checks",
                CHECKS,
                "--max-examples",
                EXAMPLES,
                "--seed",
                "1",
            ])
            // One worker: Python 3.11's parser is not thread-safe under hypothesis' lambda reprs.
            .args(["--phases", "examples,coverage,fuzzing", "--workers", "1"])
            .args(["--header", &bearer])
            // The pages answer HTML to browsers; the described JSON is what programs ask for.
            .args(["--header", "Accept: application/json"])
            // Revoking ends this very session: the rest of the run would be 401s.
            .args(["--exclude-path", "/api/v1/auth/revoke"])
            .args([
                "--suppress-health-check",
                "all",
                "--generation-database",
                "none",
            ])
            .arg("--no-color")
            .output()
            .expect("schemathesis runs");
        let out = String::from_utf8_lossy(&run.stdout);
        println!("== {role} ==\n{out}");
        if !run.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&run.stderr));
            failed.push(role);
        }
    }
    assert!(failed.is_empty(), "schemathesis failed as {failed:?}");
}
