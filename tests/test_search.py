"""Retrieval: tokenization and transliteration, fusion gate, collapse, highlight, abstention."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from qa_service import lifecycle
from qa_service.answer_type import expected_type, type_satisfied
from qa_service.collapse import collapse
from qa_service.confidence import ConfidenceRule
from qa_service.embedder import EmbedderId
from qa_service.lexical import (
    BM25Index,
    latin_kazakh_to_cyrillic,
    latin_russian_to_cyrillic,
    looks_latin_kazakh,
    looks_latin_russian,
    skeleton,
    tokenize,
)
from qa_service.passages import Passage
from qa_service.retrieval import Query, Ranking
from qa_service.retrieval.dense import DenseRetriever
from qa_service.search import Searcher
from qa_service.text import detect_lang


@pytest.mark.parametrize(
    "a, b",
    [
        ("Кошербаев", "Kosherbayev"),
        ("Құрылтай", "Kurultai"),
        ("Курултай", "Kurultai"),
        ("Kuryltai", "Kurultai"),
        ("Мәжіліс", "Majilis"),
        ("Mazhilis", "Majilis"),
        ("Нұрмұханов", "Nurmukhanov"),
    ],
)
def test_spelling_variants_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)


def test_skeletons_of_different_words_differ():
    assert skeleton("Kurultai") != skeleton("Kosherbayev")
    assert skeleton("Senate") != skeleton("Majilis")


def test_tokenize_is_unicode_aware_lowercased_and_stemmed():
    assert tokenize("The Deputies were ELECTED") == ["deputi", "elect"]
    assert tokenize("Депутаты парламента") == ["депутат", "парламент"]
    # Kazakh has no stemmer: words stay whole, lowercased.
    assert tokenize("Құрылтайға ӨТКЕН") == ["құрылтайға", "өткен"]


def test_bm25_bridges_cyrillic_names_to_the_corpus():
    bm25 = BM25Index(
        [
            "Minister Yermek Kosherbayev met UN agencies.",
            "The Kurultai will have 145 deputies.",
            "The state language keeps its status.",
        ]
    )
    q = bm25.query("Кошербаев кіммен кездесті?")
    assert "kosherbayev" in q.tokens
    scores = bm25.scores(q.tokens)
    assert scores.argmax() == 0
    # A Russian question with no name or cognate reaches nothing: BM25 stays silent.
    silent = bm25.query("Какой статус у языка?")
    assert silent.coverage == 0.0
    assert not bm25.scores(silent.tokens).any()
    # English matches directly, at full coverage.
    assert bm25.query("Kurultai deputies").coverage == 1.0


def _passage(pid: str, article: str, start: int, end: int, sentences) -> Passage:
    text = "x" * (end - start)
    return Passage(pid, article, 0, text, start, end, tuple(sentences))


def test_collapse_drops_near_copies_and_keeps_touching_windows():
    passages = [
        _passage("a", "A", 0, 100, [(0, 70), (70, 100)]),
        _passage("b", "A", 10, 100, [(0, 40), (40, 90)]),  # mostly the same text as a
        _passage("c", "A", 70, 220, [(0, 30), (30, 150)]),  # shares a's last sentence
        _passage("d", "A", 150, 300, [(0, 50), (50, 150)]),  # its best sentence is in c
        _passage("e", "B", 0, 100, [(0, 100)]),  # another article
    ]
    fused = Ranking("fused", (0, 1, 2, 3, 4), (0.9, 0.8, 0.7, 0.6, 0.5))
    sentences = {0: (0.9, 0.1), 1: (0.8, 0.1), 2: (0.1, 0.7), 3: (0.6, 0.1), 4: (0.5,)}
    dense = Ranking("dense", fused.rows, fused.scores, {"sentences": sentences})
    kept = collapse(fused, dense, passages)
    assert [passages[r].id for r in kept.rows] == ["a", "c", "e"]
    assert kept.scores == (0.9, 0.7, 0.5)
    # A limit stops at that many kept windows: the same first ones.
    assert collapse(fused, dense, passages, 2).rows == kept.rows[:2]


@pytest.fixture(scope="module")
def seed_searcher(seed_app):
    return seed_app.extensions["qa"].searcher()


def test_bm25_weight_follows_vocabulary_coverage(seed_searcher):
    """The gate: a Cyrillic question sharing no word with the English corpus is ranked
    exactly as with BM25 switched off; an English one is not."""
    off = Searcher(
        seed_searcher.index,
        seed_searcher.embedder,
        dataclasses.replace(
            seed_searcher.params, weights=dict(seed_searcher.params.weights, bm25=0.0)
        ),
    )
    ru = "Что можно продемонстрировать, участвуя в кампании?"
    assert seed_searcher.ask(ru).signals["coverage"] == 0.0
    assert _order(seed_searcher, ru) == _order(off, ru)
    en = "What did the foreign minister say about political stability?"
    assert seed_searcher.ask(en).signals["coverage"] > 0.5
    assert _order(seed_searcher, en) != _order(off, en)


def _order(searcher: Searcher, question: str) -> tuple[int, ...]:
    """The fused order of the candidates, before collapsing (the stages by hand)."""
    query = searcher.encode(searcher.prepare(question))
    rankings = searcher.retrieve(query)
    return searcher.fuse(rankings, searcher.bm25.lexical(query).coverage).rows


def test_hybrid_answers_across_languages(seed_searcher):
    for question in (
        "How many deputies will the Kurultai have?",
        "Сколько депутатов будет в Курултае?",
        "Құрылтайда неше депутат болады?",
    ):
        answer = seed_searcher.ask(question, k=3)
        assert not answer.abstained, question
        top = answer.results[0]
        start, end = top.highlight[0]
        assert "145" in top.passage.text[start:end], question


def test_highlights_are_whole_sentences_inside_the_passage(seed_searcher):
    answer = seed_searcher.ask("Who met the heads of UN agencies in Almaty?", k=5)
    assert answer.results
    for hit in answer.results:
        assert hit.highlight
        for start, end in hit.highlight:
            assert 0 <= start < end <= len(hit.passage.text)
            assert (start, end) in hit.passage.sentences
        assert hit.to_dict()["highlight"][0] == {
            "start": hit.highlight[0][0],
            "end": hit.highlight[0][1],
        }


def test_dense_scores_each_candidate_by_its_own_sentences(seed_searcher):
    """The one gathered product gives every candidate its own sentences' cosines, and its
    score is the better of its own cosine and its best sentence's."""
    dense = seed_searcher.dense
    query = seed_searcher.encode(seed_searcher.prepare("How many deputies will the Kurultai have?"))
    ranking = dense.search(query, 12)
    assert len(ranking.rows) == 12
    for row in ranking.rows:
        a, b = dense.offsets[row], dense.offsets[row + 1]
        expected = [float(v) for v in dense.sentence_vectors[a:b] @ query.vector[0]]
        got = ranking.detail["sentences"][row]
        assert len(got) == b - a and np.allclose(got, expected, atol=1e-6)
        own = ranking.detail["passage"][row]
        assert ranking.score_of(row) == pytest.approx(max(own, *expected), abs=1e-6)
    assert len(ranking.detail["all_sentences"]) == sum(
        dense.offsets[r + 1] - dense.offsets[r] for r in ranking.rows
    )


def test_results_never_hold_overlapping_near_copies(seed_searcher):
    answer = seed_searcher.ask("What is the Kurultai?", k=10)
    ids = [h.passage.id for h in answer.results]
    assert len(ids) == len(set(ids))
    for i, a in enumerate(answer.results):
        for b in answer.results[i + 1 :]:
            if a.article.id != b.article.id:
                continue
            shared = min(a.passage.end, b.passage.end) - max(a.passage.start, b.passage.start)
            shorter = min(len(a.passage.text), len(b.passage.text))
            assert shared * 2 < shorter


def test_timings_are_recorded_but_not_serialized(seed_searcher):
    answer = seed_searcher.ask("What is the Kurultai?")
    stages = {"prepare", "embed", "terms", "dense", "bm25", "fuse", "highlight", "confidence"}
    assert stages <= set(answer.timings)
    # Stages are timed in order from one clock: their sum cannot exceed the whole answer.
    assert sum(answer.timings.values()) <= answer.took_ms + 1.0
    assert "timings" not in answer.to_dict() and "signals" not in answer.to_dict()


def test_off_topic_question_abstains_and_keeps_related(client):
    r = client.get("/api/v1/ask", query_string={"q": "Who won the football match yesterday?"})
    body = r.get_json()
    assert body["abstained"] is True
    assert body["results"] == []
    assert body["related"], "the closest passages are still shown as related"


def test_on_topic_question_does_not_abstain(client):
    r = client.get("/api/v1/ask", query_string={"q": "How many deputies will the Kurultai have?"})
    body = r.get_json()
    assert body["abstained"] is False
    assert body["results"] and body["related"] == []


def test_answer_type_check():
    assert expected_type("How many deputies?") == "quantity"
    assert expected_type("Сколько участков?") == "quantity"
    assert expected_type("Қашан өтеді?") == "time"
    assert expected_type("Who is the minister?") is None
    assert type_satisfied("How many deputies?", ["There will be 145 deputies."])
    # A year, an ordinal or a name with digits is not a count.
    assert not type_satisfied("How many deputies?", ["At the Referendum-2026 marathon."])
    assert not type_satisfied("How many members?", ["In the 21st century, in 2026."])
    assert type_satisfied("When is the vote?", ["The vote is on 15 March."])
    assert type_satisfied("Who spoke?", ["Anything at all."])
    # Kazakh typed on a Russian keyboard (қ -> к).
    assert expected_type("Курултайда канша депутат болады?") == "quantity"
    assert expected_type("Референдум кашан өтеді?") == "time"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Құрылтайда неше депутат болады?", "kk"),
        ("Курултайда канша депутат болады?", "kk"),  # no Kazakh letter, Kazakh words
        ("Жана Конституция кашан кушине енеди?", "kk"),
        ("Сколько депутатов будет в Курултае?", "ru"),
        ("Кто такой Кошербаев?", "ru"),
        ("Кошербаев", "ru"),
        ("How many deputies?", "en"),
    ],
)
def test_language_guess(text, lang):
    assert detect_lang(text) == lang


def test_kazakh_typed_with_russian_letters_is_answered_in_kazakh(seed_searcher):
    answer = seed_searcher.ask("Курултайда канша депутат болады?", k=3)
    assert answer.lang == "kk" and not answer.abstained
    # Two passages tie for the top here (one ranks first by the dense list, the other by
    # the latent one): the one that answers is among the first two, highlighted.
    assert any(
        "145" in hit.passage.text[a:b] for hit in answer.results[:2] for a, b in hit.highlight
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Qūryltaida neşe deputat bolady?", True),
        ("Kuryltaida neshe deputat bolady?", True),
        ("Memlekettik tildin martebesi ozgere me?", True),
        # No Kazakh question word, but few English words (english_vocab.py).
        ("dauys beruge quqygy bar adam sany", True),
        ("uchaskeler saat neshede ashylady", True),
        ("usynysty qaida jiberemin", True),
        ("How many deputies will the Kurultai have?", False),
        ("Kurultai electoral system", False),
        ("tenge dollar rate October", False),
        ("term lenght", False),
        ("usd kzt rate", False),
        ("almaty akimat contacts", False),
        ("Tell me about the Kurultai", False),
        ("Құрылтайда неше депутат болады?", False),
    ],
)
def test_latin_kazakh_is_detected(text, expected):
    assert looks_latin_kazakh(text) is expected


def test_latin_kazakh_becomes_cyrillic():
    # Latin "i" after a vowel is й ("ai" in Құрылтай, сайлау, тағайындау).
    assert latin_kazakh_to_cyrillic("Qūryltaida neşe deputat?") == "Құрылтайда неше депутат?"
    assert latin_kazakh_to_cyrillic("sailau qashan") == "сайлау қашан"
    # Vowel harmony: a back word with ы/қ/ғ reads k, g, its first u as қ, ғ, ұ; a front
    # word its first o, u as ө, ү; loans with mixed vowels stay as read.
    assert latin_kazakh_to_cyrillic("Kuryltaida neshe") == "Құрылтайда неше"
    assert latin_kazakh_to_cyrillic("Konstitutsia kuni") == "Констітуция күні"
    assert latin_kazakh_to_cyrillic("dauys beruge quqygy bar") == "дауыс беруге құқығы бар"
    assert latin_kazakh_to_cyrillic("referendum qashan otedi") == "референдум қашан өтеді"
    assert latin_kazakh_to_cyrillic("vitse-prezidentti kim tagaiyndaidy") == (
        "віце-презідентті кім тағайындайды"
    )
    assert latin_kazakh_to_cyrillic("uchaskeler bank deputattary") == ("учаскелер банк депутаттары")
    assert latin_kazakh_to_cyrillic("saat neshede, turaly") == "сағат нешеде, туралы"
    assert latin_kazakh_to_cyrillic("referendum") == "референдум"
    assert latin_kazakh_to_cyrillic("qansha paiyzy ia dep dauys berdi") == (
        "қанша пайызы иә деп дауыс берді"
    )


def test_latin_kazakh_question_is_answered(seed_searcher):
    answer = seed_searcher.ask("Qūryltaida neşe deputat bolady?", k=3)
    assert answer.lang == "kk"
    assert not answer.abstained
    top = answer.results[0]
    assert any("145" in top.passage.text[a:b] for a, b in top.highlight)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("kogda referendum", True),
        ("gde opublikovali pervyi proekt novoi konstitucii", True),
        ("skolko deputatov budet v kurultae?", True),
        ("referendum po novoi konstitucii", True),  # a preposition is enough in three words
        # Kazakh in Latin letters: its own words outnumber (or the letters say so).
        ("Kuryltaida neshe deputat bolady?", False),
        ("referendum ne ushin otti", False),  # "ne" counts for neither
        ("Qūryltai saılauy qashan?", False),
        # English: a function word English alone has.
        ("so when did kazakhstan get rid of the vice president", False),
        ("kogda", False),  # one word: too little to tell
        ("Когда референдум?", False),
    ],
)
def test_latin_russian_is_detected(text, expected):
    assert looks_latin_russian(text) is expected


def test_latin_russian_becomes_cyrillic():
    """Russian spelling, not Kazakh letters ("опубліковалі" was the Kazakh reading): й
    after a vowel before a consonant or at a word's end, ии kept, ия/ию ending a word after
    a consonant (not л), я/ю elsewhere, the soft signs Russian cannot do without,
    abbreviations upper case."""
    assert latin_russian_to_cyrillic("gde opublikovali pervyi proekt novoi konstitucii") == (
        "где опубликовали первый проект новой конституции"
    )
    assert latin_russian_to_cyrillic("Skolko statei v okonchatelnom tekste i naskolko menshe?") == (
        "Сколько статей в окончательном тексте и насколько меньше?"
    )
    assert latin_russian_to_cyrillic("kakaia dolzhnost u predsedatelia CRK v sentiabre") == (
        "какая должность у председателя ЦРК в сентябре"
    )
    assert latin_russian_to_cyrillic("mozhno li progolosovat za mamu, komissia, Rossii") == (
        "можно ли проголосовать за маму, комиссия, России"
    )
    assert latin_russian_to_cyrillic("skolko vyhodnyh, dvoynoe grazhdanstvo, eto") == (
        "сколько выходных, двойное гражданство, это"
    )
    # No soft sign where Russian has words without one ("полка", "женщина").
    assert latin_russian_to_cyrillic("polka zhenshina") == "полка женшина"


def test_latin_russian_question_is_read_as_russian(seed_searcher):
    query = seed_searcher.prepare("gde opublikovali pervyi proekt novoi konstitucii")
    assert query.lang == "ru" and query.converted
    assert query.reading == "где опубликовали первый проект новой конституции"
    assert query.lexical_text.startswith("gde opublikovali")  # BM25 reads skeletons of both
    kazakh = seed_searcher.prepare("Qūryltaida neşe deputat bolady?")
    assert kazakh.lang == "kk" and kazakh.reading.startswith("Құрылтайда неше")


def test_builds_store_sentence_vectors_and_reuse_them(seed_index, e5):
    import numpy as np

    from qa_service import index as idx
    from qa_service.build import Reuse, encode_build
    from qa_service.passages import sentence_key, sentence_texts

    settings, _ = seed_index
    live = lifecycle.current_build(settings.embeddings_dir)
    loaded = idx.load_build(live, EmbedderId.of(e5))
    texts = sentence_texts(loaded.passages)
    assert loaded.sentence_vectors is not None
    assert loaded.sentence_vectors.shape == (len(texts), e5.dim)
    reuse = Reuse.of_live(settings.embeddings_dir, EmbedderId.of(e5))
    assert set(reuse.sentence_vectors) == {sentence_key(t) for t in texts}

    class NoEncoding:
        name, version, dim, latent_dim = e5.name, e5.version, e5.dim, 0

        def encode_passages(self, texts):
            raise AssertionError(f"re-embedded {len(texts)} sentences")

    again = encode_build(NoEncoding(), loaded.passages, reuse)
    assert np.allclose(again.sentence_vectors, loaded.sentence_vectors)
    assert again.embedded == 0 and again.reused == len(loaded.passages)


@pytest.mark.parametrize(
    "question, off_vocabulary",
    [
        ("Who won the football world cup in 2022?", 1.0),  # English, no word in the sources
        ("What is the capital of France?", 1.0),
        ("How many deputies will the Kurultai have?", 0.0),
        ("Кто выиграл чемпионат мира по футболу?", 0.0),  # not the sources' language
        ("Zhana parlamentte qansha deputat bolady?", 0.0),  # Kazakh in Latin letters
    ],
)
def test_vocabulary_gate(seed_searcher, question, off_vocabulary):
    answer = seed_searcher.ask(question)
    assert answer.signals["off_vocabulary"] == off_vocabulary
    if off_vocabulary:
        assert answer.abstained and answer.results == [] and answer.related


def test_vocabulary_gate_is_a_rule_not_a_fit():
    signals = {"top": 0.9, "margin": 0.05, "type": 1.0, "off_vocabulary": 1.0}
    assert ConfidenceRule().judge(signals, "en") == "none"
    assert ConfidenceRule().judge(signals | {"off_vocabulary": 0.0}, "en") == "high"


def test_a_misspelt_question_is_searched_in_its_spelling(seed_searcher):
    """ "кагда будет рефирендум": every retriever reads "когда будет референдум" (the page
    keeps the question as typed), and it is not taken for converted Latin Kazakh."""
    query = seed_searcher.prepare("кагда будет рефирендум")
    assert query.text == "кагда будет рефирендум"
    assert query.dense_text.startswith("когда будет референдум")
    assert query.lexical_text.startswith("когда будет референдум")
    assert not query.converted
    typed = seed_searcher.ask("кагда будет рефирендум")
    spelt = seed_searcher.ask("когда будет референдум")
    assert [h.passage.id for h in typed.results] == [h.passage.id for h in spelt.results]


def test_dense_keeps_a_candidate_without_sentences_at_its_own_cosine():
    """A passage with no sentence rows (none in the build) scores its own cosine; the
    others the better of theirs and their best sentence's, as with every row having one."""
    dense = DenseRetriever.__new__(DenseRetriever)
    dense.offsets = np.array([0, 2, 2, 3], dtype=np.int64)  # passage 1 has no sentences
    dense.sentence_vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    query = Query("q", "q", "en", vector=np.array([[0.6, 0.8]], dtype=np.float32))
    ranking = dense._ranking(query, {0: 0.5, 1: 0.7, 2: 0.9})
    assert ranking.rows == (0, 2, 1)
    assert ranking.scores == pytest.approx((1.0, 0.9, 0.7))
    assert list(ranking.detail["sentences"][1]) == []
    assert list(ranking.detail["sentences"][2]) == pytest.approx([0.8])
    # With every candidate holding sentences, the same scores by the whole-array path.
    both = dense._ranking(query, {0: 0.5, 2: 0.95})
    assert both.rows == (0, 2) and both.scores == pytest.approx((1.0, 0.95))


def test_a_passage_gives_each_sentence_as_one_kept_string():
    passage = Passage("p", "A", 0, "One. Two three.", 0, 15, ((0, 4), (5, 15)))
    assert passage.sentence_texts == ("One.", "Two three.")
    assert passage.sentence_text((5, 15)) is passage.sentence_texts[1]
    assert passage.sentence_text((0, 3)) == "One"  # not a sentence's span: cut from the text
