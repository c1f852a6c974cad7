"""Batches (batch.py, `audiocoach batch`): manifests checked before any job runs, a folder
(and a feed) per patient, failed jobs told while the others go on, and up-to-date jobs
skipped."""

import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from audiocoach import batch
from audiocoach.batch import Job, load_manifest, run_batch
from audiocoach.build import Options
from audiocoach.speech import Voice
from conftest import DATA

FAKE = ["--engine", "fake"]
PROGRAM = DATA / "program" / "two-weeks.yaml"
MP3 = "short-test-routine.mp3"
"""The MP3 of tests/data/short.yaml, in its job's folder."""


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One phrase and frame cache for the fake engine's renders in this module."""
    return tmp_path_factory.mktemp("batch-cache")


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder with short.yaml and program/two-weeks.yaml (which names ../short.yaml), for
    manifests to name."""
    shutil.copy(DATA / "short.yaml", tmp_path / "short.yaml")
    shutil.copytree(PROGRAM.parent, tmp_path / PROGRAM.parent.name)
    return tmp_path.resolve()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def row(output: str, name: str) -> str:
    """The line of the summary table for the job `name`."""
    return next(line for line in output.splitlines() if line.startswith(f"{name}  "))


def mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
            for p in sorted(out.rglob("*")) if p.is_file()}


# -- the manifest ----------------------------------------------------------------------------

HEADER = "name,routine,program,level,coaching,language\n"
REFUSED = {
    "unknown-column": ("m.csv", "name,routine,colour\nAna,short.yaml,red\n",
                       "{m}:1:3: unknown column 'colour' (expected: name, routine, program, "
                       "level, coaching, language)"),
    "no-name-column": ("m.csv", "routine,level\nshort.yaml,easy\n", "{m}:1: no 'name' column"),
    "column-twice": ("m.csv", "name,routine,level,level\nAna,short.yaml,easy,hard\n",
                     "{m}:1:4: the column 'level' appears twice; each column appears once"),
    "routine-and-program": ("m.csv", HEADER + "Ana,short.yaml,program/two-weeks.yaml,,,\n",
                            "{m}:2: a job has a routine or a program, not both"),
    "neither": ("m.csv", HEADER + "Ana,,,easy,,\n",
                "{m}:2: a job has a routine or a program (one of them)"),
    "missing-routine": ("m.csv", HEADER + "Ana,nope.yaml,,,,\n",
                        "{m}:2:2: no routine file {dir}/nope.yaml"),
    "bad-level": ("m.csv", HEADER + "Ana,short.yaml,,extreme,,\n",
                  "{m}:2:4: level 'extreme'; expected one of: easy, medium, hard"),
    "level-on-a-program": ("m.csv", HEADER + "Ana,,program/two-weeks.yaml,easy,,\n",
                           "{m}:2:4: a program sets each week's level in its progression; "
                           "leave level out for a program"),
    "bad-language": ("m.csv", HEADER + "Ana,short.yaml,,,,klingon\n",
                     "{m}:2:6: 'klingon' is not a supported language; expected one of: en, "),
    "same-folder": ("m.csv", "name,routine\nAna Silva,short.yaml\nana-silva,short.yaml\n",
                    "{m}:3: 'ana-silva' would share the folder ana-silva/ with the job on "
                    "line 2; give each patient a distinct name"),
    "name-without-a-letter": ("m.csv", "name,routine\n!!!,short.yaml\n",
                              "{m}:2:1: a job needs a name with a letter or digit"),
    "yaml-not-a-list": ("m.yaml", "name: Ana\nroutine: short.yaml\n",
                        "{m}:1:1: expected a list of jobs"),
    "yaml-unknown-key": ("m.yaml", "- name: Ana\n  routine: short.yaml\n  colour: red\n",
                         "{m}:3:3: unknown key 'colour' in a job"),
    "yaml-missing-routine": ("m.yaml", "- name: Ana\n  routine: nope.yaml\n",
                             "{m}:2:12: no routine file {dir}/nope.yaml"),
    "empty-csv": ("m.csv", "", "{m}: no header row; expected: name,routine,program,level,"
                               "coaching,language"),
    "csv-header-only": ("m.csv", HEADER, "{m}: no jobs"),
    "empty-yaml-list": ("m.yaml", "[]\n", "{m}: no jobs"),
    "empty-yaml": ("m.yaml", "", "{m}: file is empty; expected a list of jobs, each with a "
                             "name and a routine or a program"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_manifest_is_refused_where_it_is_wrong_and_nothing_is_written(
        case, folder, cli):
    name, text, expected = REFUSED[case]
    manifest = write(folder / name, text)
    out = folder / "out"
    result = cli("batch", manifest, "-o", out, *FAKE)
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(expected.format(m=manifest, dir=folder)), first
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_yaml_and_a_csv_manifest_of_the_same_jobs_load_the_same(folder):
    (folder / "manifests").mkdir()
    csv = write(folder / "manifests" / "jobs.csv", HEADER +
                "Ana Silva,../short.yaml,,easy,brief,\n"
                "Ben Okafor,,../program/two-weeks.yaml,,,de\n")
    yaml = write(folder / "manifests" / "jobs.yaml",
                 "- {name: Ana Silva, routine: ../short.yaml, level: easy, coaching: brief}\n"
                 "- name: Ben Okafor\n"
                 "  program: ../program/two-weeks.yaml\n"
                 "  language: de\n")
    from_csv, from_yaml = load_manifest(csv), load_manifest(yaml)
    assert from_csv == [
        Job("Ana Silva", routine=folder / "short.yaml", level="easy",
            coaching="brief", where=f"{csv}:2"),
        Job("Ben Okafor", program=folder / "program/two-weeks.yaml",
            language="de", where=f"{csv}:3")]
    assert [replace(job, where="") for job in from_yaml] == \
        [replace(job, where="") for job in from_csv]
    assert [job.where for job in from_yaml] == [f"{yaml}:1", f"{yaml}:2"]


# -- running a batch (fake engine) -----------------------------------------------------------

def test_a_failed_job_is_told_by_name_and_the_others_are_rendered(folder, cache, cli):
    manifest = write(folder / "jobs.csv", HEADER +
                     "Ana Silva,short.yaml,,easy,,\n"
                     "Ben Okafor,short.yaml,,,,\n"
                     "Cara Lima,,program/two-weeks.yaml,,,de\n")
    out = folder / "out"
    out.mkdir()
    write(out / "ben-okafor", "a file where Ben's folder belongs")
    result = cli("batch", manifest, "-o", out, *FAKE, "--cache", cache)
    assert result.exit_code == 1, result.output
    assert (out / "ana-silva" / MP3).is_file()
    assert len(list((out / "cara-lima").glob("w0*.mp3"))) == 3
    assert re.match(r"Ana Silva +rendered +2:\d\d ", row(result.output, "Ana Silva"))
    assert re.match(r"Ben Okafor +failed +- ", row(result.output, "Ben Okafor"))
    assert re.match(r"Cara Lima +rendered +\d+:\d\d ", row(result.output, "Cara Lima"))
    lines = result.output.splitlines()
    assert "3 jobs: 2 rendered, 0 up to date, 1 failed" in lines
    told = lines.index(f"failed: Ben Okafor ({manifest}:3)")
    assert lines[told + 1].startswith(f"  cannot write to {out / 'ben-okafor'}")
    assert "Traceback" not in result.output


def test_with_a_base_url_each_job_folder_has_its_own_feed(folder, cache, cli):
    manifest = write(folder / "jobs.csv", HEADER +
                     "Ana Silva,short.yaml,,easy,,\n"
                     "Cara Lima,,program/two-weeks.yaml,,,de\n")
    out, base = folder / "out", "https://clinic.example/audio/"
    result = cli("batch", manifest, "-o", out, *FAKE, "--cache", cache, "--base-url", base)
    assert result.exit_code == 0, result.output
    for job, title, episodes in (("ana-silva", "Ana Silva: Short test routine", 1),
                                 ("cara-lima", "Cara Lima: Two-week test program", 3)):
        feed = feedparser.parse(str(out / job / "feed.xml"))
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == title
        urls = [entry.enclosures[0].href for entry in feed.entries]
        assert len(urls) == episodes
        for url in urls:
            assert url.startswith(f"{base}{job}/"), url
            assert (out / job / url.removeprefix(f"{base}{job}/")).is_file()


def test_a_second_run_skips_every_job_and_touches_no_file(folder, cache, cli):
    manifest = write(folder / "jobs.csv", HEADER +
                     "Ana Silva,short.yaml,,easy,,\n"
                     "Ben Okafor,short.yaml,,hard,brief,\n")
    out = folder / "out"
    first = cli("batch", manifest, "-o", out, *FAKE, "--cache", cache)
    assert first.exit_code == 0, first.output
    assert "2 jobs: 2 rendered, 0 up to date, 0 failed" in first.output.splitlines()
    before = mtimes(out)
    again = cli("batch", manifest, "-o", out, *FAKE, "--cache", cache)
    assert again.exit_code == 0, again.output
    assert re.match(r"Ana Silva +up to date +2:\d\d ", row(again.output, "Ana Silva"))
    assert re.match(r"Ben Okafor +up to date +\d:\d\d ", row(again.output, "Ben Okafor"))
    assert "2 jobs: 0 rendered, 2 up to date, 0 failed" in again.output.splitlines()
    assert mtimes(out) == before


def edit_the_routine(folder: Path) -> None:
    routine = folder / "ana.yaml"
    text = routine.read_text(encoding="utf-8")
    edited = text.replace("exercise: Pulses\n    time: 8s", "exercise: Pulses\n    time: 9s")
    assert edited != text
    routine.write_text(edited, encoding="utf-8")


def change_the_level(folder: Path) -> None:
    write(folder / "jobs.csv", "name,routine,level\nAna Silva,ana.yaml,hard\n"
                               "Ben Okafor,short.yaml,easy\n")


def delete_a_file(folder: Path) -> None:
    (folder / "out" / "ana-silva" / "short-test-routine.srt").unlink()


@pytest.mark.parametrize("change", [edit_the_routine, change_the_level, delete_a_file],
                         ids=lambda change: change.__name__)
def test_a_job_whose_routine_level_or_files_changed_is_rendered_again(folder, cache, change):
    shutil.copy(folder / "short.yaml", folder / "ana.yaml")
    manifest = write(folder / "jobs.csv", "name,routine,level\nAna Silva,ana.yaml,easy\n"
                                          "Ben Okafor,short.yaml,easy\n")
    out, options = folder / "out", Options(voice=Voice("fake"), cache=cache, workers=1)
    first = run_batch(load_manifest(manifest), out, options)
    assert [r.status for r in first] == ["rendered", "rendered"]
    change(folder)
    again = run_batch(load_manifest(manifest), out, options)
    assert [r.status for r in again] == ["rendered", "up to date"], again[0].message
    assert (out / "ana-silva" / "short-test-routine.srt").is_file()
    assert run_batch(load_manifest(manifest), out, options)[0].status == "up to date"


def test_one_worker_renders_each_job_on_one_core(folder, cache, monkeypatch):
    """--workers 1 holds for the render inside a job too (its phrases, its MP3's islands)."""
    seen = []
    render_routine = batch.render_routine

    def spy(routine, out, options, *args, **kwargs):
        seen.append(options.workers)
        return render_routine(routine, out, options, *args, **kwargs)

    monkeypatch.setattr(batch, "render_routine", spy)
    manifest = write(folder / "jobs.csv", "name,routine\nAna Silva,short.yaml\n")
    results = run_batch(load_manifest(manifest), folder / "out",
                        Options(voice=Voice("fake"), cache=cache, workers=1))
    assert [r.status for r in results] == ["rendered"], results[0].message
    assert seen == [1]


def test_jobs_of_one_routine_are_not_run_side_by_side(folder, cache, monkeypatch):
    """Two jobs of one routine run at once would each make the phrases the cache does not
    have yet: they are spread apart, and the results still come in the manifest's order."""
    shutil.copy(DATA / "short.yaml", folder / "other.yaml")
    names = ["A1", "A2", "A3", "B1", "B2"]
    manifest = write(folder / "jobs.csv", "name,routine\n" + "".join(
        f"{n},{'short' if n[0] == 'A' else 'other'}.yaml\n" for n in names))
    ran, told = [], []
    run = batch.parallel.run

    def spy(task, arguments, executor, done):
        arguments = list(arguments)
        ran.extend(args[0].name for args in arguments)
        return run(task, arguments, executor, done)

    monkeypatch.setattr(batch.parallel, "run", spy)
    results = run_batch(load_manifest(manifest), folder / "out",
                        Options(voice=Voice("fake"), cache=cache, workers=2),
                        done=lambda i, result: told.append((i, result.job.name)))
    assert ran == ["A1", "B1", "A2", "B2", "A3"]
    assert [r.job.name for r in results] == names
    assert all(r.status == "rendered" for r in results), [r.message for r in results]
    assert sorted(told) == list(enumerate(names))  # done(i, ...) by the manifest's index


# -- on a Dask cluster (real engine) ---------------------------------------------------------

def test_jobs_run_on_a_dask_cluster_make_the_files_made_here(folder):
    """Each job in a worker process of the cluster, with an empty phrase cache; then the same
    jobs here, one at a time, from that cache."""
    distributed = pytest.importorskip("distributed")
    manifest = write(folder / "jobs.yaml",
                     "- {name: Ana Silva, routine: short.yaml, level: easy}\n"
                     "- {name: Ben Okafor, routine: short.yaml, language: de}\n")
    jobs, cache = load_manifest(manifest), folder / "cache"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = run_batch(jobs, folder / "cluster", Options(cache=cache),
                           scheduler=cluster.scheduler_address)
    here = run_batch(jobs, folder / "here", Options(cache=cache, workers=1))
    for a, b in zip(remote, here, strict=True):
        assert (a.status, b.status) == ("rendered", "rendered"), (a.message, b.message)
        assert a.folder == folder / "cluster" / a.job.folder
        assert (a.folder / MP3).read_bytes() == (b.folder / MP3).read_bytes(), a.job.name


def test_a_job_rendered_again_removes_what_it_no_longer_makes_but_not_what_others_did(
        folder, cache):
    """The routine is retitled and the feed dropped: the old MP3 and its files, and the
    feed with its chapters, go; a file somebody put in the folder stays, and so does one of
    the old files that somebody changed since."""
    shutil.copy(folder / "short.yaml", folder / "ana.yaml")
    manifest = write(folder / "jobs.csv", "name,routine\nAna Silva,ana.yaml\n")
    out, options = folder / "out", Options(voice=Voice("fake"), cache=cache, workers=1)
    job = out / "ana-silva"
    first = run_batch(load_manifest(manifest), out, options, base_url="https://x.example/")
    assert first[0].status == "rendered", first[0].message
    assert {MP3, "feed.xml", "short-test-routine.chapters.json"} <= set(os.listdir(job))
    (job / "notes.txt").write_text("the patient's own notes")
    with (job / "short-test-routine.lrc").open("a") as lrc:
        lrc.write("[99:00.00] edited by hand\n")
    routine = folder / "ana.yaml"
    routine.write_text(routine.read_text(encoding="utf-8").replace(
        "title: Short test routine", "title: Ana routine"), encoding="utf-8")
    again = run_batch(load_manifest(manifest), out, options)
    assert again[0].status == "rendered", again[0].message
    assert set(os.listdir(job)) == {
        ".audiocoach-job.json", "notes.txt", "short-test-routine.lrc",
        *(f"ana-routine.{ext}" for ext in ("mp3", "json", "m3u8", "lrc", "vtt", "srt"))}
    assert run_batch(load_manifest(manifest), out, options)[0].status == "up to date"


def test_a_record_of_an_earlier_version_removes_nothing(folder, cache):
    """Records before format 2 listed every file of the folder, a patient's notes too."""
    manifest = write(folder / "jobs.csv", "name,routine\nAna Silva,short.yaml\n")
    out, options = folder / "out", Options(voice=Voice("fake"), cache=cache, workers=1)
    job = out / "ana-silva"
    (job).mkdir(parents=True)
    (job / "notes.txt").write_text("the patient's own notes")
    assert run_batch(load_manifest(manifest), out, options)[0].status == "rendered"
    stamp = job / batch.STAMP
    record = json.loads(stamp.read_text())
    record.pop("record")
    record["files"]["notes.txt"] = batch._stat(job / "notes.txt")
    stamp.write_text(json.dumps(record))
    write(manifest, "name,routine,level\nAna Silva,short.yaml,hard\n")
    assert run_batch(load_manifest(manifest), out, options)[0].status == "rendered"
    assert (job / "notes.txt").read_text() == "the patient's own notes"
