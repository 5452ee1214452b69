#!/usr/bin/env python3
"""pandas peer: read_csv with explicit dtypes and usecols, then boolean masks and groupby.

    pandas_bench.py W1|W2|W3 FILE [--layout baci|comtrade-plus|canonical] [--repeat N]
                                                    (env PANDAS_ENGINE=c|pyarrow, default c)

Comtrade Plus and canonical files: the nine columns the rules need (common.Reported), typed;
the breakdown rows masked out first, then the workload's reporter (partner, World, TOTAL).
"""
from __future__ import annotations

import glob
import os

import pandas as pd

import common

ENGINE = os.environ.get("PANDAS_ENGINE", "c")
DTYPES = {"t": "int16", "i": "int16", "j": "int16", "k": "int32", "v": "float64"}


def read(path: str, cols=("t", "i", "j", "k", "v")) -> pd.DataFrame:
    files = sorted(glob.glob(path)) if any(ch in path for ch in "*?[") else [path]
    if not files:
        raise SystemExit(f"error: no file matches {path}")
    frames = [pd.read_csv(f, usecols=list(cols), dtype={c: DTYPES[c] for c in cols},
                          engine=ENGINE) for f in files]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def w1(path: str) -> dict:
    df = read(path)
    A, B = common.A_PAIR, common.B_PAIR
    ab = df[(df["i"] == A) & (df["j"] == B)]
    ba = df[(df["i"] == B) & (df["j"] == A)]
    latest = max(ab["t"].max(), ba["t"].max())
    ab_l, ba_l = ab[ab["t"] == latest], ba[ba["t"] == latest]
    top = ab_l.groupby("k")["v"].sum().nlargest(common.TOP_N)
    return common.w1(
        ab.groupby("t")["v"].sum().to_dict(),
        ba.groupby("t")["v"].sum().to_dict(),
        list(top.items()),
        ab_l.groupby(ab_l["k"] // 10000)["v"].sum().to_dict(),
        ba_l.groupby(ba_l["k"] // 10000)["v"].sum().to_dict(),
    )


def w2(path: str) -> dict:
    df = read(path)
    A = common.A_PROFILE
    x = df[df["i"] == A]
    m = df[df["j"] == A]
    latest = max(x["t"].max(), m["t"].max())
    x_l, m_l = x[x["t"] == latest], m[m["t"] == latest]
    by = pd.concat([x_l.groupby("j")["v"].sum().rename("x"),
                    m_l.groupby("i")["v"].sum().rename("m")], axis=1).fillna(0.0)
    by["turnover"] = by["x"] + by["m"]
    top = by.nlargest(common.TOP_N, "turnover")
    prod = x_l.groupby("k")["v"].sum()
    hhi = float(((prod / prod.sum()) ** 2).sum())
    return common.w2(
        x.groupby("t")["v"].sum().to_dict(),
        m.groupby("t")["v"].sum().to_dict(),
        [(p, r.x, r.m, r.turnover) for p, r in top.iterrows()],
        {latest: hhi},
    )


def w3(path: str) -> dict:
    df = read(path, ("t", "i", "j", "v"))
    df = df[df["t"] == df["t"].max()]
    world = pd.concat([df.groupby("i")["v"].sum().rename("x"),
                       df.groupby("j")["v"].sum().rename("m")], axis=1).fillna(0.0)
    world["balance"] = world["x"] - world["m"]
    world["turnover"] = world["x"] + world["m"]
    world = world.sort_values("turnover", ascending=False)
    return common.w3([(c, r.x, r.m, r.balance, r.turnover) for c, r in world.iterrows()])


# ---------------------------------------------------------------- reported layouts

def read_reported(path: str, L: common.Reported) -> pd.DataFrame:
    """Usable rows (no breakdowns, a value) with short column names t, r, p, f, k, v."""
    code = "int16" if L.numeric else "str"
    dtypes = {L.year: "int16", L.reporter: code, L.partner: code, L.flow: "str",
              L.product: "str", L.value: "float64", L.partner2: code, L.mot: code,
              L.customs: "str"}
    df = pd.read_csv(path, usecols=L.columns, dtype=dtypes, engine=ENGINE)
    usable = (df[L.value].notna()
              & (df[L.partner2].isna() | (df[L.partner2] == L.no_partner2))
              & (df[L.mot].isna() | (df[L.mot] == L.no_mot))
              & (df[L.customs].isna() | (df[L.customs] == L.no_customs)))
    df = df.loc[usable, [L.year, L.reporter, L.partner, L.flow, L.product, L.value]]
    df.columns = ["t", "r", "p", "f", "k", "v"]
    return df


def reported(L: common.Reported) -> dict:
    def w1(path: str) -> dict:
        df = read_reported(path, L)
        A, B = L.code(common.A_PAIR), L.code(common.B_PAIR)
        pair = df[(df["r"] == A) & (df["p"] == B)]
        latest = pair["t"].max()
        total = pair[pair["k"] == L.total]
        leaf = pair[(pair["k"] != L.total) & (pair["t"] == latest)]
        x, m = leaf[leaf["f"] == L.export], leaf[leaf["f"] == L.import_]
        top = x.groupby("k")["v"].sum().nlargest(common.TOP_N)
        return common.w1(
            total[total["f"] == L.export].groupby("t")["v"].sum().to_dict(),
            total[total["f"] == L.import_].groupby("t")["v"].sum().to_dict(),
            list(top.items()),
            x.groupby(x["k"].str[:2])["v"].sum().to_dict(),
            m.groupby(m["k"].str[:2])["v"].sum().to_dict(),
        )

    def w2(path: str) -> dict:
        df = read_reported(path, L)
        A = L.code(common.A_PROFILE)
        a = df[df["r"] == A]
        latest = a["t"].max()
        world = a[a["p"] == L.world]
        total = world[world["k"] == L.total]
        by_p = a[(a["p"] != L.world) & (a["k"] == L.total) & (a["t"] == latest)]
        by = pd.concat([by_p[by_p["f"] == L.export].groupby("p")["v"].sum().rename("x"),
                        by_p[by_p["f"] == L.import_].groupby("p")["v"].sum().rename("m")],
                       axis=1).fillna(0.0)
        by["turnover"] = by["x"] + by["m"]
        top = by.nlargest(common.TOP_N, "turnover")
        prod = world[(world["f"] == L.export) & (world["k"] != L.total)
                     & (world["t"] == latest)].groupby("k")["v"].sum()
        hhi = float(((prod / prod.sum()) ** 2).sum())
        return common.w2(
            total[total["f"] == L.export].groupby("t")["v"].sum().to_dict(),
            total[total["f"] == L.import_].groupby("t")["v"].sum().to_dict(),
            [(p, r.x, r.m, r.turnover) for p, r in top.iterrows()],
            {latest: hhi},
        )

    def w3(path: str) -> dict:
        df = read_reported(path, L)
        df = df[(df["p"] == L.world) & (df["k"] == L.total)]
        df = df[df["t"] == df["t"].max()]
        world = pd.concat([df[df["f"] == L.export].groupby("r")["v"].sum().rename("x"),
                           df[df["f"] == L.import_].groupby("r")["v"].sum().rename("m")],
                          axis=1).fillna(0.0)
        world["balance"] = world["x"] - world["m"]
        world["turnover"] = world["x"] + world["m"]
        world = world.sort_values("turnover", ascending=False)
        return common.w3([(c, r.x, r.m, r.balance, r.turnover) for c, r in world.iterrows()])

    return {"W1": w1, "W2": w2, "W3": w3}


if __name__ == "__main__":
    common.main({"baci": {"W1": w1, "W2": w2, "W3": w3},
                 **{name: reported(L) for name, L in common.REPORTED.items()}}, "pandas")
