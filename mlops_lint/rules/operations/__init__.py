"""MLO6xx: predictions in operation (act now reflect never, set and forget, ambivalence)."""
