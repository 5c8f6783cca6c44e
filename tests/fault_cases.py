"""The fault-injection suite of the reliability issue: each numbered case and the tests that reproduce it.

Every test named here drives the real thing end to end (a pseudo-terminal device or the emulator,
a real SQLite file, a real full disk, kill -9, Ctrl-C) and asserts the outcome the issue asks for: a
correct result or a one-line message and a non-zero exit, nothing lost, nothing stored under a wrong
status. ``tests/conftest.py`` marks them ``faults``, so the suite runs on its own with
``pytest -m faults``; ``tests/test_fault_cases.py`` checks that every test named here exists.
"""

from __future__ import annotations

FAULT_CASES: dict[str, tuple[str, ...]] = {
    "1 Ctrl-C during the breath phase": (
        "tests/cli/test_misuse.py::test_ctrl_c_in_the_breath_phase_stores_the_session_as_aborted_with_its_samples",
        "tests/cli/test_misuse.py::test_a_second_ctrl_c_still_stores_the_session_as_aborted",
        "tests/cli/test_misuse.py::test_features_succeed_on_a_database_holding_an_aborted_session",
        "tests/cli/test_misuse.py::test_features_skip_each_session_they_cannot_analyse_and_keep_the_others",
    ),
    "2 two screenings on one port": (
        "tests/cli/test_faults.py::test_a_second_screen_on_the_same_port_is_refused_and_the_first_is_unharmed",
        "tests/cli/test_faults.py::test_an_interruption_before_the_first_sample_is_stored_with_a_time",
        "tests/cli/test_faults.py::test_qc_and_score_tolerate_an_old_interruption_stored_without_a_time",
    ),
    "3 two processes opening a new database": (
        "tests/storage/test_concurrent_open.py::test_concurrent_first_opens_all_succeed_and_the_schema_is_intact",
        "tests/storage/test_concurrent_open.py::test_a_failing_migration_leaves_the_previous_schema",
    ),
    "4 a damaged page or sample block": (
        "tests/cli/test_faults.py::test_a_damaged_database_is_refused_before_the_subject_breathes",
        "tests/cli/test_faults.py::test_a_damaged_sample_block_is_a_reported_gap_in_the_export",
    ),
    "5 a full disk and the emergency file": (
        "tests/cli/test_faults.py::test_starting_a_screening_on_a_full_disk_says_so_and_records_nothing",
        "tests/acquisition/test_full_disk.py::test_samples_held_in_memory_while_the_disk_is_full_are_saved_when_space_returns",
        "tests/acquisition/test_full_disk.py::test_a_disk_that_stays_full_sends_the_unsaved_samples_to_an_emergency_file",
        "tests/cli/test_recover.py::test_recover_appends_the_samples_once_and_moves_the_file",
        "tests/cli/test_recover.py::test_a_file_that_overlaps_what_is_stored_is_refused_and_left_in_place",
        "tests/cli/test_recover.py::test_a_recording_start_proposes_the_recovery",
        "tests/cli/test_recover.py::test_a_file_of_another_database_with_the_same_session_id_is_not_imported",
    ),
    "6 a cable pulled for minutes": (
        "tests/cli/test_faults.py::test_a_pulled_cable_gives_the_same_lost_sample_count_in_the_summary_and_in_qc",
        "tests/acquisition/test_reconnect.py::test_port_vanishing_mid_breath_is_survived",
    ),
    "7 smaller misuses": (
        "tests/cli/test_self_test_gate.py::test_screen_on_a_device_with_a_dead_sensor_stops_at_once_and_names_it",
        "tests/cli/test_self_test_gate.py::test_the_engine_itself_refuses_the_device_so_the_gui_gets_the_same_answer",
        "tests/cli/test_misuse.py::test_protocol_durations_have_an_upper_limit_with_the_reason",
        "tests/cli/test_misuse.py::test_calibration_steps_have_the_same_upper_limit",
        "tests/cli/test_misuse.py::test_a_read_only_command_refuses_a_missing_database_and_creates_none",
        "tests/cli/test_misuse.py::test_without_db_a_read_only_command_does_not_create_the_default_database",
        "tests/cli/test_misuse.py::test_a_period_below_the_device_minimum_is_refused_before_anything_is_recorded",
        "tests/cli/test_misuse.py::test_an_id_beyond_sqlite_s_range_is_a_clear_usage_error",
        "tests/cli/test_misuse.py::test_train_names_a_bad_table_cell_or_column",
        "tests/cli/test_misuse.py::test_train_refuses_an_existing_model_unless_forced",
    ),
    "crash: kill -9 mid-breath": ("tests/acquisition/test_crash_safety.py::test_kill_9_mid_breath_keeps_a_consistent_database",),
    "any byte stream into the frame decoder": (
        "tests/protocol/test_properties.py::test_random_stream_never_raises",
        "tests/protocol/test_properties.py::test_valid_frames_survive_interleaved_garbage",
    ),
}

#: Every test function of the suite, as ``path::name`` (parametrised variants included by name).
FAULT_TESTS = frozenset(test for tests in FAULT_CASES.values() for test in tests)
