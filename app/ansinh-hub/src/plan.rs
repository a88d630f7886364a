//! What the office manages by: participants against the plan (chỉ tiêu, kế hoạch giao) for the
//! month and the year to date, the same period last year, and lapsed participants, per
//! province, commune and agent; the plan imported from a CSV file; the lapsed participants as
//! a follow-up list for their agent, masked as the renewal list is.
//!
//! - A **target** is set for a month, for a province, a commune or an agent, in participants
//!   (a household record counts each member, as the tallies do) and optionally in household
//!   health insurance members. A province without a target of its own has the sum of its
//!   communes' targets; the total is the sum of the provinces'. The year to date sums the
//!   months from January.
//! - A participant **lapses** when no later payment of theirs (same person, same scheme)
//!   arrives by the end of the grace period: [`DEFAULT_LAPSE_GRACE_MONTHS`] whole months after
//!   the last month paid, a local choice (`serve --lapse-grace-months`). The lapse counts in
//!   the month after the grace, in the commune and for the agent of the last payment; a late
//!   renewal does not undo it, but takes the person off the follow-up list.
//! - Counts come from the store ([`crate::Store::tallies`], [`crate::Store::targets`],
//!   [`crate::Store::lapses`]); the rollup to provinces uses `ansinh-geo` (each commune's
//!   province), here and nowhere else.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};
use serde::Serialize;

use crate::civil::{self, Day};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::store::{LapseTally, Scope, Tallies, Tally, Target, Timestamp, Totals};

/// Whole months after the last month paid within which a renewal keeps a participant from
/// lapsing, unless the hub is told otherwise. A local choice: policy.md gives no such number.
/// Voluntary SI treats a payment missed past its deadline as a suspension (§4.5, Decree 134
/// Art 12(3), the same assumed under Decree 159), with no period named; household health
/// insurance loses continuity after a gap of more than 3 months in the fiscal year (§6.3).
/// Three months follows the latter, so that nobody is listed while their card is still
/// continuous.
pub const DEFAULT_LAPSE_GRACE_MONTHS: u32 = 3;

/// Longest grace a hub may be given (two years).
pub const MAX_LAPSE_GRACE_MONTHS: u32 = 24;

/// How far back the follow-up list reaches: participants who lapsed in the last 12 months
/// (this one included). Older lapses are for outreach campaigns, not an agent's calls.
pub const LAPSED_LIST_MONTHS: i64 = 12;

/// The figures of one period: counts, and the plan where one is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Enrollments (records).
    pub records: i64,
    /// Participants (a household record counts each member).
    pub participants: i64,
    /// Household health insurance members among them.
    pub bhyt_members: i64,
    /// Cash collected, đồng.
    pub amount: i64,
    /// Target in participants (none set: `None`).
    pub target: Option<i64>,
    /// Target in household health insurance members.
    pub bhyt_target: Option<i64>,
}

impl Figures {
    fn add(&mut self, t: &Tally) {
        self.records += t.records;
        self.participants += t.participants;
        self.bhyt_members += t.bhyt_members;
        self.amount += t.amount;
    }

    /// Participants as a percentage of the target (rounded down), when one is set.
    pub fn percent(&self) -> Option<i64> {
        self.target.filter(|t| *t > 0).map(|t| self.participants * 100 / t)
    }
}

/// Lapsed participants of a province, commune or agent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LapseCounts {
    /// Who lapsed in the month.
    pub month: i64,
    /// Who lapsed from January to the month.
    pub year_to_date: i64,
    /// Who lapsed in the same month last year.
    pub last_year: i64,
    /// Who lapsed from January to the same month last year.
    pub last_year_to_date: i64,
    /// Who lapsed in the last [`LAPSED_LIST_MONTHS`] months and has not renewed since: the
    /// follow-up list's length.
    pub to_follow_up: i64,
}

/// A province's, commune's or agent's standing: the month's figures (flattened, so
/// `records`, `participants`, `target` … sit beside `key`), the year to date, the same periods
/// last year (no targets), and the lapses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Province code, commune code or agent code (the total: the month).
    pub key: String,
    /// The province's or commune's name (empty for an agent).
    pub name: String,
    /// The month.
    #[serde(flatten)]
    pub month: Figures,
    /// January to the month.
    pub year_to_date: Figures,
    /// The same month last year.
    pub last_year: Figures,
    /// January to the same month last year.
    pub last_year_to_date: Figures,
    /// Lapsed participants.
    pub lapsed: LapseCounts,
}

/// One month of the year on the chart: participants against the plan, and last year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MonthPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Participants collected in it.
    pub participants: i64,
    /// The total target of the month, if any target is set.
    pub target: Option<i64>,
    /// Participants of the same month last year.
    pub last_year: i64,
    /// Participants from January to this month.
    pub cumulative: i64,
    /// Targets from January to this month (months without one count 0), if any is set.
    pub cumulative_target: Option<i64>,
}

/// Progress for a month: per province, commune and agent against the plan, the same period
/// last year and lapses; the month's days; the year's months for the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Whole months after the last month paid before a participant counts as lapsed.
    pub lapse_grace_months: u32,
    /// All together (target: the sum of the provinces').
    pub total: Standing,
    /// By province code.
    pub provinces: Vec<Standing>,
    /// By commune code.
    pub communes: Vec<Standing>,
    /// By agent code.
    pub agents: Vec<Standing>,
    /// The month by collection day.
    pub days: Vec<Tally>,
    /// January to the month, for the chart.
    pub months: Vec<MonthPoint>,
    /// What the hub holds overall, with conflicts and rejections for staff.
    pub held: Totals,
}

/// A participant to follow up: lapsed, not renewed since, masked as on the renewal list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LapsedParticipant {
    /// Masked name, e.g. `NGUYỄN T** H*** N****`.
    pub masked_name: String,
    /// `voluntary-si` or `household-bhyt`.
    pub scheme: String,
    /// Last month paid, `YYYY-MM`.
    pub paid_until: String,
    /// The day the cover ended (the last day of that month), `YYYY-MM-DD`.
    pub cover_ended: String,
    /// The first month counted lapsed, `YYYY-MM`.
    pub lapsed_in: String,
    /// Commune code of the last payment.
    pub commune_code: String,
    /// The agent who took it.
    pub agent_code: String,
    /// Phone to call, when the person agreed to reminders (as on the renewal list).
    pub phone: Option<String>,
}

/// The province of a commune code (empty when `ansinh-geo` does not know it).
fn province_of(commune: &str) -> String {
    ansinh_geo::commune(commune).map_or_else(String::new, |c| c.province_code.to_string())
}

fn name_of(scope: Scope, key: &str) -> String {
    match scope {
        Scope::Province => ansinh_geo::province(key).map(|p| p.name.to_string()),
        Scope::Commune => ansinh_geo::commune(key).map(|c| c.name.to_string()),
        Scope::Agent => None,
    }
    .unwrap_or_default()
}

/// A target: participants, and health insurance members if set.
type Pair = (i64, Option<i64>);

/// The plan of a run of months, by scope and key.
#[derive(Default)]
struct Plan {
    /// month → scope → key → target.
    months: BTreeMap<String, HashMap<Scope, BTreeMap<String, Pair>>>,
}

fn add_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(a + b),
    }
}

impl Plan {
    fn new(targets: Vec<Target>) -> Self {
        let mut plan = Plan::default();
        for t in targets {
            plan.months
                .entry(t.month)
                .or_default()
                .entry(t.scope)
                .or_default()
                .insert(t.key, (t.participants, t.bhyt_members));
        }
        plan
    }

    /// The provinces' targets of a month: their own, or the sum of their communes'.
    fn provinces(&self, month: &str) -> BTreeMap<String, (Option<i64>, Option<i64>)> {
        let mut out: BTreeMap<String, (Option<i64>, Option<i64>)> = BTreeMap::new();
        let Some(m) = self.months.get(month) else { return out };
        if let Some(communes) = m.get(&Scope::Commune) {
            for (c, (p, b)) in communes {
                let e = out.entry(province_of(c)).or_default();
                *e = (add_opt(e.0, Some(*p)), add_opt(e.1, *b));
            }
        }
        if let Some(provinces) = m.get(&Scope::Province) {
            for (k, (p, b)) in provinces {
                out.insert(k.clone(), (Some(*p), *b));
            }
        }
        out
    }

    /// The target of `key` in `month`.
    fn of(&self, scope: Scope, key: &str, month: &str) -> (Option<i64>, Option<i64>) {
        if scope == Scope::Province {
            return self.provinces(month).get(key).copied().unwrap_or_default();
        }
        self.months
            .get(month)
            .and_then(|m| m.get(&scope))
            .and_then(|k| k.get(key))
            .map_or((None, None), |(p, b)| (Some(*p), *b))
    }

    /// The total target of `month`: the provinces' together.
    fn total(&self, month: &str) -> (Option<i64>, Option<i64>) {
        self.provinces(month)
            .values()
            .fold((None, None), |acc, (p, b)| (add_opt(acc.0, *p), add_opt(acc.1, *b)))
    }

    /// Every key of `scope` with a target in one of `months`.
    fn keys(&self, scope: Scope, months: &[String]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for m in months {
            if scope == Scope::Province {
                out.extend(self.provinces(m).into_keys());
            } else if let Some(k) = self.months.get(m).and_then(|x| x.get(&scope)) {
                out.extend(k.keys().cloned());
            }
        }
        out
    }
}

/// The months `from..=until`, `YYYY-MM`.
fn months_between(from: &str, until: &str) -> Vec<String> {
    let mut out = vec![];
    let mut m = from.to_string();
    while m.as_str() <= until {
        let next = civil::add_months(&m, 1);
        out.push(m);
        match next {
            Some(n) => m = n,
            None => break,
        }
    }
    out
}

/// The four periods a standing compares.
struct Periods {
    month: Tallies,
    year_to_date: Tallies,
    last_year: Tallies,
    last_year_to_date: Tallies,
}

/// The tallies of `scope` in one period, by key.
fn by_key(t: &Tallies, scope: Scope) -> BTreeMap<String, Figures> {
    let mut out: BTreeMap<String, Figures> = BTreeMap::new();
    let (rows, map): (&[Tally], fn(&str) -> String) = match scope {
        Scope::Province => (&t.communes, province_of),
        Scope::Commune => (&t.communes, str::to_string),
        Scope::Agent => (&t.agents, str::to_string),
    };
    for row in rows {
        out.entry(map(&row.key)).or_default().add(row);
    }
    out
}

/// The lapse counts by key of `scope` (`None`: the total).
fn lapse_counts(
    lapses: &[LapseTally],
    scope: Option<Scope>,
    month: &str,
    last_year: &str,
    follow_up_from: &str,
) -> BTreeMap<String, LapseCounts> {
    let (year, ly_year) = (&month[..4], &last_year[..4]);
    let mut out: BTreeMap<String, LapseCounts> = BTreeMap::new();
    for l in lapses {
        let key = match scope {
            Some(Scope::Province) => province_of(&l.commune_code),
            Some(Scope::Commune) => l.commune_code.clone(),
            Some(Scope::Agent) => l.agent_code.clone(),
            None => String::new(),
        };
        let c = out.entry(key).or_default();
        let (m, n) = (l.lapsed_in.as_str(), l.count);
        c.month += n * i64::from(m == month);
        c.year_to_date += n * i64::from(m.starts_with(year) && m <= month);
        c.last_year += n * i64::from(m == last_year);
        c.last_year_to_date += n * i64::from(m.starts_with(ly_year) && m <= last_year);
        c.to_follow_up += n * i64::from(!l.renewed && m >= follow_up_from);
    }
    out
}

impl Hub {
    /// Whole months after the last month paid before a participant counts as lapsed.
    pub fn lapse_grace_months(&self) -> u32 {
        self.lapse_grace.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sets the grace period of lapses, at most [`MAX_LAPSE_GRACE_MONTHS`].
    pub fn set_lapse_grace_months(&self, months: u32) -> Result<()> {
        if months > MAX_LAPSE_GRACE_MONTHS {
            return Err(Error::Invalid(format!(
                "a grace period of {months} months: at most {MAX_LAPSE_GRACE_MONTHS}"
            )));
        }
        self.lapse_grace.store(months, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Progress for `month` (`YYYY-MM`) as of `now`: per province, commune and agent, the
    /// month and the year to date against the plan, the same periods last year, and lapses.
    pub fn progress(&self, month: &str, now: Timestamp) -> Result<Progress> {
        let bad = || Error::Invalid(format!("{month:?} is not a month (YYYY-MM)"));
        let (year, _) = civil::parse_month(month).ok_or_else(bad)?;
        let from = format!("{year:04}-01");
        let ly_month = civil::add_months(month, -12).ok_or_else(bad)?;
        let ly_from = format!("{:04}-01", year - 1);
        let store = self.store();
        let periods = Periods {
            month: store.tallies(month, month)?,
            year_to_date: store.tallies(&from, month)?,
            last_year: store.tallies(&ly_month, &ly_month)?,
            last_year_to_date: store.tallies(&ly_from, &ly_month)?,
        };
        let ytd_months = months_between(&from, month);
        let plan = Plan::new(store.targets(&from, month)?);

        // Lapses from January last year, and those of the follow-up list; none in the future.
        let current = Day::of(now).month_text();
        let follow_up_from = civil::add_months(&current, 1 - LAPSED_LIST_MONTHS).ok_or_else(bad)?;
        let first = ly_from.as_str().min(follow_up_from.as_str());
        let grace = self.lapse_grace_months();
        let lapses = if first <= current.as_str() {
            store.lapse_tallies(grace, first, &current)?
        } else {
            vec![]
        };

        let standings = |scope: Scope| -> Vec<Standing> {
            let figures = [
                by_key(&periods.month, scope),
                by_key(&periods.year_to_date, scope),
                by_key(&periods.last_year, scope),
                by_key(&periods.last_year_to_date, scope),
            ];
            let lapsed = lapse_counts(&lapses, Some(scope), month, &ly_month, &follow_up_from);
            let mut keys: BTreeSet<String> = plan.keys(scope, &ytd_months);
            for f in &figures {
                keys.extend(f.keys().cloned());
            }
            keys.extend(
                lapsed
                    .iter()
                    .filter(|(_, c)| **c != LapseCounts::default())
                    .map(|(k, _)| k.clone()),
            );
            keys.into_iter()
                .map(|key| {
                    let get = |i: usize| figures[i].get(&key).cloned().unwrap_or_default();
                    let mut s = Standing {
                        name: name_of(scope, &key),
                        month: get(0),
                        year_to_date: get(1),
                        last_year: get(2),
                        last_year_to_date: get(3),
                        lapsed: lapsed.get(&key).cloned().unwrap_or_default(),
                        key,
                    };
                    (s.month.target, s.month.bhyt_target) = plan.of(scope, &s.key, month);
                    for m in &ytd_months {
                        let (p, b) = plan.of(scope, &s.key, m);
                        s.year_to_date.target = add_opt(s.year_to_date.target, p);
                        s.year_to_date.bhyt_target = add_opt(s.year_to_date.bhyt_target, b);
                    }
                    s
                })
                .collect()
        };

        let whole = |t: &Tallies| {
            let mut f = Figures::default();
            f.add(&t.total);
            f
        };
        let mut total = Standing {
            key: month.to_string(),
            name: String::new(),
            month: whole(&periods.month),
            year_to_date: whole(&periods.year_to_date),
            last_year: whole(&periods.last_year),
            last_year_to_date: whole(&periods.last_year_to_date),
            lapsed: lapse_counts(&lapses, None, month, &ly_month, &follow_up_from)
                .remove("")
                .unwrap_or_default(),
        };
        (total.month.target, total.month.bhyt_target) = plan.total(month);

        // The chart: each month of the year, its target and last year's same month.
        let per_month = |days: &[Tally], shift: i64| {
            let mut out: HashMap<String, i64> = HashMap::new();
            for d in days {
                let m = d.key.get(..7).and_then(|m| civil::add_months(m, shift));
                *out.entry(m.unwrap_or_default()).or_default() += d.participants;
            }
            out
        };
        let this_year = per_month(&periods.year_to_date.days, 0);
        let before = per_month(&periods.last_year_to_date.days, 12);
        let mut months = vec![];
        let (mut cumulative, mut cumulative_target) = (0, None);
        for m in &ytd_months {
            let participants = this_year.get(m).copied().unwrap_or(0);
            let target = plan.total(m).0;
            cumulative += participants;
            cumulative_target = add_opt(cumulative_target, target);
            months.push(MonthPoint {
                month: m.clone(),
                participants,
                target,
                last_year: before.get(m).copied().unwrap_or(0),
                cumulative,
                cumulative_target,
            });
        }
        total.year_to_date.target = cumulative_target;
        total.year_to_date.bhyt_target =
            ytd_months.iter().fold(None, |acc, m| add_opt(acc, plan.total(m).1));

        Ok(Progress {
            month: month.to_string(),
            lapse_grace_months: grace,
            provinces: standings(Scope::Province),
            communes: standings(Scope::Commune),
            agents: standings(Scope::Agent),
            total,
            days: periods.month.days,
            months,
            held: store.totals()?,
        })
    }

    /// The follow-up list as CSV (see [`Hub::lapsed`]) and its row count, logged as an export
    /// by `actor` before the file leaves, as every export is.
    pub fn lapsed_export(
        &self,
        commune: Option<&str>,
        agent: Option<&str>,
        actor: &str,
        now: Timestamp,
    ) -> Result<(Vec<u8>, usize)> {
        let rows = self.lapsed(commune, agent, now)?;
        let detail = format!(
            "list=lapsed commune={} agent={} format=csv rows={}",
            commune.unwrap_or("all"),
            agent.unwrap_or("all"),
            rows.len()
        );
        self.store().log_action(actor, "export", &detail, now)?;
        Ok((crate::exports::lapsed_csv(&rows)?, rows.len()))
    }

    /// The participants to follow up as of `now`: lapsed in the last [`LAPSED_LIST_MONTHS`]
    /// months and not renewed since, optionally of one commune and one agent; the longest
    /// lapsed first. Names and phones as on the renewal list.
    pub fn lapsed(
        &self,
        commune: Option<&str>,
        agent: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<LapsedParticipant>> {
        let current = Day::of(now).month_text();
        let from = civil::add_months(&current, 1 - LAPSED_LIST_MONTHS)
            .ok_or_else(|| Error::Invalid("the clock is out of range".into()))?;
        let grace = self.lapse_grace_months();
        let lapses: Vec<_> = self
            .store()
            .lapses_of(grace, &from, &current, commune, agent)?
            .into_iter()
            .filter(|l| !l.renewed)
            .collect();
        // The records in one read, opened on every core.
        let keys: Vec<_> = lapses.iter().map(|l| (l.device_id, l.record_id)).collect();
        let held = self.store().records(&keys)?;
        lapses
            .into_par_iter()
            .zip(held)
            .map(|(l, held)| {
                let corrupt = |what: &str| {
                    Error::Corrupt(format!("held record {}: {what}", hex::encode(l.record_id)))
                };
                let held = held.ok_or_else(|| corrupt("missing"))?;
                let plain = self
                    .keys()
                    .opening
                    .open(&held.sealed)
                    .map_err(|_| corrupt("cannot be opened"))?;
                let r =
                    self.rules().renewal(&plain, l.index).ok_or_else(|| corrupt("unreadable"))?;
                Ok(LapsedParticipant {
                    masked_name: r.masked_name,
                    scheme: l.scheme,
                    cover_ended: civil::last_day_of(&l.paid_until).unwrap_or_default(),
                    paid_until: l.paid_until,
                    lapsed_in: l.lapsed_in,
                    commune_code: l.commune_code,
                    agent_code: l.agent_code,
                    phone: r.phone,
                })
            })
            .collect()
    }

    /// Replaces the plan of every month named in `csv` (see [`parse_targets`]) with its rows,
    /// all or nothing; the months replaced and how many targets were stored.
    pub fn import_targets(&self, csv: &str) -> Result<(Vec<String>, usize)> {
        let targets = parse_targets(csv)?;
        let months: Vec<String> =
            targets.iter().map(|t| t.month.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        self.store().replace_targets(&months, &targets)?;
        Ok((months, targets.len()))
    }
}

/// The columns of a targets file; the first four are required.
pub const TARGET_COLUMNS: [&str; 7] =
    ["year", "month", "province", "participants", "commune", "agent", "bhyt_members"];

/// Most problems a refused file lists (the rest are counted).
const MAX_PROBLEMS: usize = 20;

/// Largest target a row may set (a province's month is far below).
const MAX_TARGET: i64 = 10_000_000;

/// Longest agent code (`ansinh-enrollment`'s bound).
const MAX_AGENT_BYTES: usize = 16;

/// `digits` left-padded with zeros to `width` (a spreadsheet drops the leading zeros of a
/// code it takes for a number); `None` if not all digits or too long.
fn code(digits: &str, width: usize) -> Option<String> {
    (!digits.is_empty() && digits.len() <= width && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{digits:0>width$}"))
}

fn count(v: &str, field: &str) -> std::result::Result<i64, String> {
    v.parse::<i64>()
        .ok()
        .filter(|n| (0..=MAX_TARGET).contains(n))
        .ok_or_else(|| format!("{field}: {v:?} is not a whole number from 0 to {MAX_TARGET}"))
}

/// One row of a targets file, checked; the problem names its field.
fn target_row(get: &dyn Fn(&str) -> String) -> std::result::Result<Target, String> {
    let year = get("year");
    let year: i64 = year
        .parse()
        .ok()
        .filter(|y| (2000..2200).contains(y))
        .ok_or_else(|| format!("year: {year:?} is not a year (e.g. 2026)"))?;
    let month = get("month");
    let m: u32 = month
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| format!("month: {month:?} is not a month number from 1 to 12"))?;
    let province = get("province");
    let province = code(&province, 2)
        .filter(|p| ansinh_geo::province(p).is_some())
        .ok_or_else(|| format!("province: {province:?} is not a province code (2 digits)"))?;
    let commune = get("commune");
    let commune = if commune.is_empty() {
        None
    } else {
        let c = code(&commune, 5)
            .filter(|c| ansinh_geo::commune(c).is_some())
            .ok_or_else(|| format!("commune: {commune:?} is not a commune code (5 digits)"))?;
        if !ansinh_geo::commune_in_province(&c, &province) {
            return Err(format!("commune: {c} is in province {}, not {province}", province_of(&c)));
        }
        Some(c)
    };
    let agent = get("agent");
    if !agent.is_empty()
        && (agent.len() > MAX_AGENT_BYTES
            || !agent.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(format!(
            "agent: {agent:?} is not an agent code (letters, digits and -, at most {MAX_AGENT_BYTES})"
        ));
    }
    let participants = count(&get("participants"), "participants")?;
    let bhyt = get("bhyt_members");
    let bhyt_members = if bhyt.is_empty() { None } else { Some(count(&bhyt, "bhyt_members")?) };
    if bhyt_members.is_some_and(|b| b > participants) {
        return Err(format!(
            "bhyt_members: {bhyt} is more than the participants ({participants}), which count them"
        ));
    }
    let (scope, key) = match (agent.is_empty(), commune) {
        (false, _) => (Scope::Agent, agent),
        (true, Some(c)) => (Scope::Commune, c),
        (true, None) => (Scope::Province, province),
    };
    Ok(Target { month: format!("{year:04}-{m:02}"), scope, key, participants, bhyt_members })
}

/// Reads a targets file: CSV (UTF-8, a byte order mark allowed, `,` or `;` between fields),
/// a header naming the columns [`TARGET_COLUMNS`] in any order (`year`, `month`, `province`,
/// `participants` required), one target per row: a province's when `commune` and `agent` are
/// empty, a commune's when `commune` is set, an agent's when `agent` is set (its commune, if
/// given, checked to be in the province). Every problem is told by its line and field, and
/// none is stored unless the whole file is right.
pub fn parse_targets(text: &str) -> Result<Vec<Target>> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') && !first.contains(',') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Invalid(format!("line 1: {e}")))?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    let mut problems = vec![];
    for h in &header {
        if !TARGET_COLUMNS.contains(&h.as_str()) {
            problems.push(format!(
                "line 1: unknown column {h:?} (the columns are {})",
                TARGET_COLUMNS.join(", ")
            ));
        }
    }
    for need in &TARGET_COLUMNS[..4] {
        if !header.iter().any(|h| h == need) {
            problems.push(format!("line 1: no column {need:?}"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems.join("\n")));
    }
    let mut targets = vec![];
    let mut seen: HashMap<(String, Scope, String), u64> = HashMap::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let line = row.position().map_or(0, csv::Position::line);
        if row.iter().all(str::is_empty) {
            continue;
        }
        if row.len() > header.len() {
            problems.push(format!(
                "line {line}: {} fields, the header has {}",
                row.len(),
                header.len()
            ));
            continue;
        }
        let get = |name: &str| -> String {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .unwrap_or_default()
                .to_string()
        };
        match target_row(&get) {
            Err(p) => problems.push(format!("line {line}: {p}")),
            Ok(t) => {
                let id = (t.month.clone(), t.scope, t.key.clone());
                if let Some(before) = seen.insert(id, line) {
                    problems.push(format!(
                        "line {line}: a second target for {} {} in {} (the first is on line {before})",
                        t.scope.as_str(),
                        t.key,
                        t.month
                    ));
                } else {
                    targets.push(t);
                }
            }
        }
    }
    if problems.is_empty() && targets.is_empty() {
        problems.push("the file has no targets (a header and one row per target)".into());
    }
    if problems.is_empty() {
        return Ok(targets);
    }
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    if more > 0 {
        problems.push(format!("and {more} more"));
    }
    Err(Error::Invalid(format!("nothing imported:\n{}", problems.join("\n"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_read_row_by_row_and_refused_whole_with_every_problem_named() {
        let ok = "\u{feff}year,month,province,commune,agent,participants,bhyt_members\n\
                  2026,11,1,,,500,200\n\
                  2026,11,01,4,,40,\n\
                  2026,11,01,00004,AG01,20,5\n\
                  2026,12,01,,,520,\n";
        let t = parse_targets(ok).map_err(|e| e.to_string());
        let t = t.as_deref().unwrap_or_default();
        let got: Vec<(&str, Scope, &str, i64, Option<i64>)> = t
            .iter()
            .map(|t| (t.month.as_str(), t.scope, t.key.as_str(), t.participants, t.bhyt_members))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-11", Scope::Province, "01", 500, Some(200)),
                ("2026-11", Scope::Commune, "00004", 40, None),
                ("2026-11", Scope::Agent, "AG01", 20, Some(5)),
                ("2026-12", Scope::Province, "01", 520, None),
            ]
        );
        let semicolons = "year;month;province;participants\n2026;1;79;10\n";
        assert_eq!(parse_targets(semicolons).map(|t| t.len()).ok(), Some(1));

        let bad = "year,month,province,commune,agent,participants,bhyt_members\n\
                   2026,13,01,,,5,\n\
                   2026,11,99,,,5,\n\
                   2026,11,79,00004,,5,\n\
                   2026,11,01,,A B,5,\n\
                   2026,11,01,,,-1,\n\
                   2026,11,01,,,5,6\n\
                   2026,11,01,,,5,\n\
                   2026,11,01,,,6,\n";
        let e = parse_targets(bad).err().map(|e| e.to_string()).unwrap_or_default();
        for want in [
            "line 2: month: \"13\"",
            "line 3: province: \"99\"",
            "line 4: commune: 00004 is in province 01, not 79",
            "line 5: agent: \"A B\"",
            "line 6: participants: \"-1\"",
            "line 7: bhyt_members: 6 is more than the participants (5)",
            "line 9: a second target for province 01 in 2026-11 (the first is on line 8)",
        ] {
            assert!(e.contains(want), "{want:?} not in {e}");
        }
        let e = parse_targets("year,month,participants,target\n").err().map(|e| e.to_string());
        let e = e.unwrap_or_default();
        assert!(
            e.contains("unknown column \"target\"") && e.contains("no column \"province\""),
            "{e}"
        );
        assert!(parse_targets("year,month,province,participants\n").is_err(), "no rows");
    }
}
