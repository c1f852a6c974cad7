"""Coaching in the patient's language: the catalogs are complete, every test routine written
in a language is coached and written in it (no English built-in word in its script), its
numbers are that language's, and the outputs say which language they are in."""

from __future__ import annotations

import re
import string
from dataclasses import replace

import pytest
from mutagen.id3 import ID3

from audiocoach import phrases
from audiocoach.compiler import compile_routine
from audiocoach.errors import RoutineError
from audiocoach.export.page import page_html
from audiocoach.export.svg import timeline_svg
from audiocoach.loader import load_routine, parse_routine
from audiocoach.program import Program, Session, table
from audiocoach.script import cue_sheet
from audiocoach.tags import write_tags
from conftest import DATA, ROOT

LANG = DATA / "lang"
ROUTINES = {p.stem: p for p in sorted(LANG.glob("*.yaml"))}
OTHER = [lang.tag for lang in phrases.LANGUAGES if lang.module != "en"]


def _blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _shape(value: object) -> tuple:
    if isinstance(value, tuple):
        return ("tuple", len(value))
    assert isinstance(value, str), value
    return ("str", frozenset(_blanks(value)))


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def _catalog_words(cat: phrases.Catalog) -> set[str]:
    out: set[str] = set()
    for value in cat.table.values():
        for text in (value if isinstance(value, tuple) else (value,)):
            out |= _words(text)
    return out | {w for noun, _ in cat.grammar.LIMBS.values() for w in _words(noun)}


def _script(tag: str):
    return compile_routine(load_routine(ROUTINES[tag]))


def _said(script) -> list[str]:
    return [e.text for e in script.events if e.kind == "speech" and e.text]


@pytest.mark.parametrize("tag", [lang.tag for lang in phrases.LANGUAGES])
def test_every_catalog_has_every_key_of_english_with_its_shape(tag):
    cat = phrases.catalog(tag)
    english = phrases.EN
    assert list(cat.table) == list(english), set(cat.table) ^ set(english)
    for key, value in english.items():
        assert _shape(cat.table[key]) == _shape(value), key
        assert all(cat.table[key]) if isinstance(value, tuple) else cat.table[key], key
    assert set(cat.grammar.LIMBS) == set(phrases.en.LIMBS)
    gendered = {g for _, g in cat.grammar.LIMBS.values()} | set(cat.grammar.GENDERS.values())
    # the plain side word is the masculine one: every other gender has its own words
    missing = [(side, g) for side in ("left", "right") for g in gendered - {None, "m"}
               if (side, g) not in cat.grammar.SIDE_WORDS]
    assert not missing, missing


def test_every_language_has_a_test_routine():
    assert sorted(ROUTINES) == sorted(OTHER)


@pytest.mark.parametrize("tag", OTHER)
def test_the_golden_cue_sheet(tag):
    """Regenerate with scripts/regen-golden; a diff here is a decision to review."""
    golden = ROOT / "tests" / "golden" / f"lang-{tag}.medium.txt"
    assert cue_sheet(_script(tag)) == golden.read_text()


@pytest.mark.parametrize("tag", OTHER)
def test_no_english_built_in_word_is_said_or_written(tag):
    """The English catalog's fixed words of 3+ letters that aren't words of the language
    never appear in its script: not in what is said, not in the chapter titles."""
    cat = phrases.catalog(tag)
    english = {w for text in phrases.built_in() for w in _words(text) if len(w) >= 3}
    foreign = english - _catalog_words(cat)
    script = _script(tag)
    assert script.language == tag and not script.warnings
    for text in _said(script) + [c.title for c in script.chapters]:
        assert not _words(text) & foreign, (text, _words(text) & foreign)


@pytest.mark.parametrize("tag", OTHER)
def test_the_built_in_cues_are_the_languages(tag):
    """Its countdown, go, hold, end and rest are said, in its words; each count a number of
    its own (German counts "eins", never "ein")."""
    cat = phrases.catalog(tag)
    said = _said(_script(tag))
    for key in ("go", "hold", "end", "breathe in", "halfway", "reminder"):
        assert cat.phrase(key) in said, key
    assert all(word in said for word in cat.phrase_list("countdown"))
    assert cat.phrase("rest", time=cat.say_seconds(90)) in said  # "eine Minute dreißig"
    if tag == "de":
        assert "eins" in said and "Satz eins von zwei: drei Wiederholungen, jeweils drei " \
            "Sekunden halten" in said
        assert "ein" not in said


def test_numbers_agree_with_their_unit():
    expect = {
        ("de", 1, "breaths"): "einen tiefen Atemzug",
        ("de", 21, "seconds"): "einundzwanzig Sekunden",
        ("es", 1, "minutes"): "un minuto",
        ("es", 21, "reps"): "veintiuna repeticiones",
        ("es", 21, "seconds"): "veintiún segundos",
        ("es", 200, "reps"): "doscientas repeticiones",
        ("fr", 21, "seconds"): "vingt et une secondes",
        ("it", 1, "reps"): "una ripetizione",
        ("pt-BR", 2, "reps"): "duas repetições",
        ("pt-BR", 16, "seconds"): "dezesseis segundos",
        ("pt-BR", 22, "breaths"): "vinte e duas respirações profundas",
        ("nl", 101, "reps"): "honderdeen herhalingen",
        ("en", 1, "reps"): "one rep",
        ("en", 21, "reps"): "twenty-one reps",
    }
    for (tag, n, unit), said in expect.items():
        assert phrases.catalog(tag).plural(n, unit) == said
    assert phrases.catalog("it").say_seconds(90) == "un minuto e trenta"


def test_sides_agree_with_the_limb():
    es, de = phrases.catalog("es"), phrases.catalog("de")
    assert es.side_phrase("leg", "left") == "pierna izquierda"
    assert es.side_phrase("arm and leg", "right") == "brazo derecho y pierna izquierda"
    assert de.side_phrase("leg", "right") == "rechtes Bein"
    assert de.side_phrase("lying", "left") == "leg dich auf die linke Seite"
    assert es.sided("la pierna {side:f}, el pie {other}", "left") == \
        "la pierna izquierda, el pie derecho"
    assert de.sided("um den {side:linken|rechten} Fuß, {other:links|rechts}", "right") == \
        "um den rechten Fuß, links"


@pytest.mark.parametrize("tag", OTHER)
def test_chapter_titles_page_and_timeline_are_in_the_language(tag):
    cat = phrases.catalog(tag)
    script = _script(tag)
    titles = [c.title for c in script.chapters]
    assert any(cat.phrase("chapter round", n=2) in t and cat.side_title("right") in t
               for t in titles), titles
    html = page_html(script, "a.mp3")
    assert f'<html lang="{tag}">' in html
    for key in ("page exercise left", "page session left", "page exercises"):
        assert cat.template(key) in html, key
    assert f'"side":"{cat.phrase("page left")}"' in html
    svg = timeline_svg(script)
    assert cat.template("svg ready") in svg and cat.phrase("kind work") in svg


@pytest.mark.parametrize("tag", ["de", "pt-BR"])
def test_the_tags_say_the_language(tag, tmp_path):
    path = tmp_path / "a.mp3"
    path.write_bytes(b"")
    script = _script(tag)
    write_tags(path, script, lyrics="x", chapters=False)
    tags = ID3(path)
    code = phrases.language(tag).iso639_2
    assert tags["TLAN"].text == [code]
    assert {f.lang for f in tags.getall("COMM") + tags.getall("USLT")} == {code}
    assert phrases.catalog(tag).phrase("level medium") in tags.getall("COMM")[0].text[0]


def test_an_english_workout_is_tagged_as_before(tmp_path):
    path = tmp_path / "a.mp3"
    path.write_bytes(b"")
    write_tags(path, replace(_script("de"), language="en"), chapters=False)
    tags = ID3(path)
    assert "TLAN" not in tags and tags.getall("COMM")[0].lang == "eng"


def test_program_md_is_in_the_sessions_language():
    routine = load_routine(ROUTINES["fr"])
    program = Program("Programme", (Session(1, 1, routine, "easy", "brief"),))
    text = table(program)
    assert "| semaine | jour | séance | niveau | guidage | prescription |" in text
    assert "| facile | bref |" in text and "maintien 3 s" in text


@pytest.mark.parametrize("tag, normal", [("de-at", "de-AT"), ("ES-mx", "es-MX"),
                                         ("pt-br", "pt-BR"), ("en-gb", "en-GB"),
                                         ("fr-CA", "fr-CA"), ("es-419", "es-419")])
def test_a_region_of_a_language_speaks_its_catalog(tag, normal):
    routine = parse_routine(f"title: x\nlanguage: {tag}\nexercises: [{{exercise: a, reps: 2}}]")
    assert routine.language == normal
    assert phrases.catalog(normal).language.module == phrases.language(normal.split("-")[0]
                                                                      if normal != "pt-BR"
                                                                      else normal).module


@pytest.mark.parametrize("tag", ["klingon", "pt", "pt-PT", "zh", "de-", "x-de"])
def test_an_unsupported_language_is_refused_with_the_supported_ones(tag):
    with pytest.raises(RoutineError) as err:
        parse_routine(f"title: x\nlanguage: {tag}\nexercises: [{{exercise: a, reps: 2}}]")
    (problem,) = err.value.problems
    assert (problem.line, problem.col) == (2, 11)
    assert ", ".join(phrases.SUPPORTED) in problem.message


def test_the_default_is_english():
    routine = parse_routine("title: x\nexercises: [{exercise: a, reps: 2, hold: 3}]")
    assert routine.language == "en" and compile_routine(routine).language == "en"


@pytest.mark.parametrize("tag", OTHER)
def test_a_breathing_drill_with_phases_named_in_the_language_is_dosed_in_breaths(tag):
    """Each test routine has a `count: none` drill of two breathing phases named in its own
    language ("einatmen", "inspire"): the dose says breaths, as in English, not reps."""
    cat = phrases.catalog(tag)
    said = _said(_script(tag))
    assert cat.plural(3, "breath reps") in said
    assert cat.plural(3, "reps") != cat.plural(3, "breath reps")


def test_a_routine_coached_in_another_language_says_the_loaders_words_in_it():
    """`--language de` on a German routine written in Spanish: the default reminder and the
    hold cue the loader put in follow the language asked for; the author's words stay."""
    from audiocoach.loader import in_language

    spanish = load_routine(ROUTINES["es"])
    german = in_language(spanish, "de")
    said = _said(compile_routine(german))
    de, es = phrases.catalog("de"), phrases.catalog("es")
    assert german.language == "de" and german.reminder == de.phrase("reminder")
    assert de.phrase("hold") in said and es.phrase("hold") not in said
    assert es.phrase("reminder") not in said
    assert spanish.title in said  # the author's own words are not translated


def test_a_sessions_title_tag_is_in_its_language(tmp_path):
    """The MP3 title of a program's session, "Week 1, day 1: ...", is in the routine's
    language."""
    from audiocoach.build import Options, render_program
    from audiocoach.speech import Voice

    routine = load_routine(ROUTINES["fr"])
    program = Program("Programme", (Session(1, 1, routine, "easy", "brief"),))
    rendered = render_program(program, tmp_path, Options(voice=Voice("fake"),
                                                         cache=tmp_path / "c"))
    title = str(ID3(rendered[0].mp3)["TIT2"])
    assert title == f"Semaine 1, jour 1 : {routine.title}"
