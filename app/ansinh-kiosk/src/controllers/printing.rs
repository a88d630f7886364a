//! Printing a receipt after the commit (or a copy from staff mode) on its own thread, and
//! what staff and the citizen are told about it. The record is durable before any of this.
//!
//! Two audiences: the citizen reads what to do next in plain words ([`Printing::status`]:
//! ask the staff for the paper receipt, keep the receipt number); staff read the printer's
//! own reason and what to do about it ([`Printing::staff_status`], also in the journal).

use crate::print::{PrintJob, PrintResult, PrinterConfig};
use crate::store::Store;
use crate::text::{Locale, tr};

/// The print in progress and what the last one did.
#[derive(Default)]
pub struct Printing {
    job: Option<PrintJob>,
    /// What the last print did, for the citizen (no personal data: a receipt number).
    status: String,
    /// The same for staff, with the technical cause when it failed.
    staff: String,
    /// The printer's state the last finished print showed, until taken.
    state: Option<ansinh_wire::health::PrinterState>,
    /// The receipt number being printed.
    receipt: i64,
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
        self.receipt = receipt_no;
        let Some(printer) = printer else {
            self.status = tr!(lang, "printing-citizen-no-printer", receipt = receipt_no);
            self.failed(tr!(lang, "printing-no-printer", receipt = receipt_no));
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
                self.staff.clone_from(&self.status);
            }
            Err(e) => {
                self.status = tr!(lang, "printing-citizen-not-printed", receipt = receipt_no);
                self.failed(format!("{receipt_no}: {}", e.message));
            }
        }
    }

    /// Staff read why (and the journal keeps it: a receipt number and the printer's words,
    /// never personal data).
    fn failed(&mut self, why: String) {
        eprintln!("ansinh-kiosk: receipt not printed: {why}");
        self.staff = why;
    }

    /// Checks the print in progress; `true` when its end changed what the screen shows.
    pub fn poll(&mut self, lang: Locale) -> bool {
        let Some(result) = self.job.as_ref().and_then(PrintJob::poll) else { return false };
        self.job = None;
        self.state = result.printer_state().or(self.state);
        let receipt = self.receipt;
        let staff = match result {
            PrintResult::Printed { paper_low } => {
                self.status = tr!(lang, "printing-printed").into();
                self.staff = if paper_low {
                    tr!(lang, "printing-printed-paper-low").into()
                } else {
                    self.status.clone()
                };
                return true;
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
        self.status = tr!(lang, "printing-citizen-not-printed", receipt = receipt);
        self.failed(format!("{receipt}: {staff}"));
        true
    }
}

impl Printing {
    /// The printer's state the last finished print showed, once (the app keeps it for the
    /// health report).
    pub fn take_printer_state(&mut self) -> Option<ansinh_wire::health::PrinterState> {
        self.state.take()
    }

    /// What the last print did, in plain words for the citizen: no printer's or file's
    /// name, and what to do when there is no paper receipt.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// What the last print did, for staff: the printer's reason when it failed.
    pub fn staff_status(&self) -> &str {
        &self.staff
    }
}
