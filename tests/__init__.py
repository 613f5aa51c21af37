"""The test suite. Imported before any conftest or test module, hence before escalade."""

import os

# escalade's rich consoles are made at import and keep the width found in $COLUMNS then, while
# the tests give each command its terminal (CliRunner's env). pytest-xdist starts its workers
# with COLUMNS=80, and a caller's shell may export it: drop it before escalade is imported, so
# that every run of the suite sees the terminal a plain serial run sees.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)
