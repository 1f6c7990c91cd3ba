import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from engine import jobs as jobs_core
from engine.occupations.table import MAX_BYTES, TABLE_FILE, build_table, load_table, title_key

ROOT = Path(__file__).resolve().parent.parent


def test_table_ships_small_attributed_and_loads_without_shared_data(tmp_path):
    assert TABLE_FILE.stat().st_size <= MAX_BYTES
    source = (TABLE_FILE.parent / "SOURCE.md").read_text()
    assert "O*NET 29.2 Database" in source and "Attribution 4.0 International" in source
    code = ("from engine.occupations.table import load_table; from engine.datasets.skills import normalise_skill; "
            "t = load_table(); print(len(t.occupations), t.by_code['15-2051.00'].title, normalise_skill('excel'))")
    env = dict(os.environ, JOBEXPRESSWAY_SHARED_DATA=str(tmp_path / "nowhere"))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[0] == "1016 Data Scientists Microsoft Excel"


def test_held_out_titles_are_a_fifth_per_occupation_and_never_read():
    from engine.occupations.match import occupation_titles
    from engine.occupations.pairs import make_occupation_pairs

    table = load_table()
    held = table.held_out_titles()
    assert 7000 < len(held) < 9000 and all(len(codes) == 1 for codes in held.values())
    keys = {title_key(t) for t in held}
    readable = {title_key(t) for titles in table.training_titles().values() for t in titles}
    assert not keys & readable
    assert not keys & {title_key(t) for _, t in occupation_titles(table)}
    pairs = make_occupation_pairs(random.Random(3), 3000)
    assert len(pairs) == 3300 and not keys & {title_key(t) for pair in pairs for t in pair}
    per_code = {}
    for code, title, is_held in table.alternate_titles:
        per_code.setdefault(code, [0, 0])[is_held] += 1
    big = [h / (h + k) for k, h in per_code.values() if h + k >= 40]
    assert 0.1 < sum(big) / len(big) < 0.2   # 20% of the titles that have one answer, fewer of all titles


def _write_onet(folder: Path) -> None:
    rows = {
        "Occupation Data.txt": ["O*NET-SOC Code\tTitle\tDescription",
                                "15-2051.00\tData Scientists\tDevelop and implement methods to analyze data.",
                                "35-1011.00\tChefs and Head Cooks\tDirect the preparation of food."],
        "Job Zones.txt": ["O*NET-SOC Code\tJob Zone\tDate\tDomain Source", "15-2051.00\t4\t08/2023\tAnalyst"],
        "Alternate Titles.txt": ["O*NET-SOC Code\tAlternate Title\tShort Title\tSource(s)"]
        + [f"15-2051.00\tData Title {i}\tn/a\t08" for i in range(10)] + ["35-1011.00\tHead Chef\tn/a\t08",
                                                                         "15-2051.00\tHead Chef\tn/a\t08"],
        "Sample of Reported Titles.txt": ["O*NET-SOC Code\tReported Job Title\tShown in My Next Move",
                                          "15-2051.00\tData Scientist\tY"],
        "Technology Skills.txt": ["O*NET-SOC Code\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand",
                                  "15-2051.00\tPython\t1\tObject or component oriented development software\tY\tY",
                                  "35-1011.00\tPython\t1\tObject or component oriented development software\tN\tN"],
    }
    for name, lines in rows.items():
        (folder / name).write_text("\r\n".join(lines) + "\r\n")


def test_build_table_from_onet_files(tmp_path):
    _write_onet(tmp_path)
    out = tmp_path / "table.json.gz"
    summary = build_table(tmp_path, out)
    assert (summary["occupations"], summary["alternate_titles"], summary["technologies"]) == (2, 12, 1)
    table = load_table(out)
    assert table.by_code["15-2051.00"].job_zone == 4 and table.by_code["35-1011.00"].job_zone is None
    # 2 of the 10 one-answer titles are held out; "Head Chef" (two occupations) never is
    assert sorted(table.held_out_titles().values(), key=sorted) == [{"15-2051.00"}, {"15-2051.00"}]
    assert [(t.name, t.hot, t.codes) for t in table.technologies] == [("Python", True, ("15-2051.00", "35-1011.00"))]
    assert build_table(tmp_path, tmp_path / "again.json.gz") and (tmp_path / "again.json.gz").read_bytes() == out.read_bytes()


def test_build_table_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="Occupation Data.txt"):
        build_table(tmp_path, tmp_path / "t.json.gz")


def _jobs(db):
    jobs_core.add_jobs(db, [
        {"title": "Data Scientist", "description": "models", "required_skills": ["Python"]},
        {"title": "Senior Data Scientist", "description": "more models", "required_skills": ["Python"]},
        {"title": "Head Chef", "description": "kitchen", "required_skills": []},
        {"title": "Sous Chef", "description": "kitchen too", "required_skills": []},
    ])
    rows = [(1, "15-2051.00", 0.9, "v"), (2, "15-2051.00", 0.8, "v"), (3, "35-1011.00", 0.95, "v"),
            (4, "35-1011.00", 0.3, "v")]   # the last is a guess: below MIN_CONFIDENCE
    db.executemany("INSERT INTO job_occupations VALUES (?, ?, ?, ?)", rows)


def test_search_facet_lists_occupations_and_filters_jobs(db):
    from engine.occupations.jobs import occupation_facet, occupations_of

    _jobs(db)
    assert occupation_facet(db) == [("15-2051.00", "Data Scientists", 2), ("35-1011.00", "Chefs and Head Cooks", 1)]
    found = jobs_core.search_jobs(db, jobs_core.JobFilters(occupation="15-2051.00"))
    assert sorted(j["title"] for j in found.jobs) == ["Data Scientist", "Senior Data Scientist"] and found.total == 2
    found = jobs_core.search_jobs(db, jobs_core.JobFilters(query="chef", occupation="35-1011.00"))
    assert [j["title"] for j in found.jobs] == ["Head Chef"]
    shown = occupations_of(db, [1, 3, 4])
    assert {k: (v.code, v.title) for k, v in shown.items()} == {1: ("15-2051.00", "Data Scientists"),
                                                               3: ("35-1011.00", "Chefs and Head Cooks")}


@pytest.mark.parametrize("title", ["x" * 151, "Data Scientist " * 20])
def test_suggestions_refuse_overlong_titles(title):
    from engine.occupations.jobs import suggest_occupations

    with pytest.raises(ValueError, match="at most 150 characters"):
        suggest_occupations(title)


def test_suggestions_for_nothing_are_empty():
    from engine.occupations.jobs import profile_occupation, suggest_occupations

    assert suggest_occupations("   ") == [] and profile_occupation({"headline": ""}) is None


@pytest.mark.slow
def test_titles_find_their_occupation_and_jobs_get_one_in_a_process_of_their_own(db, data_dir):
    from engine.occupations.jobs import assign_jobs, occupations_of, start_background_assign, suggest_occupations

    assert suggest_occupations("Data Scientist")[0].code == "15-2051.00"
    jobs_core.add_jobs(db, [{"title": t, "description": f"posting {i}"}
                            for i, t in enumerate(("Data Scientist", "Head Chef", "Head Chef"))])
    status = start_background_assign(data_dir)   # what a page starts: never in the page server's process
    assert status.running and status.process.pid != os.getpid()
    assert os.sched_getscheduler(status.process.pid) == os.SCHED_IDLE   # only CPU time the pages leave
    assert start_background_assign(data_dir) is status   # one at a time per data folder
    assert status.process.wait(timeout=300) == 0, (data_dir / "occupations-assign.log").read_text()
    assert status.error is None and not status.running
    done_process = status.process
    assert start_background_assign(data_dir).process is done_process   # not again within RESTART_AFTER_S
    assert {v.code for v in occupations_of(db, [1, 2, 3]).values()} == {"15-2051.00", "35-1011.00"}
    jobs_core.add_jobs(db, [{"title": "Registered Nurse", "description": "posting 3"}])
    done = []
    assert assign_jobs(db, lambda d, t: done.append((d, t))) == 1 and done[-1] == (1, 1)
    assert assign_jobs(db) == 0   # nothing left for this model


def test_eval_scores():
    from engine.occupations.evaluate import score

    rankings = [["a", "b"], ["b", "a"], ["c", "d"]]
    answers = [{"a"}, {"a"}, {"x"}]
    assert score(rankings, answers) == {"acc@1": 0.3333, "acc@5": 0.6667, "MRR@10": 0.5}


@pytest.mark.parametrize("title, query", [
    ("Lead Front End Developer", "Front End Developer"),          # "Lead" is a rank here, not the metal
    ("Lead Data Engineer (Python) - Remote", "Data Engineer"),
    ("Administrative Assistant - $19.35 Per Hr", "Administrative Assistant"),
    ("Electrical Engineer II", "Electrical Engineer"),
    ("Executive/Head Chef", "Executive/Head Chef"),              # "Head" and "Chief" name occupations
    ("Senior", "Senior"),                                        # nothing left: the title as it was
    ("  ", ""),
])
def test_query_title_keeps_what_names_the_occupation(title, query):
    from engine.occupations.jobs import query_title

    assert query_title(title) == query


def test_matcher_titles_leave_out_spellings_of_several_occupations():
    from engine.occupations.match import occupation_titles

    table = load_table()
    owners = {}
    for code, title, _ in table.alternate_titles:
        owners.setdefault(title.lower(), set()).add(code)
    rows = occupation_titles(table)
    assert len({c for c, _ in rows}) == 1016 and all(sum(c == code for c, _ in rows) <= 8 for code in table.by_code)
    own = {o.title.lower() for o in table.occupations}
    assert all(len(owners.get(t.lower(), ())) <= 1 for _, t in rows if t.lower() not in own)
    assert len(owners["security officer"]) > 1 and "Security Officer" not in {t for _, t in rows}


def test_cli_build_and_match_say_what_is_wrong(tmp_path, capsys):
    from engine.cli import main

    assert main(["occupations", "build", "--source", str(tmp_path)]) == 2
    assert "Occupation Data.txt" in capsys.readouterr().err
    assert main(["occupations", "match", "x" * 151]) == 2
    assert "at most 150 characters" in capsys.readouterr().err
    assert main(["occupations", "match", "   ", "--json"]) == 0 and capsys.readouterr().out.strip() == "[]"
