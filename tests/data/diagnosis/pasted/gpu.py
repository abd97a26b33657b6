# GPU hardware logs as operators paste them: dmesg/journalctl, nvidia-smi -q, DCGM, cascades.
# (category, [evidence substrings of the lines that prove it], log)
CASES = [
("gpu_fallen_off_bus", ["GPU has fallen off the bus"], r"""$ sudo dmesg -T | tail -n 12
[Mon Mar  3 02:14:51 2025] pcieport 0000:17:00.0: AER: Uncorrected (Non-Fatal) error received: 0000:18:00.0
[Mon Mar  3 02:14:51 2025] nvidia 0000:18:00.0: PCIe Bus Error: severity=Uncorrected (Non-Fatal), type=Transaction Layer, (Requester ID)
[Mon Mar  3 02:14:51 2025] nvidia 0000:18:00.0:   device [10de:20b5] error status/mask=00004000/00000000
[Mon Mar  3 02:14:52 2025] NVRM: GPU at PCI:0000:18:00: GPU-7c1e0b55-1f44-0e2d-b9a9-51c0e0c5d1b2
[Mon Mar  3 02:14:52 2025] NVRM: GPU Board Serial Number: 1652221012345
[Mon Mar  3 02:14:52 2025] NVRM: Xid (PCI:0000:18:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.
[Mon Mar  3 02:14:52 2025] NVRM: GPU 0000:18:00.0: GPU has fallen off the bus.
[Mon Mar  3 02:14:52 2025] NVRM: A GPU crash dump has been created. If possible, please run
                           NVRM: nvidia-bug-report.sh as root to collect this data before
                           NVRM: the NVIDIA kernel module is unloaded."""),
("gpu_fallen_off_bus", ["GPU is lost"], r"""root@dgx-a100-07:~# nvidia-smi
Unable to determine the device handle for GPU0000:B7:00.0: Unknown Error
root@dgx-a100-07:~# nvidia-smi -L
GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-3a1b2c3d-0000-1111-2222-333344445555)
Unable to determine the device handle for gpu 0000:B7:00.0: Unknown Error
root@dgx-a100-07:~# nvidia-smi -q -i 0000:B7:00.0
GPU 00000000:B7:00.0: GPU is lost. Reboot the system to recover this GPU
root@dgx-a100-07:~# uptime
 09:12:44 up 41 days,  3:02,  2 users,  load average: 12.31, 11.87, 10.02"""),
("gpu_fallen_off_bus", ["Xid (PCI:0000:41:00): 79"], r"""Jan 14 21:03:10 gpu-node-12 kernel: NVRM: Xid (PCI:0000:41:00): 79, pid=0, GPU has fallen off the bus.
Jan 14 21:03:10 gpu-node-12 kernel: NVRM: GPU 0000:41:00.0: GPU has fallen off the bus.
Jan 14 21:03:11 gpu-node-12 nvidia-persistenced[2101]: device 0000:41:00.0 - failed to query, device may have fallen off the bus
Jan 14 21:03:14 gpu-node-12 dcgm-exporter[3380]: time="2025-01-14T21:03:14Z" level=error msg="Failed to get GPU metrics: Error: GPU is lost"
Jan 14 21:03:14 gpu-node-12 kubelet[1904]: E0114 21:03:14.220901    1904 manager.go:488] "Failed to get device health" err="nvml: GPU is lost"
Jan 14 21:03:20 gpu-node-12 python3[88412]: RuntimeError: CUDA error: unspecified launch failure
Jan 14 21:03:20 gpu-node-12 python3[88412]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
Jan 14 21:03:21 gpu-node-12 systemd[1]: nvidia-fabricmanager.service: Main process exited, code=exited, status=1/FAILURE"""),
("gpu_fallen_off_bus", ["DCGM_FR_FALLEN_OFF_BUS"], r"""+---------------------------+------------------------------------------------+
| Diagnostic                | Result                                         |
+===========================+================================================+
|-----  Metadata  ----------+------------------------------------------------|
| DCGM Version              | 3.3.5                                          |
| Driver Version Detected   | 535.161.08                                     |
| GPU Device IDs Detected   | 20b5,20b5,20b5,20b5                            |
|-----  Deployment  --------+------------------------------------------------|
| Denylist                  | Pass                                           |
| NVML Library              | Pass                                           |
| CUDA Main Library         | Pass                                           |
| Permissions and OS Blocks | Pass                                           |
| Persistence Mode          | Pass                                           |
| Environment Variables     | Pass                                           |
| Page Retirement/Row Remap | Fail - GPU: 2                                  |
| Warning                   | GPU 2 DCGM_FR_FALLEN_OFF_BUS: GPU 2 fell off   |
|                           | the bus and is no longer responding            |
| Graphics Processes        | Pass                                           |
| Inforom                   | Pass                                           |
+---------------------------+------------------------------------------------+"""),

("gpu_ecc_uncorrectable", ["Xid (PCI:0000:c1:00): 48"], r"""[1843921.018822] NVRM: Xid (PCI:0000:c1:00): 48, pid=220187, name=python, An uncorrectable double bit error (DBE) has been detected on GPU in the framebuffer at partition 6, subpartition 1.
[1843921.021455] NVRM: Xid (PCI:0000:c1:00): 63, pid=220187, name=python, Dynamic Page Retirement: New page retired, reboot to activate (0x00000000003e81a2).
[1843921.443010] NVRM: Xid (PCI:0000:c1:00): 45, pid=220187, name=python, Ch 00000010
[1843921.443190] NVRM: Xid (PCI:0000:c1:00): 45, pid=220187, name=python, Ch 00000011"""),
("gpu_ecc_uncorrectable", ["DRAM Uncorrectable", ": 2"], r"""==============NVSMI LOG==============

Timestamp                                 : Tue Apr  8 11:02:37 2025
Driver Version                            : 550.54.15
CUDA Version                              : 12.4

Attached GPUs                             : 8
GPU 00000000:4E:00.0
    Product Name                          : NVIDIA H100 80GB HBM3
    ECC Mode
        Current                           : Enabled
        Pending                           : Enabled
    ECC Errors
        Volatile
            SRAM Correctable              : 0
            SRAM Uncorrectable Parity     : 0
            SRAM Uncorrectable SEC-DED    : 0
            DRAM Correctable              : 14
            DRAM Uncorrectable            : 2
        Aggregate
            SRAM Correctable              : 0
            SRAM Uncorrectable Parity     : 0
            SRAM Uncorrectable SEC-DED    : 0
            DRAM Correctable              : 31
            DRAM Uncorrectable            : 2
            SRAM Threshold Exceeded       : No
    Remapped Rows
        Correctable Error                 : 0
        Uncorrectable Error               : 2
        Pending                           : Yes
        Remapping Failure Occurred        : No"""),
("gpu_ecc_uncorrectable", ["uncorrectable ECC error encountered"], r"""Traceback (most recent call last):
  File "/workspace/train.py", line 402, in <module>
    main()
  File "/workspace/train.py", line 377, in main
    loss.backward()
  File "/usr/local/lib/python3.10/dist-packages/torch/_tensor.py", line 522, in backward
    torch.autograd.backward(
  File "/usr/local/lib/python3.10/dist-packages/torch/autograd/__init__.py", line 266, in backward
    Variable._execution_engine.run_backward(  # Calls into the C++ engine to run the backward pass
RuntimeError: CUDA error: uncorrectable ECC error encountered
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
For debugging consider passing CUDA_LAUNCH_BLOCKING=1.
Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions."""),
("gpu_ecc_uncorrectable", ["Xid (PCI:0000:9a:00): 95"], r"""Sep 02 04:40:19 hgx-h100-03 kernel: NVRM: Xid (PCI:0000:9a:00): 95, pid=3312901, name=pt_main_thread, Uncontained: FBHUB. RST: Yes, D-RST: No
Sep 02 04:40:19 hgx-h100-03 kernel: NVRM: Xid (PCI:0000:9a:00): 154, GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot Required)
Sep 02 04:40:21 hgx-h100-03 kernel: NVRM: Xid (PCI:0000:9a:00): 45, pid=3312901, name=pt_main_thread, Ch 00000008
Sep 02 04:40:22 hgx-h100-03 kernel: NVRM: Xid (PCI:0000:9a:00): 43, pid=3312901, name=pt_main_thread, Ch 00000008"""),
("gpu_ecc_uncorrectable", ["1, 00000000:07:00.0, 2, 3, Yes"], r"""$ nvidia-smi --query-gpu=index,pci.bus_id,retired_pages.single_bit_ecc.count,retired_pages.double_bit.count,retired_pages.pending --format=csv
index, pci.bus_id, retired_pages.single_bit_ecc.count, retired_pages.double_bit.count, retired_pages.pending
0, 00000000:06:00.0, 0, 0, No
1, 00000000:07:00.0, 2, 3, Yes
2, 00000000:0A:00.0, 0, 0, No
3, 00000000:0B:00.0, 0, 0, No"""),

("gpu_nvlink_error", ["Xid (PCI:0000:ca:00): 74"], r"""[Thu Jun 12 17:22:08 2025] NVRM: Xid (PCI:0000:ca:00): 74, pid=771201, name=python3, NVLink: fatal error detected on link 11(0x10000, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0)
[Thu Jun 12 17:22:08 2025] NVRM: Xid (PCI:0000:ca:00): 45, pid=771201, name=python3, Ch 00000010
[Thu Jun 12 17:22:09 2025] NVRM: Xid (PCI:0000:ca:00): 45, pid=771201, name=python3, Ch 00000018
[Thu Jun 12 17:22:39 2025] NVRM: _kgspLogXid119: ********************************* GSP Timeout **********************************
[Thu Jun 12 17:22:39 2025] NVRM: _kgspLogXid119: Note: Please also check logs above.
[Thu Jun 12 17:22:39 2025] NVRM: Xid (PCI:0000:ca:00): 119, pid=771201, name=python3, Timeout after 6s of waiting for RPC response from GPU0 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20801702 0x8).
[Thu Jun 12 17:22:45 2025] NVRM: Xid (PCI:0000:ca:00): 120, pid=771201, name=python3, GSP task exception: ... error detected"""),
("gpu_nvlink_error", ["SXid", "20034"], r"""Oct 30 08:11:52 dgx-h100-21 kernel: nvidia-nvswitch3: SXid (PCI:0000:07:00.0): 20034, Fatal, Link 48 LTSSM Fault Up
Oct 30 08:11:52 dgx-h100-21 kernel: nvidia-nvswitch3: SXid (PCI:0000:07:00.0): 20034, Severity 1 Engine instance 48 Sub-engine instance 00
Oct 30 08:11:52 dgx-h100-21 kernel: nvidia-nvswitch3: SXid (PCI:0000:07:00.0): 20034, Data {0x00000000, 0x00000000, 0x00000000, 0x00000000}
Oct 30 08:11:53 dgx-h100-21 nv-fabricmanager[4410]: [Oct 30 2025 08:11:53] [ERROR] [tid 4421] detected NVSwitch fatal error 20034 on fid 0 on NVSwitch pci bus id 00000000:07:00.0 physical id 3 port 48
Oct 30 08:11:53 dgx-h100-21 nv-fabricmanager[4410]: [Oct 30 2025 08:11:53] [ERROR] [tid 4421] GPU partition activation failed"""),
("gpu_nvlink_error", ["Link 3", "<inactive>"], r"""$ nvidia-smi nvlink --status -i 5
GPU 5: NVIDIA A100-SXM4-40GB (UUID: GPU-0d8e44a2-5f6f-1234-bbbb-0123456789ab)
	 Link 0: 25 GB/s
	 Link 1: 25 GB/s
	 Link 2: 25 GB/s
	 Link 3: <inactive>
	 Link 4: 25 GB/s
	 Link 5: 25 GB/s
	 Link 6: 25 GB/s
	 Link 7: 25 GB/s
	 Link 8: 25 GB/s
	 Link 9: 25 GB/s
	 Link 10: 25 GB/s
	 Link 11: 25 GB/s
$ nvidia-smi nvlink -e -i 5 | grep -v ': 0$'
GPU 5: NVIDIA A100-SXM4-40GB (UUID: GPU-0d8e44a2-5f6f-1234-bbbb-0123456789ab)
	 Link 3: Replay Errors: 18227
	 Link 3: Recovery Errors: 112
	 Link 3: CRC Errors: 5091"""),
("gpu_nvlink_error", ["DCGM_FR_NVLINK_DOWN"], r"""$ dcgmi health -g 1 -c -j
{"body":{"GPU":{"children":{"2":{"children":{"NVLink":{"children":{"message":{"children":{"0":{"value":"DCGM_FR_NVLINK_DOWN: GPU 2's NvLink link 7 is currently down Check DCGM and system logs for errors. Reset GPU. Restart DCGM. Rerun diagnostics."}}},"health":{"value":"Failure"}}}},"health":{"value":"Failure"}}}},"Overall Health":{"value":"Failure"}},"header":"Health Monitor Report"}"""),

("gpu_gsp_timeout", ["Timeout after 6s of waiting for RPC response from GPU1 GSP"], r"""Feb 20 13:55:02 node-a17 kernel: NVRM: _kgspLogXid119: ********************************* GSP Timeout **********************************
Feb 20 13:55:02 node-a17 kernel: NVRM: _kgspLogXid119: Note: Please also check logs above.
Feb 20 13:55:02 node-a17 kernel: NVRM: Xid (PCI:0000:21:00): 119, pid=1873, name=nvidia-smi, Timeout after 6s of waiting for RPC response from GPU1 GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).
Feb 20 13:55:02 node-a17 kernel: NVRM: GPU1 GSP RPC buffer contains function 76 (GSP_RM_CONTROL) and data 0x0000000020800a4c 0x0000000000000004.
Feb 20 13:55:02 node-a17 kernel: NVRM: GPU1 RPC history (CPU -> GSP):
Feb 20 13:55:02 node-a17 kernel: NVRM:     entry function                   data0              data1              ts_start           ts_end             duration actively_polling
Feb 20 13:55:02 node-a17 kernel: NVRM:      0    76 GSP_RM_CONTROL           0x0000000020800a4c 0x0000000000000004 0x00060c9a1d2e5f01 0x0000000000000000          y
Feb 20 13:55:08 node-a17 kernel: NVRM: Rate limiting GSP RPC error prints for GPU at PCI:0000:21:00 (printing 1 of every 30).  The GPU likely needs to be reset."""),
("gpu_gsp_timeout", ["rpcRecvPoll timedout"], r"""[  812.331052] NVRM: GPU0 _issueRpcAndWait: rpcRecvPoll timedout for fn 10!
[  812.331060] NVRM: GPU0 _issueRpcAndWait: rpcRecvPoll timedout for fn 10!
[  812.331201] NVRM: GPU0 RmInitAdapter: Cannot initialize GSP firmware RM
[  812.331502] NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x62:0x65:1860)
[  812.331766] NVRM: GPU 0000:01:00.0: rm_init_adapter failed, device minor number 0"""),
("gpu_gsp_timeout", ["Xid (PCI:0000:3b:00): 120"], r"""Aug 11 06:00:41 rtx-ws kernel: NVRM: Xid (PCI:0000:3b:00): 120, pid=2214, name=Xorg, GSP task exception: (reason 0x1, data 0x10) (pc 0x4d1f60, ...)
Aug 11 06:00:41 rtx-ws kernel: NVRM: GPU0 GSP crashed, please reboot the system
Aug 11 06:00:43 rtx-ws gnome-shell[2550]: Failed to read EDID of output HDMI-1
Aug 11 06:00:45 rtx-ws kernel: NVRM: Xid (PCI:0000:3b:00): 109, pid=2214, name=Xorg, Ch 00000002, errorString CTX SWITCH TIMEOUT, Info 0x12c000"""),

("gpu_app_fault", ["an illegal memory access was encountered"], r"""[rank0]: Traceback (most recent call last):
[rank0]:   File "/opt/vllm/vllm/worker/model_runner.py", line 1436, in execute_model
[rank0]:     hidden_or_intermediate_states = model_executable(
[rank0]:   File "/opt/vllm/vllm/model_executor/models/llama.py", line 433, in forward
[rank0]:     model_output = self.model(input_ids, positions, kv_caches,
[rank0]: RuntimeError: CUDA error: an illegal memory access was encountered
[rank0]: CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
[rank0]: For debugging consider passing CUDA_LAUNCH_BLOCKING=1
[rank0]: Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.
ERROR 05-02 10:41:17 async_llm_engine.py:56] Engine background task failed"""),
("gpu_app_fault", ["device-side assert triggered"], r"""/opt/conda/conda-bld/pytorch_1682343995622/work/aten/src/ATen/native/cuda/IndexKernel.cu:92: operator(): block: [41,0,0], thread: [96,0,0] Assertion `-sizes[i] <= index && index < sizes[i] && "index out of bounds"` failed.
/opt/conda/conda-bld/pytorch_1682343995622/work/aten/src/ATen/native/cuda/IndexKernel.cu:92: operator(): block: [41,0,0], thread: [97,0,0] Assertion `-sizes[i] <= index && index < sizes[i] && "index out of bounds"` failed.
Traceback (most recent call last):
  File "finetune.py", line 88, in <module>
    logits = model(input_ids).logits
RuntimeError: CUDA error: device-side assert triggered
CUDA kernel errors might be asynchronously reported at some other API call,so the stacktrace below might be incorrect."""),
("gpu_app_fault", ["Xid (PCI:0000:65:00): 31"], r"""Nov 02 19:20:01 gpu17 kernel: NVRM: Xid (PCI:0000:65:00): 31, pid=140233, name=llama-server, Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f3a_1c000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ
Nov 02 19:20:01 gpu17 llama-server[140233]: CUDA error: an illegal memory access was encountered
Nov 02 19:20:01 gpu17 llama-server[140233]:   current device: 0, in function ggml_backend_cuda_synchronize at ggml/src/ggml-cuda/ggml-cuda.cu:2270
Nov 02 19:20:01 gpu17 systemd[1]: llama-server.service: Main process exited, code=dumped, status=6/ABRT
Nov 02 19:20:01 gpu17 systemd[1]: llama-server.service: Failed with result 'core-dump'."""),

("gpu_thermal_slowdown", ["GPU Current Temp", "91 C"], r"""GPU 00000000:1B:00.0
    Product Name                          : NVIDIA A40
    Temperature
        GPU Current Temp                  : 91 C
        GPU T.Limit Temp                  : N/A
        GPU Shutdown Temp                 : 98 C
        GPU Slowdown Temp                 : 95 C
        GPU Max Operating Temp            : 88 C
        GPU Target Temperature            : N/A
        Memory Current Temp               : N/A
        Memory Max Operating Temp         : N/A
    Power Readings
        Power Management                  : Supported
        Power Draw                        : 298.12 W
        Power Limit                       : 300.00 W
    Clocks
        Graphics                          : 1185 MHz
        SM                                : 1185 MHz
        Memory                            : 7249 MHz"""),
("gpu_thermal_slowdown", ["HW Thermal Slowdown", "Active"], r"""$ nvidia-smi -q -d PERFORMANCE -i 3

==============NVSMI LOG==============

Timestamp                                 : Fri Jul 18 14:27:10 2025
Driver Version                            : 535.183.01
CUDA Version                              : 12.2

Attached GPUs                             : 8
GPU 00000000:3D:00.0
    Performance State                     : P0
    Clocks Event Reasons
        Idle                              : Not Active
        Applications Clocks Setting       : Not Active
        SW Power Cap                      : Not Active
        HW Slowdown                       : Active
            HW Thermal Slowdown           : Active
            HW Power Brake Slowdown       : Not Active
        Sync Boost                        : Not Active
        SW Thermal Slowdown               : Active
        Display Clock Setting             : Not Active"""),
("gpu_thermal_slowdown", ["GPU Current Temp", "87 C"], r"""    Temperature
        GPU Current Temp                  : 87 C
        GPU T.Limit Temp                  : -3 C
        GPU Shutdown T.Limit Temp         : -7 C
        GPU Slowdown T.Limit Temp         : -2 C
        GPU Max Operating T.Limit Temp    : 0 C
        GPU Target Temperature            : N/A
        Memory Current Temp               : 84 C
        Memory Max Operating Temp         : 95 C"""),
("gpu_thermal_slowdown", ["temperature 94 C"], r"""2025-09-14 03:12:55 [dcgm-policy] GPU 6: temperature 94 C exceeds the configured threshold of 90 C (policy violation: THERMAL)
2025-09-14 03:12:55 [dcgm-policy] GPU 6: action taken: none
2025-09-14 03:13:25 [dcgm-policy] GPU 6: temperature 95 C exceeds the configured threshold of 90 C (policy violation: THERMAL)
2025-09-14 03:13:55 [exporter] scraped 8 GPUs in 12ms"""),
("gpu_ecc_uncorrectable", ["00000000:41:00.0 Off |                    3"], r"""$ nvidia-smi
Wed Nov 19 08:30:12 2025
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 550.90.07              Driver Version: 550.90.07      CUDA Version: 12.4     |
|-----------------------------------------+------------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
|                                         |                        |               MIG M. |
|=========================================+========================+======================|
|   0  NVIDIA A100-SXM4-80GB          On  |   00000000:07:00.0 Off |                    0 |
| N/A   34C    P0             62W /  400W |       4MiB /  81920MiB |      0%      Default |
|                                         |                        |             Disabled |
+-----------------------------------------+------------------------+----------------------+
|   1  NVIDIA A100-SXM4-80GB          On  |   00000000:41:00.0 Off |                    3 |
| N/A   36C    P0             64W /  400W |       4MiB /  81920MiB |      0%      Default |
|                                         |                        |             Disabled |
+-----------------------------------------+------------------------+----------------------+"""),
]
