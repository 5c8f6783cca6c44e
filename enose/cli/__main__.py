"""``python -m enose.cli ...``: the ``enose`` command."""

from enose.cli import main

if __name__ == "__main__":
    main()
