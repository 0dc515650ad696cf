//! `skazka-openapi`: prints the portal's OpenAPI description (commit it as `static/openapi.json`).

fn main() {
    print!("{}", skazka_local::openapi::committed_text());
}
