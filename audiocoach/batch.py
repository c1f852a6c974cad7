"""Batches: one job per patient (a routine or a program, at a level, in a coaching style and
a language), each rendered into its own folder with its own podcast feed.

A manifest is a CSV file with a header row:

    name,routine,program,level,coaching,language
    Ana Silva,routines/side-lying-hip-series.yaml,,easy,,
    Ben Okafor,,programs/six-week-low-back.yaml,,,de

or a YAML list:

    - {name: Ana Silva, routine: routines/side-lying-hip-series.yaml, level: easy}
    - {name: Ben Okafor, program: programs/six-week-low-back.yaml, language: de}

Files are named relative to the manifest. Each job writes OUT/<name-slug>/ and, there,
`.audiocoach-job.json`: what it was made from (the job, the options, the routines as read,
the cover and music files) and the files it wrote. A job whose record matches, with its
files as they were written, is up to date and skipped.

Jobs run on this machine's cores or on a Dask cluster (parallel.py). One job failing is
reported in its result; the others go on.
"""

from __future__ import annotations

import csv
import hashlib
import json
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import quote

import yaml

from . import parallel
from .atomic import write_text
from .build import Claims, Options, render_program, render_routine
from .errors import AudiocoachError, Problem, RoutineError
from .export.feed import base_url as checked_base_url
from .export.feed import write_feed, written_beside
from .format import MAX_FILE_BYTES, Key
from .loader import load_routine
from .model import COACHING, LEVELS, Coaching, Level, Routine, slug
from .phrases import SUPPORTED, normalise
from .program import Program, load_program
from .script import duration_text
from .yamldoc import Reader, load_file

STAMP = ".audiocoach-job.json"
"""The record of a job's last render, in its folder."""
RECORD = 2
"""The record's format: from 2 on, its `files` are only the files the job wrote (before,
every file of the folder), so only those are ever removed as stale."""
MAX_JOBS = 10_000
COLUMNS = {
    "name": Key("text", "The patient (or the job): names the folder, e.g. ana-silva/.",
                required=True),
    "routine": Key("text", "A routine file, relative to the manifest."),
    "program": Key("text", "Or a program file, relative to the manifest."),
    "level": Key("choice", "easy, medium or hard (a routine's; a program has its own).",
                 choices=LEVELS),
    "coaching": Key("choice", "standard, full or brief (a routine's).", choices=COACHING),
    "language": Key("text", f"Coach in this language ({', '.join(SUPPORTED)})."),
}
Status = Literal["rendered", "up to date", "failed"]


@dataclass(frozen=True)
class Job:
    name: str
    routine: Path | None = None
    program: Path | None = None
    level: Level | None = None
    coaching: Coaching | None = None
    language: str | None = None
    where: str = ""
    """manifest:line, for messages."""

    @property
    def folder(self) -> str:
        """The folder it renders into, under the batch's output: the name's slug."""
        return slug(self.name)


@dataclass(frozen=True)
class JobResult:
    job: Job
    status: Status
    folder: Path
    seconds: float = 0.0
    """How long the job took."""
    duration_ms: int = 0
    """The length of all its workouts."""
    size: int = 0
    """The bytes of all its files."""
    message: str = ""
    """Why it failed."""


# -- the manifest ----------------------------------------------------------------------------

def load_manifest(path: Path) -> list[Job]:
    """The jobs of a CSV or YAML manifest, every one checked (its fields, names that would
    share a folder, files that are not there). Raises RoutineError listing every problem
    found, as manifest:line:col: message, before any job runs."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return load_file(path, "manifest", lambda r, root: _yaml_jobs(r, root, path))
    r = Reader(str(path), "manifest")
    jobs = _csv_jobs(r, path, _csv_text(path))
    if r.problems or jobs is None:
        raise RoutineError(sorted(r.problems, key=lambda p: (p.line or 0, p.col or 0)))
    return jobs


Field = tuple[str, int, int]
"""A value with its line and column."""


def _yaml_jobs(r: Reader, root: yaml.Node, path: Path) -> list[Job] | None:
    if not isinstance(root, yaml.SequenceNode):
        r.problem(root, "expected a list of jobs ('- name: ...', with a routine or a "
                        "program)")
        return None
    rows = []
    for node in root.value:
        keys = r.mapping(node, COLUMNS, "a job (name, routine or program, level, ...)")
        if keys is None:
            continue
        row: dict[str, Field] = {}
        for key, value in keys.items():
            text = r.text(value, spoken=False)
            if text is not None:
                row[key] = (text, value.start_mark.line + 1, value.start_mark.column + 1)
        rows.append((node.start_mark.line + 1, row))
    return _jobs(r, rows, path)


def _csv_text(path: Path) -> str:
    """The text of a CSV manifest: a regular file, not too big, in UTF-8."""
    def refused(message: str) -> RoutineError:
        return RoutineError([Problem(str(path), None, None, message)])

    if not path.is_file():
        raise refused("no such file" if not path.exists() else "expected a manifest file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise refused(f"the file is over {MAX_FILE_BYTES // 1_000_000} MB; is it a manifest?")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise refused(f"byte {err.start} is not UTF-8; save the file as UTF-8") from err
    except OSError as err:
        raise refused(f"cannot be read: {err.strerror or err}") from err


def _csv_jobs(r: Reader, path: Path, text: str) -> list[Job] | None:
    """The rows of a CSV manifest."""
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        r.problem(None, f"no header row; expected: {','.join(COLUMNS)}")
        return None
    names = [h.strip().lower() for h in header]
    for col, name in enumerate(names, 1):
        if name not in COLUMNS:
            _at(r, 1, col, f"unknown column '{name}' (expected: {', '.join(COLUMNS)})")
        elif name in names[:col - 1]:
            _at(r, 1, col, f"the column '{name}' appears twice; each column appears once")
    if "name" not in names:
        _at(r, 1, None, "no 'name' column")
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names):
            _at(r, line, None, f"{len(cells)} cells; the header has {len(names)} columns")
        row = {name: (cell.strip(), line, col) for col, (name, cell)
               in enumerate(zip(names, cells, strict=False), 1)
               if cell.strip() and name in COLUMNS}
        rows.append((line, row))
    return _jobs(r, rows, path)


def _at(r: Reader, line: int, col: int | None, message: str) -> None:
    r.problems.append(Problem(r.name, line, col, message))


def _jobs(r: Reader, rows: list[tuple[int, dict[str, Field]]], path: Path) -> list[Job] | None:
    """Each row as a Job: one of routine and program, a known level, coaching and language,
    a name that no other job's folder shares, and files that are there."""
    if len(rows) > MAX_JOBS:
        _at(r, rows[MAX_JOBS][0], None, f"{len(rows)} jobs; at most {MAX_JOBS} in one batch")
        return None
    if not rows and not r.problems:
        r.problem(None, "no jobs: write one line (or list item) for each patient")
    jobs: list[Job] = []
    folders: dict[str, int] = {}
    for line, row in rows:
        job = _job(r, line, row, path)
        if job is None:
            continue
        other = folders.get(job.folder.casefold())
        if other is not None:
            _at(r, line, None, f"'{job.name}' would share the folder {job.folder}/ with "
                               f"the job on line {other}; give each patient a distinct name")
            continue
        folders[job.folder.casefold()] = line
        jobs.append(job)
    return None if r.problems else jobs


def _job(r: Reader, line: int, row: dict[str, Field], path: Path) -> Job | None:
    def problem(key: str | None, message: str) -> None:
        at = row.get(key) if key else None
        _at(r, at[1] if at else line, at[2] if at else None, message)

    before = len(r.problems)
    name = row.get("name", ("", 0, 0))[0]
    if not any(unicodedata.category(c)[0] in "LN" for c in name):
        problem("name", "a job needs a name with a letter or digit (it names its folder)")
    given = [k for k in ("routine", "program") if k in row]
    if len(given) != 1:
        problem(None, "a job has a routine or a program (one of them)"
                if not given else "a job has a routine or a program, not both")
    files: dict[str, Path] = {}
    for kind in given:
        file = (path.parent / row[kind][0]).resolve()
        if not file.is_file():
            problem(kind, f"no {kind} file {file}")
        files[kind] = file
    for key in ("level", "coaching"):
        choices = LEVELS if key == "level" else COACHING
        if key in row and "program" in row:
            problem(key, f"a program sets each week's {key} in its progression; "
                         f"leave {key} out for a program")
        elif key in row and row[key][0] not in choices:
            problem(key, f"{key} '{row[key][0]}'; expected one of: {', '.join(choices)}")
    language = None
    if "language" in row:
        language = normalise(row["language"][0])
        if language is None:
            problem("language", f"'{row['language'][0]}' is not a supported language; "
                                f"expected one of: {', '.join(SUPPORTED)}")
    if len(r.problems) > before:
        return None
    return Job(name, files.get("routine"), files.get("program"),
               cast(Level | None, row.get("level", (None,))[0]),
               cast(Coaching | None, row.get("coaching", (None,))[0]), language,
               f"{path}:{line}")


# -- running ---------------------------------------------------------------------------------

_ONE_AT_A_TIME = threading.Lock()
"""A process has one speech engine: a Dask worker with several threads runs one job at a
time (start workers with --nthreads 1 and one per core)."""


def run_batch(jobs: list[Job], out: Path, options: Options | None = None,
              base_url: str | None = None, scheduler: str | None = None,
              done: Callable[[int, JobResult], None] = lambda i, result: None
              ) -> list[JobResult]:
    """Every job into out/<its folder>, on `options.workers` cores (default all) or on the
    Dask cluster at `scheduler`; with `base_url` (where `out` is served), each folder gets
    its feed.xml. done(i, result) is called as each job ends. The results are in the order
    of `jobs`; a failed one says why."""
    if base_url is not None:
        checked_base_url(base_url)  # a bad URL is refused before any job runs
    options = options or Options()
    out = Path(out).resolve()
    cache = options.cache.resolve() if options.cache else None
    with parallel.pool(options.workers, len(jobs), scheduler) as executor:
        inner = replace(options, cache=cache,
                        workers=options.workers if executor is None else 1)
        # two jobs of one routine or program not side by side (on a cluster too, whose
        # workers this machine does not know: as many at a time as its cores)
        order = parallel.spread([str(job.program or job.routine) for job in jobs],
                                1 if executor is None else parallel.cores(options.workers))
        results = parallel.run(run_job, [(jobs[i], out, inner, base_url) for i in order],
                               executor, lambda k, result: done(order[k], result))
    return [result for _, result in sorted(zip(order, results, strict=True))]


def run_job(job: Job, out: Path, options: Options, base_url: str | None = None) -> JobResult:
    """One job, here: skipped when up to date, else rendered (and its feed written). Any
    error becomes a failed result, so the batch goes on."""
    folder = out / job.folder
    start = time.perf_counter()
    with _ONE_AT_A_TIME:
        try:
            return _run(job, folder, options, base_url, start)
        except AudiocoachError as err:
            message = str(err)
        except Exception as err:  # a fault of ours: told, and the batch goes on
            message = f"unexpected error ({type(err).__name__}): {err}"
    return JobResult(job, "failed", folder, time.perf_counter() - start, message=message)


def _run(job: Job, folder: Path, options: Options, base_url: str | None, start: float
         ) -> JobResult:
    options = replace(options, language=job.language or options.language)
    model: Routine | Program
    if job.routine:
        options = replace(options, level=job.level or options.level,
                          coaching=job.coaching or options.coaching)
        model = load_routine(job.routine)
    else:
        model = load_program(job.program, options.voice.rate)  # type: ignore[arg-type]
    key = _key(job, model, options, base_url)
    record = _record(folder)
    if record.get("key") == key and _unchanged(folder, record):
        return _result(job, "up to date", folder, record, start)
    claims = Claims()
    if isinstance(model, Program):
        rendered = render_program(model, folder, options, claims=claims)
        title = model.title
    else:
        rendered = [render_routine(model, folder, options, claims=claims)]
        title = rendered[0].script.title
    written = [p.name for p in claims.paths()]
    if base_url is not None:
        written += written_beside([name for name in written if name.endswith(".mp3")])
    _remove_stale(folder, record, written)
    if base_url is not None:
        write_feed(folder, f"{base_url.rstrip('/')}/{quote(job.folder)}/",
                   f"{job.name}: {title}")
    record = {"record": RECORD, "key": key,
              "duration_ms": sum(r.script.duration_ms for r in rendered),
              "files": {name: _stat(folder / name) for name in sorted(written)
                        if (folder / name).is_file()}}
    write_text(folder / STAMP, json.dumps(record, indent=1))
    return _result(job, "rendered", folder, record, start)


def _key(job: Job, model: Routine | Program, options: Options, base_url: str | None) -> str:
    """What a job's files are made from: the job, the options that change them, the
    routines as read, the cover and music files, and this version of audiocoach."""
    made_with = replace(options, cache=None, workers=None, phrase_timeout=0)
    inputs = [options.cover, options.music]
    routines = [s.routine for s in model.sessions] if isinstance(model, Program) else [model]
    for routine in routines:
        inputs += [routine.cover, routine.music]
    files = [(str(p), _stat(Path(p))) for p in inputs if p is not None and Path(p).is_file()]
    from importlib.metadata import version  # 30 ms to import, for the one key

    text = repr((version("audiocoach"), replace(job, where=""), made_with, model, files,
                 base_url))
    return hashlib.sha256(text.encode()).hexdigest()


def _stat(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _record(folder: Path) -> dict[str, Any]:
    """The job's last record, or {} when there is none that can be read."""
    try:
        record = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) and isinstance(record.get("files"), dict) \
        else {}


def _unchanged(folder: Path, record: dict[str, Any]) -> bool:
    """Whether every file the record lists is there as it was written."""
    try:
        return bool(record["files"]) and all(
            _stat(folder / name) == list(st) for name, st in record["files"].items())
    except (OSError, TypeError, ValueError):
        return False


def _remove_stale(folder: Path, record: dict[str, Any], written: list[str]) -> None:
    """Remove what the job's last render wrote and this one did not (a session of a routine
    since retitled, the feed of a run with --base-url): each only if it is as that render
    left it, so a file somebody changed since, or put there, stays."""
    if record.get("record") != RECORD:
        return  # an older record lists every file of the folder, not only the job's
    for name, st in record.get("files", {}).items():
        if name in written or not isinstance(name, str) or Path(name).name != name \
                or name.startswith("."):  # a plain name of the folder's, and not a record
            continue
        try:
            if _stat(folder / name) == list(st):
                (folder / name).unlink()
        except (OSError, TypeError, ValueError):
            pass  # gone already, or not the file it was: left as it is


def _result(job: Job, status: Status, folder: Path, record: dict[str, Any], start: float
            ) -> JobResult:
    files = record["files"]
    return JobResult(job, status, folder, time.perf_counter() - start,
                     int(record.get("duration_ms", 0)),
                     sum(int(st[0]) for st in files.values()))


def summary(results: list[JobResult]) -> Iterator[str]:
    """The table a batch ends with: job, status, length, time taken, size, folder."""
    width = max([len(r.job.name) for r in results] + [3])
    yield f"{'job':{width}}  {'status':10}  {'length':>8}  {'took':>6}  {'size':>8}  folder"
    for r in results:
        length = duration_text(r.duration_ms) if r.status != "failed" else "-"
        size = f"{r.size / 1e6:.1f} MB" if r.status != "failed" else "-"
        yield (f"{r.job.name:{width}}  {r.status:10}  {length:>8}  {r.seconds:5.1f}s  "
               f"{size:>8}  {r.folder}")
    failed = [r for r in results if r.status == "failed"]
    counts = {s: sum(r.status == s for r in results) for s in ("rendered", "up to date")}
    yield (f"{len(results)} jobs: {counts['rendered']} rendered, {counts['up to date']} up "
           f"to date, {len(failed)} failed")
    for r in failed:
        yield f"failed: {r.job.name} ({r.job.where})\n  " + r.message.replace("\n", "\n  ")


__all__ = ["COLUMNS", "STAMP", "Job", "JobResult", "load_manifest", "run_batch", "run_job",
           "summary"]
