"""``python -m desktop`` and the frozen app's entry point."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
