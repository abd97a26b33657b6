# Framework and runtime logs: PyTorch (old and new), TensorFlow, JAX, vLLM, NCCL debug output, Slurm job output.
CASES = [
("cuda_out_of_memory", ["cuda runtime error (2) : out of memory"], r"""THCudaCheck FAIL file=/pytorch/aten/src/THC/THCGeneral.cpp line=405 error=2 : out of memory
Traceback (most recent call last):
  File "main.py", line 214, in <module>
    output = model(input_var)
  File "/home/user/anaconda3/lib/python3.6/site-packages/torch/nn/modules/module.py", line 477, in __call__
    result = self.forward(*input, **kwargs)
RuntimeError: cuda runtime error (2) : out of memory at /pytorch/aten/src/THC/THCCachingAllocator.cpp:510"""),
("cuda_out_of_memory", ["CUDA out of memory"], r"""Epoch 1:  37%|███▋      | 371/1000 [02:41<04:33,  2.30it/s, loss=2.31, v_num=3]
Epoch 1:  37%|███▋      | 372/1000 [02:41<04:32,  2.30it/s, loss=2.29, v_num=3]
Traceback (most recent call last):
  File "train_lightning.py", line 61, in <module>
    trainer.fit(model, dm)
RuntimeError: CUDA out of memory. Tried to allocate 512.00 MiB (GPU 0; 23.69 GiB total capacity; 21.88 GiB already allocated; 311.56 MiB free; 22.17 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb to avoid fragmentation.  See documentation for Memory Management and PYTORCH_CUDA_ALLOC_CONF"""),
("cuda_out_of_memory", ["OOM when allocating tensor with shape[64,1024,50257]"], r"""2025-02-11 10:22:31.118903: W tensorflow/core/common_runtime/bfc_allocator.cc:479] Allocator (GPU_0_bfc) ran out of memory trying to allocate 12.27GiB (rounded to 13170114560)requested by op MatMul
2025-02-11 10:22:31.119155: W tensorflow/core/common_runtime/bfc_allocator.cc:491] ***************************************************************************************_____________
2025-02-11 10:22:31.119210: W tensorflow/core/framework/op_kernel.cc:1780] OP_REQUIRES failed at matmul_op_impl.h:728 : RESOURCE_EXHAUSTED: OOM when allocating tensor with shape[64,1024,50257] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc
Traceback (most recent call last):
  File "gpt_tf.py", line 130, in <module>
    model.fit(ds, epochs=3)
tensorflow.python.framework.errors_impl.ResourceExhaustedError: Graph execution error:"""),
("cuda_out_of_memory", ["CUDA error: out of memory"], r"""llama_model_load: loading model from '/models/llama-3-70b.Q5_K_M.gguf'
llm_load_tensors: offloading 80 repeating layers to GPU
llm_load_tensors: offloaded 81/81 layers to GPU
llm_load_tensors:      CUDA0 buffer size = 23040.00 MiB
llm_load_tensors:      CUDA1 buffer size = 22876.00 MiB
ggml_backend_cuda_buffer_type_alloc_buffer: allocating 24512.00 MiB on device 1: cudaMalloc failed: out of memory
llama_kv_cache_init: failed to allocate buffer for kv cache
CUDA error: out of memory
  current device: 1, in function ggml_cuda_pool_malloc at ggml-cuda.cu:8452"""),
("cuda_out_of_memory", ["RESOURCE_EXHAUSTED: Out of memory while trying to allocate"], r"""I0312 08:14:03.441122 140122 train.py:77] step 1200 loss=2.113
2025-03-12 08:14:09.021884: W external/xla/xla/service/hlo_rematerialization.cc:3005] Can't reduce memory use below 61.22GiB (65738170777 bytes) by rematerialization; only reduced to 79.31GiB (85157822800 bytes), down from 79.31GiB (85157822800 bytes) originally
jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 85157822800 bytes.
BufferAssignment OOM Debugging.
BufferAssignment stats:
             parameter allocation:   12.40GiB
              constant allocation:         0B"""),

("nccl_timeout", ["Watchdog caught collective operation timeout"], r"""[rank5]:[E1022 03:41:55.718422940 ProcessGroupNCCL.cpp:616] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77123, OpType=_ALLGATHER_BASE, NumelIn=16777216, NumelOut=134217728, Timeout(ms)=1800000) ran for 1800043 milliseconds before timing out.
[rank5]:[E1022 03:41:55.720088921 ProcessGroupNCCL.cpp:1785] [PG ID 0 PG GUID 0(default_pg) Rank 5] Exception (either an error or timeout) detected by watchdog at work: 77123, last enqueued NCCL work: 77123, last completed NCCL work: 77122.
[rank5]:[E1022 03:41:55.720131050 ProcessGroupNCCL.cpp:630] [Rank 5] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.
[rank5]:[E1022 03:41:55.720141990 ProcessGroupNCCL.cpp:636] [Rank 5] To avoid data inconsistency, we are taking the entire process down.
terminate called after throwing an instance of 'c10::DistBackendError'
  what():  [PG ID 0 PG GUID 0(default_pg) Rank 5] Process group watchdog thread terminated with exception: [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=77123, OpType=_ALLGATHER_BASE, NumelIn=16777216, NumelOut=134217728, Timeout(ms)=1800000) ran for 1800043 milliseconds before timing out.
W1022 03:42:00.118000 139876 torch/distributed/elastic/multiprocessing/api.py:897] Sending process 4121 closing signal SIGTERM"""),
("nccl_timeout", ["Timed out waiting 1800000ms for send operation to complete"], r"""Traceback (most recent call last):
  File "/mnt/code/dist_train.py", line 188, in <module>
    dist.all_reduce(grad_tensor)
  File "/opt/conda/lib/python3.8/site-packages/torch/distributed/distributed_c10d.py", line 1320, in all_reduce
    work.wait()
RuntimeError: [/opt/conda/conda-bld/pytorch_1640811805959/work/third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:136] Timed out waiting 1800000ms for send operation to complete"""),
("nccl_timeout", ["NCCL communicator was aborted on rank 2"], r"""[E ProcessGroupNCCL.cpp:828] [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4410, OpType=BROADCAST, Timeout(ms)=600000) ran for 600494 milliseconds before timing out.
[E ProcessGroupNCCL.cpp:455] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.
[E ProcessGroupNCCL.cpp:460] To avoid data inconsistency, we are taking the entire process down.
Traceback (most recent call last):
  File "pretrain_gpt.py", line 305, in <module>
RuntimeError: NCCL communicator was aborted on rank 2.  Original reason for failure was: [Rank 2] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4410, OpType=BROADCAST, Timeout(ms)=600000) ran for 600494 milliseconds before timing out.
srun: error: gpu-a-019: task 2: Exited with exit code 1
srun: launch/slurm: _step_signal: Terminating StepId=991823.0"""),

("nccl_network_error", ["NET/IB : Got completion from peer"], r"""node031:18823:18991 [3] NCCL INFO Channel 02/0 : 3[3] -> 11[3] [send] via NET/IB/3/GDRDMA
node031:18823:18991 [3] NCCL INFO Connected all rings
node031:18823:19002 [3] transport/net_ib.cc:1696 NCCL WARN NET/IB : Got completion from peer 10.10.2.14<43851> with status=12 opcode=0 len=0 vendor err 129 (Send) localGid ::ffff:10.10.2.13 remoteGidsfe80::b859:9fff:fe2a:1c3e hca mlx5_3
node031:18823:19002 [3] NCCL INFO transport/net.cc:1134 -> 6
node031:18823:19002 [3] NCCL INFO proxy.cc:1508 -> 6
node031:18823:19002 [3] NCCL INFO proxy.cc:1541 -> 6
[rank3]:[E ProcessGroupNCCL.cpp:1316] [PG 0 Rank 3] NCCL watchdog thread terminated with exception: NCCL error: remote process exited or there was a network error, NCCL version 2.20.5
ncclRemoteError: A call failed possibly due to a network error or a remote process exiting prematurely."""),
("nccl_network_error", ["unhandled system error"], r"""Traceback (most recent call last):
  File "train_ddp.py", line 44, in <module>
    model = DDP(model, device_ids=[local_rank])
  File "/usr/local/lib/python3.9/site-packages/torch/nn/parallel/distributed.py", line 646, in __init__
    _verify_param_shape_across_processes(self.process_group, parameters)
torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1275, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.14.3
ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.
Last error:
socketStartConnect: Connect to 172.17.0.3<36581> failed : Software caused connection abort"""),
("nccl_network_error", ["transport retry counter exceeded"], r"""gpu-b-112:71044:71190 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB [2]mlx5_2:1/IB [3]mlx5_3:1/IB ; OOB ib0:10.44.8.112<0>
gpu-b-112:71044:71190 [0] NCCL INFO Using network IB
gpu-b-112:71044:71217 [0] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.44.8.121<51233> with error 12, opcode 0, len 0, vendor err 129 (transport retry counter exceeded)
gpu-b-112:71044:71217 [0] NCCL INFO include/net.h:35 -> 6"""),

("driver_library_mismatch", ["Driver/library version mismatch"], r"""$ nvidia-smi
Failed to initialize NVML: Driver/library version mismatch
NVML library version: 560.35
$ cat /proc/driver/nvidia/version
NVRM version: NVIDIA UNIX x86_64 Kernel Module  555.42.06  Tue Jun  4 23:13:14 UTC 2024
GCC version:  gcc version 12.3.0 (Ubuntu 12.3.0-1ubuntu1~22.04)
$ grep -i nvidia /var/log/apt/history.log | tail -2
Upgrade: nvidia-driver-560:amd64 (555.42.06-0ubuntu1, 560.35.03-0ubuntu1), libnvidia-compute-560:amd64 (555.42.06-0ubuntu1, 560.35.03-0ubuntu1)"""),
("driver_library_mismatch", ["API mismatch"], r"""[  7.551201] nvidia-nvlink: Nvlink Core is being initialized, major device number 237
[  7.552610] NVRM: API mismatch: the client has the version 550.90.07, but
               NVRM: this kernel module has the version 550.54.15.  Please
               NVRM: make sure that this kernel module and all NVIDIA driver
               NVRM: components have the same version.
[  7.603990] nvidia-uvm: Loaded the UVM driver, major device number 235."""),
("driver_library_mismatch", ["CUDA driver version is insufficient for CUDA runtime version"], r"""$ docker run --rm --gpus all nvcr.io/nvidia/pytorch:24.10-py3 python -c "import torch; print(torch.cuda.is_available())"

=============
== PyTorch ==
=============

NVIDIA Release 24.10 (build 114410972)
PyTorch Version 2.5.0a0+e000cf0

ERROR: The NVIDIA Driver is present, but CUDA failed to initialize.  GPU functionality will not be available.
   [[ CUDA driver version is insufficient for CUDA runtime version (error 35) ]]

/usr/local/lib/python3.10/dist-packages/torch/cuda/__init__.py:129: UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 11040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.
False"""),
]
