"""``python -m firmware_protocol.emulator``: the ``emulate`` command."""

from firmware_protocol.emulator.cli import main

if __name__ == "__main__":
    main()
