"""MLO2xx: grade your own exam (test data used for training, selection or early stopping)."""
