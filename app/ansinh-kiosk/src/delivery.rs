//! Delivery on the device: a worker thread that registers the device with the collection server
//! (once, with the configuration's one-time token), installs the signed policy tables the
//! device was given (its configuration partition's, a stick's) once registration has pinned
//! the policy key, then runs `ansinh-uploader`'s background loop (records, then the software
//! update's download, yielding to the next record) and refreshes the
//! renewal-due list after a sync when the kept one is old.
//!
//! The UI thread never waits on the network: it reads what the worker leaves in the outbox
//! (sync status) and the data directory (registration, renewals), and only wakes the worker
//! after a commit or when staff press "sync now".

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use ansinh_device::DataDir;
use ansinh_device::clock::{Clock, SystemClock};
use ansinh_device::policy::{Refused, Source};
use ansinh_uploader::background::{Control, run};
use ansinh_uploader::policy::PolicyFetch;
use ansinh_uploader::update::UpdateFetch;
use ansinh_uploader::{
    RetryPolicy, ServerTrust, cached_renewals, fetch_renewals, register_trusting,
};

/// What the worker needs from the configuration.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    /// Collection server URL (registration only; afterwards the registration's URL is used).
    pub server_url: Option<String>,
    /// One-time registration token.
    pub provisioning_token: Option<String>,
    /// The server's private certificate authority (PEM file), when its certificate is not
    /// from a public one (registration only; the registration keeps a copy).
    pub ca_file: Option<PathBuf>,
    /// How the device names itself on the server (the collection point).
    pub label: String,
    /// Uploader tunables (alarm period included).
    pub policy: RetryPolicy,
    /// Longest wait between syncs when nothing wakes the worker.
    pub poll: Duration,
    /// Signed policy tables to install once the device can verify them (see [`install_table`]).
    pub policy_files: Vec<(PathBuf, Source)>,
    /// Renewal list window, days.
    pub renewal_days: u32,
    /// A kept renewal list older than this is downloaded again after a sync.
    pub renewal_max_age_secs: i64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            server_url: None,
            provisioning_token: None,
            ca_file: None,
            label: String::new(),
            policy: RetryPolicy::default(),
            // Five minutes: new records also wake the worker at once, so this only bounds how
            // soon a restored network is noticed.
            poll: Duration::from_secs(300),
            policy_files: Vec::new(),
            // A month ahead gives agents time to reach people before their cover lapses.
            renewal_days: 30,
            renewal_max_age_secs: 6 * 3600,
        }
    }
}

/// Why registration has not happened, for the staff screen (never personal data).
pub type RegistrationProblem = Arc<Mutex<Option<String>>>;

/// How many records the server acknowledged in the worker's last completed sync (none before
/// the first), for the staff screen after "Đồng bộ ngay".
pub type LastSent = Arc<Mutex<Option<usize>>>;

/// The running worker; stops (after the exchange in progress) when dropped.
pub struct Delivery {
    control: Arc<Control>,
    problem: RegistrationProblem,
    last_sent: LastSent,
    handle: Option<JoinHandle<()>>,
    /// What the worker is started with, until it is.
    pending: Option<(PathBuf, DeliveryConfig)>,
}

impl Delivery {
    /// The worker on the data directory at `root`, not started yet: the store can hold its
    /// control and problem already, and the kiosk starts it once its first frame is on the
    /// screen, so opening the outbox for the sender role never competes with the start.
    pub fn new(root: PathBuf, config: DeliveryConfig) -> Self {
        Self {
            control: Arc::new(Control::new()),
            problem: Arc::default(),
            last_sent: Arc::default(),
            handle: None,
            pending: Some((root, config)),
        }
    }

    /// Starts the worker (once; later calls do nothing).
    pub fn spawn(&mut self) {
        let Some((root, config)) = self.pending.take() else { return };
        let (c, p) = (Arc::clone(&self.control), Arc::clone(&self.problem));
        let sent = Arc::clone(&self.last_sent);
        self.handle = std::thread::Builder::new()
            .name("ansinh-delivery".into())
            .spawn(move || worker(&root, &config, &c, &p, &sent))
            .ok();
        if self.handle.is_none() {
            set(&self.problem, Some("the delivery thread could not start".into()));
        }
    }

    /// Starts the worker on the data directory at `root` now.
    pub fn start(root: PathBuf, config: DeliveryConfig) -> Self {
        let mut d = Self::new(root, config);
        d.spawn();
        d
    }

    /// Syncs now (a record was just committed): records waiting out a back-off keep waiting.
    pub fn wake(&self) {
        self.control.wake();
    }

    /// Staff asked ("Đồng bộ ngay"): syncs now, sending every unsent record whatever its
    /// back-off.
    pub fn sync_now(&self) {
        self.control.sync_now();
    }

    /// The control, for the store to wake the worker.
    pub fn control(&self) -> Arc<Control> {
        Arc::clone(&self.control)
    }

    /// Why the device is not registered yet, if registration failed.
    pub fn problem(&self) -> RegistrationProblem {
        Arc::clone(&self.problem)
    }

    /// What the worker's last sync sent.
    pub fn last_sent(&self) -> LastSent {
        Arc::clone(&self.last_sent)
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.control.stop();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn set(problem: &RegistrationProblem, value: Option<String>) {
    *problem.lock().unwrap_or_else(PoisonError::into_inner) = value;
}

fn worker(
    root: &std::path::Path,
    config: &DeliveryConfig,
    control: &Control,
    problem: &RegistrationProblem,
    last_sent: &LastSent,
) {
    let dir = match DataDir::open(root) {
        Ok(d) => d,
        Err(e) => return set(problem, Some(e.to_string())),
    };
    if !registered(&dir, config, control, problem) {
        return;
    }
    // A device prepared with a table gets it as soon as registration pins the policy key
    // (at start the kiosk already installed it if the key was there: then it is not newer).
    for (path, source) in &config.policy_files {
        install_table(&dir, path, *source);
    }
    run(&dir, &config.policy, config.poll, control, |report| {
        if let Ok(r) = report {
            match &r.policy {
                Some(PolicyFetch::Installed { version }) => {
                    eprintln!("ansinh-kiosk: installed policy table {version} from the server");
                }
                Some(PolicyFetch::Refused { version, reason }) => eprintln!(
                    "ansinh-kiosk: policy table {} from the server refused: {reason}",
                    version.as_deref().unwrap_or("?")
                ),
                _ => {}
            }
            match &r.update {
                Some(UpdateFetch::Ready { version }) => eprintln!(
                    "ansinh-kiosk: update {version} downloaded; installed at the next idle reset"
                ),
                Some(UpdateFetch::Refused { version, reason }) => eprintln!(
                    "ansinh-kiosk: update {} from the server refused: {reason}",
                    version.as_deref().unwrap_or("?")
                ),
                _ => {}
            }
            *last_sent.lock().unwrap_or_else(PoisonError::into_inner) = Some(r.acknowledged);
            // Records just acknowledged may change the list (a payment moves a person's
            // paid period); otherwise a list younger than the maximum age is kept.
            refresh_renewals(&dir, config, r.acknowledged > 0);
        }
    });
}

/// Registers when the configuration gives a server and a token and the device is not
/// registered; retries while the failure is retryable. False once stopped.
fn registered(
    dir: &DataDir,
    config: &DeliveryConfig,
    control: &Control,
    problem: &RegistrationProblem,
) -> bool {
    let mut wait = config.policy.base_delay_secs.max(1);
    loop {
        match dir.registration() {
            Ok(Some(_)) => return true,
            Ok(None) => {}
            Err(e) => set(problem, Some(e.to_string())),
        }
        let (Some(url), Some(token)) = (&config.server_url, &config.provisioning_token) else {
            // Nothing to register with: the uploader loop still runs and reports "not
            // registered" in the sync status; a USB export works regardless.
            return true;
        };
        let trust = match &config.ca_file {
            None => Ok(ServerTrust::PublicRoots),
            Some(path) => std::fs::read(path)
                .map_err(|e| format!("{}: {e}", path.display()))
                .and_then(|pem| ServerTrust::private_ca(&pem).map_err(|e| e.to_string())),
        };
        let trust = match trust {
            Ok(t) => t,
            Err(why) => {
                // A missing or unreadable authority file needs a person, like a wrong token.
                set(problem, Some(why));
                return true;
            }
        };
        match register_trusting(dir, url, token, &config.label, &trust) {
            Ok(_) => {
                set(problem, None);
                return true;
            }
            Err(e) => {
                set(problem, Some(e.to_string()));
                if !e.is_retryable() {
                    // A spent or wrong token needs a person; the uploader loop reports
                    // "not registered" meanwhile.
                    return true;
                }
            }
        }
        let secs = u64::try_from(wait).unwrap_or(1);
        if !control.wait(Duration::from_secs(secs)) {
            return false;
        }
        wait = (wait * 2).min(config.policy.max_delay_secs);
    }
}

/// Installs the signed policy table at `path` if it is genuine, valid and newer than the one in
/// use, and says on standard error (the journal) what happened, unless it is simply the table
/// already in use or older. Anyone can plug a stick in: a table is taken only when its
/// signature verifies with the key pinned at registration. True when installed.
pub fn install_table(dir: &DataDir, path: &std::path::Path, source: Source) -> bool {
    let outcome = std::fs::read(path).map_err(|e| e.to_string()).and_then(|bytes| {
        dir.install_policy(&bytes, source, SystemClock.now()).map_err(|e| e.to_string())
    });
    match outcome {
        Ok(Ok(active)) => {
            eprintln!(
                "ansinh-kiosk: installed policy table {} from {}",
                active.table.version,
                path.display()
            );
            true
        }
        Ok(Err(Refused::NotNewer { .. })) => false,
        Ok(Err(Refused::NoPolicyKey)) if !dir.is_provisioned() => {
            // Registration pins the key; the worker installs the table right after it.
            eprintln!("ansinh-kiosk: {} waits for registration", path.display());
            false
        }
        Ok(Err(refused)) => {
            eprintln!("ansinh-kiosk: {} ignored: {refused}", path.display());
            false
        }
        Err(e) => {
            eprintln!("ansinh-kiosk: {} ignored: {e}", path.display());
            false
        }
    }
}

fn refresh_renewals(dir: &DataDir, config: &DeliveryConfig, changed: bool) {
    let now = SystemClock.now();
    let stale = changed
        || match cached_renewals(dir) {
            Ok(Some(list)) => now - list.fetched_at >= config.renewal_max_age_secs,
            Ok(None) | Err(_) => true,
        };
    if stale && matches!(dir.registration(), Ok(Some(_))) {
        // A failure keeps the previous list; the next sync tries again.
        let _ = fetch_renewals(dir, config.renewal_days);
    }
}
