"""The words of the demo evaluation (``evaluation.demo``): project titles, summaries and review
comments in French, drawn from the oncology topics of the demo publications
(``outputs.demo_topics``) so that the expertise engine finds the right reviewers.

Pure functions of a ``random.Random`` and a topic: the same seed gives the same texts.
"""

from random import Random

from directory.services import fold
from outputs.demo_topics import TOPICS, Topic

ACRONYMS = (
    "IMMUNEXH", "STROMACT", "CLONEVO", "EPIPLAST", "REPAIR-T", "METAFLOW", "GLUTAMET", "PERSIST",
    "FLASHTOX", "CLONHEMA", "NEUROBLAST", "MICROBIOTA", "HORMORES", "RADIOMIX", "LIQUIDBX", "PHASE-UP",
    "DEPIST-IDF", "GERIACARE", "HPV-INTEG", "NKILL", "FIBROMAP", "SPATIAL-T", "ORGANO-R", "TUMORMECH",
    "OVAPARP", "CAR-PERSIST", "AML-NICHE", "PANCSTROMA", "SENESCAN", "QUALIVIE",
)  # fmt: skip

TITLES = (
    "Cibler {a} : quel impact sur {b} dans {disease} ?",
    "{A} et {b} : vers de nouvelles cibles thérapeutiques dans {disease}",
    "Rôle {de_a} dans la progression {de_disease}",
    "{A} comme biomarqueur prédictif de la réponse au traitement dans {disease}",
    "Du laboratoire au patient : {a} dans {disease}",
    "Décrypter {a} pour mieux traiter {disease}",
)

SUMMARY = (
    "{A} joue un rôle encore mal compris dans {disease}. Ce projet exploratoire vise à établir le lien "
    "entre {a} et {b}, à partir d'échantillons de patients suivis dans les centres de la région, afin "
    "d'identifier des cibles thérapeutiques et des marqueurs de réponse."
)
STATE_OF_THE_ART = (
    "Les travaux récents suggèrent que {b} contribue à la rechute dans {disease}. Notre équipe a montré "
    "dans des résultats préliminaires une association entre {a} et une survie sans progression plus courte. "
    "Hypothèse : agir sur {a} rétablit la sensibilité aux traitements."
)
METHODS = (
    "Tâche 1 (mois 1 à 6) : constitution d'une cohorte rétrospective et analyse {de_a}. "
    "Tâche 2 (mois 4 à 10) : validation fonctionnelle sur organoïdes dérivés de patients. "
    "Tâche 3 (mois 8 à 12) : analyse intégrée et préparation d'un projet de plus grande ampleur."
)

STRENGTHS = (
    "La question posée est originale et bien située par rapport à la littérature.",
    "L'équipe a l'expertise et l'accès aux échantillons nécessaires.",
    "Les résultats préliminaires sont convaincants.",
    "Le projet s'appuie judicieusement sur les plateformes de la région.",
    "Le calendrier est réaliste et les livrables sont clairement définis.",
)
WEAKNESSES = (
    "Le nombre d'échantillons paraît limité pour conclure : un calcul de puissance serait utile.",
    "La tâche 2 dépend fortement de la réussite de la tâche 1 ; un plan de repli est à prévoir.",
    "Le budget consommables semble surestimé au regard des expériences décrites.",
    "La dimension collaborative reste à renforcer, avec une seule équipe impliquée.",
    "Les critères de jugement de la validation fonctionnelle ne sont pas assez précis.",
)
VERDICTS = {
    "fund": "Un projet de grande qualité, que je recommande vivement.",
    "fund_if_possible": "Un projet solide, à financer si l'enveloppe le permet.",
    "do_not_fund": "En l'état, le projet n'est pas assez abouti ; une nouvelle soumission est encouragée.",
}
TO_COMMITTEE = (
    "Je connais l'équipe de réputation, sans lien personnel.",
    "Le porteur a déjà été financé sur un sujet voisin : vérifier le recouvrement.",
    "Projet à discuter : fort potentiel mais faisabilité incertaine à 12 mois.",
    "",
    "",
)
CRITERION_COMMENTS = (
    "Hypothèse claire et pertinente.",
    "Méthodologie adaptée, effectifs à justifier.",
    "Collaboration limitée à l'équipe porteuse.",
    "Bonne adéquation avec les priorités du Cancéropôle.",
)


def topics_of(labels: list[str]) -> list[Topic]:
    """The topics whose keywords appear in a person's keyword labels (folded)."""
    folded = [fold(label) for label in labels]
    return [t for t in TOPICS if any(k in label for label in folded for k in t.keywords)]


def _de(phrase: str) -> str:
    """French "de" before a phrase with its article: du, de la, de l', des."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article) :]
    return "de " + phrase


def _cap(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def project_words(rng: Random, topic: Topic) -> dict[str, str]:
    a, b = rng.sample(topic.fr, 2)
    disease = rng.choice(topic.diseases)[1] if topic.diseases else "les cancers"
    return {
        "a": a,
        "A": _cap(a),
        "b": b,
        "de_a": _de(a),
        "disease": disease,
        "de_disease": _de(disease),
    }


def project(rng: Random, topic: Topic, index: int) -> dict[str, object]:
    """Title, acronym and answers of a demo application on ``topic``."""
    words = project_words(rng, topic)
    return {
        "title": rng.choice(TITLES).format(**words),
        "acronym": ACRONYMS[index % len(ACRONYMS)],
        "answers": {
            "summary": SUMMARY.format(**words),
            "keywords": ", ".join(rng.sample(topic.fr, 3)),
            "state_of_the_art": STATE_OF_THE_ART.format(**words),
            "methods": METHODS.format(**words),
        },
    }


def review_texts(rng: Random, recommendation: str) -> dict[str, str]:
    """The applicant-facing and the confidential comments of one review."""
    strength = rng.choice(STRENGTHS)
    weakness = rng.choice(WEAKNESSES)
    return {
        "comment_to_applicants": f"{strength} {weakness} {VERDICTS[recommendation]}",
        "comment_to_committee": rng.choice(TO_COMMITTEE),
    }
