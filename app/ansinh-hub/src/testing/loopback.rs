//! A collection server on 127.0.0.1 for the tests of the hub and of its clients (the
//! end-to-end suite, the attacks on it, the `ansinh` command's delivery tests, the kiosk's
//! delivery): the one copy of the start-up those tests share.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use crate::{AppState, Error, Hub, Result, ServeOptions, Timestamp, system_now};

/// What [`LoopbackHub`] keeps as "now" while it follows the system clock.
const SYSTEM_CLOCK: Timestamp = Timestamp::MIN;

/// How much longer than its shutdown grace [`LoopbackHub::stop`] waits for the server.
const STOP_MARGIN: Duration = Duration::from_secs(30);

/// A hub serving HTTP on 127.0.0.1 from its own data directory, in a tokio runtime the test
/// owns. Dropping it starts a graceful shutdown; [`LoopbackHub::stop`] waits for it.
pub struct LoopbackHub {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// What its router serves: the hub and its clock (for requests through [`crate::app`]
    /// without a socket).
    pub state: AppState,
    now: Arc<AtomicI64>,
    grace: Duration,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for LoopbackHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopbackHub").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl LoopbackHub {
    /// Starts a hub on the data directory `dir` (created with its keys on first start; records
    /// in SQLite or PostgreSQL as [`super::test_database`] says),
    /// listening on 127.0.0.1:`port` (0: a free port), with the default [`ServeOptions`]. It
    /// reads the time `now`, which only [`LoopbackHub::set_now`] moves, or with `None` the
    /// system clock (as a real server; a device signs its requests with the time and the hub
    /// refuses a skewed one).
    pub fn start(
        rt: &tokio::runtime::Runtime,
        dir: &Path,
        port: u16,
        now: Option<Timestamp>,
    ) -> Result<Self> {
        Self::start_with(rt, dir, port, now, ServeOptions::default())
    }

    /// [`LoopbackHub::start`] with chosen limits (timeouts, connections, shutdown grace).
    pub fn start_with(
        rt: &tokio::runtime::Runtime,
        dir: &Path,
        port: u16,
        now: Option<Timestamp>,
        options: ServeOptions,
    ) -> Result<Self> {
        let (hub, _) = crate::open_with(dir, super::test_database(dir)?.as_deref())?;
        let now = Arc::new(AtomicI64::new(now.unwrap_or(SYSTEM_CLOCK)));
        let clock = Arc::clone(&now);
        let state = AppState {
            hub: Arc::new(hub),
            clock: Arc::new(move || match clock.load(Ordering::SeqCst) {
                SYSTEM_CLOCK => system_now(),
                t => t,
            }),
            receipts: Arc::default(),
        };
        let address = PathBuf::from(format!("127.0.0.1:{port}"));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))
            .map_err(crate::error::io(&address))?;
        let addr = listener.local_addr().map_err(crate::error::io(&address))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = state.clone();
        let grace = options.shutdown_grace;
        let task = rt.spawn(async move {
            crate::serve(listener, served, &options, async move {
                // A send or a drop of the sender: either way, shut down.
                let _ = stopped.await;
            })
            .await
        });
        Ok(Self { addr, state, now, grace, stop: Some(stop), task: Some(task) })
    }

    /// Sets the hub's clock to `t` (from then on it no longer follows the system clock).
    pub fn set_now(&self, t: Timestamp) {
        self.now.store(t, Ordering::SeqCst);
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The hub.
    pub fn hub(&self) -> &Hub {
        &self.state.hub
    }

    /// A one-time registration token labelled `label`, valid for an hour from the hub's now,
    /// for a device assigned to nothing (any commune and agent, no renewal list).
    pub fn token(&self, label: &str) -> Result<String> {
        self.hub().create_token(label, 3600, (self.state.clock)())
    }

    /// [`LoopbackHub::token`] for a device assigned to `assignment`.
    pub fn assigned_token(
        &self,
        label: &str,
        assignment: &ansinh_wire::Assignment,
    ) -> Result<String> {
        self.hub().create_assigned_token(label, assignment, 3600, (self.state.clock)())
    }

    /// Tells the server to stop and returns at once: it stops accepting, and returns once the
    /// requests in flight are done or its shutdown grace is over.
    pub fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Whether the server has returned, waiting at most `within`; an error if it failed.
    pub fn stopped_within(
        &mut self,
        rt: &tokio::runtime::Runtime,
        within: Duration,
    ) -> Result<bool> {
        let Some(mut task) = self.task.take() else { return Ok(true) };
        // The timer needs the runtime: made inside it.
        let waited = rt.block_on(async { tokio::time::timeout(within, &mut task).await });
        let Ok(joined) = waited else {
            // Still serving: asked again, it waits again.
            self.task = Some(task);
            return Ok(false);
        };
        let served = joined.map_err(std::io::Error::other).and_then(|result| result);
        served
            .map_err(|source| Error::Io { path: PathBuf::from(self.addr.to_string()), source })?;
        Ok(true)
    }

    /// Stops gracefully: requests in flight finish (within the shutdown grace).
    pub fn stop(mut self, rt: &tokio::runtime::Runtime) -> Result<()> {
        self.signal_stop();
        if self.stopped_within(rt, self.grace + STOP_MARGIN)? {
            return Ok(());
        }
        let source = std::io::Error::new(std::io::ErrorKind::TimedOut, "the hub did not stop");
        Err(Error::Io { path: PathBuf::from(self.addr.to_string()), source })
    }
}
