"""Expertise scoring engine: who in the network knows about a document.

Pure Python (numpy, scipy, tokenizers, safetensors, snowballstemmer); no
Django import, no torch.  Entry points::

    engine = ExpertiseEngine(cache_dir="var/embeddings")   # method "auto"
    engine.method                                          # "neural+lexical" or "lexical"
    matrix = engine.score(profiles, documents)             # [n_profiles, n_documents]
    people = engine.rank("cancer du sein", profiles, top=10)

See scoring.py for the method and cache.py for the embedding cache.
"""

from expertise.engine.models import Document, InputError, Profile, Publication
from expertise.engine.scoring import (
    EncoderUnavailable,
    EngineConfig,
    ExpertiseEngine,
    PaperEvidence,
    RankedPerson,
    ScoreDetails,
)

__all__ = [
    "Document",
    "EncoderUnavailable",
    "EngineConfig",
    "ExpertiseEngine",
    "InputError",
    "PaperEvidence",
    "Profile",
    "Publication",
    "RankedPerson",
    "ScoreDetails",
]
