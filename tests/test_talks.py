"""Each notebook is a 60-minute slide talk: RISE metadata on every cell, a title, an agenda, Korean speaker
notes on every slide, discussion questions with hidden answers, a recap — read from the notebooks on disk."""

import re

import pytest

from dmlib import course

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z\uac00-\ud7a3]")


def _text(cell) -> str:
    return "".join(cell["source"])


def _heading(slide) -> str:
    return _text(slide[0]).splitlines()[0] if slide and slide[0]["source"] else ""


def _sentences(text: str) -> list[str]:
    prose = re.sub(r"\$[^$]*\$|`[^`]*`|\([^)]*\)", "", text)  # maths, code and asides are not sentences
    return [s for s in re.split(r"(?<=[.?!])\s+", prose.strip()) if HANGUL.search(s)]


@pytest.fixture(params=course.NOTEBOOKS, ids=lambda nb: nb.path.split("/")[-1])
def notebook(request):
    return request.param


def test_every_cell_has_a_slide_role(notebook):
    cells = course.cells(notebook)
    missing = [_text(c)[:60] for c in cells if course.slide_type(c) not in course.SLIDE_TYPES]
    assert not missing, f"cells without slideshow metadata: {missing}"


def _main_path(notebook) -> tuple[list, list]:
    """The talk's slides up to its discussion slide, and what follows for after the talk (exercises, 부록)."""
    talk = course.slides(notebook)
    ends = [k for k, s in enumerate(talk) if "토론 질문" in _heading(s)]
    cut = ends[0] + 1 if ends else len(talk)
    return talk[:cut], talk[cut:]


def test_the_talk_opens_on_its_title_and_has_twenty_to_forty_slides(notebook):
    main, appendix = _main_path(notebook)
    first = course.cells(notebook)[0]
    assert course.slide_type(first) == "slide"
    assert _text(first).startswith(f"# {notebook.talk}")
    assert 20 <= len(main) <= 40, f"{len(main)} slides up to the discussion"
    assert len(appendix) <= 16, f"{len(appendix)} slides after the discussion"


def test_the_appendix_follows_the_discussion_and_the_agenda_matches_the_slides(notebook):
    """TALKS.md §3: methodology goes to a 부록 after the discussion; about 1.5 minutes per slide."""
    main, after = _main_path(notebook)
    assert not any("부록" in _heading(s) for s in main), "an appendix slide before the discussion"
    assert any("부록" in _heading(s) for s in after), "no 부록 after the discussion"
    rows = course.agenda(notebook)
    discussion = sum(minutes for section, minutes in rows if "토론" in section or "Discussion" in section)
    talking = sum(minutes for _, minutes in rows) - discussion
    per_slide = talking / (len(main) - 1)  # the discussion slide takes the discussion's minutes
    assert 1.0 <= per_slide <= 2.0, f"{talking} min for {len(main) - 1} slides: {per_slide:.2f} min per slide"


def test_every_slide_has_korean_speaker_notes(notebook):
    for slide in course.slides(notebook):
        notes = [_text(c) for c in slide if course.slide_type(c) == "notes"]
        assert len(notes) == 1, f"slide {_heading(slide)!r} has {len(notes)} notes cells"
        words = [w for w in notes[0].split() if WORD.search(w)]
        korean = sum(bool(HANGUL.search(w)) for w in words) / len(words)  # English terms are kept, but few
        assert korean > 0.6, f"notes of {_heading(slide)!r}: {korean:.0%} of the words are Korean"
        assert 2 <= len(_sentences(notes[0])) <= 6, f"notes of {_heading(slide)!r}: {_sentences(notes[0])}"


def test_the_agenda_adds_up_to_fifty_to_sixty_minutes(notebook):
    rows = course.agenda(notebook)
    assert len(rows) >= 4
    assert 50 <= sum(minutes for _, minutes in rows) <= 60
    agenda_text = next(_text(s[0]) for s in course.slides(notebook) if "Agenda" in _heading(s))
    assert f"**{sum(m for _, m in rows)}**" in agenda_text, "the total row is not the sum of the rows"


def test_the_talk_ends_on_a_recap_and_discussion_questions_with_hidden_answers(notebook):
    headings = [_heading(s) for s in course.slides(notebook)]
    recap = [h for h in headings if h.startswith("## ") and "요약" in h]
    discussion = [s for s in course.slides(notebook) if "토론 질문" in _heading(s)]
    assert recap
    assert len(discussion) == 1
    questions = "".join(_text(c) for c in discussion[0] if course.slide_type(c) != "notes")
    answers = re.findall(r"<details>\s*<summary>.*?</summary>(.*?)</details>", questions, re.S)
    assert 3 <= len(answers) <= 5, f"{len(answers)} questions with a hidden model answer"
    assert all(HANGUL.search(a) and re.search(r"§\s?\d|Figure|cell|그림", a) for a in answers), (
        "each model answer is in Korean and names the section, cell or figure that settles it"
    )
    assert "predict" in questions.lower(), "no 'predict, then run' question"
    assert "예측" in questions, "the 'predict, then run' question is not in Korean"


def test_notes_errata_quote_the_notes_verbatim(notebook):
    seed = course.ROOT.parent / "shared" / "seed"
    notes = " ".join(p.read_text() for p in seed.glob("*.txt")) if seed.is_dir() else None
    boxes = [_text(c) for c in course.cells(notebook) if "노트 정정" in _text(c)]
    assert boxes, "no 노트 정정 · notes errata box"
    if notes is None:
        pytest.skip("the group's notes (../shared/seed) are not beside this checkout")
    for box in boxes:
        assert re.search(r"노트 · notes: “(.+?)”", box), f"an errata box without its quote: {box[:80]!r}"
        for quote in re.findall(r"노트 · notes: “(.+?)”", box):
            assert " ".join(quote.split()) in " ".join(notes.split()), f"not verbatim: {quote!r}"


def test_readme_presenting_tables_are_generated_from_the_agendas():
    readme = (course.ROOT / "README.md").read_text()
    assert course.presenting_markdown() in readme, "run `python -m dmlib badges`"


PREDICT_FIRST = re.compile(r"\*?[Pp]redict\*?,? (the|what|which|how|where|whether)\b")
# Korean particles attach to an English word ("arm이"), so only ASCII letters may not border it.
# An instruction to the presenter read out as if it were speech.
DIRECTION = re.compile(r"(말하세요|물어보세요|짚어 주세요|보여 주세요|강조하세요|넘어가세요)")
INTERNAL_WORDS = re.compile(r"(?<![A-Za-z])(sidecar|recipe|report|arms?|budget|issue)(?![A-Za-z])|예산", re.I)


def test_predict_first_exercises_ship_without_outputs(notebook):
    cells = course.cells(notebook)
    for i, cell in enumerate(cells):
        text = _text(cell)
        if cell["cell_type"] == "markdown" and text.startswith("**Exercise") and PREDICT_FIRST.search(text):
            code = next(c for c in cells[i + 1 :] if c["cell_type"] == "code")
            assert code.get("outputs") == [], f"{text.splitlines()[0][:60]}: its answer is already printed"


def test_speaker_notes_hold_no_internal_words_and_stage_directions_stand_alone(notebook):
    for cell in course.cells(notebook):
        if course.slide_type(cell) != "notes":
            continue
        text = _text(cell)
        spoken = re.sub(r"`[^`]*`", "", text)  # code names are shown, not read as words
        found = INTERNAL_WORDS.search(spoken)
        assert not found, f"internal word in notes: {found[0]!r}"
        for line in text.splitlines():
            assert "[진행]" not in line or line.lstrip("> -*").startswith("[진행]"), line[:80]
            assert not DIRECTION.search(line) or "[진행]" in line, f"a direction read aloud: {line[:80]}"
