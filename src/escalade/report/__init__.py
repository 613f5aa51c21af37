"""The HTML report of an experiment (self-contained: plots inline, no network)."""

from escalade.report.html import build_report, pick_runs, write_report
from escalade.report.page import Section, esc

__all__ = ["Section", "build_report", "esc", "pick_runs", "write_report"]
