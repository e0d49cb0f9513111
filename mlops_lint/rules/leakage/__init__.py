"""MLO1xx: data leakage."""
