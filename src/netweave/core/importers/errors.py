"""The one error of every importer: a file that cannot be read as the expected format."""

from __future__ import annotations


class ParseError(ValueError):
    """A file that cannot be read as the expected format: names the file, the line (when
    known), the problem and what was expected."""

    def __init__(self, file: str, line: int | None, problem: str, expected: str = ""):
        self.file, self.line, self.problem, self.expected = file, line, problem, expected
        where = f"{file}, line {line}" if line else file
        text = f"{where}: {problem}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)
