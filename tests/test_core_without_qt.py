"""The core library must import and run with Qt absent (napari-style split, enforced)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import enose
import firmware_protocol

BLOCK_QT = """
import importlib.abc, sys
class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'pyqtgraph'):
            raise ImportError(f'Qt is blocked in this test: {name}')
        return None
sys.meta_path.insert(0, BlockQt())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('imported', len(sys.argv) - 1)
"""


def _modules(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def test_every_core_module_imports_with_qt_blocked():
    names = [n for n in _modules(enose) + _modules(firmware_protocol) if not n.endswith("__main__")]
    assert "enose.acquisition.client" in names and "enose.storage.store" in names
    result = subprocess.run([sys.executable, "-c", BLOCK_QT, *names], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported {len(names)}"
