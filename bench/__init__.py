"""On-demand benchmarks (see bench/README.md). Never part of ``make test``."""
