"""Adapters: Kafka, Faust, Prometheus and files; the only place such imports are allowed."""
