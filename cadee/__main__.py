from __future__ import annotations

from cadee.cli import run

run()
