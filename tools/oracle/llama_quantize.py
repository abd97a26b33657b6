#!/usr/bin/env python3
# Quantises a GGUF with llama.cpp's own quantiser (llama_model_quantize in the prebuilt libllama of
# the llama.cpp oracle), so the engine can be checked on files that llama.cpp itself wrote.
# Not a quantiser of ours and not a build of llama.cpp: it only calls the installed shared library.
"""usage: llama_quantize.py [--lib-dir DIR] [--threads N] INPUT.gguf OUTPUT.gguf TYPE

TYPE is one of q8_0, q4_0, q4_k_s, q4_k_m, q5_k_m, q6_k, f16, bf16.
The library folder defaults to $SIGMA_LLAMA_ORACLE_LIB, else the prebuilt under tools/.deps/llama-oracle.
SIGMA_LLAMA_ORACLE_VERBOSE=1 shows llama.cpp's own log.
Exit status: 0 written, 1 llama.cpp refused the input, 2 usage or missing library."""
import ctypes
import os
import sys

# llama.cpp's enum llama_ftype ids (stored in GGUF general.file_type: they never change meaning).
FTYPES = {"f16": 1, "q4_0": 2, "q8_0": 7, "q4_k_s": 14, "q4_k_m": 15, "q5_k_m": 17, "q6_k": 18, "bf16": 32}

# The leading fields of struct llama_model_quantize_params as the v0.5.0 header declares them. Only
# nthread and ftype are changed; the rest stays as llama_model_quantize_default_params() filled it.
# The structure is returned by value, so ctypes must reserve at least its real size: the tail is a
# generous reserve (the real struct is 64 bytes), and the fields read here are checked for sanity.
class QuantizeParams(ctypes.Structure):
    _fields_ = [
        ("nthread", ctypes.c_int32),
        ("ftype", ctypes.c_int32),
        ("output_tensor_type", ctypes.c_int32),
        ("token_embedding_type", ctypes.c_int32),
        ("allow_requantize", ctypes.c_bool),
        ("quantize_output_tensor", ctypes.c_bool),
        ("only_copy", ctypes.c_bool),
        ("pure", ctypes.c_bool),
        ("keep_split", ctypes.c_bool),
        ("dry_run", ctypes.c_bool),
        ("reserve", ctypes.c_uint8 * 256),
    ]


# ggml_log_callback(level, text, user_data): levels 3 (warn) and 4 (error) still reach stderr.
@ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
def _QUIET(level, text, _user):
    if level in (3, 4) and text:
        sys.stderr.write(text.decode(errors="replace"))


def default_lib_dir():
    env = os.environ.get("SIGMA_LLAMA_ORACLE_LIB")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "tools", ".deps", "llama-oracle", "node_modules", "@node-llama-cpp",
                        "linux-x64", "bins", "linux-x64")


def find(lib_dir, prefix):
    for name in sorted(os.listdir(lib_dir)):
        if name.startswith(prefix) and name.endswith(".so"):
            return os.path.join(lib_dir, name)
    return None


def load(lib_dir):
    """Loads ggml and llama from lib_dir (CPU backends included); returns libllama or an error text."""
    if not os.path.isdir(lib_dir):
        return None, f"no llama.cpp library folder at {lib_dir} (run tools/test.sh to install the oracle)"
    paths = [find(lib_dir, "libggml-base"), find(lib_dir, "libggml.v") or find(lib_dir, "libggml.so"),
             find(lib_dir, "libllama.v") or find(lib_dir, "libllama.so")]
    if None in paths:
        return None, f"{lib_dir} lacks libggml-base, libggml or libllama"
    libs = [ctypes.CDLL(p, mode=ctypes.RTLD_GLOBAL) for p in paths]
    libs[0].ggml_log_set.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    libs[2].llama_log_set.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    # llama.cpp logs every tensor it converts; keep only warnings and errors unless asked.
    if not os.environ.get("SIGMA_LLAMA_ORACLE_VERBOSE"):
        libs[0].ggml_log_set(ctypes.cast(_QUIET, ctypes.c_void_p), None)
        libs[2].llama_log_set(ctypes.cast(_QUIET, ctypes.c_void_p), None)
    # The CPU backend is a plugin picked for this CPU; quantising reads the input through it.
    libs[1].ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
    libs[1].ggml_backend_load_all_from_path(lib_dir.encode())
    llama = libs[2]
    llama.llama_backend_init()
    llama.llama_model_quantize_default_params.restype = QuantizeParams
    llama.llama_model_quantize.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(QuantizeParams)]
    llama.llama_model_quantize.restype = ctypes.c_uint32
    llama.llama_version.restype = ctypes.c_char_p
    return llama, None


def main(argv):
    args = list(argv)
    lib_dir = default_lib_dir()
    threads = 2
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if not args:
            print(f"llama_quantize: {opt} needs a value", file=sys.stderr)
            return 2
        if opt == "--lib-dir":
            lib_dir = args.pop(0)
        elif opt == "--threads":
            value = args.pop(0)
            if not value.isdigit():
                print(f"llama_quantize: --threads '{value}' is not a count", file=sys.stderr)
                return 2
            threads = int(value)
        else:
            print(f"llama_quantize: unknown option {opt}\n{__doc__}", file=sys.stderr)
            return 2
    if len(args) != 3 or args[2].lower() not in FTYPES:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst, kind = args[0], args[1], args[2].lower()
    if not os.path.isfile(src):
        print(f"llama_quantize: no input file {src}", file=sys.stderr)
        return 2
    llama, error = load(lib_dir)
    if error:
        print(f"llama_quantize: {error}", file=sys.stderr)
        return 2
    params = llama.llama_model_quantize_default_params()
    # A wrong layout would show as nonsense here rather than as a silently different file: the
    # defaults quantise the output tensor, copy nothing, are no dry run and leave both override
    # types at the same "none" value.
    if (params.only_copy or params.dry_run or not params.quantize_output_tensor
            or params.output_tensor_type != params.token_embedding_type):
        print("llama_quantize: llama_model_quantize_default_params() does not look like the v0.5.0 "
              "layout; refusing to quantise with a misread struct", file=sys.stderr)
        return 2
    params.nthread = threads
    params.ftype = FTYPES[kind]
    rc = llama.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params))
    if rc != 0:
        print(f"llama_quantize: llama.cpp could not quantise {src} to {kind} (code {rc})", file=sys.stderr)
        return 1
    print(f"llama_quantize: {src} -> {dst} ({kind}) by llama.cpp {llama.llama_version().decode()}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
