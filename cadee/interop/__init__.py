"""Interoperability: FINOS CALM, Backstage, Structurizr and plain graph exports.

Exporters are pure functions from a loaded :class:`~cadee.model.Blueprint` to
text; importers turn another tool's files into a draft blueprint plus the
warnings that list what did not map (docs/interop.md).
"""
