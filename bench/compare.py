#!/usr/bin/env python3
"""Agreement check: every engine's NORMALISED result against every other's.

    compare.py [--workload W1] NAME=FILE NAME=FILE ...

FILE holds either a peer's output ({"times": ..., "result": NORMALISED}) or a bare NORMALISED
object (bench/normalise_tradestat.py). Same keys, same ranking order, numbers equal within a
relative 1e-9 (absolute 1e-6 USD near zero; 1e-12 for the HHI). Rows whose ranking value is equal within that tolerance
may come in either order. Prints every difference and exits 1 if there is any, 0 if all agree.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

REL, ABS = 1e-9, 1e-6   # USD amounts
ABS_SHARE = 1e-12       # shares and indices (hhi), which are small by nature
# ranked lists: name -> index of the value they are ranked by (descending)
RANKED = {"top": 1, "rows": 4}
RANKED_W2 = {"top": 3}
# names of the positions in ranked rows, for the messages
ROW_FIELDS = {("top", 2): ["product", "value"], ("top", 4): ["partner", "exports", "imports", "turnover"],
              ("rows", 5): ["country", "exports", "imports", "balance", "turnover"]}
MAX_REPORTED = 25


def close(a: float, b: float, abs_tol: float = ABS) -> bool:
    return abs(a - b) <= max(REL * max(abs(a), abs(b)), abs_tol)


def diff(a, b, path: str, out: list[str], rank_index: dict) -> None:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        if a != b:
            out.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not close(float(a), float(b), ABS_SHARE if path.startswith("hhi") else ABS):
            rel = abs(a - b) / max(abs(a), abs(b))
            out.append(f"{path}: {a!r} != {b!r} (relative difference {rel:.3g})")
    elif isinstance(a, str) and isinstance(b, str):
        if a != b:
            out.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() - b.keys()):
            out.append(f"{path}.{k}: only in the first ({a[k]!r})")
        for k in sorted(b.keys() - a.keys()):
            out.append(f"{path}.{k}: only in the second ({b[k]!r})")
        for k in sorted(a.keys() & b.keys()):
            diff(a[k], b[k], f"{path}.{k}" if path else k, out, rank_index)
    elif isinstance(a, list) and isinstance(b, list):
        name = path.rsplit(".", 1)[-1]
        if name in rank_index and all(isinstance(r, list) for r in a + b):
            diff_ranked(a, b, path, out, rank_index[name])
            return
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items != {len(b)} items")
        for n, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{n}]", out, rank_index)
    else:
        out.append(f"{path}: {type(a).__name__} {a!r} != {type(b).__name__} {b!r}")


def diff_ranked(a: list, b: list, path: str, out: list[str], r: int) -> None:
    """Ranked rows [key, ..., value@r, ...]: same keys at the same ranks; within a run of equal
    ranking values the order is free."""
    if len(a) != len(b):
        out.append(f"{path}: {len(a)} rows != {len(b)} rows")
    n, pos = min(len(a), len(b)), 0
    while pos < n:
        end = pos + 1  # the run of rows tied with a[pos] (in either list)
        while end < n and (close(a[end][r], a[pos][r]) or close(b[end][r], b[pos][r])):
            end += 1
        ga = {row[0]: row for row in a[pos:end]}
        gb = {row[0]: row for row in b[pos:end]}
        if ga.keys() != gb.keys():
            for k in range(pos, end):
                if a[k][0] != b[k][0]:
                    out.append(f"{path}[{k}]: rank {k + 1} is {a[k][0]!r} ({a[k][r]!r}) "
                               f"!= {b[k][0]!r} ({b[k][r]!r})")
        for key in sorted(ga.keys() & gb.keys()):
            k = pos + [row[0] for row in a[pos:end]].index(key)
            ra, rb = ga[key], gb[key]
            names = ROW_FIELDS.get((path.rsplit(".", 1)[-1], len(ra)))
            if names and len(ra) == len(rb):
                for f, (x, y) in enumerate(zip(ra, rb)):
                    diff(x, y, f"{path}[{k}]({key}).{names[f]}", out, {})
            else:
                diff(ra, rb, f"{path}[{k}]({key})", out, {})
        pos = end


def compare(a: dict, b: dict, workload: str | None = None) -> list[str]:
    out: list[str] = []
    diff(a, b, "", out, RANKED_W2 if workload == "W2" or "hhi" in a else RANKED)
    return out


def load(spec: str) -> tuple[str, dict]:
    if "=" not in spec:
        raise SystemExit(f"compare.py: expected NAME=FILE, got {spec!r}")
    name, file = spec.split("=", 1)
    try:
        doc = json.loads(Path(file).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise SystemExit(f"compare.py: {name}: cannot read {file}: {e}")
    if isinstance(doc, dict) and "result" in doc and "times" in doc:
        doc = doc["result"]
    return name, doc


def main() -> None:
    ap = argparse.ArgumentParser(description="Check that engines agree on every figure.")
    ap.add_argument("--workload", help="label for the messages (W1, W2, W3)")
    ap.add_argument("results", nargs="+", metavar="NAME=FILE")
    a = ap.parse_args()
    if len(a.results) < 2:
        ap.error("need at least two results")
    docs = [load(s) for s in a.results]
    label = f"{a.workload}: " if a.workload else ""
    bad = 0
    for (na, da), (nb, db) in itertools.combinations(docs, 2):
        d = compare(da, db, a.workload)
        if d:
            bad += 1
            print(f"{label}{na} vs {nb}: {len(d)} difference(s)")
            for line in d[:MAX_REPORTED]:
                print(f"  {line}")
            if len(d) > MAX_REPORTED:
                print(f"  ... and {len(d) - MAX_REPORTED} more")
    if bad:
        sys.exit(1)
    print(f"{label}all {len(docs)} results agree ({', '.join(n for n, _ in docs)})")


if __name__ == "__main__":
    main()
