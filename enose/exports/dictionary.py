"""The data dictionary: every column of every study-export table, its type, unit and meaning.

The export writes exactly these columns in this order, so the dictionary cannot
drift from the files (a test checks it).
"""

from __future__ import annotations

__all__ = ["DICTIONARY", "RAW_COLUMNS", "columns", "dictionary_rows"]

# (column, type, unit, description); types: text, integer, real, json (text holding JSON), timestamp (ISO 8601 UTC)
DICTIONARY: dict[str, list[tuple[str, str, str, str]]] = {
    "subjects": [
        ("subject_code", "text", "", "Pseudonymous study code (keyed hash of the hospital number; never the number)."),
        ("site", "text", "", "Study site code where the subject was enrolled."),
        ("created_at", "timestamp", "", "When the subject was first recorded."),
        ("age_years", "integer", "year", "Age at enrolment."),
        ("sex", "text", "", "F, M or X."),
        ("smoking", "text", "", "never, former or current."),
        ("pack_years", "real", "pack-year", "Cumulative tobacco exposure."),
        ("copd", "integer", "", "1 if diagnosed with COPD, 0 if not, empty if unknown."),
        ("previous_cancer", "integer", "", "1 if a previous cancer, 0 if not, empty if unknown."),
    ],
    "sessions": [
        (
            "session_uuid",
            "text",
            "",
            "Globally unique session id (the key in every table and in the central database).",
        ),
        ("site_uuid", "text", "", "Identity of the installation that recorded it."),
        ("kind", "text", "", "screening, calibration, ..."),
        ("subject_code", "text", "", "Pseudonymous subject code (see subjects)."),
        ("device_serial", "text", "", "Serial number of the e-nose device."),
        ("firmware", "text", "", "Device firmware version at recording."),
        ("operator", "text", "", "Who recorded it; a stable pseudonym (staff-XXXXXXXX) unless exported identified."),
        ("site", "text", "", "Study site code."),
        ("started_at", "timestamp", "", "Start of the recording."),
        ("ended_at", "timestamp", "", "End of the recording."),
        ("status", "text", "", "complete, aborted or interrupted."),
        ("software_version", "text", "", "enose version that recorded it."),
        ("period_ms", "integer", "ms", "Sampling period."),
        ("n_samples", "integer", "sample", "Samples stored."),
        ("lost_samples", "integer", "sample", "Samples the device sent that never arrived."),
        ("interruptions", "integer", "", "Link interruptions during the recording."),
        ("protocol", "json", "", "Protocol parameters (durations in s)."),
        ("channels", "json", "", "Channel layout [{kind, name, unit}] in device order."),
        (
            "raw_file",
            "text",
            "",
            "Path of the raw-signal file, relative to the export directory (empty with --no-raw).",
        ),
    ],
    "qc_results": [
        ("session_uuid", "text", "", "Session (see sessions)."),
        ("processing_version", "text", "", "Version of the signal processing that computed it."),
        ("passed", "integer", "", "1 if no blocking reason, else 0."),
        ("reasons", "json", "", "Quality reasons [{code, severity, message, detail}]."),
        ("computed_at", "timestamp", "", "When it was computed."),
    ],
    "features": [
        ("session_uuid", "text", "", "Session (see sessions)."),
        ("processing_version", "text", "", "Version of the signal processing that computed it."),
        ("feature", "text", "", "Feature name."),
        ("value", "real", "", "Feature value (units depend on the feature; see the processing documentation)."),
        ("computed_at", "timestamp", "", "When it was computed."),
    ],
    "scores": [
        ("score_id", "integer", "", "Site-local score id (unique with site_uuid); scores are append-only versions."),
        ("site_uuid", "text", "", "Identity of the installation that scored it."),
        ("session_uuid", "text", "", "Session scored (see sessions)."),
        ("created_at", "timestamp", "", "When it was scored."),
        ("operator", "text", "", "Who scored it; a stable pseudonym unless exported identified."),
        ("model_id", "text", "", "Risk model identifier; empty when no score could be given."),
        ("model_sha256", "text", "", "Content hash of the model artifact."),
        ("software_version", "text", "", "enose version that scored it."),
        ("processing_version", "text", "", "Signal processing version used."),
        ("calibration_id", "integer", "", "Site-local id of the device calibration applied."),
        ("probability", "real", "1", "Estimated probability of lung cancer (0-1); empty when not given."),
        ("interval_low", "real", "1", "Lower bound of the probability interval."),
        ("interval_high", "real", "1", "Upper bound of the probability interval."),
        (
            "zone",
            "text",
            "",
            "green, orange, red, inconclusive or blocked; inconclusive also when no_zone is not empty.",
        ),
        ("ood", "integer", "", "1 if the breath was outside the model's training domain."),
        ("explanation", "json", "", "Top contributing factors."),
        ("qc_reasons", "json", "", "Quality reasons that blocked or qualified the score."),
        (
            "no_zone",
            "json",
            "",
            "Codes of the reasons the probability is kept for the record only and no zone was given (e.g. "
            '["humidity_not_measured"], ["protocol_mismatch"]); [] when a zone was given (and for every score '
            "stored by a release before this column).",
        ),
    ],
    "labels": [
        ("label_id", "integer", "", "Site-local label id (unique with site_uuid); labels are append-only versions."),
        ("site_uuid", "text", "", "Identity of the installation where it was entered."),
        ("subject_code", "text", "", "Pseudonymous subject code (see subjects)."),
        ("cancer", "integer", "", "1 confirmed lung cancer, 0 not."),
        ("histology", "text", "", "e.g. adenocarcinoma, squamous, SCLC."),
        ("stage", "text", "", "e.g. IA, IIB, IV."),
        ("diagnosis_date", "text", "", "Date of diagnosis (ISO 8601)."),
        ("source", "text", "", "pathology report, MDT, 2-year follow-up, simulated..."),
        ("entered_by", "text", "", "Who entered it; a stable pseudonym unless exported identified."),
        ("entered_at", "timestamp", "", "When it was entered."),
        ("supersedes", "integer", "", "label_id this correction replaces, if any."),
        ("current", "integer", "", "1 if this is the label in force for the subject."),
    ],
}

#: Columns of each raw-signal file (``raw/<session_uuid>.csv|parquet``), then one per channel.
RAW_COLUMNS: list[tuple[str, str, str, str]] = [
    ("t", "real", "s", "Session time of the sample."),
    ("device_seq", "integer", "", "Device frame sequence number (uint16, wraps)."),
    ("device_t_ms", "integer", "ms", "Device clock (uint32, wraps)."),
    ("flags", "integer", "", "Device status flags of the frame."),
    ("<channel name>", "real", "see sessions.channels", "One column per channel, float32 exactly as received."),
]


def columns(table: str) -> list[str]:
    return [c[0] for c in DICTIONARY[table]]


def dictionary_rows() -> list[dict]:
    """One row per column of every table, for ``data_dictionary.csv``."""
    out = []
    for table, cols in [*DICTIONARY.items(), ("raw/<session_uuid>", RAW_COLUMNS)]:
        for name, kind, unit, description in cols:
            out.append({"table": table, "column": name, "type": kind, "unit": unit, "description": description})
    return out
