-- confirmed diagnoses (training labels) and risk scores; both append-only

CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    subject_code TEXT NOT NULL REFERENCES subjects(code),
    cancer INTEGER NOT NULL CHECK (cancer IN (0, 1)),
    histology TEXT,                               -- e.g. adenocarcinoma, squamous, SCLC
    stage TEXT,                                   -- e.g. IA, IIB, IV
    diagnosis_date TEXT,
    source TEXT NOT NULL,                         -- e.g. pathology report, MDT, 2-year follow-up, simulated
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES labels(id)      -- a correction is a new row pointing at the one it replaces
);
CREATE INDEX labels_subject ON labels(subject_code);
CREATE TRIGGER labels_never_updated BEFORE UPDATE ON labels
BEGIN SELECT RAISE(ABORT, 'labels are never updated: enter a correction that supersedes the old one'); END;
CREATE TRIGGER labels_never_deleted BEFORE DELETE ON labels
BEGIN SELECT RAISE(ABORT, 'labels are never deleted: enter a correction that supersedes the old one'); END;

-- the label in force for each subject: the newest row that no other row supersedes
CREATE VIEW current_labels AS
SELECT l.* FROM labels l
WHERE NOT EXISTS (SELECT 1 FROM labels n WHERE n.supersedes = l.id)
  AND l.id = (SELECT MAX(m.id) FROM labels m WHERE m.subject_code = l.subject_code
              AND NOT EXISTS (SELECT 1 FROM labels n2 WHERE n2.supersedes = m.id));

CREATE TABLE scores (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    created_at TEXT NOT NULL,
    operator TEXT,
    model_id TEXT,                                -- NULL when no score could be given
    model_sha256 TEXT,
    software_version TEXT NOT NULL,
    processing_version TEXT NOT NULL,
    calibration_id INTEGER REFERENCES calibrations(id),
    probability REAL,
    interval_low REAL,
    interval_high REAL,
    zone TEXT NOT NULL CHECK (zone IN ('green', 'orange', 'red', 'inconclusive', 'blocked')),
    ood INTEGER NOT NULL DEFAULT 0,
    explanation TEXT NOT NULL DEFAULT '[]',       -- JSON top contributing factors
    qc_reasons TEXT NOT NULL DEFAULT '[]'         -- JSON blocking / warning reasons
);
CREATE INDEX scores_session ON scores(session_id);
CREATE TRIGGER scores_never_updated BEFORE UPDATE ON scores
BEGIN SELECT RAISE(ABORT, 'scores are never updated: score again to add a new version'); END;
CREATE TRIGGER scores_never_deleted BEFORE DELETE ON scores
BEGIN SELECT RAISE(ABORT, 'scores are never deleted'); END;
