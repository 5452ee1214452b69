#!/usr/bin/env python3
"""Build data/ref/countries.csv (one row per UN Comtrade / CEPII BACI numeric country code) and
data/ref/country_legacy.csv (codes no longer in use, or used by other agencies, that research data
still write, with what each stands for in countries.csv).

Facts (codes, ISO codes, validity years, M49 regions, alternative names) are read from
third-party reference files under SOURCE_DIR (default /work/shared/data/real, or env
COUNTRY_SOURCE_DIR); the table itself (columns, short names, kinds, conflict resolution) is ours.
See data/ref/README.md, sections "countries.csv" and "country_legacy.csv", for the rules.

Usage: python3 tools/build_countries.py [SOURCE_DIR]
Standard library only. Fails (AssertionError / SystemExit) instead of writing a bad table.
"""
import csv
import io
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "ref", "countries.csv")
OUT_LEGACY = os.path.join(HERE, "..", "data", "ref", "country_legacy.csv")
# Debian's iso-codes package (LGPL-2.1): ISO 3166-3 withdrawn codes, used to check LEGACY when it
# is installed (the build does not need it).
ISO_3166_3_JSON = "/usr/share/iso-codes/json/iso_3166-3.json"
SRC = (sys.argv[1] if len(sys.argv) > 1
       else os.environ.get("COUNTRY_SOURCE_DIR", "/work/shared/data/real"))

HEADER = ["code", "iso3", "iso2", "iso_numeric", "name", "aliases", "region", "subregion",
          "intermediate_region", "valid_from", "valid_to", "kind"]
LEGACY_HEADER = ["legacy", "iso3", "code", "relation", "withdrawn", "name", "sources"]


def src(*parts):
    return os.path.join(SRC, *parts)


def read_csv(path, encoding="utf-8"):
    with open(path, newline="", encoding=encoding) as f:
        return list(csv.DictReader(f))


def year(s):
    """Comtrade writes 1900.0; we write 1900. Empty stays None."""
    s = (s or "").strip()
    return int(float(s)) if s else None


# ---------------------------------------------------------------------------------------------
# Our decisions (documented in data/ref/README.md)
# ---------------------------------------------------------------------------------------------

# iso3 for World (Comtrade writes "World" in iso_3 and "W00" in API data).
WORLD_ISO3 = "WLD"

# Where Comtrade gives one iso3 to several codes with overlapping validity, the code listed here
# keeps the plain iso3; the others get "<iso3>_<code>" (e.g. USA_840). The build fails if an
# overlap appears that is not listed here.
ISO3_PRIMARY = {"USA": 842, "CHE": 757, "NOR": 579, "FRA": 251, "ITA": 380, "A79": 636}

# Rows that get an ISO code of their own instead of "<iso3>_<code>" (none at present: 250
# "Metropolitan France" is FRA_250, so that UN M49 250, France, means France; FXX, the withdrawn
# ISO code of Metropolitan France, is in LEGACY).
SPECIAL_ISO = {}

# Comtrade says 736 "Sudan (...2011)" exits in 2011 and 729 "Sudan" enters in 2011 (both SDN).
# Comtrade data use 736 for 2011 (e.g. Thailand shrimp exports, comtradr vignette), so 729 starts
# in 2012 in our table.
YEAR_FIXES = {729: ("valid_from", 2011, 2012)}

# Rows that denote the same country as a "primary" row over the same years (partial/variant
# territory or an older code). On an alias clash the primary keeps the alias.
VARIANT_OF = {840: 842, 756: 757, 578: 579, 250: 251, 381: 380}

# Former entities without an exit year in Comtrade.
EXTRA_HISTORICAL = {80, 488, 849, 872, 381}
# Non-country entities that have an ISO-looking iso3 (492 "Europe EU, nes" carries MCO/MC).
EXTRA_AREA = {492, 536, 830}
# Comtrade groups (group=True) that we classify as area: 490 is group=True only in reporter.csv.
GROUP_AS_AREA = {490}
# Non-ISO entities that are countries in practice.
EXTRA_COUNTRY = {412}

# Region for rows whose iso_numeric is not in M49: take it from this code's row.
REGION_FROM = {
    810: 643, 890: 688, 891: 688, 200: 203, 278: 276, 530: 531, 532: 531, 720: 887,
    866: 704, 582: 583, 592: 591, 80: 10, 849: 581, 488: 581, 872: 581, 647: 392,
    457: 458, 459: 458, 461: 458, 698: 699, 717: 716, 835: 834, 836: 834, 711: 710,
    412: 688, 250: 251,
}

# Short English names for rows where neither CLDR (via iso3) nor Comtrade gives a good one.
NAME_OVERRIDE = {
    0: "World", 97: "European Union", 975: "ASEAN",
    58: "Belgium-Luxembourg", 80: "British Antarctic Territory", 175: "Mayotte",
    254: "French Guiana", 312: "Guadeloupe", 638: "Réunion",
    200: "Czechoslovakia", 230: "Ethiopia (...1992)", 250: "Metropolitan France",
    278: "East Germany", 280: "West Germany", 356: "India (...1974)",
    381: "Italy (BACI code 381)", 412: "Kosovo", 457: "Sarawak", 459: "Peninsula Malaysia",
    461: "Sabah", 488: "Midway Islands", 530: "Netherlands Antilles",
    532: "Netherlands Antilles and Aruba", 536: "Neutral Zone",
    578: "Norway excl. Svalbard and Jan Mayen", 582: "Trust Territory of the Pacific Islands",
    588: "East and West Pakistan", 590: "Panama excl. Canal Zone (...1977)",
    592: "Panama Canal Zone", 647: "Ryukyu Islands", 658: "Saint Kitts, Nevis and Anguilla",
    698: "Sikkim", 711: "Southern African Customs Union", 717: "Rhodesia and Nyasaland",
    720: "South Yemen", 736: "Sudan (...2011)", 756: "Switzerland excl. Liechtenstein",
    810: "USSR", 830: "Channel Islands", 835: "Tanganyika", 836: "Zanzibar and Pemba",
    840: "United States excl. Puerto Rico and US Virgin Islands",
    841: "United States and Puerto Rico (...1980)", 849: "US Miscellaneous Pacific Islands",
    850: "US Virgin Islands", 866: "North Vietnam", 868: "South Vietnam", 872: "Wake Island",
    886: "North Yemen", 890: "Yugoslavia", 891: "Serbia and Montenegro",
}

# CLDR short names (country-codes "CLDR display name") adjusted to analysts' usage, by iso3.
CLDR_FIX = {
    "USA": "United States", "GBR": "United Kingdom", "COG": "Congo", "COD": "DR Congo",
    "BIH": "Bosnia and Herzegovina", "BES": "Bonaire, Sint Eustatius and Saba",
    "UMI": "US Minor Outlying Islands", "VIR": "US Virgin Islands",
    "CCK": "Cocos (Keeling) Islands", "HMD": "Heard Island and McDonald Islands",
    "SGS": "South Georgia and the South Sandwich Islands", "PSE": "Palestine",
    "VCT": "Saint Vincent and the Grenadines",
}

# Codes that research data write but countries.csv does not carry as iso3/iso2: withdrawn ISO
# codes (ISO 3166-3, and ISO 3166-1 changes), and the codes of CEPII, World Bank, IMF and Eurostat
# tables. (legacy code, target iso3 in countries.csv or None, target code, relation, withdrawn,
# name, sources). relation:
#   renamed  the same country, whose code was changed (ISO: "name changed"); resolves to the
#            current code
#   merged   absorbed by one country (FXX, Metropolitan France, into France)
#   same     the same entity, which countries.csv writes under another code (KSV -> _KS Kosovo,
#            YAR -> 886 North Yemen, which Comtrade writes YEM)
#   own      an entity without a row: the code is kept as written, with a name (HWI Hawaii:
#            mapping it to the USA would turn its trade with the USA into domestic trade)
# Dissolved states (SUN, YUG, CSK, DDR, SCG, ANT, YMD, ...) have rows of their own in
# countries.csv and keep them: they are never mapped to one successor.
# Sources (keys; cited in data/ref/README.md):
#   ISO3166-3   ISO 3166-3 withdrawn codes (checked against Debian iso-codes iso_3166-3.json)
#   ISO-NL-V-3  ISO 3166-1 Newsletter V-3: Romania ROM -> ROU, effective 2002-02-01
#   COMTRADE-2012  old UN Comtrade country list (comtrade-legacy/country_data.csv): 642 ROM, 626 TMP
#   CHELEM      CEPII CHELEM country grouping (baci-codes/chelem_classification.csv): ROM, KSV
#   TRADHIST    CEPII TRADHIST bilateral flows (tradhist/tradeflow_xx.csv): ROM, YAR, HWI
#   WDI         World Bank WDI country notes: "WB-3 code changed from ADO to AND"
#   WEO         IMF World Economic Outlook: UVK Kosovo, WBG West Bank and Gaza
#   EUROSTAT    Eurostat country codes: EL Greece, UK United Kingdom, XK Kosovo
#   X-CODES     ISO 3166-1 user-assigned code elements (X..): XKX for Kosovo
LEGACY = [
    ("ADO", "AND", 20, "renamed", None, "Andorra", ["WDI"]),
    ("AFI", "DJI", 262, "renamed", 1977, "French Afars and Issas", ["ISO3166-3"]),
    ("BUR", "MMR", 104, "renamed", 1989, "Burma", ["ISO3166-3"]),
    ("BYS", "BLR", 112, "renamed", 1992, "Byelorussian SSR", ["ISO3166-3"]),
    ("DHY", "BEN", 204, "renamed", 1977, "Dahomey", ["ISO3166-3"]),
    ("HVO", "BFA", 854, "renamed", 1984, "Upper Volta", ["ISO3166-3"]),
    ("NHB", "VUT", 548, "renamed", 1980, "New Hebrides", ["ISO3166-3"]),
    ("RHO", "ZWE", 716, "renamed", 1980, "Southern Rhodesia", ["ISO3166-3"]),
    ("ROM", "ROU", 642, "renamed", 2002, "Romania",
     ["ISO-NL-V-3", "COMTRADE-2012", "CHELEM", "TRADHIST"]),
    ("TMP", "TLS", 626, "renamed", 2002, "East Timor", ["ISO3166-3", "COMTRADE-2012"]),
    ("ZAR", "COD", 180, "renamed", 1997, "Zaire", ["ISO3166-3"]),
    ("FXX", "FRA", 251, "merged", 1997, "Metropolitan France", ["ISO3166-3"]),
    ("MID", "_MI", 488, "same", 1986, "Midway Islands", ["ISO3166-3"]),
    ("WAK", "_WI", 872, "same", 1986, "Wake Island", ["ISO3166-3"]),
    ("SKM", "_SM", 698, "same", 1975, "Sikkim", ["ISO3166-3"]),
    ("YAR", "YEM", 886, "same", None, "Yemen Arab Republic", ["TRADHIST"]),
    ("KSV", "_KS", 412, "same", None, "Kosovo", ["CHELEM"]),
    ("UVK", "_KS", 412, "same", None, "Kosovo", ["WEO"]),
    ("XKX", "_KS", 412, "same", None, "Kosovo", ["X-CODES"]),
    ("XK", "_KS", 412, "same", None, "Kosovo", ["EUROSTAT"]),
    ("WBG", "PSE", 275, "same", None, "West Bank and Gaza", ["WEO"]),
    ("EL", "GRC", 300, "same", None, "Greece", ["EUROSTAT"]),
    ("UK", "GBR", 826, "same", None, "United Kingdom", ["EUROSTAT"]),
    ("HWI", None, None, "own", None, "Hawaii", ["TRADHIST"]),
]

# Common alternative spellings not found in the sources (our own list), by code.
EXTRA_ALIASES = {
    842: ["U.S.", "US", "United States of America", "USA"],
    410: ["South Korea", "Korea, Rep.", "Korea, Republic of"],
    408: ["North Korea", "Korea, Dem. Rep.", "Korea, Dem. People's Rep.", "DPRK"],
    643: ["Russia"], 364: ["Iran", "Iran, Islamic Rep."], 704: ["Vietnam"],
    203: ["Czech Republic"], 792: ["Turkey", "Turkiye"], 384: ["Ivory Coast"],
    748: ["Swaziland"], 807: ["Macedonia"], 104: ["Burma"], 132: ["Cape Verde"],
    626: ["East Timor"], 418: ["Laos", "Lao PDR"], 760: ["Syria"], 862: ["Venezuela, RB"],
    818: ["Egypt, Arab Rep."], 887: ["Yemen, Rep."], 180: ["Congo, Dem. Rep.", "DRC"],
    178: ["Congo, Rep.", "Republic of the Congo"], 270: ["Gambia, The", "The Gambia"],
    44: ["Bahamas, The"], 344: ["Hong Kong SAR, China", "Hong Kong, China"],
    446: ["Macao SAR, China", "Macau"], 417: ["Kyrgyz Republic"], 703: ["Slovak Republic"],
    583: ["Micronesia, Fed. Sts."], 826: ["UK", "Great Britain", "Britain"], 784: ["UAE"],
    834: ["Tanzania"], 498: ["Moldova"], 275: ["Palestine", "West Bank and Gaza"],
    662: ["St. Lucia"], 659: ["St. Kitts and Nevis"], 670: ["St. Vincent and the Grenadines"],
    68: ["Bolivia"], 0: ["W00"], 810: ["Soviet Union"],
    278: ["German Democratic Republic", "GDR"], 886: ["Yemen Arab Republic"],
    720: ["People's Democratic Republic of Yemen"],
    866: ["Democratic Republic of Vietnam"], 868: ["Republic of Vietnam"],
    890: ["Socialist Federal Republic of Yugoslavia", "SFR Yugoslavia"],
    891: ["Federal Republic of Yugoslavia"], 97: ["EU"],
}

# ---------------------------------------------------------------------------------------------
# Read the sources
# ---------------------------------------------------------------------------------------------

partner = read_csv(src("comtrade-reference", "partner.csv"))
reporter = read_csv(src("comtrade-reference", "reporter.csv"))
baci24 = read_csv(src("baci-codes", "country_codes_V202401.csv"))
# V202201 is Latin-1 (Côte, Curaçao, Barthélemy), not UTF-8.
baci22 = read_csv(src("baci-extract", "country_codes_V202201.csv"), encoding="latin-1")
isotab = read_csv(src("country-codes", "country-codes.csv"))
unsd = read_csv(src("country-codes", "UNSD-en.csv"), encoding="utf-8-sig")

comtrade = {}  # code -> record (partner first, then reporter-only codes)
group_flag = {}
for rec in partner + reporter:
    code = int(rec["id"])
    group_flag[code] = group_flag.get(code, False) or rec["group"] == "True"
    if code not in comtrade:
        comtrade[code] = rec
ct_reporter = {int(r["id"]) for r in reporter}

b24 = {int(r["country_code"]): r for r in baci24}
b22 = {int(r["country_code"]): r for r in baci22}

iso_by3 = {r["ISO3166-1-Alpha-3"]: r for r in isotab if r["ISO3166-1-Alpha-3"]}
m49 = {}
for r in unsd:
    m49[int(r["M49 Code"])] = (r["Region Name"], r["Sub-region Name"],
                               r["Intermediate Region Name"])
for r in isotab:  # same values; checked below
    if r["M49"]:
        reg = (r["Region Name"], r["Sub-region Name"], r["Intermediate Region Name"])
        assert m49.get(int(r["M49"]), reg) == reg, ("M49 sources disagree", r["M49"])
        m49.setdefault(int(r["M49"]), reg)

report = {"baci_vs_comtrade": [], "iso3_renamed": [], "alias_dropped": [], "alias_to_primary": [],
          "iso2_dropped": [], "unmapped_eu": [], "year_fixes": []}

# ---------------------------------------------------------------------------------------------
# Build rows
# ---------------------------------------------------------------------------------------------

all_codes = sorted(set(comtrade) | set(b24) | set(b22))
rows = {}
for code in all_codes:
    ct = comtrade.get(code)
    bi = b24.get(code, {}).get("country_iso3", "")
    bj = b22.get(code, {}).get("iso_3digit_alpha", "")
    if ct:
        iso3 = ct["iso_3"].strip()
        for b in (bi, bj):
            if b and b != "N/A" and b != iso3:
                report["baci_vs_comtrade"].append((code, iso3, b))
        iso2 = ct["iso_2"].strip()
        vf, vt = year(ct["entry_year"]), year(ct["exit_year"])
        cname = ct["country"].strip()
    else:  # BACI-only code
        iso3 = bi or bj
        iso2 = b22.get(code, {}).get("iso_2digit_alpha", "").strip()
        vf = vt = None
        cname = b22.get(code, {}).get("country_name_abbreviation", "").strip()
    if code == 0:
        iso3 = WORLD_ISO3
    rows[code] = {"code": code, "iso3": iso3, "iso2": iso2, "valid_from": vf, "valid_to": vt,
                  "cname": cname, "src_iso3": iso3}

for code, (field, old, new) in YEAR_FIXES.items():
    assert rows[code][field] == old, ("year fix no longer applies", code, rows[code][field])
    rows[code][field] = new
    report["year_fixes"].append((code, field, old, new))


def overlaps(a, b):
    lo_a = a["valid_from"] if a["valid_from"] is not None else -10**9
    hi_a = a["valid_to"] if a["valid_to"] is not None else 10**9
    lo_b = b["valid_from"] if b["valid_from"] is not None else -10**9
    hi_b = b["valid_to"] if b["valid_to"] is not None else 10**9
    return lo_a <= hi_b and lo_b <= hi_a


# iso3 overlaps -> "<iso3>_<code>" for the non-primary rows
by3 = {}
for r in rows.values():
    by3.setdefault(r["iso3"], []).append(r)
for iso3, rs in sorted(by3.items()):
    if not any(r is not s and overlaps(r, s) for r in rs for s in rs):
        continue
    assert iso3 in ISO3_PRIMARY, ("unhandled iso3 overlap", iso3, sorted(r["code"] for r in rs))
    prim = rows[ISO3_PRIMARY[iso3]]
    assert prim["iso3"] == iso3, ("primary does not carry the iso3", iso3, prim["code"])
    for r in rs:
        if r is not prim and overlaps(r, prim):
            if r["code"] in SPECIAL_ISO:
                r["iso3"], r["iso2"], r["special_num"] = SPECIAL_ISO[r["code"]]
            else:
                r["iso3"] = "%s_%d" % (iso3, r["code"])
                r["iso2"] = ""
            report["iso3_renamed"].append((r["code"], iso3, r["iso3"]))
    rest = [r for r in rs if r["iso3"] == iso3]
    assert not any(r is not s and overlaps(r, s) for r in rest for s in rest), \
        ("iso3 overlap remains", iso3)


def kind_of(r):
    code = r["code"]
    if code == 0:
        return "world"
    if group_flag.get(code) and code not in GROUP_AS_AREA:
        return "group"
    if r["valid_to"] is not None or code in EXTRA_HISTORICAL:
        return "historical"
    if code in EXTRA_AREA or re.search(r",\s*nes$", r["cname"]) or code in GROUP_AS_AREA:
        return "area"
    if r["iso3"] in iso_by3 or code in VARIANT_OF or code in EXTRA_COUNTRY:
        return "country"
    return "area"


for r in rows.values():
    r["kind"] = kind_of(r)

# iso_numeric: ISO numeric of the (source) iso3 when it is an ISO 3166-1 code; 490 -> Taiwan.
for r in rows.values():
    num = None
    if "special_num" in r:
        num = r["special_num"]
    elif r["kind"] not in ("area", "group", "world") and r["src_iso3"] in iso_by3:
        num = int(iso_by3[r["src_iso3"]]["ISO3166-1-numeric"])
    if r["code"] == 490:
        num = int(iso_by3["TWN"]["ISO3166-1-numeric"])
    r["iso_numeric"] = num

# iso2: ISO alpha-2 for ISO rows (from the ISO table), Comtrade's for former entities,
# EU for the European Union; none for areas and synthetic iso3.
for r in rows.values():
    if r["kind"] in ("area", "world"):
        r["iso2"] = ""
    elif r["iso3"] in iso_by3 and r["iso3"] == r["src_iso3"]:
        r["iso2"] = iso_by3[r["iso3"]]["ISO3166-1-Alpha-2"].strip()
    elif not re.fullmatch(r"[A-Z]{2}", r["iso2"] or ""):
        r["iso2"] = ""

# iso2 clashes among overlapping rows: a current ISO country keeps it, the others lose it.
by2 = {}
for r in rows.values():
    if r["iso2"]:
        by2.setdefault(r["iso2"], []).append(r)
for iso2, rs in sorted(by2.items()):
    for r in rs:
        for s in rs:
            if r is s or not overlaps(r, s) or not r["iso2"] or not s["iso2"]:
                continue
            keep = [x for x in (r, s) if x["kind"] == "country" and x["iso3"] in iso_by3]
            for x in (r, s):
                if x not in keep:
                    report["iso2_dropped"].append((x["code"], x["iso2"]))
                    x["iso2"] = ""

# Regions
for r in rows.values():
    reg = ("", "", "")
    if r["kind"] not in ("area", "group", "world") or r["code"] == 490:
        n = r["iso_numeric"]
        if n is not None and n in m49:
            reg = m49[n]
        elif r["code"] in REGION_FROM:
            s = rows[REGION_FROM[r["code"]]]
            assert s["iso_numeric"] in m49, ("region source without M49", r["code"])
            reg = m49[s["iso_numeric"]]
    r["region"], r["subregion"], r["intermediate_region"] = reg


# Names
def clean_name(s):
    s = (s or "").replace("\u2019", "'").replace(" & ", " and ")
    s = re.sub(r"^St\. ", "Saint ", s)
    return re.sub(r"\s+", " ", s).strip()


for r in rows.values():
    code = r["code"]
    if code in NAME_OVERRIDE:
        name = NAME_OVERRIDE[code]
    elif r["kind"] == "country" and r["iso3"] in iso_by3:
        name = CLDR_FIX.get(r["iso3"]) or clean_name(iso_by3[r["iso3"]]["CLDR display name"])
    else:
        name = clean_name(r["cname"])
    assert name, ("no name", code)
    r["name"] = name


# Aliases
def norm_alias(s):
    s = (s or "").replace("*", "").replace("\u2019", "'")
    s = re.sub(r"\s*\((the)\)\s*$", "", s.strip(), flags=re.I)
    s = re.sub(r"^the\s+", "", s.strip(), flags=re.I)
    return re.sub(r"\s+", " ", s).strip()


def ascii_fold(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


for r in rows.values():
    code = r["code"]
    cand = []
    ct = comtrade.get(code)
    if ct:
        cand += [ct["country"], ct["note"]]
    for b in (b22.get(code),):
        if b:
            cand += [b["country_name_abbreviation"], b["country_name_full"]]
    if r["iso3"] in iso_by3 and r["iso3"] == r["src_iso3"] and r["kind"] in ("country", "historical"):
        t = iso_by3[r["iso3"]]
        cand += [t["official_name_en"], t["UNTERM English Short"], t["UNTERM English Formal"],
                 t["CLDR display name"], clean_name(t["CLDR display name"])]
    cand += EXTRA_ALIASES.get(code, [])
    # The former name of a country whose code was changed ("Zaire" for DR Congo).
    cand += [lg[5] for lg in LEGACY if lg[3] == "renamed" and lg[2] == code]
    out = []
    for c in cand:
        c = norm_alias(c)
        if not c:
            continue
        variants = [c]
        stripped = re.sub(r"\s*\(\.\.\.\d{4}\)$", "", c)  # "Sudan (...2011)" -> "Sudan"
        if stripped != c:
            variants.append(stripped)
        for v in list(variants):
            f = ascii_fold(v)
            if f != v:
                variants.append(f)
        for v in variants:
            if v.lower() != r["name"].lower() and v.lower() not in {x.lower() for x in out}:
                out.append(v)
    f = ascii_fold(r["name"])
    if f.lower() != r["name"].lower() and f.lower() not in {x.lower() for x in out}:
        out.append(f)
    r["aliases"] = out

# Alias / name clashes between rows with overlapping validity.
names = {}
for r in rows.values():
    names.setdefault(r["name"].lower(), []).append(r)
for k, rs in names.items():
    for a in rs:
        for b in rs:
            assert a is b or not overlaps(a, b), ("duplicate name", a["code"], b["code"], k)

iso3_upper = {r["iso3"].upper(): r["code"] for r in rows.values()}
keys = {}
for r in rows.values():
    for a in r["aliases"]:
        keys.setdefault(a.lower(), []).append(r)
for k, rs in sorted(keys.items()):
    # an alias equal to another row's name: the name wins
    for r in rs:
        for o in names.get(k, []):
            if o is not r and overlaps(o, r):
                r["aliases"] = [a for a in r["aliases"] if a.lower() != k]
                report["alias_dropped"].append((k, r["code"], "is the name of %d" % o["code"]))
    # an alias equal to another row's iso3 would be shadowed by the iso3 lookup
    other = iso3_upper.get(k.upper())
    for r in rs:
        if other is not None and other != r["code"] and any(a.lower() == k for a in r["aliases"]):
            r["aliases"] = [a for a in r["aliases"] if a.lower() != k]
            report["alias_dropped"].append((k, r["code"], "is the iso3 of %d" % other))
    live = [r for r in rs if any(a.lower() == k for a in r["aliases"])]
    # a variant row (840 "United States of America") yields the alias to the other rows
    for r in live:
        if r["code"] in VARIANT_OF and any(
                s is not r and s["code"] not in VARIANT_OF and overlaps(r, s) for s in live):
            r["aliases"] = [a for a in r["aliases"] if a.lower() != k]
            report["alias_to_primary"].append((k, r["code"], VARIANT_OF[r["code"]]))
    live = [r for r in live if any(a.lower() == k for a in r["aliases"])]
    clash = [r for r in live if any(s is not r and overlaps(r, s) for s in live)]
    if clash:
        for r in clash:
            r["aliases"] = [a for a in r["aliases"] if a.lower() != k]
        report["alias_dropped"].append((k, sorted(r["code"] for r in clash), "ambiguous"))

# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------
table = [rows[c] for c in sorted(rows)]


def row(code):
    return rows[code]


def regions(r):
    return (r["region"], r["subregion"], r["intermediate_region"])


kaz = [r for r in table if r["iso3"] == "KAZ"]
assert len(kaz) == 1 and kaz[0]["code"] == 398 and kaz[0]["iso_numeric"] == 398, kaz
assert regions(kaz[0]) == ("Asia", "Central Asia", ""), regions(kaz[0])
mex = [r for r in table if r["iso3"] == "MEX"]
assert len(mex) == 1 and mex[0]["code"] == 484 and mex[0]["iso_numeric"] == 484, mex
assert regions(mex[0]) == ("Americas", "Latin America and the Caribbean", "Central America")
for code, iso3, num in [(842, "USA", 840), (251, "FRA", 250), (699, "IND", 356),
                        (757, "CHE", 756), (579, "NOR", 578), (490, "S19", 158)]:
    assert (row(code)["iso3"], row(code)["iso_numeric"]) == (iso3, num), row(code)
assert regions(row(842)) == ("Americas", "Northern America", "")
assert regions(row(490)) == ("Asia", "Eastern Asia", "")
assert regions(row(810))[:2] == ("Europe", "Eastern Europe")
assert regions(row(890))[:2] == ("Europe", "Southern Europe")
assert row(0)["iso3"] == "WLD" and row(0)["kind"] == "world"
assert [r["code"] for r in table if r["kind"] == "world"] == [0]
for code, iso3 in [(899, "_X"), (837, "X1"), (838, "X2"), (839, "XX"), (577, "F19"),
                   (568, "E19"), (636, "A79"), (472, "_AC"), (697, "R20")]:
    assert row(code)["iso3"] == iso3, (code, row(code)["iso3"])
for code, iso3 in [(810, "SUN"), (890, "YUG"), (200, "CSK"), (278, "DDR"), (530, "ANT"),
                   (891, "SCG")]:
    assert row(code)["iso3"] == iso3 and row(code)["kind"] == "historical", row(code)
assert row(842)["name"] == "United States" and "USA" in row(842)["aliases"]
assert "United States of America" in row(842)["aliases"]
assert "Republic of Kazakhstan" in row(398)["aliases"]
assert "United Mexican States" in row(484)["aliases"]
assert "Russian Federation" in row(643)["aliases"] and row(643)["name"] == "Russia"
assert "Republic of Korea" in row(410)["aliases"] and row(410)["name"] == "South Korea"
# one row per code, every source code present
assert len({r["code"] for r in table}) == len(table)
assert {r["code"] for r in table} == set(comtrade) | set(b24) | set(b22)
# non-empty iso3, no overlapping (iso3, validity); same for iso2 and for names/aliases
for r in table:
    assert r["iso3"] and r["name"] and r["kind"] in ("country", "historical", "area", "world",
                                                     "group"), r
    assert "|" not in r["name"] and all("|" not in a and a for a in r["aliases"]), r
    assert r["name"].lower() not in {a.lower() for a in r["aliases"]}, r
for attr in ("iso3", "iso2"):
    seen = {}
    for r in table:
        if r[attr]:
            seen.setdefault(r[attr], []).append(r)
    for v, rs in seen.items():
        for a in rs:
            for b in rs:
                assert a is b or not overlaps(a, b), ("overlapping %s" % attr, v, a["code"],
                                                      b["code"])
lookup_keys = {}
for r in table:
    for k in [r["name"]] + r["aliases"]:
        lookup_keys.setdefault(k.lower(), []).append(r)
for k, rs in lookup_keys.items():
    for a in rs:
        for b in rs:
            assert a is b or not overlaps(a, b), ("ambiguous name/alias", k, a["code"], b["code"])
current2 = {}
for r in table:
    if r["kind"] == "country" and r["valid_to"] is None and r["iso2"]:
        assert r["iso2"] not in current2, ("iso2 shared by current countries", r["iso2"])
        current2[r["iso2"]] = r["code"]


def resolve_iso3(text, yr):
    t = text.strip().upper()
    hits = [r for r in table if r["iso3"].upper() == t and overlaps(
        r, {"valid_from": yr, "valid_to": yr})]
    if not hits:
        hits = [r for r in table if t.lower() in {a.lower() for a in r["aliases"]}]
    return hits


eu = src("comtrade-plus-comtradr", "vignette_data_4__data_eu_imports.csv")
seen = set()
with open(eu, newline="", encoding="utf-8") as f:
    for rec in csv.DictReader(f):
        yr = int(float(rec["ref_year"]))
        for col, desc in (("reporter_iso", "reporter_desc"), ("partner_iso", "partner_desc")):
            key = (rec[col], yr)
            if key in seen:
                continue
            seen.add(key)
            hits = resolve_iso3(rec[col], yr)
            if len(hits) != 1:
                report["unmapped_eu"].append((rec[col], rec[desc], yr, len(hits)))
eu_codes = sorted({k[0] for k in seen})
assert len(resolve_iso3("W00", 2020)) == 1 and resolve_iso3("W00", 2020)[0]["code"] == 0

codes = {r["code"] for r in table}
with open(src("baci-extract", "ExampleTradeData.csv"), newline="") as f:
    ij = set()
    for rec in csv.DictReader(f):
        ij.add(int(rec["i"]))
        ij.add(int(rec["j"]))
assert ij <= codes, sorted(ij - codes)
with open(src("comtrade-legacy", "h3_china_india.csv"), newline="") as f:
    legacy = set()
    for rec in csv.DictReader(f):
        if rec.get("Reporter Code"):
            legacy.add(int(rec["Reporter Code"]))
            legacy.add(int(rec["Partner Code"]))
assert legacy and legacy <= codes, sorted(legacy - codes)

# ---------------------------------------------------------------------------------------------
# Legacy codes: checks
# ---------------------------------------------------------------------------------------------
def canonical(iso3):
    """USA_840 -> USA, as tradestat reads the table."""
    head, _, tail = iso3.partition("_")
    return head if head and tail.isdigit() else iso3


table_iso3 = {r["iso3"] for r in table}
table_iso2 = {r["iso2"] for r in table if r["iso2"]}
legacy_codes = [lg[0] for lg in LEGACY]
assert len(set(legacy_codes)) == len(legacy_codes), "legacy code listed twice"
for code, iso3, target, relation, withdrawn, name, sources in LEGACY:
    assert relation in ("renamed", "merged", "same", "own"), (code, relation)
    assert name and sources and "|" not in name, code
    # A legacy code never shadows a code of the table.
    assert code not in table_iso3, ("legacy code is an iso3 of the table", code)
    if len(code) == 2:
        assert code not in table_iso2, ("legacy code is an iso2 of the table", code)
    if relation == "own":
        assert iso3 is None and target is None, code
        continue
    r = rows[target]
    assert canonical(r["iso3"]) == iso3, ("legacy target", code, iso3, r["iso3"])
    if relation in ("renamed", "merged"):
        # Renamed into a country that exists today.
        assert r["kind"] == "country" and r["valid_to"] is None, ("legacy target", code, r)
# ISO 3166-3 facts (alpha-3 and the year of withdrawal), when Debian's iso-codes is installed.
if os.path.exists(ISO_3166_3_JSON):
    import json
    with open(ISO_3166_3_JSON, encoding="utf-8") as f:
        withdrawn = {e["alpha_3"]: e for e in json.load(f)["3166-3"]}
    for code, _, target, relation, year_out, _, sources in LEGACY:
        if "ISO3166-3" in sources:
            e = withdrawn[code]
            assert int(e["withdrawal_date"][:4]) == year_out, (code, e)
            # A renamed country keeps its numeric code; an entity of its own in Comtrade has
            # the ISO numeric code as its Comtrade code (488 Midway).
            if e.get("numeric") and relation == "renamed":
                assert int(e["numeric"]) == rows[target]["iso_numeric"], (code, e)
            elif e.get("numeric") and relation == "same":
                assert int(e["numeric"]) == target, (code, e)
    report["iso_3166_3_checked"] = sorted(c for c, *_, s in LEGACY if "ISO3166-3" in s)
# The old Comtrade list writes ROM for 642 and TMP for 626 (names are not quoted there, so the
# last four fields are read from the end).
with open(src("comtrade-legacy", "country_data.csv"), encoding="latin-1") as f:
    old = {}
    for line in f.read().splitlines()[1:]:
        parts = line.split(",")
        if parts[0].strip():
            old[int(parts[0])] = parts[-3]
for code, _, target, _, _, _, sources in LEGACY:
    if "COMTRADE-2012" in sources:
        assert old[target] == code, (code, old.get(target))


def resolves(code):
    return code in table_iso3 or code in legacy_codes


# Every code of CEPII's CHELEM grouping and of TRADHIST's bilateral file resolves.
with open(src("baci-codes", "chelem_classification.csv"), newline="") as f:
    chelem = {rec["iso_country"] for rec in csv.DictReader(f)}
assert {"ROM", "KSV"} <= chelem and all(resolves(c) for c in chelem), \
    sorted(c for c in chelem if not resolves(c))
with open(src("tradhist", "tradeflow_xx.csv"), newline="") as f:
    rd = csv.reader(f, delimiter=";")
    next(rd)
    tradhist = {c.strip() for rec in rd for c in rec[:2]}
assert {"ROM", "YAR", "HWI"} <= tradhist and all(resolves(c) for c in tradhist), \
    sorted(c for c in tradhist if not resolves(c))
# UN M49: every country or area code of UNSD-en.csv is a code of the table, or the ISO numeric
# code of a current row, and means the entity with that ISO3.
by_num = {r["code"]: canonical(r["iso3"]) for r in table}
for r in table:
    if r["iso_numeric"] is not None and r["valid_to"] is None:
        by_num.setdefault(r["iso_numeric"], canonical(r["iso3"]))
for rec in unsd:
    n, iso = int(rec["M49 Code"]), rec["ISO-alpha3 Code"]
    assert by_num.get(n) == iso, ("M49 code does not resolve", n, iso, by_num.get(n))

# ---------------------------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------------------------
buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
w.writerow(HEADER)


def opt(v):
    return "" if v is None else str(v)


for r in table:
    w.writerow([r["code"], r["iso3"], r["iso2"], opt(r["iso_numeric"]), r["name"],
                "|".join(r["aliases"]), r["region"], r["subregion"], r["intermediate_region"],
                opt(r["valid_from"]), opt(r["valid_to"]), r["kind"]])
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8", newline="") as f:
    f.write(buf.getvalue())

buf = io.StringIO()
w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
w.writerow(LEGACY_HEADER)
for code, iso3, target, relation, year_out, name, sources in sorted(LEGACY):
    w.writerow([code, iso3 or code, opt(target), relation, opt(year_out), name, " ".join(sources)])
with open(OUT_LEGACY, "w", encoding="utf-8", newline="") as f:
    f.write(buf.getvalue())

kinds = {}
for r in table:
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
print("wrote %s: %d rows, kinds %s" % (os.path.normpath(OUT), len(table), kinds))
print("wrote %s: %d legacy codes" % (os.path.normpath(OUT_LEGACY), len(LEGACY)))
print("ISO3/area codes in the EU-imports file: %d, unresolved: %s"
      % (len(eu_codes), report["unmapped_eu"] or "none"))
for k, v in report.items():
    if k != "unmapped_eu":
        print("%s: %s" % (k, v))
