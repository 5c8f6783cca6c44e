"""Local SQLite storage: schema and migrations, sessions and samples, exports."""

from enose.storage.chunks import SampleBlock
from enose.storage.export import EXPORT_FORMATS, export_recording
from enose.storage.paths import default_db_path
from enose.storage.store import DatabaseMissing, SessionNotFound, SessionWriter, StorageError, Store

__all__ = [
    "DatabaseMissing",
    "EXPORT_FORMATS",
    "SampleBlock",
    "SessionNotFound",
    "SessionWriter",
    "StorageError",
    "Store",
    "default_db_path",
    "export_recording",
]
