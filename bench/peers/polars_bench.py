#!/usr/bin/env python3
"""polars peer: lazy scan_csv with schema overrides, predicates and projections pushed into the
scan, one collect (or collect_all) per workload.

    polars_bench.py W1|W2|W3 FILE_OR_GLOB [--repeat N]
"""
from __future__ import annotations

import polars as pl

import common

SCHEMA = {"t": pl.Int16, "i": pl.Int16, "j": pl.Int16, "k": pl.Int32, "v": pl.Float64,
          "q": pl.String}


def scan(path: str) -> pl.LazyFrame:
    return pl.scan_csv(path, schema_overrides=SCHEMA)


def per_year(df: pl.DataFrame) -> dict:
    return dict(df.group_by("t").agg(pl.col("v").sum()).iter_rows())


def w1(path: str) -> dict:
    A, B = common.A_PAIR, common.B_PAIR
    pair = scan(path).filter(
        ((pl.col("i") == A) & (pl.col("j") == B)) | ((pl.col("i") == B) & (pl.col("j") == A))
    ).select("t", "i", "k", "v").collect()
    ab, ba = pair.filter(pl.col("i") == A), pair.filter(pl.col("i") == B)
    latest = pair["t"].max()
    ab_l, ba_l = ab.filter(pl.col("t") == latest), ba.filter(pl.col("t") == latest)
    top = ab_l.group_by("k").agg(pl.col("v").sum()).top_k(common.TOP_N, by="v")

    def chapters(d: pl.DataFrame) -> dict:
        return dict(d.group_by(pl.col("k") // 10000).agg(pl.col("v").sum()).iter_rows())

    return common.w1(per_year(ab), per_year(ba), top.rows(), chapters(ab_l), chapters(ba_l))


def w2(path: str) -> dict:
    A = common.A_PROFILE
    df = scan(path).filter((pl.col("i") == A) | (pl.col("j") == A)) \
        .select("t", "i", "j", "k", "v").collect()
    x, m = df.filter(pl.col("i") == A), df.filter(pl.col("j") == A)
    latest = df["t"].max()
    x_l, m_l = x.filter(pl.col("t") == latest), m.filter(pl.col("t") == latest)
    by = x_l.group_by(pl.col("j").alias("p")).agg(pl.col("v").sum().alias("x")).join(
        m_l.group_by(pl.col("i").alias("p")).agg(pl.col("v").sum().alias("m")),
        on="p", how="full", coalesce=True,
    ).fill_null(0.0).with_columns(turnover=pl.col("x") + pl.col("m"))
    top = by.top_k(common.TOP_N, by="turnover").select("p", "x", "m", "turnover")
    prod = x_l.group_by("k").agg(pl.col("v").sum())
    hhi = prod.select(((pl.col("v") / pl.col("v").sum()) ** 2).sum()).item()
    return common.w2(per_year(x), per_year(m), top.rows(), {latest: hhi})


def w3(path: str) -> dict:
    lf = scan(path).select("t", "i", "j", "v")
    lf = lf.filter(pl.col("t") == pl.col("t").max())
    x = lf.group_by(pl.col("i").alias("c")).agg(pl.col("v").sum().alias("x"))
    m = lf.group_by(pl.col("j").alias("c")).agg(pl.col("v").sum().alias("m"))
    world = x.join(m, on="c", how="full", coalesce=True).fill_null(0.0).with_columns(
        balance=pl.col("x") - pl.col("m"), turnover=pl.col("x") + pl.col("m"),
    ).sort("turnover", descending=True).collect()
    return common.w3(world.select("c", "x", "m", "balance", "turnover").rows())


if __name__ == "__main__":
    common.main({"W1": w1, "W2": w2, "W3": w3}, "polars")
