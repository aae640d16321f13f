"""examhall benchmarks: a load generator and a bare aiohttp echo server (`python -m bench.run`).

Not tests: pytest only collects tests/, and nothing here is named test_*.
"""
