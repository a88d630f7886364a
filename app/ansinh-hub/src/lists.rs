//! The collection lists written as they are read, so that a province's month (hundreds of
//! thousands of records) never sits whole in memory: the records come from the store a page
//! at a time in the list's order ([`crate::Store::records_for_list_page`]), each page is
//! opened (with each record's kept box key: no X25519 multiplication) and read on every core
//! (rayon, order kept), and its rows go to the format's writer
//! ([`exports::CsvList`], [`exports::D05Xml`], [`exports::XlsxList`]) before the next page is
//! read. The bytes are those of the in-memory functions ([`exports::to_csv`] …) over
//! [`Hub::list_rows`].

use std::io::Write;

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};

use crate::civil;
use crate::error::{Error, Result};
use crate::exports;
use crate::hub::{Hub, List};
use crate::rules::ListRow;
use crate::store::ListedRecord;

/// Records read and opened at a time: a few megabytes of rows, enough to keep both cores
/// busy.
const PAGE: usize = 2_000;

/// The file formats of a collection list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    /// CSV, UTF-8 with a byte-order mark.
    Csv,
    /// An XLSX workbook.
    Xlsx,
    /// XML (D05-TS only).
    Xml,
}

impl ListFormat {
    /// The file name's extension, as `?format=` names it.
    pub const fn extension(self) -> &'static str {
        match self {
            ListFormat::Csv => "csv",
            ListFormat::Xlsx => "xlsx",
            ListFormat::Xml => "xml",
        }
    }
}

fn check(list: List, commune: Option<&str>, month: &str) -> Result<()> {
    if civil::parse_month(month).is_none() {
        return Err(Error::Invalid(format!("{month:?} is not a month (YYYY-MM)")));
    }
    if let Some(c) = commune
        && (c.len() != 5 || !c.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Error::Invalid(format!("{c:?} is not a commune code (5 digits)")));
    }
    let _ = list;
    Ok(())
}

impl Hub {
    /// The rows a collection list will have (one per participant), known before it is
    /// written: what an export's log line states.
    pub fn list_len(&self, list: List, commune: Option<&str>, month: &str) -> Result<usize> {
        check(list, commune, month)?;
        let n = self.store().list_participants(list.scheme(), commune, month)?;
        usize::try_from(n).map_err(|_| Error::Corrupt(format!("{n} participants")))
    }

    /// The rows of a held record, in order. Opened with the box key kept beside it (a
    /// microsecond or two) when there is one, else the long way (an X25519 multiplication,
    /// most of an export's time before keys were kept); a kept key that does not open its
    /// record is refused, never passed over.
    fn rows_of(&self, r: &ListedRecord) -> Result<Vec<ListRow>> {
        let id = || hex::encode(r.held.record_id);
        let opening = &self.keys().opening;
        let plain = match &r.wrapped_key {
            Some(key) => opening.open_with_wrapped_key(&r.held.sealed, key).map_err(|_| {
                Error::Corrupt(format!("held record {}: its kept key does not open it", id()))
            })?,
            None => opening
                .open(&r.held.sealed)
                .map_err(|_| Error::Corrupt(format!("held record {} cannot be opened", id())))?,
        };
        self.rules()
            .list_rows(&plain)
            .map_err(|code| Error::Corrupt(format!("held record {}: {code}", id())))
    }

    /// Gives `each` the rows of the list a page at a time, in order.
    pub fn list_pages(
        &self,
        list: List,
        commune: Option<&str>,
        month: &str,
        each: impl FnMut(&[ListRow]) -> Result<()>,
    ) -> Result<()> {
        self.list_pages_of(PAGE, list, commune, month, each)
    }

    /// [`Hub::list_pages`] with pages of `PAGE` records.
    fn list_pages_of(
        &self,
        page_size: usize,
        list: List,
        commune: Option<&str>,
        month: &str,
        mut each: impl FnMut(&[ListRow]) -> Result<()>,
    ) -> Result<()> {
        check(list, commune, month)?;
        let mut after: Option<ListedRecord> = None;
        loop {
            let page = self.store().records_for_list_page(
                list.scheme(),
                commune,
                month,
                after.as_ref(),
                page_size,
            )?;
            let Some(last) = page.last().cloned() else { return Ok(()) };
            let rows: Vec<Vec<ListRow>> =
                page.par_iter().map(|r| self.rows_of(r)).collect::<Result<_>>()?;
            each(&rows.into_iter().flatten().collect::<Vec<_>>())?;
            if page.len() < page_size {
                return Ok(());
            }
            after = Some(last);
        }
    }

    /// Writes a collection list to `out` as it is read (see the module docs); returns `out`.
    /// `title` heads the XLSX sheet.
    pub fn write_list<W: Write + Send>(
        &self,
        list: List,
        commune: Option<&str>,
        month: &str,
        format: ListFormat,
        title: &str,
        out: W,
    ) -> Result<W> {
        match format {
            ListFormat::Csv => {
                let mut csv = exports::CsvList::new(out, list)?;
                self.list_pages(list, commune, month, |rows| csv.add(rows))?;
                csv.finish()
            }
            ListFormat::Xml => {
                if list != List::D05 {
                    return Err(Error::Export(format!(
                        "{} has no XML form: only D05-TS's elements are known",
                        list.name()
                    )));
                }
                let mut xml = exports::D05Xml::new()?;
                self.list_pages(list, commune, month, |rows| xml.add(rows))?;
                xml.finish(out, month, commune)
            }
            ListFormat::Xlsx => {
                let mut book = exports::XlsxList::new(list, title)?;
                self.list_pages(list, commune, month, |rows| book.add(rows))?;
                book.finish(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ansinh_wire::{BatchBody, Channel, PROTOCOL_VERSION};

    use super::*;
    use crate::{EnrollmentRules, HubKeys, SqliteStore};

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    /// 22 November 2026, 10:00 in Vietnam.
    const NOW: i64 = 1_795_316_400;

    /// A hub holding `n` voluntary SI records of November 2026 from one device, every other
    /// one of a person with an SI code already (the XML list's second group).
    fn hub_with(
        dir: &std::path::Path,
        n: u8,
    ) -> std::result::Result<Hub, Box<dyn std::error::Error>> {
        hub_on(Arc::new(SqliteStore::open(&dir.join("hub.sqlite"))?), n)
    }

    /// [`hub_with`] on `store`.
    fn hub_on(
        store: Arc<dyn crate::Store>,
        n: u8,
    ) -> std::result::Result<Hub, Box<dyn std::error::Error>> {
        let hub = Hub::new(
            store,
            HubKeys::ephemeral("admin-token-for-tests"),
            Arc::new(EnrollmentRules::new()),
        );
        let key = ansinh_wire::generate_signing_key();
        let request = ansinh_wire::RegisterRequest {
            token: hub.create_token("t", 3600, NOW)?,
            device_public_key: hex::encode(key.verifying_key().to_bytes()),
            label: "x".into(),
        };
        let device = hub.register(&request, NOW).map_err(|e| e.to_string())?.device_id;
        let table = ansinh_core::default_table();
        let today = "2026-11-22".parse().map_err(|_| "date")?;
        let json = ansinh_tests::fixtures::text("enrollment.json")?;
        let sealing = hub.keys().opening.sealing_key();
        let mut records = vec![];
        for i in 1..=n {
            let mut form = ansinh_enrollment::json::EnrollmentJson::parse(&json)?;
            if let ansinh_enrollment::json::EnrollmentJson::Voluntary { person, .. } = &mut form {
                person.full_name =
                    format!("Nguyễn Văn {}", ["An", "Bình", "Chi"][usize::from(i % 3)]);
                person.personal_id = format!("00107901{:04}", 2000 + u16::from(i));
                person.sex = "male".into();
                person.legacy_si_code = (i % 2 == 0).then(|| format!("01{:08}", i));
            }
            let enrollment = form.validate(&table, today).map_err(|p| format!("{p:?}"))?;
            let amount = ansinh_enrollment::price::price(&enrollment, &table, today)?.amount;
            let record = ansinh_enrollment::record::Record {
                enrollment,
                collection: ansinh_enrollment::record::Collection {
                    record_id: [i; 16],
                    device_id: device,
                    collection_point: "x".try_into().map_err(|_| "cap")?,
                    agent_code: "AG01".try_into().map_err(|_| "cap")?,
                    // Some at the same second: the device and the id order them.
                    at: NOW - 60 * i64::from(i / 2),
                    receipt_no: u32::from(i),
                    amount,
                    policy_version: table.version.try_into().map_err(|_| "cap")?,
                    corrects: None,
                },
            };
            let plain =
                ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
            records.push(ansinh_wire::SealedRecord {
                record_id: [i; 16],
                sealed: sealing.seal(&plain)?,
            });
        }
        let batch = BatchBody {
            version: PROTOCOL_VERSION,
            device_id: device,
            channel: Channel::Network { counter: 1 },
            records,
            audit: vec![],
        };
        hub.ingest_batch(&ansinh_wire::sign_batch(&batch, &key)?, NOW)
            .map_err(|e| e.to_string())?;
        Ok(hub)
    }

    /// The files written as the list is read, a few records a page, are the files made from
    /// the whole list at once: CSV and XML byte for byte, XLSX cell for cell.
    #[test]
    fn a_list_written_as_it_is_read_is_the_list_made_at_once() -> TestResult {
        use std::io::Read;
        let tmp = tempfile::tempdir()?;
        let hub = hub_with(tmp.path(), 7)?;
        let month = "2026-11";
        let rows = hub.list_rows(List::D05, None, month)?;
        assert_eq!(rows.len(), 7);
        assert_eq!(hub.list_len(List::D05, None, month)?, 7);
        let mut paged = vec![];
        for size in [1, 2, 3, 7] {
            let mut got = vec![];
            hub.list_pages_of(size, List::D05, None, month, |page| {
                assert!(page.len() <= size);
                got.extend_from_slice(page);
                Ok(())
            })?;
            paged.push(got);
        }
        assert!(paged.iter().all(|p| *p == rows), "pages of any size give the same rows");
        let write = |format| hub.write_list(List::D05, None, month, format, "D05-TS", Vec::new());
        assert_eq!(write(ListFormat::Csv)?, exports::to_csv(List::D05, &rows)?);
        let xml = write(ListFormat::Xml)?;
        assert_eq!(xml, exports::to_xml(List::D05, month, None, &rows)?);
        let text = String::from_utf8(xml)?;
        assert_eq!(text.matches("<NguoiThamGia>").count(), 7);
        assert!(text.contains("<SoNguoi>3</SoNguoi>") && text.contains("<SoNguoi>4</SoNguoi>"));
        let sheet =
            |bytes: Vec<u8>| -> std::result::Result<(String, String), Box<dyn std::error::Error>> {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
                let mut read =
                    |name: &str| -> std::result::Result<String, Box<dyn std::error::Error>> {
                        let mut text = String::new();
                        zip.by_name(name)?.read_to_string(&mut text)?;
                        Ok(text)
                    };
                Ok((read("xl/worksheets/sheet1.xml")?, read("xl/sharedStrings.xml")?))
            };
        let streamed = sheet(write(ListFormat::Xlsx)?)?;
        assert_eq!(streamed, sheet(exports::to_xlsx(List::D05, "D05-TS", &rows)?)?);
        assert!(streamed.0.contains("<row r=\"12\""), "{}", streamed.0);
        assert!(streamed.1.to_lowercase().contains("nguyễn văn bình"), "{}", streamed.1);
        assert!(hub.write_list(List::D03, None, month, ListFormat::Xml, "", Vec::new()).is_err());
        assert!(hub.list_len(List::D05, Some("4"), month).is_err(), "not a commune code");
        Ok(())
    }

    /// A database for the lists' tests, with SQL run on it beside the hub.
    enum Db {
        Sqlite(tempfile::TempDir),
        Postgres(String),
    }

    impl Db {
        fn store(&self) -> std::result::Result<Arc<dyn crate::Store>, Box<dyn std::error::Error>> {
            Ok(match self {
                Db::Sqlite(dir) => Arc::new(SqliteStore::open(&dir.path().join("hub.sqlite"))?),
                Db::Postgres(url) => Arc::new(crate::PostgresStore::open(url)?),
            })
        }

        fn execute(&self, sql: &str) -> TestResult {
            match self {
                Db::Sqlite(dir) => {
                    rusqlite::Connection::open(dir.path().join("hub.sqlite"))?.execute_batch(sql)?
                }
                Db::Postgres(url) => {
                    crate::PostgresStore::open(url)?.probe(sql)?;
                }
            }
            Ok(())
        }

        /// The id of the test's record `i`, as an SQL literal.
        fn id(&self, i: u8) -> String {
            let hex = hex::encode([i; 16]);
            match self {
                Db::Sqlite(_) => format!("X'{hex}'"),
                Db::Postgres(_) => format!("'\\x{hex}'::bytea"),
            }
        }
    }

    /// The list is written from each record's kept box key; records stored before keys were
    /// kept (no key: SQLite before schema 15, PostgreSQL before 8) are opened the long way, and
    /// the bytes are the same either way. A kept key that is another record's or damaged is
    /// refused: the export fails naming the record, nothing is written from it.
    fn kept_keys_open_a_list_as_the_long_way_does(db: &Db) -> TestResult {
        let hub = hub_on(db.store()?, 7)?;
        let month = "2026-11";
        let page = hub.store().records_for_list_page("voluntary-si", None, month, None, 100)?;
        assert_eq!(page.len(), 7);
        for r in &page {
            let key = r.wrapped_key.as_deref().ok_or("the ingest kept no key")?;
            assert_eq!(key.len(), ansinh_wire::WRAPPED_KEY_BYTES);
            assert_eq!(
                hub.keys().opening.open_with_wrapped_key(&r.held.sealed, key)?,
                hub.keys().opening.open(&r.held.sealed)?
            );
        }
        // The whole list read the long way (`records_for_list` gives no keys).
        let rows = hub.list_rows(List::D05, None, month)?;
        let expected =
            (exports::to_csv(List::D05, &rows)?, exports::to_xml(List::D05, month, None, &rows)?);
        let write = |hub: &Hub| -> Result<(Vec<u8>, Vec<u8>)> {
            let list = |format| hub.write_list(List::D05, None, month, format, "D05-TS", vec![]);
            Ok((list(ListFormat::Csv)?, list(ListFormat::Xml)?))
        };
        assert_eq!(write(&hub)?, expected);
        db.execute(&format!(
            "UPDATE records SET wrapped_key = NULL WHERE record_id IN ({}, {}, {})",
            db.id(1),
            db.id(4),
            db.id(7)
        ))?;
        assert_eq!(write(&hub)?, expected, "records without a kept key");
        let refused = |hub: &Hub, id: u8| {
            let e = write(hub).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains("its kept key does not open it"), "{e}");
            assert!(e.contains(&hex::encode([id; 16])), "{e}");
        };
        db.execute(&format!(
            "UPDATE records SET wrapped_key = (SELECT wrapped_key FROM records WHERE record_id = {}) \
             WHERE record_id = {}",
            db.id(2),
            db.id(3)
        ))?;
        refused(&hub, 3);
        db.execute(&format!(
            "UPDATE records SET wrapped_key = NULL WHERE record_id = {}",
            db.id(3)
        ))?;
        let zeros = match db {
            Db::Sqlite(_) => "zeroblob(48)",
            Db::Postgres(_) => "decode(repeat('00', 48), 'hex')",
        };
        db.execute(&format!(
            "UPDATE records SET wrapped_key = {zeros} WHERE record_id = {}",
            db.id(5)
        ))?;
        refused(&hub, 5);
        Ok(())
    }

    #[test]
    fn kept_keys_open_a_list_as_the_long_way_does_on_sqlite() -> TestResult {
        kept_keys_open_a_list_as_the_long_way_does(&Db::Sqlite(tempfile::tempdir()?))
    }

    #[test]
    fn kept_keys_open_a_list_as_the_long_way_does_on_postgres() -> TestResult {
        match crate::store::postgres_admin_url()? {
            Some(admin) => kept_keys_open_a_list_as_the_long_way_does(&Db::Postgres(
                crate::store::create_scratch_database(&admin)?,
            )),
            None => Ok(()),
        }
    }
}
