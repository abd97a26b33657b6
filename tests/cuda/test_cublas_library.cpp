// cuBLAS opened on first use: a process that has not asked for it has no libcublas mapped (so it pays
// none of its start-up cost), and the first ask opens it with every entry point matmul calls. Needs
// the library, not a device: it runs (and must pass) on a CPU-only machine with the toolkit.
// Not matmul itself: test_matmul checks the products on a device.
#include <cstdio>
#include <fstream>
#include <string>

#include "kernels/cublas_library.h"
#include "tests/cuda/harness.h"

using namespace sigma;
using namespace sigma::cuda_test;

namespace {

bool cublas_mapped() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.find("libcublas") != std::string::npos) return true;
    return false;
}

}  // namespace

int main() {
    Runner r;
    r.check(!cublas_mapped(), "no libcublas is mapped before the first use");
    std::string why;
    const cuda::CublasLibrary* blas = cuda::cublas_library(&why);
    if (!r.check(blas != nullptr, "cuBLAS opens: " + why)) return r.finish("cublas_library");
    std::printf("opened %s\n", blas->path.c_str());
    r.check(cublas_mapped(), "libcublas is mapped after the first use");
    r.check(blas->create && blas->destroy && blas->set_stream && blas->gemm_ex && blas->status_string,
            "every entry point resolves");
    // Its own words for a status (no device needed): "success", "the library was not initialized".
    const std::string ok = blas->status_string(CUBLAS_STATUS_SUCCESS);
    const std::string uninitialised = blas->status_string(CUBLAS_STATUS_NOT_INITIALIZED);
    r.check(!ok.empty() && !uninitialised.empty() && ok != uninitialised, "the library names its statuses");
    r.check(cuda::cublas_library() == blas, "one library per process");
    return r.finish("cublas_library");
}
