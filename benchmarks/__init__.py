"""Benchmarks at region scale (issue 7): a fast generator of large databases and a runner that
measures each figure next to its baseline. `make bench` / `make bench SIZE=small`."""
