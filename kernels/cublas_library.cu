// cublas_library: dlopen of libcublas.so.<major> (the system's search path first, then the build's
// toolkit) and dlsym of each entry point, once per process.
#include "kernels/cublas_library.h"

#include <dlfcn.h>

#include <vector>

namespace sigma::cuda {

namespace {

#define SIGMA_CUBLAS_STR2(x) #x
#define SIGMA_CUBLAS_STR(x) SIGMA_CUBLAS_STR2(x)
constexpr const char* kSoname = "libcublas.so." SIGMA_CUBLAS_STR(CUBLAS_VER_MAJOR);

struct Opened {
    CublasLibrary library;
    std::string error;  // empty when opened
};

std::string loader_error() {
    const char* e = dlerror();
    return e ? e : "unknown loader error";
}

template <class F>
bool resolve(void* handle, const char* name, F& entry, std::string& error) {
    entry = reinterpret_cast<F>(dlsym(handle, name));
    if (!entry) error = std::string("it has no ") + name + " (" + loader_error() + ")";
    return entry != nullptr;
}

Opened open_library() {
    Opened out;
    std::vector<std::string> candidates = {kSoname};
#ifdef SIGMA_CUBLAS_DIR
    candidates.push_back(std::string(SIGMA_CUBLAS_DIR) + "/" + kSoname);
#endif
    void* handle = nullptr;
    std::string reasons;
    for (const std::string& file : candidates) {
        handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle) {
            out.library.path = file;
            break;
        }
        reasons += (reasons.empty() ? "" : "; ") + loader_error();
    }
    if (!handle) {
        out.error = std::string("cuBLAS (") + kSoname + ") cannot be opened: " + reasons;
        return out;
    }
    CublasLibrary& l = out.library;
    std::string error;
    if (!resolve(handle, "cublasCreate_v2", l.create, error) ||
        !resolve(handle, "cublasDestroy_v2", l.destroy, error) ||
        !resolve(handle, "cublasSetStream_v2", l.set_stream, error) ||
        !resolve(handle, "cublasGemmEx", l.gemm_ex, error) ||
        !resolve(handle, "cublasGetStatusString", l.status_string, error)) {
        out.error = "cuBLAS at " + l.path + " cannot be used: " + error;
        dlclose(handle);
    }
    return out;  // on success the handle stays open for the life of the process
}

}  // namespace

const CublasLibrary* cublas_library(std::string* why) {
    static const Opened opened = open_library();
    if (!opened.error.empty()) {
        if (why) *why = opened.error;
        return nullptr;
    }
    return &opened.library;
}

}  // namespace sigma::cuda
