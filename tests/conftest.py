import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")


@pytest.fixture(scope="session")
def corpus_dir() -> str:
    path = os.path.abspath(CORPUS)
    if not os.path.isdir(os.path.join(path, "exif-samples")):
        pytest.skip("the shared corpus is not present")
    return path
