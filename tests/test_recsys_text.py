"""Texts the encoder sees (no model needed)."""
import pytest

from engine.recsys.text import (as_list, clean, job_text, profile_like_text, profile_text, remove_title, resume_text,
                                 title_phrases)

JOB = {"title": "Data Scientist", "description": "<p>Build <b>models</b> &amp; dashboards. " + "word " * 200 + "</p>",
       "responsibilities": "Own experiments.", "required_skills": '["Python", "SQL"]', "education_level": "Master's degree",
       "location": "Boston, MA", "requirements": "3 years as a Data Scientist with Python and SQL."}


def test_job_text_keeps_title_skills_education_and_cuts_the_description():
    text = job_text(JOB)
    # the short structured fields first: a 128-word-piece encoder must never lose them to a long description
    assert text.startswith("Data Scientist. Skills: Python, SQL. Education: Master's degree. Build models & dashboards.")
    assert "<" not in text
    assert "Own experiments" in text
    assert len(text.split()) < 130


def test_every_required_skill_of_a_generated_posting_fits_the_encoders_window():
    from transformers import AutoTokenizer

    from engine.datasets.generator import generate_jobs
    from engine.recsys.encoder import pretrained_path

    tokenizer = AutoTokenizer.from_pretrained(str(pretrained_path()))
    window = 128 - 2                                   # Job-Rec-v1's max_seq_length, less [CLS] and [SEP]
    for job in generate_jobs(40, seed=5):
        text = job_text(job)
        assert len(tokenizer.tokenize(text)) > window   # the whole text does not fit...
        seen = "".join(tokenizer.convert_tokens_to_string(tokenizer.tokenize(text)[:window]).lower().split())
        for skill in job["required_skills"]:           # ...but what the posting asks for does
            assert "".join(skill.lower().split()) in seen, (skill, text)


def test_clean_strips_urls_emails_and_missing_markers():
    assert clean("Apply at https://x.io/jobs or hr@x.io\n\n now") == "Apply at or now"
    assert clean("-1") == "" and clean(None) == ""


def test_as_list_reads_json_csv_and_dedupes():
    assert as_list('["Python", "python", "SQL"]') == ["Python", "SQL"]
    assert as_list("Excel; Word,  Access") == ["Excel", "Word", "Access"]
    assert as_list([{"name": "Go"}, "Rust"]) == ["Go", "Rust"]


def test_profile_text_uses_filled_fields_only():
    text = profile_text({"headline": "Nurse", "skills": '["BLS", "Patient care"]', "location": "Austin", "education": ""})
    assert text == "Nurse. Skills: BLS, Patient care. Location: Austin"
    assert profile_text({"skills": "[]"}) == ""


def test_resume_text_reads_the_resume_builder_document():
    resume = {"personal": {"name": "Ann", "headline": "Backend developer"}, "summary": "Five years of APIs.",
              "experience": [{"title": "Engineer", "company": "Acme", "bullets": ["Built REST APIs", "Cut latency 40%"]}],
              "projects": [{"name": "Shop", "description": "Django store"}], "skills": ["Python", "Django"],
              "education": [{"degree": "BSc", "school": "MIT"}], "certifications": ["AWS SAA"], "languages": ["English"]}
    text = resume_text(resume)
    for part in ("Backend developer", "Five years of APIs", "Skills: Python, Django", "Built REST APIs",
                 "Django store", "BSc MIT", "AWS SAA"):
        assert part in text
    assert "Ann" not in text and resume_text({}) == "" and resume_text(None) == ""


def test_profile_like_text_removes_the_title():
    text = profile_like_text(JOB)
    assert "Data Scientist" not in text
    assert text.startswith("Skills: Python, SQL. 3 years as a with Python and SQL")


def test_title_phrases_cover_seniority_brackets_and_parts():
    assert title_phrases("Senior Data Engineer") == ["Senior Data Engineer", "Data Engineer"]
    assert "SDE" in title_phrases("Supplier Development Engineer (SDE)")
    assert "Technical Solutions Consultant" in title_phrases("Technical Solutions Consultant, Cloud")
    assert title_phrases("") == []


def test_profile_like_text_removes_the_title_in_every_form():
    job = {"title": "Senior Data Engineer", "required_skills": ["Spark", "Data Engineering"],
           "requirements": "5+ years as a data engineer. Data Engineers welcome. Data EngineerLocation: Austin"}
    text = profile_like_text(job)
    assert "engineer " not in text.lower() and "engineers" not in text.lower() and "EngineerLocation" not in text
    assert "Data Engineering" in text  # a different word, a skill: kept
    assert remove_title("Hiring a Senior Data Engineer.", "Senior Data Engineer") == "Hiring a ."


def test_category_pairs_use_trusted_labels_of_training_postings_only():
    import random

    from engine.recsys.finetune import category_text, make_category_pairs

    jobs = [{"title": "Analyst", "description": "Model revenue.", "label_category": "Finance", "split_key": "g1",
             "category": "Finance & Accounting", "source": "google_job_skills"},
            {"title": "Nurse", "description": "Care for patients.", "category": "Healthcare & Nursing",
             "source": "generated", "split_key": "n1"},
            {"title": "Clerk", "description": "File papers.", "category": "Administrative", "source": "dice",
             "split_key": "d1"},
            {"title": "Auditor", "description": "Audit books.", "label_category": "Finance", "split_key": "g2",
             "source": "google_job_skills"}]
    pairs = make_category_pairs(jobs, random.Random(0), limit=10, exclude={"g2"})
    assert [p[1] for p in pairs] == [category_text("Finance"), category_text("Healthcare & Nursing")]
    assert pairs[0][0].startswith("Analyst.")  # Google labels first; inferred categories (dice) never
    assert len(make_category_pairs(jobs, random.Random(0), limit=1)) == 1


def test_same_title_pairs_join_different_postings_of_one_title_taking_titles_in_turn():
    import random

    from engine.recsys.finetune import make_same_title_pairs

    def posting(title, company, skills):
        return {"title": title, "company": company, "required_skills": skills,
                "description": f"{company} is hiring. Work with {', '.join(skills)} every day."}

    jobs = [posting("Senior Data Engineer", f"Co{i}", ["Spark", f"Tool{i}"]) for i in range(6)]
    jobs += [posting("Nurse", "Clinic A", ["BLS"]), posting("Nurse II", "Clinic B", ["ACLS"]),
             posting("Welder", "Shop", ["MIG welding"])]   # a title with one posting gives no pair
    pairs = make_same_title_pairs(jobs, random.Random(0), limit=4)
    assert len(pairs) == 4
    for profile, text in pairs:
        assert "Engineer" not in profile and "Nurse" not in profile       # the query never names the title
        assert text.split(".")[0] in {"Senior Data Engineer", "Nurse", "Nurse II"}
        tool = [s for s in profile.replace(",", " ").replace(".", " ").split() if s.startswith("Tool")]
        assert not tool or tool[0] not in text                             # another posting, not its own
    nurse_pairs = [p for p in pairs if p[1].startswith("Nurse")]
    assert len(nurse_pairs) == 2       # the rare title gets its turn before the frequent one fills the budget
    assert make_same_title_pairs(jobs[6:], random.Random(0), limit=10) == make_same_title_pairs(jobs[6:8], random.Random(0), limit=10)


def test_normal_title_drops_seniority_brackets_and_leading_filler():
    from engine.recsys.text import normal_title

    # every rung of the generator's ladders is the same job: "Apprentice Site Supervisor" is a Site Supervisor
    assert {normal_title(t) for t in ("Apprentice Site Supervisor", "Site Supervisor", "Lead Site Supervisor (Remote)",
                                      "Sr. Site Supervisor")} == {"site supervisor"}
    assert normal_title("Head of Sales") == "sales" and normal_title("Data Analyst II") == "data analyst"
    assert normal_title("Registered Nurse") != normal_title("Licensed Practical Nurse")


def _labelled(title, category, company, source="generated"):
    return {"title": title, "category": category, "company": company, "source": source,
            "required_skills": [f"{title} tool", "Excel"],
            "description": f"{company} is hiring a {title}. You will plan, report and improve our work every week."}


def test_hard_negatives_are_same_category_postings_of_another_title():
    import random

    from engine.recsys.finetune import HardNegatives, make_pairs, make_same_title_pairs

    jobs = [_labelled(t, "Data", f"Co{i}") for i, t in enumerate(["Data Engineer", "Data Engineer", "Data Scientist",
                                                                 "Senior Data Scientist"])]
    jobs += [_labelled("Nurse", "Health", "Clinic"), _labelled("Welder", "", "Shop", source="dice")]
    negatives = HardNegatives(jobs, seed=1)
    for job in jobs[:4]:
        for _ in range(5):
            other = negatives.pick(job)
            assert other["category"] == "Data"
            assert ("Scientist" in other["title"]) != ("Scientist" in job["title"])   # never the same role
    assert negatives.pick(jobs[4]) is None     # the only posting of its category: nothing to contrast with
    assert negatives.pick(jobs[5]) is None     # no category at all

    plain = make_pairs(jobs, random.Random(0), 50)
    hard = make_pairs(jobs, random.Random(0), 50, HardNegatives(jobs, seed=1))
    assert [p[:2] for p in hard] == plain                       # the same pairs, in the same order
    assert all(len(p) == 2 for p in plain) and sum(len(p) == 3 for p in hard) == 8  # 4 Data postings x 2 kinds
    role = lambda text: "Scientist" if "Scientist" in text else "Engineer"  # noqa: E731
    for _, positive, negative in (p for p in hard if len(p) == 3):
        assert role(negative) != role(positive)   # job text against job text, description against description
    titled = make_same_title_pairs(jobs, random.Random(0), 10, HardNegatives(jobs, seed=1))
    assert len(titled) == 4 and all(len(p) == 3 and role(p[1]) != role(p[2]) for p in titled)


def test_training_datasets_keep_pairs_and_triplets_apart():
    from engine.recsys.finetune import training_datasets

    sets = training_datasets([("a", "b"), ("c", "d", "e"), ("f", "g")])
    assert sets["pairs"].column_names == ["anchor", "positive"] and sets["pairs"]["anchor"] == ["a", "f"]
    assert sets["triplets"].column_names == ["anchor", "positive", "negative"] and sets["triplets"]["negative"] == ["e"]
    assert list(training_datasets([("a", "b")])) == ["pairs"]


def test_occupation_pairs_batch_titles_apart_from_long_texts():
    """A batch is padded to its longest text: a title pair must not share one with a description."""
    from engine.recsys.finetune import SHORT_WORDS, training_datasets

    long_text = " ".join(["word"] * (SHORT_WORDS + 1))
    sets = training_datasets([("Data Wrangler", "Data Scientists"), ("Tools: Python", long_text),
                              ("Nurse", "Registered Nurses", "Licensed Practical Nurses")], by_length=True)
    assert sets["short pairs"]["anchor"] == ["Data Wrangler"] and sets["pairs"]["anchor"] == ["Tools: Python"]
    assert sets["short triplets"]["negative"] == ["Licensed Practical Nurses"] and "triplets" not in sets


def test_a_training_run_starts_from_the_model_it_names(monkeypatch, tmp_path):
    from engine.recsys import encoder as enc
    from engine.recsys.finetune import base_folder

    assert base_folder("pretrained") == enc.pretrained_path()
    assert base_folder("job-rec-v1") == enc.jobrec_path()   # trained here, else the shipped one
    monkeypatch.setenv("JOBEXPRESSWAY_SHIPPED_MODELS", str(tmp_path / "none"))
    monkeypatch.setattr(enc, "finetuned_path", lambda: tmp_path / "none-trained")
    with pytest.raises(FileNotFoundError, match="train encoder"):
        base_folder("job-rec-v1")
    with pytest.raises(ValueError, match="unknown base model"):
        base_folder("bert")


def test_training_without_real_postings_says_so(monkeypatch, tmp_path):
    from engine.recsys.finetune import missing_data_warning

    monkeypatch.setenv("JOBEXPRESSWAY_SHARED_DATA", str(tmp_path / "nowhere"))
    warning = missing_data_warning({"real": [], "generated": [{"title": "Nurse"}]})
    assert "no real postings" in warning and str(tmp_path / "nowhere") in warning
    assert missing_data_warning({"real": [{"title": "Nurse"}], "generated": []}) is None
