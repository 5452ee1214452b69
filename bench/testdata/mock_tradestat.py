"""A stand-in for the tradestat binary, for testing the harness before the real one exists.

Answers `--version`, `profile FILE -r A [-p B] --output json`, `world FILE --output json`,
`inspect FILE --output json`, `report FILE ... -o DIR` (an index.html saying it is the mock),
`convert FILE -o OUT.parquet` and `chart KIND -o FILE` with tradestat's JSON shapes, computed
with the polars peer, on BACI, Comtrade Plus and canonical files (the layout is taken from the
header). Its version string contains "mock", so bench/run will not write its numbers into
BENCHMARKS.md. MOCK_TRADESTAT_BREAK=profile|world|inspect makes it get a figure wrong.
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

_source_csv = pb.source
YEAR = {"baci": "t", "comtrade-plus": "refYear", "canonical": "year"}


def source(path: str, schema: dict) -> pl.LazyFrame:
    if path.endswith(".parquet"):
        return pl.scan_parquet(path)
    return _source_csv(path, schema)


pb.source = source


def layout_of(path: str) -> str:
    if path.endswith(".parquet"):
        names = pl.read_parquet_schema(path)
    else:
        with open(path, encoding="utf-8-sig") as f:
            names = [c.strip().strip('"') for c in f.readline().split(",")]
    for layout, year in YEAR.items():
        if year in names:
            return layout
    raise SystemExit(f"mock tradestat: {path}: layout not recognised")


def workloads(layout: str) -> dict:
    common.USD = 1000.0 if layout == "baci" else 1.0
    if layout == "baci":
        return {"W1": pb.w1, "W2": pb.w2, "W3": pb.w3}
    return pb.reported(common.REPORTED[layout])


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
    cmd, args = argv[0], [a for a in argv[1:] if a != "--keep-layout"]
    if cmd in ("profile", "world", "inspect", "report", "convert"):
        layout = layout_of(args[0])
        work = workloads(layout)
    if cmd == "profile":
        r, p = int(arg(args, "-r")), arg(args, "-p")
        if p is not None:
            common.A_PAIR, common.B_PAIR = r, int(p)
            n = work["W1"](args[0])
            tot = sum(v for _, v in n["top"]) or 1.0
            chapters = sorted(set(n["ch_ab"]) | set(n["ch_ba"]))
            doc = {"flows": flows(n["x_ab"], n["x_ba"]),
                   "top_products": [{"rank": i + 1, "product": k, "name": "?", "value": v,
                                     "share": v / tot} for i, (k, v) in enumerate(n["top"])],
                   "chapters": [{"chapter": c, "name": "?", "exports": n["ch_ab"].get(c),
                                 "imports": n["ch_ba"].get(c)} for c in chapters]}
        else:
            common.A_PROFILE = r
            n = work["W2"](args[0])
            doc = {"flows": flows(n["x"], n["m"]),
                   "top_partners": [{"rank": i + 1, "partner": c, "name": "?", "exports": x,
                                     "imports": m, "turnover": t, "share": None}
                                    for i, (c, x, m, t) in enumerate(n["top"])],
                   "concentration": [{"year": int(y), "products": None, "hhi": h}
                                     for y, h in n["hhi"].items()]}
    elif cmd == "world":
        n = work["W3"](args[0])
        year = source(args[0], {}).select(pl.col(YEAR[layout]).max()).collect().item()
        doc = [{"year": year, "rank": i + 1, "country": c, "name": "?", "exports": x,
                "imports": m, "balance": b, "turnover": t}
               for i, (c, x, m, b, t) in enumerate(n["rows"])]
    elif cmd == "inspect":
        rows = source(args[0], {}).select(pl.len()).collect().item()
        if os.environ.get("MOCK_TRADESTAT_BREAK") == cmd:
            rows += 1
        doc = [{"file": Path(args[0]).name, "item": "layout", "value": f"{layout} (mock)"},
               {"file": Path(args[0]).name, "item": "rows", "value": f"{rows:,}"}]
        json.dump(doc, sys.stdout, indent=1)
        print()
        return 0
    elif cmd == "report":
        common.A_PAIR, common.B_PAIR = int(arg(args, "-r")), int(arg(args, "-p"))
        work["W1"](args[0])
        out = Path(arg(args, "-o"))
        out.mkdir(parents=True, exist_ok=True)
        (out / "index.html").write_text("<p>mock tradestat report</p>\n")
        return 0
    elif cmd == "convert":
        schema = pb.SCHEMA if layout == "baci" else pb.reported_schema(common.REPORTED[layout])
        source(args[0], schema).collect().write_parquet(arg(args, "-o"))
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
