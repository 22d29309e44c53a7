"""Pure domain types: no Kafka, Faust or Prometheus imports allowed here (a test enforces it)."""
