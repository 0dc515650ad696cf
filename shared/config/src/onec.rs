//! `ONEC_URL`, `ONEC_USER`, `ONEC_PASSWORD`: where 1C's OData publication is.

use url::Url;

use crate::Secret;
use crate::reader::{Reader, redact_url};

/// Where 1C's standard OData publication is and how to sign in to it.
#[derive(Clone, Debug)]
pub struct OnecSettings {
    /// The service root, always ending in `/` (e.g. `https://1c.example.kz/UT/odata/standard.odata/`).
    pub url: Url,
    pub user: String,
    pub password: Secret,
}

pub(crate) fn read(r: &mut Reader<'_>) -> Option<OnecSettings> {
    let url = r.get("ONEC_URL");
    let user = r.get("ONEC_USER");
    let password = r.get("ONEC_PASSWORD");
    let url = url?;
    let parsed = match Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
            if u.username().is_empty() && u.password().is_none() {
                Some(u)
            } else {
                r.bad(
                    "ONEC_URL",
                    "a URL without credentials (give them in ONEC_USER and ONEC_PASSWORD)",
                    None,
                );
                None
            }
        }
        _ => {
            r.bad(
                "ONEC_URL",
                "the http(s) URL of 1C's OData service root, e.g. https://1c.example.kz/UT/odata/standard.odata/",
                Some(redact_url(&url)),
            );
            None
        }
    };
    if user.is_none() {
        r.bad("ONEC_USER", "the 1C user name (ONEC_URL is set)", None);
    }
    if password.is_none() {
        r.bad(
            "ONEC_PASSWORD",
            "the 1C user's password (ONEC_URL is set)",
            None,
        );
    }
    let mut url = parsed?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Some(OnecSettings {
        url,
        user: user?,
        password: Secret(password?),
    })
}
