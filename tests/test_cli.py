import json
import os

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from audiocoach.cli import main
from conftest import DATA, ROUTINES

FAKE = ["--engine", "fake"]
TRANSLATED = sorted(ROUTINES[0].parent.glob("*/*.yaml"))
"""The shipped routines in other languages: routines/<language>/."""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_check_accepts_every_shipped_routine():
    result = run("check", *ROUTINES)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(ROUTINES)


def test_the_shipped_translations_are_valid_and_keep_their_seed_article():
    assert {p.parent.name for p in TRANSLATED} == {"de", "es", "fr", "pt-BR"}
    result = run("check", ROUTINES[0].parent)
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(ROUTINES) + len(TRANSLATED)
    for path in TRANSLATED:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        english = yaml.safe_load((path.parent.parent / path.name).read_text(encoding="utf-8"))
        assert data["language"] == path.parent.name
        assert data["source"] == english["source"]


def test_check_lists_every_problem_with_position_and_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nexercises:\n  - exercise: a\n    rep: 5\n    sets: 12-8\n"
                   "  - exercize: b\n")
    result = run("check", bad)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[0] == (f"{bad}:3:5: the exercise says nothing about the work; "
                        "expected 'reps', 'time' or 'hold'")
    assert f"{bad}:4:5: unknown key 'rep' in an exercise; did you mean 'reps'?" in lines[1]
    assert f"{bad}:5:11: the range 12-8 is upside down" in lines[2]
    assert f"{bad}:6:5:" in lines[3]
    assert "Traceback" not in result.output


def test_check_a_missing_file():
    result = run("check", "no-such-routine.yaml")
    assert result.exit_code == 2
    assert "no-such-routine.yaml: no such file" in result.output


def test_script_text_is_a_cue_sheet():
    result = run("script", DATA / "short.yaml", "--estimate")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("# Short test routine (medium, ")
    assert any(line.startswith("00:") and 'Cat-cow · set 1 / rep 1  "inhale, arch into cow"'
               in line for line in lines)


def test_script_json_follows_the_contract():
    result = run("script", DATA / "short.yaml", "--estimate", "--format", "json",
                 "--level", "hard")
    data = json.loads(result.output)
    assert data["level"] == "hard" and data["source"] == "tests/data/short.yaml"
    assert all(e["kind"] in ("speech", "tone") for e in data["events"])


def test_script_with_the_fake_engine_matches_render(tmp_path):
    cache = tmp_path / "cache"
    script = json.loads(run("script", DATA / "short.yaml", "--format", "json", *FAKE,
                            "--cache", cache).output)
    result = run("render", DATA / "short.yaml", "-o", tmp_path, *FAKE, "--cache", cache)
    assert result.exit_code == 0, result.output
    rendered = json.loads((tmp_path / "short-test-routine.json").read_text())
    assert rendered == script


def test_list_shows_titles_and_lengths():
    result = run("list", ROUTINES[0].parent)
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == len(ROUTINES) + len(TRANSLATED)
    assert "exercises" in result.output
    assert "es/side-lying-hip-series.yaml" in result.output  # its language folder shown


def test_schema_is_valid_and_accepts_the_shipped_routines():
    schema = json.loads(run("schema").output)
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in ROUTINES + TRANSLATED:
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "x", "exercises": [{"exercize": "a"}]}, schema)


def test_render_prints_a_summary_line_per_file(tmp_path):
    shortest = DATA.parent.parent / "routines" / "lower-back-hip-strength.yaml"
    result = run("render", DATA / "short.yaml", shortest, "-o", tmp_path, *FAKE,
                 "--cache", tmp_path / "c")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and all(" MB  " in line and line.endswith(".mp3") for line in lines)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_render_refuses_bad_routines_before_rendering_anything(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nexercises: []\n")
    out = tmp_path / "out"
    result = run("render", DATA / "short.yaml", bad, "-o", out, *FAKE)
    assert result.exit_code == 2
    assert "bad.yaml:2:12: the list of exercises is empty" in result.output
    assert not out.exists()


def test_render_into_an_unwritable_place_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run("render", DATA / "short.yaml", "-o", blocker / "out", *FAKE,
                 "--cache", tmp_path / "c")
    assert result.exit_code == 1
    assert result.output.startswith("error: cannot write to")
    assert "Traceback" not in result.output


def test_an_unknown_voice_says_how_to_find_one(tmp_path):
    result = run("render", DATA / "short.yaml", "-o", tmp_path, "--voice", "nobody",
                 "--cache", tmp_path / "c")
    assert result.exit_code == 1
    assert "no voice 'nobody'" in result.output and "audiocoach voices" in result.output


def test_voices_lists_the_default_engine_voices():
    result = run("voices")
    assert result.exit_code == 0 and "en-us" in result.output


def test_voices_of_a_language_lists_only_those():
    result = run("voices", "--language", "es")
    assert result.exit_code == 0, result.output
    assert "roa/es " in result.output and "en-us" not in result.output
    assert run("voices", "--language", "xx").exit_code == 2


def test_language_overrides_the_routines_own(tmp_path):
    result = run("script", DATA / "short.yaml", "--estimate", "--format", "json",
                 "--language", "de")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["language"] == "de"
    assert "los" in {e["text"] for e in data["events"]}
    refused = run("script", DATA / "short.yaml", "--estimate", "--language", "klingon")
    assert refused.exit_code == 2 and "not a supported language" in refused.output


def test_a_voice_of_another_language_is_a_warning(tmp_path):
    result = run("script", DATA / "short.yaml", "--voice", "gmw/de", "--cache", tmp_path)
    assert result.exit_code == 0, result.output
    assert "warning: the voice 'gmw/de' speaks German (de); the routine is in English " \
        "(en)" in result.output


def test_render_of_a_folder_mirrors_its_language_folders(tmp_path):
    routines = tmp_path / "routines"
    (routines / "de").mkdir(parents=True)
    (routines / "drafts").mkdir()
    english = (DATA / "short.yaml").read_text(encoding="utf-8")
    (routines / "short.yaml").write_text(english, encoding="utf-8")
    german = english.replace("title: Short test routine", "title: Kurz\nlanguage: de")
    (routines / "de" / "short.yaml").write_text(german, encoding="utf-8")
    (routines / "drafts" / "short.yaml").write_text(english, encoding="utf-8")
    out = tmp_path / "out"
    result = run("render", routines, "-o", out, *FAKE, "--cache", tmp_path / "c",
                 "--playlist", "all")
    assert result.exit_code == 0, result.output
    assert (out / "short-test-routine.mp3").is_file() and (out / "de" / "kurz.mp3").is_file()
    assert json.loads((out / "de" / "kurz.json").read_text())["language"] == "de"
    assert not (out / "drafts").exists()  # only folders named by a language
    assert "\nde/kurz.mp3\n" in (out / "all.m3u8").read_text()


def test_piper_without_the_extra_says_how_to_add_it(tmp_path):
    try:
        import piper  # noqa: F401
        pytest.skip("the neural extra is installed")
    except ImportError:
        pass
    result = run("render", DATA / "short.yaml", "-o", tmp_path, "--engine", "piper",
                 "--cache", tmp_path / "c")
    assert result.exit_code == 1
    assert "audiocoach[neural]" in result.output
