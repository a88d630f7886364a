//! Receipts and the end-of-shift report from a device's data directory: as PNG, as the ESC/POS
//! byte stream, or straight to a printer.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ansinh_device::DataDir;
use ansinh_device::receipt::{ReceiptError, printed_time};
use ansinh_device::shift::{PAYMENT_CASH, ShiftReport, Tally};
use ansinh_receipt::{Bitmap, ReportLine, VoidLine, Width};
use ansinh_text::{Locale, mode_code_label, money, tr};
use clap::Args;
use serde_json::json;

use crate::device::now;
use crate::input::{InputError, Parse};
use crate::staff::{StaffArgs, act};
use crate::{Failure, Outcome};

#[derive(Args)]
pub(crate) struct ReceiptArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Receipt number.
    #[arg(long)]
    receipt: i64,
    /// Paper width in mm: 58 or 80.
    #[arg(long, default_value = "58")]
    width: String,
    /// Write the receipt as a PNG picture.
    #[arg(long)]
    png: Option<PathBuf>,
    /// Write the ESC/POS byte stream (e.g. to copy to a printer device).
    #[arg(long)]
    escpos: Option<PathBuf>,
    /// Print on this printer: tcp://HOST:9100 or file:///dev/usb/lp0.
    #[arg(long)]
    printer: Option<String>,
    /// The first print right after the enrollment; otherwise the receipt says "copy".
    #[arg(long)]
    original: bool,
    #[command(flatten)]
    staff: StaffArgs,
}

#[derive(Args)]
pub(crate) struct ShiftArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Shift start, YYYY-MM-DD (00:00 Viet Nam time); default: the shift started on the kiosk,
    /// else today.
    #[arg(long)]
    from: Option<String>,
    /// Write the journal and totals as CSV.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Write the printable report as a PNG picture.
    #[arg(long)]
    png: Option<PathBuf>,
    /// Print the report on this printer (tcp://HOST:9100 or file:///dev/usb/lp0).
    #[arg(long)]
    printer: Option<String>,
    /// Paper width in mm: 58 or 80.
    #[arg(long, default_value = "58")]
    width: String,
    /// Only this agent's shift: the receipts that carry their code (default: every agent's).
    #[arg(long)]
    agent: Option<String>,
}

fn input(field: &str, code: &'static str, message: String) -> Failure {
    Failure::Input(InputError { field: field.into(), code, message })
}

fn width(s: &str, lang: Locale) -> Result<Width, Failure> {
    match s {
        "58" => Ok(Width::Mm58),
        "80" => Ok(Width::Mm80),
        _ => Err(input("width", "invalid_width", tr!(lang, "cli-print-width", width = s))),
    }
}

/// Sends a picture where it was asked to go; returns what the JSON reports.
fn deliver(
    picture: &Bitmap,
    png: Option<&PathBuf>,
    escpos: Option<&PathBuf>,
    printer: Option<&str>,
    lang: Locale,
) -> Result<serde_json::Value, Failure> {
    if let Some(p) = png {
        std::fs::write(p, picture.to_png().map_err(|e| Failure::Other(e.into()))?)?;
    }
    if let Some(p) = escpos {
        let bytes =
            ansinh_escpos::encode(picture.as_bytes(), picture.width_bytes(), picture.height())
                .map_err(|e| Failure::Other(e.into()))?;
        std::fs::write(p, bytes)?;
    }
    let mut printed = serde_json::Value::Null;
    if let Some(address) = printer {
        let result = ansinh_escpos::Printer::open(address).and_then(|mut pr| {
            pr.print(picture.as_bytes(), picture.width_bytes(), picture.height())
        });
        printed = match result {
            Ok(status) => json!(format!("{status:?}").to_lowercase()),
            Err(e) => {
                // The printer's own words come from ansinh-escpos, in Vietnamese or English.
                let message = if lang.core() == ansinh_core::Lang::Vi {
                    e.message_vi().to_string()
                } else {
                    e.to_string()
                };
                return Err(Failure::Other(anyhow::anyhow!(message)));
            }
        };
    }
    Ok(printed)
}

pub(crate) fn receipt(a: &ReceiptArgs, lang: Locale) -> Result<Outcome, Failure> {
    let w = width(&a.width, lang)?;
    if a.png.is_none() && a.escpos.is_none() && a.printer.is_none() {
        return Err(Parse(lang).required("png").into());
    }
    let dir = DataDir::open(&a.data_dir).map_err(|e| Failure::Other(e.into()))?;
    let (mut outbox, _) = dir.outbox().map_err(|e| Failure::Other(e.into()))?;
    let row = outbox.get(a.receipt).map_err(|e| match e {
        ansinh_outbox::Error::NotFound(_) => input(
            "receipt",
            "receipt_not_found",
            tr!(lang, "cli-print-no-receipt", receipt = a.receipt),
        ),
        e => Failure::Other(e.into()),
    })?;
    let copy = !a.original;
    if copy {
        // A copy is a staff action: who reprinted which receipt goes to the audit trail.
        act(&mut outbox, &a.staff, lang)?;
        outbox
            .record_action("reprint", Some(row.receipt_no), "", now())
            .map_err(|e| Failure::Other(e.into()))?;
    }
    let s = &row.summary;
    let (picture, qr) = ansinh_device::receipt::draw(&dir, &row, copy, w).map_err(|e| {
        let no = row.receipt_no;
        match e {
            ReceiptError::Voided(_) => {
                input("receipt", "voided", tr!(lang, "cli-print-voided", receipt = no))
            }
            ReceiptError::Purged(_) => {
                input("receipt", "purged", tr!(lang, "cli-print-purged", receipt = no))
            }
            e => Failure::Other(e.into()),
        }
    })?;
    let printed = deliver(&picture, a.png.as_ref(), a.escpos.as_ref(), a.printer.as_deref(), lang)?;
    let msg = tr!(
        lang,
        "cli-print-receipt",
        receipt = row.receipt_no,
        copy = if copy { "yes" } else { "no" },
        amount = money(s.amount, lang),
        printed = if printed.is_null() { "no" } else { "yes" },
        width = picture.width(),
        height = picture.height()
    );
    Ok(Outcome::Done(
        json!({
            "receipt_no": row.receipt_no,
            "copy": copy,
            "width_dots": picture.width(),
            "height_dots": picture.height(),
            "qr": qr,
            "collection_point": s.collection_point,
            "agent_code": s.agent_code,
            "printer_status": printed,
        }),
        msg,
    ))
}

/// The printed shift report is in Vietnamese (the receipts' language), whatever `--lang` says.
fn scheme_label(code: &str) -> &str {
    ansinh_core::scheme::Scheme::from_code(code).map_or(code, |s| s.name(Locale::SOURCE.core()))
}

fn report_lines<'a>(
    totals: &'a BTreeMap<String, Tally>,
    labels: &'a BTreeMap<String, String>,
) -> Vec<ReportLine<'a>> {
    totals
        .iter()
        .map(|(k, t)| ReportLine {
            label: labels.get(k).map_or(k.as_str(), String::as_str),
            count: t.count,
            amount: t.amount,
        })
        .collect()
}

pub(crate) fn shift_report(a: &ShiftArgs, lang: Locale) -> Result<Outcome, Failure> {
    let w = width(&a.width, lang)?;
    let dir = DataDir::open(&a.data_dir).map_err(|e| Failure::Other(e.into()))?;
    let until = now();
    let (outbox, _) = dir.outbox().map_err(|e| Failure::Other(e.into()))?;
    let from = match &a.from {
        Some(d) => Parse(lang).date("from", d)?.vietnam_midnight(),
        None => outbox
            .setting(
                &a.agent
                    .as_ref()
                    .map_or("kiosk.shift_start".into(), |c| format!("kiosk.shift_start.{c}")),
            )
            .map_err(|e| Failure::Other(e.into()))?
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                ansinh_core::Date::in_vietnam(until).map_or(until, |d| d.vietnam_midnight())
            }),
    };
    let only = a.agent.as_deref().unwrap_or("");
    let report = ShiftReport::of_agent(&outbox, only, from, until.saturating_add(1))
        .map_err(|e| Failure::Other(e.into()))?;
    if let Some(p) = &a.csv {
        std::fs::write(p, report.to_csv().map_err(|e| Failure::Other(e.into()))?)?;
    }
    let settings = |k: &str| outbox.setting(k).ok().flatten().unwrap_or_default();
    let point = settings("kiosk.collection_point");
    // A shift belongs to its agent; the whole device's report names the configured one.
    let agent = a.agent.clone().unwrap_or_else(|| settings("kiosk.agent_code"));
    let labels: BTreeMap<String, String> = report
        .by_scheme
        .keys()
        .map(|k| (k.clone(), scheme_label(k).to_string()))
        .chain(report.by_mode.keys().map(|k| (k.clone(), mode_code_label(k, Locale::SOURCE))))
        .collect();
    let lines = |m| report_lines(m, &labels);
    let by_scheme = lines(&report.by_scheme);
    let by_mode = lines(&report.by_mode);
    let by_payment: Vec<ReportLine<'_>> = report
        .by_payment
        .iter()
        .map(|(k, t)| ReportLine {
            // Printed with the report's other words (ansinh-receipt), in Vietnamese.
            label: if k == PAYMENT_CASH { "Tiền mặt" } else { k.as_str() },
            count: t.count,
            amount: t.amount,
        })
        .collect();
    let voids: Vec<VoidLine<'_>> = report
        .voids
        .iter()
        .map(|v| VoidLine {
            receipt_no: v.receipt_no.unsigned_abs(),
            amount: v.amount,
            reason: &v.reason,
        })
        .collect();
    let (from_text, until_text) = (printed_time(from), printed_time(until));
    let printable = ansinh_receipt::ShiftReport {
        collection_point: &point,
        agent_code: &agent,
        from: &from_text,
        until: &until_text,
        by_scheme: &by_scheme,
        by_mode: &by_mode,
        by_payment: &by_payment,
        collected: ReportLine {
            label: "",
            count: report.collected.count,
            amount: report.collected.amount,
        },
        voids: &voids,
        cash_to_hand_in: report.cash_to_hand_in,
        cash_paid_out: report.cash_paid_out,
        unsent: report.unsent,
        reconciled: report.mismatches.is_empty(),
    };
    let mut printed = serde_json::Value::Null;
    if a.png.is_some() || a.printer.is_some() {
        let picture = ansinh_receipt::render_shift_report(&printable, w);
        printed = deliver(&picture, a.png.as_ref(), None, a.printer.as_deref(), lang)?;
    }
    let agreement = if report.mismatches.is_empty() {
        tr!(lang, "cli-shift-matches").to_string()
    } else {
        tr!(lang, "cli-shift-mismatch", mismatches = report.mismatches.join("; "))
    };
    let msg = tr!(
        lang,
        "cli-shift-summary",
        from = from_text.clone(),
        until = until_text.clone(),
        receipts = report.collected.count,
        collected = money(report.collected.amount, lang),
        voids = report.voids.len(),
        voided = money(report.voided(), lang),
        cash = money(report.cash_to_hand_in, lang),
        unsent = report.unsent,
        agreement = agreement
    );
    let tally = |m: &BTreeMap<String, Tally>| {
        m.iter()
            .map(|(k, t)| (k.clone(), json!({"count": t.count, "amount": t.amount})))
            .collect::<serde_json::Map<_, _>>()
    };
    Ok(Outcome::Done(
        json!({
            "from": from,
            "until": until,
            "receipts": report.collected.count,
            "collected": report.collected.amount,
            "by_scheme": tally(&report.by_scheme),
            "by_mode": tally(&report.by_mode),
            "by_payment": tally(&report.by_payment),
            "voids": report.voids.iter().map(|v| json!({"receipt_no": v.receipt_no, "amount": v.amount, "reason": v.reason})).collect::<Vec<_>>(),
            "cash_to_hand_in": report.cash_to_hand_in,
            "cash_paid_out": report.cash_paid_out,
            "unsent": report.unsent,
            "reconciled": report.mismatches.is_empty(),
            "mismatches": report.mismatches,
            "printer_status": printed,
        }),
        msg,
    ))
}
