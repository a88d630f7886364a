//! A committed record's receipt, drawn from what the outbox keeps in clear (the device cannot
//! open its own sealed records): for the first print right after the commit, and for reprints,
//! which say they are copies.

use ansinh_core::Month;
use ansinh_outbox::{Outbox, Row, State};
use ansinh_receipt::{Bitmap, Receipt, Scheme, Width};
use ansinh_wire::receipt_qr::{Fields, UrlBase, payload, url};

use crate::{DataDir, Error};

/// Why a receipt cannot be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// Reading the outbox or the keys failed.
    #[error(transparent)]
    Device(#[from] Error),
    /// The outbox refused (no such receipt).
    #[error(transparent)]
    Outbox(#[from] ansinh_outbox::Error),
    /// The record was voided: its receipt is not printed again.
    #[error("receipt {0} was voided")]
    Voided(i64),
    /// The record's personal data was removed after the retention period.
    #[error("receipt {0} was purged")]
    Purged(i64),
    /// The QR payload cannot be made (no usable receipt key).
    #[error("receipt: {0}")]
    Code(#[from] ansinh_wire::Error),
    /// Drawing failed.
    #[error("receipt: {0}")]
    Draw(#[from] ansinh_receipt::Error),
}

impl ReceiptError {
    /// Only a busy outbox may succeed later.
    pub fn is_retryable(&self) -> bool {
        match self {
            ReceiptError::Device(e) => e.is_retryable(),
            ReceiptError::Outbox(e) => e.is_retryable(),
            _ => false,
        }
    }
}

/// `22/11/2026 10:05`, Viet Nam time.
pub fn printed_time(at: i64) -> String {
    ansinh_core::policy::VietnamTime::at(at)
        .map_or_else(|_| "?".to_string(), |t| t.form().to_string())
}

/// The last month paid for, `MM/YYYY`, from the first one and the months.
pub fn period_to(from: &str, months: u32) -> String {
    from.split_once('/')
        .and_then(|(m, y)| Month::new(y.parse().ok()?, m.parse().ok()?).ok())
        .and_then(|m| m.plus(months.saturating_sub(1)))
        .map_or_else(|| from.to_string(), |m| format!("{:02}/{}", m.number(), m.year()))
}

/// The receipt of `row` as a picture, with its QR payload.
pub fn draw(
    dir: &DataDir,
    row: &Row,
    copy: bool,
    width: Width,
) -> Result<(Bitmap, String), ReceiptError> {
    if row.state == State::Voided {
        return Err(ReceiptError::Voided(row.receipt_no));
    }
    if row.purged {
        return Err(ReceiptError::Purged(row.receipt_no));
    }
    let s = &row.summary;
    let key = dir.receipt_key()?;
    let registration = dir.registration()?;
    let fields = Fields {
        record_id: row.record_id,
        receipt_no: row.receipt_no.unsigned_abs(),
        amount: s.amount,
        device_id: registration.as_ref().map_or(0, |r| r.device_id),
    };
    // A registered device prints a link to its server's public receipt page, which a phone
    // camera opens; without a server (or one whose URL a QR code cannot hold in alphanumeric
    // mode) the offline form, which staff check with `ansinh-hub verify-receipt`.
    let qr = match registration.and_then(|r| UrlBase::from_server_url(&r.server_url)) {
        Some(base) => url(&base, &fields, &key)?,
        None => payload(&fields, &key)?,
    };
    let scheme = Scheme::from_code(&s.scheme).unwrap_or(Scheme::Voluntary);
    let date_time = printed_time(row.created_at);
    let to = period_to(&s.period_from, s.months);
    let receipt = Receipt {
        collection_point: &s.collection_point,
        agent_code: &s.agent_code,
        date_time: &date_time,
        receipt_no: fields.receipt_no,
        masked_name: &s.masked_name,
        masked_id: &s.masked_id,
        scheme,
        period_from: &s.period_from,
        period_to: &to,
        months: s.months,
        gross: s.gross,
        support_national: s.support_national,
        support_local: s.support_local,
        amount: s.amount,
        policy_version: &s.policy_version,
        estimate: s.estimate,
        acknowledged: row.state == State::Acknowledged,
        copy,
        qr: &qr,
    };
    Ok((ansinh_receipt::render_receipt(&receipt, width)?, qr.to_string()))
}

/// The receipt of `receipt_no` in `outbox`.
pub fn draw_receipt(
    dir: &DataDir,
    outbox: &Outbox,
    receipt_no: i64,
    copy: bool,
    width: Width,
) -> Result<(Bitmap, String), ReceiptError> {
    let row = outbox.get(receipt_no)?;
    draw(dir, &row, copy, width)
}
