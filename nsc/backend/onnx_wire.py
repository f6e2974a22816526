"""ONNX's protobuf wire format for the few messages a surrogate uses, without the onnx package.

`import onnx` costs about 0.15 s (protobuf descriptors, the C++ checker), more than writing a
surrogate should, so `nscc` encodes the model itself. The bytes are those `onnx.helper` and
`SerializeToString` make for the same model (fields in number order, proto2 presence); a test
compares them on every kind of signature, and `onnx.checker` on the written files.

Field numbers are from onnx/onnx-ml.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
TensorProto, ValueInfoProto, TypeProto.Tensor, TensorShapeProto, OperatorSetIdProto,
StringStringEntryProto).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

FLOAT = 1  # TensorProto.DataType
INT64 = 7
ATTRIBUTE_INT = 2  # AttributeProto.AttributeType
_DATA_TYPES = {np.dtype(np.float32): FLOAT, np.dtype(np.int64): INT64}
_VARINT, _LENGTH = 0, 2


@dataclass(frozen=True)
class Node:
    """One operator: `op` over named inputs, with integer attributes."""

    op: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    name: str
    attributes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ValueInfo:
    """A float32 graph input or output; a string dimension is symbolic (`batch`)."""

    name: str
    shape: tuple[int | str, ...]


@dataclass(frozen=True)
class Model:
    """Everything the surrogate's ModelProto holds."""

    graph_name: str
    nodes: Sequence[Node]
    initializers: Sequence[tuple[str, np.ndarray]]  # float32 or int64 arrays
    inputs: Sequence[ValueInfo]
    outputs: Sequence[ValueInfo]
    ir_version: int
    opset: int
    producer_name: str
    producer_version: str
    doc_string: str
    metadata: Mapping[str, str]


def encode_model(model: Model) -> bytes:
    """The serialized ModelProto."""
    graph = b"".join(
        [
            *(_message(1, _node(n)) for n in model.nodes),
            _text(2, model.graph_name),
            *(_message(5, _tensor(name, array)) for name, array in model.initializers),
            *(_message(11, _value_info(v)) for v in model.inputs),
            *(_message(12, _value_info(v)) for v in model.outputs),
        ]
    )
    opset = _text(1, "") + _integer(2, model.opset)
    props = (_text(1, k) + _text(2, v) for k, v in model.metadata.items())
    return b"".join(
        [
            _integer(1, model.ir_version),
            _text(2, model.producer_name),
            _text(3, model.producer_version),
            _text(6, model.doc_string),
            _message(7, graph),
            _message(8, opset),
            *(_message(14, p) for p in props),
        ]
    )


def _node(node: Node) -> bytes:
    attributes = (
        _text(1, name) + _integer(3, value) + _integer(20, ATTRIBUTE_INT)
        for name, value in sorted(node.attributes)
    )
    return b"".join(
        [
            *(_text(1, name) for name in node.inputs),
            *(_text(2, name) for name in node.outputs),
            _text(3, node.name),
            _text(4, node.op),
            *(_message(5, a) for a in attributes),
        ]
    )


def _tensor(name: str, array: np.ndarray) -> bytes:
    data_type = _DATA_TYPES.get(array.dtype)
    if data_type is None:
        raise ValueError(f"initializer {name!r}: no ONNX encoding here for dtype {array.dtype}")
    raw = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    dims = b"".join(_integer(1, d) for d in array.shape)
    return dims + _integer(2, data_type) + _text(8, name) + _field(9, raw)


def _value_info(value: ValueInfo) -> bytes:
    dims = (_text(2, d) if isinstance(d, str) else _integer(1, d) for d in value.shape)
    shape = b"".join(_message(1, d) for d in dims)
    tensor = _integer(1, FLOAT) + _message(2, shape)
    return _text(1, value.name) + _message(2, _message(1, tensor))


def _varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64  # int64 fields: two's complement, ten bytes
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _integer(number: int, value: int) -> bytes:
    return _varint(number << 3 | _VARINT) + _varint(int(value))


def _field(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | _LENGTH) + _varint(len(data)) + data


def _text(number: int, value: str) -> bytes:
    return _field(number, value.encode("utf-8"))


_message = _field
