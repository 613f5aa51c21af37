"""``python -m escalade``: the same command line as ``escalade``."""

from escalade.cli import app

app(prog_name="escalade")
