"""Reporters: pure functions from validation results to text."""
