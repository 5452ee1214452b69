"""Shared by the peer benchmarks: arguments, the timing loop and the NORMALISED result form.

Every peer script defines one function per workload that reads FILE (a path or, for polars and
DuckDB, a glob) and returns raw aggregates in BACI units (thousands of USD, numeric country
codes, integer HS6 codes). `main` times N complete repetitions in-process (after imports) and
prints {"times": [...], "result": NORMALISED} where NORMALISED is built here, identically for
every engine:

  W1 {"x_ab": {year: usd}, "x_ba": {year: usd}, "top": [[k6, usd] x10],
      "ch_ab": {hs2: usd}, "ch_ba": {hs2: usd}}
  W2 {"x": {year: usd}, "m": {year: usd}, "top": [[iso3, x, m, turnover] x10], "hhi": {year: h}}
  W3 {"rows": [[iso3, x, m, balance, turnover], ...]}   (ranked by turnover)

Years are JSON strings; zero entries are left out of the {key: value} maps; rankings, the
chapters and HHI are for the latest year (of the pair's rows for W1, of A's rows for W2, of the
file for W3); equal values are ordered by key.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

A_PAIR, B_PAIR = 398, 484   # W1: KAZ, MEX
A_PROFILE = 156              # W2: CHN
TOP_N = 10
USD = 1000.0                 # BACI values are in thousands of USD


def codes_file() -> Path:
    env = os.environ.get("BACI_COUNTRY_CODES")
    if env:
        return Path(env)
    shared = Path(os.environ.get("SHARED") or Path(__file__).resolve().parents[3] / "shared")
    return shared / "data" / "real" / "baci-codes" / "country_codes_V202401.csv"


_ISO: dict[int, str] | None = None


def iso3(code: int) -> str:
    global _ISO
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


def main(workloads: dict, engine: str) -> None:
    ap = argparse.ArgumentParser(description=f"{engine} peer benchmark")
    ap.add_argument("workload", choices=sorted(workloads))
    ap.add_argument("file", help="BACI-layout CSV (a glob for a multi-year panel)")
    ap.add_argument("--repeat", type=int, default=1, help="complete repetitions, file read included")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be >= 1")
    has_glob = any(ch in a.file for ch in "*?[")
    if not has_glob and not Path(a.file).is_file():
        ap.error(f"{a.file}: no such file")
    fn = workloads[a.workload]
    iso3(0)  # load the code table before timing
    times, result = [], None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        result = fn(a.file)
        times.append(time.perf_counter() - t0)
    json.dump({"engine": engine, "workload": a.workload, "times": times, "result": result},
              sys.stdout)
    sys.stdout.write("\n")
