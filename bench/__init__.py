"""Benchmarks and their dataset generators (see docs/benchmarks.md)."""
