import m3u8
from click.testing import CliRunner
from mutagen.id3 import ID3

from audiocoach.cli import main
from audiocoach.compiler import compile_routine
from audiocoach.program import load_program
from conftest import DATA, ROOT


def test_progression_week_by_week():
    program = load_program(DATA / "program" / "two-weeks.yaml")
    assert [(s.week, s.day, s.level, s.coaching) for s in program.sessions] == [
        (1, 1, "easy", "standard"), (2, 1, "hard", "brief"), (2, 3, "hard", "brief")]
    week1, week2 = program.sessions[0].routine, program.sessions[1].routine
    bridge1 = next(e for e in week1.exercises() if e.name == "Bridge")
    bridge2 = next(e for e in week2.exercises() if e.name == "Bridge")
    assert (bridge1.reps.low, bridge2.reps.low) == (2, 2)  # 2 is already the top of "2"
    hold = lambda ex: next(p for p in ex.tempo if p.name == "hold").seconds.low  # noqa: E731
    assert hold(bridge2) == hold(bridge1) + 1
    assert (bridge1.sets.low, bridge2.sets.low) == (2, 3)


def test_the_shipped_program_builds_the_bridge_to_30_reps():
    program = load_program(ROOT / "programs" / "six-week-low-back.yaml")
    bridges = [e.reps.low for s in program.sessions for e in s.routine.exercises()
               if e.name == "Bridge"]
    assert bridges == [5, 10, 15, 20, 25, 30]
    assert len({s.week for s in program.sessions}) == 6
    for s in program.sessions:
        compile_routine(s.routine, s.level, coaching=s.coaching)


def test_program_command_renders_sessions_playlist_and_table(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["program", str(DATA / "program" / "two-weeks.yaml"),
                                       "-o", str(out), "--engine", "fake",
                                       "--cache", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    mp3s = sorted(p.name for p in out.glob("*.mp3"))
    assert mp3s == ["w01d1-short-test-routine.mp3", "w02d1-short-test-routine.mp3",
                    "w02d3-short-test-routine.mp3"]
    playlist = m3u8.loads((out / "two-week-test-program.m3u8").read_text())
    assert [s.uri for s in playlist.segments] == mp3s
    table = (out / "program.md").read_text()
    assert table.count("| Short test routine |") == 3 and "| 2 | 3 |" in table
    assert "| week | day |" in result.output
    tags = ID3(out / mp3s[1])
    assert str(tags["TALB"]) == "Two-week test program" and str(tags["TRCK"]) == "2/3"


def test_a_program_naming_a_missing_routine(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("program: P\nweeks: 1\nsessions:\n  - day: 1\n    routine: nope.yaml\n")
    result = CliRunner().invoke(main, ["program", str(bad), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{bad}:5:14: the routine" in result.output and "no such file" in result.output


def test_an_empty_or_binary_program_file_is_told_as_a_program(tmp_path):
    empty, binary = tmp_path / "empty.yaml", tmp_path / "binary.yaml"
    empty.write_text("# nothing yet\n")
    binary.write_bytes(b"program: P\n\xff\xfe\n")
    result = CliRunner().invoke(main, ["program", str(empty), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{empty}: file is empty; expected a program with its name, weeks and " \
        "sessions" in result.output
    result = CliRunner().invoke(main, ["program", str(binary), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{binary}:2: is not UTF-8 text; expected a YAML program file" in result.output
    assert not (tmp_path / "o").exists()


def test_sessions_render_longest_first_but_not_beside_one_of_the_same_routine():
    """Rendered at the same time, two sessions of one routine would both make the phrases
    the cache does not have yet; the order keeps them apart while it can."""
    from dataclasses import replace

    from audiocoach.build import render_order
    from audiocoach.loader import load_routine
    from audiocoach.program import Session

    routine = load_routine(DATA / "short.yaml")
    a, b = replace(routine, path="a.yaml"), replace(routine, path="b.yaml")
    sessions = [Session(1, 1, b, "easy", "standard", longest_ms=20),
                Session(1, 2, a, "easy", "standard", longest_ms=50),
                Session(2, 1, a, "easy", "standard", longest_ms=40),
                Session(2, 2, b, "easy", "standard", longest_ms=10),
                Session(3, 1, a, "easy", "standard", longest_ms=30)]
    assert render_order(sessions, 1) == [1, 2, 4, 0, 3]  # one at a time: longest first
    assert render_order(sessions, 2) == [1, 0, 2, 3, 4]  # a b a b a
    # four at a time: not beside any of the three before it, while another routine is left
    c = replace(routine, path="c.yaml")
    four = [Session(1, 1, a, "easy", "standard", longest_ms=50),
            Session(1, 2, a, "easy", "standard", longest_ms=40),
            Session(1, 3, b, "easy", "standard", longest_ms=30),
            Session(2, 1, c, "easy", "standard", longest_ms=20)]
    assert render_order(four, 4) == [0, 2, 3, 1]
