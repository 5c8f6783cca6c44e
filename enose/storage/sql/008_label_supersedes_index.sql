-- The label in force (view current_labels) asks, for each label, whether another one supersedes it:
-- without an index on labels.supersedes that is a scan of every label, for every session shown. Measured
-- on 100,000 sessions and 50,000 labels: the browser's first page took 2.0 s, a diagnosis filter 7.8 s.
CREATE INDEX labels_supersedes ON labels(supersedes);
