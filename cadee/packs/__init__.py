"""Organisation rule packs: declarative graph rules in YAML, and Python plugins.

- :mod:`cadee.packs.selectors`: typed selectors over systems, integrations,
  boundaries and owners (no expression is ever evaluated as code);
- :mod:`cadee.packs.model`: the pack file format, as strict pydantic models;
- :mod:`cadee.packs.engine`: the graph engine of the four templates, shared
  with the built-in rules ARC001, ARC006 and FBK001;
- :mod:`cadee.packs.load`: reading a pack file into rules, with located errors;
- :mod:`cadee.packs.plugins`: rules from installed packages (entry points);
- :mod:`cadee.packs.testing`: running a rule's failing and passing examples.

This module imports nothing: built-in rules import the engine through it.
"""

from __future__ import annotations
