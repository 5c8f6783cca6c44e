"""The e-nose desktop application (PySide6): clinician, technician and researcher workspaces.

Importing this package does not import Qt; ``gui.app.main`` (the ``enose-gui``
entry point) and ``enose gui`` do. Widgets and thin adapters live here; every
measurement, storage and model operation is a call into :mod:`enose`.
"""
