"""The Streamlit settings every `streamlit run Home.py` reads (.streamlit/config.toml), and what they assume."""
import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_the_server_neither_watches_sources_nor_parses_pages_for_magic():
    assert CONFIG["server"]["fileWatcherType"] == "none"   # re-read every module's paths after each import
    assert CONFIG["runner"]["magicEnabled"] is False       # AST objects in script threads: CPython 3.11 race


def test_no_page_relies_on_magic():
    """With magic off a bare expression on its own line shows nothing: pages write with st.* calls only."""
    found = []
    for path in [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            for field in ("body", "orelse", "finalbody"):
                statements = getattr(node, field, None)
                for i, stmt in enumerate(statements if isinstance(statements, list) else []):
                    if not isinstance(stmt, ast.Expr) or isinstance(stmt.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                        continue
                    if i == 0 and field == "body" and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                        continue   # a docstring
                    found.append(f"{path.name}:{stmt.lineno}: {ast.unparse(stmt)[:60]}")
    assert found == []


def test_no_download_reruns_the_page():
    """A download changes nothing, so its click must not rerun the script: the rerun's cleanup of media files
    races the browser's fetch of the file (a 404 cancels the download) and re-renders previews for nothing."""
    found = []
    for path in [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                on_click = {k.arg: k.value for k in node.keywords}.get("on_click")
                if not (isinstance(on_click, ast.Constant) and on_click.value == "ignore"):
                    found.append(f"{path.name}:{node.lineno}")
    assert found == []
