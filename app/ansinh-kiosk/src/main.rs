//! `ansinh-kiosk`: the collection-point kiosk.
//!
//! ```text
//! ansinh-kiosk [--data-dir DIR] [--config FILE] [--policy FILE] [--usb-config FILE] [--usb-policy FILE] [--usb-update-dir DIR] [--portrait] [--demo]
//! ```
//!
//! `--config` is the device's own configuration (the image's ANSINH-CFG partition, inside the
//! box); `--usb-config` a stick's, accepted only with its `FILE.sig` from the server
//! (`ansinh_device::config`), on top of the device's own. `--usb-policy` a signed policy
//! table on a stick (`ansinh-hub policy sign`), installed before the first screen when it is
//! genuine and newer (`ansinh_device::policy`); refused ones are said and ignored. `--policy` the
//! same for a table on the device's own configuration partition. A table that cannot be checked
//! yet (the device is not registered, so it holds no policy key) is installed right after
//! registration. `--usb-update-dir` is where a USB stick is mounted: a `*.raucb` update bundle
//! on it is asked for at an idle reset like a downloaded one (`controllers::update`).
//!
//! ```text
//! ansinh-kiosk --screenshot DIR [--today YYYY-MM-DD]
//! ```
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ansinh_device::clock::SystemClock;
use ansinh_kiosk::app::{App, Options};
use ansinh_kiosk::config::Config;
use ansinh_kiosk::delivery::{Delivery, DeliveryConfig};
use ansinh_kiosk::store::DeviceStore;
use anyhow::Context;
use slint::ComponentHandle;

struct Args {
    data_dir: Option<PathBuf>,
    config: Option<PathBuf>,
    usb_config: Option<PathBuf>,
    usb_policy: Option<PathBuf>,
    usb_update_dir: Option<PathBuf>,
    policy: Option<PathBuf>,
    portrait: bool,
    demo: bool,
    screenshot: Option<PathBuf>,
    today: Option<String>,
    exit_after_first_frame: bool,
}

const USAGE: &str = "usage: ansinh-kiosk [--data-dir DIR] [--config FILE] [--policy FILE] [--usb-config FILE] [--usb-policy FILE] [--usb-update-dir DIR] [--portrait] [--demo]\n       ansinh-kiosk --screenshot DIR [--today YYYY-MM-DD]";

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        data_dir: None,
        config: None,
        usb_config: None,
        usb_policy: None,
        usb_update_dir: None,
        policy: None,
        portrait: false,
        demo: false,
        screenshot: None,
        today: None,
        exit_after_first_frame: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--data-dir" => a.data_dir = Some(value()?.into()),
            "--config" => a.config = Some(value()?.into()),
            "--usb-config" => a.usb_config = Some(value()?.into()),
            "--usb-policy" => a.usb_policy = Some(value()?.into()),
            "--usb-update-dir" => a.usb_update_dir = Some(value()?.into()),
            "--policy" => a.policy = Some(value()?.into()),
            "--screenshot" => a.screenshot = Some(value()?.into()),
            "--today" => a.today = Some(value()?),
            "--portrait" => a.portrait = true,
            "--demo" => a.demo = true,
            // For the start-to-first-frame benchmark.
            "--exit-after-first-frame" => a.exit_after_first_frame = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => anyhow::bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    Ok(a)
}

/// The local data directory when none is given: $ANSINH_DATA_DIR, else $XDG_DATA_HOME/ansinh,
/// else ~/.local/share/ansinh.
fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("ANSINH_DATA_DIR") {
        return d.into();
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("ansinh");
    }
    std::env::var_os("HOME").map_or_else(
        || PathBuf::from("ansinh-data"),
        |h| PathBuf::from(h).join(".local/share/ansinh"),
    )
}

fn has_display() -> bool {
    cfg!(feature = "kms")
        || std::env::var_os("SLINT_BACKEND").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
        || std::env::var_os("DISPLAY").is_some()
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let args = args()?;
    if let Some(dir) = &args.screenshot {
        let today = args.today.as_deref().unwrap_or(ansinh_kiosk::screens::TOUR_DATE);
        let today = today.parse().map_err(|_| anyhow::anyhow!("--today: not a date YYYY-MM-DD"))?;
        let window = ansinh_kiosk::platform::install_headless()?;
        let names = ansinh_kiosk::screens::write_tour(&window, dir, today)?;
        println!("{} screenshots in {}", names.len(), dir.display());
        return Ok(());
    }
    if !has_display() {
        eprintln!(
            "ansinh-kiosk: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).\n\
             - On the device (Linux KMS or framebuffer): build with\n\
             \x20   cargo build --release -p ansinh-kiosk --no-default-features --features kms\n\
             \x20 and run it from a text console (SLINT_BACKEND=linuxkms-software; add SLINT_BACKEND_LINUXFB=1 for /dev/fb0).\n\
             - Without any screen: xvfb-run -a -s \"-screen 0 1280x800x24\" ansinh-kiosk\n\
             - Pictures of every screen: ansinh-kiosk --screenshot DIR"
        );
        std::process::exit(2);
    }
    let clock = Rc::new(SystemClock);
    let data_dir = args.data_dir.clone().unwrap_or_else(default_data_dir);
    let dir = ansinh_device::DataDir::open(&data_dir)
        .with_context(|| format!("data directory {}", data_dir.display()))?;
    // How the last run ended, for the health report; the kiosk starts whatever the answer.
    let marker = ansinh_device::health::RunMarker::of(&dir);
    match marker.start() {
        Ok(last) => eprintln!(
            "ansinh-kiosk: the last run ended {}",
            match last {
                ansinh_wire::health::RestartReason::Clean => "cleanly",
                ansinh_wire::health::RestartReason::Unclean => {
                    "uncleanly (a crash, the watchdog or a power cut)"
                }
                ansinh_wire::health::RestartReason::Unknown => "unknown (the first start)",
            }
        ),
        Err(e) => eprintln!("ansinh-kiosk: run marker: {e}"),
    }
    let own = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Config::parse(&text).with_context(|| format!("{}", path.display()))?
        }
        None => Config::default(),
    };
    let config = match &args.usb_config {
        Some(path) => {
            let text =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let mut sig_path = path.clone().into_os_string();
            sig_path.push(".sig");
            let signature = match std::fs::read(&sig_path) {
                Ok(s) => Some(s),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e).with_context(|| format!("reading {sig_path:?}")),
            };
            match Config::from_usb(&text, signature.as_deref(), dir.registration()?.as_ref()) {
                Ok(usb) => own.overlaid(usb),
                // Anyone can plug a stick in: a refused one is ignored (and said in the
                // journal), never a reason for the kiosk not to start.
                Err(e) => {
                    eprintln!("ansinh-kiosk: {} ignored: {e}", path.display());
                    own
                }
            }
        }
        None => own,
    };
    let demo = args.demo || config.demo == Some(true);
    if demo && (config.server_url.is_some() || dir.is_provisioned()) {
        // A demonstration never talks to a server, and a registered device's records are real.
        anyhow::bail!(
            "demonstration mode (--demo, demo = true) is for a device without a collection server: {}",
            if dir.is_provisioned() {
                format!("{} holds a server key; use another data directory", data_dir.display())
            } else {
                "remove server_url from the configuration, or drop the demonstration".to_string()
            }
        );
    }
    // Before the first screen, so the first customer is priced with it.
    let policy_files: Vec<_> = [
        (&args.policy, ansinh_device::policy::Source::Configuration),
        (&args.usb_policy, ansinh_device::policy::Source::Usb),
    ]
    .into_iter()
    .filter_map(|(path, source)| Some((path.clone()?, source)))
    .collect();
    for (path, source) in &policy_files {
        ansinh_kiosk::delivery::install_table(&dir, path, *source);
    }
    eprintln!("ansinh-kiosk: pricing with policy table {}", dir.active_policy().table.version);
    let policy = ansinh_kiosk::config::uploader_policy(&config);
    let delivery = Delivery::new(
        data_dir.clone(),
        DeliveryConfig {
            server_url: config.server_url.clone(),
            provisioning_token: config.provisioning_token.clone(),
            ca_file: config.ca_file.clone().map(PathBuf::from),
            label: ansinh_kiosk::config::settings(&config).collection_point,
            policy: policy.clone(),
            policy_files,
            ..DeliveryConfig::default()
        },
    );
    let store = DeviceStore::open(dir, ansinh_kiosk::config::settings(&config))?
        .with_delivery(&delivery, policy);
    let delivery = Rc::new(std::cell::RefCell::new(delivery));
    let mut options = Options::default();
    (options.idle_reset_secs, options.idle_warn_secs) = config.idle();
    options.printer = ansinh_kiosk::config::printer(&config);
    options.demo = demo;
    let (warn_percent, critical_percent) = config.battery();
    options.battery = ansinh_kiosk::controllers::battery::BatteryOptions {
        power_supply: Some(ansinh_device::health::POWER_SUPPLY_ROOT.into()),
        warn_percent,
        critical_percent,
    };
    options.updates = Some(ansinh_kiosk::controllers::update::UpdateOptions {
        data_dir: data_dir.clone(),
        usb_dir: args.usb_update_dir.clone(),
        release_file: ansinh_device::update::RELEASE_FILE.into(),
    });
    let mut app = App::new(Box::new(store), clock, options);
    app.read_aloud = ansinh_kiosk::config::read_aloud(&config);
    // The ID card readers, each on its own thread; their scans reach the app at the tick.
    let readers = ansinh_kiosk::config::scanners(&config);
    if readers != ansinh_idcard::readers::Config::default() {
        let (events, scans) = std::sync::mpsc::channel();
        ansinh_idcard::readers::start(&readers, &events);
        app.attach_scanner(scans);
    }
    let kiosk = ansinh_kiosk::ui::connect(app)?;
    if args.portrait {
        kiosk.window.window().set_size(slint::LogicalSize::new(480.0, 800.0));
    }
    let timer = slint::Timer::default();
    let weak = Rc::downgrade(&kiosk);
    timer.start(slint::TimerMode::Repeated, Duration::from_secs(1), move || {
        if let Some(k) = weak.upgrade() {
            k.tick();
        }
        ansinh_kiosk::platform::sd_notify("WATCHDOG=1");
    });
    // "ready" once the first frame is on the screen (the boot test and the benchmark wait for
    // this line); backends without a rendering notifier say it when the event loop starts.
    let exit_after_first_frame = args.exit_after_first_frame;
    let announced = Rc::new(std::cell::Cell::new(false));
    let announce = {
        let announced = Rc::clone(&announced);
        move |what: &str| {
            if !announced.replace(true) {
                let ms = started.elapsed().as_millis();
                println!("ansinh-kiosk: ready ({ms} ms after start, {what})");
                ansinh_kiosk::platform::sd_notify("READY=1");
                if exit_after_first_frame {
                    let _ = slint::quit_event_loop();
                }
            }
        }
    };
    // systemd stops the kiosk with SIGTERM (a shutdown, the restart into an update): the event
    // loop ends after the callback in progress, so an enrollment being committed is committed,
    // and the end below runs, which marks the run clean for the health report. SIGINT the same
    // (a technician's Ctrl+C on a console).
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
    ])
    .context("catching SIGTERM")?;
    let signal_handle = signals.handle();
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            eprintln!("ansinh-kiosk: signal {signal}: ending");
            let _ = slint::invoke_from_event_loop(|| {
                let _ = slint::quit_event_loop();
            });
        }
    });
    let on_frame = announce.clone();
    let notifier = kiosk.window.window().set_rendering_notifier(move |state, _| {
        if matches!(state, slint::RenderingState::AfterRendering) {
            on_frame("first frame drawn");
        }
    });
    if notifier.is_err() {
        slint::Timer::single_shot(Duration::ZERO, move || announce("event loop running"));
    }
    // Uploads start once the first screen is up (half a second after the event loop starts):
    // nothing they do is needed to show it, and the worker's first step, taking the outbox's
    // sender role, would otherwise compete with the start for the CPU and the database.
    let worker = Rc::clone(&delivery);
    slint::Timer::single_shot(Duration::from_millis(500), move || worker.borrow_mut().spawn());
    kiosk.window.run()?;
    signal_handle.close();
    // Stops the worker after the exchange in progress; committed records are already durable.
    drop(kiosk);
    drop(delivery);
    // Last: the next start knows this run ended cleanly.
    marker.clean_exit().context("run marker")?;
    Ok(())
}
