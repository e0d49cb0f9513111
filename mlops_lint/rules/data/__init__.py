"""MLO5xx: data lineage and quality (data crisis as a service)."""
