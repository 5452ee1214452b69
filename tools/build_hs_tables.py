#!/usr/bin/env python3
"""Build data/ref/hs_sections.csv and data/ref/hs_chapters.csv.

The labels below are short presentation labels written for tradestat (not
copies of the official HS descriptions). The section/chapter structure is a
fact of the Harmonized System (HS 2022) and is checked against a reference
copy of the datasets/harmonized-system "core" dataset (UN Comtrade HS2022).

Usage: python3 tools/build_hs_tables.py [REFERENCE_DIR]
REFERENCE_DIR (default /work/shared/data/real/harmonized-system, or env
HS_REFERENCE_DIR) must contain harmonized-system.csv and sections.csv.
Standard library only.
"""
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "data", "ref")
DEFAULT_REF = "/work/shared/data/real/harmonized-system"
MAX_LABEL = 40

# (roman, number, first chapter, last chapter, label)
SECTIONS = [
    ("I", 1, 1, 5, "Live animals & animal products"),
    ("II", 2, 6, 14, "Vegetable products"),
    ("III", 3, 15, 15, "Fats & oils"),
    ("IV", 4, 16, 24, "Prepared foodstuffs, beverages, tobacco"),
    ("V", 5, 25, 27, "Mineral products"),
    ("VI", 6, 28, 38, "Chemical products"),
    ("VII", 7, 39, 40, "Plastics & rubber"),
    ("VIII", 8, 41, 43, "Hides, skins & leather"),
    ("IX", 9, 44, 46, "Wood & wood products"),
    ("X", 10, 47, 49, "Pulp, paper & paperboard"),
    ("XI", 11, 50, 63, "Textiles"),
    ("XII", 12, 64, 67, "Footwear & headgear"),
    ("XIII", 13, 68, 70, "Stone, ceramics & glass"),
    ("XIV", 14, 71, 71, "Pearls, precious stones & metals"),
    ("XV", 15, 72, 83, "Base metals"),
    ("XVI", 16, 84, 85, "Machinery & electrical equipment"),
    ("XVII", 17, 86, 89, "Vehicles, aircraft & vessels"),
    ("XVIII", 18, 90, 92, "Optical, medical & precision instruments"),
    ("XIX", 19, 93, 93, "Arms & ammunition"),
    ("XX", 20, 94, 96, "Miscellaneous manufactures"),
    ("XXI", 21, 97, 97, "Works of art & antiques"),
]

# chapter -> label. Section is derived from SECTIONS (98/99 have none).
CHAPTERS = {
    "01": "Live animals",
    "02": "Meat & edible offal",
    "03": "Fish & aquatic invertebrates",
    "04": "Dairy, eggs & honey",
    "05": "Other animal products",
    "06": "Live plants & cut flowers",
    "07": "Vegetables",
    "08": "Fruit & nuts",
    "09": "Coffee, tea & spices",
    "10": "Cereals",
    "11": "Milling products, malt & starches",
    "12": "Oil seeds & miscellaneous grains",
    "13": "Lac, gums & resins",
    "14": "Vegetable plaiting materials",
    "15": "Fats & oils",
    "16": "Meat & fish preparations",
    "17": "Sugars & confectionery",
    "18": "Cocoa & cocoa preparations",
    "19": "Cereal, flour & bakery preparations",
    "20": "Vegetable & fruit preparations",
    "21": "Miscellaneous edible preparations",
    "22": "Beverages & spirits",
    "23": "Food residues & animal fodder",
    "24": "Tobacco & nicotine products",
    "25": "Salt, sulphur, stone & cement",
    "26": "Ores, slag & ash",
    "27": "Mineral fuels & oils",
    "28": "Inorganic chemicals",
    "29": "Organic chemicals",
    "30": "Pharmaceutical products",
    "31": "Fertilizers",
    "32": "Tanning & dyeing extracts, paints",
    "33": "Essential oils & cosmetics",
    "34": "Soap, waxes & cleaning preparations",
    "35": "Albuminoids, glues & enzymes",
    "36": "Explosives & matches",
    "37": "Photographic goods",
    "38": "Miscellaneous chemical products",
    "39": "Plastics & articles thereof",
    "40": "Rubber & articles thereof",
    "41": "Raw hides, skins & leather",
    "42": "Leather articles & travel goods",
    "43": "Furskins & artificial fur",
    "44": "Wood & articles of wood",
    "45": "Cork & articles of cork",
    "46": "Straw & basketware",
    "47": "Wood pulp & recovered paper",
    "48": "Paper & paperboard",
    "49": "Printed books & newspapers",
    "50": "Silk",
    "51": "Wool & animal hair",
    "52": "Cotton",
    "53": "Other vegetable textile fibres",
    "54": "Man-made filaments",
    "55": "Man-made staple fibres",
    "56": "Wadding, felt, nonwovens & cordage",
    "57": "Carpets & floor coverings",
    "58": "Special woven fabrics & lace",
    "59": "Coated & technical textile fabrics",
    "60": "Knitted or crocheted fabrics",
    "61": "Knitted or crocheted apparel",
    "62": "Apparel, not knitted",
    "63": "Made-up textiles & worn clothing",
    "64": "Footwear",
    "65": "Headgear",
    "66": "Umbrellas & walking sticks",
    "67": "Feathers & artificial flowers",
    "68": "Articles of stone, plaster & cement",
    "69": "Ceramic products",
    "70": "Glass & glassware",
    "71": "Pearls, precious stones & metals",
    "72": "Iron & steel",
    "73": "Articles of iron or steel",
    "74": "Copper & articles thereof",
    "75": "Nickel & articles thereof",
    "76": "Aluminium & articles thereof",
    "77": "Reserved (77)",
    "78": "Lead & articles thereof",
    "79": "Zinc & articles thereof",
    "80": "Tin & articles thereof",
    "81": "Other base metals & cermets",
    "82": "Tools & cutlery of base metal",
    "83": "Miscellaneous articles of base metal",
    "84": "Machinery & mechanical appliances",
    "85": "Electrical machinery & equipment",
    "86": "Railway & tramway equipment",
    "87": "Vehicles other than railway",
    "88": "Aircraft & spacecraft",
    "89": "Ships & boats",
    "90": "Optical & medical instruments",
    "91": "Clocks & watches",
    "92": "Musical instruments",
    "93": "Arms & ammunition",
    "94": "Furniture & bedding",
    "95": "Toys, games & sports goods",
    "96": "Miscellaneous manufactured articles",
    "97": "Works of art & antiques",
    "98": "Special national provisions",
    "99": "Commodities not specified by kind",
}

RESERVED = {"77"}          # in HS range of section XV, not used in HS 2022
NO_SECTION = {"98", "99"}  # outside the 21 sections


def chapter_range(first, last):
    return "%02d" % first if first == last else "%02d-%02d" % (first, last)


def section_of(chapter):
    n = int(chapter)
    for roman, _, first, last, _ in SECTIONS:
        if first <= n <= last:
            return roman
    return ""


def read_reference(ref_dir):
    with open(os.path.join(ref_dir, "harmonized-system.csv"), encoding="utf-8", newline="") as f:
        ref_chapters = {r["hscode"]: r["section"] for r in csv.DictReader(f) if r["level"] == "2"}
    with open(os.path.join(ref_dir, "sections.csv"), encoding="utf-8-sig", newline="") as f:
        ref_sections = [r["section"] for r in csv.DictReader(f)]
    return ref_chapters, ref_sections


def check(ref_chapters, ref_sections):
    # sections: same 21 numerals in the same order, numbered 1..21, contiguous ranges
    assert [s[0] for s in SECTIONS] == ref_sections, (ref_sections,)
    assert [s[1] for s in SECTIONS] == list(range(1, 22))
    assert SECTIONS[0][2] == 1 and SECTIONS[-1][3] == 97
    for a, b in zip(SECTIONS, SECTIONS[1:]):
        assert b[2] == a[3] + 1, (a, b)
    # chapters: exactly 01..99
    assert sorted(CHAPTERS) == ["%02d" % i for i in range(1, 100)]
    # every reference chapter present with the same section
    # (the reference files chapter 99 under the pseudo-section "TOTAL"; we leave it empty)
    for ch, sec in ref_chapters.items():
        assert ch in CHAPTERS, ch
        want = "" if sec == "TOTAL" else sec
        assert section_of(ch) == want, (ch, sec, section_of(ch))
    # every section's range == the chapters the reference assigns to it (+ reserved 77 in XV)
    for roman, _, first, last, _ in SECTIONS:
        in_range = {"%02d" % i for i in range(first, last + 1)}
        ref_set = {c for c, s in ref_chapters.items() if s == roman}
        assert in_range - RESERVED == ref_set, (roman, sorted(in_range ^ ref_set))
        assert in_range == {c for c in CHAPTERS if section_of(c) == roman}
    # chapters not in the reference: exactly the reserved / special ones
    assert set(CHAPTERS) - set(ref_chapters) == RESERVED | {"98"}, sorted(set(CHAPTERS) - set(ref_chapters))
    assert {c for c in CHAPTERS if section_of(c) == ""} == NO_SECTION
    # labels
    for label in [s[4] for s in SECTIONS] + list(CHAPTERS.values()):
        assert 0 < len(label) <= MAX_LABEL and label == label.strip(), label


def render(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")  # QUOTE_MINIMAL (csv default)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def write(path, text):
    data = text.encode("utf-8")
    assert b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
    with open(path, "wb") as f:
        f.write(data)
    with open(path, "rb") as f:
        assert f.read() == data


def main():
    ref_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("HS_REFERENCE_DIR", DEFAULT_REF)
    check(*read_reference(ref_dir))
    sections = render(
        ["section", "number", "chapters", "label"],
        [(r, n, chapter_range(a, b), lbl) for r, n, a, b, lbl in SECTIONS],
    )
    chapters = render(
        ["chapter", "section", "label"],
        [(c, section_of(c), CHAPTERS[c]) for c in sorted(CHAPTERS)],
    )
    assert sections.count("\n") == 22 and chapters.count("\n") == 100
    os.makedirs(OUT_DIR, exist_ok=True)
    write(os.path.join(OUT_DIR, "hs_sections.csv"), sections)
    write(os.path.join(OUT_DIR, "hs_chapters.csv"), chapters)
    print("wrote hs_sections.csv (%d rows), hs_chapters.csv (%d rows)" % (len(SECTIONS), len(CHAPTERS)))


if __name__ == "__main__":
    main()
