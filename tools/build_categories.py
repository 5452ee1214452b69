#!/usr/bin/env python3
"""Build data/ref/categories.csv: the product categories the seed documents name, read as HS codes.

The seed documents name what is traded in words ("metal pipes", "molybdenum ore") and give no
value or code for it; data/seed.csv keeps those words as custom categories. This table is
tradestat's reading of each category as HS headings (4 digits) or chapters (2 digits), so a
report can say which HS section a category belongs to and a user can look the codes up in
real data. The reading is ours, not the documents': `reading` says how close it is.

Columns `category,hs,reading,why`:
- `category`: the category's code in data/seed.csv (its `product`).
- `hs`: `|`-separated HS headings or chapters, as HS 2012/2017 (the editions of the seed's
  years 2014 and 2018) and HS 2022 write them; the script checks they exist in all three.
- `reading`: `exact` when the words are those of one HS heading (or its core: "air and vacuum
  pumps" is heading 8414, "air or vacuum pumps, air or other gas compressors and fans");
  `broad` when the words span several headings or chapters and the codes are a reading.
- `why`: one line on the choice.

Usage: python3 tools/build_categories.py [HS_NAMES]  (default data/ref/hs_names.csv.gz, the
table tools/build_hs_names.py writes). Standard library only.
"""
import csv
import gzip
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(ROOT, "data", "ref", "categories.csv")
SEED = os.path.join(ROOT, "data", "seed.csv")

CATEGORIES = [
    ("metal-pipes", "7304|7305|7306|7411|7608", "broad",
     "tubes and pipes of iron or steel (7304-7306), copper (7411) and aluminium (7608)"),
    ("electric-motors-generators", "8501", "exact", "heading 8501: electric motors and generators"),
    ("medical-devices", "9018|9019|9021|9022", "broad",
     "medical, surgical and dental instruments and appliances, therapy and X-ray apparatus"),
    ("medical-equipment", "9018|9019|9021|9022", "broad",
     "as medical-devices: the 2018 document's words for the same goods"),
    ("air-vacuum-pumps", "8414", "exact", "heading 8414: air or vacuum pumps, compressors and fans"),
    ("cars", "8703", "exact", "heading 8703: motor cars principally designed for persons"),
    ("cars-other-motor-vehicles", "8702|8703|8704|8705", "broad",
     "cars (8703) and the other motor vehicles of chapter 87 but tractors (8701, named apart)"),
    ("molybdenum-ores", "2613", "exact", "heading 2613: molybdenum ores and concentrates"),
    ("molybdenum-ore", "2613", "exact", "heading 2613: molybdenum ores and concentrates"),
    ("lead-ores", "2607", "exact", "heading 2607: lead ores and concentrates"),
    ("tractors", "8701", "exact", "heading 8701: tractors"),
    ("alcoholic-beverages", "2203|2204|2205|2206|2208", "broad",
     "beer, wine, vermouth, other fermented beverages and spirits (tequila is 220890)"),
    ("food-products", "16|17|18|19|20|21", "broad",
     "the prepared foodstuffs of section IV but beverages, fodder and tobacco (chapters 16-21)"),
    ("chemical-products", "28|29|30|31|32|33|34|35|36|37|38", "broad",
     "the products of the chemical industries, section VI (chapters 28-38)"),
]


def main():
    names = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "data", "ref", "hs_names.csv.gz")
    with gzip.open(names, "rt", encoding="utf-8", newline="") as f:
        editions = {}
        for r in csv.DictReader(f):
            editions.setdefault(r["code"], set()).update(r["editions"])
    # Every category of the seed is read, and only those.
    with open(SEED, encoding="utf-8", newline="") as f:
        seed = {r["product"] for r in csv.DictReader(f) if r["classification"] == "custom"
                and r["product"] != "TOTAL"}
    mine = [c[0] for c in CATEGORIES]
    assert len(set(mine)) == len(mine), "duplicate category"
    assert set(mine) == seed, (sorted(seed - set(mine)), sorted(set(mine) - seed))
    for cat, hs, reading, why in CATEGORIES:
        assert reading in ("exact", "broad"), cat
        assert reading != "exact" or len(hs.split("|")) == 1, cat
        assert why and len(why) <= 100, cat
        for code in hs.split("|"):
            assert len(code) in (2, 4) and code.isdigit(), (cat, code)
            # HS2012 (4), HS2017 (5) and HS2022 (6) all have it.
            assert {"4", "5", "6"} <= editions.get(code, set()), (cat, code)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["category", "hs", "reading", "why"])
    w.writerows(CATEGORIES)
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    print("wrote %s (%d categories)" % (os.path.relpath(OUT, ROOT), len(CATEGORIES)))


if __name__ == "__main__":
    main()
