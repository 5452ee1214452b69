"""The Comtrade Plus and canonical layouts of bench/gen.py (`--layout comtrade-plus|canonical`).

Both are built from the BACI generator's rows (gen.generate: same structure seed, so the same
country ranks, products and prices as the BACI files), read as what the countries would report:

* every BACI row i -> j, product k, v becomes the exporter's export record (reporter i,
  partner j, flow X, primaryValue = v in US$) and the importer's import record (reporter j,
  partner i, flow M, primaryValue = v times a CIF/FOB factor around 1.06, whole US$);
* partner World rows (partnerCode 0): per reporter, flow and HS6 code, the sum over partners;
* cmdCode TOTAL rows (aggrLevel 0): per reporter, partner and flow the sum over products, and
  per reporter and flow the World total;
* a few breakdown rows: for some rows of every kind (leaf, World, TOTAL), 2-4 extra rows with
  motCode != 0 (mode of transport) or partner2Code != 0 (second partner) whose values sum
  exactly to the row's (which keeps motCode 0, partner2Code 0). Always among them: KAZ's
  exports to MEX (TOTAL, by transport mode), one of KAZ's HS6 imports from MEX (by second
  partner), CHN's World export TOTAL (by transport mode), one of CHN's World HS6 imports (by
  second partner) and CHN's export TOTAL to its first partner (by second partner), so that a
  reader who adds them up gets W1-W3 wrong.

All values are whole US$ (written `7903767147.0`), so every sum is exact in float64 and World
rows equal the sum over partners to the dollar.

The Comtrade Plus file has the 47 camelCase columns of the API v1 CSV with the quirks of the
real download in shared/data/real/comtrade-plus-camelcase/ (see its SOURCE.txt): *Desc and *ISO
columns (and qtyUnitAbbr) empty, floats as `123.0`, booleans `True`/`False`, mosCode `0 ` with a
trailing space in about 60 % of the rows, refMonth 52, isLeaf True / aggrLevel 6 on HS6 rows,
cifvalue on imports and fobvalue on exports, LF line endings.

The canonical file is the same rows as `tradestat convert` writes them (20 columns,
`year,month,reporter,partner,flow,product,...`; countries ISO3, World WLD, flows in words).

The file has exactly the number of rows asked: the number of BACI rows is searched for (a few
generations) so that leaf, World and TOTAL rows fall just short of it, and the breakdown rows
make up the rest (0.05-0.5 % of the file).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

LAYOUT_VERSIONS = {"comtrade-plus": "1", "canonical": "1"}

HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,"
    "flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,"
    "classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,"
    "aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,"
    "qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,"
    "isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,"
    "legacyEstimationFlag,isReported,isAggregate"
).split(",")
CANONICAL_HEADER = (
    "year,month,reporter,partner,flow,product,product_name,product_level,classification,value,"
    "currency,quantity,quantity_unit,net_weight_kg,partner2,transport_mode,customs_procedure,"
    "reconciled,derived,source"
).split(",")
CLASSIFICATION = "H5"          # HS2017: the BACI generator's product list
TOTAL = 1_000_000              # cmd code standing for TOTAL (sorts after every HS6 code)
WORLD = 0
KAZ, MEX, CHN = 398, 484, 156
MOT_CODES = np.array([1000, 2100, 3100, 3200, 9000])   # air, sea, rail, road, other
BREAKDOWN_SHARE = 0.002        # aimed share of breakdown rows
BREAKDOWN_RANGE = (0.0005, 0.005)
MOS_SPACE_SHARE = 0.6          # rows whose mosCode is "0 "
FIRST_RATIO = 2.5              # first guess of file rows per BACI row
CHUNK = 1_000_000              # rows formatted and written at a time


def die(msg: str) -> None:
    print(f"gen.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


def counts(base: pl.DataFrame) -> int:
    """Rows of the file before breakdowns: leaves, World, TOTAL and World-TOTAL rows."""
    n = lambda *c: base.select(*c).unique().height  # noqa: E731
    return 2 * base.height + n("i", "k") + n("j", "k") + 2 * n("i", "j") + n("i") + n("j")


def sized_base(target: int, year: int, seed: int, codes_dir: Path, generate) -> pl.DataFrame:
    """The BACI rows whose Comtrade file, before breakdowns, is just short of `target` rows."""
    aim = target - max(2, round(BREAKDOWN_SHARE * target))
    lo = max(2, int(BREAKDOWN_RANGE[0] * target))
    hi = max(lo + 10, int(BREAKDOWN_RANGE[1] * target))
    n = max(1000, round(aim / FIRST_RATIO))
    tried = {}
    for _ in range(10):
        base = generate(n, year, seed, codes_dir)
        t = counts(base)
        tried[n] = t
        if lo <= target - t <= hi:
            return base
        n = max(1000, round(n * aim / t))
        if n in tried:  # the search went round: step by one row
            n += 1 if tried[n] < aim else -1
    die(f"no number of BACI rows gives a {target:,}-row Comtrade file (tried {tried})")
    raise AssertionError


def leaf_rows(base: pl.DataFrame, seed: int, year: int) -> pl.DataFrame:
    rng = np.random.default_rng([seed, year, 7])
    cif = np.clip(np.exp(rng.normal(np.log(1.06), 0.05, base.height)), 1.0, 1.5)
    m_value = np.rint(base["vm"].to_numpy() * cif)
    common = [pl.col("t").alias("year"), pl.col("k").alias("cmd"),
              pl.col("qm").cast(pl.Float64).alias("kg")]
    x = base.select(*common, pl.col("i").alias("reporter"), pl.col("j").alias("partner"),
                    pl.lit("X").alias("flow"), pl.col("vm").cast(pl.Float64).alias("value"))
    m = base.select(*common, pl.col("j").alias("reporter"), pl.col("i").alias("partner"),
                    pl.lit("M").alias("flow"), pl.Series("value", m_value))
    return pl.concat([x, m], how="vertical_relaxed")


def aggregates(leaf: pl.DataFrame) -> pl.DataFrame:
    """Leaf rows with their World, TOTAL and World-TOTAL rows (columns of COLS)."""
    kg = pl.when(pl.col("kg").count() > 0).then(pl.col("kg").sum()).alias("kg")
    world = leaf.group_by("year", "reporter", "flow", "cmd") \
        .agg(pl.col("value").sum(), kg).with_columns(pl.lit(WORLD).cast(pl.Int64).alias("partner"))
    total = leaf.group_by("year", "reporter", "partner", "flow").agg(pl.col("value").sum()) \
        .with_columns(pl.lit(TOTAL).cast(pl.Int64).alias("cmd"))
    wtotal = leaf.group_by("year", "reporter", "flow").agg(pl.col("value").sum()) \
        .with_columns(pl.lit(WORLD).cast(pl.Int64).alias("partner"),
                      pl.lit(TOTAL).cast(pl.Int64).alias("cmd"))
    # sorted: group_by's order is not deterministic, and the breakdowns pick rows by position
    out = pl.concat([leaf, world, total, wtotal], how="diagonal_relaxed") \
        .sort("reporter", "flow", "partner", "cmd")
    return out.with_columns(pl.lit(0).cast(pl.Int64).alias("partner2"),
                            pl.lit(0).cast(pl.Int64).alias("mot"),
                            pl.lit(False).alias("part"))


def breakdowns(rows: pl.DataFrame, n_rows: int, codes: np.ndarray, seed: int,
               year: int) -> pl.DataFrame:
    """`n_rows` breakdown rows (groups of 2-4 parts) of some rows of `rows`."""
    rng = np.random.default_rng([seed, year, 11])
    key = ["year", "reporter", "partner", "flow", "cmd"]
    big = rows.filter(pl.col("value") >= 1000).with_row_index("_r")

    def one(reporter, partner, flow, leaf):
        f = big.filter((pl.col("reporter") == reporter) & (pl.col("partner") == partner)
                       & (pl.col("flow") == flow)
                       & ((pl.col("cmd") < TOTAL) if leaf else (pl.col("cmd") == TOTAL)))
        return int(f["_r"][0]) if f.height else None

    chn_first = rows.filter((pl.col("reporter") == CHN) & (pl.col("flow") == "X")
                            & (pl.col("partner") != WORLD) & (pl.col("cmd") == TOTAL)) \
        .sort("value", "partner", descending=[True, False])
    forced = [(one(KAZ, MEX, "X", False), "mot"), (one(KAZ, MEX, "M", True), "p2"),
              (one(CHN, WORLD, "X", False), "mot"), (one(CHN, WORLD, "M", True), "p2")]
    if chn_first.height:
        forced.append((one(CHN, int(chn_first["partner"][0]), "X", False), "p2"))
    forced = [(r, kind) for r, kind in forced if r is not None]
    # group sizes summing to n_rows
    sizes, left = [], n_rows
    while left > 0:
        g = int(rng.integers(2, 5))
        if left - g == 1:
            g = g - 1 if g > 2 else g + 1
        if left < 2 or g > left:
            g = left
        sizes.append(g)
        left -= g
    n_groups = len(sizes)
    forced = forced[:n_groups]
    taken = {r for r, _ in forced}
    pool = np.setdiff1d(np.arange(big.height), np.fromiter(taken, dtype=np.int64))
    extra = rng.choice(pool, size=n_groups - len(forced), replace=False)
    picks = [r for r, _ in forced] + [int(r) for r in extra]
    kinds = [k for _, k in forced] + ["mot" if x else "p2"
                                      for x in rng.random(len(extra)) < 0.5]
    src = big[picks].select(*key).to_dict(as_series=False)
    values = big[picks]["value"].to_numpy().astype(np.int64)
    parts = {c: [] for c in key}
    p_value, p_p2, p_mot = [], [], []
    for n, (g, kind) in enumerate(zip(sizes, kinds)):
        v = int(values[n])
        share = rng.dirichlet(np.full(g, 2.0))
        first = 1 + np.floor((v - g) * share[:-1]).astype(np.int64)
        vals = np.append(first, v - first.sum())
        if kind == "mot":
            mot, p2 = rng.choice(MOT_CODES, size=g, replace=False), np.zeros(g, dtype=np.int64)
        else:
            own = src["partner"][n]
            ok = codes[codes != own]
            p2, mot = rng.choice(ok, size=g, replace=False), np.zeros(g, dtype=np.int64)
        for c in key:
            parts[c] += [src[c][n]] * g
        p_value += vals.tolist()
        p_p2 += p2.tolist()
        p_mot += mot.tolist()
    out = pl.DataFrame(parts, schema={c: rows.schema[c] for c in key}).with_columns(
        pl.Series("value", p_value, dtype=pl.Float64),
        pl.Series("partner2", p_p2, dtype=pl.Int64),
        pl.Series("mot", p_mot, dtype=pl.Int64),
        pl.lit(True).alias("part"),
    )
    assert out.height == n_rows
    return out


def comtrade_frame(target: int, year: int, seed: int, codes_dir: Path, generate,
                   country_codes: np.ndarray) -> pl.DataFrame:
    """Every row of the Comtrade file as typed columns, sorted, exactly `target` rows."""
    base = sized_base(target, year, seed, codes_dir, generate)
    rows = aggregates(leaf_rows(base, seed, year))
    parts = breakdowns(rows, target - rows.height, country_codes, seed, year)
    df = pl.concat([rows, parts], how="diagonal_relaxed") \
        .sort("reporter", "flow", "partner", "cmd", "partner2", "mot")
    rng = np.random.default_rng([seed, year, 13])
    df = df.with_columns(pl.Series("mos_space", rng.random(df.height) < MOS_SPACE_SHARE))
    if df.height != target:
        die(f"made {df.height:,} rows instead of {target:,}")
    return df


def _s(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.String)


def _bool(e: pl.Expr) -> pl.Expr:
    return pl.when(e).then(pl.lit("True")).otherwise(pl.lit("False"))


def write_comtrade_csv(df: pl.DataFrame, out: Path) -> None:
    total = pl.col("cmd") == TOTAL
    aggregate = total | (pl.col("partner") == WORLD)
    has_kg = pl.col("kg").is_not_null()
    null = pl.lit(None, dtype=pl.String)
    value = pl.col("value").cast(pl.Float64)
    x = pl.col("flow") == "X"
    cols = {
        "typeCode": pl.lit("C"), "freqCode": pl.lit("A"),
        "refPeriodId": _s(pl.col("year") * 10000 + 101), "refYear": _s(pl.col("year")),
        "refMonth": pl.lit("52"), "period": _s(pl.col("year")),
        "reporterCode": _s(pl.col("reporter")), "reporterISO": null, "reporterDesc": null,
        "flowCode": pl.col("flow"), "flowDesc": null,
        "partnerCode": _s(pl.col("partner")), "partnerISO": null, "partnerDesc": null,
        "partner2Code": _s(pl.col("partner2")), "partner2ISO": null, "partner2Desc": null,
        "classificationCode": pl.lit(CLASSIFICATION), "classificationSearchCode": pl.lit("HS"),
        "isOriginalClassification": pl.lit("True"),
        "cmdCode": pl.when(total).then(pl.lit("TOTAL"))
                     .otherwise(_s(pl.col("cmd")).str.zfill(6)),
        "cmdDesc": null,
        "aggrLevel": pl.when(total).then(pl.lit("0")).otherwise(pl.lit("6")),
        "isLeaf": _bool(~total),
        "customsCode": pl.lit("C00"), "customsDesc": null,
        "mosCode": pl.when(pl.col("mos_space")).then(pl.lit("0 ")).otherwise(pl.lit("0")),
        "motCode": _s(pl.col("mot")), "motDesc": null,
        "qtyUnitCode": pl.when(has_kg).then(pl.lit("8")).otherwise(pl.lit("-1")),
        "qtyUnitAbbr": null,
        "qty": pl.when(total).then(pl.lit("0.0")).otherwise(_s(pl.col("kg"))),
        "isQtyEstimated": pl.lit("False"),
        "altQtyUnitCode": pl.lit("-1"), "altQtyUnitAbbr": null,
        "altQty": pl.when(total).then(pl.lit("0.0")).otherwise(null),
        "isAltQtyEstimated": pl.lit("False"),
        "netWgt": pl.when(total).then(pl.lit("0.0")).otherwise(_s(pl.col("kg"))),
        "isNetWgtEstimated": _bool(total),
        "grossWgt": pl.when(total).then(pl.lit("0.0")).otherwise(null),
        "isGrossWgtEstimated": pl.lit("False"),
        "cifvalue": pl.when(x).then(null).otherwise(_s(value)),
        "fobvalue": pl.when(x).then(_s(value)).otherwise(null),
        "primaryValue": _s(value),
        "legacyEstimationFlag": pl.lit("0"),
        "isReported": _bool(~pl.col("part")),
        "isAggregate": _bool(aggregate | pl.col("part")),
    }
    assert list(cols) == HEADER
    write_chunks(df, cols, out, ",".join(HEADER) + "\n", quote_style="never")


def write_chunks(df: pl.DataFrame, cols: dict, out: Path, header: str, **kw) -> None:
    """The columns `cols` of `df` as CSV, CHUNK rows at a time (the text of 47 columns of
    10M rows at once would take gigabytes)."""
    tmp = out.with_name(out.name + ".part")
    with tmp.open("wb") as f:
        f.write(header.encode())
        for start in range(0, df.height, CHUNK):
            df.slice(start, CHUNK).lazy().select(**cols).collect() \
                .write_csv(f, include_header=False, null_value="", **kw)
    tmp.replace(out)


def write_canonical_csv(df: pl.DataFrame, out: Path, iso: dict[int, str], source: str) -> None:
    """The rows as `tradestat convert` writes the Comtrade Plus file (see src/read/layout/
    comtrade_plus.rs: countries to ISO3, 0 to WLD, flows in words, refMonth 52 to empty)."""
    codes = pl.DataFrame({"code": list(iso), "iso": list(iso.values())},
                         schema={"code": pl.Int64, "iso": pl.String})
    to_iso = lambda c: pl.col(c).replace_strict(codes["code"], codes["iso"])  # noqa: E731
    total = pl.col("cmd") == TOTAL
    null = pl.lit(None, dtype=pl.String)
    cols = {
        "year": pl.col("year"), "month": null,
        "reporter": to_iso("reporter"), "partner": to_iso("partner"),
        "flow": pl.when(pl.col("flow") == "X").then(pl.lit("export")).otherwise(pl.lit("import")),
        "product": pl.when(total).then(pl.lit("TOTAL")).otherwise(_s(pl.col("cmd")).str.zfill(6)),
        "product_name": null,
        "product_level": pl.when(total).then(pl.lit(0)).otherwise(pl.lit(6)),
        "classification": pl.lit(CLASSIFICATION), "value": pl.col("value").cast(pl.Float64),
        "currency": pl.lit("USD"),
        "quantity": pl.when(total).then(pl.lit(0.0)).otherwise(pl.col("kg")),
        "quantity_unit": null,
        "net_weight_kg": pl.when(total).then(pl.lit(0.0)).otherwise(pl.col("kg")),
        "partner2": to_iso("partner2"), "transport_mode": _s(pl.col("mot")),
        "customs_procedure": pl.lit("C00"),
        "reconciled": pl.lit("false"), "derived": pl.lit("false"), "source": pl.lit(source),
    }
    assert list(cols) == CANONICAL_HEADER
    write_chunks(df, cols, out, ",".join(CANONICAL_HEADER) + "\n", quote_style="necessary")
