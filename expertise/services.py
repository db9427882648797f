"""Writes of the expertise domain: the stored publication vectors and the index version.

Only publications with at least one reliably linked author (``outputs.linking.LINKED``) are
indexed: the others say nothing about anyone in the network. A vector is stale when the
publication's text changed since it was computed (``text_hash``); refreshing computes the
missing and stale vectors only, in chunks that are saved as they finish (an interrupted build
keeps its progress), then bumps the index version so that every process reloads its index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.services import record_audit
from expertise.engine.translate import english_rendering
from expertise.models import IndexState, PublicationVector
from expertise.selectors import encoder_for, get_engine
from expertise.selectors.index import prepare_snapshot
from outputs.linking import LINKED
from outputs.models import Authorship, Publication

INDEX_NAME = "default"
CHUNK = 128  # publications encoded between two saves (about 10 s of CPU on two cores)
STALE_BUILD = timedelta(minutes=10)  # a "building" state not updated for this long is a dead build

Progress = Callable[[int, int], None]


def source_text(title: str, abstract: str, keywords: Iterable[Any]) -> str:
    """What the vector is computed from, as one string (its hash tells when it is stale)."""
    words = "; ".join(str(k).strip() for k in keywords or () if str(k).strip())
    return "\n".join((title.strip(), abstract.strip(), words))


def text_hash(title: str, abstract: str, keywords: Iterable[Any]) -> str:
    return hashlib.sha256(source_text(title, abstract, keywords).encode()).hexdigest()


def encoder_text(title: str, abstract: str, keywords: Iterable[Any]) -> str:
    """The engine's own rendering of a publication for the encoder (French made English)."""
    words = "; ".join(str(k).strip() for k in keywords or () if str(k).strip())
    return english_rendering(title, abstract, words)


def indexed_publications() -> QuerySet[Publication]:
    linked = Authorship.objects.filter(person__isnull=False, match__in=LINKED).values("publication_id")
    return Publication.objects.filter(pk__in=linked)


def bump_index_version(
    *, status: str | None = None, done: int | None = None, total: int | None = None
) -> None:
    """Tell every process that the index changed (and, optionally, how a build is going)."""
    state, _created = IndexState.objects.get_or_create(name=INDEX_NAME)
    now = timezone.now()
    changes: dict[str, Any] = {"version": F("version") + 1, "updated_at": now, "changed_at": now}
    if status is not None:
        changes["status"] = status
    if done is not None:
        changes["done"] = done
    if total is not None:
        changes["total"] = total
    IndexState.objects.filter(pk=state.pk).update(**changes)


def _set_progress(*, status: str, done: int, total: int) -> None:
    """Progress without a version bump (processes need not reload for a progress change)."""
    IndexState.objects.get_or_create(name=INDEX_NAME)
    IndexState.objects.filter(name=INDEX_NAME).update(
        status=status, done=done, total=total, updated_at=timezone.now()
    )


def build_is_running() -> bool:
    state = IndexState.objects.filter(name=INDEX_NAME).first()
    return bool(
        state is not None
        and state.status == IndexState.Status.BUILDING
        and state.updated_at >= timezone.now() - STALE_BUILD
    )


def refresh_vectors(
    *,
    person_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    chunk: int = CHUNK,
    mark_building: bool = False,
) -> int:
    """Compute the missing and stale vectors of the indexed publications (of ``person_ids``, or
    all), save them, and bump the index version. Returns how many vectors were computed.

    Without the encoder (lexical method) nothing is computed, but the version is still bumped:
    the lexical side of the index is rebuilt from the publications themselves.
    """
    engine = get_engine()
    encoder = encoder_for(engine)
    publications = indexed_publications()
    if person_ids is not None:
        ids = sorted(set(person_ids))
        mine = Authorship.objects.filter(person_id__in=ids, match__in=LINKED).values("publication_id")
        publications = publications.filter(pk__in=mine)
    if encoder is None:
        bump_index_version()
        prepare_snapshot()
        return 0
    namespace = encoder.cache_namespace
    known = dict(
        PublicationVector.objects.filter(model=namespace, publication__in=publications).values_list(
            "publication_id", "text_hash"
        )
    )
    todo: list[tuple[int, str, str]] = []
    for pk, title, abstract, keywords in publications.order_by("pk").values_list(
        "pk", "title", "abstract", "keywords"
    ):
        digest = text_hash(title, abstract, keywords)
        if known.get(pk) != digest:
            todo.append((pk, digest, encoder_text(title, abstract, keywords)))
    total = len(todo)
    if mark_building and total:
        _set_progress(status=IndexState.Status.BUILDING, done=0, total=total)
    done = 0
    try:
        for start in range(0, total, chunk):
            part = todo[start : start + chunk]
            vectors = encoder.encode([text for _pk, _digest, text in part])
            _save_vectors(namespace, part, vectors)
            done += len(part)
            if mark_building:
                _set_progress(status=IndexState.Status.BUILDING, done=done, total=total)
            if progress is not None:
                progress(done, total)
    finally:
        bump_index_version(status=IndexState.Status.READY if mark_building or total else None)
    prepare_snapshot()
    return done


def _save_vectors(namespace: str, part: list[tuple[int, str, str]], vectors: np.ndarray) -> None:
    rows = [
        PublicationVector(
            publication_id=pk,
            model=namespace,
            text_hash=digest,
            dim=int(vector.shape[0]),
            vector=np.asarray(vector, dtype=np.float16).tobytes(),
        )
        for (pk, digest, _text), vector in zip(part, vectors, strict=True)
    ]
    with transaction.atomic():
        PublicationVector.objects.filter(
            model=namespace, publication_id__in=[r.publication_id for r in rows]
        ).delete()
        PublicationVector.objects.bulk_create(rows)


def rebuild_index(*, actor: Any = None, progress: Progress | None = None, full: bool = False) -> int:
    """Refresh every vector (``full``: drop the stored ones of the current model first)."""
    encoder = encoder_for(get_engine())
    if full and encoder is not None:
        PublicationVector.objects.filter(model=encoder.cache_namespace).delete()
    computed = refresh_vectors(progress=progress, mark_building=True)
    record_audit(
        action="expertise.index.rebuilt",
        actor=actor,
        data={"computed": computed, "full": full, "method": get_engine().method},
    )
    return computed
