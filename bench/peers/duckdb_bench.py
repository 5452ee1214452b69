#!/usr/bin/env python3
"""DuckDB peer: every repetition loads the CSV once into an in-memory table (typed columns, the
unused ones left out), then runs the workload's SQL queries on that table.

    duckdb_bench.py W1|W2|W3|inspect FILE_OR_GLOB [--layout baci|comtrade-plus|canonical] [--repeat N]

Comtrade Plus and canonical files: every column is declared with its type (no sniffing), the
load keeps the nine columns the rules need and only the usable rows the workload asks about
(its reporter, partner, World or TOTAL rows; common.Reported), then the queries aggregate.
`inspect` is the peer of `tradestat inspect`: the whole file into a table, every column, types
detected by DuckDB (`CREATE TABLE t AS SELECT * FROM read_csv(FILE)`), and its row count.
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


def inspect(path: str) -> dict:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [path])
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
    return common.inspect(rows)


# ---------------------------------------------------------------- reported layouts

# Every column of the files with its type (read_csv's `columns` needs them all).
_B, _D, _I, _S, _V = "BOOLEAN", "DOUBLE", "INTEGER", "SMALLINT", "VARCHAR"
COMTRADE_COLUMNS = dict(zip(
    ["typeCode", "freqCode", "refPeriodId", "refYear", "refMonth", "period", "reporterCode",
     "reporterISO", "reporterDesc", "flowCode", "flowDesc", "partnerCode", "partnerISO",
     "partnerDesc", "partner2Code", "partner2ISO", "partner2Desc", "classificationCode",
     "classificationSearchCode", "isOriginalClassification", "cmdCode", "cmdDesc", "aggrLevel",
     "isLeaf", "customsCode", "customsDesc", "mosCode", "motCode", "motDesc", "qtyUnitCode",
     "qtyUnitAbbr", "qty", "isQtyEstimated", "altQtyUnitCode", "altQtyUnitAbbr", "altQty",
     "isAltQtyEstimated", "netWgt", "isNetWgtEstimated", "grossWgt", "isGrossWgtEstimated",
     "cifvalue", "fobvalue", "primaryValue", "legacyEstimationFlag", "isReported",
     "isAggregate"],
    [_V, _V, _I, _S, _S, _I, _S, _V, _V, _V, _V, _S, _V, _V, _S, _V, _V, _V, _V, _B, _V, _V, _S,
     _B, _V, _V, _V, _I, _V, _S, _V, _D, _B, _S, _V, _D, _B, _D, _B, _D, _B, _D, _D, _D, _S, _B,
     _B]))
CANONICAL_COLUMNS = dict(zip(
    ["year", "month", "reporter", "partner", "flow", "product", "product_name", "product_level",
     "classification", "value", "currency", "quantity", "quantity_unit", "net_weight_kg",
     "partner2", "transport_mode", "customs_procedure", "reconciled", "derived", "source"],
    [_S, _S, _V, _V, _V, _V, _V, _S, _V, _D, _V, _D, _V, _D, _V, _V, _V, _B, _B, _V]))
ALL_COLUMNS = {"comtrade-plus": COMTRADE_COLUMNS, "canonical": CANONICAL_COLUMNS}


def sql(v) -> str:
    return f"'{v}'" if isinstance(v, str) else str(v)


def load_reported(path: str, name: str, L: common.Reported, where: str):
    """The usable rows matching `where` (on t, r, p, f, k) into table `rows`."""
    con = duckdb.connect()
    usable = (f"{L.value} IS NOT NULL"
              f" AND ({L.partner2} IS NULL OR {L.partner2} = {sql(L.no_partner2)})"
              f" AND ({L.mot} IS NULL OR {L.mot} = {sql(L.no_mot)})"
              f" AND ({L.customs} IS NULL OR {L.customs} = {sql(L.no_customs)})")
    con.execute(f"""
        CREATE TABLE rows AS SELECT * FROM (
            SELECT {L.year} AS t, {L.reporter} AS r, {L.partner} AS p, {L.flow} AS f,
                   {L.product} AS k, {L.value} AS v
            FROM read_csv(?, header = true, columns = ?) WHERE {usable})
        WHERE {where}""", [path, ALL_COLUMNS[name]])
    return con


def reported(name: str, L: common.Reported) -> dict:
    X, M, W, T = sql(L.export), sql(L.import_), sql(L.world), sql(L.total)

    def years(con, flow: str, where: str) -> dict:
        return dict(con.execute(f"SELECT t, sum(v) FROM rows WHERE f = {flow} AND {where} "
                                "GROUP BY t").fetchall())

    def w1(path: str) -> dict:
        A, B = sql(L.code(common.A_PAIR)), sql(L.code(common.B_PAIR))
        con = load_reported(path, name, L, f"r = {A} AND p = {B}")
        latest = con.execute("SELECT max(t) FROM rows").fetchone()[0]
        leaf = f"k <> {T} AND t = {latest}"

        def chapters(flow: str) -> dict:
            return dict(con.execute(f"""SELECT substr(k, 1, 2), sum(v) FROM rows
                                        WHERE f = {flow} AND {leaf} GROUP BY 1""").fetchall())

        top = con.execute(f"""SELECT k, sum(v) AS v FROM rows WHERE f = {X} AND {leaf}
                              GROUP BY k ORDER BY v DESC, k LIMIT {common.TOP_N}""").fetchall()
        res = common.w1(years(con, X, f"k = {T}"), years(con, M, f"k = {T}"), top,
                        chapters(X), chapters(M))
        con.close()
        return res

    def w2(path: str) -> dict:
        A = sql(L.code(common.A_PROFILE))
        con = load_reported(path, name, L, f"r = {A}")
        latest = con.execute("SELECT max(t) FROM rows").fetchone()[0]
        world_total = f"p = {W} AND k = {T}"
        top = con.execute(f"""
            SELECT p, sum(v) FILTER (f = {X}) AS x, sum(v) FILTER (f = {M}) AS m,
                   coalesce(x, 0) + coalesce(m, 0) AS turnover
            FROM rows WHERE p <> {W} AND k = {T} AND t = {latest} GROUP BY p
            ORDER BY turnover DESC, p LIMIT {common.TOP_N}""").fetchall()
        top = [(p, x or 0.0, m or 0.0, t) for p, x, m, t in top]
        hhi = con.execute(f"""
            WITH q AS (SELECT k, sum(v) AS v FROM rows
                       WHERE p = {W} AND f = {X} AND k <> {T} AND t = {latest} GROUP BY k)
            SELECT sum((v / (SELECT sum(v) FROM q)) ^ 2) FROM q""").fetchone()[0]
        res = common.w2(years(con, X, world_total), years(con, M, world_total), top,
                        {latest: hhi})
        con.close()
        return res

    def w3(path: str) -> dict:
        con = load_reported(path, name, L, f"p = {W} AND k = {T}")
        rows = con.execute(f"""
            WITH y AS (SELECT * FROM rows WHERE t = (SELECT max(t) FROM rows)),
                 c AS (SELECT r AS c, coalesce(sum(v) FILTER (f = {X}), 0) AS x,
                              coalesce(sum(v) FILTER (f = {M}), 0) AS m FROM y GROUP BY r)
            SELECT c, x, m, x - m AS balance, x + m AS turnover FROM c
            ORDER BY turnover DESC, c""").fetchall()
        con.close()
        return common.w3(rows)

    return {"W1": w1, "W2": w2, "W3": w3, "inspect": inspect}


if __name__ == "__main__":
    common.main({"baci": {"W1": w1, "W2": w2, "W3": w3, "inspect": inspect},
                 **{name: reported(name, L) for name, L in common.REPORTED.items()}}, "duckdb")
