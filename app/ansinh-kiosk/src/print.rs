//! Printing receipts on the counter's thermal printer, off the UI thread: a print job runs on
//! its own thread (a printer that is off takes seconds to time out) and the app polls it on
//! its one-second tick. A print starts only after the commit has returned, and its failure
//! never touches the record.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use ansinh_receipt::{Bitmap, Width};
use ansinh_wire::health::PrinterState;

/// Where receipts go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterConfig {
    /// `tcp://HOST:9100` or `file:///dev/usb/lp0`.
    pub address: String,
    /// Paper width.
    pub width: Width,
}

/// How a print ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrintResult {
    /// Printed (the paper may be running low).
    Printed {
        /// The printer said its roll is nearly finished.
        paper_low: bool,
    },
    /// Not printed: the printer's own message (from ansinh-escpos), in Vietnamese and English.
    Failed {
        /// Vietnamese: what is wrong and what to do.
        vi: String,
        /// English.
        en: String,
        /// Out of paper, or offline (no answer, cover open, in error), for the health report.
        state: PrinterState,
    },
    /// Not printed: no print thread could be started (the system's reason).
    NotStarted(String),
    /// Not printed: the print thread ended without a result.
    Interrupted,
}

/// A print in progress.
pub struct PrintJob {
    done: Receiver<PrintResult>,
}

impl PrintResult {
    /// The printer's state this result shows (`None`: the print never reached the printer).
    pub fn printer_state(&self) -> Option<PrinterState> {
        match self {
            PrintResult::Printed { paper_low: false } => Some(PrinterState::Ready),
            PrintResult::Printed { paper_low: true } => Some(PrinterState::PaperLow),
            PrintResult::Failed { state, .. } => Some(*state),
            PrintResult::NotStarted(_) | PrintResult::Interrupted => None,
        }
    }
}

impl PrintJob {
    /// Sends `picture` to the printer on a new thread.
    pub fn start(config: &PrinterConfig, picture: Bitmap) -> Self {
        let (tx, rx) = channel();
        let address = config.address.clone();
        let spawned = std::thread::Builder::new().name("ansinh-print".into()).spawn(move || {
            let result = ansinh_escpos::Printer::open(&address).and_then(|mut p| {
                p.print(picture.as_bytes(), picture.width_bytes(), picture.height())
            });
            let _ = tx.send(match result {
                Ok(status) => {
                    PrintResult::Printed { paper_low: status == ansinh_escpos::Status::PaperLow }
                }
                Err(e) => PrintResult::Failed {
                    vi: e.message_vi().into(),
                    en: e.to_string(),
                    state: match e {
                        ansinh_escpos::Error::PaperOut => PrinterState::OutOfPaper,
                        _ => PrinterState::Offline,
                    },
                },
            });
        });
        if let Err(e) = spawned {
            let (tx, rx2) = channel();
            let _ = tx.send(PrintResult::NotStarted(e.to_string()));
            return Self { done: rx2 };
        }
        Self { done: rx }
    }

    /// The result once the print has ended.
    pub fn poll(&self) -> Option<PrintResult> {
        match self.done.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(PrintResult::Interrupted),
        }
    }
}
