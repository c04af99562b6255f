"""Benchmarks: `./dev bench` (or `python -m bench`) prints medians; figures go to bench/RESULTS.md."""
