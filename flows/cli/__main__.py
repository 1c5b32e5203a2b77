"""``python -m flows.cli``: the ``newsarchive`` command."""
import sys

from flows.cli.main import main

sys.exit(main())
