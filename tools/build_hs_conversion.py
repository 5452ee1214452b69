#!/usr/bin/env python3
"""Build data/ref/hs_conversion.csv.gz: for every HS2022 subheading, its counterparts in
HS1992, HS1996, HS2002, HS2007, HS2012 and HS2017, from the UNSD correlation and conversion
tables, for `--hs-edition` (HS codes of different editions harmonised).

Source: UNSD "HS 2022 to HS 1992/1996/2002/2007/2012/2017 Correlation and Conversion Tables"
(https://unstats.un.org/unsd/trade/classifications/correspondence-tables.asp), as
redistributed by the R package `concordance` 2.1.0 (MIT) and converted to CSV
(`hs2022_to_hs<year>.csv`, columns from_code,to_code,relationship,in_conversion_table; see
../shared/data/real/hs-concordance/SOURCE.txt).

Output (gzip of CSV, mtime 0), columns `hs2022,h0,h1,h2,h3,h4,h5`: per HS2022 code, in each
older edition the `|`-separated codes correlated with it, **the conversion target first** (the
one code UNSD's conversion table gives it), then the others sorted. The HS2022 codes
correlated with more than 100 codes of an edition keep their conversion target only there: the
e-waste subheadings 8549xx (about a thousand each), the flat panel display modules 8524xx and
852990 (483 each), and parts of semiconductor devices and circuits 854151/854159 and
854231-854239, so that they do not make every older code they touch ambiguous.

How tradestat uses it (src/reference.rs, `HsConversion`): a code `c` of edition A goes to
edition B through the HS2022 codes that stand for it (those whose conversion target in A is
`c`, else those correlated with it; `c` itself for A = HS2022), each taken to its conversion
target in B; `c` is converted where they all give one code, and kept (and named in a note)
where they give several.

Usage: python3 tools/build_hs_conversion.py [CONCORDANCE_DIR] (default
/work/shared/data/real/hs-concordance or env HS_CONCORDANCE_DIR). Standard library only.
"""
import csv
import gzip
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "ref", "hs_conversion.csv.gz")
YEARS = ["1992", "1996", "2002", "2007", "2012", "2017"]
MAX_CORRELATED = 100  # more than this: a reclassification of parts or waste, not a product
ROWS = {"1992": 18900, "1996": 18600, "2002": 18242, "2007": 16635, "2012": 16377, "2017": 15657}


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "HS_CONCORDANCE_DIR", "/work/shared/data/real/hs-concordance")
    conv = [dict() for _ in YEARS]
    corr = [dict() for _ in YEARS]
    wide = set()
    for e, y in enumerate(YEARS):
        with open(os.path.join(d, "hs2022_to_hs%s.csv" % y), encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == ROWS[y], (y, len(rows))
        for r in rows:
            a, b = r["from_code"], r["to_code"]
            assert len(a) == 6 and len(b) == 6, r
            if r["in_conversion_table"] == "1":
                assert a not in conv[e], r
                conv[e][a] = b
            else:
                corr[e].setdefault(a, set()).add(b)
        for a, bs in corr[e].items():
            if len(bs) >= MAX_CORRELATED:
                wide.add(a)
        for a in wide:
            corr[e].pop(a, None)
    # The codes dropped are those the SOURCE.txt names, in some edition.
    assert {a[:4] for a in wide} == {"8549", "8524", "8529", "8541", "8542"}, sorted(wide)
    codes = sorted(conv[0])
    assert len(codes) == 5613 and all(set(c) == set(codes) for c in conv)
    out = []
    for c in codes:
        row = [c]
        for e in range(len(YEARS)):
            others = sorted(corr[e].get(c, set()) - {conv[e][c]})
            row.append("|".join([conv[e][c]] + others))
        out.append(row)
    # Spot checks (SOURCE.txt): 851713 -> 851712 in HS2017; 382211 -> 300211 (conversion),
    # 300213/300214/300215 correlated; 854911 -> 854810 only.
    by = {r[0]: r for r in out}
    assert by["851713"][6] == "851712"
    assert by["382211"][6] == "300211|300213|300214|300215"
    assert by["854911"][6] == "854810"
    assert by["010121"][1] == "010111|010120"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["hs2022", "h0", "h1", "h2", "h3", "h4", "h5"])
    w.writerows(out)
    with open(OUT, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(buf.getvalue().encode("utf-8"))
    print("wrote %s: %d rows, %d bytes" % (os.path.relpath(OUT), len(out), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
