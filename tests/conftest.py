"""Shared fixtures. Every test gets its own data dir; nothing touches ./data."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pylibsrtp  # noqa: F401  (aiortc's libsrtp must load before TensorFlow: the reverse order segfaults)
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
os.environ.setdefault("JOBEXPRESSWAY_BCRYPT_ROUNDS", "4")  # fast hashing in tests; the product uses bcrypt's default
os.environ.setdefault("JOBEXPRESSWAY_DEMO_ACCOUNTS", "0")  # tests create the users they need
os.environ.setdefault("JOBEXPRESSWAY_WORKER", "external")  # no worker thread in page tests: tests run their own
ROOT = Path(__file__).resolve().parent.parent
HOME = str(ROOT / "Home.py")


def open_page(path: str | None = None, actor=None, timeout: float = 60, **query):
    """Run the app as a browser would: Home.py (frame, navigation), then switch to ``path`` with ``query``
    as URL parameters. Pages link to each other, which only works inside the navigation."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(HOME, default_timeout=timeout)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if path and path != "Home.py":
        at.query_params.update({k: str(v) for k, v in query.items()})
        at.switch_page(path).run()
    return at


@pytest.fixture(autouse=True)
def frame_runs_every_time(monkeypatch):
    """AppTest makes a new PagesManager per run, which re-detects the pages/ folder and then runs the page
    file alone (Streamlit's old folder mode), skipping Home.py from the second run on. The server decides
    once and st.navigation turns folder mode off; do the same here so every run goes through the frame."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


# With JOBEXPRESSWAY_TEST_POSTGRES set to a PostgreSQL server's URL (scripts/postgres.sh start prints one),
# every test runs on a fresh PostgreSQL database of its own, copied from a migrated template; browser tests
# (except those marked replicas: several servers on one database) and tests marked sqlite_only are left out.
TEST_POSTGRES = os.environ.get("JOBEXPRESSWAY_TEST_POSTGRES", "").strip()
if not TEST_POSTGRES:
    os.environ.pop("DATABASE_URL", None)   # a developer's own database is never a test's


def pytest_collection_modifyitems(config, items):
    if not TEST_POSTGRES:
        return
    skip = pytest.mark.skip(reason="SQLite run only (browser tests and SQLite specifics)")
    for item in items:
        browser_only_here = item.get_closest_marker("browser") and not item.get_closest_marker("replicas")
        if browser_only_here or item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def _postgres_url(dbname: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(TEST_POSTGRES)._replace(path="/" + dbname))


@pytest.fixture(scope="session")
def postgres_template():
    """A migrated database that each test's own database is copied from (a copy takes ~0.1 s)."""
    import psycopg

    from engine import store

    name = f"jx_template_{os.getpid()}"
    admin = psycopg.connect(_postgres_url("postgres"), autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = _postgres_url(name)
    store.connect().close()
    del os.environ["DATABASE_URL"]
    yield admin, name
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(autouse=True)
def database_of_the_test(request, monkeypatch):
    """The test's own PostgreSQL database (DATABASE_URL) in the PostgreSQL run; nothing in the SQLite run."""
    if not TEST_POSTGRES:
        yield None
        return
    admin, template = request.getfixturevalue("postgres_template")
    name = "t_" + uuid.uuid4().hex[:16]
    admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    monkeypatch.setenv("DATABASE_URL", _postgres_url(name))
    yield name
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("JOBEXPRESSWAY_DATA_DIR", str(path))
    return path


@pytest.fixture
def db(data_dir):
    from engine import store

    return store.connect(data_dir)


@pytest.fixture
def cluster_data():
    """A data dir for scripts/cluster.sh, outside pytest's own temporary folders: as root, PostgreSQL and
    nginx's workers run as other users and must traverse the parents, and pytest makes its base folder 0700
    again on every session."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="jx-cluster-", dir="/tmp"))
    path.chmod(0o755)
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)
