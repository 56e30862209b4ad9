"""scripts/run_tests.py, run for real on a tiny stand-in suite: every run is waited for and
reported, a failed run makes the exit status non-zero, and no pytest (nor anything a test
started) outlives the script, also when it is stopped with SIGTERM.

The script is copied into a temporary project (so its ``var/`` is that project's, not the
real suite's); the stand-in tests fail or pass depending on the DATABASE_URL the script
gives each run. TEST_POSTGRES_URL only has to be non-empty: nothing connects to it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "run_tests.py"

#: The stand-in suite. The SQLite run (empty DATABASE_URL) fails at once; the PostgreSQL run
#: is still going when it does, and passes. With RUN_TESTS_HANG set, each run starts a
#: grandchild and then waits to be stopped.
SUITE = '''
import os
import subprocess
import time
from pathlib import Path

PIDS = Path(__file__).resolve().parent.parent / "pids"
LABEL = "postgresql" if os.environ["DATABASE_URL"] else "sqlite"


def test_passes():
    pass


def test_depends_on_database():
    (PIDS / f"{LABEL}-pytest").write_text(str(os.getpid()))
    if os.environ.get("RUN_TESTS_HANG"):
        child = subprocess.Popen(["sleep", "120"])
        (PIDS / f"{LABEL}-child").write_text(str(child.pid))
        time.sleep(120)
    if LABEL == "sqlite":
        raise AssertionError("the SQLite run fails")
    time.sleep(1.5)  # ends well after the SQLite run has failed


def test_skipped():
    import pytest
    pytest.skip("stand-in skip")
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "run_tests.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_standin.py").write_text(textwrap.dedent(SUITE))
    (tmp_path / "pids").mkdir()
    return tmp_path


def script_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "TEST_", "RUN_TESTS_"))}
    # No plugins (Django, Playwright, …) in the stand-in runs: plain, fast pytest.
    return {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "DATABASE_URL": "",
            "TEST_POSTGRES_URL": "postgresql://127.0.0.1:1/unused", **extra}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def recorded_pids(project: Path) -> dict[str, int]:
    return {p.name: int(p.read_text()) for p in (project / "pids").iterdir() if p.read_text()}


def kill_leftovers(pids: dict[str, int]) -> list[str]:
    """Kill the stand-in processes still alive (so a failing test leaves nothing behind);
    the names of those that were."""
    left = [name for name, pid in pids.items() if alive(pid)]
    for name in left:
        os.kill(pids[name], signal.SIGKILL)
    return left


@pytest.mark.parametrize("serial", ["", "1"], ids=["side-by-side", "serial"])
def test_every_run_is_waited_for_and_reported(project: Path, serial: str) -> None:
    done = subprocess.run([sys.executable, str(project / "scripts" / "run_tests.py"), "-q"],
                          env=script_env(TEST_SERIAL=serial), cwd=project,
                          capture_output=True, text=True, timeout=120)
    pids = recorded_pids(project)
    left = kill_leftovers(pids)
    out = done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert "SQLite: 1 passed, 1 failed, 1 skipped" in out, out
    assert "PostgreSQL: 2 passed, 0 failed, 1 skipped" in out, out
    assert "===== PostgreSQL =====" in out and "the SQLite run fails" in out, out
    assert out.rstrip().endswith("total: 3 passed, 1 failed, 2 skipped"), out
    assert done.returncode == 1
    assert set(pids) == {"sqlite-pytest", "postgresql-pytest"}
    assert left == [], f"still running after the script ended: {left}"


def test_sigterm_stops_every_run_and_what_it_started(project: Path) -> None:
    script = subprocess.Popen([sys.executable, str(project / "scripts" / "run_tests.py"), "-q"],
                              env=script_env(RUN_TESTS_HANG="1"), cwd=project,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expected = {"sqlite-pytest", "sqlite-child", "postgresql-pytest", "postgresql-child"}
    pids: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 60
        while set(pids) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
            pids = recorded_pids(project)
        assert set(pids) == expected, f"the stand-in runs did not start: {pids}"
        script.send_signal(signal.SIGTERM)
        out, err = script.communicate(timeout=60)
    finally:
        if script.poll() is None:
            script.kill()
            script.wait()
        left = kill_leftovers(recorded_pids(project))
    assert "Traceback" not in err, err
    assert "SQLite: 1 passed, 1 failed, 0 skipped (interrupted)" in out, out
    assert "PostgreSQL: 1 passed, 1 failed, 0 skipped (interrupted)" in out, out
    assert out.rstrip().endswith("total: 2 passed, 2 failed, 0 skipped"), out
    assert script.returncode == 128 + signal.SIGTERM
    assert left == [], f"still running after the script ended: {left}"


def test_each_browser_file_runs_in_exactly_one_of_the_two_runs():
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_tests_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    on_sqlite, on_postgres = module.browser_split()
    found = sorted(p.relative_to(SCRIPT.parent.parent).as_posix()
                   for p in (SCRIPT.parent.parent / "tests").glob("test_*browser*.py"))
    assert on_sqlite and on_postgres and not set(on_sqlite) & set(on_postgres)
    assert sorted(on_sqlite + on_postgres) == found
