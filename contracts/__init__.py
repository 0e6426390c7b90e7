"""Contract suites and one adapter per implementation of each family: the only place that knows both the harness and the target."""
