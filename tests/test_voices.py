"""Voices per language: the eSpeak NG voice of each language, a named voice of another
language warned of, the system voice picked on macOS and Windows, Piper voice files, the
phrase cache keyed by language and voice, and one pyttsx3 engine per process."""

import gc
import json
import sys
import warnings
from types import SimpleNamespace

import pytest

from audiocoach.cache import FORMAT_VERSION, PhraseCache
from audiocoach.errors import EngineError
from audiocoach.phrases import SUPPORTED
from audiocoach.speech import (
    Voice,
    VoiceWarning,
    list_voices,
    mismatch,
    open_engine,
    resolve,
    same_language,
    warn_mismatch,
)
from audiocoach.speech import piper_engine as piper
from audiocoach.speech import pyttsx3_engine as espeak

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="eSpeak NG on Linux")
EXPECTED = {"en": "gmw/en-us+edward", "en-GB": "gmw/en", "de": "gmw/de", "es": "roa/es",
            "fr": "roa/fr", "it": "roa/it", "pt-BR": "roa/pt-br", "nl": "gmw/nl"}


@linux
@pytest.mark.parametrize("tag", SUPPORTED)
def test_each_language_has_its_espeak_voice_and_it_speaks_that_language(tag):
    voice = resolve(Voice("pyttsx3", language=tag))
    assert voice.voice == EXPECTED[tag]
    codes = espeak.voice_languages(voice.voice)
    assert codes and all(same_language(code, tag) for code in codes), codes
    assert mismatch(voice) is None


@linux
def test_a_region_speaks_with_its_languages_voice_and_a_named_voice_is_kept():
    assert resolve(Voice("pyttsx3", language="de-AT")).voice == "gmw/de"
    assert resolve(Voice("pyttsx3", voice="roa/es-419", language="es")).voice == "roa/es-419"


@linux
def test_the_engine_speaks_with_the_voice_of_the_language():
    for tag in ("de", "es", "en"):
        assert open_engine(Voice("pyttsx3", language=tag)).speaking == EXPECTED[tag]


@linux
def test_a_named_voice_of_another_language_is_a_warning():
    why = mismatch(Voice("pyttsx3", voice="gmw/de", language="fr"))
    assert why and "German (de)" in why and "French (fr)" in why
    with pytest.warns(VoiceWarning, match="speaks German"):
        warn_mismatch(Voice("pyttsx3", voice="gmw/de+edward", language="fr"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_mismatch(Voice("pyttsx3", voice="gmw/de", language="de-AT"))
        warn_mismatch(Voice("pyttsx3", language="fr"))  # the language's own voice
        warn_mismatch(Voice("pyttsx3", voice="gmw/en", language="en"))  # a region of it
        warn_mismatch(Voice("fake", voice="hang", language="de"))  # no language to tell


@linux
def test_voices_of_one_language_are_listed():
    german = [vid for vid, _ in list_voices("pyttsx3", "de")]
    assert german == ["gmw/de"]
    portuguese = {vid for vid, _ in list_voices("pyttsx3", "pt-BR")}
    assert portuguese == {"roa/pt", "roa/pt-br"}  # any region of the language


def test_languages_compare_without_case_or_separator():
    assert same_language("pt_BR", "pt-br") and same_language("fr-fr", "fr")
    assert same_language("en-gb-x-rp", "en-GB") and not same_language("en-us", "en-GB")
    assert not same_language("de_DE", "fr") and same_language("pt-PT", "pt-BR", region=False)


def _system_voices():
    """Voices as the nsss (macOS) and sapi5 (Windows) drivers report them."""
    return [SimpleNamespace(id="com.apple.voice.compact.de-DE.Anna", languages=["de_DE"]),
            SimpleNamespace(id="TTS_MS_ES-ES_HELENA_11.0", languages=["es-ES"]),
            SimpleNamespace(id="joana", languages=["pt-PT"]),
            SimpleNamespace(id="amelie", languages=["fr-CA"]),
            SimpleNamespace(id="thomas", languages=["fr_FR"]),
            SimpleNamespace(id="bare", languages=[])]


def test_a_system_voice_is_picked_by_language_region_first():
    voices = _system_voices()
    assert espeak.pick(voices, "de-AT") == ("com.apple.voice.compact.de-DE.Anna", "other region")
    assert espeak.pick(voices, "de") == ("com.apple.voice.compact.de-DE.Anna", "default region")
    assert espeak.pick(voices, "fr") == ("thomas", "default region")
    assert espeak.pick(voices, "es") == ("TTS_MS_ES-ES_HELENA_11.0", "default region")
    assert espeak.pick(voices, "pt-BR") == ("joana", "other region")
    assert espeak.pick(voices, "nl") is None


def test_no_system_voice_of_the_language_says_how_to_add_one(monkeypatch):
    monkeypatch.setattr(espeak.sys, "platform", "darwin")
    monkeypatch.setattr(espeak, "_voices", lambda engine: _system_voices())
    monkeypatch.setattr(espeak, "_shared", lambda: (None, None))
    with pytest.raises(EngineError, match=r"no installed macOS voice speaks Dutch \(nl\)") as e:
        resolve(Voice("pyttsx3", language="nl"))
    assert "Spoken Content" in (e.value.hint or "") and "Dutch voice" in (e.value.hint or "")
    assert resolve(Voice("pyttsx3", language="en")).voice is None  # the system's default
    assert resolve(Voice("pyttsx3", language="de")).voice.endswith("de-DE.Anna")
    with pytest.warns(VoiceWarning, match="joana"):
        resolve(Voice("pyttsx3", language="pt-BR"))
    monkeypatch.setattr(espeak.sys, "platform", "win32")
    with pytest.raises(EngineError, match="Windows") as e:
        resolve(Voice("pyttsx3", language="nl"))
    assert "Text to Speech" in (e.value.hint or "")


def test_a_voice_list_that_sapi5_cannot_read_is_said():
    class Broken:
        def getProperty(self, name):
            raise ValueError("invalid literal for int() with base 16: '409;9'")
    with pytest.raises(EngineError, match="409;9") as e:
        espeak._voices(Broken())
    assert "#429" in (e.value.hint or "")


def _piper_voice(folder, name, config):
    model = folder / f"{name}.onnx"
    model.write_bytes(b"model")
    (folder / f"{name}.onnx.json").write_text(json.dumps(config))
    return model


def test_a_piper_voice_file_says_its_language(tmp_path):
    de = _piper_voice(tmp_path, "de_DE-thorsten-medium",
                      {"language": {"code": "de_DE"}, "espeak": {"voice": "de"}})
    br = _piper_voice(tmp_path, "pt_BR-faber-medium", {"espeak": {"voice": "pt-br"}})
    assert piper.voice_languages(str(de)) == ("de_DE",)
    assert piper.voice_languages(str(br)) == ("pt-br",)
    assert piper.voice_languages(str(tmp_path / "none.onnx")) == ()
    assert mismatch(Voice("piper", str(de), language="de")) is None
    assert "German (de_DE)" in mismatch(Voice("piper", str(de), language="fr"))
    assert mismatch(Voice("piper", "joe-us", language="de"))


def test_piper_keeps_joe_for_english_and_asks_for_a_voice_file_otherwise(tmp_path):
    assert resolve(Voice("piper", language="en")).voice == "joe-us"
    with pytest.raises(EngineError, match="no bundled voice for German") as e:
        resolve(Voice("piper", language="de"))
    assert "--voice PATH.onnx" in (e.value.hint or "")
    with pytest.raises(EngineError, match="piper has no voice 'thorsten'"):
        resolve(Voice("piper", "thorsten", language="de"))
    model = _piper_voice(tmp_path, "de_DE-x", {"espeak": {"voice": "de"}})
    assert resolve(Voice("piper", str(model), language="de")).voice == str(model.resolve())
    (tmp_path / "de_DE-x.onnx.json").unlink()
    with pytest.raises(EngineError, match=r"de_DE-x\.onnx\.json"):
        piper._voice_files(str(model))


def test_the_cache_key_carries_the_language_and_the_voice_that_speaks(tmp_path):
    assert FORMAT_VERSION == 3
    english = PhraseCache(Voice("fake"), tmp_path)
    german = PhraseCache(Voice("fake", language="de"), tmp_path)
    assert english.path("ja") != german.path("ja")
    if sys.platform.startswith("linux"):
        named = PhraseCache(Voice("pyttsx3", voice="gmw/de", language="de"), tmp_path)
        default = PhraseCache(Voice("pyttsx3", language="de"), tmp_path)
        assert default.voice.voice == "gmw/de" and default.path("ja") == named.path("ja")
        other = PhraseCache(Voice("pyttsx3", voice="gmw/de+edward", language="de"), tmp_path)
        assert other.path("ja") != default.path("ja")


@linux
def test_one_pyttsx3_engine_serves_the_whole_process():
    """Opening the engine again after the last one was collected keeps the pace: a fresh
    pyttsx3 engine there says some phrases at 200 wpm (2.48 s instead of 3.09 s)."""
    shared = open_engine(Voice("pyttsx3", language="de")).engine
    lengths = []
    for _ in range(30):
        gc.collect()  # the last engine is gone
        engine = open_engine(Voice("pyttsx3", language="de"))
        assert engine.engine is shared
        speech = engine.synthesize("Satz zwei von drei: zehn Wiederholungen")
        lengths.append(len(speech.samples) / speech.sample_rate)
        engine.close()
        del engine
    assert max(lengths) - min(lengths) < 0.1, lengths
    assert 2.9 < min(lengths) < 3.3, lengths
