"""Load test of the dashboard pages: a demo network of ~1M activities in PostgreSQL, served by
gunicorn (2 workers), hit by wrk from a second process on loopback.

Run from the repository root (needs PostgreSQL and Debian's ``wrk``)::

    .venv/bin/python bench/web.py                 # fill the database, measure, serve, load
    .venv/bin/python bench/web.py --reuse         # keep the filled database between runs
    .venv/bin/python bench/web.py --prepare-only  # only fill the database and compute figures

Targets, each for ``--duration`` seconds at ``--connections`` concurrent clients (wrk, 2
threads, logged in as the demo facilitator):

* ``static``: a static CSS file through whitenoise: the floor (what gunicorn, Django's
  middleware and loopback cost at all), measured in the same run;
* ``dashboard``: the network's dashboard page (health card, charts, tables);
* ``map``: the map data of the 90 days (``/api/dashboard/networks/<slug>/map``): above
  5,000 people in the tie graph this is the cluster view;
* ``map_people``: the map data of the last 7 days, the people view (about 4,500 people and
  8,000 ties in this demo): the largest answer the map sends.

The other baseline is what the dashboard cost before figures were cached: one run of the
engine over the 90-day period (``netweave measure``), timed while preparing. Prints
requests/s, median, 95th and 99th percentile latency and errors (socket errors and non-2xx
answers) per target, and the ratios against both baselines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
DATA = ROOT / "var" / "bench" / "web"
SLUG = "energieregio-rivierenland"
DB = "netweave_bench_web"

LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_us\": %.0f, \"bytes\": %.0f, \"p50_us\": %d, " ..
    "\"p95_us\": %d, \"p99_us\": %d, \"connect\": %d, \"read\": %d, \"write\": %d, " ..
    "\"status\": %d, \"timeout\": %d}\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
"""


def env(url: str) -> dict[str, str]:
    out = dict(os.environ)
    out.update(DATABASE_URL=url, NETWEAVE_DATA_DIR=str(DATA), NETWEAVE_DEBUG="0",
               NETWEAVE_SECRET_KEY="bench-web-not-secret-" + "x" * 40,
               NETWEAVE_JOBS_EAGER="0", PYTHONUNBUFFERED="1")
    return out


def netweave(url: str, *args: str, capture: bool = False) -> str:
    done = subprocess.run([str(VENV / "netweave"), *args], env=env(url), check=True,
                          text=True, capture_output=capture)
    return done.stdout if capture else ""


def database(base: str, reuse: bool) -> tuple[str, bool]:
    """The benchmark database's URL and whether it must be filled."""
    import psycopg

    url = base.rsplit("/", 1)[0] + "/" + DB
    with psycopg.connect(base, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and reuse:
            with psycopg.connect(url) as bench:
                table = bench.execute("SELECT to_regclass('dashboard_snapshot')").fetchone()[0]
                if table and bench.execute("SELECT count(*) FROM networks_activity"
                                           ).fetchone()[0] > 0:
                    return url, False
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    return url, True


def prepare(url: str, fill: bool, people: int, months: int) -> dict[str, float]:
    times: dict[str, float] = {}
    DATA.mkdir(parents=True, exist_ok=True)
    if fill:
        shutil.rmtree(DATA / "cache", ignore_errors=True)
        netweave(url, "migrate", "-v0")
        started = time.perf_counter()
        netweave(url, "demo", "--people", str(people), "--months", str(months), "--seed", "1")
        times["load"] = time.perf_counter() - started
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:  # what autovacuum does in time
            conn.execute("VACUUM ANALYZE")
    else:
        netweave(url, "migrate", "-v0")
    netweave(url, "collectstatic", "--noinput", "-v0")
    started = time.perf_counter()
    out = netweave(url, "measure", "--network", SLUG, "--days", "90", capture=True)
    times["engine_90"] = time.perf_counter() - started
    times["engine_90_inner"] = float(out.split(":")[-1].split()[0])
    code = ("from netweave.dashboard import services\n"
            "from netweave.networks.models import Network\n"
            f"n = Network.objects.get(slug={SLUG!r})\n"
            f"s = services.compute_snapshot(n, {week_key()!r})\n"
            "print(s.seconds)\n")
    times["engine_week"] = float(netweave(url, "shell", "-c", code,
                                          capture=True).strip().splitlines()[-1])
    return times


def week_key() -> str:
    """The custom period of the last 7 days (today included) as a snapshot key."""
    today = datetime.now(UTC).date()
    return f"{today - timedelta(days=6)}..{today}"


def session(url: str) -> str:
    code = (
        "from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "u = get_user_model().objects.get(username='facilitator')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash()\n"
        "s.create()\n"
        "print(s.session_key)\n"
    )
    return netweave(url, "shell", "-c", code, capture=True).strip().splitlines()[-1]


def facts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        (network,) = conn.execute("SELECT id FROM networks_network WHERE slug = %s",
                                  [SLUG]).fetchone()
        rows = conn.execute("SELECT count(*) FROM networks_activity WHERE network_id = %s",
                            [network]).fetchone()[0]
        people = conn.execute("SELECT count(*) FROM networks_membership WHERE network_id = %s",
                              [network]).fetchone()[0]
        maps = {}
        for period in ("90", week_key()):
            maps[period] = conn.execute(
                "SELECT graph->>'kind', jsonb_array_length(graph->'ids'), "
                "jsonb_array_length(graph->'u'), (graph->>'people')::int "
                "FROM dashboard_snapshot WHERE network_id = %s AND period = %s",
                [network, period]).fetchone()
    return {"activities": rows, "members": people, "maps": maps}


def serve(url: str, port: int, threads: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(VENV / "gunicorn"), "netweave.site.wsgi:application", "--workers", "2",
         "--threads", str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "--timeout", "120"],
        env=env(url), start_new_session=True)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/networks/netweave.css",
                                   timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("gunicorn did not answer within a minute")


def fetch(address: str, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(address, headers={"Cookie": cookie,
                                                       "Accept-Language": "en"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read()


def wrk(address: str, cookie: str, seconds: int, connections: int, script: Path) -> dict:
    done = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(script), "-H", f"Cookie: {cookie}", "-H", "Accept-Language: en", address],
        text=True, capture_output=True)
    if done.returncode:
        raise SystemExit(f"wrk failed on {address}: {done.stderr or done.stdout}")
    out = done.stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"),
        help="a PostgreSQL URL; the benchmark makes its own database next to it")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--duration", type=int, default=30, help="seconds per target")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker (1: the sync worker)")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    url, fill = database(args.postgres, args.reuse)
    times = prepare(url, fill, args.people, args.months)
    info = facts(url)
    print(f"database: {info['activities']:,} activity rows, {info['members']:,} members")
    for period, (kind, points, ties, people) in info["maps"].items():
        print(f"map of {period}: {kind} view, {points:,} points, {ties:,} ties "
              f"({people:,} people in the tie graph)")
    if "load" in times:
        print(f"demo load {times['load']:.0f} s")
    print(f"engine over 90 days (netweave measure): {times['engine_90_inner']:.2f} s "
          f"(process {times['engine_90']:.1f} s); over the last 7 days: "
          f"{times['engine_week']:.2f} s")
    if args.prepare_only:
        return

    cookie = f"sessionid={session(url)}"
    base = f"http://127.0.0.1:{args.port}"
    targets = {
        "static": f"{base}/static/networks/netweave.css",
        "dashboard": f"{base}/n/{SLUG}/dashboard/",
        "map": f"{base}/api/dashboard/networks/{SLUG}/map?days=90",
        "map_people": f"{base}/api/dashboard/networks/{SLUG}/map?" + "start={}&end={}".format(
            *week_key().split("..")),
    }
    server = serve(url, args.port, args.threads)
    results = {}
    try:
        for name, address in targets.items():  # each answers, and with the real thing
            status, body = fetch(address, cookie)
            assert status == 200, (name, status)
            if name == "dashboard":
                assert b'data-chart="retention"' in body, "the dashboard shows no figures"
            if name.startswith("map"):
                period = "90" if name == "map" else week_key()
                assert len(json.loads(body)["ids"]) == info["maps"][period][1]
            for _ in range(5):
                fetch(address, cookie)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "report.lua"
            script.write_text(LUA)
            for name, address in targets.items():
                results[name] = wrk(address, cookie, args.duration, args.connections, script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    floor = results["static"]
    engine_ms = times["engine_90_inner"] * 1000
    print(f"\n{args.connections} concurrent clients, {args.duration} s each, gunicorn 2 "
          f"workers x {args.threads} threads, wrk 2 threads on loopback")
    print("| target | requests | req/s | median | p95 | p99 | errors | KiB/answer | "
          "req/s vs static | p95 vs engine on request |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['requests']:,} | {r['rps']:.0f} | {r['p50_us'] / 1000:.1f} ms | "
              f"{r['p95_us'] / 1000:.1f} ms | {r['p99_us'] / 1000:.1f} ms | {r['errors']} | "
              f"{r['bytes'] / max(r['requests'], 1) / 1024:.1f} | "
              f"{r['rps'] / floor['rps']:.2f}x | "
              f"{engine_ms / max(r['p95_us'] / 1000, 1e-9):.0f}x faster |")
    ok = all(results[n]["p95_us"] < 300_000 and results[n]["errors"] == 0
             for n in ("dashboard", "map", "map_people"))
    print(f"\ntarget p95 < 300 ms with zero errors for the dashboard and both maps: "
          f"{'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
