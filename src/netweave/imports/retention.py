"""What an import keeps that retention forgets (:mod:`netweave.trust.retention`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from netweave.networks.models import Network
from netweave.trust.retention import forgets

from .models import ImportRun


@forgets("import_days")
def forget_imports(network: Network, cutoff: datetime, files: list[Path]) -> dict[str, int]:
    """Uploaded files (deleted once the transaction commits) and error texts, which may
    quote the file's lines, of ``network``'s imports from before ``cutoff``."""
    runs = ImportRun.objects.filter(network=network, created_at__lt=cutoff)
    with_file = runs.exclude(upload="")
    files.extend(Path(path) for path in with_file.values_list("upload", flat=True))
    return {"import_files": with_file.update(upload=""),
            "import_errors": runs.exclude(error="").update(error="")}
