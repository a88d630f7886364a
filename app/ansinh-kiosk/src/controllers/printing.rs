//! Printing a receipt after the commit (or a copy from staff mode) on its own thread, and
//! what staff and the citizen are told about it. The record is durable before any of this.

use ansinh_core::Lang;

use crate::print::{PrintJob, PrintResult, PrinterConfig};
use crate::store::Store;
use crate::text::t;

/// The print in progress and what the last one did.
#[derive(Default)]
pub struct Printing {
    job: Option<PrintJob>,
    /// What the last print did (no personal data: a receipt number and the printer's state).
    status: String,
}

impl Printing {
    /// Prints a committed record's receipt (`copy` for reprints from staff mode).
    pub fn start(
        &mut self,
        printer: Option<&PrinterConfig>,
        store: &dyn Store,
        receipt_no: i64,
        copy: bool,
        lang: Lang,
    ) {
        let Some(printer) = printer else {
            self.status = match lang {
                Lang::Vi => format!(
                    "Biên lai {receipt_no}: máy này chưa nối máy in (khai báo printer trong tệp cấu hình)."
                ),
                Lang::En => format!(
                    "Receipt {receipt_no}: no printer configured on this device (printer in the configuration file)."
                ),
            };
            return;
        };
        match store.receipt_picture(receipt_no, copy, printer.width) {
            Ok(picture) => {
                self.job = Some(PrintJob::start(printer, picture));
                self.status = match lang {
                    Lang::Vi => format!(
                        "Đang in biên lai {receipt_no}{}.",
                        if copy { " (bản sao)" } else { "" }
                    ),
                    Lang::En => format!(
                        "Printing receipt {receipt_no}{}.",
                        if copy { " (copy)" } else { "" }
                    ),
                };
            }
            Err(e) => self.status = format!("{receipt_no}: {}", e.message),
        }
    }

    /// Checks the print in progress; `true` when its end changed what the screen shows.
    pub fn poll(&mut self, lang: Lang) -> bool {
        let Some(result) = self.job.as_ref().and_then(PrintJob::poll) else { return false };
        self.job = None;
        self.status = match (result, lang) {
            (PrintResult::Printed { paper_low: false }, _) => {
                t(lang, "Đã in biên lai.", "Receipt printed.").into()
            }
            (PrintResult::Printed { paper_low: true }, _) => t(
                lang,
                "Đã in biên lai. Giấy in sắp hết: chuẩn bị cuộn mới.",
                "Receipt printed. The paper roll is nearly finished.",
            )
            .into(),
            (PrintResult::Failed { vi, .. }, Lang::Vi) => {
                format!("{vi} Hồ sơ vẫn được lưu an toàn.")
            }
            (PrintResult::Failed { en, .. }, Lang::En) => {
                format!(
                    "Not printed: {en}. The record is safely stored; reprint it from staff mode."
                )
            }
        };
        true
    }
}

impl Printing {
    /// What the last print did (no personal data).
    pub fn status(&self) -> &str {
        &self.status
    }
}
