//! The demo base's people: individuals, 1C users with the site's attributes, agents and their
//! clients (partners, counterparties, contracts, addresses).

use super::*;

impl Gen {
    pub(super) fn person(&mut self, name: &str, phone: &str) -> Uuid {
        let id = self.guid();
        let born = NaiveDate::from_ymd_opt(
            self.rng.random_range(1970..2000),
            self.rng.random_range(1..13),
            self.rng.random_range(1..29),
        )
        .expect("valid date");
        let iin = format!(
            "{}{:06}",
            born.format("%y%m%d"),
            self.rng.random_range(0..1_000_000)
        );
        let email = format!("user{}@skazka.kz", self.seq);
        let contacts = contact_rows(
            s::PERSONS,
            vec![
                ("Телефон", phone.to_string(), None),
                ("АдресЭлектроннойПочты", email, None),
            ],
        );
        self.catalog(
            s::PERSONS,
            id,
            vec![
                ("Code", Value::str(&format!("{:09}", self.seq))),
                ("Description", Value::str(name)),
                ("ДатаРождения", crate::db::at(born, 0, 0, 0)),
                ("ИНН", Value::str(&iin)),
                ("КонтактнаяИнформация", contacts),
            ],
        );
        id
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn user(
        &mut self,
        id: Uuid,
        short: &str,
        full: &str,
        phone: &str,
        role: Option<Uuid>,
        password: &str,
        invalid: bool,
        deleted: bool,
    ) {
        let person = self.person(full, phone);
        let mut attrs = vec![
            (ATTR_SITE_PASSWORD, Value::str(password)),
            (ATTR_SHOW_ON_SITE, Value::Bool(true)),
        ];
        if let Some(role) = role {
            attrs.push((ATTR_SITE_ROLE, Value::composite_ref(s::PROP_VALUES, role)));
        }
        let attrs = self.attributes(s::USERS, Some(id), attrs);
        self.catalog(
            s::USERS,
            id,
            vec![
                ("DeletionMark", Value::Bool(deleted)),
                ("Description", Value::str(short)),
                ("Недействителен", Value::Bool(invalid)),
                ("ФизическоеЛицо", Value::guid(person)),
                ("ДополнительныеРеквизиты", attrs),
            ],
        );
    }

    pub(super) fn people(&mut self, agents: usize) -> Vec<Agent> {
        self.user(
            DEMO_AGENT,
            "Жумабеков Арман (ТА)",
            "Жумабеков Арман Серикович",
            "8 (701) 000-00-01",
            Some(ROLE_USER),
            DEMO_PASSWORD,
            false,
            false,
        );
        self.user(
            DEMO_SUPERVISOR,
            "Ахметова Гульнара (супервайзер)",
            "Ахметова Гульнара Маратовна",
            "+7 (701) 000-00-02",
            Some(ROLE_MANAGER),
            DEMO_PASSWORD,
            false,
            false,
        );
        self.user(
            DEMO_ADMIN,
            "Администратор портала",
            "Ким Сергей Викторович",
            "87010000004",
            Some(ROLE_ADMIN),
            DEMO_PASSWORD,
            false,
            false,
        );
        let mut out = vec![Agent {
            id: DEMO_AGENT,
            warehouse: MAIN_WAREHOUSE,
            clients: Vec::new(),
            busy: true,
        }];
        for i in 1..agents {
            let id = self.guid();
            let name = self.full_name();
            let phone = format!(
                "8 (70{}) {:03}-{:02}-{:02}",
                1 + i % 8,
                100 + i % 900,
                i % 100,
                (i * 7) % 100
            );
            let password = format!("pw{:04}", self.rng.random_range(0..10_000));
            self.user(
                id,
                &format!("{} (ТА)", name.short()),
                &name.full(),
                &phone,
                Some(ROLE_USER),
                &password,
                false,
                false,
            );
            let warehouse = if i % 2 == 0 {
                ASTANA_WAREHOUSE
            } else {
                MAIN_WAREHOUSE
            };
            out.push(Agent {
                id,
                warehouse,
                clients: Vec::new(),
                busy: false,
            });
        }
        // People the sync must skip or deactivate: invalid, deletion-marked, without a site role.
        for (post, invalid, deleted, role) in [
            ("ТА, уволен", true, false, Some(ROLE_USER)),
            ("ТА", false, true, Some(ROLE_USER)),
            ("бухгалтер", false, false, None),
        ] {
            let id = self.guid();
            let name = self.full_name();
            self.user(
                id,
                &format!("{} ({post})", name.short()),
                &name.full(),
                "8 (705) 555-00-00",
                role,
                "secret",
                invalid,
                deleted,
            );
        }
        out
    }

    pub(super) fn clients(&mut self, mut agents: Vec<Agent>, per_agent: usize) -> Vec<Agent> {
        #[allow(clippy::needless_range_loop)] // clients are pushed into the agent being read
        for a in 0..agents.len() {
            let city = if agents[a].warehouse == MAIN_WAREHOUSE {
                ("Кокшетау", KOKSHETAU)
            } else {
                ("Астана", ASTANA)
            };
            for c in 0..per_agent {
                let demo = a == 0 && c == 0;
                let partner = if demo {
                    DEMO_CLIENT_PARTNER
                } else {
                    self.guid()
                };
                let (owner, shop) = if demo {
                    (
                        FullName::new("Сапаров", "Гульнара", "Кайрат", false),
                        "Береке",
                    )
                } else {
                    (self.full_name(), *self.pick(SHOPS))
                };
                let name = format!("ИП {} (маг. {shop})", owner.initials());
                let lat = city.1.0 + self.rng.random_range(-0.04..0.04);
                let lon = city.1.1 + self.rng.random_range(-0.06..0.06);
                let address = format!(
                    "{}, {}, {}",
                    city.0,
                    self.pick(STREETS),
                    self.rng.random_range(1..180)
                );
                let phone = if demo {
                    "8 (701) 000-00-03".to_string()
                } else {
                    format!(
                        "8 (777) {:03}-{:02}-{:02}",
                        self.rng.random_range(100..999),
                        c % 100,
                        a % 100
                    )
                };
                let contacts = contact_rows(
                    s::PARTNERS,
                    vec![
                        ("Адрес", address.clone(), Some((lat, lon))),
                        ("Телефон", phone, None),
                    ],
                );
                self.catalog(
                    s::PARTNERS,
                    partner,
                    vec![
                        ("Code", Value::str(&format!("{:09}", self.seq))),
                        ("Description", Value::str(&name)),
                        ("НаименованиеПолное", Value::str(&name)),
                        ("Клиент", Value::Bool(true)),
                        ("ОсновнойМенеджер", Value::guid(agents[a].id)),
                        ("КонтактнаяИнформация", contacts),
                    ],
                );
                // One partner may trade through several counterparties and contracts.
                let mut keys = Vec::new();
                let n_cp = if demo || self.chance(0.2) { 2 } else { 1 };
                let head = self.guid();
                for k in 0..n_cp {
                    let cp = if k == 0 { head } else { self.guid() };
                    let cp_name = if k == 0 {
                        format!("ИП {}", owner.full())
                    } else {
                        format!("ТОО \"{shop} {}\"", city.0)
                    };
                    let inn = format!("{:012}", self.rng.random_range(0..999_999_999_999u64));
                    self.catalog(
                        s::COUNTERPARTIES,
                        cp,
                        vec![
                            ("Code", Value::str(&format!("{:09}", self.seq))),
                            ("Description", Value::str(&cp_name)),
                            ("Партнер", Value::guid(partner)),
                            (
                                "ГоловнойКонтрагент",
                                Value::guid(if k == 0 { cp } else { head }),
                            ),
                            ("ИНН", Value::str(&inn)),
                        ],
                    );
                    let contract = self.guid();
                    let term = *self.pick(&[7i64, 14, 30]);
                    self.catalog(
                        s::CONTRACTS,
                        contract,
                        vec![
                            (
                                "Description",
                                Value::str(&format!("Договор поставки №{} ({term} дн.)", self.seq)),
                            ),
                            ("Номер", Value::str(&format!("{}", self.seq))),
                            ("Партнер", Value::guid(partner)),
                            ("Контрагент", Value::guid(cp)),
                            ("СрокОплаты", Value::num(term)),
                        ],
                    );
                    let key = self.guid();
                    self.catalog(
                        s::PARTNER_KEYS,
                        key,
                        vec![
                            ("Description", Value::str(&format!("{name} / {cp_name}"))),
                            ("Партнер", Value::guid(partner)),
                            ("Контрагент", Value::guid(cp)),
                            ("Договор", Value::guid(contract)),
                        ],
                    );
                    self.db.partner_keys.insert((partner, cp, contract), key);
                    keys.push((partner, cp, contract));
                }
                let term_days = if demo { 7 } else { *self.pick(&[7, 14, 30]) };
                agents[a].clients.push(Client {
                    keys,
                    address,
                    lat,
                    lon,
                    term_days,
                });
            }
        }
        agents
    }
}
