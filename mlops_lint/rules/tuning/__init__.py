"""MLO3xx: tuning under the carpet and reproducibility."""
