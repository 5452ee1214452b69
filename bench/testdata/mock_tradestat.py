"""A stand-in for the tradestat binary, for testing the harness before the real one exists.

Answers `--version`, `profile FILE -r A [-p B] --output json`, `world FILE --output json`,
`convert FILE -o OUT.parquet` and `chart KIND -o FILE` with tradestat's JSON shapes, computed
with the polars peer. Its version string contains "mock", so bench/run will not write its
numbers into BENCHMARKS.md. MOCK_TRADESTAT_BREAK=profile|world makes it get a figure wrong.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "peers"))
import polars as pl  # noqa: E402

import common  # noqa: E402
import polars_bench as pb  # noqa: E402

_scan_csv = pb.scan


def scan(path: str) -> pl.LazyFrame:
    if path.endswith(".parquet"):
        return pl.scan_parquet(path)
    return _scan_csv(path)


pb.scan = scan


def flows(x: dict, m: dict) -> list:
    years = sorted(set(x) | set(m), key=int)
    return [{"year": int(y), "exports": x.get(y, 0.0), "imports": m.get(y, 0.0),
             "turnover": x.get(y, 0.0) + m.get(y, 0.0), "balance": x.get(y, 0.0) - m.get(y, 0.0)}
            for y in years]


def arg(args: list, flag: str):
    return args[args.index(flag) + 1] if flag in args else None


def main(argv: list) -> int:
    if not argv or argv[0] in ("--version", "-V"):
        print("tradestat 0.0.0-mock")
        return 0
    cmd, args = argv[0], argv[1:]
    if cmd == "profile":
        r, p = int(arg(args, "-r")), arg(args, "-p")
        if p is not None:
            common.A_PAIR, common.B_PAIR = r, int(p)
            n = pb.w1(args[0])
            tot = sum(v for _, v in n["top"]) or 1.0
            chapters = sorted(set(n["ch_ab"]) | set(n["ch_ba"]))
            doc = {"flows": flows(n["x_ab"], n["x_ba"]),
                   "top_products": [{"rank": i + 1, "product": k, "name": "?", "value": v,
                                     "share": v / tot} for i, (k, v) in enumerate(n["top"])],
                   "chapters": [{"chapter": c, "name": "?", "exports": n["ch_ab"].get(c),
                                 "imports": n["ch_ba"].get(c)} for c in chapters]}
        else:
            common.A_PROFILE = r
            n = pb.w2(args[0])
            doc = {"flows": flows(n["x"], n["m"]),
                   "top_partners": [{"rank": i + 1, "partner": c, "name": "?", "exports": x,
                                     "imports": m, "turnover": t, "share": None}
                                    for i, (c, x, m, t) in enumerate(n["top"])],
                   "concentration": [{"year": int(y), "products": None, "hhi": h}
                                     for y, h in n["hhi"].items()]}
    elif cmd == "world":
        n = pb.w3(args[0])
        year = scan(args[0]).select(pl.col("t").max()).collect().item()
        doc = [{"year": year, "rank": i + 1, "country": c, "name": "?", "exports": x,
                "imports": m, "balance": b, "turnover": t}
               for i, (c, x, m, b, t) in enumerate(n["rows"])]
    elif cmd == "convert":
        scan(args[0]).collect().write_parquet(arg(args, "-o"))
        return 0
    elif cmd == "chart":
        Path(arg(args, "-o")).write_bytes(b"\x89PNG mock\n")
        return 0
    else:
        print(f"mock tradestat: unknown command {cmd}", file=sys.stderr)
        return 2
    if os.environ.get("MOCK_TRADESTAT_BREAK") == cmd:  # to test the disagreement path
        (doc["flows"] if cmd == "profile" else doc)[0]["exports"] *= 1.001
    json.dump(doc, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
