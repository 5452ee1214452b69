#!/usr/bin/env python3
"""Build data/ref/hs_bec.csv.gz and data/ref/bec.csv: HS codes of every edition in the UN's
Broad Economic Categories (BEC Rev.4) and the end-use classes of the System of National
Accounts (capital, intermediate and consumption goods).

Sources:
- UNSD "HS <year> to BEC Conversion and Correlation Tables" for HS1996, HS2002, HS2007,
  HS2012, HS2017 and HS2022, and BEC4_DESC (the BEC Rev.4 categories), as redistributed by the
  R package `concordance` 2.1.0 (MIT) and converted to CSV (`hs<year>_to_bec.csv`,
  `bec4_categories.csv`; ../shared/data/real/hs-concordance/SOURCE.txt).
- UNSD "HS 2022 to HS 1992 Correlation Tables" (`hs2022_to_hs1992.csv`, same package): there
  is no HS1992 to BEC table, so an HS1992 code takes the BEC categories of the HS2022 codes
  correlated with it (derived here, marked `via-hs2022`). The e-waste subheadings 8549xx,
  new in HS2022 and correlated with about a thousand older codes each, are left out of that
  derivation (they would put almost every HS1992 code in their categories).
- The end-use classes of BEC Rev.4: United Nations, "Classification by Broad Economic
  Categories, Rev.4", Statistical Papers Series M No. 53 Rev.4 (2002), the correspondence of
  the basic categories with the SNA basic classes of goods: capital goods 41, 521;
  intermediate goods 111, 121, 21, 22, 31, 322, 42, 53; consumption goods 112, 122, 522, 61,
  62, 63; not assigned: 321 (motor spirit), 51 (passenger motor cars), 7 (goods n.e.s.).
  The UNSD tables use 32 (processed fuels, motor spirit and the rest together) for petroleum
  oils 2710xx: it is not assigned either, since part of it is motor spirit.

Outputs:
- hs_bec.csv.gz (gzip of CSV, mtime 0), columns `code,editions,bec,how`: `code` a 6-digit
  subheading, or a 4-digit heading / 2-digit chapter with the BEC categories of all its
  subheadings in that edition; `editions` digits of H0..H6 as in hs_names.csv.gz; `bec` the
  `|`-separated BEC codes, sorted (several where UNSD correlates a code with several);
  `how` `unsd` (the UNSD table), `via-hs2022` (HS1992, derived as above) or `rollup` (a
  heading or chapter from its subheadings).
- bec.csv, columns `code,description,parent,level,end_use`: the 29 BEC categories and their
  end-use class (`capital`, `intermediate`, `consumption`, or empty: not assigned).

Usage: python3 tools/build_bec.py [CONCORDANCE_DIR]  (default
/work/shared/data/real/hs-concordance or env HS_CONCORDANCE_DIR). Standard library only.
"""
import csv
import gzip
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "..", "data", "ref")
TABLES = {1: "hs1996", 2: "hs2002", 3: "hs2007", 4: "hs2012", 5: "hs2017", 6: "hs2022"}
ROWS = {1: 5334, 2: 5351, 3: 5050, 4: 5283, 5: 5511, 6: 5926}
END_USE = {
    "capital": ["41", "521"],
    "intermediate": ["111", "121", "21", "22", "31", "322", "42", "53"],
    "consumption": ["112", "122", "522", "61", "62", "63"],
}


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "HS_CONCORDANCE_DIR", "/work/shared/data/real/hs-concordance")
    cats = [r for r in read_csv(os.path.join(d, "bec4_categories.csv")) if r["code"] != "TOTAL"]
    assert len(cats) == 29, len(cats)
    known = {r["code"] for r in cats}
    end_use = {c: k for k, cs in END_USE.items() for c in cs}
    assert set(end_use) <= known
    bec = {}  # (edition, code) -> set of BEC codes
    for e, name in TABLES.items():
        rows = read_csv(os.path.join(d, "%s_to_bec.csv" % name))
        assert len(rows) == ROWS[e], (name, len(rows))
        for r in rows:
            code, b = r["hs_code"], r["bec_code"]
            assert len(code) == 6, r
            if b == "n/a":  # monetary gold and 711890: outside the scope of BEC
                continue
            assert b in known, r
            bec.setdefault((e, code), set()).add(b)
    how = {k: "unsd" for k in bec}
    # HS1992 via the HS2022 correlations, without the e-waste subheadings 8549xx.
    corr = read_csv(os.path.join(d, "hs2022_to_hs1992.csv"))
    assert len(corr) == 18900, len(corr)
    for r in corr:
        if r["from_code"].startswith("8549"):
            continue
        got = bec.get((6, r["from_code"]))
        if got:
            bec.setdefault((0, r["to_code"]), set()).update(got)
            how[(0, r["to_code"])] = "via-hs2022"
    # Headings and chapters: the categories of all their subheadings.
    for (e, code), b in list(bec.items()):
        for up in (code[:4], code[:2]):
            bec.setdefault((e, up), set()).update(b)
            how[(e, up)] = "rollup"
    # Spot checks (SOURCE.txt of the concordance).
    assert bec[(5, "870323")] == {"51"} and bec[(6, "870323")] == {"51"}
    assert (2, "710820") not in bec
    assert bec[(0, "870323")] == {"51"}, bec[(0, "870323")]
    grouped = {}
    for (e, code), b in bec.items():
        grouped.setdefault((code, "|".join(sorted(b)), how[(e, code)]), []).append(e)
    rows = sorted((c, "".join(str(e) for e in sorted(es)), b, h) for (c, b, h), es in grouped.items())
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "editions", "bec", "how"])
    w.writerows(rows)
    with open(os.path.join(REF, "hs_bec.csv.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(buf.getvalue().encode("utf-8"))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["code", "description", "parent", "level", "end_use"])
    for r in cats:
        w.writerow([r["code"], r["description"], "" if r["parent_code"] == "TOTAL" else r["parent_code"],
                    r["level"], end_use.get(r["code"], "")])
    with open(os.path.join(REF, "bec.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    print("wrote hs_bec.csv.gz (%d rows) and bec.csv (%d categories)" % (len(rows), len(cats)))


if __name__ == "__main__":
    main()
