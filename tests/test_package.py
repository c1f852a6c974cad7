"""What the wheel carries: every file the package reads at run time that is not Python
(the page's templates, the shipped routines) is listed as package data, or a pip install
without the repository would lack it."""

import tomllib
from fnmatch import fnmatch

from conftest import ROOT


def _package_data() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["tool"]["setuptools"]["package-data"]["audiocoach"]


def test_every_data_file_of_the_package_is_package_data():
    package = ROOT / "audiocoach"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert data, "the package has its templates and examples"
    missing = [f for f in data if not any(fnmatch(f, pattern) for pattern in _package_data())]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_the_patterns_match_only_what_they_should():
    patterns = _package_data()
    assert any(fnmatch("export/templates/page.js", p) for p in patterns)
    assert not any(fnmatch("export/page.js", p) for p in patterns)


def test_the_command_line_starts_without_what_only_some_commands_use():
    """Every command's time counts from the process's start: importing the CLI must not
    import the cluster, the server, the feed, music decoding or loudness analysis."""
    import subprocess
    import sys

    heavy = ["distributed", "http.server", "miniaudio", "pyloudnorm", "scipy",
             "audiocoach.batch", "audiocoach.export.feed", "audiocoach.schema",
             "audiocoach.serve"]
    code = ("import sys, audiocoach.cli; "
            f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.split() == []
