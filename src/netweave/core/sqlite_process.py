"""Run read-only SQLite queries into Arrow in a separate process.

ADBC's SQLite driver bundles its own copy of SQLite. Two copies of SQLite in one process
break a database they both open: closing one copy's connection drops the POSIX locks the
other copy holds on the same file ("multiple copies of SQLite linked into the same
application" in SQLite's *How to corrupt a database*), so another process then takes the
database for unused and deletes the WAL file the web process is still writing to. The web
process opens the database with Python's ``sqlite3`` (Django), so ADBC's SQLite runs here,
in a child process that opens nothing else. The child is started on first use, answers one
query at a time with an Arrow IPC stream, and is reused by later queries of its parent;
a parent running queries in several threads at once gets one child per thread. A child
that answered a large result is stopped instead (it would keep that memory). A child exits
when its parent closes its pipe (or dies).

Protocol, one request at a time: the parent writes a 4-byte little-endian length and a JSON
object ``{"path", "sql", "params"}``; the child answers ``T`` + 8-byte length + an Arrow IPC
stream, or ``E`` + 8-byte length + an UTF-8 error message (and keeps serving).
"""

from __future__ import annotations

import atexit
import json
import os
import struct
import subprocess
import sys
import threading
from typing import IO

import pyarrow as pa

#: Rows per Arrow batch in the child (the driver's default, 1,024, makes many small chunks).
BATCH_ROWS = 65536
#: Idle children kept per parent process for later queries.
MAX_IDLE = 4
#: A child that answered more than this many bytes is stopped, not kept: its allocator holds
#: on to the memory of its largest answer (~350 MB after a million log rows).
MAX_KEPT_ANSWER = 16 * 1024 * 1024


class SQLiteQueryError(Exception):
    """SQLite refused the query (the message says why), or the query process failed."""


_idle: list[subprocess.Popen] = []
_lock = threading.Lock()
_owner = os.getpid()


def query(path: str, sql: str, params: list[int | float | str | None]) -> pa.Table:
    """Run ``sql`` (``?`` placeholders, ``params`` as JSON values) read-only on the SQLite
    database file at ``path`` in a query process; return the result as an Arrow table."""
    child = _take()
    try:
        kind, payload = _ask(child, {"path": path, "sql": sql, "params": params})
    except BaseException:
        _stop(child)
        raise
    if len(payload) > MAX_KEPT_ANSWER:
        _stop(child)
    else:
        _give_back(child)
    if kind == b"E":
        raise SQLiteQueryError(payload.decode())
    return pa.ipc.open_stream(pa.py_buffer(payload)).read_all()


def _ask(child: subprocess.Popen, request: dict) -> tuple[bytes, bytes]:
    assert child.stdin is not None and child.stdout is not None
    body = json.dumps(request).encode()
    try:
        child.stdin.write(struct.pack("<I", len(body)) + body)
        child.stdin.flush()
    except (BrokenPipeError, OSError) as exc:
        raise SQLiteQueryError(f"the SQLite query process is gone ({exc})") from exc
    kind = child.stdout.read(1)
    size = _read_exact(child.stdout, 8)
    if kind not in (b"T", b"E") or size is None:
        raise SQLiteQueryError(
            f"the SQLite query process ended without an answer (exit code {child.poll()})")
    payload = _read_exact(child.stdout, struct.unpack("<Q", size)[0])
    if payload is None:
        raise SQLiteQueryError("the SQLite query process ended in the middle of an answer")
    return kind, payload


def _read_exact(stream: IO[bytes], size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def _take() -> subprocess.Popen:
    global _owner
    with _lock:
        if _owner != os.getpid():  # a forked copy: the pipes belong to the parent's children
            _idle.clear()
            _owner = os.getpid()
        while _idle:
            child = _idle.pop()
            if child.poll() is None:
                return child
    # A session of its own: Ctrl-C in the parent's terminal is the parent's to handle; the
    # child ends when the parent closes the pipe.
    return subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, start_new_session=True)


def _give_back(child: subprocess.Popen) -> None:
    with _lock:
        if _owner == os.getpid() and len(_idle) < MAX_IDLE:
            _idle.append(child)
            return
    _stop(child)


def _stop(child: subprocess.Popen) -> None:
    for pipe in (child.stdin, child.stdout):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass
    try:
        child.wait(timeout=5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@atexit.register
def _stop_idle() -> None:
    with _lock:
        children = _idle[:] if _owner == os.getpid() else []
        _idle.clear()
    for child in children:
        _stop(child)


def _serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The child's loop: answer requests until the parent closes the pipe."""
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    while (header := _read_exact(requests, 4)) is not None:
        body = _read_exact(requests, struct.unpack("<I", header)[0])
        if body is None:
            return
        request = json.loads(body)
        try:
            uri = f"file:{request['path']}?mode=ro"
            with adbc_sqlite.connect(uri) as conn, conn.cursor() as cur:
                cur.adbc_statement.set_options(
                    **{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
                cur.execute(request["sql"], request["params"])
                table = cur.fetch_arrow_table()
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            kind, payload = b"T", sink.getvalue()
        except Exception as exc:  # any failure is the parent's to report; keep serving
            kind, payload = b"E", pa.py_buffer(f"{type(exc).__name__}: {exc}".encode())
        answers.write(kind + struct.pack("<Q", payload.size))
        answers.write(memoryview(payload))
        answers.flush()


if __name__ == "__main__":
    # Answers go to a copy of the pipe; anything else written to standard output (a library's
    # message) goes to standard error instead of into an answer.
    _answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _serve(sys.stdin.buffer, _answers)
