"""Live plots that keep up with 32 channels at 100 Hz.

The acquisition thread fills the core's :class:`~enose.acquisition.buffer.SampleBuffer`;
a :class:`QTimer` on the GUI thread copies the visible window out of it at
display rate (30 Hz), decimates it to a few hundred min/max pairs per curve,
and updates curves created once per recording with ``setData`` (never new plot
items per frame). Normalisation (R/R0 against the start of the baseline) is a
display scale only; the stored data are the raw values.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from firmware_protocol.messages import ChannelKind
from gui.axes import LocaleAxis

__all__ = ["LivePlot", "RawGrid", "minmax_decimate"]

pg.setConfigOptions(antialias=False, background="w", foreground="#1a3050")

CAPNO_PEN = pg.mkPen("#0b6e4f", width=2)


def minmax_decimate(t: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Reduce ``y`` (shape ``(n, n_ch)``) at times ``t`` (``(n,)``) to about ``max_points`` rows.

    Each bin of ``k`` samples becomes its minimum and its maximum (so peaks stay
    visible); the oldest ``n % k`` samples are dropped so the newest are always shown.
    NaN (a dead channel) is ignored within a bin.
    """
    n = t.shape[0]
    pairs = max(1, max_points // 2)
    if n <= max_points:
        return t, y
    k = math.ceil(n / pairs)
    start = n % k
    bins = (n - start) // k
    yb = y[start:].reshape(bins, k, y.shape[1])
    lo = np.fmin.reduce(yb, axis=1)
    hi = np.fmax.reduce(yb, axis=1)
    out = np.empty((bins * 2, y.shape[1]), dtype=y.dtype)
    out[0::2] = lo
    out[1::2] = hi
    tb = t[start:].reshape(bins, k)
    tt = np.empty(bins * 2, dtype=t.dtype)
    tt[0::2] = tb[:, 0]
    tt[1::2] = tb[:, k // 2]
    return tt, out


class LivePlot(QWidget):
    """Normalised MOX responses (top) and the capnogram (bottom) of the recording in progress."""

    def __init__(self, window_s: float = 60.0, fps: float = 33.0, max_points: int = 600, parent=None) -> None:
        super().__init__(parent)
        self.window_s = window_s
        self.max_points = max_points
        # the interface language's decimal sign, and plain values (no "x0.001" scale in the axis title)
        self.mox_plot = pg.PlotWidget(self, axisItems={"left": LocaleAxis("left"), "bottom": LocaleAxis("bottom")})
        self.co2_plot = pg.PlotWidget(self, axisItems={"left": LocaleAxis("left"), "bottom": LocaleAxis("bottom")})
        for plot in (self.mox_plot, self.co2_plot):
            plot.showGrid(x=False, y=True, alpha=0.3)  # a vertical grid doubles the paint cost
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setMenuEnabled(False)
            # Fixed axes: the x axis is "seconds before now", so it never scrolls, and the y range
            # changes only when the data leave it; axes and grid are then not redrawn every frame.
            plot.disableAutoRange()
            plot.getAxis("left").setWidth(58)  # both plots' axes line up
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.setXRange(-window_s, 0, padding=0)
        self.co2_plot.setXLink(self.mox_plot)
        self.mox_plot.setYRange(0.5, 1.5, padding=0)
        self.co2_plot.setYRange(0, 6, padding=0)
        self.co2_plot.setMaximumHeight(190)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.mox_plot, 3)
        layout.addWidget(self.co2_plot, 2)
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, int(1000 / fps)))
        self.timer.timeout.connect(self.refresh)
        self.buffer = None
        self.mox_index = np.zeros(0, dtype=int)
        self.co2_index: int | None = None
        self.mox_curves: list[pg.PlotDataItem] = []
        self.co2_curve: pg.PlotDataItem | None = None
        self._window_n = 0
        self._ref_from: int | None = None
        self._ref: np.ndarray | None = None
        self.frames = 0
        self.last_frame_s = 0.0
        self.retranslate()

    def retranslate(self) -> None:
        self.mox_plot.setLabel("left", self.tr("Gas sensors, R/R0"))
        self.co2_plot.setLabel("left", self.tr("CO2 (%)"))
        self.co2_plot.setLabel("bottom", self.tr("Seconds before now"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        from gui.widgets import is_language_change

        if is_language_change(event):
            self.retranslate()
        super().changeEvent(event)

    # -- wiring --------------------------------------------------------------------------

    def attach(self, buffer, layout, period_ms: int) -> None:
        """Show ``buffer`` (a SampleBuffer of ``layout`` channels) from now on."""
        self.detach()
        self.buffer = buffer
        self.mox_index = layout.indices(ChannelKind.MOX)
        self.co2_index = layout.index(ChannelKind.CO2)
        self._window_n = int(self.window_s * 1000 / max(1, period_ms))
        self._ref_from = None
        self._ref = None
        if len(self.mox_curves) != len(self.mox_index):
            self.mox_plot.clear()
            n = len(self.mox_index)
            self.mox_curves = [
                self.mox_plot.plot(pen=pg.mkPen(pg.intColor(i, hues=max(n, 1), values=1, maxValue=200), width=1))
                for i in range(n)
            ]
        if self.co2_curve is None:
            self.co2_curve = self.co2_plot.plot(pen=CAPNO_PEN)
        self.co2_curve.setVisible(self.co2_index is not None)
        self.timer.start()

    def detach(self) -> None:
        self.timer.stop()

    def mark_reference(self) -> None:
        """Normalise to the samples from now on (call when the baseline starts)."""
        if self.buffer is not None:
            self._ref_from = len(self.buffer)
            self._ref = None

    def clear(self) -> None:
        self.detach()
        self.buffer = None
        for curve in self.mox_curves:
            curve.setData([], [])
        if self.co2_curve is not None:
            self.co2_curve.setData([], [])

    # -- drawing -------------------------------------------------------------------------

    def _reference(self, values_first: np.ndarray) -> np.ndarray:
        if self._ref is not None:
            return self._ref
        buffer = self.buffer
        if self._ref_from is not None and len(buffer) >= self._ref_from + 50:
            block = buffer.block(self._ref_from, self._ref_from + 100)
            ref = np.nanmedian(block.values[:, self.mox_index], axis=0)
            self._ref = np.where(np.isfinite(ref) & (ref != 0), ref, 1.0)
            return self._ref
        ref = values_first[self.mox_index]
        return np.where(np.isfinite(ref) & (ref != 0), ref, 1.0)

    @staticmethod
    def _follow_y(plot, data: np.ndarray, minimum_span: float, floor: float | None = None) -> None:
        """Change the y range only when the data leave it or fill less than a third of it."""
        finite = data[np.isfinite(data)]
        if finite.size == 0:
            return
        lo, hi = float(finite.min()), float(finite.max())
        (y0, y1) = plot.getViewBox().viewRange()[1]
        span = max(hi - lo, 1e-9)
        if lo >= y0 and hi <= y1 and span > (y1 - y0) / 3:
            return
        if lo >= y0 and hi <= y1 and (y1 - y0) <= minimum_span:
            return
        pad = max(0.1 * span, (minimum_span - span) / 2, 0.0)
        low = lo - pad if floor is None else max(floor, lo - pad)
        plot.setYRange(low, max(hi + pad, low + minimum_span * 0.5), padding=0)

    def refresh(self) -> None:
        """One frame: copy the visible window, decimate, update the curves in place."""
        buffer = self.buffer
        if buffer is None or len(buffer) == 0:
            return
        started = time.perf_counter()
        block = buffer.tail(self._window_n)
        t, values = block.t_s, block.values
        end = float(t[-1])
        if self.mox_curves:
            ref = self._reference(values[0])
            td, vd = minmax_decimate(t, values[:, self.mox_index], self.max_points)
            td = td - end
            norm = vd / ref
            finite = bool(np.isfinite(norm).all())
            for i, curve in enumerate(self.mox_curves):
                curve.setData(td, norm[:, i], skipFiniteCheck=finite, connect="all" if finite else "finite")
            self._follow_y(self.mox_plot, norm, minimum_span=0.2)
        if self.co2_index is not None and self.co2_curve is not None:
            td, cd = minmax_decimate(t, values[:, [self.co2_index]], self.max_points)
            co2 = cd[:, 0] / 1e4
            self.co2_curve.setData(td - end, co2)
            self._follow_y(self.co2_plot, co2[:, None], minimum_span=6.0, floor=0.0)
        self.frames += 1
        self.last_frame_s = time.perf_counter() - started


class RawGrid(QWidget):
    """Every channel in its own small plot, raw values in the device's units (technician view)."""

    def __init__(self, window_s: float = 20.0, fps: float = 15.0, max_points: int = 300, parent=None) -> None:
        super().__init__(parent)
        self.window_s = window_s
        self.max_points = max_points
        self.view = pg.GraphicsLayoutWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.timer = QTimer(self)
        self.timer.setInterval(max(1, int(1000 / fps)))
        self.timer.timeout.connect(self.refresh)
        self.buffer = None
        self.curves: list[pg.PlotDataItem] = []
        self.names: tuple[str, ...] = ()
        self._window_n = 0
        self.frames = 0

    def attach(self, buffer, layout, period_ms: int, columns: int = 4) -> None:
        self.detach()
        self.buffer = buffer
        self._window_n = int(self.window_s * 1000 / max(1, period_ms))
        if layout.names != self.names:
            self.view.clear()
            self.curves = []
            self.names = layout.names
            for i, channel in enumerate(layout.channels):
                plot = self.view.addPlot(row=i // columns, col=i % columns)
                plot.setTitle(f"{channel.name} ({channel.unit})", size="9pt")
                plot.setMouseEnabled(x=False, y=False)
                plot.hideButtons()
                plot.setMenuEnabled(False)
                plot.getAxis("bottom").setStyle(showValues=False)
                plot.getAxis("left").setWidth(48)
                self.curves.append(plot.plot(pen=pg.mkPen("#1a5fb4", width=1)))
        self.timer.start()

    def detach(self) -> None:
        self.timer.stop()

    def refresh(self) -> None:
        buffer = self.buffer
        if buffer is None or len(buffer) == 0:
            return
        block = buffer.tail(self._window_n)
        td, vd = minmax_decimate(block.t_s, block.values, self.max_points)
        for i, curve in enumerate(self.curves):
            curve.setData(td, vd[:, i], connect="finite")
        self.frames += 1
