"""Organisation rule packs: declarative graph rules in YAML, and Python plugins.

- :mod:`cadee.packs.model`: the pack file format, as strict pydantic models
  (its selectors, conditions and templates are :mod:`cadee.query`'s, shared
  with the built-in rules ARC001, ARC006 and FBK001);
- :mod:`cadee.packs.load`: reading a pack file into rules, with located errors;
- :mod:`cadee.packs.plugins`: rules from installed packages (entry points);
- :mod:`cadee.packs.testing`: running a rule's failing and passing examples.

This package turns YAML into :mod:`cadee.query` templates; built-in rules
never import it (rules -> query <- packs).
"""

from __future__ import annotations
