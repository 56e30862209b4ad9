"""Benchmark: the measurement engine's full report at 100k, 1M and 10M activity rows.

For each size it builds the demo network's engine inputs once (``bench/demo_data.py``:
Parquet files under ``var/bench/report/``), then times, each in a fresh process so that the
peak memory (``ru_maxrss``) belongs to that one measurement:

* (a) the engine: ``netweave.core.measure.engine.measure`` (every figure of METRICS.md 1-9,
      monthly series, topic drift, the health card), with the time and peak resident memory
      of each of its steps;
* (b) the baseline: the same figures with pandas and NetworkX, written without optimising
      (``bench/baseline.py``), once per size, killed after ``--timeout`` seconds;
* (c) the floor: one Polars pass over the log (group by actor, count).

(a) and (c) run ``--repeat`` times (median) at 100k and 1M, once at 10M. Every timing starts
with the data in memory (reading the Parquet files is not timed; its memory is in the peak).
The period is the last 90 days of the generated history; the card's language is English.
Wherever the baseline finishes, the engine's and the baseline's headline figures are compared
and any disagreement is printed. Run by hand; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import demo_data  # noqa: E402

DAYS = 90
#: Headline figures the engine and the baseline must agree on (the Measure issue's five);
#: ``work_engine`` and ``baseline.headline_figures`` compare more.
REQUIRED = ("active", "reach", "edge_reciprocity", "components", "density")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds (user + system) of this process so far, all threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _StepMemory:
    """Samples the resident memory every 20 ms and keeps each step's peak."""

    def __init__(self) -> None:
        self.step, self.peaks = None, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self._note()

    def _note(self) -> None:
        if self.step is not None:
            self.peaks[self.step] = max(self.peaks.get(self.step, 0.0), _rss_mb())

    def switch(self, step: str | None) -> None:
        self._note()
        self.step = step
        self._note()

    def __enter__(self) -> _StepMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.switch(None)
        self._stop.set()
        self._thread.join()


# --- workers: one measurement per process --------------------------------------------------------

def _period(path: Path):
    from netweave.core.measure.data import Period

    return Period.ending(demo_data.history_end(path), days=DAYS)


def work_engine(path: Path) -> dict:
    from netweave.core.measure.engine import measure

    t = time.perf_counter()
    data = demo_data.load(path)
    loaded, rss_loaded = time.perf_counter() - t, _rss_mb()
    period = _period(path)
    steps: dict[str, float] = {}
    step_cpu: dict[str, float] = {}
    clock = [time.perf_counter(), _cpu(), None]
    with _StepMemory() as memory:
        def progress(name: str | None) -> None:
            now, cpu_now = time.perf_counter(), _cpu()
            if clock[2] is not None:
                steps[clock[2]] = now - clock[0]
                step_cpu[clock[2]] = cpu_now - clock[1]
            clock[:] = [now, cpu_now, name]
            memory.switch(name)

        t, cpu = time.perf_counter(), _cpu()
        result = measure(data, period, progress=progress)
        seconds, cpu = time.perf_counter() - t, _cpu() - cpu
        progress(None)
    f = result.figures
    s, r, a = f["structure"], f["reciprocity"], f["activity"]
    w = f["warmth"]
    headline = {
        "active": a["active"], "reach": a["reach"], "activities": a["activities"],
        "events_held": a["events_held"], "new": a["new"], "lapsed": a["lapsed"],
        "edge_reciprocity": r["edge_reciprocity"], "directed_ties": r["ties"],
        "weighted_reciprocity": r["weighted_reciprocity"],
        "components": s["components"], "density": s["density"], "people": s["people"],
        "ties": s["ties"], "isolates": s["isolates"],
        "largest_component_share": s["largest_component_share"],
        "centralisation": s["centralisation"], "max_coreness": s["max_coreness"],
        "articulation_points": s["articulation_point_count"], "bridges": s["bridge_count"],
        "ei_index_sector": f["composition"]["attributes"]["sector"]["ei_index"],
        "blau_sector": f["composition"]["attributes"]["sector"]["blau_normalised"],
        "gap_coverage_mean": w["gap_coverage_mean"],
        "median_hours_to_first_response": w["time_to_first_response"]["median_hours"],
        "return_rate_mean": f["events"]["return_rate_mean"],
        "engagement_total": f["engagement"]["total"],
        "stories": f["stories"]["stories"],
    }
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb(),
            "load_seconds": loaded, "loaded_mb": rss_loaded, "rows": data.log.height,
            "steps": steps, "step_cpu_seconds": step_cpu,
            "step_peak_mb": memory.peaks, "graph": {"people": s["people"], "ties": s["ties"]},
            "headline": headline}


def work_baseline(path: Path) -> dict:
    import baseline

    t = time.perf_counter()
    frames = baseline.read(path)
    loaded, rss_loaded = time.perf_counter() - t, _rss_mb()
    period = _period(path)
    charter = demo_data.meta(path)["charter"]
    steps: dict[str, float] = {}
    t, cpu = time.perf_counter(), _cpu()
    out = baseline.report(frames, charter, period.start, period.end, timings=steps)
    seconds, cpu = time.perf_counter() - t, _cpu() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb(),
            "load_seconds": loaded,
            "loaded_mb": rss_loaded, "rows": len(frames["log"]), "steps": steps,
            "headline": baseline.headline_figures(out)}


def work_floor(path: Path) -> dict:
    import polars as pl

    log = pl.read_parquet(path / "log.parquet")
    t, cpu = time.perf_counter(), _cpu()
    counts = log.group_by("actor").len()
    seconds, cpu = time.perf_counter() - t, _cpu() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb(),
            "actors": counts.height}


WORKERS = {"engine": work_engine, "baseline": work_baseline, "floor": work_floor}


def run_worker(kind: str, path: Path, timeout: float | None) -> dict | None:
    """Run one measurement in a fresh process; None when it did not finish within ``timeout``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    if proc.returncode:
        raise RuntimeError(f"{kind} worker failed on {path} (exit {proc.returncode})")
    return json.loads(out.strip().splitlines()[-1])


# --- the run ------------------------------------------------------------------------------------

def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def compare(engine: dict, base: dict) -> list[str]:
    out = []
    for key, value in engine.items():
        other = base.get(key)
        if not _same(value, other):
            mark = " (required)" if key in REQUIRED else ""
            out.append(f"{key}{mark}: engine {value!r}, baseline {other!r}")
    return out


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "—" if x is None else format(x, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100k,1M,10M",
                        help=f"comma-separated, of {', '.join(demo_data.SIZES)}")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of (a) and (c) at 100k and 1M (once at 10M)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds before a baseline run is stopped")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--dir", type=Path, default=Path("var/bench/report"))
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.path)))
        return

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    results: dict[str, dict] = {}
    for size in sizes:
        print(f"{size}: building inputs …", flush=True)
        path = args.dir / size
        if not (path / "meta.json").exists():
            subprocess.run([sys.executable, "-c",
                            f"import sys; sys.path.insert(0, {str(HERE)!r}); import demo_data; "
                            f"from pathlib import Path; demo_data.build({size!r}, "
                            f"Path({str(args.dir)!r}))"], check=True)
        repeat = 1 if size == "10M" else args.repeat
        engine_runs, floor_runs = [], []
        for i in range(repeat):
            engine_runs.append(run_worker("engine", path, None))
            floor_runs.append(run_worker("floor", path, None))
            print(f"  (a) run {i + 1}: {engine_runs[-1]['seconds']:.1f} s, peak "
                  f"{engine_runs[-1]['peak_mb']:.0f} MB; (c) {floor_runs[-1]['seconds']:.3f} s",
                  flush=True)
        base = None
        if not args.no_baseline:
            print(f"  (b) baseline, up to {args.timeout:.0f} s …", flush=True)
            t = time.perf_counter()
            base = run_worker("baseline", path, args.timeout)
            print("  (b) " + (f"{base['seconds']:.1f} s, peak {base['peak_mb']:.0f} MB"
                              if base else f"did not finish in {time.perf_counter() - t:.0f} s"),
                  flush=True)
        a = statistics.median(r["seconds"] for r in engine_runs)
        steps = {k: statistics.median(r["steps"][k] for r in engine_runs)
                 for k in engine_runs[0]["steps"]}
        step_peaks = {k: max(r["step_peak_mb"].get(k, 0.0) for r in engine_runs)
                      for k in engine_runs[0]["step_peak_mb"]}
        results[size] = {
            "rows": engine_runs[0]["rows"], "graph": engine_runs[0]["graph"],
            "engine": {"median_seconds": a, "runs": [r["seconds"] for r in engine_runs],
                       "median_cpu_seconds": statistics.median(r["cpu_seconds"]
                                                               for r in engine_runs),
                       "peak_mb": max(r["peak_mb"] for r in engine_runs),
                       "loaded_mb": engine_runs[0]["loaded_mb"],
                       "load_seconds": engine_runs[0]["load_seconds"],
                       "steps": steps, "step_peak_mb": step_peaks,
                       "step_cpu_seconds": {k: statistics.median(r["step_cpu_seconds"][k]
                                                                 for r in engine_runs)
                                            for k in steps}},
            "floor": {"median_seconds": statistics.median(r["seconds"] for r in floor_runs),
                      "runs": [r["seconds"] for r in floor_runs]},
            "baseline": None if base is None else {
                "seconds": base["seconds"], "cpu_seconds": base["cpu_seconds"],
                "peak_mb": base["peak_mb"],
                "loaded_mb": base["loaded_mb"], "steps": base["steps"]},
            "baseline_timeout": None if args.no_baseline else args.timeout,
            "compared": len(engine_runs[0]["headline"]),
            "disagreements": compare(engine_runs[0]["headline"], base["headline"])
            if base else None,
        }

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    args.dir.mkdir(parents=True, exist_ok=True)
    (args.dir / f"results-{stamp}.json").write_text(json.dumps(results, indent=1))

    print(f"\nmedian of {args.repeat} runs at 100k and 1M, one run at 10M; "
          f"{os.cpu_count()}-core machine; data in memory")
    print(f"{'size':<6}{'rows':>12}{'(a) s':>9}{'(b) s':>9}{'(c) s':>9}{'(b)/(a)':>9}"
          f"{'(a)/(c)':>9}{'peak MB (a)':>13}{'peak MB (b)':>13}{'cpu s (a)':>11}"
          f"{'cpu s (b)':>11}")
    for size, r in results.items():
        a, c = r["engine"]["median_seconds"], r["floor"]["median_seconds"]
        b = r["baseline"]
        b_s = "—" if r["baseline_timeout"] is None else (
            f"{b['seconds']:.1f}" if b else f">{r['baseline_timeout']:.0f}")
        ratio = _fmt(b["seconds"] / a, ".1f") if b else ("—" if r["baseline_timeout"] is None
                                                         else f">{r['baseline_timeout'] / a:.1f}")
        print(f"{size:<6}{r['rows']:>12,}{a:>9.2f}{b_s:>9}{c:>9.3f}{ratio:>9}{a / c:>9.0f}"
              f"{r['engine']['peak_mb']:>13,.0f}{_fmt(b and b['peak_mb'], ',.0f'):>13}"
              f"{r['engine']['median_cpu_seconds']:>11.1f}"
              f"{_fmt(b and b['cpu_seconds'], '.1f'):>11}")
    print("\nengine steps: median wall seconds / cpu seconds (peak resident MB)")
    names = list(next(iter(results.values()))["engine"]["steps"])
    print(f"{'step':<13}" + "".join(f"{size:>24}" for size in results))
    for name in names:
        cells = []
        for r in results.values():
            e = r["engine"]
            sec, mb = e["steps"].get(name), e["step_peak_mb"].get(name)
            cpu = e["step_cpu_seconds"].get(name)
            cells.append(f"{_fmt(sec)} / {_fmt(cpu)} ({_fmt(mb, ',.0f')})")
        print(f"{name:<13}" + "".join(f"{cell:>24}" for cell in cells))
    for size, r in results.items():
        if r["disagreements"] is None:
            continue
        if r["disagreements"]:
            print(f"\n{size}: engine and baseline disagree on:")
            for line in r["disagreements"]:
                print(f"  {line}")
        else:
            print(f"\n{size}: engine and baseline agree on all {r['compared']} headline "
                  f"figures compared ({', '.join(REQUIRED)} among them)")
    print(f"\nresults: {args.dir / f'results-{stamp}.json'}")


if __name__ == "__main__":
    main()
