"""The progress bar of long CLI work (demo loading, reports): rich on stderr, or nothing."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class ProgressBar:
    """A context manager around one rich progress task; every method is a no-op when disabled.

    ``done`` is the description shown when the work ends without an error (the bar is then
    filled); ``None`` leaves the bar as the work left it. On an error the bar is hidden, so
    that the error message is not read below a half-full bar.
    """

    def __init__(self, enabled: bool, total: int, *, width: int = 30,
                 done: str | None = None) -> None:
        self.enabled, self.total, self.width, self.done = enabled, total, width, done
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self._started = False

    def __enter__(self) -> ProgressBar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            bar = Progress(TextColumn(f"{{task.description:<{self.width}}}"), BarColumn(),
                           MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(stderr=True))
            bar.start()
            self.bar, self.task = bar, bar.add_task("", total=self.total)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.bar is None or self.task is None:
            return
        if exc_type is not None:
            self.bar.update(self.task, visible=False)
        elif self.done is not None:
            self.bar.update(self.task, completed=self.total, description=self.done)
        self.bar.stop()

    def stage(self, text: str) -> None:
        """Show ``text`` as what is being done now."""
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, description=text)

    def advance(self, n: int = 1) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, n)

    def step(self, name: str) -> None:
        """Count the previous step as done and show ``name`` as running."""
        if self._started:
            self.advance()
        self._started = True
        self.stage(name)
