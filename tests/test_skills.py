import pytest

from engine.datasets.skills import extract_skills, hand_written, is_hot_technology, known_skills, normalise_skill


@pytest.mark.parametrize("text, expected", [
    ("Strong in js, k8s and PySpark", ["JavaScript", "Kubernetes", "PySpark"]),   # PySpark is O*NET's own entry
    ("C++ and C# on .NET, plus Node.js", ["C++", "C#", ".NET", "Node.js"]),
    ("Apache Spark jobs on Hadoop", ["Apache Spark", "Apache Hadoop"]),          # O*NET's names win
    ("Current BLS and basic life support; patient care", ["BLS", "Patient Care"]),  # no O*NET entry: ours stay
    ("Experience with machine   learning and SQL Server", ["Machine Learning", "Microsoft SQL Server"]),
    ("We go to market fast and do r&d research", []),          # ordinary words are not Go / R / Research
    ("We use Go and R for statistics", ["Go", "R"]),
])
def test_extract_skills(text, expected):
    assert extract_skills(text) == expected


def test_each_skill_once_in_order_of_mention():
    assert extract_skills("python, SQL, Python again, sql") == ["Python", "SQL"]
    assert extract_skills("") == [] and extract_skills(None) == []


def test_hand_written_list_keeps_its_own_names():
    """The generator writes with the hand-written vocabulary; it still reads its own names."""
    assert extract_skills("Apache Spark jobs on Hadoop and Excel", hand_written()) == ["Apache Spark", "Hadoop", "Excel"]


@pytest.mark.parametrize("written, canonical", [
    ("Excel", "Microsoft Excel"),                        # the vocabulary's name leads to O*NET's entry
    ("ms excel", "Microsoft Excel"),                     # and so do its aliases
    ("Structured query language SQL", "SQL"),            # O*NET's spelled-out abbreviation is an alias
    ("Amazon Web Services AWS software", "AWS"),
    ("SAP software", "SAP"),
    ("Medical software", "Medical software"),            # a kind of tool keeps its whole name
    ("Git", "Git"),                                      # O*NET entries the vocabulary lacked
    ("Atlassian JIRA", "Atlassian JIRA"),
])
def test_merged_names_follow_onet(written, canonical):
    assert normalise_skill(written) == canonical


@pytest.mark.parametrize("text, expected", [
    ("We offer medical, dental and vision cover", []),                      # benefits, not tools
    ("Analyze the route and dig into the square footage", []),             # O*NET names that are plain words
    ("Deployments with Chef and Puppet; the chef cooks", ["Chef", "Puppet"]),  # only with the capital
    ("Docker, git and Terraform on AWS", ["Docker", "Git", "IBM Terraform", "AWS"]),  # O*NET 29.2 lists Terraform so
])
def test_onet_skills_in_text(text, expected):
    assert extract_skills(text) == expected


def test_hot_technology_flag():
    assert is_hot_technology("python") and is_hot_technology("Microsoft Excel")
    assert not is_hot_technology("Patient Care") and not is_hot_technology("no such skill")


def test_normalise_skill():
    assert normalise_skill(" k8s ") == "Kubernetes"
    assert normalise_skill("POSTGRES") == "PostgreSQL"
    assert normalise_skill("python") == "Python"
    assert normalise_skill("Underwater  basket weaving") == "Underwater basket weaving"


def test_vocabulary_is_large_and_unique():
    names = known_skills()
    assert len(names) > 8000 and len(names) == len(set(names))
    assert "Patient Care" in names and "Microsoft Excel" in names and "Excel" not in names
