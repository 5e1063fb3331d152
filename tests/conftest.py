import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["LANGUAGE"] = "en"  # the tests read English text, whatever the machine's locale

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")


@pytest.fixture(scope="session")
def corpus_dir() -> str:
    path = os.path.abspath(CORPUS)
    if not os.path.isdir(os.path.join(path, "exif-samples")):
        pytest.skip("the shared corpus is not present")
    return path


@pytest.fixture(autouse=True)
def private_config(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> str:
    """Tests never read or write the real user's settings."""
    path = str(tmp_path_factory.mktemp("config"))
    monkeypatch.setenv("PHOTOCHECK_CONFIG_DIR", path)
    return path


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> str:
    """Tests never read or write the real user's report cache."""
    path = str(tmp_path_factory.mktemp("cache") / "photocheck")
    monkeypatch.setenv("PHOTOCHECK_CACHE_DIR", path)
    return path
