"""The demo's expertise index: lexical at once, embeddings in the background.

Why in the background: encoding costs about 0.1 s of CPU per abstract here (numpy MiniLM on two
shared cores, measured 10.5 abstracts/s), so the small demo's ~14,000 publications take over
20 minutes and the large one's hours. The search works lexically at once (the index needs no
precomputation for that) and the page says "index en cours" with the progress; a detached
``manage.py expertise_index`` process computes and stores the vectors (chunks are saved as they
finish, so stopping it loses nothing) and the pages switch to neural+lexical when it is done.
Set ``CANCEROPOLE_EXPERTISE_BACKGROUND=0`` to skip it (benchmarks, CI).
"""

import os
import subprocess
import sys

from django.conf import settings

from expertise.models import IndexState, PublicationVector
from expertise.selectors import encoder_for, get_engine
from expertise.services import _set_progress, bump_index_version, indexed_publications, refresh_vectors

INLINE_LIMIT = 300  # fewer missing vectors than this: compute them now (under a minute)


def build_demo_index() -> dict[str, int]:
    indexed = indexed_publications().count()
    encoder = encoder_for(get_engine())
    if encoder is None:
        bump_index_version()
        return {"expertise_indexed": indexed}
    missing = (
        indexed
        - PublicationVector.objects.filter(
            model=encoder.cache_namespace, publication__in=indexed_publications()
        ).count()
    )
    if missing <= INLINE_LIMIT:
        refresh_vectors()
        return {"expertise_indexed": indexed}
    bump_index_version()
    if not settings.CANCEROPOLE_EXPERTISE_BACKGROUND:
        return {"expertise_indexed": indexed}
    _set_progress(status=IndexState.Status.BUILDING, done=0, total=missing)
    log = open(settings.DATA_DIR / "expertise-index.log", "ab")  # noqa: SIM115 - handed to the child
    subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py, no user input
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "expertise_index", "--quiet"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env=os.environ.copy(),
    )
    return {"expertise_indexed": indexed, "expertise_embedding_in_background": missing}
