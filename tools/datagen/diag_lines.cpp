// Line templates modelled on real kernel, journald, kubectl, PyTorch, NCCL, nginx, envoy, sshd and
// systemd output, one set per category id of the signature pack.
// Not matched against here: gen_diagnosis.cpp runs the rules engine over every synthesised log.
#include "tools/datagen/diag_lines.h"

namespace sigma::datagen {

const std::map<std::string, std::vector<std::string>>& category_lines() {
    static const std::map<std::string, std::vector<std::string>> m = {
        {"gpu_fallen_off_bus",
         {"K|NVRM: Xid (PCI:{pci}): 79, pid={pid}, GPU has fallen off the bus.",
          "K|NVRM: GPU {pci}.0: GPU has fallen off the bus.",
          "P|Unable to determine the device handle for GPU {pci}.0: Unknown Error",
          "K|NVRM: GPU at PCI:{pci}: RmInitAdapter failed! (0x26:0xffff:1601)",
          "K|pcieport 0000:00:03.1: AER: Uncorrected (Fatal) error received: {pci}.0\nK|NVRM: Xid (PCI:{pci}): 79, "
          "pid='<unknown>', name=<unknown>, GPU has fallen off the bus.",
          "P|level=error msg=\"NVML: GPU is lost\" gpu={gpu}"}},
        {"gpu_ecc_uncorrectable",
         {"K|NVRM: Xid (PCI:{pci}): 48, pid={pid}, name={proc}, An uncorrectable double bit error (DBE) has been "
          "detected on GPU in the framebuffer at partition {n}, subpartition 0.",
          "K|NVRM: Xid (PCI:{pci}): 63, pid={pid}, name={proc}, Dynamic Page Retirement: New page retired, reboot to "
          "activate (0x{addr}).",
          "K|NVRM: Xid (PCI:{pci}): 94, pid={pid}, name={proc}, Contained ECC error.",
          "K|NVRM: Xid (PCI:{pci}): 95, pid={pid}, Uncontained ECC error.",
          "P|        Remapping Failure Occurred        : Yes",
          "P|DCGM_FR_VOLATILE_DBE_DETECTED: Detected {n} volatile double-bit ECC error(s) in GPU {gpu}."}},
        {"gpu_nvlink_error",
         {"K|NVRM: Xid (PCI:{pci}): 74, pid={pid}, name={proc}, NVLink: fatal error detected on link {n}(0x0, 0x0, "
          "0x10000, 0x0, 0x0, 0x0, 0x0)",
          "P|DCGM_FR_NVLINK_DOWN: GPU {gpu}'s NvLink link {n} is currently down",
          "S:nv-fabricmanager|fabric manager failed to initialize NVSwitch: request timeout",
          "P|         Link {n}: <inactive>",
          "K|nvidia-nvswitch0: SXid (PCI:{pci}.0): 12028, Non-fatal, Link {n} egress non-posted PRIV error"}},
        {"gpu_app_fault",
         {"K|NVRM: Xid (PCI:{pci}): 13, pid={pid}, name={proc}, Graphics Engine Exception on (GPC 0, TPC 1, SM 0): "
          "Multiple Warp Errors",
          "K|NVRM: Xid (PCI:{pci}): 31, pid={pid}, name={proc}, Ch 00000008, intr 00000000. MMU Fault: ENGINE GRAPHICS "
          "GPCCLIENT_T1_0 faulted @ 0x7f3a_{addr}. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_READ",
          "P|RuntimeError: CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be "
          "asynchronously reported at some other API call, so the stacktrace below might be incorrect.",
          "P|RuntimeError: CUDA error: device-side assert triggered",
          "P|terminate called after throwing an instance of 'c10::Error'\n  what():  CUDA error: unspecified launch "
          "failure"}},
        {"gpu_gsp_timeout",
         {"K|NVRM: Xid (PCI:{pci}): 119, pid={pid}, name={proc}, Timeout after 6s of waiting for RPC response from "
          "GPU{gpu} GSP! Expected function 76 (GSP_RM_CONTROL) (0x20800a4c 0x4).",
          "K|NVRM: _kgspIsHeartbeatTimedOut: Heartbeat timed out, GSP may be unresponsive",
          "K|NVRM: kgspRpcRecvPoll: GSP RPC timeout on GPU {gpu}",
          "K|NVRM: Xid (PCI:{pci}): 120, pid={pid}, GSP task exception on GPU {gpu}"}},
        {"gpu_thermal_slowdown",
         {"P|        HW Thermal Slowdown              : Active\n        SW Thermal Slowdown              : Active",
          "P|DCGM_FR_CLOCK_THROTTLE_THERMAL: Clocks are being throttled for GPU {gpu} because of clock throttling "
          "starting due to thermal violation.",
          "S:nvidia-dcgm|GPU {gpu} temperature {temp} C is above the slowdown threshold, clocks throttled",
          "K|CPU{gpu}: Core temperature above threshold, cpu clock throttled (total events = {n})"}},
        {"cuda_out_of_memory",
         {"P|torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate {mb} MiB. GPU {gpu} has a total "
          "capacity of 79.15 GiB of which {mb} MiB is free.",
          "P|RuntimeError: CUDA error: out of memory",
          "P|tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with "
          "shape[{n},4096,4096] and type float on /job:localhost/replica:0/task:0/device:GPU:{gpu}",
          "P|ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when "
          "initializing the engine.",
          "P|CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`"}},
        {"nccl_timeout",
         {"P|[rank{rank}]:[E ProcessGroupNCCL.cpp:616] [Rank {rank}] Watchdog caught collective operation timeout: "
          "WorkNCCL(SeqNum={n}, OpType=ALLREDUCE, NumelIn=1048576, NumelOut=1048576, Timeout(ms)=600000) ran for "
          "600053 milliseconds before timing out.",
          "P|[E ProcessGroupNCCL.cpp:1182] [Rank {rank}] Some NCCL operations have failed or timed out. Due to the "
          "asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.",
          "P|torch.distributed.DistBackendError: [{rank}] is setting up NCCL communicator and retrieving ncclUniqueId "
          "from [0] via c10d key-value store by key '0', but store->get('0') got error: Socket Timeout\nRuntimeError: "
          "NCCL communicator was aborted on rank {rank}."}},
        {"nccl_network_error",
         {"P|{host}:{pid}:{pid2} [{gpu}] NCCL WARN NET/IB : Got completion from peer 10.0.{n}.12<45873> with error 12, "
          "opcode 0, len 0, vendor err 129 (Recv)",
          "P|{host}:{pid}:{pid2} [{gpu}] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer with "
          "status=IBV_WC_RETRY_EXC_ERR(12) opcode=0 len=0 vendor_err=129",
          "P|{host}:{pid}:{pid2} [{gpu}] NCCL WARN socketProgressOpt: Call to recv from 10.0.{n}.7<35712> failed : "
          "Connection reset by peer",
          "P|{host}:{pid}:{pid2} [{gpu}] NCCL WARN Bootstrap : no socket interface found",
          "K|mlx5_core 0000:{pcis}.0: mlx5_port_module_event: Port {n} link down"}},
        {"driver_library_mismatch",
         {"P|Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 550.{n}",
          "K|NVRM: API mismatch: the client has the version 550.54.15, but\nNVRM: this kernel module has the version "
          "535.{n}.  Please\nNVRM: make sure that this kernel module and all NVIDIA driver\nNVRM: components have the "
          "same version.",
          "P|RuntimeError: The NVIDIA driver on your system is too old (found version 11040).",
          "P|cudaErrorInsufficientDriver: CUDA driver version is insufficient for CUDA runtime version"}},
        {"host_oom_killer",
         {"K|{proc} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, "
          "oom_score_adj=0\nK|Out of memory: Killed process {pid} ({proc}) total-vm:{kb}kB, anon-rss:{kb}kB, "
          "file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:{n}kB oom_score_adj:0",
          "K|Memory cgroup out of memory: Killed process {pid} ({proc}) total-vm:{kb}kB, anon-rss:{kb}kB",
          "S:systemd|{unit}.service: Failed with result 'oom-kill'.",
          "K|oom_reaper: reaped process {pid} ({proc}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"}},
        {"k8s_oomkilled",
         {"P|    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137",
          "P|{ns}   {pod}   0/1   OOMKilled   {n}   {age}",
          "P|  Warning  OOMKilling  {age}   kubelet  Memory cgroup out of memory: Killed process {pid} ({proc})",
          "P|    lastState:\n      terminated:\n        exitCode: 137\n        reason: OOMKilled"}},
        {"k8s_crashloop",
         {"P|{pod}   0/1     CrashLoopBackOff   {n} ({age} ago)   {age}",
          "P|  Warning  BackOff    {age}   kubelet  Back-off restarting failed container {container} in pod {pod}_{ns}",
          "P|      Reason:       CrashLoopBackOff"}},
        {"k8s_image_pull",
         {"P|{pod}   0/1     ImagePullBackOff   0          {age}",
          "P|  Warning  Failed     {age}   kubelet  Failed to pull image \"{image}\": rpc error: code = NotFound desc "
          "= failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found",
          "P|  Warning  Failed     {age}   kubelet  Error: ErrImagePull",
          "P|  Normal   BackOff    {age}   kubelet  Back-off pulling image \"{image}\"",
          "P|Error response from daemon: pull access denied for {image}, repository does not exist or may require "
          "'docker login'"}},
        {"disk_full",
         {"P|OSError: [Errno 28] No space left on device: '{path}'",
          "S:dockerd|level=error msg=\"failed to write layer\" error=\"write /var/lib/docker/tmp/GetImageBlob{n}: no "
          "space left on device\"",
          "P|ERROR:  could not extend file \"base/16384/{n}\": No space left on device",
          "P|  Warning  EvictionThresholdMet  {age}  kubelet  Attempting to reclaim ephemeral-storage\n  Warning  "
          "Evicted  {age}  kubelet  The node was low on resource: ephemeral-storage.",
          "P|sqlite3.OperationalError: database or disk is full"}},
        {"disk_io_error",
         {"K|blk_update_request: I/O error, dev {dev}, sector {sector} op 0x0:(READ) flags 0x80700 phys_seg 1 prio "
          "class 0",
          "K|Buffer I/O error on dev {part}, logical block {sector}, async page read",
          "K|sd 0:0:0:0: [{dev}] tag#0 Sense Key : Medium Error [current]\nK|sd 0:0:0:0: [{dev}] tag#0 Add. Sense: "
          "Unrecovered read error",
          "K|nvme nvme0: I/O {n} QID 5 timeout, aborting",
          "K|EXT4-fs error (device {part}): ext4_find_entry:1455: inode #{n}: comm {proc}: reading directory lblock "
          "0"}},
        {"filesystem_readonly",
         {"K|EXT4-fs ({part}): Remounting filesystem read-only",
          "P|touch: cannot touch '{path}': Read-only file system",
          "K|XFS ({part}): Corruption of in-memory data detected.  Shutting down filesystem\nK|XFS ({part}): Please "
          "unmount the filesystem and rectify the problem(s)",
          "P|OSError: [Errno 30] Read-only file system: '{path}'"}},
        {"tls_cert_expired",
         {"P|curl: (60) SSL certificate problem: certificate has expired",
          "P|Get \"https://{domain}/v2/\": x509: certificate has expired or is not yet valid: current time "
          "2025-11-18T10:01:02Z is after 2025-11-01T00:00:00Z",
          "P|javax.net.ssl.SSLHandshakeException: PKIX path validation failed: "
          "java.security.cert.CertificateExpiredException: NotAfter: Sat Nov 01 00:00:00 UTC 2025",
          "P|ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has "
          "expired (_ssl.c:1007)"}},
        {"dns_resolution",
         {"P|curl: (6) Could not resolve host: {domain}",
          "P|socket.gaierror: [Errno -3] Temporary failure in name resolution",
          "P|dial tcp: lookup {domain} on 10.96.0.10:53: no such host",
          "P|ssh: Could not resolve hostname {host}: Name or service not known",
          "P|Error: getaddrinfo ENOTFOUND {domain}", "P|java.net.UnknownHostException: {domain}"}},
        {"connection_refused",
         {"P|curl: (7) Failed to connect to {host} port {port} after 0 ms: Connection refused",
          "P|{datetime} [error] {n}#{n}: *{pid} connect() failed (111: Connection refused) while connecting to "
          "upstream, client: {ip}, server: _, request: \"GET /api HTTP/1.1\", upstream: "
          "\"http://127.0.0.1:{port}/api\"",
          "P|ConnectionRefusedError: [Errno 111] Connection refused",
          "P|upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport "
          "failure reason: delayed connect error: 111",
          "P|Error: connect ECONNREFUSED 127.0.0.1:{port}"}},
        {"segfault",
         {"K|{proc}[{pid}]: segfault at 0 ip 00007f{addr} sp 00007ffd{addr} error 4 in libc.so.6[7f3a1c000000+195000]",
          "P|Segmentation fault (core dumped)",
          "S:systemd|{unit}.service: Main process exited, code=dumped, status=11/SEGV",
          "P|Fatal Python error: Segmentation fault"}},
        {"too_many_open_files",
         {"P|OSError: [Errno 24] Too many open files: '{path}'",
          "S:nginx|{datetime} [crit] {n}#{n}: accept4() failed (24: Too many open files)",
          "P|java.io.IOException: Too many open files", "K|VFS: file-max limit 65536 reached"}},
        {"permission_denied",
         {"P|PermissionError: [Errno 13] Permission denied: '{path}'",
          "P|Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:{ns}:default\" cannot list "
          "resource \"pods\" in API group \"\" in the namespace \"{ns}\"",
          "P|permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
          "K|audit: type=1400 audit({n}.123:45): apparmor=\"DENIED\" operation=\"open\" profile=\"docker-default\" "
          "name=\"{path}\" pid={pid} comm=\"{proc}\""}},
        {"ssh_bruteforce",
         {"S:sshd|Failed password for invalid user {user} from {ip} port {port} ssh2\nS:sshd|Failed password for "
          "invalid user {user} from {ip} port {port2} ssh2\nS:sshd|Failed password for root from {ip} port {port} ssh2",
          "S:sshd|Invalid user {user} from {ip} port {port}\nS:sshd|Disconnected from invalid user {user} {ip} port "
          "{port} [preauth]",
          "S:sshd|error: maximum authentication attempts exceeded for root from {ip} port {port} ssh2 [preauth]",
          "S:fail2ban|fail2ban.actions [{pid}]: NOTICE  [sshd] Ban {ip}"}},
        {"systemd_unit_failed",
         {"S:systemd|{unit}.service: Main process exited, code=exited, status=1/FAILURE\nS:systemd|{unit}.service: "
          "Failed with result 'exit-code'.\nS:systemd|Failed to start {unit}.service - {unit_desc}.",
          "S:systemd|{unit}.service: Start request repeated too quickly.\nS:systemd|{unit}.service: Failed with result "
          "'start-limit-hit'.",
          "S:systemd|{unit}.service: Failed at step EXEC spawning /usr/local/bin/{unit}: No such file or "
          "directory\nS:systemd|{unit}.service: Main process exited, code=exited, status=203/EXEC",
          "P|Job for {unit}.service failed because the control process exited with error code.\nSee \"systemctl status "
          "{unit}.service\" and \"journalctl -xeu {unit}.service\" for details."}},
    };
    return m;
}

const std::vector<std::string>& noise_lines() {
    static const std::vector<std::string> n = {
        "K|e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
        "K|IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
        "K|nvidia-nvlink: Nvlink Core is being initialized, major device number 509",
        "K|NVRM: loading NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024",
        "K|EXT4-fs ({part}): mounted filesystem with ordered data mode. Quota mode: none.",
        "K|audit: type=1130 audit({n}.100:12): pid=1 uid=0 msg='unit=systemd-tmpfiles-clean comm=\"systemd\" "
        "res=success'",
        "S:systemd|Started {unit}.service - {unit_desc}.",
        "S:systemd|Starting {unit}.service - {unit_desc}...",
        "S:systemd|Reached target multi-user.target - Multi-User System.",
        "S:CRON|({user}) CMD (/usr/local/bin/backup.sh)",
        "S:sshd|Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 SHA256:abc{n}",
        "S:sshd|pam_unix(sshd:session): session opened for user {user}(uid=1000) by (uid=0)",
        "S:kubelet|I1118 10:01:02.123456    {pid} kubelet.go:2400] \"SyncLoop ADD\" source=\"api\" "
        "pods=[\"{ns}/{pod}\"]",
        "S:containerd|time=\"2025-11-18T10:01:02Z\" level=info msg=\"StartContainer for {container} returns "
        "successfully\"",
        "S:dockerd|time=\"2025-11-18T10:01:02Z\" level=info msg=\"Loading containers: done.\"",
        "S:chronyd|Selected source 169.254.169.123",
        "P|{host}:{pid}:{pid2} [{gpu}] NCCL INFO Bootstrap : Using eth0:10.0.{n}.4<0>",
        "P|{host}:{pid}:{pid2} [{gpu}] NCCL INFO NET/IB : Using [0]mlx5_0:1/IB ; OOB eth0:10.0.{n}.4<0>",
        "P|{host}:{pid}:{pid2} [{gpu}] NCCL INFO comm 0x55d1 rank {rank} nranks 16 cudaDev {gpu} busId {pcis}0 - Init "
        "COMPLETE",
        "P|Epoch {n}: 100%|##########| 1563/1563 [04:12<00:00,  6.19it/s, loss=0.{n}]",
        "P|INFO:root:step {n} loss 2.{n} lr 3.0e-04 tokens/s 48211",
        "P|{ip} - - [18/Nov/2025:10:01:02 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\"",
        "P|[2025-11-18T10:01:02.123Z] \"GET /api/v1/items HTTP/1.1\" 200 - 0 512 {n} {n} \"-\" \"curl/8.5.0\" "
        "\"{addr}\" \"api\" \"10.1.{n}.5:8080\"",
        "P|  Normal   Scheduled  {age}   default-scheduler  Successfully assigned {ns}/{pod} to {host}",
        "P|  Normal   Pulled     {age}   kubelet  Container image \"{image}\" already present on machine",
        "P|  Normal   Started    {age}   kubelet  Started container {container}",
        "P|{pod}   1/1     Running   0          {age}",
        "P|+-----------------------------------------------------------------------------------------+",
        "P|| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |",
    };
    return n;
}

}  // namespace sigma::datagen
