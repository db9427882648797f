"""Lexical side: English/French analysis, TF-IDF and BM25 weighting."""

from __future__ import annotations

import numpy as np

from expertise.engine.language import detect_language, strip_accents, tokenize
from expertise.engine.text import Analyzer, fit_lexical_model
from expertise.engine.translate import english_rendering, pseudo_translate


def test_strip_accents_and_tokenize() -> None:
    assert strip_accents("Chimiothérapie néoadjuvante, ça") == "Chimiotherapie neoadjuvante, ca"
    assert strip_accents("β-catenin") == "β-catenin"
    assert tokenize("HER2-positive tumours: 12 patients, p53!") == [
        "her2",
        "positive",
        "tumours",
        "patients",
        "p53",
    ]


def test_detect_language() -> None:
    assert detect_language(tokenize("Le cancer du sein chez les femmes jeunes")) == "fr"
    assert detect_language(tokenize("Breast cancer in young women and the role of BRCA")) == "en"
    assert detect_language(tokenize("Insuffisance cardiaque à fraction d'éjection préservée")) == "fr"


def test_french_and_english_share_terms() -> None:
    analyzer = Analyzer()
    french = set(analyzer.analyze("Le cancer du sein triple négatif et la chimiothérapie").terms)
    english = set(analyzer.analyze("Triple-negative breast cancer and chemotherapy").terms)
    assert {"breast", "cancer", "breast|cancer", "chemotherapi"} <= french & english


def test_au_sein_de_is_not_breast() -> None:
    terms = Analyzer().analyze("Les inégalités au sein de la population").terms
    assert "breast" not in terms


def test_stop_words_and_spelling_variants() -> None:
    analyzer = Analyzer(bigrams=False)
    british = analyzer.analyze("The results of this study on tumours and haematology").terms
    american = analyzer.analyze("Tumors and hematology").terms
    assert british == american
    assert "the" not in british and "result" not in british


def test_bigrams_are_order_free_and_skip_one_stop_word() -> None:
    analyzer = Analyzer()
    assert "breast|cancer" in analyzer.analyze("cancer of breast").terms
    assert "breast|cancer" not in analyzer.analyze("cancer of the breast").terms


def test_surface_forms_kept_for_evidence() -> None:
    analysis = Analyzer().analyze("Le cancer du sein")
    assert analysis.surface["breast"] == "sein"
    assert analysis.surface["breast|cancer"] == "cancer du sein"


def test_tfidf_rows_are_unit_length_and_rare_terms_weigh_more() -> None:
    corpus = [["cancer", "breast"], ["cancer", "lung"], ["cancer", "colon"], ["cancer"]]
    model = fit_lexical_model(corpus)
    matrix = model.tfidf(corpus).toarray()
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0)
    row = matrix[0]
    assert row[model.vocabulary.index["breast"]] > row[model.vocabulary.index["cancer"]]


def test_sublinear_tf() -> None:
    corpus = [["melanoma"] * 10 + ["braf"], ["melanoma", "braf"], ["other"]]
    model = fit_lexical_model(corpus)
    counts = model.vocabulary.counts(corpus)
    weighted = model.tfidf_from_counts(counts).toarray()
    index = model.vocabulary.index
    ratio = weighted[0, index["melanoma"]] / weighted[0, index["braf"]]
    assert ratio < 4  # 1 + ln(10) = 3.3, not 10


def test_bm25_prefers_short_focused_documents() -> None:
    docs = [["glioma", "temozolomide"], ["glioma"] + [f"filler{i}" for i in range(40)]]
    model = fit_lexical_model(docs + [["glioma", "radiotherapy"]])
    bm25 = model.bm25_documents(model.vocabulary.counts(docs)).toarray()
    col = model.vocabulary.index["glioma"]
    assert bm25[0, col] > bm25[1, col] > 0


def test_unknown_terms_ignored_in_counts() -> None:
    model = fit_lexical_model([["a1", "b2"]])
    assert model.vocabulary.counts([["zz", "a1", "a1"]]).toarray().tolist() == [[2.0, 0.0]]


def test_pseudo_translation_for_the_encoder() -> None:
    text = pseudo_translate("Le cancer du sein triple négatif : réponse histologique au sein de la cohorte")
    assert "breast" in text and "negative" in text and "histologic" in text and "within" in text
    assert english_rendering("Breast cancer", "") == "Breast cancer"
    mixed = english_rendering("Breast cancer screening", "Le dépistage organisé du cancer du sein")
    assert mixed.startswith("Breast cancer screening. ") and "screening" in mixed.split(". ", 1)[1]
