-- devices, subjects, sessions, sample chunks, events, phases
    CREATE TABLE devices (
        serial TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        firmware TEXT NOT NULL,
        min_period_ms INTEGER NOT NULL,
        channels TEXT NOT NULL,            -- JSON [{kind, name, unit}] in INFO order
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    CREATE TABLE subjects (
        code TEXT PRIMARY KEY,             -- pseudonymous study code, never a name
        created_at TEXT NOT NULL,
        site TEXT,
        age_years INTEGER,
        sex TEXT CHECK (sex IN ('F', 'M', 'X') OR sex IS NULL),
        smoking TEXT CHECK (smoking IN ('never', 'former', 'current') OR smoking IS NULL),
        pack_years REAL,
        copd INTEGER,
        previous_cancer INTEGER
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL DEFAULT 'screening',
        subject_code TEXT REFERENCES subjects(code),
        device_serial TEXT REFERENCES devices(serial),
        firmware TEXT,
        operator TEXT NOT NULL,
        site TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        heartbeat_at TEXT,
    writer_host TEXT,                      -- machine and process recording it, to tell a dead writer
    writer_pid INTEGER,
        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'aborted', 'interrupted')),
        software_version TEXT NOT NULL,
        protocol TEXT NOT NULL,            -- JSON protocol parameters
        channels TEXT NOT NULL,            -- JSON channel layout at start
        period_ms INTEGER NOT NULL,
        n_samples INTEGER NOT NULL DEFAULT 0,
        lost_samples INTEGER NOT NULL DEFAULT 0,
        interruptions INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_subject ON sessions(subject_code);
    CREATE INDEX sessions_device ON sessions(device_serial);
    CREATE TABLE sample_chunks (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        chunk_index INTEGER NOT NULL,
        first_sample INTEGER NOT NULL,
        n_samples INTEGER NOT NULL,
        n_channels INTEGER NOT NULL,
        codec TEXT NOT NULL,
        t_s BLOB NOT NULL,
        device_seq BLOB NOT NULL,
        device_t_ms BLOB NOT NULL,
        flags BLOB NOT NULL,
        "values" BLOB NOT NULL,
        PRIMARY KEY (session_id, chunk_index)
    );
    CREATE TRIGGER sample_chunks_never_updated BEFORE UPDATE ON sample_chunks
    BEGIN SELECT RAISE(ABORT, 'raw samples are never updated'); END;
    CREATE TRIGGER sample_chunks_never_deleted BEFORE DELETE ON sample_chunks
    BEGIN SELECT RAISE(ABORT, 'raw samples are never deleted'); END;
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES sessions(id),
        t_s REAL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}', -- JSON
        created_at TEXT NOT NULL
    );
    CREATE INDEX events_session ON events(session_id);
    CREATE TABLE phases (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        name TEXT NOT NULL,
        inlet INTEGER NOT NULL,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        PRIMARY KEY (session_id, name)
    );

