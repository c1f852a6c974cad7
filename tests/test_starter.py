"""`audiocoach new`: a first routine for someone who installed the wheel and has no repository;
and `audiocoach list` where there is no routines folder."""

import os

import yaml
from click.testing import CliRunner

from audiocoach.cli import main
from audiocoach.loader import load_routine
from audiocoach.starter import examples, starter_text
from conftest import ROOT, ROUTINES

EXAMPLES = ROOT / "audiocoach" / "examples"


def run(*args, cwd=None):
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(old)


def test_the_packaged_examples_are_the_shipped_routines_byte_for_byte():
    # audiocoach/examples/ is the copy the wheel carries (package data) of routines/: the two
    # must never drift. After editing a routine: cp routines/*.yaml audiocoach/examples/
    assert sorted(p.name for p in EXAMPLES.glob("*.y*ml")) == [p.name for p in ROUTINES]
    for routine in ROUTINES:
        assert (EXAMPLES / routine.name).read_bytes() == routine.read_bytes(), routine.name
    assert examples() == {p.stem: p.read_bytes() for p in ROUTINES}


def test_new_writes_a_commented_starter_that_passes_check(tmp_path):
    result = run("new", "Morning back", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    path = tmp_path / "morning-back.yaml"
    assert f"wrote {path}" in result.output
    text = path.read_text(encoding="utf-8")
    check = run("check", path)
    assert check.exit_code == 0 and check.output.strip() == f"{path}: ok", check.output
    routine = load_routine(path)
    assert routine.title == "Morning back"
    # the main keys, each with a comment that says what it does
    data = yaml.safe_load(text)
    assert {"title", "description", "source", "equipment", "safety", "reminder", "defaults",
            "exercises"} <= set(data)
    keys = {k for item in data["exercises"] for k in item}
    keys |= {k for item in data["exercises"] for sub in item.get("exercises", []) for k in sub}
    assert {"exercise", "setup", "cues", "sets", "reps", "tempo", "hold", "time", "sides",
            "side", "transition", "section", "rounds", "rest", "count"} <= keys
    assert "{side}" in text and "{other}" in text and "switch: every set" in text
    assert "reps: [" in text and "easy:" in text  # per set and per level, shown
    for key in ("title:", "equipment:", "safety:", "reminder:", "setup:", "cues:", "tempo:",
                "hold:", "side:", "transition:", "section:", "count:"):
        line = next(line for line in text.splitlines()
                    if line.strip().lstrip("- ").startswith(key))
        assert "#" in line, f"no comment on {line!r}"
    assert text.startswith("# ")


def test_a_slug_name_becomes_a_title_and_the_file_is_never_overwritten(tmp_path):
    assert run("new", "hip-mobility", "-o", tmp_path).exit_code == 0
    path = tmp_path / "hip-mobility.yaml"
    assert load_routine(path).title == "Hip mobility"
    path.write_text("# mine\n", encoding="utf-8")
    again = run("new", "Hip mobility", "-o", tmp_path)
    assert again.exit_code != 0
    assert f"{path} exists already; not overwritten" in again.output
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert "Traceback" not in again.output


def test_new_from_a_shipped_routine_and_the_list(tmp_path):
    listed = run("new", "--list")
    assert listed.exit_code == 0
    names = [line.split()[0] for line in listed.output.splitlines()]
    assert names == [p.stem for p in ROUTINES]
    assert "Side-lying hip series" in listed.output
    result = run("new", "--from", "side-lying-hip-series", "-o", tmp_path / "mine")
    assert result.exit_code == 0, result.output
    copy = tmp_path / "mine" / "side-lying-hip-series.yaml"
    assert copy.read_bytes() == (ROOT / "routines" / "side-lying-hip-series.yaml").read_bytes()
    renamed = run("new", "My hips", "--from", "side-lying-hip-series.yaml", "-o", tmp_path)
    assert renamed.exit_code == 0, renamed.output
    assert load_routine(tmp_path / "my-hips.yaml").title == "My hips"
    assert run("check", tmp_path / "my-hips.yaml").exit_code == 0


def test_an_unknown_example_names_the_shipped_ones(tmp_path):
    result = run("new", "--from", "side-lying", "-o", tmp_path)
    assert result.exit_code != 0
    assert "no shipped routine 'side-lying'; did you mean 'side-lying-hip-series'?" in \
        result.output
    assert "timed-core-intervals" in result.output
    assert not list(tmp_path.iterdir())


def test_new_without_a_name_says_what_to_give(tmp_path):
    result = run("new", "-o", tmp_path)
    assert result.exit_code != 0 and "audiocoach new NAME" in result.output
    assert not list(tmp_path.iterdir())


def test_a_name_that_makes_no_valid_title_writes_nothing(tmp_path):
    result = run("new", "x" * 2000, "-o", tmp_path)
    assert result.exit_code == 2, result.output
    assert "does not make a valid routine" in result.output
    assert not list(tmp_path.iterdir())


def test_a_hostile_name_stays_a_title(tmp_path):
    name = 'Back: "care" # not a comment\\ {x}'
    path = tmp_path / "x.yaml"
    path.write_text(starter_text(name), encoding="utf-8")
    assert load_routine(path).title == name


def test_list_outside_the_repository_says_the_folder_is_missing(tmp_path):
    result = run("list", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no folder 'routines' here" in result.output
    assert "invalid" not in result.output
    assert "audiocoach new" in result.output
    missing = run("list", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "nowhere' here" in missing.output


def test_list_of_an_empty_folder_says_so(tmp_path):
    result = run("list", tmp_path)
    assert result.exit_code == 0
    assert f"no routine files (*.yaml, *.yml) in {tmp_path}" in result.output


def test_list_still_lists_the_shipped_routines():
    result = run("list", ROOT / "routines")
    assert result.exit_code == 0
    translated = list((ROOT / "routines").glob("*/*.yaml"))  # routines/<language>/
    assert len(result.output.splitlines()) == len(ROUTINES) + len(translated)
