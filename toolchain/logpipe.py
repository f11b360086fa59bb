"""Appends what a process writes to its log file and rotates the file by size.

    some-process 2>&1 | python3 toolchain/logpipe.py [--banner TEXT] .run/logs/NAME.log

The run scripts start every long-running process (anvil, API, indexer, oracle nodes, aggregator)
with its stdout and stderr on this pipe, and compile/deploy output through it too. The file is
appended to, never truncated, so a restart keeps the last lines of the run that crashed; once it
would pass `--max-bytes` (PEERLEND_LOG_MAX_BYTES, default 20 MiB) it is renamed NAME.log.1 (older
generations shift up to `--backups`, PEERLEND_LOG_BACKUPS, default 5; the oldest is dropped) and a new
file begins. A process so writes at most (backups + 1) x max-bytes, whatever its request rate.

Why rotate here and not in each process: the processes are of three kinds (a native binary, the API
and indexer, the oracle), and only a pipe sees everything each writes, including a Python fatal error,
a native crash message or output written before logging is configured. It is also the only writer of
its file, where Python's RotatingFileHandler is unsafe with more than one process on a file, and
logrotate's copytruncate loses the lines written during the copy. Standard library only (it runs before
any environment is trusted). It ignores SIGINT, SIGTERM and SIGHUP and exits when its writer closes the
pipe, so it drains the last lines of a process that was killed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path


class RotatingFile:
    def __init__(self, path: Path, max_bytes: int, backups: int):
        self.path, self.max_bytes, self.backups = path, max(1024, max_bytes), max(1, backups)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = None
        self._open()

    def _open(self) -> None:
        self._file = open(self.path, "ab")
        self.size = self._file.tell()

    def rotate(self) -> None:
        if self._file is not None:
            self._file.close()
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{i + 1}"))
        if self.path.exists():
            os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
        self._open()

    def write(self, data: bytes) -> None:
        if self.size and self.size + len(data) > self.max_bytes:
            self.rotate()
        try:
            self._file.write(data)
            self._file.flush()  # a line written is a line kept, even if the next one never comes
        except OSError:  # disk full or file gone: reopen on the next line rather than stop draining
            try:
                self._file.close()
            except OSError:
                pass
            self._open()
            return
        self.size += len(data)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument(
        "--max-bytes", type=int, default=int(os.environ.get("PEERLEND_LOG_MAX_BYTES", 20 * 1024 * 1024))
    )
    parser.add_argument("--backups", type=int, default=int(os.environ.get("PEERLEND_LOG_BACKUPS", 5)))
    parser.add_argument("--banner", help="a line written first (who starts what, when)")
    args = parser.parse_args(argv)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    out = RotatingFile(args.path, args.max_bytes, args.backups)
    if args.banner:
        out.write(args.banner.encode() + b"\n")
    stdin = sys.stdin.buffer
    try:
        for line in iter(stdin.readline, b""):
            out.write(line)
    finally:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
