//! The `ansinh-hub` command: run the collection server, make registration tokens, manage
//! devices, import USB bundles, export collection lists, set targets.
//!
//! ```text
//! ansinh-hub serve  [--data-dir DIR] [--listen 127.0.0.1:8040] [--behind-tls-proxy]
//!                   [--header-timeout-secs 20] [--body-timeout-secs 120]
//!                   [--max-connections 256] [--shutdown-grace-secs 30]
//!                   [--max-batches-per-minute 30] [--max-problems-per-day 200]
//!                   [--max-problems-stored 2000] [FLEET ALARM FLAGS]
//! ansinh-hub token  [--data-dir DIR] --label "Bưu điện xã A" [--valid-hours 24]
//!                   [--collection-point NAME] [--commune CODE]... [--agent CODE:NAME]...
//! ansinh-hub devices [--data-dir DIR] [--json] [--silent-days 3] [--unsent-days 2]
//!                   [--disk-min-mb 200] [--disk-min-percent 5] [--clock-off-minutes 10]
//!                   [--battery-low-percent 20]
//! ansinh-hub device assign [--data-dir DIR] DEVICE_ID [--collection-point NAME]
//!                   [--commune CODE]... [--agent CODE:NAME]...
//! ansinh-hub problems [--data-dir DIR]
//! ansinh-hub revoke [--data-dir DIR] DEVICE_ID
//! ansinh-hub import [--data-dir DIR] FILE|FOLDER...
//! ansinh-hub export [--data-dir DIR] d05|d03 --month YYYY-MM [--commune CODE] --out FILE(.csv|.xlsx|.xml)
//! ansinh-hub target [--data-dir DIR] --month YYYY-MM (--commune CODE | --agent CODE) COUNT|clear
//! ansinh-hub targets import [--data-dir DIR] PLAN.csv
//! ansinh-hub lapsed [--data-dir DIR] [--commune CODE] [--agent CODE] [--out FILE.csv]
//! ansinh-hub renewals [--data-dir DIR] [--within-days 30]
//! ansinh-hub keys   [--data-dir DIR]
//! ansinh-hub config sign [--data-dir DIR] FILE
//! ansinh-hub audit  [--data-dir DIR] (--device ID | --hub) [--json]
//! ansinh-hub backup [--data-dir DIR] OUT
//! ansinh-hub restore [--data-dir DIR] [IN]
//! ansinh-hub update publish [--data-dir DIR] FILE.raucb --version MAJOR.MINOR.PATCH
//! ansinh-hub update list [--data-dir DIR]
//! ```
//!
//! Every command takes `--lapse-grace-months N` (default 3): when a participant counts as
//! lapsed on the dashboard and the lapsed list.
//!
//! Every command takes `--database postgres://…` (or `ANSINH_HUB_DATABASE`) to keep the records
//! in PostgreSQL instead of `hub.sqlite` in the data directory (which still holds the keys).

use std::path::{Path, PathBuf};
use std::time::Duration;

use ansinh_hub::{
    AppState, FleetThresholds, Hub, KeyFiles, List, ListFormat, Quotas, Scope, ServeOptions,
    exports, system_now,
};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ansinh-hub", version, about = "The ansinh collection server")]
struct Cli {
    /// The server's data directory (database and keys).
    #[arg(long, global = true, default_value = "ansinh-hub-data")]
    data_dir: PathBuf,
    /// Keep the records in this PostgreSQL database (`postgres://USER[:PASSWORD]@HOST/DB`, a
    /// Unix socket folder as HOST percent-encoded); several hubs may share one. Also read from
    /// ANSINH_HUB_DATABASE (keeps a password off the command line). Without it: `hub.sqlite`
    /// in the data directory.
    #[arg(long, global = true)]
    database: Option<String>,
    /// Read the admin pages (dashboard, progress.json, renewal and lapsed lists, collection
    /// lists) from this PostgreSQL database: a streaming replica (hot standby) of --database,
    /// so that they do not load the primary; ingest and the hub's log stay on --database.
    /// Also read from ANSINH_HUB_READ_DATABASE.
    #[arg(long, global = true)]
    read_database: Option<String>,
    /// Whole months after a participant's last month paid within which a renewal keeps them
    /// from counting as lapsed (dashboard, progress.json, the lapsed list). A local choice;
    /// see README "Targets and lapsed participants".
    #[arg(long, global = true, default_value_t = ansinh_hub::DEFAULT_LAPSE_GRACE_MONTHS,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(ansinh_hub::plan::MAX_LAPSE_GRACE_MONTHS)))]
    lapse_grace_months: u32,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server until Ctrl-C or SIGTERM (creates the keys on first start).
    Serve {
        /// Address to listen on. Plain HTTP: a loopback address only, unless
        /// --behind-tls-proxy.
        #[arg(long, default_value = "127.0.0.1:8040")]
        listen: String,
        /// A TLS reverse proxy faces the network: allow listening on a non-loopback address.
        #[arg(long)]
        behind_tls_proxy: bool,
        /// Seconds a client has to send a request's head (and a kept-alive connection may
        /// stay idle).
        #[arg(long, default_value_t = ServeOptions::default().header_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout_secs: u64,
        /// Seconds a client has to send a request's whole body.
        #[arg(long, default_value_t = ServeOptions::default().body_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
        body_timeout_secs: u64,
        /// Connections served at once; more wait to be accepted.
        #[arg(long, default_value_t = ServeOptions::default().max_connections, value_parser = at_least_one)]
        max_connections: usize,
        /// Seconds a stop waits for the requests in flight.
        #[arg(long, default_value_t = ServeOptions::default().shutdown_grace.as_secs())]
        shutdown_grace_secs: u64,
        /// Whom the public receipt page tells citizens to call when a payment never arrives
        /// (e.g. "BHXH huyện Thanh Trì, 024 3861 0000"); without it, their social insurance
        /// office.
        #[arg(long, default_value = "")]
        public_contact: String,
        /// Checks of the public receipt page per client address a minute; more get 429.
        #[arg(long, default_value_t = ansinh_hub::CHECKS_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..))]
        receipt_checks_per_minute: u32,
        /// Network batches taken per device per minute; more are answered 429 rate_limited.
        #[arg(long, default_value_t = Quotas::default().batches_per_minute)]
        max_batches_per_minute: u32,
        /// Conflicting and rejected records kept per device per day (UTC); past it their
        /// outcome is the same and nothing more is kept.
        #[arg(long, default_value_t = Quotas::default().problems_per_day)]
        max_problems_per_day: u32,
        /// Conflicting and rejected records kept per device in all.
        #[arg(long, default_value_t = Quotas::default().problems_stored)]
        max_problems_stored: u32,
        /// Audit entries taken per device per day (UTC); the rest wait for the next day.
        #[arg(long, default_value_t = Quotas::default().audit_per_day)]
        max_audit_entries_per_day: u32,
        #[command(flatten)]
        fleet: FleetArgs,
    },
    /// Make a one-time registration token for a device.
    Token {
        /// What it is for (collection point name; no personal data).
        #[arg(long)]
        label: String,
        /// Hours it stays usable.
        #[arg(long, default_value_t = 24)]
        valid_hours: i64,
        #[command(flatten)]
        assignment: AssignmentArgs,
    },
    /// List registered devices: what each is assigned to, its last contact, its latest health
    /// report and its alarms (the fleet page's rows).
    Devices {
        /// Print one JSON object: `devices`, each with `device_id`, `label`,
        /// `collection_point`, `revoked`, `registered_at`, `last_contact`, `health` and
        /// `alarms` (`code`, `message`); and the `thresholds` used.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        fleet: FleetArgs,
    },
    /// Change a registered device.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// Records kept for staff: conflicts, rejections, and accepted records flagged for review.
    Problems,
    /// Revoke a device: it can no longer upload or download.
    Revoke {
        /// Device id.
        device_id: u64,
    },
    /// Check a receipt's QR code (as a phone scans it): printed by a registered device, unaltered,
    /// whether its record has arrived, and whether its amount and receipt number are the
    /// record's (exit 1 when not).
    VerifyReceipt {
        /// The QR code's text: `ANSINH1:...`, or the link `HTTPS://HOST/R/2/...`.
        payload: String,
        /// Print one JSON object (`mismatches`: what the code states that the record does not).
        #[arg(long)]
        json: bool,
    },
    /// Import USB bundles from devices; writes FILE.ack next to each for the device.
    Import {
        /// Bundle files, or folders (a USB stick): every `*.bundle` file in them; with the
        /// devices' health reports (`NAME.health` beside a bundle, every `*.health` in a folder).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Export a collection list (D05-TS or D03-TS) for a month, as CSV or XLSX (D05-TS also as
    /// XML for electronic submission); or the month's possible double payments, as CSV.
    Export {
        /// `d05` (voluntary social insurance), `d03` (household health insurance) or
        /// `double-payments`.
        list: String,
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Only this commune (5-digit code).
        #[arg(long)]
        commune: Option<String>,
        /// Output file; `.csv`, `.xlsx` or `.xml` (D05-TS only) decides the format.
        #[arg(long)]
        out: PathBuf,
    },
    /// Set a commune's or an agent's target (participants) for a month, or clear it.
    Target {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Commune code.
        #[arg(long, conflicts_with = "agent", required_unless_present = "agent")]
        commune: Option<String>,
        /// Agent code.
        #[arg(long)]
        agent: Option<String>,
        /// Target, or `clear`.
        value: String,
    },
    /// The plan: targets per province, commune and agent, by month.
    #[command(subcommand)]
    Targets(TargetsCommand),
    /// Participants who lapsed (no renewal within the grace period) in the last 12 months and
    /// have not renewed since, masked as on the renewal list: CSV on standard output or in a
    /// file.
    Lapsed {
        /// Only this commune (5-digit code).
        #[arg(long)]
        commune: Option<String>,
        /// Only this agent's.
        #[arg(long)]
        agent: Option<String>,
        /// Write the CSV here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Participants whose paid period ends within N days.
    Renewals {
        /// Days ahead.
        #[arg(long, default_value_t = 30)]
        within_days: u32,
    },
    /// Show where the keys are and how to back them up.
    Keys,
    /// A device's audit trail as it sent it (with any refusal flagged), or the hub's own log
    /// of admin actions and renewal downloads.
    Audit {
        /// The device.
        #[arg(long, conflicts_with = "hub", required_unless_present = "hub")]
        device: Option<u64>,
        /// The hub's own log.
        #[arg(long)]
        hub: bool,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// A consistent copy of the hub's SQLite database to the new file OUT, while the hub may
    /// be serving (SQLite's online backup API). On PostgreSQL use `pg_dump -Fc` (README).
    Backup {
        /// The backup file to write (must not exist).
        out: PathBuf,
    },
    /// With the hub stopped: replace the SQLite database with the backup IN, and mark the
    /// database restored (a new epoch: each device sends again what it holds as acknowledged,
    /// so nothing acknowledged since the backup is lost). On PostgreSQL, after `pg_restore`:
    /// `restore` without IN only marks the database restored.
    Restore {
        /// The backup file (SQLite); none on PostgreSQL.
        from: Option<PathBuf>,
    },
    /// Device configurations for USB sticks.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Policy tables: sign (offline), publish to devices, list.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Software updates (RAUC bundles signed by the image build): publish to devices, list.
    #[command(subcommand)]
    Update(UpdateCommand),
}

#[derive(Subcommand)]
enum UpdateCommand {
    /// Publish a bundle (`kiosk-image/build.sh` writes OUT_DIR/ansinh-VERSION.raucb): stored in
    /// the database, offered to devices at their next sync. Refused unless its version is newer
    /// than every bundle published before and the file looks like a bundle of that version.
    Publish {
        /// The bundle file.
        file: PathBuf,
        /// Its version, MAJOR.MINOR.PATCH (the image's `ANSINH_IMAGE_VERSION`).
        #[arg(long)]
        version: String,
    },
    /// The published bundles, oldest first: version, size, SHA-256, when.
    List,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Make a policy-signing key pair: FILE (the private half, mode 0600; keep it offline)
    /// and FILE.pub (the public half: copy it to the hub as keys/policy-signing.pub before any
    /// device registers). Never overwrites a file.
    Keygen {
        /// Where to write the private key.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a policy table (TOML) and sign it with a policy-signing key, without the hub's
    /// data (runs on the offline machine that holds the key).
    Sign {
        /// The private key file (`policy keygen`, or the hub's keys/policy-signing.key).
        #[arg(long)]
        key: PathBuf,
        /// The table, TOML as app/ansinh-core/policy/policy.toml.
        table: PathBuf,
        /// The signed table to write (for `policy publish` or a USB stick).
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Publish a table to devices: a signed file (`policy sign`), or a TOML table signed now
    /// with the hub's own policy key. Refused unless valid and later than every table the hub
    /// has; devices fetch it at their next sync.
    Publish {
        /// TABLE.signed or TABLE.toml.
        file: PathBuf,
    },
    /// The published tables, oldest first.
    List,
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Sign a device configuration file with the configuration key: writes FILE.sig beside it.
    /// Devices accept a USB stick's configuration only with it, and never a staff PIN, keys or
    /// a server address in it.
    Sign {
        /// The configuration file (TOML, as kiosk-image/config/ansinh.toml).
        file: PathBuf,
    },
}

/// When the fleet page and `devices` raise a device's alarms.
#[derive(clap::Args)]
struct FleetArgs {
    /// Alarm: no batch, bundle or health report from a device for this many days.
    #[arg(long, default_value_t = FleetThresholds::default().silent_days)]
    silent_days: u32,
    /// Alarm: a device's oldest unsent record waits this many days.
    #[arg(long, default_value_t = FleetThresholds::default().unsent_days)]
    unsent_days: u32,
    /// Alarm: free space on a device's data partition below this many MB...
    #[arg(long, default_value_t = FleetThresholds::default().disk_min_mb)]
    disk_min_mb: u64,
    /// ...or below this share of it, percent.
    #[arg(long, default_value_t = FleetThresholds::default().disk_min_percent, value_parser = clap::value_parser!(u8).range(0..=100))]
    disk_min_percent: u8,
    /// Alarm: a device's clock off by more than this many minutes.
    #[arg(long, default_value_t = FleetThresholds::default().clock_off_minutes)]
    clock_off_minutes: u32,
    /// Alarm: a device's battery at or below this percent and not charging.
    #[arg(long, default_value_t = FleetThresholds::default().battery_low_percent, value_parser = clap::value_parser!(u8).range(0..=100))]
    battery_low_percent: u8,
}

impl FleetArgs {
    fn thresholds(&self) -> FleetThresholds {
        FleetThresholds {
            silent_days: self.silent_days,
            unsent_days: self.unsent_days,
            disk_min_mb: self.disk_min_mb,
            disk_min_percent: self.disk_min_percent,
            clock_off_minutes: self.clock_off_minutes,
            battery_low_percent: self.battery_low_percent,
        }
    }
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Replace what a device is assigned to (its collection point, communes and agents).
    Assign {
        /// Device id.
        device_id: u64,
        #[command(flatten)]
        assignment: AssignmentArgs,
    },
}

/// What hub staff assign a device to.
#[derive(clap::Args)]
struct AssignmentArgs {
    /// The collection point's name, printed on receipts.
    #[arg(long, default_value = "")]
    collection_point: String,
    /// A commune the device serves (official 5-digit code); repeat for each. Records of other
    /// communes are flagged for review, and the device gets the renewal list of these only.
    #[arg(long = "commune")]
    communes: Vec<String>,
    /// An agent who may work on the device, `CODE:NAME` (e.g. `DL-0001:"Nguyễn Văn A"`);
    /// repeat for each. Records of other agents are flagged for review.
    #[arg(long = "agent", value_parser = agent_account)]
    agents: Vec<ansinh_wire::AgentAccount>,
}

impl AssignmentArgs {
    fn assignment(self) -> ansinh_wire::Assignment {
        ansinh_wire::Assignment {
            collection_point: self.collection_point,
            communes: self.communes,
            agents: self.agents,
        }
    }
}

/// `CODE:NAME`.
fn agent_account(text: &str) -> Result<ansinh_wire::AgentAccount, String> {
    let (code, name) = text.split_once(':').ok_or("CODE:NAME, e.g. DL-0001:Nguyễn Văn A")?;
    Ok(ansinh_wire::AgentAccount { code: code.trim().into(), name: name.trim().into() })
}

/// What a device is assigned to, on one line.
fn assignment_text(a: &ansinh_wire::Assignment) -> String {
    let agents: Vec<String> = a.agents.iter().map(|g| format!("{} {}", g.code, g.name)).collect();
    format!(
        "point {:?}; communes {}; agents {}",
        a.collection_point,
        if a.communes.is_empty() { "(any)".into() } else { a.communes.join(",") },
        if agents.is_empty() { "(any)".into() } else { agents.join(", ") }
    )
}

/// An assignment in the hub's log: codes only (agents' names are personal data).
fn assignment_codes(a: &ansinh_wire::Assignment) -> String {
    let agents: Vec<&str> = a.agents.iter().map(|g| g.code.as_str()).collect();
    format!("communes={} agents={}", a.communes.join(","), agents.join(","))
}

/// Who the hub's log names for an action through this command (the operator on the server).
const OPERATOR: &str = "command line";

/// A count of at least one.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("a whole number, at least 1".into()),
    }
}

/// `s` as one shell word, so the command shown can be pasted as it is.
fn shell_word(s: &str) -> String {
    let plain =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+:@%,=".contains(&b));
    if plain { s.to_string() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// The bundles to import: each file given, and every `*.bundle` file in each folder given
/// (devices name theirs so when exporting to a stick), in name order; and the devices' health
/// reports beside them: `NAME.health` beside each bundle given, every `*.health` file in each
/// folder (a device with nothing to send writes only that), and each `*.health` file given.
fn bundle_files(paths: &[PathBuf]) -> anyhow::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut out, mut healths) = (vec![], vec![]);
    for path in paths {
        if !path.is_dir() && path.extension().is_some_and(|e| e == "health") {
            healths.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            let health = path.with_extension("health");
            if health.is_file() && health != *path {
                healths.push(health);
            }
            out.push(path.clone());
            continue;
        }
        let (mut found, mut reports) = (vec![], vec![]);
        for entry in
            std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))?
        {
            let file = entry.with_context(|| format!("reading {}", path.display()))?.path();
            if file.is_file() && file.extension().is_some_and(|e| e == "bundle") {
                found.push(file);
            } else if file.is_file() && file.extension().is_some_and(|e| e == "health") {
                reports.push(file);
            }
        }
        if found.is_empty() && reports.is_empty() {
            bail!("{}: no bundle (*.bundle file) in this folder", path.display());
        }
        found.sort();
        reports.sort();
        out.extend(found);
        healths.extend(reports);
    }
    healths.sort();
    healths.dedup();
    Ok((out, healths))
}

fn policy_command(
    dir: &Path,
    database: Option<&str>,
    command: PolicyCommand,
) -> anyhow::Result<()> {
    match command {
        PolicyCommand::Keygen { out } => {
            let public = ansinh_hub::create_policy_signing_key(&out)?;
            println!("{}", hex::encode(public.to_bytes()));
            eprintln!(
                "ansinh-hub: wrote {0} (private: keep it offline, backed up) and {0}.pub; copy {0}.pub to the hub as keys/policy-signing.pub before devices register",
                out.display()
            );
        }
        PolicyCommand::Sign { key, table, out } => {
            let key = ansinh_hub::read_policy_signing_key(&key)?;
            let text = std::fs::read_to_string(&table)
                .with_context(|| format!("reading {}", table.display()))?;
            let signed = ansinh_hub::policy::sign_table(&text, &key, system_now())?;
            std::fs::write(&out, signed).with_context(|| format!("writing {}", out.display()))?;
            eprintln!("ansinh-hub: signed {} as {}", table.display(), out.display());
        }
        PolicyCommand::Publish { file } => {
            let hub = open(dir, database, None)?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let published = if file.extension().is_some_and(|e| e == "toml") {
                let text = String::from_utf8(bytes).context("the table is not UTF-8 text")?;
                hub.publish_policy_toml(&text, system_now())?
            } else {
                hub.publish_policy(&bytes)?
            };
            println!("{}", published.version);
            eprintln!(
                "ansinh-hub: published policy table {} (known until {}); devices take it at their next sync",
                published.version, published.valid_until
            );
        }
        PolicyCommand::List => {
            let hub = open(dir, database, None)?;
            for p in hub.store().policy_tables()? {
                println!(
                    "{}  valid until {}  published {}",
                    p.version, p.valid_until, p.published_at
                );
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
enum TargetsCommand {
    /// Load a plan from a CSV file (columns year, month, province, participants, and
    /// optionally commune, agent, bhyt_members; README "Targets and lapsed participants"):
    /// every month in the file is replaced by its rows, all or nothing.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

/// Whether `m` is a month `YYYY-MM` the hub takes.
fn month_ok(m: &str) -> bool {
    m.len() == 7
        && m.as_bytes()[4] == b'-'
        && m[..4].parse::<u32>().is_ok_and(|y| (2000..2200).contains(&y))
        && m[5..].parse::<u32>().is_ok_and(|n| (1..=12).contains(&n))
        && m.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit())
}

fn open(dir: &Path, database: Option<&str>, reads: Option<&str>) -> anyhow::Result<Hub> {
    let (hub, created) = ansinh_hub::open_with_reads(dir, database, reads)
        .with_context(|| format!("opening {}", dir.display()))?;
    if created {
        eprint!("{}", KeyFiles::in_dir(dir).first_start_message());
    }
    Ok(hub)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("ansinh-hub: stopping after the requests in flight");
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let dir = &cli.data_dir;
    let database = cli.database.clone().or_else(|| std::env::var("ANSINH_HUB_DATABASE").ok());
    let database = database.as_deref().filter(|d| !d.trim().is_empty());
    let reads =
        cli.read_database.clone().or_else(|| std::env::var("ANSINH_HUB_READ_DATABASE").ok());
    let reads = reads.as_deref().filter(|d| !d.trim().is_empty());
    let grace = cli.lapse_grace_months;
    let open = |dir: &Path| {
        let hub = open(dir, database, reads)?;
        hub.set_lapse_grace_months(grace)?;
        anyhow::Ok(hub)
    };
    match cli.command {
        Command::Serve {
            listen,
            behind_tls_proxy,
            header_timeout_secs,
            body_timeout_secs,
            max_connections,
            shutdown_grace_secs,
            public_contact,
            receipt_checks_per_minute,
            max_batches_per_minute,
            max_problems_per_day,
            max_problems_stored,
            max_audit_entries_per_day,
            fleet,
        } => {
            let quotas = Quotas {
                batches_per_minute: max_batches_per_minute,
                problems_per_day: max_problems_per_day,
                problems_stored: max_problems_stored,
                audit_per_day: max_audit_entries_per_day,
                ..Quotas::default()
            };
            let options = ServeOptions {
                header_timeout: Duration::from_secs(header_timeout_secs),
                body_timeout: Duration::from_secs(body_timeout_secs),
                max_connections,
                shutdown_grace: Duration::from_secs(shutdown_grace_secs),
                behind_tls_proxy,
            };
            let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
            let listener = runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(&listen)
                    .await
                    .with_context(|| format!("listening on {listen}"))?;
                ansinh_hub::check_listen_address(listener.local_addr()?, behind_tls_proxy)?;
                anyhow::Ok(listener)
            })?;
            let addr = listener.local_addr()?;
            // Outside the runtime: the PostgreSQL store blocks on a runtime of its own.
            let hub = open(dir)?;
            hub.set_quotas(quotas);
            hub.set_fleet_thresholds(fleet.thresholds());
            runtime.block_on(async {
                eprintln!(
                    "ansinh-hub: serving http://{addr} (data {}, records in {}); admin pages at http://{addr}/admin, user admin, password in {}",
                    dir.display(),
                    if database.is_some() { "PostgreSQL" } else { "hub.sqlite" },
                    KeyFiles::in_dir(dir).admin_token.display()
                );
                let mut state = AppState::new(hub);
                state.receipts = std::sync::Arc::new(ansinh_hub::ReceiptPage {
                    contact: public_contact,
                    trust_forwarded_for: behind_tls_proxy,
                    limiter: ansinh_hub::RateLimiter::new(
                        receipt_checks_per_minute,
                        ansinh_hub::MAX_CLIENTS,
                    ),
                    ..ansinh_hub::ReceiptPage::default()
                });
                ansinh_hub::serve(listener, state, &options, shutdown_signal()).await?;
                anyhow::Ok(())
            })?;
        }
        Command::Token { label, valid_hours, assignment } => {
            let hub = open(dir)?;
            let assignment = assignment.assignment();
            let token = hub.create_assigned_token(
                &label,
                &assignment,
                valid_hours.clamp(1, 720) * 3600,
                system_now(),
            )?;
            let detail = format!(
                "label={label} valid_hours={valid_hours} {}",
                assignment_codes(&assignment)
            );
            hub.store().log_action(OPERATOR, "token_created", &detail, system_now())?;
            // The token alone on stdout, so `TOKEN=$(ansinh-hub token ...)` keeps just it.
            println!("{token}");
            eprintln!(
                "ansinh-hub: one-time registration token for {label:?}, valid {valid_hours} h; after the dot, the fingerprint of this server's keys, which the device checks. On the device run:\n  ansinh register --data-dir DIR --server https://HOST --token {token} --label {}",
                shell_word(&label)
            );
        }
        Command::Devices { json, fleet } => {
            let hub = open(dir)?;
            hub.set_fleet_thresholds(fleet.thresholds());
            let rows = hub.fleet(system_now())?;
            if json {
                let out = serde_json::json!({ "devices": rows, "thresholds": fleet.thresholds() });
                println!("{out}");
                return Ok(());
            }
            println!("{:>6}  {:<10}  {:<10}  label", "id", "state", "last seen");
            for r in rows {
                let state = if r.revoked { "revoked" } else { "active" };
                let seen = r.last_contact.map(|t| t.to_string()).unwrap_or_else(|| "never".into());
                println!("{:>6}  {state:<10}  {seen:<10}  {}", r.device_id, r.label);
                println!("{:>6}  {}", "", assignment_text(&hub.store().assignment(r.device_id)?));
                for a in &r.alarms {
                    println!("{:>6}  alarm {}: {}", "", a.code, a.message);
                }
            }
        }
        Command::Device { command: DeviceCommand::Assign { device_id, assignment } } => {
            let hub = open(dir)?;
            let assignment = assignment.assignment();
            hub.assign_device(device_id, &assignment)?;
            let detail = format!("device={device_id} {}", assignment_codes(&assignment));
            hub.store().log_action(OPERATOR, "device_assigned", &detail, system_now())?;
            println!(
                "device {device_id}: {}",
                assignment_text(&hub.store().assignment(device_id)?)
            );
        }
        Command::Problems => {
            let hub = open(dir)?;
            for p in hub.store().problems()? {
                println!("{}\t{}\t{}\t{}", p.received_at, p.device_id, p.record_id, p.code);
            }
        }
        Command::Revoke { device_id } => {
            let hub = open(dir)?;
            if !hub.store().revoke_device(device_id, system_now())? {
                bail!("no device {device_id}");
            }
            hub.store().log_action(
                OPERATOR,
                "device_revoked",
                &format!("device={device_id}"),
                system_now(),
            )?;
            println!("device {device_id} revoked");
        }
        Command::VerifyReceipt { payload, json } => {
            let hub = open(dir)?;
            let c = hub.verify_receipt(payload.trim())?;
            if json {
                println!("{}", serde_json::to_string(&c)?);
            } else {
                println!(
                    "genuine: device {} receipt {} amount {} đ record {} — {}",
                    c.device_id,
                    c.receipt_no,
                    c.amount,
                    c.record_id,
                    if c.held { "received by the server" } else { "not received yet" }
                );
            }
            if !c.mismatches.is_empty() {
                // The device's own MAC over values its record does not hold.
                bail!(
                    "the receipt differs from the record the device sent: {}",
                    c.mismatches.join(", ")
                );
            }
        }
        Command::Import { files } => {
            let (files, healths) = bundle_files(&files)?;
            let hub = open(dir)?;
            let mut failed = 0;
            for file in &healths {
                match hub.import_health_file(file, system_now()) {
                    Ok(h) => println!(
                        "{}: device {}: health report {}{}",
                        file.display(),
                        h.device_id,
                        h.seq,
                        if h.kept { "" } else { " (a newer one is held)" }
                    ),
                    Err(e) => {
                        failed += 1;
                        eprintln!("{}: {e}", file.display());
                    }
                }
            }
            for file in &files {
                match hub.import_bundle_file(file, system_now()) {
                    Ok(r) => println!(
                        "{}: device {}: {} accepted, {} already held, {} conflicts, {} rejected{}; acknowledgement {}",
                        file.display(),
                        r.device_id,
                        r.accepted,
                        r.duplicates,
                        r.conflicts,
                        r.rejected,
                        if r.again { " (imported before)" } else { "" },
                        r.ack_file
                            .as_deref()
                            .map(Path::display)
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    ),
                    Err(e) => {
                        failed += 1;
                        eprintln!("{}: {e}", file.display());
                    }
                }
            }
            if failed > 0 {
                bail!(
                    "{failed} of {} bundles and health reports were not imported",
                    files.len() + healths.len()
                );
            }
        }
        Command::Export { list, month, out, .. } if list == "double-payments" => {
            if out.extension().and_then(|e| e.to_str()) != Some("csv") {
                bail!("{}: the file name must end in .csv", out.display());
            }
            let hub = open(dir)?;
            let rows = hub.double_payments(&month)?;
            let detail = format!("list=double-payments month={month} format=csv");
            hub.store().log_action(OPERATOR, "export", &detail, system_now())?;
            std::fs::write(&out, exports::double_payments_csv(&rows)?)
                .with_context(|| format!("writing {}", out.display()))?;
            println!("{}: {} rows", out.display(), rows.len());
        }
        Command::Export { list, month, commune, out } => {
            let list = match list.to_ascii_lowercase().as_str() {
                "d05" | "d05-ts" => List::D05,
                "d03" | "d03-ts" => List::D03,
                other => bail!("unknown list {other:?}: d05, d03 or double-payments"),
            };
            let extension = out.extension().and_then(|e| e.to_str());
            if extension == Some("xml") && list != List::D05 {
                bail!(
                    "only D05-TS has an XML form (no D03-TS element names are known): use .csv or .xlsx"
                );
            }
            let format = match extension {
                Some("csv") => ListFormat::Csv,
                Some("xlsx") => ListFormat::Xlsx,
                Some("xml") => ListFormat::Xml,
                _ => bail!("{}: the file name must end in .csv, .xlsx or .xml", out.display()),
            };
            let hub = open(dir)?;
            let rows = hub.list_len(list, commune.as_deref(), &month)?;
            let detail = format!(
                "list={} commune={} month={month} file={} rows={rows}",
                list.name(),
                commune.as_deref().unwrap_or("all"),
                out.display(),
            );
            hub.store().log_action(OPERATOR, "export", &detail, system_now())?;
            let title = format!(
                "{} — xã {} — tháng {month}",
                list.name(),
                commune.as_deref().unwrap_or("(tất cả)")
            );
            // Written as it is read: a province's month never sits whole in memory.
            let writing = || format!("writing {}", out.display());
            let file = std::io::BufWriter::new(std::fs::File::create(&out).with_context(writing)?);
            hub.write_list(list, commune.as_deref(), &month, format, &title, file)
                .with_context(writing)?;
            println!("{}: {rows} rows", out.display());
        }
        Command::Target { month, commune, agent, value } => {
            let hub = open(dir)?;
            let (scope, key) = match (commune, agent) {
                (Some(c), _) => (Scope::Commune, c),
                (None, Some(a)) => (Scope::Agent, a),
                (None, None) => bail!("give --commune or --agent (a province's: targets import)"),
            };
            if !month_ok(&month) {
                bail!("{month:?} is not a month (YYYY-MM)");
            }
            let target = if value == "clear" {
                None
            } else {
                Some(
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 0)
                        .context("the target is a whole number")?,
                )
            };
            hub.store().set_target(scope, &key, &month, target)?;
            println!(
                "{} {key} {month}: {}",
                scope.as_str(),
                target.map_or("cleared".into(), |t| t.to_string())
            );
        }
        Command::Targets(TargetsCommand::Import { file }) => {
            let hub = open(dir)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {} (a UTF-8 CSV file)", file.display()))?;
            let (months, n) =
                hub.import_targets(&text).with_context(|| format!("{}", file.display()))?;
            let detail = format!("file={} months={} targets={n}", file.display(), months.join(","));
            hub.store().log_action(OPERATOR, "targets_import", &detail, system_now())?;
            println!("{}: {n} targets for {}", file.display(), months.join(", "));
        }
        Command::Lapsed { commune, agent, out } => {
            let hub = open(dir)?;
            let now = system_now();
            let (csv, rows) =
                hub.lapsed_export(commune.as_deref(), agent.as_deref(), OPERATOR, now)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, csv)
                        .with_context(|| format!("writing {}", path.display()))?;
                    println!("{}: {rows} rows", path.display());
                }
                None => std::io::Write::write_all(&mut std::io::stdout(), &csv)?,
            }
        }
        Command::Renewals { within_days } => {
            let hub = open(dir)?;
            let detail = format!("within_days={within_days}");
            hub.store().log_action(OPERATOR, "renewals_view", &detail, system_now())?;
            for r in hub.renewals(None, within_days, system_now())? {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    r.paid_until,
                    r.commune_code,
                    r.scheme,
                    r.masked_name,
                    r.phone.unwrap_or_default()
                );
            }
        }
        Command::Config(ConfigCommand::Sign { file }) => {
            let hub = open(dir)?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let signature = ansinh_wire::provisioning::sign_config(&bytes, &hub.keys().config);
            let mut sig = file.clone().into_os_string();
            sig.push(".sig");
            let sig = PathBuf::from(sig);
            std::fs::write(&sig, signature)
                .with_context(|| format!("writing {}", sig.display()))?;
            eprintln!(
                "ansinh-hub: signed {}; copy it with {} to the stick (devices check the exact bytes)",
                file.display(),
                sig.display()
            );
        }
        Command::Policy(command) => policy_command(dir, database, command)?,
        Command::Update(UpdateCommand::Publish { file, version }) => {
            let hub = open(dir)?;
            let b = hub.publish_update(&file, &version, OPERATOR, system_now())?;
            println!("{}", b.version);
            eprintln!(
                "ansinh-hub: published update {} ({} bytes, SHA-256 {}); devices download it after their next sync",
                b.version,
                b.size,
                hex::encode(b.sha256)
            );
        }
        Command::Update(UpdateCommand::List) => {
            let hub = open(dir)?;
            for b in hub.store().bundles()? {
                println!(
                    "{}  {} bytes  sha256 {}  published {}",
                    b.version,
                    b.size,
                    hex::encode(b.sha256),
                    b.published_at
                );
            }
        }
        Command::Audit { device, json, .. } => {
            let hub = open(dir)?;
            if let Some(id) = device {
                hub.store().device(id)?.with_context(|| format!("no device {id}"))?;
                let (entries, problems) = hub.store().device_audit(id)?;
                if json {
                    let value = serde_json::json!({"device_id": id, "entries": entries, "refused": problems});
                    println!("{value}");
                } else {
                    for p in &problems {
                        println!("REFUSED ({}x, last {}): {}", p.times, p.last_at, p.problem);
                    }
                    for h in &entries {
                        let e = &h.entry;
                        println!(
                            "{:>6}  {}  {:<10}  {:<24}  {:>6}  {}",
                            e.seq,
                            e.at,
                            e.agent_code,
                            e.event,
                            e.receipt_no.map(|n| n.to_string()).unwrap_or_default(),
                            e.detail
                        );
                    }
                }
            } else {
                let actions = hub.store().actions()?;
                if json {
                    println!("{}", serde_json::json!({"actions": actions}));
                } else {
                    for a in &actions {
                        println!("{}  {:<12}  {:<18}  {}", a.at, a.actor, a.action, a.detail);
                    }
                }
            }
        }
        Command::Backup { out } => {
            if database.is_some() {
                bail!(
                    "the records are in PostgreSQL: back them up with pg_dump -Fc (the hub's README, \"Backups\")"
                );
            }
            let store = ansinh_hub::SqliteStore::open(&dir.join("hub.sqlite"))
                .with_context(|| format!("opening {}", dir.display()))?;
            store.backup_to(&out).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: backup of {} (keep the keys folder's backup with it)",
                out.display(),
                dir.join("hub.sqlite").display()
            );
        }
        Command::Restore { from } => {
            let store: Box<dyn ansinh_hub::Store> = match (database, from) {
                (Some(url), None) => Box::new(ansinh_hub::PostgresStore::open(url)?),
                (Some(_), Some(_)) => bail!(
                    "the records are in PostgreSQL: restore with pg_restore, then run restore without a file"
                ),
                (None, Some(from)) => {
                    if !dir.join("hub.sqlite").exists() {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("creating {}", dir.display()))?;
                    }
                    Box::new(
                        ansinh_hub::SqliteStore::restore(&dir.join("hub.sqlite"), &from)
                            .with_context(|| format!("restoring from {}", from.display()))?,
                    )
                }
                (None, None) => bail!("give the backup file to restore from"),
            };
            if database.is_some() {
                store.new_epoch()?;
            }
            let detail = format!("epoch={}", hex::encode(store.epoch()?));
            store.log_action(OPERATOR, "restored", &detail, system_now())?;
            println!(
                "restored: {} records held; each device sends again what it holds as acknowledged, at its next sync",
                store.totals()?.records
            );
        }
        Command::Keys => {
            let files = KeyFiles::in_dir(dir);
            for f in files.all() {
                println!("{}{}", f.display(), if f.exists() { "" } else { " (missing)" });
            }
            println!(
                "Back up the folder {} to offline media kept apart from the server.",
                files.dir.display()
            );
        }
    }
    Ok(())
}
