"""Research exports of the whole study: CSV, Parquet, FHIR R4, with a data dictionary."""

from enose.exports.study import EXPORT_FORMATS, ExportError, export_study, study_tables

__all__ = ["EXPORT_FORMATS", "ExportError", "export_study", "study_tables"]
