"""audiocoach: turn a written exercise routine into a voice-guided MP3 workout.

The stages, in the order data flows through them: loader (routine file -> model),
compiler (model -> timed script), speech + cache (phrases -> clips), mixer, encode, tags,
and build.render, which runs them all.
"""

from .compiler import compile_routine
from .errors import AudiocoachError, RoutineError
from .loader import load_routine, parse_routine
from .script import Script

__all__ = ["AudiocoachError", "RoutineError", "Script", "compile_routine", "load_routine",
           "parse_routine"]
