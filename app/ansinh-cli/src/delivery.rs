//! `ansinh register`, `sync`, `export`, `import-ack` and `renewals`: thin wrappers over
//! `ansinh-uploader`, with output for people and `--json` for programs.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ansinh_core::Lang;
use ansinh_device::{DataDir, KeySource};
use ansinh_uploader::plan::RetryPolicy;
use clap::Args;
use serde_json::json;

use crate::device::now;
use crate::input::{InputError, Parse, shell_word};
use crate::{Failure, Outcome};

#[derive(Args)]
pub(crate) struct RegisterArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// The collection server, e.g. http://127.0.0.1:8040.
    #[arg(long)]
    server: String,
    /// The one-time token created on the server.
    #[arg(long)]
    token: String,
    /// A label for the server's staff (the collection point's name).
    #[arg(long)]
    label: String,
}

#[derive(Args)]
pub(crate) struct SyncArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Where to write: a folder (the USB stick) gets a new bundle named for the device and the
    /// time; a file name is written as given.
    #[arg(long)]
    to: PathBuf,
}

#[derive(Args)]
pub(crate) struct ImportAckArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// The acknowledgement file the server wrote next to the bundle (BUNDLE.ack), or a folder
    /// (the USB stick): every acknowledgement for this device in it.
    file: PathBuf,
}

#[derive(Args)]
pub(crate) struct RenewalsArgs {
    /// The device's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// Participants whose paid period ends within this many days.
    #[arg(long, default_value = "30")]
    within_days: String,
    /// Show the list last downloaded, without the network.
    #[arg(long)]
    offline: bool,
}

fn other(e: impl Into<anyhow::Error>) -> Failure {
    Failure::Other(e.into())
}

fn data(dir: &PathBuf) -> Result<DataDir, Failure> {
    DataDir::open(dir).map_err(other)
}

/// A device that has not registered yet is missing setup, not failing (exit 2): the message
/// gives the one command that fixes it, with this data directory and `register`'s options.
fn not_registered(dir: &Path, lang: Lang) -> Failure {
    let command =
        format!("ansinh register --data-dir {} --server URL --token TOKEN", shell_word(dir));
    Failure::Input(InputError {
        field: "data-dir".into(),
        code: "not_registered",
        message: match lang {
            Lang::Vi => format!(
                "Máy này chưa đăng ký với máy chủ thu. Lấy mã đăng ký dùng một lần từ máy chủ thu (lệnh ansinh-hub token) rồi chạy: {command} --label \"TÊN ĐIỂM THU\""
            ),
            Lang::En => format!(
                "This device is not registered with a collection server yet. Get a one-time token (ansinh-hub token), then run: {command} --label \"POINT NAME\""
            ),
        },
    })
}

/// An uploader error: not being registered is the one the user fixes with a command; another
/// process sending (the kiosk) is said in the user's language (it passes: try again later).
fn delivery_err(dir: &Path, lang: Lang) -> impl Fn(ansinh_uploader::Error) -> Failure + '_ {
    move |e| match e {
        ansinh_uploader::Error::NotRegistered => not_registered(dir, lang),
        ansinh_uploader::Error::Outbox(ansinh_outbox::Error::SenderBusy) => {
            Failure::Other(anyhow::anyhow!(match lang {
                Lang::Vi =>
                    "một tiến trình khác (máy kiosk) đang gửi hồ sơ của máy này; hãy thử lại sau",
                Lang::En =>
                    "another process (the kiosk) is sending this device's records; try again later",
            }))
        }
        e => other(e),
    }
}

pub(crate) fn register(a: &RegisterArgs, lang: Lang) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    // Records sealed to the development key could never be opened by the server.
    if let (_, KeySource::Development) = dir.sealing_key().map_err(other)? {
        let (outbox, _) = dir.outbox(now()).map_err(other)?;
        let unsent = outbox.stats(now()).map_err(other)?.unsent();
        if unsent > 0 {
            return Err(Failure::Input(InputError {
                field: "data-dir".into(),
                code: "development_records_unsent",
                message: match lang {
                    Lang::Vi => format!(
                        "Có {unsent} hồ sơ mã hóa bằng khóa thử nghiệm chưa gửi: hủy chúng trước khi đăng ký với máy chủ thu."
                    ),
                    Lang::En => format!(
                        "{unsent} records are sealed to the development key and unsent: void them before registering."
                    ),
                },
            }));
        }
    }
    let reg = ansinh_uploader::register(&dir, &a.server, &a.token, &a.label).map_err(other)?;
    let msg = match lang {
        Lang::Vi => {
            format!("Đã đăng ký với máy chủ thu {}: mã thiết bị {}.", reg.server_url, reg.device_id)
        }
        Lang::En => format!("Registered with {}: device id {}.", reg.server_url, reg.device_id),
    };
    Ok(Outcome::Done(json!({"device_id": reg.device_id, "server_url": reg.server_url}), msg))
}

pub(crate) fn sync(a: &SyncArgs, lang: Lang) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    if dir.registration().map_err(other)?.is_none() {
        return Err(not_registered(&a.data_dir, lang));
    }
    let report = ansinh_uploader::sync(&dir, &RetryPolicy::default())
        .map_err(delivery_err(&a.data_dir, lang))?;
    let vi = lang == Lang::Vi;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} {}, {} {} ({} {}).",
        if vi { "Đã gửi" } else { "Sent" },
        report.batches,
        if vi { "lô" } else { "batches" },
        report.acknowledged,
        if vi { "hồ sơ được máy chủ xác nhận" } else { "records acknowledged" },
        report.duplicates,
        if vi { "đã có từ trước" } else { "already held" }
    );
    for q in &report.quarantined {
        let _ = writeln!(
            o,
            "  {} {}: {}",
            if vi { "Cần xử lý biên lai" } else { "Quarantined receipt" },
            q.receipt_no,
            q.reason
        );
    }
    if let Some(f) = &report.failure {
        let _ = writeln!(
            o,
            "{} {} ({})",
            if vi { "Chưa gửi hết:" } else { "Not all sent:" },
            f.reason,
            if f.retryable {
                if vi { "sẽ thử lại" } else { "will retry" }
            } else if vi {
                "cần người xử lý"
            } else {
                "needs a person"
            }
        );
    }
    let s = &report.status;
    let _ = write!(
        o,
        "{} {}{}",
        if vi { "Còn chưa gửi:" } else { "Unsent:" },
        s.unsent,
        if s.alarm {
            if vi {
                "  — CẢNH BÁO: lâu ngày chưa gửi được"
            } else {
                "  — ALARM: no sync for too long"
            }
        } else {
            ""
        }
    );
    if let Some(age) = s.oldest_unsent_age {
        let _ = write!(
            o,
            "\n{} {} {}",
            if vi { "Hồ sơ chờ lâu nhất:" } else { "Oldest unsent:" },
            age / 3600,
            if vi { "giờ" } else { "h" }
        );
    }
    if let Some(at) = s.last_ack {
        let ago = (now() - at).max(0);
        let _ = write!(
            o,
            "\n{} {} {}",
            if vi { "Lần cuối máy chủ xác nhận:" } else { "Last acknowledgement:" },
            ago / 60,
            if vi { "phút trước" } else { "min ago" }
        );
    }
    let value = serde_json::to_value(&report)?;
    if report.failure.as_ref().is_some_and(|f| !f.retryable) {
        Ok(Outcome::Failed(value, o))
    } else {
        Ok(Outcome::Done(value, o))
    }
}

pub(crate) fn export(a: &ExportArgs, lang: Lang) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    let report =
        ansinh_uploader::export_bundle(&dir, &a.to).map_err(delivery_err(&a.data_dir, lang))?;
    let files: Vec<String> = report.files.iter().map(|f| f.display().to_string()).collect();
    let msg = match lang {
        Lang::Vi if files.is_empty() => "Không có hồ sơ chưa gửi: không ghi tệp nào.".to_string(),
        Lang::En if files.is_empty() => "No unsent records: no file written.".to_string(),
        Lang::Vi => format!(
            "Đã ghi {} hồ sơ chưa gửi (đã mã hóa) vào {}.",
            report.records,
            files.join(", ")
        ),
        Lang::En => {
            format!("{} unsent (sealed) records written to {}.", report.records, files.join(", "))
        }
    };
    Ok(Outcome::Done(serde_json::to_value(&report)?, msg))
}

pub(crate) fn import_ack(a: &ImportAckArgs, lang: Lang) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    let report =
        ansinh_uploader::import_ack(&dir, &a.file).map_err(delivery_err(&a.data_dir, lang))?;
    let vi = lang == Lang::Vi;
    // A folder with nothing for this device: most likely the server has not imported the
    // stick yet, which a person fixes.
    if report.files.is_empty() && report.unreadable.is_empty() {
        let folder = a.file.display();
        return Err(Failure::Input(InputError {
            field: "file".into(),
            code: "no_acknowledgement",
            message: if vi {
                format!(
                    "Không có tệp xác nhận (.ack) nào của máy này trong {folder}: máy chủ thu đã nhập các gói trên USB chưa (ansinh-hub import THƯ_MỤC)?"
                )
            } else {
                format!(
                    "No acknowledgement (.ack) for this device in {folder}: has the collection server imported the bundles on the stick (ansinh-hub import FOLDER)?"
                )
            },
        }));
    }
    let mut o = if vi {
        format!(
            "Máy chủ đã nhận {} hồ sơ ({} đã đánh dấu từ trước); {} cần xử lý.",
            report.acknowledged,
            report.already_acknowledged,
            report.quarantined.len()
        )
    } else {
        format!(
            "The server holds {} records ({} already marked); {} quarantined.",
            report.acknowledged,
            report.already_acknowledged,
            report.quarantined.len()
        )
    };
    if a.file.is_dir() {
        let _ = write!(
            o,
            "\n{} {}{}",
            if vi { "Tệp xác nhận đã đọc:" } else { "Acknowledgements read:" },
            report.files.len(),
            match (report.others.len(), vi) {
                (0, _) => String::new(),
                (n, true) => format!(" (bỏ qua {n} tệp của máy khác)"),
                (n, false) => format!(" ({n} of other devices left alone)"),
            }
        );
    }
    for u in &report.unreadable {
        let _ = write!(o, "\n{} {u}", if vi { "Không đọc được:" } else { "Unreadable:" });
    }
    let value = serde_json::to_value(&report)?;
    if report.unreadable.is_empty() {
        Ok(Outcome::Done(value, o))
    } else {
        Ok(Outcome::Failed(value, o))
    }
}

pub(crate) fn renewals(a: &RenewalsArgs, lang: Lang) -> Result<Outcome, Failure> {
    let dir = data(&a.data_dir)?;
    let days = u32::from(Parse(lang).count("within-days", &a.within_days)?);
    let list = if a.offline {
        ansinh_uploader::cached_renewals(&dir).map_err(other)?
    } else {
        Some(ansinh_uploader::fetch_renewals(&dir, days).map_err(delivery_err(&a.data_dir, lang))?)
    };
    let Some(list) = list else {
        let msg = match lang {
            Lang::Vi => "Chưa tải danh sách đến hạn đóng tiếp.".to_string(),
            Lang::En => "No renewal list downloaded yet.".to_string(),
        };
        return Ok(Outcome::Done(json!({"due": []}), msg));
    };
    let mut o = String::new();
    for d in &list.due {
        let _ = writeln!(
            o,
            "{}  {}  {}  {}",
            d.paid_until,
            d.scheme,
            d.masked_name,
            d.phone.as_deref().unwrap_or("-")
        );
    }
    let _ = write!(
        o,
        "{} {}",
        list.due.len(),
        if lang == Lang::Vi {
            "người đến hạn đóng tiếp."
        } else {
            "people due to renew."
        }
    );
    Ok(Outcome::Done(serde_json::to_value(&list)?, o))
}
