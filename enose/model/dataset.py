# ruff: noqa: N806  (X: the scikit-learn naming convention for data matrices)
"""A training / validation data set as plain arrays, from our database or a researcher's table.

A :class:`Dataset` is one row per breath session: the e-nose feature vector,
optional clinical variables, the label, and who/where/what recorded it
(subject, site, device), which the cross-validation needs to keep subjects,
sites and devices apart.

External tables (cohorts recorded on other e-noses arrive as spreadsheets)
are read by :func:`read_feature_table`, which refuses a bad table with an
error naming the column or the row.
"""

from __future__ import annotations

import csv
import fnmatch
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from enose.model.errors import TableError

__all__ = ["Dataset", "read_feature_table", "CLINICAL_WORDS"]

#: Clinical variables known to the database, with the words used in explanations.
CLINICAL_WORDS = {
    "age_years": ("age", "years"),
    "pack_years": ("smoking history", "pack-years"),
    "copd": ("COPD", ""),
    "smoking_current": ("current smoker", ""),
    "sex_male": ("male sex", ""),
    "previous_cancer": ("previous cancer", ""),
}

_TRUE = {"1", "1.0", "true", "yes", "y", "cancer", "case", "positive"}
_FALSE = {"0", "0.0", "false", "no", "n", "control", "healthy", "negative"}


@dataclass
class Dataset:
    """Arrays for training or validation, one row per session.

    Attributes:
        X: ``(n, n_features + n_clinical)`` float64; e-nose features first,
            then clinical variables; NaN marks a missing value.
        y: ``(n,)`` int, 1 = lung cancer.
        feature_names: names of the e-nose feature columns.
        clinical_names: names of the clinical columns.
        subject, site, device: ``(n,)`` str; '' when unknown.
        session_id: ``(n,)`` int, -1 for rows not from our database.
        source: where the rows came from (for the card).
        layout: channel layout (INFO order, as JSON) the features were computed for.
        processing_version: signal-processing version of the features.
        phase_durations_s: median recorded duration of each protocol phase (database rows only):
            a model refuses to zone a recording whose phases are clearly shorter.
        subject_known: whether ``subject`` holds real subject identifiers (database subject
            codes, a table's ``group`` column) rather than the row numbers put there when there
            are none. Why: training-overlap detection may compare subjects only when both sides
            name them; two tables' row numbers "0", "1", ... are not the same people.
        acquisition_order: ``(n,)`` when each row was recorded (a table's ``--time`` column, as
            seconds or an ISO date), for the confounding audit; None: row or session order.
        order_name: what ``acquisition_order`` is, for the audit's messages.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    clinical_names: list[str] = field(default_factory=list)
    subject: np.ndarray | None = None
    site: np.ndarray | None = None
    device: np.ndarray | None = None
    session_id: np.ndarray | None = None
    source: str = ""
    layout: list[dict] | None = None
    processing_version: str | None = None
    phase_durations_s: dict[str, float] | None = None
    subject_known: bool | None = None
    acquisition_order: np.ndarray | None = None
    order_name: str | None = None

    def __post_init__(self) -> None:
        n = self.X.shape[0]
        if self.subject_known is None:
            self.subject_known = self.subject is not None
        if self.X.shape[1] != len(self.feature_names) + len(self.clinical_names):
            raise ValueError("X columns do not match feature_names + clinical_names")
        blank = np.full(n, "", dtype=object)
        self.subject = (
            np.arange(n).astype(str).astype(object) if self.subject is None else np.asarray(self.subject, dtype=object)
        )
        self.site = blank.copy() if self.site is None else np.asarray(self.site, dtype=object)
        self.device = blank.copy() if self.device is None else np.asarray(self.device, dtype=object)
        self.session_id = np.full(n, -1) if self.session_id is None else np.asarray(self.session_id)
        self.y = np.asarray(self.y, dtype=int)

    @property
    def columns(self) -> list[str]:
        return [*self.feature_names, *self.clinical_names]

    def __len__(self) -> int:
        return int(self.y.size)

    def subset(self, mask: np.ndarray) -> Dataset:
        """The rows where ``mask`` (bool or index array) selects."""
        return replace(
            self,
            X=self.X[mask],
            y=self.y[mask],
            subject=self.subject[mask],
            site=self.site[mask],
            device=self.device[mask],
            session_id=self.session_id[mask],
            acquisition_order=None if self.acquisition_order is None else self.acquisition_order[mask],
        )

    def select_features(self, names) -> Dataset:
        """Only the e-nose feature columns ``names``, in that order (clinical columns kept).

        Raises:
            KeyError: a name that is not one of the feature columns.
        """
        names = list(names)
        position = {name: i for i, name in enumerate(self.feature_names)}
        unknown = [n for n in names if n not in position]
        if unknown:
            raise KeyError(f"not feature columns of this data set: {', '.join(unknown[:5])}")
        k = len(self.feature_names)
        columns = [position[n] for n in names] + list(range(k, self.X.shape[1]))
        return replace(self, X=self.X[:, columns], feature_names=names)

    def without_clinical(self) -> Dataset:
        k = len(self.feature_names)
        return replace(self, X=self.X[:, :k], clinical_names=[])

    def summary(self) -> dict:
        """Counts for the model card (no individual data)."""
        return {
            "source": self.source,
            "n_sessions": len(self),
            "n_subjects": int(np.unique(self.subject).size),
            "n_cancer": int(self.y.sum()),
            "n_control": int((1 - self.y).sum()),
            "sites": sorted({str(s) for s in self.site if s}),
            "devices": sorted({str(d) for d in self.device if d}),
            "n_features": len(self.feature_names),
            "clinical": list(self.clinical_names),
            "phase_durations_s": self.phase_durations_s,
        }


def _parse_label(raw: str, row: int, column: str) -> int:
    text = raw.strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    if not text:
        raise TableError(f"row {row}: the label column {column!r} is empty; every row needs a label (0 or 1)")
    raise TableError(f"row {row}: label {raw!r} in column {column!r} is not 0/1 (or yes/no, true/false)")


def _parse_number(raw: str, row: int, column: str, decimal_comma: bool) -> float:
    text = raw.strip()
    if not text or text.upper() in {"NA", "NAN", "N/A"}:
        return math.nan
    if decimal_comma:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise TableError(
            f"row {row}, column {column!r}: {raw!r} is not a number "
            "(choose the feature columns with --feature-columns, or leave this one out with --exclude)"
        ) from None
    if math.isinf(value):
        raise TableError(
            f"row {row}, column {column!r}: {raw!r} is infinite or overflows a double-precision number; "
            "a feature value must be finite"
        )
    return value


def _refuse_duplicate_columns(header: list[str], path: Path) -> None:
    """Two columns with one name would make one of them vanish silently (the later one wins a name lookup)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen:
            raise TableError(
                f"{path.name}: column name {name!r} appears twice (columns {seen[name]} and {position}); "
                "rename one so that every column is used as meant"
            )
        seen[name] = position


def _refuse_overflowing_columns(matrix: np.ndarray, columns: list[str]) -> None:
    """Refuse a column whose values are finite but too large to standardise, naming the row and column.

    Why: training centres and scales every column (mean, then the mean of squared deviations);
    values near the float64 limit (e.g. 1e308) overflow there to inf, which scikit-learn then
    reports as "Input X contains NaN", naming neither the row nor the column.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        for j, name in enumerate(columns):
            column = matrix[:, j]
            present = column[~np.isnan(column)]
            if present.size == 0:
                continue
            spread = np.mean((present - np.mean(present)) ** 2)
            if not np.isfinite(spread):
                row = int(np.nanargmax(np.abs(column))) + 1
                raise TableError(
                    f"row {row}, column {name!r}: {float(column[row - 1]):g} overflows when the column is scaled "
                    "(too large for double precision); rescale the column, e.g. to other units"
                )


def _split_names(spec: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if spec is None:
        return []
    if isinstance(spec, str):
        return [s.strip() for s in spec.split(",") if s.strip()]
    return [s for s in spec if s]


def read_feature_table(
    path: str | Path,
    *,
    label: str,
    group: str | None = None,
    clinical: str | list[str] | None = None,
    feature_columns: str | list[str] | None = None,
    exclude: str | list[str] | None = None,
    site: str | None = None,
    device: str | None = None,
    sep: str = ",",
    time: str | None = None,
) -> Dataset:
    """Read a researcher's feature table (one row per sample) into a :class:`Dataset`.

    ``time`` names a column saying when each row was recorded (a number, or an ISO date or
    date-time): the confounding audit then asks whether recording time predicts the label.

    Args:
        path: CSV file with a header row.
        label: column holding the diagnosis (1/0, yes/no, true/false).
        group: column identifying the subject (rows of one subject stay in one
            fold); without it every row is its own subject.
        clinical: comma-separated clinical columns (kept apart from the sensor
            features, may have empty cells).
        feature_columns: comma-separated names or glob patterns (``S*_T*``) of the
            feature columns; default: every other column, minus ``exclude``.
        exclude: columns to leave out of the default feature set.
        site, device: optional columns naming the site / device of each row.
        sep: field separator (``;`` tables may use a decimal comma, which is accepted).

    Raises:
        TableError: naming the column or row (1-based data row, header excluded).
    """
    path = Path(path)
    if not path.is_file():
        raise TableError(f"feature table {path} does not exist")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=sep))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise TableError(f"feature table {path} is empty")
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if len(header) < 2:
        raise TableError(f"{path}: the header has {len(header)} column; is the separator {sep!r} right? (--sep)")
    _refuse_duplicate_columns(header, path)
    index = {name: i for i, name in enumerate(header)}
    for role, name in (("label", label), ("group", group), ("site", site), ("device", device), ("time", time)):
        if name is not None and name not in index:
            raise TableError(f"{role} column {name!r} is not in {path.name}; columns are: {', '.join(header)}")
    clinical_names = _split_names(clinical)
    for name in clinical_names:
        if name not in index:
            raise TableError(f"clinical column {name!r} is not in {path.name}; columns are: {', '.join(header)}")
    reserved = {label, group, site, device, time, *clinical_names} - {None}
    if feature_columns:
        patterns = _split_names(feature_columns)
        feature_names = [h for h in header if h not in reserved and any(fnmatch.fnmatchcase(h, p) for p in patterns)]
        for p in patterns:
            if not any(fnmatch.fnmatchcase(h, p) for h in header):
                raise TableError(f"feature column {p!r} matches no column of {path.name}")
    else:
        excluded = set(_split_names(exclude))
        unknown = excluded - set(header)
        if unknown:
            raise TableError(f"--exclude names unknown columns: {', '.join(sorted(unknown))}")
        feature_names = [h for h in header if h not in reserved and h not in excluded]
    if not feature_names:
        raise TableError(f"{path.name} has no feature columns left")
    for i, r in enumerate(body, start=1):
        if len(r) != len(header):
            raise TableError(f"row {i} has {len(r)} cells but the header has {len(header)} (separator {sep!r}?)")
    decimal_comma = sep != ","
    y = np.array([_parse_label(r[index[label]], i, label) for i, r in enumerate(body, start=1)], dtype=int)
    columns = [*feature_names, *clinical_names]
    X = np.array(
        [[_parse_number(r[index[c]], i, c, decimal_comma) for c in columns] for i, r in enumerate(body, start=1)],
        dtype=np.float64,
    ).reshape(len(body), len(columns))
    for j, name in enumerate(columns):
        if len(body) and np.all(np.isnan(X[:, j])):
            raise TableError(f"column {name!r} has no values")
    _refuse_overflowing_columns(X, columns)
    if y.size and y.min() == y.max():
        raise TableError(f"the label column {label!r} holds one class only ({int(y[0])}); a model needs both")

    def text_column(name: str | None) -> np.ndarray | None:
        if name is None:
            return None
        values = np.array([r[index[name]].strip() for r in body], dtype=object)
        empty = np.flatnonzero(values == "")
        if empty.size:
            raise TableError(f"row {int(empty[0]) + 1}: column {name!r} is empty")
        return values

    return Dataset(
        X=X,
        y=y,
        feature_names=feature_names,
        clinical_names=clinical_names,
        subject=text_column(group),
        site=text_column(site),
        device=text_column(device),
        source=f"table {path.name}",
        acquisition_order=None if time is None else _time_column(text_column(time), time),
        order_name=None if time is None else f"column {time!r}",
    )


def _time_column(values: np.ndarray, name: str) -> np.ndarray:
    """A time column as numbers: plain numbers as they are, ISO dates or date-times as POSIX seconds."""
    from datetime import datetime

    out = np.empty(values.size)
    for i, text in enumerate(values):
        try:
            out[i] = float(text)
        except ValueError:
            try:
                out[i] = datetime.fromisoformat(text).timestamp()
            except ValueError:
                raise TableError(f"row {i + 1}, column {name!r}: {text!r} is neither a number nor an ISO date") from None
    return out
