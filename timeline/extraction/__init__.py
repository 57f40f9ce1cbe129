"""Temporal extraction: dated events from news text, with no dependency on Django."""

from .pipeline import extract
from .types import Event, ExtractionResult, Precision, ResolvedDate, Sentence, Timex

__all__ = ["Event", "ExtractionResult", "Precision", "ResolvedDate", "Sentence", "Timex", "extract"]
