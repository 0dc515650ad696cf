//! Links that open a document in the 1C client (docs/onec.md §6.7):
//! `e1c://server/<server>/<base>#e1cib/data/Документ.ЗаказКлиента?ref=<1C id>`, where the 1C id is
//! the GUID's groups `g4 g5 g3 g2 g1` without dashes.

use onec_client::Guid;

/// The documents the pages link to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    Order,
    Sale,
}

impl DocumentKind {
    fn type_name(self) -> &'static str {
        match self {
            DocumentKind::Order => "Документ.ЗаказКлиента",
            DocumentKind::Sale => "Документ.РеализацияТоваровУслуг",
        }
    }
}

/// The 1C server and infobase the links open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct E1cLinks {
    /// `10.8.10.7` or `1c.example.kz:1541`.
    pub server: String,
    /// The infobase's name on that server (`УТ`).
    pub base: String,
}

impl E1cLinks {
    /// From the configuration (`ONEC_E1C_SERVER`, `ONEC_E1C_BASE`), each defaulting to what the
    /// OData URL says: its host (and port) and its first path segment (`/UT/odata/…` → `UT`).
    pub fn from_config(server: Option<&str>, base: Option<&str>, odata_url: &url::Url) -> Self {
        let default_server = match (odata_url.host_str(), odata_url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => "localhost".to_owned(),
        };
        let default_base = odata_url
            .path_segments()
            .and_then(|mut s| s.next())
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .unwrap_or_else(|| "UT".to_owned());
        E1cLinks {
            server: server.map(str::to_owned).unwrap_or(default_server),
            base: base.map(str::to_owned).unwrap_or(default_base),
        }
    }

    /// The link for one document.
    pub fn link(&self, kind: DocumentKind, id: Guid) -> String {
        format!(
            "e1c://server/{}/{}#e1cib/data/{}?ref={}",
            self.server,
            self.base,
            kind.type_name(),
            id.to_onec_id()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_1c_id() {
        let links = E1cLinks {
            server: "10.8.10.7".into(),
            base: "УТ".into(),
        };
        assert_eq!(
            links.link(
                DocumentKind::Sale,
                Guid::from_static("5828755a-8819-11ed-89ab-000c29dddd38")
            ),
            "e1c://server/10.8.10.7/УТ#e1cib/data/Документ.РеализацияТоваровУслуг?ref=89ab000c29dddd3811ed88195828755a"
        );
        assert_eq!(
            links.link(
                DocumentKind::Order,
                Guid::from_static("312e175a-c9c9-11ec-8936-000c29dddd38")
            ),
            "e1c://server/10.8.10.7/УТ#e1cib/data/Документ.ЗаказКлиента?ref=8936000c29dddd3811ecc9c9312e175a"
        );
        let url = url::Url::parse("https://1c.example.kz:8443/UT/odata/standard.odata/").unwrap();
        let defaults = E1cLinks::from_config(None, None, &url);
        assert_eq!(
            (defaults.server.as_str(), defaults.base.as_str()),
            ("1c.example.kz:8443", "UT")
        );
        let configured = E1cLinks::from_config(Some("10.8.10.7"), Some("УТ"), &url);
        assert_eq!(configured.base, "УТ");
    }
}
