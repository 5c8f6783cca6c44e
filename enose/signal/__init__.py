"""Signal processing of e-nose sessions: pure functions on ``(..., n_channels, n_samples)`` arrays.

No Qt, no database, no I/O. The pipeline (see ``README.md`` beside this file):

* :mod:`~enose.signal.grid`: irregular samples -> uniform grid, gaps marked NaN;
* :mod:`~enose.signal.filters`: despike (median) and zero-phase low-pass;
* :mod:`~enose.signal.normalise`: R0 from the baseline, ΔR/R0 and ln(R/R0);
* :mod:`~enose.signal.compensation`: humidity/temperature model, fit and apply;
* :mod:`~enose.signal.breath`: breath cycles from the capnogram and mask pressure;
* :mod:`~enose.signal.quality`: the quality gate (reason codes, severities);
* :mod:`~enose.signal.features`: batch features with stable names, ``PROCESSING_VERSION``;
* :mod:`~enose.signal.calibration`: zero air, reference check, EWMA drift chart, drift correction;
* :mod:`~enose.signal.bench`: the batch-versus-loop benchmark.
"""

from enose.signal.breath import BreathCycles, breath_cycles, count_breath_cycles
from enose.signal.calibration import (
    DeviceCalibration,
    DriftStatus,
    EwmaChart,
    HumidityResponse,
    ReferenceCheck,
    drift_correct,
    drift_gain,
    drift_status,
    ewma_chart,
    humidity_response_from_recording,
    judge_humidity,
    reference_check,
    reference_response_from_recording,
    zero_air_baseline,
    zero_air_from_recording,
)
from enose.signal.compensation import CompensationCoefficients, compensate, fit_compensation
from enose.signal.config import (
    DEFAULT_HUMIDITY,
    DEFAULT_PROCESSING,
    DEFAULT_QUALITY,
    DriftConfig,
    HumidityConfig,
    ProcessingConfig,
    QualityConfig,
)
from enose.signal.errors import (
    LayoutMismatchError,
    MissingChannelError,
    MissingPhaseError,
    ShapeError,
    SignalError,
)
from enose.signal.features import (
    PROCESSING_VERSION,
    batch_features,
    compute_features,
    feature_names,
    mox_prefixes,
    preprocess,
    session_grids,
    stack_grids,
)
from enose.signal.filters import design_lowpass, despike, lowpass
from enose.signal.grid import lost_sample_count, phase_grid, resample_uniform
from enose.signal.normalise import baseline_r0, delta_r_over_r0, log_r_over_r0
from enose.signal.quality import MESSAGES, SEVERITIES, QualityBlocked, Reason, Severity, is_blocked, quality_gate

__all__ = [
    "PROCESSING_VERSION",
    "BreathCycles",
    "breath_cycles",
    "count_breath_cycles",
    "DeviceCalibration",
    "DriftStatus",
    "EwmaChart",
    "HumidityResponse",
    "ReferenceCheck",
    "drift_correct",
    "drift_gain",
    "drift_status",
    "ewma_chart",
    "humidity_response_from_recording",
    "judge_humidity",
    "reference_check",
    "reference_response_from_recording",
    "zero_air_baseline",
    "zero_air_from_recording",
    "CompensationCoefficients",
    "compensate",
    "fit_compensation",
    "DEFAULT_HUMIDITY",
    "DEFAULT_PROCESSING",
    "DEFAULT_QUALITY",
    "DriftConfig",
    "HumidityConfig",
    "ProcessingConfig",
    "QualityConfig",
    "LayoutMismatchError",
    "MissingChannelError",
    "MissingPhaseError",
    "ShapeError",
    "SignalError",
    "batch_features",
    "compute_features",
    "feature_names",
    "mox_prefixes",
    "preprocess",
    "session_grids",
    "stack_grids",
    "design_lowpass",
    "despike",
    "lowpass",
    "lost_sample_count",
    "phase_grid",
    "resample_uniform",
    "baseline_r0",
    "delta_r_over_r0",
    "log_r_over_r0",
    "MESSAGES",
    "SEVERITIES",
    "QualityBlocked",
    "Reason",
    "Severity",
    "is_blocked",
    "quality_gate",
]
