"""The README is also the package's page on a package index, where relative links and images
don't resolve: every link in it must be absolute or point within the page."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]*\bsrc=\"([^\"]+)\"")


def test_every_link_and_image_in_the_readme_resolves_off_the_repository():
    targets = [a or b for a, b in LINK.findall(README.read_text(encoding="utf-8"))]
    relative = [t for t in targets if not re.match(r"(https?://|#|mailto:)", t)]
    assert not relative, f"relative links break on a package index page: {relative}"


def test_the_link_pattern_finds_relative_images(tmp_path):
    # the check above is only as good as its pattern: it must see both kinds of image
    text = '![a](docs/a.svg) [b](#speed) <img alt="c" src="docs/c.png">'
    found = [a or b for a, b in LINK.findall(text)]
    assert found == ["docs/a.svg", "#speed", "docs/c.png"]
