"""Rule logic, one module per rule, grouped by antipattern family (the code's hundreds)."""
