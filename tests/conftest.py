"""Shared fixtures, and the markers that sort the tests by cost.

Every test is marked at collection by what its code does (its own source, its fixtures',
and that of the helpers of its module they call): `engine` if it renders an MP3 or uses the
real speech engine, `heavy` if it is slow for another reason (fuzzing, another process, a
server, the shipped routines, a limit or a sweep), and `fast` if it is neither, nor marked
page, recognition, neural or slow. No test file has to remember to mark itself.

    python -m pytest -q -m fast    # a few seconds: the quick check while editing
    python -m pytest -q            # everything, as before
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

if TYPE_CHECKING:  # imported by the fixtures that use them, so a broken module breaks only
    from audiocoach.build import Rendered  # the tests that need it

ROOT = Path(__file__).resolve().parent.parent
ROUTINES = sorted((ROOT / "routines").glob("*.yaml"))
TESTS = ROOT / "tests"
DATA = TESTS / "data"

ENGINE_WORK = re.compile(r"""
    \brender(?:_program|_routine)?\(   # the library's renders
  | ["'](?:render|program|batch)["']   # the CLI's render, program and batch commands
  | \brun_batch\(                      # the library's batches
  | pyttsx3 | \breal_cache\b          # the default engine, or its phrase cache
  | ["']--voice["']                    # one of the engine's voices, by the CLI
""", re.VERBOSE)
"""What renders an MP3 or speaks with the real engine."""

HEAVY_WORK = re.compile(r"""
    \bgiven\(                               # hypothesis: hundreds of examples
  | \bsubprocess\b | \bsys\.executable\b   # a fresh interpreter, or another program
  | \b(?:workers|min_per_worker)=          # phrases made by worker processes
  | \b(?:serving|make_server)\(             # a server, stopped at its next 50 ms poll
  | \.clips\( | \btimed_script\(             # phrases made, trimmed and levelled
  | \b(?:ROUTINES|SEEDS)\b                  # every shipped routine
  | ["'](?:routines|programs)["']           # a shipped routine or program
""", re.VERBOSE)
"""What is slow without the engine: many examples, another process, a server, phrases made
into clips, or a shipped (half-hour) routine compiled."""
HEAVY_TESTS = {
    "test_bad_routines.py::test_file_of_exactly_512_kb_is_read",  # parses 512 KB of YAML
    "test_bad_routines.py::test_absurd_total_is_refused_before_laying_out_every_cue",
    "test_limits.py::test_check_is_conservative_near_four_hours",  # compiles 4 hours
    "test_program_limits.py::test_sessions_over_the_limits_are_refused_when_the_program_is_loaded",
    "test_program_limits.py::test_a_whole_year_of_daily_sessions_is_within_the_cap",
    "test_program_limits.py::test_a_program_listing_too_many_sessions_reads_no_routine",
    "test_hostile_text.py::test_list_marks_a_routine_over_the_limits_and_lists_the_others",
    "test_music.py::test_a_streamed_bed_is_the_song_decoded_whole_looped",  # 400 s of audio
    # sweeps: every value up to a limit, through both the loader and the schema
    "test_schema.py::test_durations_refuse_nothing_the_loader_accepts",
    "test_schema.py::test_counts_agree_with_the_loader",
    "test_schema.py::test_upto_is_exact",
    "test_schema.py::test_the_schema_refuses_every_mistake_a_schema_can_express",
}
"""Tests of a limit, a long input or a sweep of values, slow for that reason (measured: each
takes 0.2 s or more)."""
NOT_FAST = ("engine", "heavy", "page", "recognition", "neural", "slow")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `engine` every test that renders or uses the real speech engine, `heavy` every
    other test too slow for the fast run (fuzzing, another process, a server, the shipped
    routines), and `fast` the rest."""
    for item in items:
        if isinstance(item, pytest.Function):
            work = set().union(*map(_work_of, _functions_of(item)))
            if "engine" in work:
                item.add_marker(pytest.mark.engine)
            elif "heavy" in work or f"{item.path.name}::{item.originalname}" in HEAVY_TESTS:
                item.add_marker(pytest.mark.heavy)
        if not any(item.get_closest_marker(name) for name in NOT_FAST):
            item.add_marker(pytest.mark.fast)


def _functions_of(item: pytest.Function) -> list[Callable]:
    """The test function of `item` and the fixtures it uses (directly or not)."""
    functions: list[Callable] = [item.function]
    for name in item.fixturenames:
        functions += [d.func for d in item._fixtureinfo.name2fixturedefs.get(name, ())]
    return functions


@functools.cache
def _work_of(function: Callable) -> frozenset[str]:
    """"engine" if `function` (or a function of its module it calls) matches ENGINE_WORK,
    "heavy" if it matches HEAVY_WORK. Cached: parametrized tests share their function, and
    many tests their fixtures."""
    code = _code(function)
    return frozenset(work for work, pattern in (("engine", ENGINE_WORK), ("heavy", HEAVY_WORK))
                     if pattern.search(code))


def _code(function: Callable) -> str:
    """The source of `function` and of every function of its module that it calls by name,
    directly or through another one."""
    todo, seen, sources = [inspect.unwrap(function)], set(), []
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            source = _source(f)
            sources.append(source)
            todo += [g for g in map(f.__globals__.get, _CALL.findall(source))
                     if inspect.isfunction(g) and g.__module__ == f.__module__]
    return "\n".join(sources)


_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")
"""A call by bare name (`helper(...)`, not `x.helper(...)`)."""


def _source(function: Callable) -> str:
    """The source of `function`, decorators included, if it is one of the tests' own (pytest's
    fixtures, such as tmp_path, render nothing)."""
    code = getattr(function, "__code__", None)
    if code is None or Path(code.co_filename).parent != TESTS:
        return ""
    return _functions_in(code.co_filename).get(code.co_firstlineno, "")


@functools.cache
def _functions_in(filename: str) -> dict[int, str]:
    """The source of each function in the file, by its first line (its first decorator's,
    as in `co_firstlineno`). One parse a file: `inspect.getsource` would tokenize the file
    again for each function, which made collection a second slower."""
    try:
        text = Path(filename).read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError):
        return {}
    lines = text.splitlines(keepends=True)
    out = {}
    for node in _statements(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out[first] = "".join(lines[first - 1:node.end_lineno])
    return out


def _statements(node: ast.AST) -> Iterator[ast.AST]:
    """Every statement in `node`, nested ones too, without going into expressions (where
    no function is defined but by lambda): a third of the nodes of a test file."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt | ast.excepthandler):
            yield child
            yield from _statements(child)


@pytest.fixture(scope="session")
def real_cache(tmp_path_factory) -> Path:
    """One phrase cache for every real-engine test in the session."""
    return tmp_path_factory.mktemp("phrase-cache")


@pytest.fixture
def routine_copy(tmp_path):
    def copy(name: str) -> Path:
        return Path(shutil.copy(DATA / name, tmp_path / name))
    return copy


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the audiocoach command line in-process: `cli("check", path)` gives click's
    Result (exit_code, output)."""
    from audiocoach.cli import main

    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


@pytest.fixture(scope="session")
def short_render(tmp_path_factory, real_cache) -> Rendered:
    """tests/data/short.yaml rendered once for the session with the real default engine,
    every sidecar and the page beside it."""
    from audiocoach.build import Options, render
    from audiocoach.speech import Voice

    out = tmp_path_factory.mktemp("short-render")
    return render(DATA / "short.yaml", out,
                  Options(voice=Voice("pyttsx3"), cache=real_cache, page=True))


@pytest.fixture(scope="session")
def fake_render(tmp_path_factory) -> Rendered:
    """tests/data/short.yaml rendered once for the session with the fake engine: the MP3, one
    track per chapter, every sidecar and the page. For tests that only read what a render
    writes; a test that changes the folder renders its own."""
    from audiocoach.build import Options, render
    from audiocoach.speech import Voice

    out = tmp_path_factory.mktemp("fake-render")
    return render(DATA / "short.yaml", out, Options(voice=Voice("fake"), cache=out / "cache",
                                                     split=True, page=True))
