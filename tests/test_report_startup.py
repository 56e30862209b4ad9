"""``netweave report`` on a small file starts without what it does not use (issue 20).

A report of a five-line file took 2-3 s, of which the report itself 0.2 s: Django's app
registry (models, admin, the API) and NetworKit's optional extras (scikit-learn, which pulls
in scipy.stats and pandas). Timing is for bench/README; these tests check what is imported.
"""

from __future__ import annotations

import os
import subprocess
import sys

LOG = """actor,target,time
anna,bram,2026-01-05T10:00:00Z
bram,anna,2026-01-06T10:00:00Z
carla,anna,2026-01-07T10:00:00Z
dirk,carla,2026-01-08T10:00:00Z
anna,dirk,2026-01-09T10:00:00Z
"""

#: Never imported by a report on files: Django's apps and API, NetworKit's extras.
NOT_NEEDED = ("django.contrib.admin", "ninja", "netweave.networks.models", "sklearn", "pandas",
              "scipy.stats", "networkx", "matplotlib")


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NETWEAVE_DATA_DIR": str(tmp_path / "var")}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)


def test_a_report_on_a_file_imports_neither_django_apps_nor_networkit_extras(tmp_path):
    (tmp_path / "five.csv").write_text(LOG)
    done = _run(tmp_path, "-c", (
        "import sys\n"
        "from netweave.cli import main\n"
        "main(['report', '--interactions', 'five.csv', '--out', 'r', '--end', '2026-01-10',"
        " '--no-progress'])\n"
        "print('MODULES', *sorted(k for k, v in sys.modules.items() if v is not None))\n"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "4 people in the tie graph" in done.stdout
    assert {p.name for p in (tmp_path / "r").iterdir()} >= {"report.html", "report.json"}
    imported = set(done.stdout.split("MODULES", 1)[1].split())
    assert "networkit" in imported and "netweave.core.measure.engine" in imported
    assert not [m for m in NOT_NEEDED if m in imported]


def test_a_bad_file_is_still_a_clear_error_without_the_app_registry(tmp_path):
    done = _run(tmp_path, "-m", "netweave", "report", "--interactions", "missing.csv")
    assert done.returncode == 1
    assert "missing.csv" in done.stderr and "No report was written" in done.stderr


def test_networkit_without_its_extras_leaves_them_importable(tmp_path):
    done = _run(tmp_path, "-c", (
        "import sys\n"
        "from netweave.core.measure.ties import networkit\n"
        "nk = networkit()\n"
        "assert 'sklearn' not in sys.modules and 'networkx' not in sys.modules\n"
        "import networkx, sklearn\n"
        "assert networkit() is nk is sys.modules['networkit']\n"
        "print(nk.Graph(3).numberOfNodes(), networkx.__name__, sklearn.__name__)\n"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "networkx", "sklearn"]
