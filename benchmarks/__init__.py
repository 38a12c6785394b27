"""GMS benchmark suite (issue 7) and the deadline-surge load test (issue 6, item 8).

Run it with ``python3 dev.py bench`` (see ``docs/benchmarks.md``).
"""
