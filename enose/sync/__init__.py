"""Sync to the central PostgreSQL study database, and signed file bundles for offline sites."""

from enose.sync.uploader import SyncConflict, SyncError, SyncReport, sync_to_central

__all__ = ["SyncConflict", "SyncError", "SyncReport", "sync_to_central"]
