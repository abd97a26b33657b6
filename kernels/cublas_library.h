// cublas_library: cuBLAS opened on first use instead of linked. A linked libcublas makes every process
// start pay its library initialisers (about 150 ms on the 2-core development CPU, measured on an
// empty program) even when it never uses a GPU: the CLI's every command, a CPU-only run, the tests.
// Not a cuBLAS wrapper: the entry points matmul calls, with cuBLAS's own types and signatures.
#pragma once

#include <cublas_v2.h>

#include <string>

namespace sigma::cuda {

struct CublasLibrary {
    decltype(&cublasCreate_v2) create = nullptr;
    decltype(&cublasDestroy_v2) destroy = nullptr;
    decltype(&cublasSetStream_v2) set_stream = nullptr;
    // The exported cublasGemmEx (cublasComputeType_t), not the header's inline overload for cudaDataType.
    cublasStatus_t (*gemm_ex)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void*,
                              const void*, cudaDataType, int, const void*, cudaDataType, int, const void*, void*,
                              cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t) = nullptr;
    decltype(&cublasGetStatusString) status_string = nullptr;
    std::string path;  // the file that was opened
};

// The library, opened once per process and kept open (thread-safe): libcublas.so.<major> of the
// cuBLAS this was built against, from the system's library path, else from the toolkit it was built
// with. nullptr when neither opens or one lacks an entry point; `why` then names the file and the
// loader's reason.
const CublasLibrary* cublas_library(std::string* why = nullptr);

}  // namespace sigma::cuda
