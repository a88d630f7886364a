//! Printing a receipt after the commit (or a copy from staff mode) on its own thread, and
//! what staff and the citizen are told about it. The record is durable before any of this.

use crate::print::{PrintJob, PrintResult, PrinterConfig};
use crate::store::Store;
use crate::text::{Locale, tr};

/// The print in progress and what the last one did.
#[derive(Default)]
pub struct Printing {
    job: Option<PrintJob>,
    /// What the last print did (no personal data: a receipt number and the printer's state).
    status: String,
    /// The printer's state the last finished print showed, until taken.
    state: Option<ansinh_wire::health::PrinterState>,
}

impl Printing {
    /// Prints a committed record's receipt (`copy` for reprints from staff mode).
    pub fn start(
        &mut self,
        printer: Option<&PrinterConfig>,
        store: &dyn Store,
        receipt_no: i64,
        copy: bool,
        lang: Locale,
    ) {
        let Some(printer) = printer else {
            self.status = tr!(lang, "printing-no-printer", receipt = receipt_no);
            return;
        };
        match store.receipt_picture(receipt_no, copy, printer.width) {
            Ok(picture) => {
                self.job = Some(PrintJob::start(printer, picture));
                self.status = if copy {
                    tr!(lang, "printing-copy", receipt = receipt_no)
                } else {
                    tr!(lang, "printing-original", receipt = receipt_no)
                };
            }
            Err(e) => self.status = format!("{receipt_no}: {}", e.message),
        }
    }

    /// Checks the print in progress; `true` when its end changed what the screen shows.
    pub fn poll(&mut self, lang: Locale) -> bool {
        let Some(result) = self.job.as_ref().and_then(PrintJob::poll) else { return false };
        self.job = None;
        self.state = result.printer_state().or(self.state);
        self.status = match result {
            PrintResult::Printed { paper_low: false } => tr!(lang, "printing-printed").into(),
            PrintResult::Printed { paper_low: true } => {
                tr!(lang, "printing-printed-paper-low").into()
            }
            // The printer's own words come from ansinh-escpos, in Vietnamese or English.
            PrintResult::Failed { vi, en, .. } => {
                let reason = if lang.core() == ansinh_core::Lang::Vi { vi } else { en };
                tr!(lang, "printing-failed", reason = reason)
            }
            PrintResult::NotStarted(reason) => {
                tr!(lang, "printing-not-started", reason = reason)
            }
            PrintResult::Interrupted => tr!(lang, "printing-interrupted").into(),
        };
        true
    }
}

impl Printing {
    /// The printer's state the last finished print showed, once (the app keeps it for the
    /// health report).
    pub fn take_printer_state(&mut self) -> Option<ansinh_wire::health::PrinterState> {
        self.state.take()
    }

    /// What the last print did (no personal data).
    pub fn status(&self) -> &str {
        &self.status
    }
}
