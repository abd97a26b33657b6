# Cascades (the first failure is the root cause), healthy logs that must stay unknown, and noise
# blocks that operators paste around the line that matters.
CASCADES = [
("gpu_nvlink_error", ["NVLink: fatal error detected on link 2"], r"""Mar 11 02:00:03 h100-b-14 kernel: NVRM: Xid (PCI:0000:1b:00): 74, pid=2290114, name=python, NVLink: fatal error detected on link 2(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)
Mar 11 02:00:03 h100-b-14 kernel: NVRM: Xid (PCI:0000:43:00): 74, pid=2290117, name=python, NVLink: fatal error detected on link 9(0x0, 0x0, 0x10000, 0x0, 0x0, 0x0, 0x0)
Mar 11 02:00:33 h100-b-14 kernel: NVRM: Xid (PCI:0000:1b:00): 119, pid=2290114, name=python, Timeout after 6s of waiting for RPC response from GPU0 GSP! Expected function 10 (FREE) (0xa55a0040 0x0).
Mar 11 02:00:39 h100-b-14 kernel: NVRM: Xid (PCI:0000:1b:00): 120, pid=2290114, name=python, GSP task exception
Mar 11 02:00:40 h100-b-14 kernel: NVRM: Xid (PCI:0000:1b:00): 79, pid=2290114, name=python, GPU has fallen off the bus.
Mar 11 02:10:03 h100-b-14 python[2290114]: [rank0]:[E ProcessGroupNCCL.cpp:616] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=ALLREDUCE) ran for 600001 milliseconds before timing out."""),
("gpu_fallen_off_bus", ["Xid (PCI:0000:b1:00): 79"], r"""[4412201.100231] NVRM: Xid (PCI:0000:b1:00): 79, pid=1191, name=nvidia-persiste, GPU has fallen off the bus.
[4412201.100409] NVRM: GPU 0000:b1:00.0: GPU has fallen off the bus.
[4412201.311552] NVRM: Xid (PCI:0000:b1:00): 154, GPU recovery action changed from 0x0 (None) to 0x1 (GPU Reset Required)
[4412203.552101] NVRM: Xid (PCI:0000:b1:00): 120, pid=88121, name=python, GSP task exception
[4412210.010277] NVRM: Xid (PCI:0000:b1:00): 119, pid=88121, name=python, Timeout after 6s of waiting for RPC response from GPU3 GSP! Expected function 76
[4412211.902020] NVRM: Xid (PCI:0000:b1:00): 74, pid=88121, name=python, NVLink: fatal error detected on link 0"""),
("gpu_ecc_uncorrectable", ["Xid (PCI:0000:86:00): 94"], r"""Jun 21 11:22:01 a100-n04 kernel: NVRM: Xid (PCI:0000:86:00): 94, pid=33120, name=python3, Contained: SM (0x1). RST: No, D-RST: No
Jun 21 11:22:01 a100-n04 kernel: NVRM: Xid (PCI:0000:86:00): 43, pid=33120, name=python3, Ch 00000008
Jun 21 11:22:02 a100-n04 python3[33120]: RuntimeError: CUDA error: uncorrectable ECC error encountered
Jun 21 11:22:05 a100-n04 kernel: NVRM: Xid (PCI:0000:86:00): 119, pid=33120, name=python3, Timeout after 6s of waiting for RPC response from GPU2 GSP! Expected function 76 (GSP_RM_CONTROL)
Jun 21 11:22:05 a100-n04 systemd[1]: trainer@2.service: Failed with result 'exit-code'."""),
("gpu_gsp_timeout", ["Timeout after 45s of waiting for RPC response from GPU7 GSP"], r"""2025-10-08T22:14:55.120441+00:00 gb200-r2n7 kernel: NVRM: _kgspLogXid119: ********************************* GSP Timeout **********************************
2025-10-08T22:14:55.120447+00:00 gb200-r2n7 kernel: NVRM: Xid (PCI:0018:01:00): 119, pid=771, name=nv-hostengine, Timeout after 45s of waiting for RPC response from GPU7 GSP! Expected function 76 (GSP_RM_CONTROL) (0x2080a0d2 0x4).
2025-10-08T22:15:40.801112+00:00 gb200-r2n7 kernel: NVRM: Xid (PCI:0018:01:00): 79, pid=771, name=nv-hostengine, GPU has fallen off the bus.
2025-10-08T22:15:41.003321+00:00 gb200-r2n7 nv-hostengine[771]: ERROR: GPU 7 NVML: GPU is lost
2025-10-08T22:15:44.440021+00:00 gb200-r2n7 kubelet[2002]: E1008 22:15:44.440021 2002 plugin.go:212] "nvidia-device-plugin: device unhealthy" device="GPU-7" reason="XID 79\""""),
("gpu_fallen_off_bus", ["GPU has fallen off the bus"], r"""Traceback (most recent call last):
  File "/app/serve.py", line 91, in generate
    out = self.model.generate(**inputs, max_new_tokens=512)
RuntimeError: CUDA error: unspecified launch failure
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
$ nvidia-smi
Unable to determine the device handle for GPU0000:CA:00.0: Unknown Error
Failed to initialize NVML: Unknown Error
$ dmesg | grep -i nvrm | tail -3
[ 91822.441002] NVRM: Xid (PCI:0000:ca:00): 79, pid=0, name=<unknown>, GPU has fallen off the bus.
[ 91822.441210] NVRM: GPU 0000:ca:00.0: GPU has fallen off the bus.
[ 91822.441399] NVRM: A GPU crash dump has been created. If possible, please run"""),
("disk_io_error", ["Buffer I/O error on dev sdb1"], r"""Feb 03 05:12:40 nas-1 kernel: blk_update_request: I/O error, dev sdb, sector 40128 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0
Feb 03 05:12:40 nas-1 kernel: Buffer I/O error on dev sdb1, logical block 4760, lost async page write
Feb 03 05:12:40 nas-1 kernel: EXT4-fs error (device sdb1): ext4_journal_check_start:83: comm kworker/u64:2: Detected aborted journal
Feb 03 05:12:40 nas-1 kernel: EXT4-fs (sdb1): Remounting filesystem read-only
Feb 03 05:12:41 nas-1 smbd[2210]: write_data: write failure. Error = Read-only file system"""),
("k8s_oomkilled", ["OOMKilled"], r"""$ kubectl get pod trainer-0 -o jsonpath='{.status.containerStatuses[0].lastState}'
{"terminated":{"containerID":"containerd://9f1e","exitCode":137,"finishedAt":"2025-09-01T10:22:01Z","reason":"OOMKilled","startedAt":"2025-09-01T10:05:44Z"}}
$ kubectl get pods
NAME        READY   STATUS             RESTARTS      AGE
trainer-0   0/1     CrashLoopBackOff   6 (88s ago)   31m
$ kubectl get events --field-selector involvedObject.name=trainer-0
LAST SEEN   TYPE      REASON    OBJECT          MESSAGE
88s         Warning   BackOff   pod/trainer-0   Back-off restarting failed container trainer in pod trainer-0_default(5d1e)"""),
("cuda_out_of_memory", ["torch.OutOfMemoryError: CUDA out of memory"], r"""[rank1]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 3.50 GiB. GPU 1 has a total capacity of 79.10 GiB of which 1.21 GiB is free. Including non-PyTorch memory, this process has 77.88 GiB memory in use. Of the allocated memory 71.44 GiB is allocated by PyTorch, and 5.20 GiB is reserved by PyTorch but unallocated.
W0611 09:31:22.012000 140211 torch/distributed/elastic/multiprocessing/api.py:897] Sending process 1202 closing signal SIGTERM
[rank3]:[E611 09:41:22.441120 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1881, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600112 milliseconds before timing out.
[rank3]:[E611 09:41:22.443001 ProcessGroupNCCL.cpp:1785] [PG ID 0 PG GUID 0(default_pg) Rank 3] Exception (either an error or timeout) detected by watchdog at work: 1881
torch.distributed.elastic.multiprocessing.errors.ChildFailedError:"""),
]

UNKNOWN = [
("unknown", [], r"""$ nvidia-smi
Tue Oct 14 09:12:01 2025
+-----------------------------------------------------------------------------------------+
| NVIDIA-SMI 560.35.03              Driver Version: 560.35.03      CUDA Version: 12.6     |
|-----------------------------------------+------------------------+----------------------+
| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |
| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |
|=========================================+========================+======================|
|   0  NVIDIA L40S                    On  |   00000000:17:00.0 Off |                    0 |
| N/A   47C    P0            112W /  350W |   21408MiB /  46068MiB |     63%      Default |
+-----------------------------------------+------------------------+----------------------+
|   1  NVIDIA L40S                    On  |   00000000:65:00.0 Off |                    0 |
| N/A   45C    P0            108W /  350W |   21390MiB /  46068MiB |     61%      Default |
+-----------------------------------------+------------------------+----------------------+"""),
("unknown", [], r"""$ squeue -u bob
             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)
           4471301       gpu  sweep_3      bob PD       0:00      2 (Resources)
           4471302       gpu  sweep_4      bob PD       0:00      2 (Priority)
           4471288       gpu  sweep_1      bob  R    1:12:40      2 gpu-c-[011-012]
           4471289       gpu  sweep_2      bob  R    1:12:38      2 gpu-c-[013-014]
$ sacct -j 4471288 --format=JobID,State,ExitCode,Elapsed
JobID           State ExitCode    Elapsed
------------ ---------- -------- ----------
4471288         RUNNING      0:0   01:12:41"""),
("unknown", [], r"""Oct 14 10:00:01 web-2 CRON[22101]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)
Oct 14 10:00:01 web-2 CRON[22100]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)
Oct 14 10:00:01 web-2 CRON[22100]: pam_unix(cron:session): session closed for user root
Oct 14 10:02:17 web-2 systemd[1]: Starting apt-daily.service - Daily apt download activities...
Oct 14 10:02:19 web-2 systemd[1]: apt-daily.service: Deactivated successfully.
Oct 14 10:02:19 web-2 systemd[1]: Finished apt-daily.service - Daily apt download activities.
Oct 14 10:05:01 web-2 CRON[22230]: (root) CMD (/usr/local/bin/backup.sh --quiet)
Oct 14 10:05:44 web-2 sshd[22261]: Accepted publickey for deploy from 10.0.0.4 port 52211 ssh2: ED25519 SHA256:0f1e
Oct 14 10:05:44 web-2 sshd[22261]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)"""),
("unknown", [], r"""    Temperature
        GPU Current Temp                  : 44 C
        GPU T.Limit Temp                  : 41 C
        GPU Shutdown T.Limit Temp         : -5 C
        GPU Slowdown T.Limit Temp         : -2 C
        GPU Max Operating T.Limit Temp    : 0 C
    Clocks Event Reasons
        Idle                              : Not Active
        HW Slowdown                       : Not Active
            HW Thermal Slowdown           : Not Active
        SW Thermal Slowdown               : Not Active
    ECC Errors
        Volatile
            DRAM Correctable              : 0
            DRAM Uncorrectable            : 0"""),
("unknown", [], r"""$ df -h
Filesystem      Size  Used Avail Use% Mounted on
/dev/sda2       916G  611G  259G  71% /
/dev/sdb1       7.3T  5.9T  1.4T  81% /data
tmpfs            32G     0   32G   0% /dev/shm
$ free -h
               total        used        free      shared  buff/cache   available
Mem:           251Gi        88Gi        12Gi       1.2Gi       151Gi       160Gi
Swap:          8.0Gi          0B       8.0Gi"""),
("unknown", [], r"""gpu-a-01:1201:1201 [0] NCCL INFO Bootstrap : Using ib0:10.44.0.1<0>
gpu-a-01:1201:1201 [0] NCCL INFO NET/Plugin: No plugin found (libnccl-net.so), using internal implementation
gpu-a-01:1201:1201 [0] NCCL INFO NCCL_IB_TIMEOUT set by environment to 22.
gpu-a-01:1201:1201 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB [1]mlx5_1:1/IB ; OOB ib0:10.44.0.1<0>
gpu-a-01:1201:1201 [0] NCCL INFO Channel 00/08 :    0   1   2   3   4   5   6   7
gpu-a-01:1201:1201 [0] NCCL INFO Connected all rings
gpu-a-01:1201:1201 [0] NCCL INFO Connected all trees
gpu-a-01:1201:1201 [0] NCCL INFO comm 0x55d1c2e0 rank 0 nranks 16 cudaDev 0 busId 17000 commId 0x9a1e - Init COMPLETE"""),
]

# Noise that surrounds the decisive lines in real pastes.
NOISE = {
"progress": r"""Epoch 2/10:  12%|█▏        | 120/1000 [00:41<05:02,  2.91it/s, loss=1.982, lr=2.0e-05]
Epoch 2/10:  13%|█▎        | 130/1000 [00:44<04:58,  2.91it/s, loss=1.977, lr=2.0e-05]
Epoch 2/10:  14%|█▍        | 140/1000 [00:48<04:55,  2.91it/s, loss=1.971, lr=2.0e-05]
Epoch 2/10:  15%|█▌        | 150/1000 [00:51<04:51,  2.91it/s, loss=1.969, lr=2.0e-05]""",
"squeue": r"""$ squeue -p gpu
             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)
           9912001       gpu   pretrn    carol  R   14:02:11     16 gpu-a-[001-016]
           9912077       gpu    evals     dave PD       0:00      1 (ReqNodeNotAvail, UnavailableNodes:gpu-b-112)
           9912078       gpu    evals     dave PD       0:00      1 (launch failed requeued held)""",
"cron": r"""Oct 14 10:00:01 node7 CRON[22101]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)
Oct 14 10:00:01 node7 CRON[22100]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)
Oct 14 10:00:01 node7 CRON[22100]: pam_unix(cron:session): session closed for user root""",
"restarts": r"""Oct 14 10:01:05 node7 systemd[1]: metrics-agent.service: Main process exited, code=exited, status=1/FAILURE
Oct 14 10:01:05 node7 systemd[1]: metrics-agent.service: Failed with result 'exit-code'.
Oct 14 10:01:10 node7 systemd[1]: metrics-agent.service: Scheduled restart job, restart counter is at 41.
Oct 14 10:01:10 node7 systemd[1]: Started metrics-agent.service - Node metrics agent.
Oct 14 10:01:15 node7 systemd[1]: metrics-agent.service: Main process exited, code=exited, status=1/FAILURE
Oct 14 10:01:15 node7 systemd[1]: metrics-agent.service: Failed with result 'exit-code'.
Oct 14 10:01:20 node7 systemd[1]: metrics-agent.service: Scheduled restart job, restart counter is at 42.""",
"table": r"""NAME                                   READY   STATUS    RESTARTS   AGE
ingress-nginx-controller-5c8d66c76d-4x2jp   1/1     Running   0          41d
cert-manager-7f9d8c6b5-2lq9z                1/1     Running   2          41d
metrics-server-6d94bc8694-9wq7m             1/1     Running   0          41d""",
"nccl_info": r"""gpu-a-03:5510:5510 [2] NCCL INFO cudaDriverVersion 12040
gpu-a-03:5510:5510 [2] NCCL INFO NCCL_SOCKET_IFNAME set by environment to ib0
gpu-a-03:5510:5597 [2] NCCL INFO Channel 00/0 : 2[2] -> 3[3] via P2P/CUMEM/read
gpu-a-03:5510:5597 [2] NCCL INFO Channel 01/0 : 2[2] -> 3[3] via P2P/CUMEM/read""",
}
