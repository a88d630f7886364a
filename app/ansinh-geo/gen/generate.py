#!/usr/bin/env python3
"""Regenerate app/ansinh-geo/data/*.csv from pinned public sources.

Run from anywhere:  python3 app/ansinh-geo/gen/generate.py

It builds a throw-away venv in a temporary folder, downloads two pinned wheels of the
`vietnam-provinces` PyPI package (checked against their SHA-256), reads the JSON data inside
them without importing the package, and writes five UTF-8 (NFC) CSV files. The 54 ethnic groups
have no package on PyPI or npm, so their list is kept below as data. See gen/README.md.
"""

import json
import subprocess
import sys
import tempfile
import unicodedata
import venv
import zipfile
from pathlib import Path

# 2025 two-tier map (34 provinces, 3,321 commune-level units), data dated 2025-10-18.
CURRENT = (
    "vietnam-provinces",
    "2025.10.1",
    "1693dece496b1e04e2b637a3dd79a87a22666e13c91c51cf06dc27e482987f57",
)
# Last release with the 63 pre-July-2025 provinces, data dated 2025-01-04.
LEGACY = (
    "vietnam-provinces",
    "0.6.0",
    "4b5772870efdcb7c58a64fbdc0e0c9ce497e67017a0c189dff99582ddadb7815",
)
JSON_IN_WHEEL = "vietnam_provinces/data/nested-divisions.json"

# Danh mục các thành phần dân tộc Việt Nam, Quyết định 121-TCTK/PPCĐ ngày 02/3/1979 của
# Tổng cục Thống kê. Not the GSO's 2008 renumbering (1019/QĐ-TCTK): here 53 is Ơ Đu, 54 Rơ Măm.
# (code, name, other official name given in brackets by the decision, or "")
ETHNIC_GROUPS = [
    ("01", "Kinh", "Việt"),
    ("02", "Tày", ""),
    ("03", "Thái", ""),
    ("04", "Hoa", "Hán"),
    ("05", "Khơ-me", ""),
    ("06", "Mường", ""),
    ("07", "Nùng", ""),
    ("08", "HMông", "Mèo"),
    ("09", "Dao", ""),
    ("10", "Gia-rai", ""),
    ("11", "Ngái", ""),
    ("12", "Ê-đê", ""),
    ("13", "Ba Na", ""),
    ("14", "Xơ-đăng", ""),
    ("15", "Sán Chay", "Cao Lan-Sán Chỉ"),
    ("16", "Cơ-ho", ""),
    ("17", "Chăm", "Chàm"),
    ("18", "Sán Dìu", ""),
    ("19", "Hrê", ""),
    ("20", "Mnông", ""),
    ("21", "Ra-glai", ""),
    ("22", "Xtiêng", ""),
    ("23", "Bru-Vân Kiều", ""),
    ("24", "Thổ", ""),
    ("25", "Giáy", ""),
    ("26", "Cơ-tu", ""),
    ("27", "Gié-Triêng", ""),
    ("28", "Mạ", ""),
    ("29", "Khơ-mú", ""),
    ("30", "Co", ""),
    ("31", "Tà-ôi", ""),
    ("32", "Chơ-ro", ""),
    ("33", "Kháng", ""),
    ("34", "Xinh-mun", ""),
    ("35", "Hà Nhì", ""),
    ("36", "Chu-ru", ""),
    ("37", "Lào", ""),
    ("38", "La Chí", ""),
    ("39", "La Ha", ""),
    ("40", "Phù Lá", ""),
    ("41", "La Hủ", ""),
    ("42", "Lự", ""),
    ("43", "Lô Lô", ""),
    ("44", "Chứt", ""),
    ("45", "Mảng", ""),
    ("46", "Pà Thẻn", ""),
    ("47", "Co Lao", ""),
    ("48", "Cống", ""),
    ("49", "Bố Y", ""),
    ("50", "Si La", ""),
    ("51", "Pu Péo", ""),
    ("52", "Brâu", ""),
    ("53", "Ơ Đu", ""),
    ("54", "Rơ Măm", ""),
]

PROVINCE_KINDS = {"tỉnh": "tỉnh", "thành phố trung ương": "thành phố"}
COMMUNE_KINDS = {"xã": "Xã ", "phường": "Phường ", "đặc khu": "Đặc khu "}


def fail(msg):
    sys.exit(f"generate.py: {msg}")


def nfc(s):
    return unicodedata.normalize("NFC", s.strip())


def fetch(tmp, pin, sub):
    """Download one pinned wheel with a throw-away venv's pip; return its parsed JSON."""
    name, version, sha256 = pin
    req = tmp / f"{sub}.txt"
    req.write_text(f"{name}=={version} --hash=sha256:{sha256}\n", encoding="utf-8")
    dest = tmp / sub
    subprocess.run(
        [str(tmp / "venv" / "bin" / "python"), "-m", "pip", "download", "--quiet",
         "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
         "--require-hashes", "-r", str(req), "-d", str(dest)],
        check=True,
    )
    wheels = list(dest.glob("*.whl"))
    if len(wheels) != 1:
        fail(f"expected one wheel for {name}=={version}, got {wheels}")
    with zipfile.ZipFile(wheels[0]) as z:
        return json.loads(z.read(JSON_IN_WHEEL).decode("utf-8"))


def write_csv(path, header, rows):
    for row in rows:
        for field in row:
            if any(c in field for c in ',"\r\n') or field != field.strip():
                fail(f"{path.name}: field {field!r} cannot be written as plain CSV")
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    print(f"wrote {path} ({len(rows)} rows)")


def strip_prefix(name, prefix):
    if not name.startswith(prefix):
        fail(f"{name!r} does not start with {prefix!r}")
    return name[len(prefix):]


def current_rows(data):
    provinces, communes = [], []
    for p in data:
        kind = PROVINCE_KINDS.get(p["division_type"]) or fail(f"kind {p['division_type']!r}")
        name = nfc(p["name"])
        # The source writes cities with their "Thành phố" title and provinces bare.
        if kind == "thành phố":
            name = strip_prefix(name, "Thành phố ")
        elif name.startswith(("Tỉnh ", "Thành phố ")):
            fail(f"unexpected title in {name!r}")
        pcode = f"{p['code']:02d}"
        provinces.append((pcode, name, kind))
        for w in p["wards"]:
            wkind = w["division_type"]
            if wkind not in COMMUNE_KINDS:
                fail(f"commune kind {wkind!r}")
            wname = nfc(w["name"])
            strip_prefix(wname, COMMUNE_KINDS[wkind])
            communes.append((f"{w['code']:05d}", wname, wkind, pcode))
    provinces.sort()
    communes.sort(key=lambda r: (r[3], r[0]))
    return provinces, communes


def legacy_rows(data, communes):
    """The 63 provinces, each with the current province it became, and the old communes whose
    code a current commune kept.

    The General Statistics Office gave most commune-level units formed on 1 July 2025 the code of
    one of the old units they were formed from: 3,310 of the 3,321 codes in the current data are
    old communes' codes (the 11 others are island districts, which had no communes, a ward of Mộc
    Châu and five wards of Hồ Chí Minh City given new codes). So an old commune whose code reappears is known to lie, at least in
    part, in the current commune with that code, and an old province's kept codes all lie in the
    one province it merged into (checked here). The other old communes have no such link in this
    data."""
    current = {int(code): province for code, _, _, province in communes}
    provinces, kept = [], []
    for p in data:
        name = nfc(p["name"])
        for title in ("Thành phố ", "Tỉnh "):
            if name.startswith(title):
                name = name[len(title):]
                break
        else:
            fail(f"no title in legacy name {name!r}")
        prefix = f"{p['code']:03d}"
        became = set()
        for d in p["districts"]:
            district = nfc(d["name"])
            for w in d["wards"]:
                if w["code"] in current:
                    became.add(current[w["code"]])
                    kept.append((f"{w['code']:05d}", nfc(w["name"]), district, prefix))
        if len(became) != 1:
            fail(f"{name}: its kept commune codes lie in provinces {sorted(became)}, not one")
        provinces.append((prefix, name, became.pop()))
    provinces.sort()
    kept.sort()
    return provinces, kept


def main():
    out = Path(__file__).resolve().parent.parent / "data"
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        venv.create(tmp / "venv", with_pip=True)
        current = fetch(tmp, CURRENT, "current")
        legacy = fetch(tmp, LEGACY, "legacy")

    provinces, communes = current_rows(current)
    legacy_provinces, legacy_communes = legacy_rows(legacy, communes)
    ethnic = [(c, nfc(n), nfc(a)) for c, n, a in ETHNIC_GROUPS]

    # Guard against a wrong pin; the crate's tests check the same numbers.
    counts = {
        "provinces": (len(provinces), 34),
        "communes": (len(communes), 3321),
        "legacy provinces": (len(legacy_provinces), 63),
        "ethnic groups": (len(ethnic), 54),
        "old communes with a kept code": (len(legacy_communes), 3310),
    }
    for what, (got, want) in counts.items():
        if got != want:
            fail(f"{what}: got {got}, expected {want}")

    write_csv(out / "provinces.csv", ("code", "name", "kind"), provinces)
    write_csv(out / "communes.csv", ("code", "name", "kind", "province_code"), communes)
    write_csv(out / "ethnic_groups.csv", ("code", "name", "other_name"), ethnic)
    write_csv(
        out / "legacy_provinces.csv", ("id_prefix", "name", "current_code"), legacy_provinces
    )
    write_csv(
        out / "legacy_communes.csv", ("code", "name", "district", "id_prefix"), legacy_communes
    )


if __name__ == "__main__":
    main()
