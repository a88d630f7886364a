//! The D05-TS list as XML (`ansinh_hub::exports::write_d05_xml`): records taken in by a hub
//! through a signed batch, listed and written as XML; the bytes pinned by
//! `tests/golden/exports/d05.xml` (`UPDATE_GOLDEN=1` rewrites it), and the XML read back with
//! quick-xml into the same people, amounts and groups as the records.

use std::sync::Arc;

use ansinh_core::default_table;
use ansinh_enrollment::json::EnrollmentJson;
use ansinh_enrollment::record::{Collection, Enrollment, Record};
use ansinh_hub::exports::{XML_UNVERIFIED, XmlGroup, to_xml};
use ansinh_hub::{EnrollmentRules, Hub, HubKeys, List, SqliteStore};
use ansinh_tests::golden;
use ansinh_wire::{BatchBody, Channel, PROTOCOL_VERSION, SealedRecord};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// 22 November 2026, 09:30 in Vietnam.
const AT: i64 = 1_795_314_600;
const MONTH: &str = "2026-11";

/// The fixture person, changed by `edit` (a new participant, another mode, …).
fn voluntary(edit: impl Fn(&mut Value)) -> Res<Enrollment> {
    let mut v: Value = serde_json::from_str(&ansinh_tests::fixtures::text("enrollment.json")?)?;
    edit(&mut v);
    let parsed: EnrollmentJson = serde_json::from_value(v)?;
    let today = "2026-11-22".parse().map_err(|_| "date")?;
    parsed.validate(&default_table(), today).map_err(|p| format!("{p:?}").into())
}

fn household() -> Res<Enrollment> {
    let parsed = EnrollmentJson::parse(&ansinh_tests::fixtures::text("household.json")?)?;
    let today = "2026-11-22".parse().map_err(|_| "date")?;
    parsed.validate(&default_table(), today).map_err(|p| format!("{p:?}").into())
}

/// The enrollments of the list: a continuing participant (SI code), a new one (none, monthly),
/// a household (not on D05-TS) and another continuing one paying a year.
fn enrollments() -> Res<Vec<Enrollment>> {
    Ok(vec![
        voluntary(|_| {})?,
        voluntary(|v| {
            v["person"]["full_name"] = "Lò Văn Páo".into();
            v["person"]["personal_id"] = "014090001234".into();
            v["person"]["legacy_si_code"] = Value::Null;
            v["person"]["ethnicity"] = "03".into();
            v["person"]["birth_date"] = "1990-07-01".into();
            v["person"]["sex"] = "male".into();
            v["choices"]["mode"] = "1".into();
            v["choices"]["group"] = "ethnic-minority".into();
            v["choices"]["income"] = 1_500_000.into();
        })?,
        household()?,
        voluntary(|v| {
            v["person"]["full_name"] = "Trần Thị Mai".into();
            v["person"]["personal_id"] = "001185004321".into();
            v["person"]["legacy_si_code"] = "0198765432".into();
            v["person"]["birth_date"] = "1985-05-20".into();
            v["choices"]["mode"] = "12".into();
            v["choices"]["group"] = "other".into();
        })?,
    ])
}

/// A hub that took `enrollments` from one device in one signed batch.
fn hub_with(enrollments: &[Enrollment]) -> Res<(tempfile::TempDir, Hub)> {
    let tmp = tempfile::tempdir()?;
    let store = SqliteStore::open(&tmp.path().join("hub.sqlite"))?;
    let hub =
        Hub::new(Arc::new(store), HubKeys::ephemeral("admin"), Arc::new(EnrollmentRules::new()));
    let key = ansinh_wire::generate_signing_key();
    let request = ansinh_wire::RegisterRequest {
        token: hub.create_token("golden", 3600, AT)?,
        device_public_key: hex::encode(key.verifying_key().to_bytes()),
        label: "Bưu điện xã Thanh Trì".into(),
    };
    let device = hub.register(&request, AT).map_err(|e| e.to_string())?.device_id;
    let table = default_table();
    let today = "2026-11-22".parse().map_err(|_| "date")?;
    let sealing = hub.keys().opening.sealing_key();
    let mut records = vec![];
    for (i, e) in enrollments.iter().enumerate() {
        let n = u8::try_from(i)?;
        let amount = ansinh_enrollment::price::price(e, &table, today)?.amount;
        let record = Record {
            enrollment: e.clone(),
            collection: Collection {
                record_id: [n + 1; 16],
                device_id: device,
                collection_point: "Bưu điện xã Thanh Trì".try_into().map_err(|_| "cap")?,
                agent_code: "AG01".try_into().map_err(|_| "cap")?,
                at: AT + i64::from(n),
                receipt_no: u32::from(n) + 1,
                amount,
                policy_version: table.version.try_into().map_err(|_| "cap")?,
                corrects: None,
            },
        };
        let plain =
            ansinh_enrollment::envelope::encode_to_vec(&record).map_err(|e| e.to_string())?;
        records.push(SealedRecord {
            record_id: record.collection.record_id,
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
    hub.ingest_batch(&ansinh_wire::sign_batch(&batch, &key)?, AT + 60)
        .map_err(|e| e.to_string())?;
    Ok((tmp, hub))
}

/// A participant as read back: each element's name and text, in order.
type Read = Vec<(String, String)>;

/// A group as read back: its code and participants.
type Group = (String, Vec<Read>);

/// The XML read back: the unverified note and the groups.
fn read_back(xml: &[u8]) -> Res<(String, Vec<Group>)> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = vec![];
    let (mut path, mut text) = (Vec::<String>::new(), String::new());
    let (mut note, mut groups) = (String::new(), Vec::<Group>::new());
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) => {
                path.push(String::from_utf8(e.name().as_ref().to_vec())?);
                text.clear();
                match path.last().map(String::as_str) {
                    Some("Nhom") => groups.push((String::new(), vec![])),
                    Some("NguoiThamGia") => {
                        groups.last_mut().ok_or("a participant outside a group")?.1.push(vec![]);
                    }
                    _ => {}
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()?),
            Event::GeneralRef(r) => match r.resolve_char_ref()? {
                Some(c) => text.push(c),
                None => text.push_str(
                    quick_xml::escape::resolve_predefined_entity(&r.decode()?)
                        .ok_or("an unknown entity")?,
                ),
            },
            Event::End(_) => {
                let name = path.pop().ok_or("unbalanced")?;
                let parent = path.last().map(String::as_str);
                match (parent, name.as_str()) {
                    (Some("ThongTin"), "ChuaDoiChieu") => note = text.clone(),
                    (Some("Nhom"), "MaNhom") => {
                        groups.last_mut().ok_or("no group")?.0 = text.clone();
                    }
                    (Some("NguoiThamGia"), _) => {
                        let group = groups.last_mut().ok_or("no group")?;
                        group.1.last_mut().ok_or("no participant")?.push((name, text.clone()));
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok((note, groups))
}

fn field<'a>(p: &'a Read, name: &str) -> &'a str {
    p.iter().find(|(n, _)| n == name).map_or("(missing)", |(_, t)| t.as_str())
}

#[test]
fn d05_xml_golden_and_read_back() -> Res<()> {
    let enrollments = enrollments()?;
    let (_tmp, hub) = hub_with(&enrollments)?;
    let rows = hub.list_rows(List::D05, None, MONTH)?;
    assert_eq!(rows.len(), 3, "the three voluntary records; the household is on D03-TS");
    let xml = to_xml(List::D05, MONTH, None, &rows)?;
    golden::check_bytes("exports/d05.xml", &xml)?;

    let (note, groups) = read_back(&xml)?;
    assert_eq!(note, XML_UNVERIFIED);
    let codes: Vec<&str> = groups.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, [XmlGroup::New.code(), XmlGroup::Continuing.code()]);
    // Every voluntary record is in the group its SI code puts it in, with its own values.
    let mut seen = 0;
    for (i, e) in enrollments.iter().enumerate() {
        let Enrollment::Voluntary(v) = e else { continue };
        let p = &v.person;
        let (group, want_group) = match &p.legacy_si_code {
            None => (&groups[0].1, XmlGroup::New),
            Some(_) => (&groups[1].1, XmlGroup::Continuing),
        };
        let got = group
            .iter()
            .find(|r| field(r, "ID") == p.personal_id.as_str())
            .ok_or_else(|| format!("record {i} not in group {}", want_group.code()))?;
        let row = rows.iter().find(|r| r.personal_id == p.personal_id.as_str()).ok_or("no row")?;
        assert_eq!(field(got, "HoTen"), p.full_name.as_str());
        assert_eq!(field(got, "MasoBHXH"), p.legacy_si_code.as_ref().map_or("", |c| c.as_str()));
        assert_eq!(field(got, "MucTien"), v.choices.income.to_string());
        assert_eq!(field(got, "TienTudong"), row.amount_paid.to_string());
        assert_eq!(field(got, "Tongtien"), row.amount_due.to_string());
        assert_eq!(field(got, "TienHotro"), row.national_amount.to_string());
        assert_eq!(field(got, "Sothang"), row.months.to_string());
        assert_eq!(field(got, "Tuthang"), row.from_month);
        assert_eq!(field(got, "Maxa_DangSS"), p.address.commune_code.as_str());
        assert_eq!(field(got, "Matinh_DangSS"), p.address.province_code.as_str());
        assert_eq!(field(got, "Diachi_DangSS"), row.address);
        assert_eq!(field(got, "Ghichu"), row.notes);
        seen += 1;
    }
    assert_eq!(seen, 3);
    // Numbered within each group; the modes by the law's numbering (3 months: 2, 1 month: 1,
    // 12 months: 4); the contribution rate from the policy table.
    let stt = |g: &[Read]| g.iter().map(|r| field(r, "STT").to_string()).collect::<Vec<_>>();
    assert_eq!(
        (stt(&groups[0].1), stt(&groups[1].1)),
        (vec!["1".into()], vec!["1".into(), "2".into()])
    );
    let modes: Vec<&str> = groups[1].1.iter().map(|r| field(r, "Phuongthuc")).collect();
    assert_eq!((field(&groups[0].1[0], "Phuongthuc"), modes), ("1", vec!["2", "4"]));
    assert_eq!(field(&groups[0].1[0], "Tyle"), "22");
    // Every element policy.md §8.4 names, in its order, for every participant.
    let names = [
        "STT",
        "HoTen",
        "MasoBHXH",
        "MucTien",
        "Tuthang",
        "Sothang",
        "Tongtien",
        "TienTudong",
        "TienHotro",
        "Ghichu",
        "PA",
        "Tyle",
        "TyleNSNN",
        "Heso",
        "Phuongthuc",
        "CCNS",
        "ID",
        "Loai",
        "TyleNSDP",
        "TienNSDP",
        "TyleHotroKhac",
        "TienHotroKhac",
        "Matinh_DangSS",
        "Mahuyen_DangSS",
        "Maxa_DangSS",
        "Diachi_DangSS",
    ];
    for r in groups.iter().flat_map(|(_, g)| g) {
        assert_eq!(r.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), names);
    }
    Ok(())
}
