"""Benchmarks: `nsc bench data-efficiency` (the protocol of Weber et al., ICML 2024, on programs
the model never saw) and `nsc bench perf` (latency and throughput of each stage)."""
