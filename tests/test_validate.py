"""validate.py: what check, list and render learn about routine files before anything is
written, without the CLI."""

import pytest

from audiocoach import validate as v
from audiocoach.errors import AudiocoachError, RoutineError
from conftest import DATA, ROUTINES

SHORT = DATA / "short.yaml"
BAD = DATA / "bad"
WARNS = ("title: W\nexercises:\n  - exercise: Cat\n    reps: 6\n    tempo:\n"
         "      - inhale: {seconds: 1, say: 'inhale slowly and fully as you arch "
         "your back into cow pose'}\n  - exercise: Clam\n    reps: 2\n    sides: both\n")


def test_routine_files_expands_folders_sorted_and_keeps_files_as_given(tmp_path):
    for name in ("b.yml", "a.yaml", "notes.txt"):
        (tmp_path / name).write_text("")
    files = v.routine_files([tmp_path, "missing.yaml"])
    assert [p.name for p in files] == ["a.yaml", "b.yml", "missing.yaml"]


def test_a_valid_routine_is_ok_with_its_routine():
    [checked] = v.check_files([SHORT], "medium")
    assert checked.ok and checked.routine is not None
    assert checked.routine.title == "Short test routine"
    assert checked.warnings == ()  # warnings come with a check of every level


def test_an_invalid_file_has_every_problem_with_its_position():
    [checked] = v.check_files([BAD / "72-three-mistakes.yaml"])
    assert not checked.ok and checked.routine is None
    assert len(checked.problems) == 3
    assert all(p.path == str(BAD / "72-three-mistakes.yaml") and p.line for p in
               checked.problems)


def test_over_the_limits_has_its_routine_and_a_problem():
    [checked] = v.check_files([BAD / "64-over-four-hours.yaml"], "hard")
    assert checked.routine is not None and not checked.ok
    assert "more than 4 hours" in checked.problems[0].message


def test_validate_is_every_problem_of_every_file_in_order():
    missing = DATA / "no-such.yaml"
    problems = v.validate([missing, SHORT, BAD / "72-three-mistakes.yaml"], "medium")
    assert str(problems[0]) == f"{missing}: no such file"
    assert len(problems) == 4
    assert v.validate([ROUTINES[0]]) == []


def test_warnings_of_every_level_once_with_the_most_times(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(WARNS)
    [checked] = v.check_files([path])
    assert checked.ok
    [grows] = [w for w in checked.warnings if "inhale phase" in w]
    assert grows.startswith("3:5: warning: Cat:") and grows.endswith("(2 times)")
    [sides] = [w for w in checked.warnings if "say what the side is" in w]
    assert sides.startswith("7:5: warning: Clam:")
    assert checked.warnings == tuple(v.routine_warnings(checked.routine))


def test_own_music_reads_the_music_a_routine_names(tmp_path, monkeypatch):
    read = []
    monkeypatch.setattr(v, "load_bed", read.append)
    song = tmp_path / "song.wav"
    song.write_bytes(b"RIFF")  # read by nothing: the loader's probe and load_bed are stubbed
    routine = tmp_path / "r.yaml"
    routine.write_text(f"title: R\nmusic: {song.name}\nexercises:\n  - exercise: a\n"
                       "    reps: 2\n")
    monkeypatch.setattr("audiocoach.loader._check_music", lambda path: None)
    assert v.validate([routine], "easy") == [] and read == []
    assert v.validate([routine], "easy", own_music=True) == [] and read == [song]


def test_check_render_refuses_every_bad_routine_at_once():
    with pytest.raises(RoutineError) as err:
        v.check_render([SHORT, BAD / "27-empty-exercise-list.yaml",
                        BAD / "28-zero-sets.yaml"], "medium", "standard", 165)
    assert {p.path for p in err.value.problems} == {str(BAD / "27-empty-exercise-list.yaml"),
                                                    str(BAD / "28-zero-sets.yaml")}


def test_check_render_reads_the_music_and_cover_given(tmp_path):
    with pytest.raises(AudiocoachError, match=r"music file .*: no such file"):
        v.check_render([SHORT], "medium", "standard", 165, music=tmp_path / "none.mp3")
    not_an_image = tmp_path / "cover.jpg"
    not_an_image.write_text("text")
    with pytest.raises(AudiocoachError):
        v.check_render([SHORT], "medium", "standard", 165, cover=not_an_image)


def test_list_folder_marks_invalid_and_over_the_limits(tmp_path):
    for name in ("27-empty-exercise-list.yaml", "64-over-four-hours.yaml"):
        (tmp_path / name).write_bytes((BAD / name).read_bytes())
    (tmp_path / "short.yaml").write_bytes(SHORT.read_bytes())
    invalid, over, short = v.list_folder(tmp_path)
    assert invalid.routine is None and invalid.duration_ms is None
    assert over.routine is not None and over.duration_ms is None
    assert short.routine is not None and short.duration_ms and short.duration_ms > 60_000


def test_list_folder_of_no_folder_is_a_usage_error(tmp_path):
    with pytest.raises(v.MissingFolder) as err:
        list(v.list_folder(tmp_path / "none"))
    assert err.value.exit_code == 2 and "audiocoach new" in str(err.value)
