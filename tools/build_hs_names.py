#!/usr/bin/env python3
"""Build data/ref/hs_names.csv.gz: the names of HS codes in every edition (HS1992..HS2022).

Six-digit subheadings: the CEPII BACI V202401 product lists, one per edition
(product_codes_HS{92,96,02,07,12,17,22}_V202401.csv, `code,description`; Etalab
Open Licence 2.0, via the R package tradalyze, MIT). Chapters and headings: the
HS 2022 descriptions of the datasets/harmonized-system "core" dataset (PDDL 1.0),
the only source here with names above six digits. A heading or chapter is named
in an older edition only where that edition has a subheading under it (so a
heading that did not exist then has no name), and with its HS 2022 wording.

Output (gzip of a UTF-8 CSV, LF, minimal quoting, mtime 0 so a rebuild gives the
same bytes), columns `code,editions,name`:
- `code`: 2, 4 or 6 characters as the sources write them ("01", "0101",
  "010121", BACI's "9999AA" for commodities not specified in HS92/HS96).
- `editions`: the editions in which `code` has this name, as digits 0..6
  (0 = H0/HS1992, 1 = H1/HS1996, 2 = H2/HS2002, 3 = H3/HS2007, 4 = H4/HS2012,
  5 = H5/HS2017, 6 = H6/HS2022), e.g. "0123456" for a name that never changed.
- `name`: the description.
Sorted by code, then editions. A code has at most one name per edition.

Usage: python3 tools/build_hs_names.py [BACI_CODES_DIR [HS_DIR]]
Defaults: /work/shared/data/real/baci-codes and .../harmonized-system (or env
BACI_CODES_DIR, HS_REFERENCE_DIR). Standard library only.
"""
import csv
import gzip
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "ref", "hs_names.csv.gz")
EDITIONS = ["92", "96", "02", "07", "12", "17", "22"]  # index = the digit of H0..H6
# Row counts of the BACI lists (their SOURCE.txt), checked so a truncated copy fails.
BACI_ROWS = [5022, 5115, 5223, 5050, 5202, 5384, 5609]


def read_baci(d):
    names = {}  # (code, edition) -> name
    for e, (yy, rows) in enumerate(zip(EDITIONS, BACI_ROWS)):
        path = os.path.join(d, "product_codes_HS%s_V202401.csv" % yy)
        with open(path, encoding="utf-8", newline="") as f:
            got = list(csv.DictReader(f))
        assert len(got) == rows, (path, len(got))
        for r in got:
            code, name = r["code"], r["description"].strip()
            assert len(code) == 6 and name, r
            assert (code, e) not in names, (code, e)
            names[(code, e)] = name
    return names


def read_hs(d):
    out = {}
    with open(os.path.join(d, "harmonized-system.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["level"] in ("2", "4"):
                assert len(r["hscode"]) == int(r["level"]), r
                out[r["hscode"]] = r["description"].strip()
    assert sum(len(c) == 2 for c in out) == 97 and sum(len(c) == 4 for c in out) == 1229
    return out


def main():
    baci = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "BACI_CODES_DIR", "/work/shared/data/real/baci-codes")
    hsdir = sys.argv[2] if len(sys.argv) > 2 else os.environ.get(
        "HS_REFERENCE_DIR", "/work/shared/data/real/harmonized-system")
    names = read_baci(baci)
    upper = read_hs(hsdir)
    # Headings and chapters: named in the editions that have a subheading under them.
    for e in range(len(EDITIONS)):
        sixes = [c for (c, ed) in names if ed == e and len(c) == 6]
        prefixes = {c[:4] for c in sixes} | {c[:2] for c in sixes}
        for code, name in upper.items():
            if code in prefixes:
                names[(code, e)] = name
    # HS 2022 has every heading of its own subheadings (checked: the sources agree).
    h6 = {c[:4] for (c, e) in names if e == 6 and len(c) == 6 and c.isdigit()}
    assert h6 <= set(upper), sorted(h6 - set(upper))[:5]
    grouped = {}
    for (code, e), name in names.items():
        grouped.setdefault((code, name), []).append(e)
    rows = sorted((c, "".join(str(e) for e in sorted(es)), n) for (c, n), es in grouped.items())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "editions", "name"])
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    assert b"\r" not in data
    # Spot checks (BACI HS92 and HS22 lists; harmonized-system).
    for code, eds, name in [("010111", "0", "Horses: live, pure-bred breeding animals"),
                            ("8703", "6", "Motor cars and other motor vehicles; principally designed for the transport of persons (other than those of heading no. 8702), including station wagons and racing cars")]:
        assert any(r[0] == code and eds in r[1] and r[2] == name for r in rows), (code, name)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(data)
    print("wrote %s: %d rows, %d bytes (%d uncompressed)" % (
        os.path.relpath(OUT), len(rows), os.path.getsize(OUT), len(data)))


if __name__ == "__main__":
    main()
