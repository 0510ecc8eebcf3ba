"""Attribute checks (verify.py) and report order (timeline.py) on hand-made hits: the
near misses and superseded reports of issue 18, in kk/ru/en."""

from dataclasses import replace

from qa_service.answer import Hit
from qa_service.composition import SearchParams
from qa_service.corpus import Article
from qa_service.glossary import Glossary
from qa_service.lab.evaluate import memory_index_for
from qa_service.passages import Passage
from qa_service.search import Searcher
from qa_service.timeline import asks_outcome, disagree, order_reports
from qa_service.values import find_values
from qa_service.verify import Check, as_lead, asked, check_hit, check_hits

GLOSSARY = Glossary.load()


def _hit(rank: int, text: str, date: str, lang: str = "en", score: float = 1.0) -> Hit:
    article = Article(
        id=f"a{rank}{date}",
        title="Report",
        date=date,
        outlet=f"Outlet {rank}",
        section=None,
        url=None,
        lang=lang,
        body=text,
        source="x.md",
        line=1,
    )
    passage = Passage(f"p{rank}{date}", article.id, 0, text, 0, len(text), ((0, len(text)),))
    return Hit(rank, score, passage, article, ((0, len(text)),))


def _order(question: str, hits: list[Hit], lang: str = "en"):
    q = asked(question, GLOSSARY)
    return order_reports(hits, check_hits(hits, q, GLOSSARY), lang, asks_outcome(question))


def test_check_needs_the_asked_attribute_and_concepts():
    years = asked("How many years will Kurultai deputies serve?", GLOSSARY)
    number = check_hit(
        _hit(1, "The Kurultai will have 145 deputies.", "2026-02-12"), years, GLOSSARY
    )
    term = check_hit(
        _hit(1, "Kurultai deputies will serve a five-year term.", "2026-02-12"), years, GLOSSARY
    )
    assert not number.states and term.states and term.cover == 1.0
    chair = asked("Кто возглавляет Конституционную комиссию?", GLOSSARY)
    court = check_hit(
        _hit(1, "Deputy Chairman of the Constitutional Court Elvira Azimova spoke.", "2026-01-22"),
        chair,
        GLOSSARY,
    )
    assert court.cover < 1.0  # the Court is not the Commission
    russian = asked("Какой будет статус русского языка?", GLOSSARY)
    kazakh = check_hit(
        _hit(1, "The state status of the Kazakh language will remain unchanged.", "2026-02-14"),
        russian,
        GLOSSARY,
    )
    assert kazakh.cover < 1.0


def test_a_deputys_role_is_not_answered_by_the_heads():
    """ "The vice president's term" is not the president's: a question about a deputy's
    role (vice president, заместитель председателя, орынбасары) is stated only by a
    sentence that names such a role (a near miss of the grown and the fresh sets)."""
    president = _hit(1, "The president is elected for a single seven-year term.", "2026-02-12")
    vice = _hit(2, "The vice president serves a five-year term.", "2026-02-12")
    for question in (
        "For how many years is the vice president appointed?",
        "На какой срок назначается вице-президент?",
        "Вице-президент қанша жылға тағайындалады?",
    ):
        q = asked(question, GLOSSARY)
        assert q.qualified
        assert not check_hit(president, q, GLOSSARY).states, question
        assert check_hit(vice, q, GLOSSARY).states, question
    head = asked("How long is the president's term?", GLOSSARY)
    assert not head.qualified and check_hit(president, head, GLOSSARY).states
    # Members of parliament are "deputies" too: not a deputy's role.
    assert not asked("How many years will Kurultai deputies serve?", GLOSSARY).qualified


def test_counts_match_across_languages_through_the_glossary():
    q = asked("Сколько депутатов будет в Курултае?", GLOSSARY)
    found = check_hit(_hit(1, "The Kurultai will have 145 deputies.", "2026-02-12"), q, GLOSSARY)
    assert found.states and [v.text for v in found.values] == ["145 deputies"]


def test_newer_report_first_and_the_older_one_superseded():
    old = _hit(1, "The referendum could be held in 2027.", "2025-09-08")
    new = _hit(2, "The referendum will be held on 15 March 2026.", "2026-02-12")
    other = _hit(3, "Citizens discussed the draft.", "2026-02-20")
    ordered = _order("When will the referendum be held?", [old, new, other])
    assert [h.passage.id for h in ordered.hits] == [
        new.passage.id,
        other.passage.id,
        old.passage.id,
    ]
    assert [h.rank for h in ordered.hits] == [1, 2, 3]
    assert ordered.moved
    (note,) = ordered.superseded
    assert (note.date, note.outlet, note.passage_id) == ("2025-09-08", "Outlet 1", old.passage.id)
    assert note.values == ("2027",)


def test_agreeing_reports_keep_their_order_and_supersede_nothing():
    a = _hit(1, "The referendum is scheduled for March 15.", "2026-02-14")
    b = _hit(2, "Референдум 2026 жылғы 15 наурызда өтеді.", "2026-02-12", "kk", 0.5)
    ordered = _order("When will the referendum be held?", [a, b])
    assert [h.passage.id for h in ordered.hits] == [a.passage.id, b.passage.id]
    assert not ordered.superseded and not ordered.moved


def test_same_language_first_when_it_answers_as_well():
    en = _hit(1, "The referendum is scheduled for March 15.", "2026-02-14", "en", 1.0)
    kk = _hit(2, "Референдум 2026 жылғы 15 наурызда өтеді.", "2026-02-12", "kk", 0.95)
    far = _hit(2, "Референдум 2026 жылғы 15 наурызда өтеді.", "2026-02-12", "kk", 0.5)
    ordered = _order("Референдум қашан өтеді?", [en, kk], "kk")
    assert ordered.hits[0].article.lang == "kk" and not ordered.superseded
    # Too far below the first: the better match stays first.
    assert _order("Референдум қашан өтеді?", [en, far], "kk").hits[0].article.lang == "en"


def test_outcome_questions_prefer_the_later_report():
    early = _hit(1, "On preliminary figures turnout stood at about 72.8 percent.", "2026-03-16")
    final = _hit(2, "Turnout was 73.12 percent, the commission said.", "2026-03-17")
    ordered = _order("What was the turnout?", [early, final])
    assert ordered.hits[0].passage.id == final.passage.id
    assert [n.passage_id for n in ordered.superseded] == [early.passage.id]
    assert asks_outcome("Какая была явка?") and asks_outcome("Референдум нәтижесі қандай?")
    assert not asks_outcome("When will the referendum be held?")


def test_a_hit_that_states_the_attribute_comes_before_one_that_does_not():
    number = _hit(1, "The Kurultai will have 145 deputies.", "2026-02-12")
    term = _hit(2, "Kurultai deputies will serve a five-year term.", "2026-02-12")
    ordered = _order("How many years will Kurultai deputies serve?", [number, term])
    assert ordered.hits[0].passage.id == term.passage.id and not ordered.superseded


def test_a_yes_no_question_naming_a_date_is_ordered_as_a_date_question():
    old = _hit(1, "The referendum could be held in 2027.", "2025-09-08")
    new = _hit(2, "The referendum will be held on 15 March 2026.", "2026-02-12")
    ordered = _order("Is the referendum in 2027?", [old, new])
    assert ordered.hits[0].passage.id == new.passage.id
    assert [n.passage_id for n in ordered.superseded] == [old.passage.id]


def test_a_date_of_another_event_neither_leads_nor_supersedes_the_asked_one():
    """The absentee deadline (newer, first) states a date, but not the referendum's: the
    15 March report leads and is not marked superseded by it."""
    deadline = _hit(
        1,
        "Азаматтар 14 наурыз сағат 18:00-ге дейін сырттай дауыс беру куәлігін ала алады.",
        "2026-03-01",
        "kk",
    )
    held = _hit(
        2, "Жаңа Конституция бойынша референдум 2026 жылғы 15 наурызда өтеді.", "2026-02-12", "kk"
    )
    ordered = _order("Референдум қашан өтеді?", [deadline, held], "kk")
    assert ordered.hits[0].passage.id == held.passage.id
    assert ordered.superseded == ()


def test_a_first_hit_stating_nothing_sets_no_cover_bar():
    """The validity threshold (first, naming voters and the referendum) states no turnout;
    the turnout report names fewer of the question's concepts but answers: it leads."""
    threshold = _hit(
        1,
        "For the referendum to be valid, more than half of all eligible voters must take part.",
        "2026-02-20",
    )
    turnout = _hit(
        2, "Turnout in the referendum was 73.12 percent: 9,127,192 people voted.", "2026-03-16"
    )
    ordered = _order("What share of voters took part in the referendum?", [threshold, turnout])
    assert ordered.hits[0].passage.id == turnout.passage.id


def test_a_day_without_a_year_is_in_its_reports_year():
    """ "March 15" in a February 2026 report is 15 March 2026: it disagrees with an older
    report's "2027" (a year alone would agree with any day), so the newer report leads and
    the older one is superseded."""
    old = _hit(1, "The earliest date mentioned for a vote on the change is 2027.", "2025-09-10")
    new = _hit(2, "The referendum will be held on March 15.", "2026-02-14")
    ordered = _order("referendum date", [old, new])
    assert ordered.hits[0].passage.id == new.passage.id
    assert [n.passage_id for n in ordered.superseded] == [old.passage.id]


def test_a_yes_no_question_naming_a_year_is_checked_as_a_date_of_the_vote():
    q = asked("Референдум будет в 2027 году?", GLOSSARY)
    assert q.qtype is not None and (q.qtype.kind, q.qtype.of) == ("date", ("held",))


def test_a_season_beside_a_date_does_not_make_an_old_report_agree():
    """ "15 March 2026 ... in autumn" still disagrees with "2027": the Kazakh reader gets
    the Kazakh report of 15 March first, not the superseded Kazakh report of 2027."""
    en = _hit(
        1, "The vote will take place on 15 March 2026, not in autumn.", "2026-02-12", "en", 1.7
    )
    old = _hit(2, "Бұл мәселе бойынша референдум 2027 жылы өтуі мүмкін.", "2025-09-08", "kk", 1.55)
    kk = _hit(3, "Референдум 2026 жылғы 15 наурызда өтеді.", "2026-02-12", "kk", 1.5)
    ordered = _order("Референдум қашан өтеді?", [en, old, kk], "kk")
    assert ordered.hits[0].passage.id == kk.passage.id
    assert [n.passage_id for n in ordered.superseded] == [old.passage.id]


def test_a_preliminary_report_of_the_same_day_is_superseded_by_the_final_one():
    # Election night: the early count and the commission's results carry one date.
    night = "2026-03-16"
    early = _hit(1, "About 86.9 percent answered yes, according to the partial count.", night)
    final = _hit(2, "Of those who voted, 87.15 percent, or 7,954,667 people, said yes.", night)
    for question in ("how many said yes", "What share voted yes?"):
        ordered = _order(question, [early, final])
        assert ordered.hits[0].passage.id == final.passage.id, question
        assert [n.passage_id for n in ordered.superseded] == [early.passage.id], question
    kk_early = _hit(1, "Алдын ала деректер бойынша келуі 72,8 пайыз болды.", "2026-03-16", "kk")
    kk_final = _hit(2, "Сайлаушылардың 73,12 пайызы қатысты.", "2026-03-16", "kk")
    ordered = _order("Сайлаушылардың келуі қанша болды?", [kk_early, kk_final], "kk")
    assert ordered.hits[0].passage.id == kk_final.passage.id
    # Two final reports of one day that disagree keep the retrieval's order.
    other = _hit(2, "Turnout was 73.5 percent, another count said.", "2026-03-16")
    final_t = _hit(1, "Turnout was 73.12 percent.", "2026-03-16")
    assert _order("What was the turnout?", [final_t, other]).hits[0].passage.id == (
        final_t.passage.id
    )


def test_a_share_and_a_head_count_of_one_result_do_not_disagree():
    share = Check(True, 1.0, tuple(find_values("Against: 6.2 percent of those who voted.")))
    count = Check(True, 1.0, tuple(find_values("898,099 people voted against.")))
    other = Check(True, 1.0, tuple(find_values("Against: 7.4 percent.")))
    assert not disagree(share, count) and not disagree(count, share)
    assert disagree(share, other)


def test_another_votes_newer_report_neither_leads_nor_supersedes():
    referendum = _hit(1, "Turnout at the referendum was 73.12 percent.", "2026-03-16", score=2.4)
    by_election = _hit(2, "Turnout at the maslikhat by-election was 28 percent.", "2026-04-22")
    ordered = _order("What was the turnout?", [referendum, by_election])
    assert ordered.hits[0].passage.id == referendum.passage.id
    assert not ordered.superseded and not ordered.moved


def test_only_a_named_attribute_reorders_reports(tmp_path, e5):
    # "When ...?" of no named event matches any date: reordering on it put the entry into
    # force first and noted Constitution Day's new date as superseded. A holiday's day is
    # an event of its own (ninth session): only a date next to its words answers.
    assert not asked("When will the new state emblem be adopted?", GLOSSARY).specific
    day = asked("When will Constitution Day be celebrated now?", GLOSSARY)
    assert day.specific and day.qtype.of == ("celebrate",)
    assert asked("When will the referendum be held?", GLOSSARY).specific
    assert asked("How many deputies will the Kurultai have?", GLOSSARY).specific
    assert not asked("How many people came to the rally?", GLOSSARY).specific
    # People named by their right to vote are the voters: a named attribute (eighth session).
    assert asked("How many people were eligible to vote?", GLOSSARY).specific
    articles = {
        "day.md": ("2026-03-17", "Constitution Day moves", "Constitution Day will now be "
                   "celebrated on 15 March, the day of the referendum."),
        "force.md": ("2026-07-01", "The Constitution in force", "The new Constitution came "
                     "into force on 1 July 2026."),
    }  # fmt: skip
    for name, (date, title, body) in articles.items():
        (tmp_path / name).write_text(
            f"---\ntitle: {title}\ndate: {date}\noutlet: Test\nlang: en\n---\n{body}\n",
            encoding="utf-8",
        )
    searcher = Searcher(memory_index_for(tmp_path, e5), e5, SearchParams())
    answer = searcher.ask("When will Constitution Day be celebrated now?")
    assert "15 March" in answer.results[0].passage.text
    assert not answer.superseded


def test_a_role_belongs_to_the_body_named_nearest_it():
    court_deputy = (
        "Deputy Chairman of the Constitutional Court of the Republic of Kazakhstan, member of "
        "the Constitutional Commission, Bakhyt Nurmukhanov"
    )
    kk_court_deputy = (
        "Конституциялық сот төрағасының орынбасары, Конституциялық комиссия мүшесі Бақыт Нұрмұханов"
    )
    for question, sentence in [
        ("Who is the deputy chair of the Constitutional Commission?", court_deputy),
        ("Конституциялық комиссия төрағасының орынбасары кім?", kk_court_deputy),
        ("Кто заместитель председателя Конституционной комиссии?", court_deputy),
    ]:
        assert not check_hit(
            _hit(1, sentence, "2026-02-14"), asked(question, GLOSSARY), GLOSSARY
        ).states
    court = asked("Who is the deputy chairman of the Constitutional Court?", GLOSSARY)
    assert check_hit(_hit(1, court_deputy, "2026-02-14"), court, GLOSSARY).states
    # A kind of body asked ("commission deputy chair"): the Court's officer is not one, a
    # named commission's is.
    generic = asked("commission deputy chair", GLOSSARY)
    assert not check_hit(_hit(1, court_deputy, "2026-02-14"), generic, GLOSSARY).states
    crc_deputy = "Deputy Chairman of the Central Referendum Commission Nurlan Abdirov said so."
    assert check_hit(_hit(1, crc_deputy, "2026-02-14"), generic, GLOSSARY).states
    # A sentence that does not name the asked body answers only under a title that does:
    # "the commission's deputy chair" may be another commission's.
    chair = asked("Who chairs the Constitutional Commission?", GLOSSARY)
    azimova = "The commission is chaired by Elvira Azimova, also Chair of the Constitutional Court."
    assert not check_hit(_hit(1, azimova, "2026-01-22"), chair, GLOSSARY).states
    titled = _hit(1, azimova, "2026-01-22")
    titled = Hit(
        1,
        1.0,
        titled.passage,
        replace(titled.article, title="Constitutional Commission set up"),
        titled.highlight,
    )
    assert check_hit(titled, chair, GLOSSARY).states
    crc = asked("Орталық референдум комиссиясы төрағасының орынбасары кім?", GLOSSARY)
    karin = "Комиссия төрағасының орынбасары – Мемлекеттік кеңесші Ерлан Қарин."
    assert not check_hit(_hit(1, karin, "2026-01-22", "kk"), crc, GLOSSARY).states


def test_a_place_the_question_names_must_be_named_by_the_sentence():
    """ "The turnout in Almaty" is not the national turnout, and Russia's election is not
    Kazakhstan's: the sentence, or its article's title, names the asked place."""
    national = _hit(1, "Turnout was 73.12 percent nationwide.", "2026-03-16")
    local = _hit(2, "In Almaty turnout was 61.4 percent.", "2026-03-16")
    for question in (
        "What was the turnout in Almaty?",
        "Какая была явка в Алматы?",
        "Алматыда сайлаушылардың келуі қанша болды?",
    ):
        q = asked(question, GLOSSARY)
        assert not check_hit(national, q, GLOSSARY).states, question
        assert check_hit(local, q, GLOSSARY).states, question
    everywhere = asked("What was the turnout?", GLOSSARY)
    assert check_hit(national, everywhere, GLOSSARY).states
    election = asked("Ресейде келесі президент сайлауы қашан өтеді?", GLOSSARY)
    ours = _hit(1, "The presidential election will be held on 20 March 2029.", "2026-07-01")
    assert not check_hit(ours, election, GLOSSARY).states


def test_a_part_or_version_the_question_names_must_be_named_by_the_sentence():
    """Voters abroad are not all voters, the opposition's seats are not all seats, the first
    draft is not the final one (thirteenth session's probe, places.py): the sentence, or its
    article's title, names the part or version a question asks about, and then the report
    of that version leads, older or not, and supersedes nothing."""
    first = _hit(
        1, "This first draft runs to 98 articles grouped into eleven sections.", "2026-01-31"
    )
    final = _hit(2, "The final draft of the new Constitution contains 95 articles.", "2026-02-12")
    for question, lang in (
        ("How many articles did the first draft have?", "en"),
        ("Сколько статей было в первом проекте?", "ru"),
        ("Алғашқы жобада неше бап болды?", "kk"),
    ):
        ordered = _order(question, [final, first], lang)
        assert ordered.hits[0].passage.id == first.passage.id, question
        assert not ordered.superseded, question
    # Asked without a version, the newer report leads and the first draft is superseded.
    ordered = _order("How many articles are in the new Constitution?", [first, final])
    assert ordered.hits[0].passage.id == final.passage.id
    assert [n.passage_id for n in ordered.superseded] == [first.passage.id]
    total = _hit(
        1, "Turnout was 73.12 percent: 9,127,192 people voted at home and abroad.", "2026-03-16"
    )
    ru_yes = _hit(
        2, "За принятие высказались 87,15 процента, или 7 954 667 человек.", "2026-03-16", "ru"
    )
    for question in ("How many people voted abroad?", "Сколько человек проголосовало за рубежом?"):
        q = asked(question, GLOSSARY)
        assert q.places == {"Abroad"}, question
        assert not any(check_hit(h, q, GLOSSARY).states for h in (total, ru_yes)), question
    seats = _hit(1, "All 145 seats in the Kurultai are filled from party lists.", "2026-07-15")
    opposition = asked("How many seats will the opposition get in the Kurultai?", GLOSSARY)
    assert not check_hit(seats, opposition, GLOSSARY).states
    assert check_hit(
        seats, asked("How many seats will the Kurultai have?", GLOSSARY), GLOSSARY
    ).states


def test_an_earlier_versions_report_never_answers_a_question_about_the_final_one():
    """ "How many comments did citizens send on the final draft?" is not answered by
    "comments were received on the earlier draft" (fifteenth session's probe: `high` in
    English and Russian): a sentence naming an earlier version (earlier, previous, first,
    preliminary; kk/ru/en) and not the final one is compared as a report, noted as
    superseded where it disagrees, and never leads; the final version need not be named
    by the answer."""
    from qa_service.places import names_earlier_only, names_final

    assert names_final("the final draft") and names_final("окончательный текст")
    assert names_final("Түпкілікті жоба") and not names_final("Finally, the vote")
    for sentence in (
        "Comments were received on the earlier draft.",
        "Замечания поступили к предыдущему проекту.",
        "Бұрынғы жобаға ұсыныстар түсті.",
        "This first draft runs to 98 articles.",
        "On these preliminary figures turnout stood at about 72.8 percent.",
    ):
        assert names_earlier_only(sentence), sentence
    assert not names_earlier_only("The final draft, unlike the earlier one, has 95 articles.")
    assert not names_earlier_only("The Constitution has 95 articles.")

    comments = _hit(
        1,
        "More than 4,000 comments from citizens were received on the earlier draft.",
        "2026-02-12",
    )
    other = _hit(2, "The commission changed several wordings in response.", "2026-02-13")
    for question in (
        "How many comments did citizens send on the final draft?",
        "Сколько замечаний граждан поступило к окончательному проекту?",
    ):
        q = asked(question, GLOSSARY)
        assert q.final, question
        check = check_hit(comments, q, GLOSSARY)
        assert check.states and check.earlier, question
        # Shown first, it states nothing for the confidence stage (no `high`).
        assert not as_lead(check).states and as_lead(Check(True, 1.0)).states
        # With no report of the final draft, it stays where it is.
        ordered = _order(question, [comments, other])
        assert ordered.hits[0].passage.id == comments.passage.id and not ordered.moved
    # Asked without a version, it answers.
    plain = check_hit(
        comments, asked("How many comments did citizens send on the draft?", GLOSSARY), GLOSSARY
    )
    assert plain.states and not plain.earlier
    # The first draft's 98 articles: compared, superseded, never first, though first in rank.
    first = _hit(1, "This first draft runs to 98 articles.", "2026-01-31")
    final = _hit(2, "The Constitution has 95 articles.", "2026-02-12")
    ordered = _order("How many articles does the final text have?", [first, final])
    assert ordered.hits[0].passage.id == final.passage.id
    assert [n.passage_id for n in ordered.superseded] == [first.passage.id]


def test_a_year_the_question_names_must_be_named_by_the_sentence_or_title():
    """ "How many articles did the 1995 Constitution have?" is not answered by the final
    draft's 95; a figure a question quotes is no such name ("Early reports said turnout
    was 72.8% - is that the final figure?" is answered by the final 73.12)."""
    final = _hit(1, "The final draft of the new Constitution contains 95 articles.", "2026-02-12")
    old = _hit(
        2, "Compared with the 1995 text, 77 of its 104 articles have been rewritten.", "2026-02-12"
    )
    for question in (
        "How many articles did the 1995 Constitution have?",
        "Сколько статей было в Конституции 1995 года?",
    ):
        q = asked(question, GLOSSARY)
        assert q.years == {"1995"}, question
        assert not check_hit(final, q, GLOSSARY).states, question
        assert check_hit(old, q, GLOSSARY).states, question
    quoted = asked("Early reports said turnout was 72.8% - is that the final figure?", GLOSSARY)
    assert not quoted.years
    assert check_hit(_hit(1, "Turnout was 73.12 percent.", "2026-03-16"), quoted, GLOSSARY).states
    assert not asked("Is the referendum in 2027?", GLOSSARY).years  # the value it asks


def test_a_sentence_dated_by_the_one_before_is_read_with_it():
    """ "On the same day the powers of the Parliament ... ended": the date is the sentence
    before's, and the value is read there (not "the 1995 Constitution")."""
    text = (
        "The new Constitution came into force on 1 July 2026. On the same day the powers "
        "of the Parliament ended."
    )
    hit = _hit(1, text, "2026-07-01")
    second = text.index("On the same day")
    passage = replace(hit.passage, sentences=((0, second - 1), (second, len(text))))
    hit = replace(hit, passage=passage, highlight=((second, len(text)),))
    check = check_hit(hit, asked("When did the Parliament's powers end?", GLOSSARY), GLOSSARY)
    assert check.states and [v.text for v in check.values] == ["1 July 2026"]


def test_a_durations_answer_leads_the_one_naming_most_of_the_question():
    """A duration question (ninth session): of the hits that state a duration, the one
    naming most of the question's key terms leads; no values are compared and nothing is
    noted as superseded (a term and a period to act within are not one attribute)."""
    question = "На сколько лет избирается президент по новой Конституции?"
    q = asked(question, GLOSSARY)
    assert q.duration and not q.specific
    hits = [
        _hit(1, "Срок полномочий депутатов Курултая составит пять лет.", "2026-02-12", "ru"),
        _hit(2, "Голосование по новой Конституции состоится 15 марта 2026 года.", "2026-02-12"),
        _hit(3, "The president is elected for a single seven-year term under the new "
                "Constitution.", "2026-07-01"),
    ]  # fmt: skip
    ordered = order_reports(hits, check_hits(hits, q, GLOSSARY), "ru", compare=False)
    assert ordered.hits[0].passage.text.startswith("The president is elected")
    assert [h.rank for h in ordered.hits] == [1, 2, 3]
    assert ordered.moved and not ordered.superseded
    # No hit states a duration: the order stays.
    plain = [hits[1], _hit(2, "Голосование пройдёт по всей стране.", "2026-02-12", "ru")]
    kept = order_reports(plain, check_hits(plain, q, GLOSSARY), "ru", compare=False)
    assert kept.hits == plain and not kept.moved


def test_a_newer_report_naming_fewer_of_the_question_s_terms_is_still_compared():
    """Eighteenth session's fifty-first probe: "Сколько граждан имеют право голосовать на
    референдуме по данным ЦРК?" put the mid-February count first: the final one named fewer
    of the question's terms than it, and the first hit's cover was the bar."""
    february = _hit(
        1,
        "По данным ЦРК на середину февраля, право голосовать на референдуме имеют "
        "12 416 759 граждан.",
        "2026-02-27",
        "ru",
    )
    final = _hit(
        2, "На референдуме право голоса имели 12 482 613 граждан, сообщила ЦРК.", "2026-03-16", "ru"
    )
    question = "Сколько граждан имеют право голосовать на референдуме по данным ЦРК?"
    ordered = _order(question, [february, final], "ru")
    assert ordered.hits[0].passage.id == final.passage.id
    assert [n.passage_id for n in ordered.superseded] == [february.passage.id]


def test_the_commission_a_vote_measure_question_names_is_its_source_not_its_holder():
    """Eighteenth session's fifty-first and fifty-fifth probes: "How many citizens does the
    Central Referendum Commission count as eligible to vote ...?" kept the February count
    first: the final count ("12,482,613 citizens were on the voter lists") does not name the
    Commission, and a value of a body the question names had to be stated beside it. For a
    measure of the vote the commission is who reports it; a body's own count still needs it
    named ("How many deputies does the Majilis have?")."""
    february = _hit(
        1,
        "The Central Referendum Commission currently counts 12,416,759 citizens eligible to vote.",
        "2026-02-20",
    )
    final = _hit(2, "A total of 12,482,613 citizens were on the voter lists.", "2026-03-16")
    question = (
        "How many citizens does the Central Referendum Commission count as eligible to vote "
        "in the referendum?"
    )
    ordered = _order(question, [february, final])
    assert ordered.hits[0].passage.id == final.passage.id
    assert [n.passage_id for n in ordered.superseded] == [february.passage.id]
    majilis = asked("How many deputies does the Majilis have now?", GLOSSARY)
    kurultai = _hit(1, "145 deputies will be elected to the Kurultai.", "2026-02-12")
    assert not check_hit(kurultai, majilis, GLOSSARY).states


def test_an_earlier_value_asked_is_answered_by_a_report_of_it_not_the_current_one():
    """Nineteenth session's sixtieth and sixty-second probes: the former date of a holiday
    ("прежняя дата"), the draft as first published ("алғашында") and the year expected in
    the autumn ("what year did they say ... would probably be?") were `high` with the
    current value."""
    new_day = _hit(1, "Теперь День Конституции будут отмечать 15 марта.", "2026-03-17", "ru")
    old_day = _hit(2, "Раньше День Конституции отмечали 30 августа.", "2026-03-17", "ru")
    former = asked("Раз День Конституции перенесли, какой была прежняя дата праздника?", GLOSSARY)
    assert not check_hit(new_day, former, GLOSSARY).states
    assert check_hit(old_day, former, GLOSSARY).states
    final = _hit(1, "Пысықталғаннан кейін түпкілікті мәтінде 95 бап қалды.", "2026-02-12", "kk")
    first = _hit(2, "Алғашқы жобада он бір бөлімге топтастырылған 98 бап бар.", "2026-01-31", "kk")
    initially = asked("алғашында жарияланған жобада неше бап болған еді?", GLOSSARY)
    assert not check_hit(final, initially, GLOSSARY).states
    assert check_hit(first, initially, GLOSSARY).states
    held = _hit(1, "The referendum will be held on 15 March 2026.", "2026-02-12")
    forecast = _hit(2, "The referendum could be held in 2027.", "2025-09-08")
    expected = asked(
        "back in the autumn, what year did they say the referendum would probably be?", GLOSSARY
    )
    assert not check_hit(held, expected, GLOSSARY).states
    check = check_hit(forecast, expected, GLOSSARY)
    assert check.states and not check.earlier
    # what happened, asked after what was expected, is the current report's
    actual = asked(
        "I thought the vote was supposed to be in 2027 - when did it actually happen?", GLOSSARY
    )
    assert not actual.forecast
    assert check_hit(forecast, asked("When is the referendum?", GLOSSARY), GLOSSARY).earlier


def test_a_value_or_a_name_the_question_gives_is_no_answer_to_it():
    """Nineteenth session's sixty-sixth to sixty-eighth probes: a premise's figure restated
    ("Говорят, что явка была около 72,8 процента. Какой она оказалась после обработки всех
    протоколов?"), the elections' own date for a deadline before them, the person a
    question names for the one before him, the articles rewritten for those the final
    text has, and what Tokayev expected in September."""
    preliminary = _hit(
        1, "По этим предварительным данным явка составила около 72,8 процента.", "2026-03-16", "ru"
    )
    final = _hit(2, "Явка составила 73,12 процента.", "2026-03-16", "ru")
    question = (
        "Говорят, что явка была около 72,8 процента. Какой она оказалась после обработки всех "
        "протоколов?"
    )
    assert _order(question, [preliminary, final], "ru").hits[0].passage.id == final.passage.id
    assert not check_hit(preliminary, asked(question, GLOSSARY), GLOSSARY).states
    lists = asked(
        "By what date must parties submit their lists for the 30 August Kurultai elections?",
        GLOSSARY,
    )
    called = _hit(
        1, "A decree calls the first elections to the Kurultai for 30 August 2026.", "2026-07-15"
    )
    assert not check_hit(called, lists, GLOSSARY).states
    before = asked(
        "Кто возглавлял Центральную референдумную комиссию до Нурлана Абдирова?", GLOSSARY
    )
    abdirov = _hit(
        1,
        "Председатель Центральной референдумной комиссии Нурлан Абдиров объявил итоги.",
        "2026-03-16",
        "ru",
    )
    assert not check_hit(abdirov, before, GLOSSARY).states
    who = asked("Кто возглавляет Центральную референдумную комиссию?", GLOSSARY)
    assert check_hit(abdirov, who, GLOSSARY).states
    rewritten = _hit(
        1, "Compared with the 1995 text, 77 of its 104 articles have been rewritten.", "2026-02-12"
    )
    revised = asked(
        "The first draft was revised after comments. How many articles are in the final draft?",
        GLOSSARY,
    )
    assert not check_hit(rewritten, revised, GLOSSARY).states
    assert check_hit(
        rewritten, asked("How many articles were rewritten?", GLOSSARY), GLOSSARY
    ).states
    estimate = _hit(
        1,
        "By his estimate, the change would touch about 40 articles of the Basic Law.",
        "2025-09-08",
    )
    expected = asked(
        "Back in September, roughly how many articles did Tokayev expect the reform to touch?",
        GLOSSARY,
    )
    assert expected.forecast and check_hit(estimate, expected, GLOSSARY).states
    assert not check_hit(rewritten, expected, GLOSSARY).states


def test_a_day_of_the_week_asked_is_answered_by_a_sentence_naming_one():
    """Nineteenth session's seventy-fifth probe: "референдум был в воскресенье или в какой
    день недели?" was `high` with "Голосование ... состоится 15 марта 2026 года"."""
    weekday = asked("референдум был в воскресенье или в какой день недели?", GLOSSARY)
    dated = _hit(
        1, "Голосование по новой Конституции состоится 15 марта 2026 года.", "2026-02-12", "ru"
    )
    sunday = _hit(2, "The vote will take place on Sunday, 15 March 2026.", "2026-02-12")
    assert not check_hit(dated, weekday, GLOSSARY).states
    assert check_hit(sunday, weekday, GLOSSARY).states
    before = asked("бурын конститутция куни кай кунi тойланатын еди", GLOSSARY)
    assert before.before


def test_a_question_chaining_two_asks_needs_both_stated():
    """Nineteenth session's seventy-third probe: "Сколько депутатов будет в Курултае и на
    какой срок их избирают?" was `high` with the deputies' term, one half of it; a sentence
    giving both halves still answers ("Сколько человек и какой процент ...?")."""
    both = asked("Сколько депутатов будет в Курултае и на какой срок их избирают?", GLOSSARY)
    assert [t.kind for t in both.other_asks] == ["count"]
    term = _hit(1, "Срок полномочий депутатов Курултая составит пять лет.", "2026-02-12", "ru")
    assert not check_hit(term, both, GLOSSARY).states
    whole = _hit(2, "В Курултае будет 145 депутатов, их избирают на пять лет.", "2026-02-12", "ru")
    assert check_hit(whole, both, GLOSSARY).states
    result = asked("Сколько человек и какой процент проголосовали за новую Конституцию?", GLOSSARY)
    yes = _hit(
        3,
        "За новую Конституцию высказались 87,15 процента, или 7 954 667 человек.",
        "2026-03-16",
        "ru",
    )
    assert check_hit(yes, result, GLOSSARY).states
    assert not asked("Which article says when the president is elected?", GLOSSARY).other_asks
