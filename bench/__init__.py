"""`make bench`: throughput and latency figures of replay and worker beside peer baselines (not a test)."""
