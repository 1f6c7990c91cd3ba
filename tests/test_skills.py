import pytest

from engine.datasets.skills import extract_skills, known_skills, normalise_skill


@pytest.mark.parametrize("text, expected", [
    ("Strong in js, k8s and PySpark", ["JavaScript", "Kubernetes", "Apache Spark"]),
    ("C++ and C# on .NET, plus Node.js", ["C++", "C#", ".NET", "Node.js"]),
    ("Apache Spark jobs on Hadoop", ["Apache Spark", "Hadoop"]),
    ("Current BLS and basic life support; patient care", ["BLS", "Patient Care"]),
    ("Experience with machine   learning and SQL Server", ["Machine Learning", "SQL Server"]),
    ("We go to market fast and do r&d research", []),          # ordinary words are not Go / R / Research
    ("We use Go and R for statistics", ["Go", "R"]),
])
def test_extract_skills(text, expected):
    assert extract_skills(text) == expected


def test_each_skill_once_in_order_of_mention():
    assert extract_skills("python, SQL, Python again, sql") == ["Python", "SQL"]
    assert extract_skills("") == [] and extract_skills(None) == []


def test_normalise_skill():
    assert normalise_skill(" k8s ") == "Kubernetes"
    assert normalise_skill("POSTGRES") == "PostgreSQL"
    assert normalise_skill("python") == "Python"
    assert normalise_skill("Underwater  basket weaving") == "Underwater basket weaving"


def test_vocabulary_is_large_and_unique():
    names = known_skills()
    assert len(names) > 400 and len(names) == len(set(names))
