//! A province-year on PostgreSQL (`cargo bench -p ansinh-hub --bench province`): 5 million
//! generated records, then the hub's read side timed through its real handlers
//! (`ansinh_hub::app` with tower's `oneshot`): the dashboard, `progress.json`, the renewal
//! list of the commune with the most records (as its device downloads it) and its lapsed
//! list, and a month's D05-TS export for the whole province in CSV, XML and XLSX, read to
//! the last byte with the peak memory it took. Written up in BENCHMARKS.md ("5 million
//! records").
//!
//! Runs only when `ANSINH_TEST_POSTGRES` names a server (`bash tests/postgres.sh start DIR`
//! prints one). The data go into the database `ansinh_province` on that server, with the
//! hub's keys in `ANSINH_PROVINCE_DIR` (default `/tmp/ansinh-province`); a later run finds
//! them (the database's comment names the record count and the keys) and only times.
//! `ANSINH_PROVINCE_RECORDS` (default 5,000,000) sets the size; `ANSINH_PROVINCE_EXPLAIN=1`
//! prints the query plans of the read side (`EXPLAIN (ANALYZE, BUFFERS)`).
//!
//! `-- --export-only` times only the month's D05-TS export: the three formats through the
//! handler with the process's CPU time and the load average, the CSV again with the kept keys
//! set aside (records stored before keys were kept; they are put back after), then its cost
//! per record taken apart (reading the pages, opening the records with and without their kept
//! box keys, the rules' reading, each format's writer: CPU time of one thread).
//!
//! The records are real: each is an enrollment validated and priced with the policy table on
//! its collection day, encoded and sealed to the hub's key as a device does, so the exports
//! and lists open and read them as they would a device's. What the hub keeps in clear beside
//! them (scheme, commune, agent, day, amount, pseudonyms and paid periods) is written with
//! COPY rather than through `Store::ingest` (far too slow for 5 million here), with the values
//! the ingest would store: one record in 500 is opened and checked by the hub's own ingest
//! reading (`Hub::incoming`) and must agree.
//!
//! The province-year (Hà Nội's communes, 2026): half the records voluntary SI (one person
//! paying monthly, every 3, 6 or 12 months), half household health insurance (1–5 members,
//! every 3, 6 or 12 months); participants start through the year, some stop paying (so the
//! lapsed lists fill) and a few come back late; payments bunch at month end; 8 agents and 4
//! devices per commune, communes of unequal size; the plan (province and communes, every
//! month) imported from a CSV file.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use ansinh_core::{Date, PolicyTable};
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Collection, Record};
use ansinh_hub::{AppState, Coverage, Facts, Hub};
use ansinh_wire::{AgentAccount, Assignment, SealedRecord};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::Type;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The province (Hà Nội).
const PROVINCE: &str = "01";
/// The year generated.
const YEAR: u16 = 2026;
/// The month the dashboard and the export look at, and the clock (28 December 2026, 10:00 in
/// Vietnam): the year to date is the whole year.
const MONTH: &str = "2026-12";
const NOW: i64 = 1_798_426_800;
const AGENTS_PER_COMMUNE: usize = 8;
const AGENTS_PER_DEVICE: usize = 2;
const DATABASE: &str = "ansinh_province";

/// A small, fast, seeded generator (SplitMix64): the set is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// One of `choices`.
    fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        let i = usize::try_from(self.below(choices.len() as u64)).unwrap_or(0);
        choices[i]
    }

    /// True with probability `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// One participant (voluntary SI) or household: who, where, how often they pay.
#[derive(Clone, Copy)]
struct Unit {
    /// Index, which every person of it derives from.
    id: u32,
    household: bool,
    /// Members (1 for voluntary SI).
    members: u8,
    /// Months each payment covers.
    period: u8,
    commune: u16,
    agent: u16,
    /// Voluntary SI: the income band; with an SI code already (a continuing participant).
    income: u8,
    continuing: bool,
    reminders: bool,
}

/// One payment: its unit, when collected, the first month it pays.
#[derive(Clone, Copy)]
struct Payment {
    unit: u32,
    collected_at: i64,
    /// Months since January of `YEAR` (0-based) of the first month paid.
    start: u16,
    device: u32,
    receipt_no: u32,
    record_id: [u8; 16],
}

const SURNAMES: [&str; 12] =
    ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Đức", "Ngọc", "Quang"];
const GIVEN: [&str; 16] = [
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khôi", "Lan", "Linh", "Long",
    "Mai", "Nam", "Nhung", "Tuấn",
];
/// Voluntary SI incomes (đồng a month): the floor and a few above it.
const INCOMES: [u64; 4] = [1_500_000, 2_000_000, 3_000_000, 5_000_000];

fn name_of(person: u64) -> String {
    format!(
        "{} {} {} {}",
        SURNAMES[(person % 12) as usize],
        MIDDLE[(person / 12 % 8) as usize],
        GIVEN[(person / 96 % 16) as usize],
        GIVEN[(person / 1536 % 16) as usize]
    )
}

/// A personal ID that agrees with the sex and birth year (Decree 137/2015 Art 13), one per
/// person: the first three and the last six digits count the person.
fn personal_id(person: u64, female: bool, year: u16) -> String {
    let century = (year / 100).saturating_sub(19) * 2 + u16::from(female);
    format!("{:03}{century}{:02}{:06}", 1 + person / 1_000_000, year % 100, person % 1_000_000)
}

/// Unix time of a day and hour in Vietnam.
fn vn_time(year: u16, month: u8, day: u8, secs: i64) -> Res<i64> {
    let d = Date::new(year, month, day).map_err(|e| format!("{e:?}"))?;
    Ok(d.epoch_days() * 86_400 - 7 * 3600 + secs)
}

fn month_of(index: u16) -> (u16, u8) {
    (YEAR + index / 12, u8::try_from(index % 12 + 1).unwrap_or(1))
}

/// The day of a payment in its month: two in five in the last five days.
fn pay_day(rng: &mut Rng, index: u16) -> Res<(u8, i64)> {
    let (y, m) = month_of(index);
    let days = Date::new(if m == 12 { y + 1 } else { y }, if m == 12 { 1 } else { m + 1 }, 1)
        .map_err(|e| format!("{e:?}"))?
        .epoch_days()
        - Date::new(y, m, 1).map_err(|e| format!("{e:?}"))?.epoch_days();
    let days = u8::try_from(days).unwrap_or(28);
    let day = if rng.chance(40) {
        days - u8::try_from(rng.below(5)).unwrap_or(0)
    } else {
        1 + u8::try_from(rng.below(u64::from(days - 5))).unwrap_or(0)
    };
    let secs = 7 * 3600 + i64::try_from(rng.below(10 * 3600)).unwrap_or(0);
    Ok((day, vn_time(y, m, day, secs)?))
}

/// The units and their payments: `target` records or a few more.
fn schedule(target: u64, communes: usize) -> Res<(Vec<Unit>, Vec<Payment>)> {
    let mut rng = Rng(0x5EED_0001);
    // Communes of unequal size: weights 1..=8, the first few largest.
    let weights: Vec<u64> = (0..communes).map(|c| 8 - (c as u64 * 7 / communes as u64)).collect();
    let total_weight: u64 = weights.iter().sum();
    let mut units = vec![];
    let mut payments = vec![];
    while (payments.len() as u64) < target {
        let id = u32::try_from(units.len())?;
        let household = rng.chance(50);
        let mut pick = rng.below(total_weight);
        let mut commune = 0;
        while pick >= weights[commune] {
            pick -= weights[commune];
            commune += 1;
        }
        let period =
            if household { rng.pick(&[3, 6, 6, 12]) } else { rng.pick(&[1, 3, 3, 3, 6, 6, 12]) };
        let unit = Unit {
            id,
            household,
            members: if household { 1 + u8::try_from(rng.below(5))? } else { 1 },
            period,
            commune: u16::try_from(commune)?,
            agent: u16::try_from(rng.below(AGENTS_PER_COMMUNE as u64))?,
            income: u8::try_from(rng.below(INCOMES.len() as u64))?,
            continuing: rng.chance(60),
            reminders: rng.chance(70),
        };
        // Already paying before the year (first payment within the first period) or joining
        // during it.
        let mut month = u16::try_from(if rng.chance(70) {
            rng.below(u64::from(period))
        } else {
            rng.below(12)
        })?;
        loop {
            let (_, collected_at) = pay_day(&mut rng, month)?;
            payments.push(Payment {
                unit: id,
                collected_at,
                start: month + 1,
                device: 0,
                receipt_no: 0,
                record_id: [0; 16],
            });
            // Some stop (lapse); of those a few come back months later.
            let mut next = month + u16::from(period);
            if rng.chance(7) {
                if !rng.chance(25) {
                    break;
                }
                next += 4 + u16::try_from(rng.below(3))?;
            }
            if next >= 12 {
                break;
            }
            month = next;
        }
        units.push(unit);
    }
    payments.sort_by_key(|p| (p.collected_at, p.unit));
    Ok((units, payments))
}

/// The enrollment of one payment, as its device's wizard would have made it.
fn enrollment_json(
    templates: &(EnrollmentJson, EnrollmentJson),
    u: &Unit,
    p: &Payment,
    commune: &str,
) -> EnrollmentJson {
    let (y, m) = month_of(p.start);
    let start = format!("{y:04}-{m:02}");
    let person = |k: u64| u64::from(u.id) * 8 + k;
    let mut json = if u.household { templates.1.clone() } else { templates.0.clone() };
    match &mut json {
        EnrollmentJson::Voluntary { person: who, choices, consent } => {
            let n = person(0);
            let female = n % 2 == 1;
            let year = 1970 + u16::try_from(n / 2 % 30).unwrap_or(0);
            who.full_name = name_of(n);
            who.sex = if female { "female" } else { "male" }.into();
            who.birth_date = format!("{year}-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
            who.personal_id = personal_id(n, female, year);
            who.legacy_si_code = u.continuing.then(|| format!("01{:08}", n % 100_000_000));
            who.phone = Some(format!("09{:08}", n % 100_000_000));
            who.address.line = format!("Số {}, thôn {}", n % 200 + 1, n % 9 + 1);
            who.address.commune_code = commune.to_string();
            who.address.province_code = PROVINCE.to_string();
            choices.income = INCOMES[usize::from(u.income)];
            choices.mode = u.period.to_string();
            choices.start_month = start;
            choices.group = "other".into();
            choices.evidence_ref = None;
            consent.purposes = if u.reminders {
                vec!["enrollment".into(), "reminders".into()]
            } else {
                vec!["enrollment".into()]
            };
            consent.at = p.collected_at - 120;
        }
        EnrollmentJson::Household { household, consent } => {
            let template = household.members[0].clone();
            household.members.clear();
            for k in 0..u64::from(u.members) {
                let n = person(k);
                let female = k % 2 == 1;
                let child = k >= 2;
                let year = if child {
                    2008 + u16::try_from(n % 12).unwrap_or(0)
                } else {
                    1960 + u16::try_from(n / 2 % 40).unwrap_or(0)
                };
                let mut member = template.clone();
                member.full_name = name_of(n);
                member.sex = if female { "female" } else { "male" }.into();
                member.birth_date = format!("{year}-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
                member.personal_id = personal_id(n, female, year);
                member.relationship = ["head", "spouse", "child", "child", "child"]
                    [usize::try_from(k).unwrap_or(4)]
                .into();
                member.months = u.period;
                household.members.push(member);
            }
            household.head.full_name = household.members[0].full_name.clone();
            household.head.personal_id = household.members[0].personal_id.clone();
            household.head.phone = Some(format!("03{:08}", person(0) % 100_000_000));
            household.head.address.line = format!("Số {}, tổ {}", u.id % 300 + 1, u.id % 20 + 1);
            household.head.address.commune_code = commune.to_string();
            household.head.address.province_code = PROVINCE.to_string();
            household.start_month = start;
            consent.purposes = if u.reminders {
                vec!["enrollment".into(), "reminders".into()]
            } else {
                vec!["enrollment".into()]
            };
            consent.at = p.collected_at - 120;
        }
    }
    json
}

/// The device, agents and communes of the province.
struct Province {
    communes: Vec<&'static str>,
    /// Per commune, per agent: the device that agent collects with.
    devices: Vec<Vec<u64>>,
}

fn agent_code(commune: usize, agent: usize) -> String {
    format!("HN{commune:03}-{agent}")
}

/// Registers the province's devices through the store, each assigned its commune and its two
/// agents, as a hub's staff would.
fn register_devices(hub: &Hub, communes: &[&'static str]) -> Res<Province> {
    let store = hub.store();
    let mut devices = vec![];
    for (c, code) in communes.iter().enumerate() {
        let mut per_agent = vec![];
        for first in (0..AGENTS_PER_COMMUNE).step_by(AGENTS_PER_DEVICE) {
            let agents = (first..first + AGENTS_PER_DEVICE)
                .map(|a| AgentAccount { code: agent_code(c, a), name: name_of(a as u64 + 7) })
                .collect();
            let assignment = Assignment {
                collection_point: format!("Bưu điện {c}-{first}"),
                communes: vec![(*code).to_string()],
                agents,
            };
            let token: [u8; 32] = Sha256::digest(format!("{c}-{first}")).into();
            store.create_token(token, "prov", "province bench", &assignment, 0, i64::MAX)?;
            let key = ansinh_wire::generate_signing_key();
            let device = store
                .register_device(token, 1, "Bưu điện", key.verifying_key().to_bytes())?
                .ok_or("token refused")?;
            for _ in 0..AGENTS_PER_DEVICE {
                per_agent.push(device.id);
            }
        }
        devices.push(per_agent);
    }
    Ok(Province { communes: communes.to_vec(), devices })
}

/// One record and its coverage rows, as the store keeps them.
struct Row {
    device: i64,
    record_id: [u8; 16],
    received_at: i64,
    sealed: Vec<u8>,
    sha: [u8; 32],
    /// The box's key as the ingest keeps it.
    wrapped_key: [u8; ansinh_wire::WRAPPED_KEY_BYTES],
    facts: Facts,
}

struct Generator<'a> {
    hub: &'a Hub,
    table: PolicyTable<'static>,
    templates: (EnrollmentJson, EnrollmentJson),
    sealing: ansinh_wire::SealingKey,
    units: &'a [Unit],
    province: &'a Province,
}

impl Generator<'_> {
    fn row(&self, p: &Payment, check: bool) -> Res<Row> {
        let u = &self.units[p.unit as usize];
        let commune = self.province.communes[usize::from(u.commune)];
        let json = enrollment_json(&self.templates, u, p, commune);
        let today = Date::in_vietnam(p.collected_at).map_err(|e| format!("{e:?}"))?;
        let enrollment = json.validate(&self.table, today).map_err(|e| format!("{e:?}"))?;
        let amount = ansinh_enrollment::price::price(&enrollment, &self.table, today)?.amount;
        let agent = agent_code(usize::from(u.commune), usize::from(u.agent));
        let record = Record {
            enrollment,
            collection: Collection {
                record_id: p.record_id,
                device_id: u64::from(p.device),
                collection_point: "Bưu điện".try_into().map_err(|_| "cap")?,
                agent_code: agent.as_str().try_into().map_err(|_| "cap")?,
                at: p.collected_at,
                receipt_no: p.receipt_no,
                amount,
                policy_version: self.table.version.try_into().map_err(|_| "cap")?,
                corrects: None,
            },
        };
        let plain =
            ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| format!("{e:?}"))?;
        let sealed = self.sealing.seal(&plain)?;
        let sha: [u8; 32] = Sha256::digest(&sealed).into();
        let (_, wrapped_key) = self.hub.keys().opening.open_and_wrap_key(&sealed)?;
        // What the ingest keeps in clear, worked out here as it does it.
        let keys = self.hub.keys();
        let (scheme, coverage) = match &record.enrollment {
            ansinh_enrollment::record::Enrollment::Voluntary(v) => {
                let until = month_of(p.start + u16::from(u.period) - 1);
                (
                    "voluntary-si",
                    vec![Coverage {
                        person_key: keys.pseudonym(&v.person.personal_id),
                        paid_from: format!("{:04}-{:02}", month_of(p.start).0, month_of(p.start).1),
                        paid_until: format!("{:04}-{:02}", until.0, until.1),
                    }],
                )
            }
            ansinh_enrollment::record::Enrollment::Household(h) => (
                "household-bhyt",
                h.members
                    .iter()
                    .map(|m| {
                        let until = month_of(p.start + u16::from(m.months) - 1);
                        Coverage {
                            person_key: keys.pseudonym(&m.personal_id),
                            paid_from: format!(
                                "{:04}-{:02}",
                                month_of(p.start).0,
                                month_of(p.start).1
                            ),
                            paid_until: format!("{:04}-{:02}", until.0, until.1),
                        }
                    })
                    .collect(),
            ),
        };
        let facts = Facts {
            scheme: scheme.into(),
            commune_code: commune.into(),
            agent_code: agent,
            collected_at: p.collected_at,
            day: format!("{:04}-{:02}-{:02}", today.year(), today.month_number(), today.day()),
            amount,
            coverage,
        };
        let received_at = p.collected_at + 60 + (i64::from(p.receipt_no) * 37) % 3600;
        if check {
            // The ingest's own reading of the same sealed record must agree.
            let incoming = self.hub.incoming(
                u64::from(p.device),
                SealedRecord { record_id: p.record_id, sealed: sealed.clone() },
            );
            if incoming.verdict.as_ref() != Ok(&facts)
                || incoming.sealed_sha256 != sha
                || incoming.wrapped_key != Some(wrapped_key)
            {
                return Err(format!(
                    "the generator and the ingest disagree on a record: {:?} vs {facts:?}",
                    incoming.verdict
                )
                .into());
            }
        }
        Ok(Row {
            device: i64::from(p.device),
            record_id: p.record_id,
            received_at,
            sealed,
            sha,
            wrapped_key,
            facts,
        })
    }
}

/// Opens a plain connection to `url` on the runtime `rt`.
fn connect(rt: &tokio::runtime::Runtime, url: &str) -> Res<tokio_postgres::Client> {
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        tokio::spawn(conn);
        Ok(client)
    })
}

fn database_url(admin: &str) -> Res<String> {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin, String::new()),
    };
    let (server, _) =
        base.rsplit_once('/').ok_or("ANSINH_TEST_POSTGRES is not a postgres:// URL")?;
    Ok(format!("{server}/{DATABASE}{query}"))
}

/// Generates and writes the province-year into `url`'s (empty, migrated) database.
fn load(rt: &tokio::runtime::Runtime, url: &str, hub: &Hub, target: u64) -> Res<()> {
    let started = Instant::now();
    let communes: Vec<&'static str> =
        ansinh_geo::communes_in(PROVINCE).iter().map(|c| c.code).collect();
    let province = register_devices(hub, &communes)?;
    let (units, mut payments) = schedule(target, communes.len())?;
    // Each device numbers its receipts; record ids are random as a device's are.
    let mut receipts: HashMap<u64, u32> = HashMap::new();
    for (i, p) in payments.iter_mut().enumerate() {
        let u = &units[p.unit as usize];
        let device = province.devices[usize::from(u.commune)][usize::from(u.agent)];
        let n = receipts.entry(device).or_insert(0);
        *n += 1;
        p.device = u32::try_from(device)?;
        p.receipt_no = *n;
        p.record_id = Sha256::digest(format!("record {i}"))[..16].try_into()?;
    }
    println!(
        "generating {} records of {} participants and households in {} communes ({:.1} s so far)",
        payments.len(),
        units.len(),
        communes.len(),
        started.elapsed().as_secs_f64()
    );
    let read = |name: &str| -> Res<EnrollmentJson> {
        Ok(EnrollmentJson::parse(&ansinh_tests::fixtures::text(name)?)?)
    };
    let generator = Generator {
        hub,
        table: ansinh_core::default_table(),
        templates: (read("enrollment.json")?, read("household.json")?),
        sealing: hub.keys().opening.sealing_key(),
        units: &units,
        province: &province,
    };

    let records = connect(rt, url)?;
    let coverage = connect(rt, url)?;
    // A bulk load as pg_restore does it: the secondary indexes built once at the end, and the
    // coverage → records reference not checked row by row (every coverage row is written
    // with its record here).
    let indexes: Vec<(String, String)> = rt.block_on(async {
        let rows = records
            .query(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i \
                 WHERE i.tablename IN ('records', 'coverage') AND NOT EXISTS \
                 (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                &[],
            )
            .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Res<Vec<_>>>()
    })?;
    rt.block_on(async {
        for (name, _) in &indexes {
            records.batch_execute(&format!("DROP INDEX {name}")).await?;
        }
        for c in [&records, &coverage] {
            c.batch_execute("SET session_replication_role = replica").await?;
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    let record_types = [
        Type::INT8,
        Type::BYTEA,
        Type::TEXT,
        Type::INT8,
        Type::BYTEA,
        Type::BYTEA,
        Type::TEXT,
        Type::TEXT,
        Type::TEXT,
        Type::INT8,
        Type::TEXT,
        Type::INT8,
        Type::INT8,
        Type::BYTEA,
    ];
    let coverage_types =
        [Type::INT8, Type::BYTEA, Type::INT8, Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT];
    rt.block_on(async {
        let sink = records
            .copy_in(
                "COPY records (device_id, record_id, channel, received_at, sealed, sealed_sha256, \
                 scheme, commune_code, agent_code, collected_at, day, amount, participants, \
                 wrapped_key) FROM STDIN BINARY",
            )
            .await?;
        let mut rw = std::pin::pin!(BinaryCopyInWriter::new(sink, &record_types));
        let sink = coverage
            .copy_in(
                "COPY coverage (device_id, record_id, idx, scheme, person_key, paid_from, \
                 paid_until) FROM STDIN BINARY",
            )
            .await?;
        let mut cw = std::pin::pin!(BinaryCopyInWriter::new(sink, &coverage_types));
        let mut done = 0usize;
        for chunk in payments.chunks(8_192) {
            let offset = done;
            let rows: Vec<Row> = tokio::task::block_in_place(|| {
                chunk
                    .par_iter()
                    .enumerate()
                    .map(|(i, p)| generator.row(p, (offset + i).is_multiple_of(500)))
                    .collect::<Res<Vec<_>>>()
            })?;
            for r in &rows {
                let f = &r.facts;
                rw.as_mut()
                    .write(&[
                        &r.device,
                        &&r.record_id[..],
                        &"network",
                        &r.received_at,
                        &r.sealed,
                        &&r.sha[..],
                        &f.scheme,
                        &f.commune_code,
                        &f.agent_code,
                        &f.collected_at,
                        &f.day,
                        &i64::try_from(f.amount)?,
                        &i64::try_from(f.coverage.len())?,
                        &&r.wrapped_key[..],
                    ])
                    .await?;
                for (k, c) in f.coverage.iter().enumerate() {
                    cw.as_mut()
                        .write(&[
                            &r.device,
                            &&r.record_id[..],
                            &i64::try_from(k)?,
                            &f.scheme,
                            &c.person_key,
                            &c.paid_from,
                            &c.paid_until,
                        ])
                        .await?;
                }
            }
            done += chunk.len();
            if done % (8_192 * 61) < 8_192 {
                println!("  {done} records written ({:.0} s)", started.elapsed().as_secs_f64());
            }
        }
        rw.as_mut().finish().await?;
        cw.as_mut().finish().await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    println!("records written in {:.0} s; indexing", started.elapsed().as_secs_f64());
    rt.block_on(async {
        for (_, def) in &indexes {
            records.batch_execute(def).await?;
        }
        // The devices' last contact, as their batches would have left it.
        records
            .batch_execute(
                "UPDATE devices d SET last_seen_at = r.at, last_counter = r.n \
                 FROM (SELECT device_id, MAX(received_at) AS at, COUNT(*) / 50 + 1 AS n \
                       FROM records GROUP BY device_id) r WHERE r.device_id = d.id",
            )
            .await?;
        for table in ["records", "coverage"] {
            records.batch_execute(&format!("VACUUM (ANALYZE) {table}")).await?;
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    })?;

    // The plan, imported as an office would: the province and each commune, every month.
    let mut csv = String::from("year,month,province,commune,participants,bhyt_members\n");
    for m in 1..=12 {
        csv.push_str(&format!(
            "{YEAR},{m},{PROVINCE},,{},{}\n",
            target * 19 / 120,
            target * 9 / 120
        ));
        for (c, code) in communes.iter().enumerate() {
            let share = target * 15 / 10 / 12 / communes.len() as u64
                * (8 - (c as u64 * 7 / communes.len() as u64))
                / 4;
            csv.push_str(&format!("{YEAR},{m},{PROVINCE},{code},{share},\n"));
        }
    }
    hub.import_targets(&csv)?;
    println!("loaded in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Resets the process's peak memory (`VmHWM`) before a measure.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak memory since the last reset, MiB.
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// One timed request through the router: status, bytes, seconds to the first and the last
/// byte, peak memory.
struct Timed {
    status: u16,
    bytes: usize,
    first: f64,
    last: f64,
    peak: u64,
}

async fn request(state: &AppState, req: axum::http::Request<axum::body::Body>) -> Res<Timed> {
    use axum::body::HttpBody;
    use tower::ServiceExt;
    reset_peak();
    let start = Instant::now();
    let response = ansinh_hub::app(state.clone()).oneshot(req).await?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let (mut bytes, mut first) = (0, None);
    while let Some(frame) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
    {
        if let Ok(data) = frame?.into_data() {
            first.get_or_insert_with(|| start.elapsed().as_secs_f64());
            bytes += data.len();
        }
    }
    let last = start.elapsed().as_secs_f64();
    Ok(Timed { status, bytes, first: first.unwrap_or(last), last, peak: peak_mib() })
}

fn main() -> Res<()> {
    let Some(admin) = std::env::var("ANSINH_TEST_POSTGRES").ok().filter(|u| !u.trim().is_empty())
    else {
        println!("ANSINH_TEST_POSTGRES is not set: the province bench runs on PostgreSQL only");
        return Ok(());
    };
    let target: u64 = std::env::var("ANSINH_PROVINCE_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000_000);
    let dir = std::path::PathBuf::from(
        std::env::var("ANSINH_PROVINCE_DIR").unwrap_or_else(|_| "/tmp/ansinh-province".into()),
    );
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let url = database_url(&admin)?;
    let admin_client = connect(&rt, &admin)?;
    // The keys made with the data, and how many records: a later run reuses them.
    let marker = |fingerprint: &str| {
        format!("ansinh province bench: {target} records, box keys kept, keys {fingerprint}")
    };
    let held: Option<String> = rt.block_on(async {
        let row = admin_client
            .query_opt(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
                &[&DATABASE],
            )
            .await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(row.and_then(|r| r.get(0)))
    })?;
    let fingerprint_of = |hub: &Hub| hub.keys().fingerprint().to_hex();
    let reuse = match (&held, dir.join("keys").exists()) {
        (Some(comment), true) => {
            let (hub, _) = ansinh_hub::open_with(&dir, Some(&url))?;
            let same = *comment == marker(&fingerprint_of(&hub));
            drop(hub);
            same
        }
        _ => false,
    };
    if !reuse {
        println!("no province-year held: generating {target} records into {DATABASE}");
        let _ = std::fs::remove_dir_all(&dir);
        rt.block_on(async {
            admin_client.batch_execute(&format!("DROP DATABASE IF EXISTS {DATABASE}")).await?;
            admin_client.batch_execute(&format!("CREATE DATABASE {DATABASE}")).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })?;
        let (hub, _) = ansinh_hub::open_with(&dir, Some(&url))?;
        load(&rt, &url, &hub, target)?;
        let comment = marker(&fingerprint_of(&hub));
        rt.block_on(async {
            admin_client
                .batch_execute(&format!("COMMENT ON DATABASE {DATABASE} IS '{comment}'"))
                .await
        })?;
    }
    if std::env::var("ANSINH_PROVINCE_EXPLAIN").is_ok_and(|v| v == "1") {
        // Every statement of the hub's sessions logged with its plan, as run, in the
        // server's log (auto_explain, loaded into each new session of this database).
        rt.block_on(admin_client.batch_execute(&format!(
            "ALTER DATABASE {DATABASE} SET session_preload_libraries = 'auto_explain'; \
             ALTER DATABASE {DATABASE} SET auto_explain.log_min_duration = 0; \
             ALTER DATABASE {DATABASE} SET auto_explain.log_analyze = on; \
             ALTER DATABASE {DATABASE} SET auto_explain.log_buffers = on"
        )))?;
    } else {
        rt.block_on(admin_client.batch_execute(&format!("ALTER DATABASE {DATABASE} RESET ALL")))?;
    }
    let (hub, _) = ansinh_hub::open_with(&dir, Some(&url))?;
    // What a hub folds into its summaries as it reads, all at once after a bulk load (the
    // same work as the schema's version 5 on a database already holding the records).
    let started = Instant::now();
    hub.store().fold_summaries()?;
    println!("summaries folded in {:.1} s", started.elapsed().as_secs_f64());
    let hub = Arc::new(hub);
    if std::env::args().any(|a| a == "--export-only") {
        // The breakdown holds the whole month in memory: after the exports' peak memory.
        time_exports(&rt, &url, Arc::clone(&hub))?;
        return breakdown(&hub);
    }
    time(&rt, &url, hub)
}

/// CPU time of the calling thread, nanoseconds (`/proc/thread-self/schedstat`).
fn thread_cpu() -> Res<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    Ok(text.split_whitespace().next().ok_or("schedstat")?.parse()?)
}

/// CPU time of the whole process (every thread), milliseconds: user and system clock ticks of
/// `/proc/self/stat` (1/100 s on Linux).
fn process_cpu_ms() -> Res<u64> {
    let text = std::fs::read_to_string("/proc/self/stat")?;
    // The fields after the command name (which may hold spaces), from the state on.
    let rest = text.rsplit_once(')').ok_or("stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11).ok_or("utime")?.parse::<u64>()?
        + fields.get(12).ok_or("stime")?.parse::<u64>()?;
    Ok(ticks * 10)
}

/// The load averages of the last 1, 5 and 15 minutes.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

/// Nanoseconds as seconds with three decimals.
fn secs(ns: u64) -> String {
    format!("{}.{:03}", ns / 1_000_000_000, ns / 1_000_000 % 1000)
}

/// The export's cost per record taken apart, each step over the whole month on this thread.
fn breakdown(hub: &Hub) -> Res<()> {
    use ansinh_hub::exports::{CsvList, D05Xml, XlsxList};
    use ansinh_hub::{List, RecordRules};
    let opening = &hub.keys().opening;
    let rules = ansinh_hub::EnrollmentRules::new();
    let mut steps: Vec<(&str, u64)> = vec![];

    let (cpu, wall) = (thread_cpu()?, Instant::now());
    let mut records = vec![];
    loop {
        let page = hub.store().records_for_list_page(
            "voluntary-si",
            None,
            MONTH,
            records.last(),
            2_000,
        )?;
        let full = page.len() == 2_000;
        records.extend(page);
        if !full {
            break;
        }
    }
    steps.push((
        "reading the pages (this process; the server's own time apart)",
        thread_cpu()? - cpu,
    ));
    let n = records.len();
    println!(
        "{n} records of D05-TS for {MONTH}, read in {:.3} s (load {})",
        wall.elapsed().as_secs_f64(),
        load_average()
    );
    let cpu = thread_cpu()?;
    let plain =
        records.iter().map(|r| opening.open(&r.held.sealed)).collect::<Result<Vec<_>, _>>()?;
    steps.push(("opening, the long way (X25519, then XSalsa20-Poly1305)", thread_cpu()? - cpu));
    let cpu = thread_cpu()?;
    for (r, p) in records.iter().zip(&plain) {
        let key = r.wrapped_key.as_deref().ok_or("a record without its kept key")?;
        if *opening.open_with_wrapped_key(&r.held.sealed, key)? != **p {
            return Err("the kept key opened something else".into());
        }
    }
    steps.push(("opening with the kept key (unwrap, XSalsa20-Poly1305)", thread_cpu()? - cpu));
    let cpu = thread_cpu()?;
    let mut rows = vec![];
    for p in &plain {
        rows.extend(rules.list_rows(p)?);
    }
    steps.push(("the rules' reading (decode, price, the row's texts)", thread_cpu()? - cpu));
    let cpu = thread_cpu()?;
    let mut csv = CsvList::new(std::io::sink(), List::D05)?;
    for page in rows.chunks(2_000) {
        csv.add(page)?;
    }
    csv.finish()?;
    steps.push(("writing CSV", thread_cpu()? - cpu));
    let cpu = thread_cpu()?;
    let mut xml = D05Xml::new()?;
    for page in rows.chunks(2_000) {
        xml.add(page)?;
    }
    xml.finish(std::io::sink(), MONTH, None)?;
    steps.push(("writing XML", thread_cpu()? - cpu));
    let cpu = thread_cpu()?;
    let mut book = XlsxList::new(List::D05, "D05-TS")?;
    for page in rows.chunks(2_000) {
        book.add(page)?;
    }
    book.finish(std::io::sink())?;
    steps.push(("writing XLSX", thread_cpu()? - cpu));
    let per = u64::try_from(n.max(1))?;
    println!("| step, one thread | CPU (s) | per record (µs) |");
    println!("|---|---:|---:|");
    for (step, ns) in steps {
        println!("| {step} | {} | {}.{} |", secs(ns), ns / per / 1000, ns / per / 100 % 10);
    }
    Ok(())
}

/// The month's D05-TS through the handler, best of 3 each: CSV, XML, XLSX; then the CSV of
/// the same records with their kept keys set aside.
fn time_exports(rt: &tokio::runtime::Runtime, url: &str, hub: Arc<Hub>) -> Res<()> {
    let admin_token = std::fs::read_to_string(
        std::env::var("ANSINH_PROVINCE_DIR").unwrap_or_else(|_| "/tmp/ansinh-province".into())
            + "/keys/admin.token",
    )?;
    let n = hub.list_len(ansinh_hub::List::D05, None, MONTH)?;
    let state = AppState { hub, clock: Arc::new(|| NOW), receipts: Arc::default() };
    let export = |format: &str| -> Res<axum::http::Request<axum::body::Body>> {
        Ok(axum::http::Request::get(format!(
            "/admin/exports?list=d05&month={MONTH}&format={format}"
        ))
        .header("authorization", format!("Bearer {}", admin_token.trim()))
        .body(axum::body::Body::empty())?)
    };
    println!(
        "| D05-TS, {n} rows | bytes | first byte (s) | last byte (s), best of 3 | CPU of the process (s) | per record (µs) | peak memory (MiB) | load average |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    let client = connect(rt, url)?;
    for (name, format, keys) in [
        ("CSV", "csv", true),
        ("XML", "xml", true),
        ("XLSX", "xlsx", true),
        ("CSV, records stored before keys were kept", "csv", false),
    ] {
        if !keys {
            rt.block_on(client.batch_execute(&format!(
                "CREATE TEMPORARY TABLE kept AS SELECT device_id, record_id, wrapped_key \
                 FROM records WHERE day >= '{MONTH}-01' AND day < '{MONTH}-99'; \
                 UPDATE records r SET wrapped_key = NULL FROM kept k \
                 WHERE (r.device_id, r.record_id) = (k.device_id, k.record_id)"
            )))?;
        }
        let mut best: Option<(Timed, u64, String)> = None;
        for _ in 0..3 {
            let cpu = process_cpu_ms()?;
            let t = rt.block_on(request(&state, export(format)?))?;
            let cpu = process_cpu_ms()? - cpu;
            if t.status != 200 {
                return Err(format!("{name}: {}", t.status).into());
            }
            if best.as_ref().is_none_or(|b| t.last < b.0.last) {
                best = Some((t, cpu, load_average()));
            }
        }
        if !keys {
            rt.block_on(client.batch_execute(
                "UPDATE records r SET wrapped_key = k.wrapped_key FROM kept k \
                 WHERE (r.device_id, r.record_id) = (k.device_id, k.record_id); DROP TABLE kept",
            ))?;
        }
        let (t, cpu, load) = best.ok_or("no run")?;
        let per = u64::try_from(n.max(1))?;
        println!(
            "| {name} | {} | {:.3} | {:.3} | {}.{:03} | {} | {} | {load} |",
            t.bytes,
            t.first,
            t.last,
            cpu / 1000,
            cpu % 1000,
            cpu * 1000 / per,
            t.peak
        );
    }
    Ok(())
}

/// Makes one request to time.
type MakeRequest<'a> = dyn Fn() -> Res<axum::http::Request<axum::body::Body>> + 'a;

/// Times the read side on the loaded database.
fn time(rt: &tokio::runtime::Runtime, url: &str, hub: Arc<Hub>) -> Res<()> {
    let client = connect(rt, url)?;
    let (records, size, commune): (i64, i64, String) = rt.block_on(async {
        let r = client
            .query_one(
                "SELECT (SELECT COUNT(*) FROM records), pg_database_size(current_database()), \
                 (SELECT commune_code FROM records GROUP BY commune_code ORDER BY COUNT(*) DESC LIMIT 1)",
                &[],
            )
            .await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))
    })?;
    println!(
        "{records} records, database {} MB; the commune with the most records: {commune}",
        size / 1_000_000
    );
    // A device assigned that commune, registered now, downloads its renewal list.
    let token = hub.create_assigned_token(
        "bench",
        &Assignment {
            collection_point: "Bưu điện".into(),
            communes: vec![commune.clone()],
            agents: vec![],
        },
        3600,
        NOW,
    )?;
    let key = ansinh_wire::generate_signing_key();
    let device = hub
        .register(
            &ansinh_wire::RegisterRequest {
                token,
                device_public_key: hex::encode(key.verifying_key().to_bytes()),
                label: "bench".into(),
            },
            NOW,
        )
        .map_err(|e| e.to_string())?
        .device_id;
    let admin_token = std::fs::read_to_string(
        std::env::var("ANSINH_PROVINCE_DIR").unwrap_or_else(|_| "/tmp/ansinh-province".into())
            + "/keys/admin.token",
    )?;
    let state = AppState { hub, clock: Arc::new(|| NOW), receipts: Arc::default() };
    let admin_get = |path: &str| -> Res<axum::http::Request<axum::body::Body>> {
        Ok(axum::http::Request::get(path)
            .header("authorization", format!("Bearer {}", admin_token.trim()))
            .body(axum::body::Body::empty())?)
    };
    let renewals = || -> Res<axum::http::Request<axum::body::Body>> {
        let path = "/v1/renewals";
        Ok(axum::http::Request::get(format!("{path}?within_days=30"))
            .header("x-ansinh-device", device.to_string())
            .header("x-ansinh-time", NOW.to_string())
            .header("x-ansinh-signature", ansinh_wire::sign_request(&key, device, "GET", path, NOW))
            .body(axum::body::Body::empty())?)
    };
    let runs: Vec<(&str, Box<MakeRequest<'_>>)> = vec![
        ("dashboard", Box::new(move || admin_get(&format!("/admin/dashboard?month={MONTH}")))),
        (
            "progress.json",
            Box::new(move || admin_get(&format!("/admin/progress.json?month={MONTH}"))),
        ),
        ("renewal list of the commune (device)", Box::new(renewals)),
        ("lapsed list of the commune", {
            let c = commune.clone();
            Box::new(move || admin_get(&format!("/admin/lapsed?commune={c}")))
        }),
        (
            "D05-TS CSV, province, month",
            Box::new(move || {
                admin_get(&format!("/admin/exports?list=d05&month={MONTH}&format=csv"))
            }),
        ),
        (
            "D05-TS XML, province, month",
            Box::new(move || {
                admin_get(&format!("/admin/exports?list=d05&month={MONTH}&format=xml"))
            }),
        ),
        (
            "D05-TS XLSX, province, month",
            Box::new(move || {
                admin_get(&format!("/admin/exports?list=d05&month={MONTH}&format=xlsx"))
            }),
        ),
    ];
    println!(
        "| request | status | bytes | first byte (s) | last byte (s), best of 3 | peak memory (MiB) |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    for (name, make) in &runs {
        let mut best: Option<Timed> = None;
        for _ in 0..3 {
            let t = rt.block_on(request(&state, make()?))?;
            if best.as_ref().is_none_or(|b| t.last < b.last) {
                best = Some(t);
            }
        }
        let t = best.ok_or("no run")?;
        println!(
            "| {name} | {} | {} | {:.3} | {:.3} | {} |",
            t.status, t.bytes, t.first, t.last, t.peak
        );
    }
    Ok(())
}
