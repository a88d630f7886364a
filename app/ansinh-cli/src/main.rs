//! `ansinh`: what a person pays and gets, at a terminal.
//!
//! Subcommands `quote`, `pension`, `bhyt`, `benefits` and `policy`. Output is Vietnamese by
//! default (`--lang en` for English); `--json` prints exactly one JSON object. Invalid input
//! exits with code 2 and names the field; with `--json` the error is
//! `{"error": {"field", "code", "message"}}`. `--policy FILE` uses a policy table from a TOML
//! file instead of the built-in one (a policy update without a new binary).

mod delivery;
mod device;
mod input;
mod policy;
mod printing;
mod records;
mod render;
mod staff;
mod update;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use ansinh_core::PolicyTable;
use ansinh_core::pension::{HistoryYear, Paid, PensionRequest};
use ansinh_core::person::Sex;
use ansinh_core::quote::{Person, QuoteRequest};
use ansinh_text::{Locale, tr};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use crate::input::{InputError, Parse};

/// The `--lang` values: the languages of the catalogues present.
fn language_codes() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Locale::all().map(Locale::code))
}

#[derive(Parser)]
#[command(
    name = "ansinh",
    version,
    about = "Voluntary social insurance and household health insurance: quotes, pensions, premiums."
)]
struct Cli {
    /// Output language: vi (Vietnamese), en (English), or any other catalogue present.
    #[arg(long, global = true, default_value = "vi", value_parser = language_codes())]
    lang: String,
    /// Print exactly one JSON object.
    #[arg(long, global = true)]
    json: bool,
    /// Use the policy table in this TOML file instead of the built-in one.
    #[arg(long, global = true, value_name = "FILE")]
    policy: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// What a voluntary social insurance payment costs on a date.
    Quote(QuoteArgs),
    /// Retirement month, pension estimate, and the options when short of 15 years.
    Pension(PensionArgs),
    /// Two ways of paying side by side: two incomes, or 15 against 20 years.
    Compare(CompareArgs),
    /// Household health insurance premiums.
    Bhyt(BhytArgs),
    /// Maternity, funeral and social pension amounts on a date.
    Benefits(BenefitsArgs),
    /// Print the policy table: every parameter with its dates, source and status; with
    /// --data-dir the device's table (built-in or installed), why amounts are estimates and
    /// what the last table changed; `install FILE` installs a signed table from a USB stick.
    Policy(policy::PolicyArgs),
    /// Check an enrollment (JSON on standard input): the normalised record, or every problem.
    Validate(records::ValidateArgs),
    /// Validate an enrollment (JSON on standard input) and commit it durably to the outbox (a
    /// possible double payment is refused, naming the earlier receipt, until staff confirm).
    Enqueue(records::EnqueueArgs),
    /// The device's outbox: counts and records with their state.
    Queue(device::QueueArgs),
    /// Cancel a record before it is uploaded (staff), with a reason.
    Void(device::VoidArgs),
    /// The device's clock as the device judges it (enrollment stops while it is not trusted);
    /// `--confirm`: a clerk confirms the date and time it shows.
    Clock(device::ClockArgs),
    /// Install the collection server's sealing key by hand (devices without a network).
    Provision(device::ProvisionArgs),
    /// Register this device with a collection server (one-time token).
    Register(delivery::RegisterArgs),
    /// Send every unsent record to the collection server now, whatever its back-off, and report
    /// what happened; exit 1 while records stay unsent (with the next automatic try).
    Sync(delivery::SyncArgs),
    /// Write the unsent (sealed) records to a signed bundle for a USB stick.
    Export(delivery::ExportArgs),
    /// Mark the records in the server's acknowledgement file as held by the server.
    ImportAck(delivery::ImportAckArgs),
    /// The participants whose paid period ends soon (from the server).
    Renewals(delivery::RenewalsArgs),
    /// A receipt again (marked as a copy): PNG, ESC/POS bytes or straight to a printer.
    Receipt(printing::ReceiptArgs),
    /// The end-of-shift reconciliation: totals, voids, cash to hand in; CSV, PNG or printer.
    ShiftReport(printing::ShiftArgs),
    /// Software updates: where they stand (`status`); as root, `install` the bundle the kiosk
    /// asked for (or `--bundle FILE`) after checking it, and `reboot` into it.
    Update(update::UpdateArgs),
}

#[derive(Args)]
struct QuoteArgs {
    /// Payment date, YYYY-MM-DD.
    #[arg(long)]
    on: String,
    /// Chosen monthly income in đồng.
    #[arg(long)]
    income: String,
    /// Support group: poor, near-poor, ethnic-minority, island or other.
    #[arg(long)]
    group: String,
    /// Official province code of permanent residence (2025 map), e.g. 01 for Hà Nội.
    #[arg(long)]
    province: Option<String>,
    /// 1, 3, 6, 12, advance-YEARS or backpay-MONTHS.
    #[arg(long)]
    mode: String,
    /// Birth month, YYYY-MM (needed for back-pay).
    #[arg(long)]
    born: Option<String>,
    /// male or female (needed for back-pay).
    #[arg(long)]
    sex: Option<String>,
    /// Months of state support already received.
    #[arg(long)]
    supported_months: Option<String>,
    /// Months already paid (limits back-pay to what is missing).
    #[arg(long)]
    paid_months: Option<String>,
}

/// Who is asked about, and when: shared by `pension` and `compare`.
#[derive(Args)]
struct AskedArgs {
    /// Date asked about, YYYY-MM-DD (planned payments start the month after).
    #[arg(long)]
    on: String,
    /// Birth month, YYYY-MM.
    #[arg(long)]
    born: String,
    /// male or female.
    #[arg(long)]
    sex: String,
}

#[derive(Args)]
struct PensionArgs {
    #[command(flatten)]
    asked: AskedArgs,
    /// Months already paid.
    #[arg(long)]
    paid_months: Option<String>,
    /// Average monthly income of the months already paid.
    #[arg(long)]
    paid_avg: Option<String>,
    /// Year-by-year history: CSV `year,months,income` or a JSON array of such objects.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Planned monthly income from the month after --on until retirement (0 = no more payments).
    #[arg(long)]
    income: Option<String>,
    /// First month ever paid, YYYY-MM (for the transitional 60/55 rule).
    #[arg(long)]
    first_paid: Option<String>,
    /// The person is in a poor or near-poor household (social pension at 70).
    #[arg(long)]
    poor_household: bool,
    /// State support received so far, deducted from the one-time amount.
    #[arg(long)]
    support_received: Option<String>,
}

#[derive(Args)]
struct CompareArgs {
    #[command(flatten)]
    asked: AskedArgs,
    /// Support group: poor, near-poor, ethnic-minority, island or other.
    #[arg(long, default_value = "other")]
    group: String,
    /// Official province code of permanent residence (2025 map), e.g. 01 for Hà Nội.
    #[arg(long)]
    province: Option<String>,
    /// The first way: INCOME:YEARS, e.g. 1500000:15.
    #[arg(long)]
    a: String,
    /// The second way: INCOME:YEARS, e.g. 1500000:20.
    #[arg(long)]
    b: String,
}

#[derive(Args)]
struct BhytArgs {
    /// Payment date, YYYY-MM-DD.
    #[arg(long)]
    on: String,
    /// Household members joining together.
    #[arg(long)]
    members: String,
    /// Months paid for: 3, 6 or 12.
    #[arg(long)]
    months: String,
}

#[derive(Args)]
struct BenefitsArgs {
    /// Date asked about, YYYY-MM-DD.
    #[arg(long)]
    on: String,
    /// Children born (maternity allowance total).
    #[arg(long, default_value = "1")]
    children: String,
}

/// What a run ends with: output, an input error (exit 2), or a failure (exit 1).
enum Outcome {
    Done(Value, String),
    Invalid(InputError),
    /// A record with problems: the JSON `{"errors": [...]}` and the text, exit 2.
    Rejected(Value, String),
    /// A check that found problems: printed like `Done`, exit 1.
    Failed(Value, String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let json_wanted = args.iter().any(|a| a == "--json");
    // Read before clap, so that its own errors are said in the language asked for.
    let asked = args
        .windows(2)
        .rev()
        .find(|w| w[0] == "--lang")
        .map(|w| w[1].as_str())
        .or_else(|| args.iter().rev().find_map(|a| a.strip_prefix("--lang=")));
    let lang = asked.and_then(|code| Locale::from_code(code).ok()).unwrap_or_default();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            return invalid(InputError::from_clap(&e, lang), json_wanted, lang);
        }
    };
    match run(&cli, lang) {
        Ok(Outcome::Done(value, text)) => {
            let out = if cli.json { value.to_string() } else { text };
            let mut stdout = std::io::stdout().lock();
            if writeln!(stdout, "{out}").is_err() {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Ok(Outcome::Invalid(e)) => invalid(e, cli.json, lang),
        Ok(Outcome::Rejected(value, text)) => {
            if cli.json {
                println!("{value}");
            } else {
                eprint!("{text}");
            }
            ExitCode::from(2)
        }
        Ok(Outcome::Failed(value, text)) => {
            println!("{}", if cli.json { value.to_string() } else { text });
            ExitCode::FAILURE
        }
        Err(e) => {
            if cli.json {
                println!(
                    "{}",
                    json!({"error": {"field": null, "code": "failure", "message": format!("{e:#}")}})
                );
            } else {
                eprintln!("ansinh: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn invalid(e: InputError, json_out: bool, lang: Locale) -> ExitCode {
    if json_out {
        println!("{}", json!({"error": e}));
    } else {
        let label = tr!(lang, "cli-error");
        eprintln!("{label} (--{}): {}", e.field, e.message);
    }
    ExitCode::from(2)
}

fn run(cli: &Cli, lang: Locale) -> anyhow::Result<Outcome> {
    let loaded;
    let table = match (&cli.policy, &cli.command) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the policy file {}", path.display()))?;
            loaded = ansinh_policy::compile_toml(&text)
                .with_context(|| format!("policy file {}", path.display()))?;
            PolicyTable::from_bytes(&loaded)?
        }
        // A device prices with the table it has installed, as the kiosk does.
        (None, Command::Enqueue(a)) => {
            *ansinh_device::DataDir::open(&a.data_dir)?.active_policy().table
        }
        (None, _) => ansinh_core::default_table(),
    };
    let result = match &cli.command {
        Command::Quote(a) => quote(&table, a, lang),
        Command::Pension(a) => pension(&table, a, lang),
        Command::Compare(a) => compare(&table, a, lang),
        Command::Bhyt(a) => bhyt(&table, a, lang),
        Command::Benefits(a) => benefits(&table, a, lang),
        Command::Policy(a) => policy::run(&table, cli.policy.is_some(), a, lang),
        Command::Validate(a) => records::validate(&table, a, lang),
        Command::Enqueue(a) => records::enqueue(&table, a, lang),
        Command::Queue(a) => device::queue(a, lang),
        Command::Void(a) => device::void(a, lang),
        Command::Clock(a) => device::clock(a, lang),
        Command::Provision(a) => device::provision(a, lang),
        Command::Register(a) => delivery::register(a, lang),
        Command::Sync(a) => delivery::sync(a, lang),
        Command::Export(a) => delivery::export(a, lang),
        Command::ImportAck(a) => delivery::import_ack(a, lang),
        Command::Renewals(a) => delivery::renewals(a, lang),
        Command::Receipt(a) => printing::receipt(a, lang),
        Command::ShiftReport(a) => printing::shift_report(a, lang),
        Command::Update(a) => update::run(a, lang),
    };
    match result {
        Ok(outcome) => Ok(outcome),
        Err(Failure::Input(e)) => Ok(Outcome::Invalid(e)),
        Err(Failure::Other(e)) => Err(e),
    }
}

/// Either the input is wrong (exit 2) or something else failed (exit 1).
enum Failure {
    Input(InputError),
    Other(anyhow::Error),
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}
impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Other(e.into())
    }
}
impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}

fn core_err(lang: Locale) -> impl Fn(ansinh_core::Error) -> InputError {
    move |e| InputError::from_core(&e, lang)
}

fn quote(table: &PolicyTable<'_>, a: &QuoteArgs, lang: Locale) -> Result<Outcome, Failure> {
    let p = Parse(lang);
    let on = p.date("on", &a.on)?;
    let income = p.amount("income", &a.income)?;
    let group = p.group("group", &a.group)?;
    let mode = p.mode("mode", &a.mode)?;
    let province = a.province.as_deref().map(|c| p.province("province", c)).transpose()?;
    let person = match (&a.born, &a.sex) {
        (Some(b), Some(s)) => Some(Person::new(p.month("born", b)?, p.sex("sex", s)?)),
        (Some(_), None) => return Err(p.missing("sex").into()),
        (None, Some(_)) => return Err(p.missing("born").into()),
        (None, None) => None,
    };
    let mut req = QuoteRequest::new(on, income, group, mode);
    req.province = province;
    req.person = person;
    req.supported_months_before = a
        .supported_months
        .as_deref()
        .map(|s| p.count("supported-months", s))
        .transpose()?
        .unwrap_or(0);
    req.paid_months = a.paid_months.as_deref().map(|s| p.count("paid-months", s)).transpose()?;
    let q = ansinh_core::quote::quote(table, &req).map_err(core_err(lang))?;
    let mut v = serde_json::to_value(&q)?;
    v["net_in_words"] = json!(ansinh_core::money::InWords(q.net, lang.core()).to_string());
    Ok(Outcome::Done(v, render::quote(&q, lang)))
}

fn read_history(path: &PathBuf, p: Parse) -> Result<Vec<HistoryYear>, Failure> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the history file {}", path.display()))
        .map_err(Failure::Other)?;
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(&text).map_err(|e| p.history_line(0, &e.to_string()).into());
    }
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("year") {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [year, months, income] = cells[..] else {
            return Err(p.history_line(i + 1, "expected year,months,income").into());
        };
        let parse =
            |s: &str| s.parse::<u64>().map_err(|_| p.history_line(i + 1, "not a whole number"));
        rows.push(HistoryYear {
            year: u16::try_from(parse(year)?).map_err(|_| p.history_line(i + 1, "year"))?,
            months: u8::try_from(parse(months)?).map_err(|_| p.history_line(i + 1, "months"))?,
            income: parse(income)?,
        });
    }
    Ok(rows)
}

impl AskedArgs {
    fn parse(&self, p: Parse) -> Result<(ansinh_core::Date, ansinh_core::Month, Sex), InputError> {
        Ok((p.date("on", &self.on)?, p.month("born", &self.born)?, p.sex("sex", &self.sex)?))
    }
}

fn pension(table: &PolicyTable<'_>, a: &PensionArgs, lang: Locale) -> Result<Outcome, Failure> {
    let p = Parse(lang);
    let (on, born, sex) = a.asked.parse(p)?;
    let history = a.history.as_ref().map(|h| read_history(h, p)).transpose()?;
    let paid = match (&history, &a.paid_months, &a.paid_avg) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(p.conflict("history", "paid-months").into());
        }
        (Some(h), None, None) => Paid::History(h),
        (None, months, avg) => {
            let months =
                months.as_deref().map(|s| p.count("paid-months", s)).transpose()?.unwrap_or(0);
            let average = avg.as_deref().map(|s| p.amount("paid-avg", s)).transpose()?.unwrap_or(0);
            if months > 0 && average == 0 {
                return Err(p.missing("paid-avg").into());
            }
            Paid::Summary { months, average }
        }
    };
    let req = PensionRequest {
        on,
        born,
        sex,
        paid,
        planned_income: a
            .income
            .as_deref()
            .map(|s| p.amount("income", s))
            .transpose()?
            .unwrap_or(0),
        planned_months: None,
        first_paid: a.first_paid.as_deref().map(|s| p.month("first-paid", s)).transpose()?,
        poor_household: a.poor_household,
        support_received: a
            .support_received
            .as_deref()
            .map(|s| p.amount("support-received", s))
            .transpose()?
            .unwrap_or(0),
    };
    let e = ansinh_core::pension::estimate(table, &req).map_err(core_err(lang))?;
    Ok(Outcome::Done(serde_json::to_value(&e)?, render::pension(&e, lang)))
}

fn compare(table: &PolicyTable<'_>, a: &CompareArgs, lang: Locale) -> Result<Outcome, Failure> {
    use ansinh_core::compare::{CompareRequest, Way};
    let p = Parse(lang);
    let (on, born, sex) = a.asked.parse(p)?;
    let group = p.group("group", &a.group)?;
    let province = a.province.as_deref().map(|c| p.province("province", c)).transpose()?;
    let way = |field: &'static str, s: &str| -> Result<Way, InputError> {
        let (income, years) = s.split_once(':').ok_or_else(|| p.way(field))?;
        let income = p.amount(field, income)?;
        let years = p.count(field, years)?;
        if years == 0 || years > 50 {
            return Err(p.way(field));
        }
        Ok(Way { income, years })
    };
    let req = CompareRequest {
        on,
        born,
        sex,
        groups: ansinh_core::person::GroupSet::of(group),
        province,
        ways: [way("a", &a.a)?, way("b", &a.b)?],
    };
    let c = ansinh_core::compare::compare(table, &req).map_err(core_err(lang))?;
    Ok(Outcome::Done(serde_json::to_value(&c)?, render::compare(&c, lang)))
}

fn bhyt(table: &PolicyTable<'_>, a: &BhytArgs, lang: Locale) -> Result<Outcome, Failure> {
    let p = Parse(lang);
    let on = p.date("on", &a.on)?;
    let members = p.count("members", &a.members)?;
    let months = u8::try_from(p.count("months", &a.months)?).unwrap_or(u8::MAX);
    let h = ansinh_core::bhyt::household(table, on, members, months).map_err(core_err(lang))?;
    let mut v = serde_json::to_value(&h)?;
    v["per_member"] = json!(h.members.iter().map(|m| m.amount).collect::<Vec<_>>());
    v["total_in_words"] = json!(ansinh_core::money::InWords(h.total, lang.core()).to_string());
    Ok(Outcome::Done(v, render::bhyt(&h, lang)))
}

fn benefits(table: &PolicyTable<'_>, a: &BenefitsArgs, lang: Locale) -> Result<Outcome, Failure> {
    let p = Parse(lang);
    let on = p.date("on", &a.on)?;
    let children = u8::try_from(p.count("children", &a.children)?).unwrap_or(u8::MAX);
    let b = ansinh_core::benefits::benefits(table, on, children).map_err(core_err(lang))?;
    Ok(Outcome::Done(serde_json::to_value(&b)?, render::benefits(&b, lang)))
}
