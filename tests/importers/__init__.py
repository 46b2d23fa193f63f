"""Tests of the importers package (no database)."""
