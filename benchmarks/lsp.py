"""The language server's re-validation on save against a cold ``cadee validate``.

``python -m benchmarks.lsp`` (also a row of ``python -m benchmarks`` when the
``lsp`` extra is installed) measures, in one run, on the Northwind flagship
(``examples/northwind-bank/blueprint.yaml`` and its 8 includes):

- **cold**: ``cadee validate`` in a fresh process, the median of N runs, each
  spawned as the other benchmarks do (:func:`benchmarks.run.measure`);
- **save**: ``cadee lsp`` started once and past its first validation; then, N
  times, an edit of one file (a comment with a counter, so its content hash
  changes and it is parsed again) followed by ``didSave``, timed from writing
  ``didSave`` to reading the ``publishDiagnostics`` of the saved file. Saving
  the top-level file and saving an included file (which re-validates the
  blueprint including it) are measured separately.

Target (issue 23): save ≤ 10% of cold. The client is a few lines of JSON-RPC
over the server's pipes, so nothing but the server is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from benchmarks.run import FLAGSHIP, REPO, _env, cadee, measure

#: Re-validation on save must take at most this share of a cold `cadee validate`.
MAX_SAVE_TO_COLD = 0.10
INCLUDE = FLAGSHIP.parent / "catalog" / "ai-platform.yaml"


class Client:
    """A minimal LSP client over a server's standard input and output."""

    def __init__(self, argv: Sequence[str]) -> None:
        self.process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env=_env(),
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: BinaryIO) -> None:
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send(self, method: str, params: Any, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return ident

    def wait(self, test: Any, timeout: float = 120.0) -> dict[str, Any]:
        """The next message for which ``test`` holds (answering the server's requests)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            if "id" in message and "method" in message:  # a request from the server
                self._answer(message["id"])
            if test(message):
                return message

    def _answer(self, ident: Any) -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": ident, "result": None}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def close(self) -> None:
        try:
            ident = self.send("shutdown", None, request=True)
            self.wait(lambda m: m.get("id") == ident, timeout=10)
            self.send("exit", None)
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()


def _published(uri: str) -> Any:
    return lambda m: (
        m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    )


@dataclass(slots=True)
class Result:
    cold: float
    first: float
    save_top: float
    save_include: float
    runs: int

    @property
    def ratio(self) -> float:
        return max(self.save_top, self.save_include) / self.cold


def measure_lsp(runs: int = 5) -> Result:
    """Cold ``cadee validate`` and the server's re-validation on save, in one run."""
    cold = measure(cadee("validate", str(FLAGSHIP)), runs, warmup=True)
    if cold.codes - {0, 1}:
        raise RuntimeError(f"cadee validate failed: {cold.samples[0].stderr[-400:]}")
    client = Client(cadee("lsp"))
    try:
        root = FLAGSHIP.parent.resolve()
        ident = client.send(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": "northwind-bank"}],
            },
            request=True,
        )
        client.wait(lambda m: m.get("id") == ident)
        top, include = FLAGSHIP.resolve(), INCLUDE.resolve()
        texts = {path: path.read_text(encoding="utf-8") for path in (top, include)}
        started = time.perf_counter()
        client.send("initialized", {})
        client.wait(_published(top.as_uri()))
        first = time.perf_counter() - started
        for path, text in texts.items():
            client.send(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": path.as_uri(),
                        "languageId": "yaml",
                        "version": 1,
                        "text": text,
                    }
                },
            )
        client.wait(_published(top.as_uri()))
        timings: dict[Path, list[float]] = {top: [], include: []}
        for run in range(runs + 1):  # the first round warms up
            for path, text in texts.items():
                uri = path.as_uri()
                client.send(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": run + 2},
                        "contentChanges": [{"text": f"{text}# edit {run}\n"}],
                    },
                )
                started = time.perf_counter()
                client.send("textDocument/didSave", {"textDocument": {"uri": uri}})
                client.wait(_published(top.as_uri()))
                if run:
                    timings[path].append(time.perf_counter() - started)
        return Result(
            cold.seconds,
            first,
            statistics.median(timings[top]),
            statistics.median(timings[include]),
            runs,
        )
    finally:
        client.close()


def report(result: Result) -> str:
    verdict = "PASS" if result.ratio <= MAX_SAVE_TO_COLD else "MISS"
    return (
        "\n".join(
            [
                "| measurement | median | share of cold validate |",
                "|---|---|---|",
                f"| cold `cadee validate` (fresh process) | {result.cold * 1000:.0f} ms | 100% |",
                f"| `cadee lsp` first validation (after `initialized`) | {result.first * 1000:.0f} ms | "
                f"{result.first / result.cold:.0%} |",
                f"| save top-level file → publishDiagnostics | {result.save_top * 1000:.1f} ms | "
                f"{result.save_top / result.cold:.1%} |",
                f"| save an included file → publishDiagnostics | {result.save_include * 1000:.1f} ms | "
                f"{result.save_include / result.cold:.1%} |",
                "",
                f"Re-validation on save: {result.ratio:.1%} of a cold validate (target ≤ {MAX_SAVE_TO_COLD:.0%}): "
                f"{verdict}; {result.runs} runs each, Northwind flagship (9 files).",
            ]
        )
        + "\n"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.lsp", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement, median reported")
    args = parser.parse_args(argv)
    result = measure_lsp(max(1, args.runs))
    sys.stdout.write(report(result))
    return 0 if result.ratio <= MAX_SAVE_TO_COLD else 1


if __name__ == "__main__":
    sys.exit(main())
