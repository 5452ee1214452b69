#!/usr/bin/env python3
"""polars peer: lazy scan_csv with schema overrides, predicates and projections pushed into the
scan, one collect (or collect_all) per workload.

    polars_bench.py W1|W2|W3 FILE_OR_GLOB [--layout baci|comtrade-plus|canonical] [--repeat N]

Comtrade Plus and canonical files: only the nine columns the rules need are typed and read
(common.Reported), the breakdown rows are filtered out in the scan, then each workload filters
its reporter (and partner, World, TOTAL) before aggregating.
"""
from __future__ import annotations

import polars as pl

import common

SCHEMA = {"t": pl.Int16, "i": pl.Int16, "j": pl.Int16, "k": pl.Int32, "v": pl.Float64,
          "q": pl.String}


def source(path: str, schema: dict) -> pl.LazyFrame:
    """The file, with `schema` overriding the inferred types (bench/testdata's mock tradestat
    swaps this for Parquet)."""
    return pl.scan_csv(path, schema_overrides=schema)


def scan(path: str) -> pl.LazyFrame:
    return source(path, SCHEMA)


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


# ---------------------------------------------------------------- reported layouts

def reported_schema(L: common.Reported) -> dict:
    code = pl.Int16 if L.numeric else pl.String
    return {L.year: pl.Int16, L.reporter: code, L.partner: code, L.flow: pl.String,
            L.product: pl.String, L.value: pl.Float64, L.partner2: code,
            L.mot: pl.Int16 if L.numeric else pl.String, L.customs: pl.String}


def scan_reported(path: str, L: common.Reported) -> pl.LazyFrame:
    """Usable rows (no breakdowns, a value) with short column names t, r, p, f, k, v."""
    c = pl.col
    usable = (c(L.value).is_not_null()
              & (c(L.partner2).is_null() | (c(L.partner2) == L.no_partner2))
              & (c(L.mot).is_null() | (c(L.mot) == L.no_mot))
              & (c(L.customs).is_null() | (c(L.customs) == L.no_customs)))
    return source(path, reported_schema(L)).filter(usable).select(
        c(L.year).alias("t"), c(L.reporter).alias("r"), c(L.partner).alias("p"),
        c(L.flow).alias("f"), c(L.product).alias("k"), c(L.value).alias("v"))


def reported_w1(L: common.Reported):
    def w1(path: str) -> dict:
        A, B = L.code(common.A_PAIR), L.code(common.B_PAIR)
        pair = scan_reported(path, L).filter((pl.col("r") == A) & (pl.col("p") == B)) \
            .select("t", "f", "k", "v").collect()
        latest = pair["t"].max()
        total = pair.filter(pl.col("k") == L.total)
        leaf = pair.filter((pl.col("k") != L.total) & (pl.col("t") == latest))
        x, m = leaf.filter(pl.col("f") == L.export), leaf.filter(pl.col("f") == L.import_)
        top = x.group_by("k").agg(pl.col("v").sum()).top_k(common.TOP_N, by="v")

        def chapters(d: pl.DataFrame) -> dict:
            return dict(d.group_by(pl.col("k").str.slice(0, 2)).agg(pl.col("v").sum())
                        .iter_rows())

        return common.w1(per_year(total.filter(pl.col("f") == L.export)),
                         per_year(total.filter(pl.col("f") == L.import_)),
                         top.rows(), chapters(x), chapters(m))
    return w1


def reported_w2(L: common.Reported):
    def w2(path: str) -> dict:
        A = L.code(common.A_PROFILE)
        df = scan_reported(path, L).filter(pl.col("r") == A).select("t", "p", "f", "k", "v") \
            .collect()
        latest = df["t"].max()
        world = df.filter(pl.col("p") == L.world)
        total = world.filter(pl.col("k") == L.total)
        by = df.filter((pl.col("p") != L.world) & (pl.col("k") == L.total)
                       & (pl.col("t") == latest)).group_by("p").agg(
            pl.col("v").filter(pl.col("f") == L.export).sum().alias("x"),
            pl.col("v").filter(pl.col("f") == L.import_).sum().alias("m"),
        ).with_columns(turnover=pl.col("x") + pl.col("m"))
        top = by.top_k(common.TOP_N, by="turnover").select("p", "x", "m", "turnover")
        prod = world.filter((pl.col("f") == L.export) & (pl.col("k") != L.total)
                            & (pl.col("t") == latest)).group_by("k").agg(pl.col("v").sum())
        hhi = prod.select(((pl.col("v") / pl.col("v").sum()) ** 2).sum()).item()
        return common.w2(per_year(total.filter(pl.col("f") == L.export)),
                         per_year(total.filter(pl.col("f") == L.import_)), top.rows(),
                         {latest: hhi})
    return w2


def reported_w3(L: common.Reported):
    def w3(path: str) -> dict:
        lf = scan_reported(path, L).filter((pl.col("p") == L.world) & (pl.col("k") == L.total))
        lf = lf.filter(pl.col("t") == pl.col("t").max())
        world = lf.group_by(pl.col("r").alias("c")).agg(
            pl.col("v").filter(pl.col("f") == L.export).sum().alias("x"),
            pl.col("v").filter(pl.col("f") == L.import_).sum().alias("m"),
        ).with_columns(
            balance=pl.col("x") - pl.col("m"), turnover=pl.col("x") + pl.col("m"),
        ).sort("turnover", descending=True).collect()
        return common.w3(world.select("c", "x", "m", "balance", "turnover").rows())
    return w3


def reported(L: common.Reported) -> dict:
    return {"W1": reported_w1(L), "W2": reported_w2(L), "W3": reported_w3(L)}


if __name__ == "__main__":
    common.main({"baci": {"W1": w1, "W2": w2, "W3": w3},
                 **{name: reported(L) for name, L in common.REPORTED.items()}}, "polars")
