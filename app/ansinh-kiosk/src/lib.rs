//! # ansinh-kiosk: the collection-point kiosk
//!
//! The touchscreen app for citizens, staff and agents. Layout lives in `ansinh-ui` (.slint);
//! here:
//! - [`controllers`]: each screen's behaviour over `ansinh-core` and `ansinh-enrollment`,
//!   with `today` as a parameter, tested without a window — the pages, the wizard, the
//!   on-screen keyboard ([`ime`] for Telex and VNI, with a caret), the auto-repeat of held
//!   buttons, the pickers, staff mode ([`pin`]), printing and the speaker buttons
//!   (`controllers::read_aloud`; what each screen says is built in `app/speech.rs` from the
//!   same views, and read by `ansinh-speech`);
//! - [`app`]: the composition root (the clock of `ansinh_device::clock`, table, store, current screen, language, large text, the idle
//!   reset of [`session`]) and the routing between controllers, including the ID card scans
//!   the readers of `ansinh-idcard` send from their threads (taken at the tick, like prints);
//! - [`store`]: the seams to the device ([`store::EnrollmentStore`], [`store::StaffData`]),
//!   with an in-memory twin and the device's outbox;
//! - [`ui`]: the adapters, one file per `XxxAdapter` global (`connect` forwards callbacks,
//!   `render` draws one page), composed by [`ui::render`] and [`ui::connect`];
//! - [`delivery`]: the worker thread that registers the device and runs the uploader;
//! - [`print`](mod@print): receipts to the thermal printer on their own thread;
//! - [`platform`]: the headless software-rendered window for screenshots and tests;
//! - [`screens`]: the tour of every screen written as PNGs (`ansinh-kiosk --screenshot DIR`).
//!
//! The binary (`main.rs`) reads the clock, the configuration and the data directory, and
//! picks the backend (winit window, Linux KMS, or none).
pub mod app;
pub mod config;
pub mod controllers;
pub mod delivery;
pub mod ime;
pub use ansinh_device::pin;
pub mod platform;
pub mod print;
pub mod screens;
pub mod session;
pub mod store;
pub mod text;
pub mod ui;
