#!/usr/bin/env python3
"""Convert tradestat's JSON output to the NORMALISED form of bench/peers/common.py.

    normalise_tradestat.py W1|W2|W3|inspect --json FILE    # tradestat output already saved
    normalise_tradestat.py W1|W2|W3|inspect DATAFILE [--tradestat BIN] [--save-raw FILE]
                                                           # runs tradestat itself
    normalise_tradestat.py --self-test                     # checks bench/testdata/*.json

The commands run (values already in USD, countries as ISO3):
    W1       tradestat profile DATAFILE -r 398 -p 484 --output json
    W2       tradestat profile DATAFILE -r 156 --output json
    W3       tradestat world DATAFILE --output json
    inspect  tradestat inspect DATAFILE --output json     (normalised: {"rows": n})
and, timed but not normalised (bench/harness.py checks that it wrote index.html):
    report   tradestat report DATAFILE -r 398 -p 484 -o DIR -q

Every JSON field name read is in FIELDS below: a renamed field is a one-line fix there.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP_N = 10

COMMANDS = {
    "W1": ["profile", "{file}", "-r", "398", "-p", "484", "--output", "json"],
    "W2": ["profile", "{file}", "-r", "156", "--output", "json"],
    "W3": ["world", "{file}", "--output", "json"],
    "inspect": ["inspect", "{file}", "--output", "json"],
    "report": ["report", "{file}", "-r", "398", "-p", "484", "-o", "{out}", "-q"],
}

FIELDS = {
    # profile: one row per year
    "flows": "flows", "year": "year", "exports": "exports", "imports": "imports",
    "turnover": "turnover", "balance": "balance",
    # profile -r A -p B
    "top_products": "top_products", "rank": "rank", "product": "product", "value": "value",
    "chapters": "chapters", "chapter": "chapter",
    # profile -r A
    "top_partners": "top_partners", "partner": "partner",
    "concentration": "concentration", "hhi": "hhi",
    # world: a list of rows (or an object holding it under "rows")
    "world_rows": "rows", "country": "country",
    # inspect: a list of {"file", "item", "value"}; the item "rows" holds "1,000,000"
    "item": "item", "item_value": "value", "rows_item": "rows",
}


class FormatError(Exception):
    pass


def get(obj: dict, name: str, where: str):
    key = FIELDS[name]
    if not isinstance(obj, dict) or key not in obj:
        keys = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise FormatError(f"{where}: no field {key!r} (have {keys}); fix FIELDS[{name!r}]")
    return obj[key]


def num(x, where: str) -> float | None:
    if x is None:
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        raise FormatError(f"{where}: {x!r} is not a number")


def year_map(flows: list, field: str) -> dict[str, float]:
    out = {}
    for n, row in enumerate(flows):
        y = str(int(get(row, "year", f"flows[{n}]")))
        v = num(get(row, field, f"flows[{n}]"), f"flows[{n}].{FIELDS[field]}")
        if v:
            out[y] = v
    return dict(sorted(out.items()))


def by_rank(rows: list, where: str) -> list:
    if not isinstance(rows, list):
        raise FormatError(f"{where}: expected a list")
    if rows and FIELDS["rank"] in rows[0]:
        rows = sorted(rows, key=lambda r: r[FIELDS["rank"]])
    return rows[:TOP_N]


def ranked(rows: list, value_index: int) -> list:
    return sorted(rows, key=lambda r: (-r[value_index], r[0]))


def w1(doc: dict) -> dict:
    flows = get(doc, "flows", "W1")
    top = []
    for n, r in enumerate(by_rank(get(doc, "top_products", "W1"), "top_products")):
        code = str(get(r, "product", f"top_products[{n}]")).strip()
        top.append([code.zfill(6), num(get(r, "value", f"top_products[{n}]"), "value")])
    ch_ab, ch_ba = {}, {}
    for n, r in enumerate(get(doc, "chapters", "W1")):
        c = str(get(r, "chapter", f"chapters[{n}]")).strip().zfill(2)
        x = num(get(r, "exports", f"chapters[{n}]"), f"chapters[{n}].exports")
        m = num(get(r, "imports", f"chapters[{n}]"), f"chapters[{n}].imports")
        if x:
            ch_ab[c] = x
        if m:
            ch_ba[c] = m
    return {"x_ab": year_map(flows, "exports"), "x_ba": year_map(flows, "imports"),
            "top": ranked(top, 1), "ch_ab": dict(sorted(ch_ab.items())),
            "ch_ba": dict(sorted(ch_ba.items()))}


def w2(doc: dict) -> dict:
    flows = get(doc, "flows", "W2")
    top = []
    for n, r in enumerate(by_rank(get(doc, "top_partners", "W2"), "top_partners")):
        w = f"top_partners[{n}]"
        x = num(get(r, "exports", w), w) or 0.0
        m = num(get(r, "imports", w), w) or 0.0
        t = num(get(r, "turnover", w), w)
        top.append([str(get(r, "partner", w)), x, m, x + m if t is None else t])
    conc = get(doc, "concentration", "W2")
    if isinstance(conc, dict):
        conc = [conc]
    hhi = {str(int(get(r, "year", f"concentration[{n}]"))): num(get(r, "hhi", "concentration"), "hhi")
           for n, r in enumerate(conc)}
    latest = max(hhi, key=int) if hhi else None
    return {"x": year_map(flows, "exports"), "m": year_map(flows, "imports"),
            "top": ranked(top, 3), "hhi": {latest: hhi[latest]} if latest else {}}


def w3(doc) -> dict:
    rows = doc if isinstance(doc, list) else get(doc, "world_rows", "W3")
    if not rows:
        return {"rows": []}
    years = {int(get(r, "year", "world")) for r in rows if FIELDS["year"] in r}
    if years:  # several years: the latest one
        rows = [r for r in rows if int(r[FIELDS["year"]]) == max(years)]
    if FIELDS["rank"] in rows[0]:
        rows = sorted(rows, key=lambda r: r[FIELDS["rank"]])
    out = []
    for n, r in enumerate(rows):
        w = f"world[{n}]"
        x = num(get(r, "exports", w), w) or 0.0
        m = num(get(r, "imports", w), w) or 0.0
        b, t = num(get(r, "balance", w), w), num(get(r, "turnover", w), w)
        out.append([str(get(r, "country", w)), x, m, x - m if b is None else b,
                    x + m if t is None else t])
    return {"rows": ranked(out, 4)}


def inspect(doc) -> dict:
    items = doc if isinstance(doc, list) else [doc]
    rows = [r for r in items if isinstance(r, dict) and r.get(FIELDS["item"]) == FIELDS["rows_item"]]
    if len(rows) != 1:
        raise FormatError(f"inspect: expected one item {FIELDS['rows_item']!r}, found {len(rows)}")
    text = str(get(rows[0], "item_value", "inspect rows")).replace(",", "").strip()
    try:
        return {"rows": int(text)}
    except ValueError:
        raise FormatError(f"inspect: rows {text!r} is not a whole number")


NORMALISERS = {"W1": w1, "W2": w2, "W3": w3, "inspect": inspect}


def default_binary() -> str:
    if os.environ.get("TRADESTAT"):
        return os.environ["TRADESTAT"]
    target = os.environ.get("CARGO_TARGET_DIR") or str(Path.home() / ".cache" / "tradestat-target")
    return str(Path(target) / "release" / "tradestat")


def run_tradestat(binary: str, workload: str, datafile: str) -> str:
    cmd = [binary] + [a.format(file=datafile) for a in COMMANDS[workload]]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise SystemExit(f"normalise_tradestat.py: cannot run {binary}: {e}")
    if p.returncode != 0:
        raise SystemExit(f"normalise_tradestat.py: {' '.join(cmd)} exited {p.returncode}:\n"
                         f"{p.stderr.strip()}")
    return p.stdout


def normalise_text(workload: str, text: str) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        head = text[:300].replace("\n", "\\n")
        raise FormatError(f"tradestat output is not JSON ({e}); it starts: {head!r}")
    return NORMALISERS[workload](doc)


def self_test() -> None:
    sys.path.insert(0, str(HERE))
    from compare import compare
    bad = 0
    for w in ("W1", "W2", "W3", "inspect"):
        raw = HERE / "testdata" / f"tradestat_{w}.json"
        want = json.loads((HERE / "testdata" / f"normalised_{w}.json").read_text())
        got = normalise_text(w, raw.read_text())
        d = compare(got, want, w)
        print(f"{w}: {'ok' if not d else 'FAILED'}")
        for line in d:
            print(f"  {line}")
        bad += bool(d)
    sys.exit(1 if bad else 0)


def main() -> None:
    ap = argparse.ArgumentParser(description="tradestat JSON -> NORMALISED benchmark result")
    ap.add_argument("workload", nargs="?", choices=sorted(NORMALISERS))
    ap.add_argument("datafile", nargs="?", help="data file (or glob) to run tradestat on")
    ap.add_argument("--json", type=Path, help="read saved tradestat output instead of running it")
    ap.add_argument("--tradestat", default=None, help="binary (default $TRADESTAT or the cargo one)")
    ap.add_argument("--save-raw", type=Path, help="also save tradestat's own output here")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
    if not a.workload or (a.json is None) == (a.datafile is None):
        ap.error("give WORKLOAD and either DATAFILE or --json FILE")
    text = a.json.read_text() if a.json else run_tradestat(a.tradestat or default_binary(),
                                                            a.workload, a.datafile)
    if a.save_raw:
        a.save_raw.write_text(text)
    try:
        res = normalise_text(a.workload, text)
    except (FormatError, KeyError, TypeError, ValueError) as e:
        raise SystemExit(f"normalise_tradestat.py: {a.workload}: unexpected tradestat JSON: {e}")
    json.dump(res, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
