# The GGUF container as the project's Python tools write and read it: value types, key/value
# encoding, tensor infos, alignment, and a reader for the same subset. Python 3 stdlib only, so the
# vocabulary converter runs without numpy or torch.
# Not a tensor codec: export_gguf.py quantises and import_gguf.py dequantises; this file moves bytes.
import os
import struct

GGUF_MAGIC = b"GGUF"
GGUF_VERSION = 3
ALIGNMENT = 32

# GGUF value types (stored on disk: never renumber).
T_UINT32, T_INT32, T_FLOAT32, T_BOOL, T_STRING, T_ARRAY = 4, 5, 6, 7, 8, 9
# Struct formats of every scalar value type, for reading (8 string and 9 array are read apart).
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class GgufError(Exception):
    pass


def enc_string(s):
    data = s.encode("utf-8", "surrogatepass")
    return struct.pack("<Q", len(data)) + data


def enc_value(vtype, value):
    if vtype == T_STRING:
        return enc_string(value)
    if vtype == T_UINT32:
        return struct.pack("<I", value)
    if vtype == T_INT32:
        return struct.pack("<i", value)
    if vtype == T_FLOAT32:
        return struct.pack("<f", value)
    if vtype == T_BOOL:
        return struct.pack("<B", 1 if value else 0)
    raise GgufError(f"unsupported GGUF value type {vtype}")


def enc_kv(key, vtype, value, elem_type=None):
    out = enc_string(key) + struct.pack("<I", vtype)
    if vtype == T_ARRAY:
        out += struct.pack("<IQ", elem_type, len(value))
        out += b"".join(enc_value(elem_type, v) for v in value)
    else:
        out += enc_value(vtype, value)
    return out


def pad(n):
    return (ALIGNMENT - n % ALIGNMENT) % ALIGNMENT


def write_gguf(path, kvs, tensors=()):
    """kvs: (key, type, value[, element type]); tensors: (name, ggml type, ne list, bytes), ne in ggml
    order. Written to PATH.tmp, then renamed, so a failed write leaves no half file."""
    kvs = [("general.alignment", T_UINT32, ALIGNMENT)] + [kv for kv in kvs if kv[0] != "general.alignment"]
    infos, offset = [], 0
    for name, ttype, ne, data in tensors:
        infos.append(enc_string(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne) +
                     struct.pack("<IQ", ttype, offset))
        offset += len(data) + pad(len(data))
    head = GGUF_MAGIC + struct.pack("<IQQ", GGUF_VERSION, len(tensors), len(kvs))
    head += b"".join(enc_kv(*kv) for kv in kvs) + b"".join(infos)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(head + b"\0" * pad(len(head)))
        for _, _, _, data in tensors:
            f.write(data)
            f.write(b"\0" * pad(len(data)))
    os.replace(tmp, path)


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise GgufError(f"GGUF ends early at byte {self.pos} (needs {n} more)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def scalar(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self):
        return self.take(self.scalar("<Q")).decode("utf-8")

    def value(self, vtype):
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == T_STRING:
            return self.string()
        if vtype == T_ARRAY:
            etype, n = self.scalar("<I"), self.scalar("<Q")
            return [self.value(etype) for _ in range(n)]
        raise GgufError(f"unknown GGUF value type {vtype} at byte {self.pos}")


def read_gguf(path, tensor_size):
    """-> (metadata dict, [(name, ggml type, ne, bytes)]). tensor_size(name, ggml type, ne) gives a
    tensor's byte size or raises GgufError for a type the caller cannot read."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        r = _Reader(data)
        if r.take(4) != GGUF_MAGIC:
            raise GgufError("not a GGUF file")
        version = r.scalar("<I")
        if version not in (2, 3):
            raise GgufError(f"GGUF version {version} (2 or 3 read here)")
        n_tensors, n_kv = r.scalar("<Q"), r.scalar("<Q")
        meta = {}
        for _ in range(n_kv):
            key = r.string()
            meta[key] = r.value(r.scalar("<I"))
        infos = []
        for _ in range(n_tensors):
            name = r.string()
            ne = [r.scalar("<Q") for _ in range(r.scalar("<I"))]
            infos.append((name, ne, r.scalar("<I"), r.scalar("<Q")))
        align = meta.get("general.alignment", ALIGNMENT)
        base = (r.pos + align - 1) // align * align
        tensors = []
        for name, ne, ttype, offset in infos:
            size = tensor_size(name, ttype, ne)
            start = base + offset
            if start + size > len(data):
                raise GgufError(f"tensor {name} runs past the end of the file")
            tensors.append((name, ttype, ne, data[start:start + size]))
        return meta, tensors
    except (GgufError, UnicodeDecodeError, struct.error) as e:
        raise GgufError(f"{path}: {e}") from None
