#!/usr/bin/env python3
"""The measuring half of bench/run (which sets up the venv, hyperfine, the binary and the data,
then calls this). Standard library only; run with the bench venv's python so that the peers
find their packages.

For every size and layout (BACI, Comtrade Plus, canonical): one run of every engine and
workload under /usr/bin/time -v (peak RSS and the result), the agreement checks (the engines
with each other; tradestat on the canonical file with tradestat on the Comtrade Plus file it
was converted from), then the timings (hyperfine for tradestat, the peers' own in-process
repetitions). Workloads: W1-W3 against pandas, polars and DuckDB; `inspect` against DuckDB
loading the whole file into a table; `report` against tradestat's own W1 profile. Then Parquet,
Comtrade Plus at 50M rows (optional), the panel and the chart. Prints the tables and rewrites
the results section of BENCHMARKS.md, unless an engine disagreed (exit 1, nothing written).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import compare as cmp  # noqa: E402
import normalise_tradestat as nt  # noqa: E402

PEERS = ["pandas", "polars", "duckdb"]
PANEL_PEERS = ["polars", "duckdb"]
INSPECT_PEERS = ["duckdb"]
WORKLOADS = ["W1", "W2", "W3"]
WDESC = {"W1": "pair KAZ-MEX", "W2": "profile CHN", "W3": "world table", "inspect": "",
         "report": "KAZ-MEX"}
# layout -> (name in the tables, data file prefix)
LAYOUTS = {"baci": ("BACI", "baci"), "comtrade-plus": ("Comtrade Plus", "comtrade_plus"),
           "canonical": ("canonical", "canonical")}
START, END = "<!-- results:start -->", "<!-- results:end -->"
# goals of the issue: tradestat time <= factor x peer time; pandas: tradestat >= 4x faster
GOAL_TIME = {"duckdb": 0.5, "polars": 0.8, "pandas": 0.25}
GOAL_MEM_DUCKDB = 0.6
GOAL_INSPECT_DUCKDB = 1.5     # inspect <= 1.5x DuckDB loading the file into a table
GOAL_REPORT_PROFILE = 2.0     # report <= 2x one profile (W1) on the same question
GOAL_COMTRADE_MB = 1000.0     # Comtrade Plus W1-W3 peak memory at 10M (and 50M) rows
GOAL_SIZE, GOAL_SMALL = "10M", "1M"
GOAL_PARQUET_S = 0.25
GOAL_PANEL_MB = 2000.0
GOAL_CHART_S = 0.1

INTRO = """# Benchmarks

How fast `tradestat` answers three everyday questions on CSV files in three layouts (CEPII BACI,
UN Comtrade Plus, tradestat's canonical table), against the same questions written by a
competent user of pandas, polars (Python) and DuckDB. Everything between the results markers
below is rewritten by `bench/run`; edit the text outside them.

## Method

- **Data**: `bench/gen.py` writes deterministic synthetic files in three layouts, using the real
  BACI V202401 country and HS17 product code lists; country sizes are Zipf-like; 1M and 10M rows
  for one year, and a 5-year BACI panel of 10M rows per year.
  - **BACI**: the exact CEPII layout (quoted header, HS6 codes that lose their leading zero,
    values in thousands of USD, quantities as quoted space-padded strings with `NA`s).
  - **Comtrade Plus**: the same trade as the 47-column UN Comtrade API v1 CSV would give it:
    every BACI row as the exporter's `X` and the importer's `M` record (imports CIF, about 6 %
    above), partner World rows, `cmdCode` `TOTAL` rows, and a few transport-mode and
    second-partner breakdown rows, with the real download's quirks (empty `*Desc`/`*ISO`
    columns, `7903767147.0`, `True`/`False`, `mosCode` `"0 "`). The row count includes the
    aggregates.
  - **canonical**: the Comtrade Plus file as `tradestat convert` writes it
    (`year,month,reporter,partner,flow,product,...`).
- **Workloads**: W1 pair summary KAZ (398) - MEX (484): flows both ways, top 10 HS6 products,
  HS2 chapters both ways. W2 profile of CHN (156): exports and imports, top 10 partners by
  turnover, HHI of its HS6 exports. W3 world table: exports, imports, balance and turnover of
  every country, ranked. `inspect` of the whole file, against DuckDB loading the same file into
  a table (`CREATE TABLE t AS SELECT * FROM read_csv(...)`). `report` on KAZ-MEX, against one
  `tradestat profile` on the same question (W1). Each run reads the file from scratch. On
  Comtrade Plus and canonical files the peers apply tradestat's double-count rules (breakdowns
  left out, totals from `TOTAL`, products over HS6 leaves, the world from partner World rows;
  see `bench/README.md`), and W1/W2 use the reporter's own declarations.
- **Agreement**: every engine's result is converted to one normalised form (USD, ISO3 codes) and
  compared with every other's (same keys and ranking, numbers within a relative 1e-9);
  tradestat on the canonical file must give its answers on the Comtrade Plus file; `inspect`
  must count DuckDB's rows; `bench/run` refuses to write results if any figure differs.
- **Timing**: tradestat is the median wall time of the whole process (`tradestat profile ...
  --output json`, `tradestat world ... --output json`) over the runs (`hyperfine --warmup 1`,
  file in the page cache). The peers are timed *inside* Python, after
  interpreter start-up and imports, over the same number of repetitions after one unrecorded
  warm-up repetition: Python start-up and imports (typically 0.1-0.5 s) are not counted for them,
  which deliberately favours the peers.
- **Memory**: peak resident memory (max RSS from `/usr/bin/time -v`) of one whole process doing
  the workload once, for every engine (for the peers this includes the Python interpreter and the
  imported library).
- **Machine**: the one named with the results; 2 cores is the project's standard machine, so
  multi-threaded engines get little help from threads.

Run `bench/run` (see `bench/README.md`) to reproduce.

"""


def die(msg: str) -> None:
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(2)


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- running things

class TimedOut(Exception):
    pass


def time_v(cmd: list[str], stdout_path: Path, timeout: float) -> tuple[float, float]:
    """Run cmd once under /usr/bin/time -v; stdout to stdout_path. -> (peak MB, wall s).
    Raises TimedOut (after killing it) when it runs longer than `timeout` seconds."""
    err_path = stdout_path.with_suffix(".time.txt")
    with stdout_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-v"] + cmd, stdout=out, stderr=err,
                             start_new_session=True)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)  # our own process group only
            p.wait()
            raise TimedOut(f"{shlex.join(cmd)} still running after {timeout:g} s: killed")
        wall = time.perf_counter() - t0
    text = err_path.read_text(errors="replace")
    if p.returncode < 0:
        die(f"{shlex.join(cmd)}: /usr/bin/time was killed by signal {-p.returncode} "
            "(from outside the benchmark)")
    if p.returncode != 0:
        own = text.split("\tCommand being timed:")[0]
        if "Command terminated by signal" in text:
            own += "\n" + re.search(r"Command terminated by signal \d+", text).group(0)
        die(f"{shlex.join(cmd)} exited {p.returncode}; its stderr ends:\n{own[-3000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not m:
        die(f"no 'Maximum resident set size' in /usr/bin/time output for {shlex.join(cmd)}")
    return int(m.group(1)) * 1024 / 1e6, wall


def hyperfine(cmd: list[str], runs: int, json_path: Path) -> float:
    """Median wall seconds of cmd over `runs` runs (one warm-up), via hyperfine, no shell."""
    args = ["hyperfine", "--warmup", "1", "--runs", str(runs), "-N", "--style", "none",
            "--export-json", str(json_path), shlex.join(cmd)]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"hyperfine failed for {shlex.join(cmd)}:\n{p.stdout}{p.stderr}")
    res = json.loads(json_path.read_text())["results"][0]
    return float(res.get("median") or statistics.median(res["times"]))


def peer_cmd(python: str, engine: str, workload: str, file: str, repeat: int,
             layout: str = "baci") -> list[str]:
    return [python, str(BENCH / "peers" / f"{engine}_bench.py"), workload, file,
            "--layout", layout, "--repeat", str(repeat)]


def read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        die(f"cannot read {path}: {e}")


def size_rows(size: str) -> float:
    s = size.upper()
    return float(s[:-1]) * (1e6 if s.endswith("M") else 1e3 if s.endswith("K") else 1)


class Bench:
    def __init__(self, a: argparse.Namespace):
        self.a = a
        self.ts = a.tradestat
        self.py = sys.executable
        self.out = Path(a.results_dir)
        if self.out.is_dir():  # our own folder under target/: no stale results
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True)
        self.rows: list[dict] = []        # table rows
        self.disagreements: list[str] = []
        self.info: dict = {}
        self.single: dict[tuple, float] = {}  # (tag, workload, engine) -> s of the single run
        self.slow: set[tuple] = set()         # measured by that single run only
        self.timed_out: set[tuple] = set()    # killed after --timeout seconds

    def stop(self) -> bool:
        """A disagreement was found and --keep-going was not given."""
        return bool(self.disagreements) and not self.a.keep_going

    def data_file(self, layout: str, size: str) -> str:
        return f"{self.a.data_dir}/{LAYOUTS[layout][1]}_{size}.csv"

    def report_dir(self, tag: str) -> str:
        return f"{self.a.data_dir}/report-{tag}"

    def ts_cmd(self, workload: str, file: str, tag: str = "") -> list[str]:
        out = self.report_dir(tag)
        return [self.ts] + [x.format(file=file, out=out) for x in nt.COMMANDS[workload]]

    def disagree(self, header: str, d: list[str]) -> None:
        msg = [f"{header}: {len(d)} difference(s)"] + [f"  {x}" for x in d[:cmp.MAX_REPORTED]]
        if len(d) > cmp.MAX_REPORTED:
            msg.append(f"  ... and {len(d) - cmp.MAX_REPORTED} more")
        self.disagreements.append("\n".join(msg))
        print("\n".join(msg), flush=True)

    # -- one result + peak memory per engine, then agreement
    def results(self, tag: str, workload: str, file: str, engines: list[str],
                layout: str = "baci", with_ts: bool = True) -> dict[str, dict]:
        res, mem = {}, {}
        if with_ts:
            raw = self.out / f"{tag}-{workload}-tradestat.raw.json"
            try:
                mem["tradestat"], wall = time_v(self.ts_cmd(workload, file, tag), raw,
                                                self.a.timeout)
            except TimedOut as e:
                log(f"{tag} {workload}: tradestat: {e}")
                self.timed_out.add((tag, workload, "tradestat"))
                mem["tradestat"] = None
            else:
                self.single[(tag, workload, "tradestat")] = wall
                if workload == "report":
                    index = Path(self.report_dir(tag)) / "index.html"
                    if not index.is_file():
                        die(f"{tag}: {shlex.join(self.ts_cmd(workload, file, tag))} wrote no "
                            f"{index}")
                else:
                    try:
                        res["tradestat"] = nt.normalise_text(workload, raw.read_text())
                    except (nt.FormatError, KeyError, TypeError, ValueError) as e:
                        die(f"{tag} {workload}: tradestat's JSON ({raw}) is not as expected: "
                            f"{e}\n  fix FIELDS / the normaliser in bench/normalise_tradestat.py")
                    (self.out / f"{tag}-{workload}-tradestat.json").write_text(
                        json.dumps(res["tradestat"]))
        for e in engines:
            path = self.out / f"{tag}-{workload}-{e}.json"
            try:
                mem[e], _ = time_v(peer_cmd(self.py, e, workload, file, 1, layout), path,
                                   self.a.timeout)
            except TimedOut as err:
                log(f"{tag} {workload}: {e}: {err}")
                self.timed_out.add((tag, workload, e))
                mem[e] = None
                continue
            doc = read_json(path)
            res[e] = doc["result"]
            self.single[(tag, workload, e)] = doc["times"][0]
        agree = {e: True for e in res}
        names = list(res)
        for x in range(len(names)):
            for y in range(x + 1, len(names)):
                d = cmp.compare(res[names[x]], res[names[y]], workload)
                if d:
                    agree[names[x]] = agree[names[y]] = False
                    self.disagree(f"{tag} {workload}: {names[x]} vs {names[y]}", d)
        ok = all(agree.values())
        what = f"all {len(res)} engines agree" if len(res) > 1 else "done"
        peaks = ", ".join(f"{k} {v:.0f}" for k, v in mem.items() if v is not None)
        log(f"{tag} {workload}: {what if ok else 'DISAGREEMENT'}"
            + (f" (peak MB: {peaks})" if peaks else ""))
        return {e: {"result": res.get(e), "peak_mb": mem[e], "agree": agree.get(e)} for e in mem}

    def timings(self, tag: str, workload: str, file: str, engines: list[str],
                layout: str = "baci", with_ts: bool = True) -> dict[str, float]:
        t = {}
        for e in (["tradestat"] if with_ts else []) + engines:
            if (tag, workload, e) in self.timed_out:
                t[e] = None
                continue
            single = self.single.get((tag, workload, e), 0.0)
            if single > self.a.slow_limit:
                log(f"{tag} {workload}: {e} took {single:.1f} s > {self.a.slow_limit:g} s "
                    "(--slow-limit): that single run is the measurement")
                t[e] = single
                self.slow.add((tag, workload, e))
        if with_ts and "tradestat" not in t:
            t["tradestat"] = hyperfine(self.ts_cmd(workload, file, tag), self.a.runs,
                                       self.out / f"{tag}-{workload}-tradestat.hyperfine.json")
        for e in engines:
            if e in t:
                continue
            path = self.out / f"{tag}-{workload}-{e}.times.json"
            p = subprocess.run(peer_cmd(self.py, e, workload, file, self.a.runs + 1, layout),
                               capture_output=True, text=True)
            if p.returncode != 0:
                die(f"{e} {workload} on {file} exited {p.returncode}:\n{p.stderr[-2000:]}")
            path.write_text(p.stdout)
            times = json.loads(p.stdout)["times"][1:]  # first repetition = warm-up
            t[e] = statistics.median(times)
        done = ", ".join(f"{k} {v:.3f}" for k, v in t.items() if v is not None)
        if done:
            log(f"{tag} {workload}: median s: {done}")
        return t

    def add(self, layout: str | None, section: str, workload: str, info: dict, times: dict,
            tag: str) -> None:
        for e, r in info.items():
            self.rows.append({"layout": layout, "section": section, "workload": workload,
                              "engine": e, "median_s": times.get(e), "peak_mb": r["peak_mb"],
                              "agree": r["agree"],
                              "single_run": (tag, workload, e) in self.slow,
                              "timed_out": (tag, workload, e) in self.timed_out})

    # -- the parts
    def workloads(self) -> list[tuple[str, list[str]]]:
        """(workload, peers) measured on every CSV file."""
        out = [(w, PEERS) for w in WORKLOADS]
        if not self.a.skip_inspect:
            out.append(("inspect", INSPECT_PEERS))
        if not self.a.skip_report:
            out.append(("report", []))
        return out

    def size(self, layout: str, size: str) -> None:
        file = self.data_file(layout, size)
        if not Path(file).is_file():
            die(f"{file} missing (bench/run generates it)")
        warm(file)
        tag = f"{layout}-csv{size}"
        infos = {w: self.results(tag, w, file, peers, layout) for w, peers in self.workloads()}
        self.same_as_comtrade(layout, size, infos)
        if self.stop():
            return
        warm_check(self)
        for w, peers in self.workloads():
            self.add(layout, size, w, infos[w], self.timings(tag, w, file, peers, layout), tag)

    def same_as_comtrade(self, layout: str, size: str, infos: dict) -> None:
        """The canonical file is the Comtrade Plus file of the same size as `tradestat convert`
        writes it: tradestat's answers on both must be the same."""
        if layout != "canonical" or "comtrade-plus" not in self.a.layouts:
            return
        for w in WORKLOADS:
            other = self.out / f"comtrade-plus-csv{size}-{w}-tradestat.json"
            mine = infos[w].get("tradestat", {}).get("result")
            if not other.is_file() or mine is None:
                continue
            d = cmp.compare(mine, read_json(other), w)
            if d:
                infos[w]["tradestat"]["agree"] = False
                self.disagree(f"canonical-csv{size} {w}: tradestat on the canonical file vs on "
                              "the Comtrade Plus file", d)
            else:
                log(f"canonical-csv{size} {w}: tradestat gives the same figures as on the "
                    "Comtrade Plus file")

    def parquet(self, layout: str, size: str) -> None:
        csv = self.data_file(layout, size)
        pq = csv[: -len(".csv")] + ".parquet"
        if Path(pq).exists():
            Path(pq).unlink()
        # BACI keeps its own typed layout; the others become the canonical table
        keep = ["--keep-layout"] if layout == "baci" else []
        t0 = time.perf_counter()
        p = subprocess.run([self.ts, "convert", *keep, csv, "-o", pq],
                           capture_output=True, text=True)
        if p.returncode != 0 or not Path(pq).is_file():
            die(f"tradestat convert {csv} -o {pq} failed ({p.returncode}):\n{p.stderr[-2000:]}")
        self.info.setdefault("convert", {})[layout] = {
            "s": time.perf_counter() - t0, "mb": Path(pq).stat().st_size / 1e6,
            "keep": bool(keep), "size": size}
        warm(pq)
        warm_check(self)
        tag = f"{layout}-parquet{size}"
        for w in WORKLOADS:
            info = self.results(tag, w, pq, [], layout)
            # the Parquet answer must be the CSV answer
            csv_res = self.out / f"{layout}-csv{size}-{w}-tradestat.json"
            if csv_res.is_file() and info["tradestat"]["result"] is not None:
                d = cmp.compare(info["tradestat"]["result"], read_json(csv_res), w)
                if d:
                    info["tradestat"]["agree"] = False
                    self.disagree(f"{tag} {w}: tradestat on Parquet vs on CSV", d)
            if self.stop():
                return
            self.add(layout, f"{size} Parquet", w, info, self.timings(tag, w, pq, [], layout),
                     tag)

    def big(self, size: str) -> None:
        """Comtrade Plus W1-W3 at `size` rows, tradestat only, one run each (the memory goal)."""
        layout = "comtrade-plus"
        file = self.data_file(layout, size)
        if not Path(file).is_file():
            die(f"{file} missing (bench/run generates it)")
        warm(file)
        warm_check(self)
        tag = f"{layout}-csv{size}"
        for w in WORKLOADS:
            info = self.results(tag, w, file, [], layout)
            info["tradestat"]["agree"] = None  # nothing to compare with
            t = self.single.get((tag, w, "tradestat"))
            if t is not None:
                self.slow.add((tag, w, "tradestat"))
            self.add(layout, size, w, info, {"tradestat": t}, tag)
            self.rows[-1]["big"] = True

    def panel(self) -> None:
        glob = f"{self.a.data_dir}/panel/baci_Y*.csv"
        files = sorted(Path(self.a.data_dir, "panel").glob("baci_Y*.csv"))
        if len(files) != 5:
            die(f"panel: expected 5 files matching {glob}, found {len(files)}")
        for f in files:
            warm(str(f))
        warm_check(self)
        info = self.results("panel", "W2", glob, PANEL_PEERS)
        if self.stop():
            return
        self.add("baci", "panel", "W2", info, self.timings("panel", "W2", glob, PANEL_PEERS),
                 "panel")

    def chart(self) -> None:
        png = f"{self.a.data_dir}/chart.png"
        cmd = [self.ts, "chart", "trend", "-o", png]
        try:
            mem, wall = time_v(cmd, self.out / "chart.stdout", self.a.timeout)
        except TimedOut as e:
            die(f"chart: {e}")
        if not Path(png).is_file():
            die(f"{shlex.join(cmd)} wrote no {png}")
        slow = wall > self.a.slow_limit
        t = wall if slow else hyperfine(cmd, self.a.runs, self.out / "chart.hyperfine.json")
        log(f"chart trend: median {t:.3f} s, peak {mem:.0f} MB")
        self.rows.append({"layout": None, "section": "chart", "workload": "chart trend",
                          "engine": "tradestat", "median_s": t, "peak_mb": mem, "agree": None,
                          "single_run": slow})


def warm(path: str) -> None:
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def cpu_busy(seconds: float = 2.0) -> float:
    """Share of all CPU time used (by anything) over `seconds`, from /proc/stat."""
    def sample() -> tuple[int, int]:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(f), f[3] + (f[4] if len(f) > 4 else 0)  # total, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1.0 - (i1 - i0) / max(t1 - t0, 1)


def warm_check(b: "Bench") -> None:
    busy = cpu_busy()
    b.info["busy"] = max(b.info.get("busy", 0.0), busy)
    if busy > 0.15:
        log(f"warning: the CPUs were {busy:.0%} busy just before timing (other processes): "
            "timings will be noisy")


# ---------------------------------------------------------------- report

def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def find(rows, **kw):
    for r in rows:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def layout_name(layout: str | None) -> str:
    return LAYOUTS[layout][0] if layout in LAYOUTS else ""


def results_tables(rows: list[dict], timeout: float) -> list[str]:
    out = []
    sections = list(dict.fromkeys((r["layout"], r["section"]) for r in rows))
    for layout, s in sections:
        if s == "chart":
            continue
        name = layout_name(layout)
        if s == "panel":
            title = "BACI 5-year panel, CSV (5 x 10M rows, glob `panel/baci_Y*.csv`)"
        elif s.endswith(" Parquet"):
            how = ("`tradestat convert --keep-layout`, BACI's own typed layout" if layout == "baci"
                   else "`tradestat convert`, the canonical table")
            title = (f"{name}, {s.split()[0]} rows, Parquet ({how}; tradestat only; agree = same "
                     "figures as on the CSV)")
        elif any(r.get("big") for r in rows if (r["layout"], r["section"]) == (layout, s)):
            title = f"{name}, {s} rows, CSV (tradestat only, one run each: the memory goal)"
        else:
            title = f"{name}, {s} rows, CSV"
        out += [f"### {title}", "",
                "| workload | engine | median s | tradestat / engine | peak MB | agree |",
                "|---|---|---:|---:|---:|---|"]
        for r in rows:
            if (r["layout"], r["section"]) != (layout, s):
                continue
            ts = find(rows, layout=layout, section=s, workload=r["workload"], engine="tradestat")
            ratio = "-"
            if ts and ts["median_s"] and r["median_s"]:
                ratio = f"{ts['median_s'] / r['median_s']:.2f}"
            engine = r["engine"]
            if r["workload"] == "report":
                # a report is compared with tradestat's own W1 profile, the same question
                prof = find(rows, layout=layout, section=s, workload="W1", engine="tradestat")
                if prof and prof["median_s"] and r["median_s"]:
                    ratio = f"{r['median_s'] / prof['median_s']:.2f} vs W1 profile"
            elif r["workload"] == "inspect" and engine == "duckdb":
                engine = "duckdb (file into a table)"
            if r.get("timed_out"):
                median, peak = f"killed after {timeout:g} s", "-"
            else:
                median = fmt_s(r["median_s"]) + (" (1 run)" if r.get("single_run") else "")
                peak = "-" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
            agree = "-" if r["agree"] is None else "yes" if r["agree"] else "no"
            out.append(f"| {r['workload']} {WDESC.get(r['workload'], '')} | {engine} | "
                       f"{median} | {ratio} | {peak} | {agree} |".replace("  |", " |"))
        out.append("")
    ch = find(rows, section="chart")
    if ch:
        out += ["### Chart", "",
                f"`tradestat chart trend -o chart.png` (embedded data, default slide size): "
                f"median {fmt_s(ch['median_s'])} s{' (1 run)' if ch.get('single_run') else ''}, "
                f"peak {ch['peak_mb']:.0f} MB.", ""]
    return out


def goals(rows: list[dict], layouts: list[str], timeout: float) -> list[str]:
    """Each goal from the numbers; a goal whose measurement was not made says so."""
    lines = ["### Goals (computed from the tables above)", "",
             "| goal | layout | measured | met |", "|---|---|---|---|"]

    def row(goal: str, layout: str | None, measured: str, met: bool | None) -> None:
        lines.append(f"| {goal} | {layout_name(layout) or '-'} | {measured} | "
                     f"{'not measured' if met is None else 'met' if met else 'NOT met'} |")

    def check(goal: str, layout, ts: dict | None, other: dict | None, field: str, fn,
              alone: bool = False) -> None:
        """fn(tradestat's value, the other engine's value or None) -> (measured text, met)."""
        if ts is None or (other is None and not alone):
            row(goal, layout, "-", None)
        elif ts.get("timed_out"):
            row(goal, layout, f"tradestat killed after {timeout:g} s",
                False if field == "median_s" else None)
        elif other is not None and other.get("timed_out"):
            row(goal, layout, f"{other['engine']} killed after {timeout:g} s", None)
        elif ts[field] is None or (other is not None and other[field] is None):
            row(goal, layout, "-", None)
        else:
            row(goal, layout, *fn(ts[field], other[field] if other else None))

    big = GOAL_SIZE
    for lay in layouts:
        get = lambda **kw: find(rows, layout=lay, **kw)  # noqa: E731
        if not get(section=big):
            row(f"{big} goals (W1-W3 against the peers, inspect, report, Parquet"
                f"{', memory' if lay == 'comtrade-plus' else ''})", lay,
                f"{big} rows not run", None)
        for w in WORKLOADS if get(section=big) else []:
            ts = get(section=big, workload=w, engine="tradestat")
            for e, factor in GOAL_TIME.items():
                r = get(section=big, workload=w, engine=e)
                if e == "pandas":
                    check(f"{big} {w} at least {1 / factor:g}x faster than pandas", lay, ts, r,
                          "median_s",
                          lambda t, o, f=factor: (f"pandas time / tradestat time = {o / t:.3f}",
                                                  o / t >= 1 / f))
                else:
                    check(f"{big} {w} time <= {factor}x {e}", lay, ts, r, "median_s",
                          lambda t, o, f=factor: (f"{t / o:.3f}x", t / o <= f))
            r = get(section=big, workload=w, engine="duckdb")
            check(f"{big} {w} peak memory <= {GOAL_MEM_DUCKDB}x DuckDB", lay, ts, r, "peak_mb",
                  lambda t, o: (f"{t / o:.3f}x ({t:.0f} / {o:.0f} MB)", t / o <= GOAL_MEM_DUCKDB))
        if not get(section=GOAL_SMALL):
            row(f"{GOAL_SMALL} W1-W3 faster than every peer", lay, f"{GOAL_SMALL} rows not run",
                None)
        for w in WORKLOADS if get(section=GOAL_SMALL) else []:
            ts = get(section=GOAL_SMALL, workload=w, engine="tradestat")
            peers = [get(section=GOAL_SMALL, workload=w, engine=e) for e in PEERS]
            goal = f"{GOAL_SMALL} {w} faster than every peer"
            if ts is None or any(p is None for p in peers) or ts.get("timed_out"):
                row(goal, lay, "-" if ts is None or not ts.get("timed_out")
                    else f"tradestat killed after {timeout:g} s",
                    False if ts and ts.get("timed_out") else None)
            elif any(p.get("timed_out") for p in peers):
                row(goal, lay, "a peer was killed", None)
            else:
                ratios = {p["engine"]: ts["median_s"] / p["median_s"] for p in peers}
                row(goal, lay, "tradestat time / peer time: "
                    + ", ".join(f"{e} {r:.2f}" for e, r in ratios.items()),
                    all(r < 1 for r in ratios.values()))
        larger = sorted({r["section"] for r in rows if r["layout"] == lay and r.get("big")},
                        key=size_rows)
        if not get(section=big):
            for sz in larger:
                for w in WORKLOADS:
                    check(f"{sz} {w} peak memory < {GOAL_COMTRADE_MB / 1000:g} GB", lay,
                          get(section=sz, workload=w, engine="tradestat"), None, "peak_mb",
                          lambda t, o: (f"{t:.0f} MB", t < GOAL_COMTRADE_MB), alone=True)
            continue
        check(f"{big} inspect <= {GOAL_INSPECT_DUCKDB}x DuckDB loading the file into a table",
              lay, get(section=big, workload="inspect", engine="tradestat"),
              get(section=big, workload="inspect", engine="duckdb"), "median_s",
              lambda t, o: (f"{t / o:.3f}x ({fmt_s(t)} / {fmt_s(o)} s)",
                            t / o <= GOAL_INSPECT_DUCKDB))
        rep = get(section=big, workload="report", engine="tradestat")
        prof = get(section=big, workload="W1", engine="tradestat")
        check(f"{big} report <= {GOAL_REPORT_PROFILE:g}x one profile (W1, same question)", lay,
              rep, prof, "median_s",
              lambda t, o: (f"{t / o:.3f}x ({fmt_s(t)} / {fmt_s(o)} s)",
                            t / o <= GOAL_REPORT_PROFILE))
        # the canonical file's Parquet is the Comtrade Plus file's (the same canonical table)
        pq_lay = lay
        if lay == "canonical" and not get(section=f"{big} Parquet") and \
                find(rows, layout="comtrade-plus", section=f"{big} Parquet"):
            pq_lay = "comtrade-plus"
        same = " (the Comtrade Plus file's Parquet)" if pq_lay != lay else ""
        for w in WORKLOADS:
            check(f"{big} {w} on Parquet < {GOAL_PARQUET_S} s", lay,
                  find(rows, layout=pq_lay, section=f"{big} Parquet", workload=w,
                       engine="tradestat"), None,
                  "median_s", lambda t, o: (f"{fmt_s(t)} s{same}", t < GOAL_PARQUET_S),
                  alone=True)
        if lay == "comtrade-plus":
            for sz in [big] + larger:
                for w in WORKLOADS:
                    check(f"{sz} {w} peak memory < {GOAL_COMTRADE_MB / 1000:g} GB", lay,
                          get(section=sz, workload=w, engine="tradestat"), None, "peak_mb",
                          lambda t, o: (f"{t:.0f} MB", t < GOAL_COMTRADE_MB), alone=True)
    if "baci" in layouts:
        check(f"panel W2 peak memory < {GOAL_PANEL_MB / 1000:g} GB", "baci",
              find(rows, section="panel", workload="W2", engine="tradestat"), None, "peak_mb",
              lambda t, o: (f"{t:.0f} MB", t < GOAL_PANEL_MB), alone=True)
    check(f"chart trend < {GOAL_CHART_S} s", None, find(rows, section="chart"), None,
          "median_s", lambda t, o: (f"{fmt_s(t)} s", t < GOAL_CHART_S), alone=True)
    lines.append("")
    return lines


def machine() -> dict:
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {"cpu": model, "cores": os.cpu_count(), "ram": mem, "os": platform.platform()}


def versions(ts: str) -> dict:
    v = {}
    p = subprocess.run([ts, "--version"], capture_output=True, text=True)
    v["tradestat"] = re.sub(r"^tradestat\s+", "", (p.stdout.strip().splitlines() or ["?"])[0])
    v["python"] = platform.python_version()
    for pkg in ("pandas", "polars", "duckdb", "numpy", "pyarrow"):
        try:
            v[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            v[pkg] = "not installed"
    p = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True)
    v["hyperfine"] = p.stdout.strip().split()[-1] if p.stdout.strip() else "?"
    return v


def report(b: Bench) -> str:
    m, v = machine(), versions(b.ts)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cmd = shlex.join(["bench/run"] + b.a.argv)
    lines = [f"_Generated by `{cmd}`, {now}._", ""]
    lines += [f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM ({m['os']}); "
              f"other processes used up to {b.info.get('busy', 0):.0%} of the CPUs just before "
              f"timing. Runs per measurement: "
              f"{b.a.runs}.", ""]
    lines += ["Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".", ""]
    lines += results_tables(b.rows, b.a.timeout)
    for layout, c in b.info.get("convert", {}).items():
        how = "`tradestat convert --keep-layout`" if c["keep"] else "`tradestat convert`"
        lines += [f"{layout_name(layout)}: {how} of the {c['size']}-row CSV to Parquet took "
                  f"{c['s']:.1f} s ({c['mb']:.0f} MB file).", ""]
    if any(r.get("single_run") and not r.get("big") for r in b.rows):
        lines += [f"(1 run): the single run took more than {b.a.slow_limit:g} s "
                  "(`--slow-limit`), so it was not repeated.", ""]
    lines += goals(b.rows, b.a.layouts, b.a.timeout)
    return "\n".join(lines)


def write_benchmarks_md(path: Path, body: str) -> None:
    text = path.read_text() if path.is_file() else INTRO + f"## Results\n\n{START}\n{END}\n"
    if START not in text or END not in text or text.index(START) > text.index(END):
        text = text.rstrip("\n") + f"\n\n## Results\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(f"{head}{START}\n{body.rstrip()}\n{END}{tail}")


def main() -> None:
    ap = argparse.ArgumentParser(description="bench/run's measuring half (call bench/run)")
    ap.add_argument("--sizes", default="1M,10M")
    ap.add_argument("--layouts", default=",".join(LAYOUTS),
                    help=f"comma-separated, of {', '.join(LAYOUTS)}")
    ap.add_argument("--big", default="",
                    help="also Comtrade Plus W1-W3 at this size (e.g. 50M), tradestat only, one run")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-panel", action="store_true")
    ap.add_argument("--skip-parquet", action="store_true")
    ap.add_argument("--skip-chart", action="store_true")
    ap.add_argument("--skip-inspect", action="store_true")
    ap.add_argument("--skip-report", action="store_true")
    ap.add_argument("--keep-going", action="store_true",
                    help="time everything even after a disagreement (still writes nothing)")
    ap.add_argument("--slow-limit", type=float, default=60.0,
                    help="a single run slower than this many seconds is the measurement itself "
                         "(no repetitions)")
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="kill a single run after this many seconds and report it as killed")
    ap.add_argument("--tradestat", required=True)
    ap.add_argument("--data-dir", default="target/bench-data")
    ap.add_argument("--results-dir", default="target/bench-results")
    ap.add_argument("--benchmarks-md", default="BENCHMARKS.md")
    ap.add_argument("--argv", default="", help="bench/run's own arguments, for the report")
    a = ap.parse_args()
    a.argv = shlex.split(a.argv)
    if a.runs < 1:
        die("--runs must be >= 1")
    sizes = [s for s in a.sizes.split(",") if s]
    a.layouts = [x for x in a.layouts.split(",") if x]
    bad = [x for x in a.layouts if x not in LAYOUTS]
    if bad or not a.layouts:
        die(f"--layouts: unknown {bad or 'none'}; layouts are {', '.join(LAYOUTS)}")
    a.layouts = [x for x in LAYOUTS if x in a.layouts]  # comtrade-plus before canonical
    b = Bench(a)
    for s in sizes:
        for layout in a.layouts:
            if not b.stop():
                b.size(layout, s)
    largest = max(sizes, key=size_rows)
    if not a.skip_parquet:
        for layout in a.layouts:
            # the canonical file's Parquet is the Comtrade Plus file's (the same canonical table)
            if layout == "canonical" and "comtrade-plus" in a.layouts:
                continue
            if not b.stop():
                b.parquet(layout, largest)
    if a.big and not b.stop():
        b.big(a.big)
    if not a.skip_panel and "baci" in a.layouts and not b.stop():
        b.panel()
    if not a.skip_chart and not b.stop():
        b.chart()
    if b.stop():
        print(f"\nbench: {len(b.disagreements)} disagreement(s) (above): nothing timed, "
              "BENCHMARKS.md not written", file=sys.stderr)
        sys.exit(1)
    body = report(b)
    (Path(a.results_dir) / "results.json").write_text(json.dumps(
        {"rows": b.rows, "info": b.info, "disagreements": b.disagreements}, indent=1))
    print(body)
    if b.disagreements:
        print(f"\nbench: {len(b.disagreements)} disagreement(s) (above): BENCHMARKS.md not written",
              file=sys.stderr)
        sys.exit(1)
    if "mock" in versions(b.ts)["tradestat"].lower() and \
            Path(a.benchmarks_md).resolve() == (ROOT / "BENCHMARKS.md").resolve():
        log("tradestat is the mock (bench/testdata): BENCHMARKS.md not written "
            "(set BENCHMARKS_MD=other.md to test the writing)")
        return
    write_benchmarks_md(Path(a.benchmarks_md), body)
    log(f"results written to {a.benchmarks_md}")


if __name__ == "__main__":
    main()
