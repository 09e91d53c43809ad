"""The generic codebook's detectors (Semetko & Valkenburg 2000) on sentences that must and must
not trigger them: single verbs of disagreement and attack carry conflict; ages and family words
count for private people, not public figures; moral judgement, not insults or religious labels;
the resolution side of responsibility."""

from __future__ import annotations

import pytest

from analysis import framing, stories_from_texts


def _fired(sentence: str) -> set[tuple[str, str]]:
    """(frame, detector) pairs that fire on one sentence with the generic codebook."""
    hits = framing.frame_hits(stories_from_texts([sentence]).sentences, codebook="generic")
    return set(zip(hits["frame"].astype("str"), hits["detector"], strict=True))


def _score(sentence: str, frame: str) -> float:
    """The sentence's score for ``frame`` (summed weights of its distinct detectors)."""
    hits = framing.frame_hits(stories_from_texts([sentence]).sentences, codebook="generic")
    rows = framing.sentence_frames(hits)
    return float(rows.loc[rows["frame"].astype("str") == frame, "score"].sum())


@pytest.mark.parametrize(
    ("sentence", "detector"),
    [
        ("The senator slammed the plan.", "reproach_verbs"),
        ("The two leaders disagree on almost everything.", "disagreement_verbs"),
        ("Tensions between Washington and Beijing rose again.", "disagreement_verbs"),
        ("Parents opposed the closure of the school.", "disagreement_verbs"),
        ("The governor lashed out at the federal response.", "reproach_verbs"),
        ("Democrats blasted the proposal as cruel.", "reproach_verbs"),
        ("She ridiculed the report.", "reproach_verbs"),
        ("Sanders pushed back against the criticism.", "disagreement_verbs"),
        ("Three states sued the administration.", "disagreement"),
        ("He called the senator a hypocrite.", "reproach"),
    ],
)
def test_conflict_single_verb_fires(sentence, detector):
    assert ("conflict", detector) in _fired(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The senator slammed the plan.",
        "The two leaders disagree on almost everything.",
        "Tensions between the two neighbours rose.",
        "They condemned the decision.",
    ],
)
def test_one_strong_conflict_verb_reaches_the_default_threshold(sentence):
    assert _score(sentence, "conflict") == framing.DEFAULT_THRESHOLD


def test_weak_conflict_words_weigh_one():
    assert _score("The talks ended in an impasse.", "conflict") == 1.0
    assert _score("Critics say the plan goes too far.", "conflict") == 1.0


@pytest.mark.parametrize(
    "sentence",
    [
        "Funding rose, as opposed to last year.",
        "The vote was pushed back to Friday.",
        "The assailant fled the scene.",
        "The claim is ridiculous.",
        "The case looked like a slam dunk.",
    ],
)
def test_conflict_lookalikes_do_not_fire(sentence):
    assert not {f for f, _ in _fired(sentence)} & {"conflict"}


@pytest.mark.parametrize(
    "sentence",
    [
        "The 16-year-old activist Greta Thunberg spoke at the summit.",
        "It was a devastating loss for the campaign.",
        "a devastating loss",
        "Trump's daughter Ivanka joined the meeting.",
        "Justice Ginsburg, 81, wrote the dissent.",
        "Sen. Bernie Sanders, 78, won the most votes.",
        "The president and his wife greeted the guests.",
        "Alice Longworth was the daughter of a president.",
        "Critics called it a tragic mistake.",
        "The policy brought brutal rate increases.",
        "Parents must register their children by May.",
        "The cars are 12 years old on average.",
        "The case of Harris Funeral Homes reached the court.",
        "The detainees were sent to their home country.",
    ],
)
def test_human_interest_not_about_public_figures_or_things(sentence):
    assert "human_interest" not in {f for f, _ in _fired(sentence)}


@pytest.mark.parametrize(
    ("sentence", "detector"),
    [
        ("The 8-year-old boy was found safe.", "year_old"),
        ("Maria Lopez, 34, a law student, lost her home in the fire.", "person_age"),
        ("Her son was killed in the crash.", "private_life"),
        ("His wife said she still waits for answers.", "private_life"),
        ("They lost their home in the flood.", "private_life"),
        ("He attended the funeral of his friend.", "private_life"),
        ("The tragic death of the toddler shocked the town.", "emotive_people"),
        ("The cuts mean patients will suffer.", "emotive_people"),
        ("Relatives wept as the coffins passed.", "emotive"),
        ("Jane, a single mother of three, works two jobs.", "personal_example"),
    ],
)
def test_human_interest_private_people_fire(sentence, detector):
    assert ("human_interest", detector) in _fired(sentence)


def test_a_relatives_title_does_not_veto_a_private_persons_age():
    fired = _fired("Nick Reiner, 32, son of acclaimed actor Rob Reiner, was charged.")
    assert ("human_interest", "person_age") in fired
    assert ("human_interest", "personal_example") not in fired


@pytest.mark.parametrize(
    "sentence",
    [
        "hypocrite",
        "Democrats called him a hypocrite.",
        "The right to vote is sacred.",
        "Islamic State militants seized the town.",
        "Evangelical voters backed the nominee.",
        "The House ethics committee opened a probe.",
        "Our thoughts and prayers are with the families.",
        "The Senate has a constitutional duty to review nominees.",
        "It is a holy grail of reformers.",
        "Religious leaders met the mayor.",
    ],
)
def test_morality_not_insults_or_religious_labels(sentence):
    assert "morality" not in {f for f, _ in _fired(sentence)}


@pytest.mark.parametrize(
    ("sentence", "detector"),
    [
        ("Critics called the decision morally indefensible.", "moral_language"),
        ("Doctors raised ethical questions about the trial.", "ethics"),
        ("The law protects religious freedom.", "religious_belief"),
        ("The bishop said God calls us to welcome strangers.", "religion"),
        ("We have a duty to protect those who cannot protect themselves.", "prescriptions"),
    ],
)
def test_morality_fires(sentence, detector):
    assert ("morality", detector) in _fired(sentence)


@pytest.mark.parametrize(
    ("sentence", "detector"),
    [
        ("Congress must pass a bill to fix the border.", "government_expected"),
        ("Congress must pass a bill to fix the border.", "proposal"),
        ("Congress must pass a bill to fix the border.", "solution"),
        ("The government should do more to help renters.", "government_expected"),
        ("The administration plans to expand the program.", "government_expected"),
        ("Advocates urged lawmakers to expand the program.", "call_to_act"),
        ("Parents called on the governor to reopen schools.", "call_to_act"),
        ("The bill would cap insulin prices at $35.", "proposal"),
        ("She introduced legislation to ban the devices.", "proposal"),
        ("Lawmakers are working on a fix for the program.", "solution"),
    ],
)
def test_responsibility_resolution_side_fires(sentence, detector):
    assert ("responsibility", detector) in _fired(sentence)


def test_congress_must_fix_is_responsibility_on_its_own():
    assert _score("Congress must pass a bill to fix the border.", "responsibility") == 3.0


@pytest.mark.parametrize(
    "sentence",
    [
        "You should see the view from the top.",
        "Police urged drivers to slow down.",
        "The company plans to open a new store.",
    ],
)
def test_responsibility_needs_a_government_actor_or_a_proposal(sentence):
    assert "responsibility" not in {f for f, _ in _fired(sentence)}
