"""Every tunable number of :mod:`enose.signal`, in two frozen dataclasses.

* :class:`ProcessingConfig`: how the signals are turned into numbers (grid,
  filters, windows, what counts as a valid breath cycle). Changing a default
  changes feature values, so it goes with a bump of ``PROCESSING_VERSION``.
* :class:`QualityConfig`: the quality gate's thresholds. Each field's name
  carries its unit; each has a docstring saying what it guards against.

Nothing else in the package hard-codes a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from enose.signal.errors import SignalError

__all__ = [
    "ProcessingConfig",
    "QualityConfig",
    "DriftConfig",
    "HumidityConfig",
    "DEFAULT_PROCESSING",
    "DEFAULT_QUALITY",
    "DEFAULT_DRIFT",
    "DEFAULT_HUMIDITY",
]


def _check_fields(obj, *, allow_zero: tuple[str, ...] = ()) -> None:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not (value == value and abs(value) != float("inf")):
            raise SignalError(f"{type(obj).__name__}.{f.name} must be finite, got {value!r}")
        if value < 0 or (value == 0 and f.name not in allow_zero):
            raise SignalError(f"{type(obj).__name__}.{f.name} must be > 0, got {value!r}")


@dataclass(frozen=True)
class ProcessingConfig:
    """Parameters of preprocessing, breath-cycle detection and features (they change the numbers)."""

    grid_period_s: float = 0.1
    """Period of the common grid every session is resampled to, s (10 Hz: MOX time constants are >= 1 s)."""
    max_gap_periods: float = 3.0
    """A hole longer than this many of the session's own sampling periods is never bridged (stays NaN)."""
    baseline_window_s: float = 40.0
    """The last this-many seconds of the baseline phase are used (R0, stability), at most."""
    baseline_settle_s: float = 20.0
    """... and never the first this-many seconds of the baseline: the sensors settle after the inlet
    switch (a 60 s baseline gives a 40 s window, a 30 s baseline a 10 s one)."""
    breath_window_s: float = 300.0
    """Breath-phase window from the phase start, s; a shorter phase is NaN-padded (sessions stay aligned)."""
    purge_window_s: float = 120.0
    """Purge-phase window from the phase start, s."""
    despike_samples: int = 5
    """Median-filter length on the grid, samples (odd): removes one- or two-sample electrical spikes."""
    lowpass_hz: float = 1.5
    """Zero-phase Bessel low-pass cut-off (-3 dB), Hz (keeps the 0.2-0.3 Hz breathing, removes noise)."""
    lowpass_order: int = 4
    """Order of the Bessel low-pass."""
    steady_fraction: float = 0.5
    """Steady-state breath response: the median over the last this-fraction of the breath phase's data."""
    end_tidal_fraction: float = 0.3
    """End-tidal (alveolar) samples: the last this-fraction of each valid exhalation."""
    line_delay_s: float = 0.4
    """Transport delay from the mask (where CO2 is measured) to the MOX cell, s: end-tidal MOX samples
    are taken this much later than the end-tidal CO2."""
    level_window_s: float = 20.0
    """Settled level at the end of the breath and of the purge data: the last this-many seconds (at most
    half of the phase), s."""
    recovery_fraction: float = 0.63
    """Purge recovery time: when the response has covered this fraction of its way back (t63)."""
    load_floor: float = 1e-3
    """Smallest surface load ``R(zero air) / R - 1`` taken as measured: a load under 0.1 % of the clean-air
    resistance is within the sensor's noise, and its logarithm would only amplify that noise."""
    ema_alphas: tuple[float, ...] = (0.1, 0.01, 0.001)
    """Smoothing factors of the exponential moving average of the derivative (Vergara et al. 2012)."""
    co2_high_fraction: float = 0.5
    """Exhalation starts when CO2 rises above p5 + this x (p95 - p5) of the breath window (hysteresis high)."""
    co2_low_fraction: float = 0.25
    """... and ends when CO2 falls below p5 + this x (p95 - p5) (hysteresis low)."""
    cycle_min_etco2_ppm: float = 15000.0
    """A valid cycle reaches at least this end-tidal CO2, ppm (1.5 %: real alveolar gas, not a leaky mask)."""
    cycle_min_s: float = 1.5
    """Shortest valid cycle, s (40 /min)."""
    cycle_max_s: float = 15.0
    """Longest valid cycle, s (4 /min): a breath-hold or a lost cycle boundary is not a cycle."""
    cycle_min_exhale_fraction: float = 0.2
    """Exhalation share of a valid cycle, lower bound."""
    cycle_max_exhale_fraction: float = 0.85
    """Exhalation share of a valid cycle, upper bound."""
    cycle_max_missing_fraction: float = 0.25
    """A cycle with more than this fraction of missing CO2 samples (gaps) is not valid."""

    def __post_init__(self) -> None:
        _check_fields(self)
        if self.despike_samples % 2 == 0 or self.despike_samples < 3:
            raise SignalError(f"despike_samples must be odd and >= 3, got {self.despike_samples}")
        if self.lowpass_hz >= 0.5 / self.grid_period_s:
            raise SignalError(f"lowpass_hz ({self.lowpass_hz}) must be below the grid's Nyquist frequency")
        if not all(0 < a < 1 for a in self.ema_alphas):
            raise SignalError(f"ema_alphas must each be within (0, 1), got {self.ema_alphas}")
        if not self.co2_low_fraction < self.co2_high_fraction < 1:
            raise SignalError("need co2_low_fraction < co2_high_fraction < 1 (hysteresis)")
        for name in ("steady_fraction", "end_tidal_fraction", "recovery_fraction"):
            if not 0 < getattr(self, name) <= 1:
                raise SignalError(f"{name} must be within (0, 1]")

    def baseline_window(self, start_s: float, end_s: float) -> tuple[float, float]:
        """``(from_s, to_s)`` of the usable baseline window of a baseline phase ``[start_s, end_s)``."""
        return max(start_s + self.baseline_settle_s, end_s - self.baseline_window_s), end_s

    def n_window(self, window_s: float) -> int:
        """Grid samples in a window of ``window_s`` seconds."""
        return max(1, int(round(window_s / self.grid_period_s)))


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the quality gate (see ``README.md`` for each reason code)."""

    max_warming_up_fraction: float = 0.01
    """``warming_up``: largest share of baseline + breath samples flagged WARMING_UP."""
    baseline_max_slope_per_min: float = 0.05
    """``baseline_unstable``: largest |slope| of ln R over the baseline window, per minute (5 %/min: over a
    5-minute breath phase that is a drift the size of a breath response, so R0 is no longer a reference;
    settled sensors drift about 1 %/min at most; the settling tail after the inlet switch on a short
    30 s baseline reads 1-6 %/min)."""
    baseline_max_noise: float = 0.01
    """``baseline_unstable``: largest robust SD of ln R sample-to-sample noise in the baseline window (1 %)."""
    min_valid_cycles: int = 10
    """``too_few_breaths``: fewest valid breath cycles (validity: :class:`ProcessingConfig` ``cycle_*``)."""
    max_dead_fraction: float = 0.5
    """``dead_channel``: a channel with more than this share of NaN in baseline + breath is dead."""
    max_saturated_fraction: float = 0.01
    """``saturated_channel``: largest share of baseline + breath samples flagged ADC_SATURATED, or pinned
    at a channel's own extreme value."""
    flat_max_relative_range: float = 1e-6
    """``flat_channel``: a channel whose (max - min) / |median| over baseline + breath is below this."""
    rh_min_pct: float = 10.0
    """``humidity_out_of_range``: lowest median cell humidity in the (room-air) baseline, %."""
    rh_max_pct: float = 75.0
    """``humidity_out_of_range``: highest median cell humidity in the baseline, %."""
    temp_min_c: float = 15.0
    """``temperature_out_of_range``: lowest median cell temperature over baseline + breath, degC."""
    temp_max_c: float = 60.0
    """``temperature_out_of_range``: highest median cell temperature over baseline + breath, degC."""
    ambient_max_log_ratio: float = 1.1
    """``ambient_contaminated``: largest median over MOX channels of ln(R zero air / R baseline). Clean room
    air with room humidity gives about 0.3-0.8 on typical sensors; 1.1 means the room air lowers R three
    times more than zero air does."""
    max_lost_fraction: float = 0.05
    """``lost_samples``: largest share of samples lost (``meta['lost_samples']`` or holes in ``t_s``)."""
    max_fault_fraction: float = 0.01
    """``device_fault``: largest share of baseline + breath samples with HEATER_FAULT, PUMP_FAULT or LOW_FLOW."""
    min_baseline_s: float = 25.0
    """``missing_phase``: shortest usable baseline phase, s (it must outlast ``baseline_settle_s``)."""
    min_breath_s: float = 40.0
    """``missing_phase``: shortest usable breath phase, s (ten calm breaths need 40-50 s)."""

    def __post_init__(self) -> None:
        _check_fields(self, allow_zero=("max_warming_up_fraction", "max_saturated_fraction", "max_fault_fraction"))
        if self.rh_min_pct >= self.rh_max_pct or self.temp_min_c >= self.temp_max_c:
            raise SignalError("QualityConfig ranges need min < max")


@dataclass(frozen=True)
class DriftConfig:
    """EWMA drift chart of a device's calibrations (see :mod:`enose.signal.calibration`)."""

    ewma_lambda: float = 0.2
    """EWMA weight of the newest calibration (0.2: a classic choice, sensitive to ~1 sigma shifts)."""
    n_in_control: int = 5
    """The first this-many calibrations set the chart's centre and sigma (phase I)."""
    limit_sigmas: float = 3.0
    """Control limits at centre +- this many EWMA standard deviations."""
    min_sigma_log: float = 0.01
    """Floor of the per-channel sigma of ln(value), so identical phase-I values do not give zero-width limits."""
    max_age_days: float = 30.0
    """Recalibration is due when the newest calibration is older than this, days."""

    def __post_init__(self) -> None:
        _check_fields(self)
        if not 0 < self.ewma_lambda <= 1:
            raise SignalError(f"ewma_lambda must be within (0, 1], got {self.ewma_lambda}")
        if self.n_in_control < 2:
            raise SignalError("n_in_control must be >= 2 (a sigma needs two points)")


@dataclass(frozen=True)
class HumidityConfig:
    """Pass/fail limits of a humidity calibration (dry then humidified zero air, ICD revision 1.1).

    The measured quantity per MOX sensor is its humidity sensitivity ``-d ln R / d RH``
    (per % RH) between the settled dry and humidified zero air. An n-type metal-oxide
    sensor's resistance falls with humidity (water vapour donates electrons at the
    surface): from 10 to 90 % RH typically by 5 % to 3x, a sensitivity of about 0.0006 to
    0.014 per % RH. A value outside the plausible range means a damaged or wrongly fitted
    element, a leak in the humidifier line, or a broken humidity sensor: the sensor
    fails, with that reason.
    """

    min_sensitivity_per_pct: float = 0.0005
    """Least plausible fall of ln R per % RH (flatter, or rising with humidity, fails)."""
    max_sensitivity_per_pct: float = 0.015
    """Steepest plausible fall of ln R per % RH (steeper fails as implausibly humidity-sensitive)."""
    min_humid_rh_pct: float = 60.0
    """The humidified step must reach at least this cell humidity (the ICD promises 75-90 %), %."""
    min_step_rh_pct: float = 40.0
    """... and differ from the dry step by at least this much, so the slope spans a real range, %."""
    settle_fraction: float = 0.5
    """Only the last this-fraction of each step is used: the first part is the cell and sensors settling."""

    def __post_init__(self) -> None:
        _check_fields(self)
        if not self.min_sensitivity_per_pct < self.max_sensitivity_per_pct:
            raise SignalError("min_sensitivity_per_pct must be below max_sensitivity_per_pct")
        if not 0 < self.settle_fraction <= 1:
            raise SignalError(f"settle_fraction must be within (0, 1], got {self.settle_fraction}")


DEFAULT_PROCESSING = ProcessingConfig()
DEFAULT_QUALITY = QualityConfig()
DEFAULT_DRIFT = DriftConfig()
DEFAULT_HUMIDITY = HumidityConfig()
