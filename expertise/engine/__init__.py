"""Expertise scoring engine: who in the network knows about a document.

Pure Python (numpy, scipy, tokenizers, safetensors, snowballstemmer); no
Django import, no torch.  Entry points::

    engine = ExpertiseEngine(cache_dir="var/embeddings")   # method "auto"
    engine.method                                          # "neural+lexical" or "lexical"
    engine.backend                                         # "onnxruntime-int8", "numpy"... or None
    matrix = engine.score(profiles, documents)             # [n_profiles, n_documents]
    people = engine.rank("cancer du sein", profiles, top=10)

See scoring.py for the method, cache.py for the embedding cache,
onnx_encoder.py for the ONNX Runtime backend and budget.py for the time
budget of cold runs (``ExpertiseEngine(time_budget=20)``, CLI ``--time-budget``).
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
