"""Turning files into Python text the analysis can read, with a map back to the user's file."""

from mlops_lint.source.document import (
    SourceDocument,
    SourceError,
    document_from_bytes,
    document_from_text,
    read_bytes,
    read_document,
)

__all__ = ["SourceDocument", "SourceError", "document_from_bytes", "document_from_text", "read_bytes", "read_document"]
