"""Shared by the peer benchmarks: arguments, the timing loop, the layouts' columns and double-
count rules, and the NORMALISED result form.

Every peer script defines one function per layout and workload that reads FILE (a path or, for
polars and DuckDB, a glob) and returns raw aggregates in the file's units (BACI: thousands of
USD and numeric codes; Comtrade Plus: USD and numeric codes; canonical: USD and ISO3 codes).
`main` times N complete repetitions in-process (after imports) and prints
{"times": [...], "result": NORMALISED} where NORMALISED is built here, identically for every
engine:

  W1 {"x_ab": {year: usd}, "x_ba": {year: usd}, "top": [[k6, usd] x10],
      "ch_ab": {hs2: usd}, "ch_ba": {hs2: usd}}
  W2 {"x": {year: usd}, "m": {year: usd}, "top": [[iso3, x, m, turnover] x10], "hhi": {year: h}}
  W3 {"rows": [[iso3, x, m, balance, turnover], ...]}   (ranked by turnover)

  inspect {"rows": n}   (DuckDB only: the file loaded into a table, every column)

Years are JSON strings; zero entries are left out of the {key: value} maps; rankings, the
chapters and HHI are for the latest year (of the pair's rows for W1, of A's rows for W2, of the
file for W3); equal values are ordered by key.

Layouts (--layout): `baci` rows are flows exporter i -> importer j, so W1's x_ba is B's exports
to A and W2's imports are the rows with j = A. `comtrade-plus` and `canonical` rows are what
the reporter declares (flow X/export or M/import, partner as seen by the reporter), so W1 and
W2 use the reporter A's own rows only: x_ab = A's exports to B, x_ba = A's imports from B. On
those two layouts the peers apply tradestat's double-count rules (README "Not counting twice",
src/analysis/rules.rs, sides.rs, summary.rs), written in REPORTED below:

* only usable rows: a value, partner2 World (Comtrade 0; canonical WLD or empty), transport
  mode 0 (or empty), customs procedure C00 (or empty): the breakdown rows are left out;
* totals from cmdCode TOTAL rows (the top-level code where it exists);
* products ranked and grouped over the leaves, HS6 (the files hold TOTAL and HS6 codes only);
* a country's exports or imports with the world from its partner World rows (partnerCode 0,
  WLD), which these files always have; partner rankings over the other partners' TOTAL rows;
  the HHI over the reporter's World HS6 export rows.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

A_PAIR, B_PAIR = 398, 484   # W1: KAZ, MEX
A_PROFILE = 156              # W2: CHN
TOP_N = 10
USD = 1000.0                 # BACI values are in thousands of USD (set to 1 for the others)
LAYOUTS = ("baci", "comtrade-plus", "canonical")


@dataclass(frozen=True)
class Reported:
    """Columns and codes of a layout of reporter-declared rows (Comtrade Plus, canonical)."""
    year: str
    reporter: str
    partner: str
    flow: str
    product: str
    value: str
    partner2: str
    mot: str
    customs: str
    export: str          # flow codes
    import_: str
    world: int | str     # partner World
    no_partner2: int | str
    no_mot: int | str
    no_customs: str = "C00"
    total: str = "TOTAL"
    numeric: bool = True  # countries as numeric codes (else ISO3)

    @property
    def columns(self) -> list[str]:
        return [self.year, self.reporter, self.partner, self.flow, self.product, self.value,
                self.partner2, self.mot, self.customs]

    def code(self, country: int) -> int | str:
        """A country as the layout writes it (the workloads' countries are numeric)."""
        return country if self.numeric else iso3(country)


COMTRADE = Reported("refYear", "reporterCode", "partnerCode", "flowCode", "cmdCode",
                    "primaryValue", "partner2Code", "motCode", "customsCode", "X", "M",
                    world=0, no_partner2=0, no_mot=0)
CANONICAL = Reported("year", "reporter", "partner", "flow", "product", "value", "partner2",
                     "transport_mode", "customs_procedure", "export", "import",
                     world="WLD", no_partner2="WLD", no_mot="0", numeric=False)
REPORTED = {"comtrade-plus": COMTRADE, "canonical": CANONICAL}


def codes_file() -> Path:
    env = os.environ.get("BACI_COUNTRY_CODES")
    if env:
        return Path(env)
    shared = Path(os.environ.get("SHARED") or Path(__file__).resolve().parents[3] / "shared")
    return shared / "data" / "real" / "baci-codes" / "country_codes_V202401.csv"


_ISO: dict[int, str] | None = None


def iso3(code: int | str) -> str:
    """ISO3 of a numeric code; a code that is already ISO3 (canonical files) as it is."""
    global _ISO
    if isinstance(code, str) and not code.strip().isdigit():
        return code
    if _ISO is None:
        path = codes_file()
        if not path.is_file():
            sys.exit(f"error: country code table {path} not found (set SHARED or BACI_COUNTRY_CODES)")
        with path.open(newline="") as f:
            _ISO = {}
            for r in csv.DictReader(f):
                # first code wins for an ISO3 shared by a former and a current entity
                _ISO.setdefault(int(r["country_code"]), r["country_iso3"])
    return _ISO.get(int(code), f"#{int(code)}")


def _years(d) -> dict[str, float]:
    return {str(int(y)): float(v) * USD for y, v in sorted(d.items()) if v}


def _ranked(rows, value_index: int):
    """Sort by value descending, then by key (position 0) ascending, keep TOP_N."""
    return sorted(rows, key=lambda r: (-r[value_index], r[0]))[:TOP_N]


def w1(x_ab: dict, x_ba: dict, top: list, ch_ab: dict, ch_ba: dict) -> dict:
    """x_*: {year: v}; top: [(k, v)] (k integer HS6); ch_*: {chapter int: v}; v in thousands."""
    return {
        "x_ab": _years(x_ab),
        "x_ba": _years(x_ba),
        "top": [[f"{int(k):06d}", float(v) * USD] for k, v in _ranked(list(top), 1)],
        "ch_ab": {f"{int(c):02d}": float(v) * USD for c, v in sorted(ch_ab.items()) if v},
        "ch_ba": {f"{int(c):02d}": float(v) * USD for c, v in sorted(ch_ba.items()) if v},
    }


def w2(x: dict, m: dict, top: list, hhi: dict) -> dict:
    """top: [(partner code, exports, imports, turnover)]; hhi: {year: h}."""
    rows = [[iso3(p), float(a) * USD, float(b) * USD, float(t) * USD] for p, a, b, t in top]
    return {
        "x": _years(x),
        "m": _years(m),
        "top": _ranked(rows, 3),
        "hhi": {str(int(y)): float(h) for y, h in sorted(hhi.items())},
    }


def w3(rows: list) -> dict:
    """rows: [(code, exports, imports, balance, turnover)] already ranked by turnover."""
    out = [[iso3(c), float(x) * USD, float(m) * USD, float(b) * USD, float(t) * USD]
           for c, x, m, b, t in rows]
    return {"rows": sorted(out, key=lambda r: (-r[4], r[0]))}


def inspect(rows: int) -> dict:
    return {"rows": int(rows)}


def main(workloads: dict, engine: str) -> None:
    """workloads: {layout: {workload: fn(file)}}."""
    global USD
    names = sorted({w for by in workloads.values() for w in by})
    ap = argparse.ArgumentParser(description=f"{engine} peer benchmark")
    ap.add_argument("workload", choices=names)
    ap.add_argument("file", help="CSV in the --layout (a glob for a multi-year panel)")
    ap.add_argument("--layout", choices=[x for x in LAYOUTS if x in workloads], default="baci")
    ap.add_argument("--repeat", type=int, default=1, help="complete repetitions, file read included")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be >= 1")
    has_glob = any(ch in a.file for ch in "*?[")
    if not has_glob and not Path(a.file).is_file():
        ap.error(f"{a.file}: no such file")
    fn = workloads[a.layout].get(a.workload)
    if fn is None:
        ap.error(f"{engine} has no {a.workload} for the {a.layout} layout")
    USD = 1000.0 if a.layout == "baci" else 1.0
    iso3(0)  # load the code table before timing
    times, result = [], None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        result = fn(a.file)
        times.append(time.perf_counter() - t0)
    json.dump({"engine": engine, "layout": a.layout, "workload": a.workload, "times": times,
               "result": result},
              sys.stdout)
    sys.stdout.write("\n")
