"""The query engine: selectors, field conditions and the four rule templates.

Built-in rules and organisation rule packs ask the graph the same questions
through this package; it knows nothing of either (it imports neither
:mod:`cadee.rules` nor :mod:`cadee.packs`)::

    cadee.rules  ──>  cadee.query  <──  cadee.packs

- :mod:`cadee.query.regex`: pack regular expressions, on RE2 (linear time);
- :mod:`cadee.query.selectors`: typed selectors over systems, integrations,
  boundaries and owners, compiled to plain predicates;
- :mod:`cadee.query.conditions`: the fields ``require`` tests and how a
  condition judges and words a value;
- :mod:`cadee.query.templates`: ``Require``, ``ForbidIntegration``,
  ``MediatedPath`` and ``MustReach``, each owning its search, its findings
  and its description.

Import the modules themselves; this package module imports nothing.
"""

from __future__ import annotations
