"""Maintainers' measurements (evaluation, benchmarks): never imported by the service."""
