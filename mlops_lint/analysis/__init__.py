"""The semantic model: what names mean and where values come from, computed once per module."""
