#!/usr/bin/env python3
"""DuckDB peer: every repetition loads the CSV once into an in-memory table (typed columns, the
unused q left out), then runs the workload's SQL queries on that table.

    duckdb_bench.py W1|W2|W3 FILE_OR_GLOB [--repeat N]
"""
from __future__ import annotations

import duckdb

import common

COLUMNS = {"t": "SMALLINT", "i": "SMALLINT", "j": "SMALLINT", "k": "INTEGER", "v": "DOUBLE",
           "q": "VARCHAR"}


def load(path: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()  # in-memory, all cores
    con.execute(
        "CREATE TABLE baci AS SELECT t, i, j, k, v FROM read_csv(?, header = true, columns = ?)",
        [path, COLUMNS],
    )
    return con


def w1(path: str) -> dict:
    con = load(path)
    A, B = common.A_PAIR, common.B_PAIR
    con.execute(f"""CREATE TEMP TABLE pair AS SELECT t, i, k, v FROM baci
                    WHERE (i = {A} AND j = {B}) OR (i = {B} AND j = {A})""")
    latest = con.execute("SELECT max(t) FROM pair").fetchone()[0]

    def years(exporter: int) -> dict:
        return dict(con.execute(f"SELECT t, sum(v) FROM pair WHERE i = {exporter} GROUP BY t")
                    .fetchall())

    def chapters(exporter: int) -> dict:
        return dict(con.execute(f"""SELECT k // 10000, sum(v) FROM pair
                                    WHERE i = {exporter} AND t = {latest} GROUP BY 1""").fetchall())

    top = con.execute(f"""SELECT k, sum(v) AS v FROM pair WHERE i = {A} AND t = {latest}
                          GROUP BY k ORDER BY v DESC, k LIMIT {common.TOP_N}""").fetchall()
    res = common.w1(years(A), years(B), top, chapters(A), chapters(B))
    con.close()
    return res


def w2(path: str) -> dict:
    con = load(path)
    A = common.A_PROFILE
    con.execute(f"CREATE TEMP TABLE a AS SELECT t, i, j, k, v FROM baci WHERE i = {A} OR j = {A}")
    latest = con.execute("SELECT max(t) FROM a").fetchone()[0]
    x = dict(con.execute(f"SELECT t, sum(v) FROM a WHERE i = {A} GROUP BY t").fetchall())
    m = dict(con.execute(f"SELECT t, sum(v) FROM a WHERE j = {A} GROUP BY t").fetchall())
    top = con.execute(f"""
        WITH f AS (SELECT CASE WHEN i = {A} THEN j ELSE i END AS p,
                          CASE WHEN i = {A} THEN v ELSE 0 END AS x,
                          CASE WHEN j = {A} THEN v ELSE 0 END AS m
                   FROM a WHERE t = {latest})
        SELECT p, sum(x), sum(m), sum(x) + sum(m) AS turnover FROM f GROUP BY p
        ORDER BY turnover DESC, p LIMIT {common.TOP_N}""").fetchall()
    hhi = con.execute(f"""
        WITH p AS (SELECT k, sum(v) AS v FROM a WHERE i = {A} AND t = {latest} GROUP BY k)
        SELECT sum((v / (SELECT sum(v) FROM p)) ^ 2) FROM p""").fetchone()[0]
    res = common.w2(x, m, top, {latest: hhi})
    con.close()
    return res


def w3(path: str) -> dict:
    con = load(path)
    rows = con.execute("""
        WITH y AS (SELECT * FROM baci WHERE t = (SELECT max(t) FROM baci)),
             x AS (SELECT i AS c, sum(v) AS x FROM y GROUP BY i),
             m AS (SELECT j AS c, sum(v) AS m FROM y GROUP BY j)
        SELECT coalesce(x.c, m.c) AS c, coalesce(x, 0) AS x, coalesce(m, 0) AS m,
               coalesce(x, 0) - coalesce(m, 0) AS balance, coalesce(x, 0) + coalesce(m, 0) AS turnover
        FROM x FULL OUTER JOIN m ON x.c = m.c
        ORDER BY turnover DESC, c""").fetchall()
    con.close()
    return common.w3(rows)


if __name__ == "__main__":
    common.main({"W1": w1, "W2": w2, "W3": w3}, "duckdb")
