#!/usr/bin/env python3
"""Deterministic generator of synthetic trade data in the CEPII BACI CSV layout.

    python bench/gen.py --rows 10000000 --year 2021 --seed 42 -o target/bench-data/baci_10M.csv

The file looks like a real BACI yearly file (checked against the real extract
ExampleTradeData.csv in ../shared/data/real/baci-extract/):

    "t","i","j","k","v","q"            <- every header field quoted, CRLF line endings
    2021,4,24,382390,52.051,"       13.235"
    2021,4,36,71310,2.41,"           NA"

* t  year;
* i  exporter, j importer: BACI numeric country codes from country_codes_V202401.csv
     (historical entities such as 280 West Germany, and the area R20, are left out);
* k  HS6 code from product_codes_HS17_V202401.csv written as an integer, so a code with
     a leading zero loses it (071120 -> 71120), as in real BACI;
* v  value in thousands of USD with at most 3 decimals, trailing zeros dropped
     (52.051, 2.41, 11), heavy-tailed (lognormal row values on top of Zipf-sized pairs);
* q  quantity in tonnes as a quoted, left-space-padded string of width 13 with 3
     decimals ("       13.235"); about 2 % are "           NA".

Rows are unique on (t, i, j, k) and sorted by t, i, j, k (numerically), like BACI.
Country sizes are Zipf-like (CHN the largest exporter, USA the largest importer), and the
pairs KAZ (398) -> MEX (484) and MEX -> KAZ each get a few hundred rows whatever the size.

The structure (country ranks, product popularity, prices) depends only on a fixed internal
seed, so files of different years look like one panel; --seed drives everything else.
Same arguments -> byte-identical file.  Needs numpy and polars.

--layout comtrade-plus writes the same trade as a UN Comtrade Plus (API v1, 47 camelCase
columns) download: each BACI row as the exporter's X and the importer's M record, with partner
World rows, cmdCode TOTAL rows and a few transport-mode / second-partner breakdowns; --layout
canonical writes those rows as `tradestat convert` would (tradestat's canonical CSV). For these
two, --rows counts every row of the file (aggregates included); see bench/gen_comtrade.py.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

import gen_comtrade as gc

GENERATOR_VERSION = "4"  # bump whenever the output for given arguments changes

STRUCTURE_SEED = 20240101
# Codes in country_codes_V202401.csv that are historical entities or areas absent from a
# modern year (checked against tradestat's data/ref/countries.csv, valid_to / kind), and
# those whose ISO3 is shared with the current code (58/56 BEL, 280/276 DEU, 736/729 SDN).
EXCLUDED_CODES = {58, 175, 200, 278, 280, 530, 697, 711, 736, 810, 849, 891}
# Big traders first (exporter rank order); the others get a random (fixed) order.
LEADERS = ["CHN", "USA", "DEU", "NLD", "JPN", "KOR", "ITA", "FRA", "BEL", "HKG", "GBR",
           "MEX", "CAN", "S19", "IND", "SGP", "CHE", "ESP", "RUS", "ARE", "VNM", "AUS",
           "POL", "BRA", "MYS", "THA", "SAU", "IDN", "TUR", "CZE", "SWE", "AUT", "IRL"]
KAZ, MEX = 398, 484
EXPORT_ZIPF_S = 1.05   # exporters: Zipf-like weights by rank
IMPORT_ZIPF_S = 0.8    # importers: the same ranks, flatter, with noise
CAP_SHARE = 0.85      # a pair trades at most this share of all products
NA_SHARE = 0.02
MAX_Q_MILLI = 999_999_999_999  # "999999999.999" = 13 characters


def die(msg: str) -> None:
    print(f"gen.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def default_shared() -> Path:
    env = os.environ.get("SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared"


def load_countries(codes_dir: Path) -> tuple[np.ndarray, list[str]]:
    path = codes_dir / "country_codes_V202401.csv"
    if not path.is_file():
        die(f"{path} not found (set SHARED or --codes-dir)")
    codes, iso = [], []
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            c, i3 = int(row["country_code"]), (row["country_iso3"] or "").strip()
            if not i3 or i3 == "NA" or c in EXCLUDED_CODES:
                continue
            codes.append(c)
            iso.append(i3)
    if len(set(iso)) != len(iso):
        die("country ISO3 codes are not unique after exclusions")
    order = np.argsort(codes, kind="stable")
    return np.asarray(codes, dtype=np.int64)[order], [iso[k] for k in order]


def load_products(codes_dir: Path) -> np.ndarray:
    path = codes_dir / "product_codes_HS17_V202401.csv"
    if not path.is_file():
        die(f"{path} not found (set SHARED or --codes-dir)")
    with path.open(newline="") as f:
        ks = sorted({int(r["code"]) for r in csv.DictReader(f)})
    return np.asarray(ks, dtype=np.int64)


def zipf_weights(rank: np.ndarray, s: float) -> np.ndarray:
    return 1.0 / (rank.astype(np.float64) + 1.0) ** s


def pair_counts(n_rows: int, lam: np.ndarray, cap: int, fixed: dict[int, int],
                rng: np.random.Generator) -> np.ndarray:
    """Rows per pair (flattened C*C): proportional to lam, capped, summing to n_rows."""
    lam = lam.copy()
    for p in fixed:
        lam[p] = 0.0
    rest = n_rows - sum(fixed.values())
    if rest < 0:
        die("--rows too small")
    if rest > int((lam > 0).sum()) * cap:
        die("--rows too large for the number of country pairs and products")
    e = np.zeros_like(lam)
    capped = np.zeros(lam.shape, dtype=bool)
    while True:  # water-filling: give capped pairs the cap, share the rest
        free = ~capped & (lam > 0)
        budget = rest - cap * capped.sum()
        e[free] = budget * lam[free] / lam[free].sum()
        over = free & (e > cap)
        if not over.any():
            break
        capped |= over
        e[capped] = cap
    n = np.floor(e).astype(np.int64)
    n += rng.random(e.shape) < (e - n)
    diff = rest - int(n.sum())
    if diff > 0:
        ok = np.flatnonzero((n < cap) & (lam > 0))
        pick = rng.choice(ok, size=diff, replace=False, p=lam[ok] / lam[ok].sum())
        n[pick] += 1
    elif diff < 0:
        ok = np.flatnonzero(n > 0)
        pick = rng.choice(ok, size=-diff, replace=False, p=n[ok] / n[ok].sum())
        n[pick] -= 1
    for p, c in fixed.items():
        n[p] = c
    assert int(n.sum()) == n_rows
    return n


def choose_products(n: np.ndarray, pop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Distinct products for every pair, popularity-weighted without replacement.

    Returns sorted keys pair * P + product_index (one per row)."""
    P = pop.size
    logp = np.log(pop)
    big = np.flatnonzero(n > P // 8)
    small = np.flatnonzero((n > 0) & (n <= P // 8))
    parts = []
    for p in big:  # Gumbel top-k: exact weighted sampling without replacement
        g = logp - np.log(-np.log(rng.random(P)))
        idx = np.argpartition(-g, n[p] - 1)[: n[p]]
        parts.append(p * P + idx)
    # small pairs: draw with replacement, keep distinct, top up those still short
    cand = np.empty(0, dtype=np.int64)
    need = n[small]
    todo, todo_need = small, need
    while todo.size:
        m = 2 * todo_need + 4
        pairs = np.repeat(todo, m)
        prods = rng.choice(P, size=pairs.size, p=pop)
        cand = np.sort(np.concatenate([cand, pairs * P + prods]))
        cand = cand[np.concatenate(([True], cand[1:] != cand[:-1]))]  # faster than np.unique
        have = np.bincount(cand // P, minlength=n.size)
        short = have[small] < need
        todo, todo_need = small[short], need[short] - have[small][short]
    # random subset of n[p] of each pair's distinct candidates
    pri = rng.random(cand.size)
    pair_of = cand // P
    order = np.lexsort((pri, pair_of))
    cand, pair_of = cand[order], pair_of[order]
    starts = np.searchsorted(pair_of, pair_of, side="left")
    rank = np.arange(cand.size) - starts
    parts.append(cand[rank < n[pair_of]])
    keys = np.sort(np.concatenate(parts))
    return keys


def generate(n_rows: int, year: int, seed: int, codes_dir: Path) -> pl.DataFrame:
    codes, iso = load_countries(codes_dir)
    prods = load_products(codes_dir)
    C, P = codes.size, prods.size
    cap = int(CAP_SHARE * P)

    # fixed structure: country ranks, product popularity and prices
    srng = np.random.default_rng(STRUCTURE_SEED)
    pos = {c: k for k, c in enumerate(iso)}
    leaders = [pos[c] for c in LEADERS if c in pos]
    others = [k for k in range(C) if k not in set(leaders)]
    others = list(np.asarray(others)[srng.permutation(len(others))])
    exp_rank = np.empty(C, dtype=np.int64)
    exp_rank[np.asarray(leaders + others)] = np.arange(C)
    w_exp = zipf_weights(exp_rank, EXPORT_ZIPF_S)
    w_imp = zipf_weights(exp_rank, IMPORT_ZIPF_S) * np.exp(srng.normal(0.0, 0.4, C))
    top = w_imp.max()
    w_imp[pos["USA"]], w_imp[pos["CHN"]] = 1.0 * top, 0.85 * top  # USA, then CHN, import most
    pop = np.exp(srng.normal(0.0, 1.3, P))
    pop /= pop.sum()
    price = np.exp(srng.normal(0.5, 1.5, P))   # thousand USD per tonne
    prod_eff = srng.normal(0.0, 1.0, P)         # log value effect per product

    rng = np.random.default_rng([seed, year])
    lam = np.outer(w_exp, w_imp) * np.exp(rng.normal(0.0, 0.7, (C, C)))
    np.fill_diagonal(lam, 0.0)
    lam = lam.ravel()
    kaz, mex = int(np.flatnonzero(codes == KAZ)[0]), int(np.flatnonzero(codes == MEX)[0])
    fixed = {kaz * C + mex: int(rng.integers(220, 320)),   # KAZ -> MEX
             mex * C + kaz: int(rng.integers(380, 520))}   # MEX -> KAZ
    n = pair_counts(n_rows, lam, cap, fixed, rng)

    keys = choose_products(n, pop, rng)
    pair, pidx = keys // P, keys % P
    ei, ij = pair // C, pair % C
    # value: row noise + product effect + a pair-size effect (big pairs ship more per
    # product); integer thousandths of a thousand USD
    scale = np.median(lam[lam > 0])
    pair_eff = 0.2 * np.log(np.maximum(lam, 1e-6 * scale) / scale)[pair]
    logv = 3.0 + rng.normal(0.0, 2.3, keys.size) + prod_eff[pidx] + pair_eff
    vm = np.clip(np.rint(np.exp(logv) * 1000.0), 1, 5e10).astype(np.int64)
    qm = np.rint(vm / (price[pidx] * np.exp(rng.normal(0.0, 0.5, keys.size))))
    qm = np.clip(qm, 0, MAX_Q_MILLI).astype(np.int64)
    na = rng.random(keys.size) < NA_SHARE
    df = pl.DataFrame({
        "t": np.full(keys.size, year, dtype=np.int64),
        "i": codes[ei], "j": codes[ij], "k": prods[pidx], "vm": vm, "qm": qm, "na": na,
    })
    return df.with_columns(pl.when(pl.col("na")).then(None).otherwise(pl.col("qm")).alias("qm")) \
             .drop("na")


def write_baci_csv(df: pl.DataFrame, out: Path) -> None:
    frac = (pl.col("vm") % 1000).cast(pl.String).str.zfill(3).str.strip_chars_end("0")
    v = pl.when(frac == "").then((pl.col("vm") // 1000).cast(pl.String)) \
          .otherwise(pl.format("{}.{}", pl.col("vm") // 1000, frac))
    q = pl.when(pl.col("qm").is_null()).then(pl.lit("NA")) \
          .otherwise(pl.format("{}.{}", pl.col("qm") // 1000,
                               (pl.col("qm") % 1000).cast(pl.String).str.zfill(3))) \
          .str.pad_start(13, " ")
    # q carries its own quotes: with quote_style="never" nothing else is quoted
    body = df.lazy().select("t", "i", "j", "k", v.alias("v"),
                            pl.concat_str(pl.lit('"'), q, pl.lit('"')).alias("q")).collect()
    tmp = out.with_name(out.name + ".part")
    with tmp.open("wb") as f:
        f.write(b'"t","i","j","k","v","q"\r\n')
        body.write_csv(f, include_header=False, quote_style="never", line_terminator="\r\n")
    tmp.replace(out)


ROW_STYLE = re.compile(rb'^\d{4},\d{1,3},\d{1,3},\d{5,6},\d+(\.\d{1,3})?,"(?=[ \d.NA]{13}")'
                       rb' *(\d+\.\d{3}|NA)"\r\n$')


def check_style(out: Path, extract: Path, n: int = 1000) -> None:
    """The first lines of `out` and of the real BACI extract have the same shape."""
    if not extract.is_file():
        print(f"gen.py: note: {extract} not found, style not checked", file=sys.stderr)
        return
    for path in (extract, out):
        with path.open("rb") as f:
            lines = [f.readline() for _ in range(n)]
        if lines[0] != b'"t","i","j","k","v","q"\r\n':
            die(f"{path}: header {lines[0]!r} is not BACI's")
        bad = [ln for ln in lines[1:] if ln and not ROW_STYLE.match(ln)]
        if bad:
            die(f"{path}: line {bad[0]!r} is not in the style of the BACI extract")


def parse_rows(s: str) -> int:
    s = s.strip().upper().replace("_", "")
    mult = {"K": 1_000, "M": 1_000_000}.get(s[-1:], 1)
    try:
        return int(float(s[:-1] if mult > 1 else s) * mult)
    except ValueError:
        die(f"bad --rows {s!r}")
        raise


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=parse_rows, required=True, help="rows, e.g. 1000000 or 1M")
    ap.add_argument("--year", type=int, default=2021)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--codes-dir", type=Path, default=None,
                    help="folder with country_codes_V202401.csv and product_codes_HS17_V202401.csv "
                         "(default $SHARED/data/real/baci-codes, SHARED defaulting to ../shared)")
    ap.add_argument("--layout", choices=["baci", *gc.LAYOUT_VERSIONS], default="baci",
                    help="file layout (default baci)")
    ap.add_argument("--source", default=None,
                    help="canonical layout: the `source` of every row (default 'UN Comtrade "
                         "Plus: ' and the output's name with comtrade_plus for canonical)")
    ap.add_argument("--version", action="version", version=f"gen.py {GENERATOR_VERSION}")
    ap.add_argument("--layout-version", metavar="LAYOUT",
                    help="print the version of a layout's writer (for the data stamps) and exit")
    if "--layout-version" in sys.argv:  # before the required arguments are checked
        k = sys.argv.index("--layout-version")
        lv = sys.argv[k + 1] if k + 1 < len(sys.argv) else ""
        if lv == "baci":
            print(f"gen.py {GENERATOR_VERSION}")
        elif lv in gc.LAYOUT_VERSIONS:
            print(f"gen.py {GENERATOR_VERSION} {lv} {gc.LAYOUT_VERSIONS[lv]}")
        else:
            die(f"unknown layout {lv!r}")
        return
    a = ap.parse_args()
    codes_dir = a.codes_dir or default_shared() / "data" / "real" / "baci-codes"
    if a.rows < 1000:
        die("--rows must be at least 1000")
    t0 = time.perf_counter()
    a.output.parent.mkdir(parents=True, exist_ok=True)
    if a.layout == "baci":
        df = generate(a.rows, a.year, a.seed, codes_dir)
        t1 = time.perf_counter()
        write_baci_csv(df, a.output)
    else:
        codes, iso = load_countries(codes_dir)
        df = gc.comtrade_frame(a.rows, a.year, a.seed, codes_dir, generate, codes)
        t1 = time.perf_counter()
        if a.layout == "comtrade-plus":
            gc.write_comtrade_csv(df, a.output)
        else:
            names = {int(c): i for c, i in zip(codes, iso)} | {gc.WORLD: "WLD"}
            source = a.source or "UN Comtrade Plus: " + a.output.name.replace(
                "canonical", "comtrade_plus")
            gc.write_canonical_csv(df, a.output, names, source)
    t2 = time.perf_counter()
    if a.layout == "baci":
        check_style(a.output, codes_dir.parent / "baci-extract" / "ExampleTradeData.csv")
    print(f"gen.py: {a.output}: {a.layout}, {df.height:,} rows, year {a.year}, seed {a.seed}: "
          f"sampled in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s "
          f"({a.output.stat().st_size / 1e6:,.0f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
