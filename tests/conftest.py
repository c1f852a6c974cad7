import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROUTINES = sorted((ROOT / "routines").glob("*.yaml"))
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def real_cache(tmp_path_factory) -> Path:
    """One phrase cache for every real-engine test in the session."""
    return tmp_path_factory.mktemp("phrase-cache")


@pytest.fixture
def routine_copy(tmp_path):
    def copy(name: str) -> Path:
        return Path(shutil.copy(DATA / name, tmp_path / name))
    return copy
