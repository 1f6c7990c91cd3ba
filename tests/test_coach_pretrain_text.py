"""The coach GPT's pretraining text: O*NET descriptions and the coach's training pairs (never a held-out
pair), de-duplicated, with a manifest of counts and licences; real postings when the shared data is here."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.cli import main
from engine.coach import pretrain_text
from engine.coach.corpus import load_corpus
from tests.coach_helpers import use_mini_corpus

ONET_ROWS = [
    ("15-1252.00", "Software Developers", "Research, design, and develop computer and network software or "
                                          "specialized utility programs."),
    ("15-2051.00", "Data Scientists", "Develop and implement a set of techniques or analytics applications to "
                                      "transform raw data into meaningful information."),
    ("15-2051.01", "Data Scientists", "Develop and implement a set of techniques or analytics applications to "
                                      "transform raw data into meaningful information."),   # a duplicate text
    ("11-0000.00", "Managers", "Short."),                                               # too short to keep
]


def fake_shared_data(root: Path) -> Path:
    path = root / pretrain_text.ONET_OCCUPATIONS
    path.parent.mkdir(parents=True)
    lines = ["O*NET-SOC Code\tTitle\tDescription"] + ["\t".join(r) for r in ONET_ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())     # the release's CRLF, tab-separated
    return root


@pytest.fixture
def setup(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    monkeypatch.setenv("JOBEXPRESSWAY_SHARED_DATA", str(fake_shared_data(tmp_path / "shared")))
    return tmp_path


def test_builds_onet_and_training_pairs_without_held_out_pairs(setup):
    corpus = load_corpus()
    manifest = pretrain_text.build(setup / "out", ("onet", "coach"))
    rows = [json.loads(line) for line in (setup / "out" / "pretrain.jsonl").read_text().splitlines()]
    onet = [r["text"] for r in rows if r["source"] == "onet"]
    assert onet == [f"{t}\n{d}" for _, t, d in ONET_ROWS[:2]]               # duplicate and stub dropped
    coach = "\n".join(r["text"] for r in rows if r["source"] == "coach")
    assert all(p.answer in coach for p in corpus.train)
    assert corpus.heldout and not any(p.answer in coach for p in corpus.heldout)
    assert manifest["sources"]["onet"]["documents"] == 2 and manifest["missing"] == []
    assert manifest["totals"]["documents"] == len(rows)
    assert "CC BY 4.0" in manifest["licences"]["onet"]


def test_missing_data_and_unknown_sources_are_reported(tmp_path, monkeypatch):
    use_mini_corpus(tmp_path, monkeypatch)
    monkeypatch.setenv("JOBEXPRESSWAY_SHARED_DATA", str(tmp_path / "nowhere"))
    manifest = pretrain_text.build(tmp_path / "out", ("onet", "postings", "coach"))
    assert manifest["missing"] == ["onet", "postings"] and manifest["sources"]["coach"]["documents"] > 0
    with pytest.raises(ValueError, match="unknown pretraining source"):
        pretrain_text.build(tmp_path / "out", ("onet", "../../etc/passwd"))
    assert main(["coach-pretrain-text", "--out", str(tmp_path / "cli"), "--sources", "coach", "bogus"]) != 0


def test_the_command_writes_text_and_manifest(setup, capsys):
    assert main(["coach-pretrain-text", "--out", str(setup / "cli"), "--sources", "onet", "coach"]) == 0
    assert "onet: 2 documents" in capsys.readouterr().out
    assert len(list(pretrain_text.read_texts(setup / "cli"))) == json.loads(
        (setup / "cli" / "manifest.json").read_text())["totals"]["documents"]


@pytest.mark.skipif(not os.environ.get("JOBEXPRESSWAY_SHARED_DATA"), reason="needs JOBEXPRESSWAY_SHARED_DATA")
def test_real_postings_become_documents(tmp_path):
    manifest = pretrain_text.build(tmp_path, ("postings",), posting_limit=30)
    assert manifest["sources"]["postings"]["documents"] >= 20 and manifest["sources"]["postings"]["words"] > 3000

