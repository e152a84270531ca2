"""Helpers that CI jobs run (``python -m cadee.ci.github_comment``); standard library only."""
