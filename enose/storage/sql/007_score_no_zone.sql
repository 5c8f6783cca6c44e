-- Why a score got no zone (GUI core request 6): a probability kept for the record only is stored with the zone
-- 'inconclusive', like a sample unlike the training data; the reason codes tell the two apart in the session list.
-- JSON list of codes, e.g. ["humidity_not_measured"]; '[]' when a zone was given (and for every older score).
-- The fingerprint leaves it out while it is '[]', so scores sealed before this column existed still verify.
ALTER TABLE scores ADD COLUMN no_zone TEXT NOT NULL DEFAULT '[]';
