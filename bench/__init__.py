"""Benchmarks and the synthetic model generator (issue 7); see docs/benchmarks.md."""
