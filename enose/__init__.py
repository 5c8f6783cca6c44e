"""Core library of the e-nose breath-screening suite (no Qt here, on purpose).

Sub-packages follow the data path: ``acquisition`` (device client, stream,
screening protocol), ``storage`` (SQLite), ``signal`` (preprocessing, breath
cycles, quality gate, features, calibration) and ``model`` (cohort simulator,
training, evaluation, scoring).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("enose")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
