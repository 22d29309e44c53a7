"""Pure detectors: functions of (event, explicit state, explicit clock) returning alerts."""
