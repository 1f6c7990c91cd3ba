"""Place, work mode and level in recommendations (engine/recsys/placement.py), without a model."""
import pytest

from engine.recsys import placement as P


@pytest.mark.parametrize("location, city, country", [
    ("Berlin", "berlin", "Germany"), ("Austin, TX", "austin", "United States"), ("Lyon, France", "lyon", "France"),
    ("Bengaluru, India", "bengaluru", "India"), ("Germany", None, "Germany"), ("", None, None), (None, None, None),
    ("Springfield, Atlantis", "springfield", "Atlantis")])
def test_place_of(location, city, country):
    assert P.place_of(location) == P.Place(city, country)


def test_context_from_the_issue_profile():
    c = P.candidate_context("Python, SQL, Spark; 3 years data engineering in Berlin")
    assert c == P.CandidateContext(P.Place("berlin", "Germany"), None, "mid")
    assert P.candidate_context("Senior Go engineer, remote").work_mode == "remote"
    assert P.candidate_context("Skills: Python. Location: Paris", "Pune").place.country == "India"  # the field wins


@pytest.mark.parametrize("title, level", [("Junior Data Engineer", "junior"), ("Data Engineer Intern", "junior"),
                                          ("Data Engineer", "mid"), ("Senior Data Engineer", "senior"),
                                          ("Lead Nurse", "senior")])
def test_job_level(title, level):
    assert P.job_level(title) == level


def test_near_jobs_and_the_right_level_move_up():
    berlin = P.candidate_context("3 years data engineering in Berlin")
    near = {"title": "Data Engineer", "location": "Berlin, Germany", "remote": 0}
    far_junior = {"title": "Junior Data Engineer", "location": "Austin, TX", "remote": 0}
    same_country = {"title": "Data Engineer", "location": "Munich, Germany", "remote": 0}
    remote = {"title": "Data Engineer", "location": "Hamburg, Germany", "remote": 1}
    remote_abroad = {"title": "Data Engineer", "location": "Austin, TX", "remote": 1}
    assert [P.nearness(berlin, j) for j in (near, far_junior, same_country, remote, remote_abroad)] == [
        "near", "far", "country", "remote", "far"]   # remote postings are remote within their own country
    # a far junior role 0.1 closer in meaning still ranks below the near one at the candidate's level
    assert P.adjusted_score(0.70, berlin, near) > P.adjusted_score(0.80, berlin, far_junior)
    assert P.adjusted_score(0.70, berlin, same_country) > P.adjusted_score(0.72, berlin, far_junior)
    # saying nothing of place or level changes nothing
    assert P.adjusted_score(0.5, P.candidate_context("Python, SQL"), far_junior) == 0.5


def test_note_when_nothing_is_near():
    berlin = P.candidate_context("in Berlin")
    assert "No matching job near Berlin" in P.placement_note(berlin, ["far", "far"])
    assert "elsewhere in Germany" in P.placement_note(berlin, ["country", "far"])
    assert P.placement_note(berlin, ["far", "near"]) is None
    assert P.placement_note(P.candidate_context("Python"), ["far"]) is None


def test_hostile_profile_text_is_harmless():
    c = P.candidate_context("in <script>alert(1)</script> 99999999999 years " + "x" * 10000, "((((")
    assert c.level == "senior" and P.nearness(c, {"location": None, "remote": None}) in ("unknown", "far")


@pytest.mark.parametrize("text, city", [("Graduate data analyst. In Toronto", "toronto"), ("based in Pune", "pune"),
                                        ("SQL in Python; in Berlin Mitte", "berlin"), ("interested in Java", None)])
def test_city_in_free_text(text, city):
    assert P.candidate_context(text).place.city == city
