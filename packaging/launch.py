"""Entry point of the frozen app (PyInstaller's script): the GUI, or ``--self-test PNG``.

Kept outside ``gui/`` so freezing adds nothing to the app's own modules:
``<program> [--db PATH] [--lang fr|nl|en]`` runs :func:`gui.app.main` as
``enose-gui`` does; ``<program> --self-test shot.png`` runs
:func:`gui.self_test.main` instead (see that module).
"""

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()  # joblib/loky workers re-enter the frozen program
    if "--self-test" in sys.argv[1:]:
        from gui.self_test import main as self_test

        return self_test(sys.argv[1:])
    from gui.app import main as app_main

    return app_main()


if __name__ == "__main__":
    sys.exit(main())
