"""MLO4xx: comparisons and credit (PEST, bad credit assignment)."""
