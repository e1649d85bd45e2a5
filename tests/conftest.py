"""Shared fixtures: data directories assembled from fixtures, and sites built from them.

Building is the slow part, so a site is built once per session and shared read-only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.publish import pipeline as publish

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# Sites built for tests never name an outside tile server: no test may depend on the network.
TEST_OVERRIDES = {"MAP_TILES_URL": ""}


def assemble_data(fixture: Path, destination: Path) -> Path:
    """A data/ directory: the fixture's files, plus the real reference files it does not override."""
    shutil.copytree(fixture, destination)
    reference = destination / "reference"
    reference.mkdir(exist_ok=True)
    for path in (ROOT / "data" / "reference").iterdir():
        if not (reference / path.name).exists():
            shutil.copy(path, reference / path.name)
    return destination


@pytest.fixture
def tiny_data(tmp_path) -> Path:
    """A writable copy of the tiny dataset; tests break it on purpose."""
    return assemble_data(FIXTURES / "tiny", tmp_path / "data")


@pytest.fixture(scope="session")
def tiny_site(tmp_path_factory) -> Path:
    """The tiny dataset published once; returns the live output directory."""
    root = tmp_path_factory.mktemp("tiny")
    paths = publish.Paths(root, assemble_data(FIXTURES / "tiny", root / "data"))
    publish.publish(paths, overrides=TEST_OVERRIDES)
    return paths.output


@pytest.fixture(scope="session")
def sample_paths(tmp_path_factory) -> publish.Paths:
    """The bundled sample data published once (the site the README's first command builds)."""
    root = tmp_path_factory.mktemp("sample")
    # A copy: publishing records a data release in <data>/releases/, which must not touch the repository.
    paths = publish.Paths(root, assemble_data(ROOT / "data", root / "data"))
    publish.publish(paths, overrides=TEST_OVERRIDES)
    return paths


@pytest.fixture(scope="session")
def sample_site(sample_paths) -> Path:
    return sample_paths.output


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The tiny dataset with every publishable hostile string in every text column (tests/hostile.py)."""
    from tests.hostile import publish_published_strings

    return publish_published_strings(tmp_path_factory.mktemp("hostile"))
