# Host logs: kernel, journald, systemctl, df/free/smartctl, Slurm job output, application stderr.
CASES = [
("host_oom_killer", ["Out of memory: Killed process 48121"], r"""[Sat Mar 22 04:10:11 2025] python3 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
[Sat Mar 22 04:10:11 2025] CPU: 31 PID: 48121 Comm: python3 Tainted: P           OE     5.15.0-105-generic #115-Ubuntu
[Sat Mar 22 04:10:11 2025] Mem-Info:
[Sat Mar 22 04:10:11 2025] active_anon:128011233 inactive_anon:1123 isolated_anon:0
[Sat Mar 22 04:10:11 2025] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
[Sat Mar 22 04:10:11 2025] [  48121]  1001 48121 140211233 127001122 1022361600        0             0 python3
[Sat Mar 22 04:10:11 2025] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0-1,global_oom,task_memcg=/user.slice/user-1001.slice/session-4.scope,task=python3,pid=48121,uid=1001
[Sat Mar 22 04:10:11 2025] Out of memory: Killed process 48121 (python3) total-vm:560844932kB, anon-rss:508004488kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:998400kB oom_score_adj:0"""),
("host_oom_killer", ["Detected 1 oom-kill event(s)"], r"""+ srun python train.py --config configs/llama7b.yaml
[2025-06-02 14:10:02,118] [INFO] [real_accelerator.py:203:get_accelerator] Setting ds_accelerator to cuda (auto detect)
[2025-06-02 14:10:09,440] [INFO] [engine.py:1411:_configure_zero_optimizer] Creating ZeRO Offload
Loading checkpoint shards:  67%|██████▋   | 2/3 [01:12<00:36, 36.20s/it]
slurmstepd: error: Detected 1 oom-kill event(s) in StepId=4471230.0. Some of your processes may have been killed by the cgroup out-of-memory handler.
srun: error: gpu-c-007: task 0: Out Of Memory
srun: launch/slurm: _step_signal: Terminating StepId=4471230.0"""),
("host_oom_killer", ["A process of this unit has been killed by the OOM killer"], r"""× clickhouse-server.service - ClickHouse Server (analytic DBMS for big data)
     Loaded: loaded (/lib/systemd/system/clickhouse-server.service; enabled; vendor preset: enabled)
     Active: failed (Result: oom-kill) since Wed 2025-05-14 02:31:07 UTC; 6h ago
    Process: 1213 ExecStart=/usr/bin/clickhouse-server --config=/etc/clickhouse-server/config.xml (code=killed, signal=KILL)
   Main PID: 1213 (code=killed, signal=KILL)
        CPU: 3d 4h 11min 2.118s

May 14 02:31:07 ch-02 systemd[1]: clickhouse-server.service: A process of this unit has been killed by the OOM killer.
May 14 02:31:07 ch-02 systemd[1]: clickhouse-server.service: Main process exited, code=killed, status=9/KILL
May 14 02:31:07 ch-02 systemd[1]: clickhouse-server.service: Failed with result 'oom-kill'.
May 14 02:31:07 ch-02 systemd[1]: clickhouse-server.service: Consumed 3d 4h 11min 2.118s CPU time."""),
("host_oom_killer", ["Memory cgroup out of memory: Killed process 30211"], r"""Jul 08 16:44:02 k8s-worker-9 kernel: java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=968
Jul 08 16:44:02 k8s-worker-9 kernel: memory: usage 4194304kB, limit 4194304kB, failcnt 1822
Jul 08 16:44:02 k8s-worker-9 kernel: Memory cgroup out of memory: Killed process 30211 (java) total-vm:9823112kB, anon-rss:4171220kB, file-rss:18272kB, shmem-rss:0kB, UID:1000 pgtables:8632kB oom_score_adj:968"""),

("disk_full", ["No space left on device"], r"""Step 7/12 : RUN pip install --no-cache-dir -r requirements.txt
 ---> Running in 0b1c2d3e4f5a
Collecting torch==2.3.1
  Downloading torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl (779.1 MB)
     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 779.1/779.1 MB 48.2 MB/s eta 0:00:00
Installing collected packages: torch
ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device: '/usr/local/lib/python3.11/site-packages/torch/lib/libtorch_cuda.so'
The command '/bin/sh -c pip install --no-cache-dir -r requirements.txt' returned a non-zero code: 1"""),
("disk_full", ["/var/lib/docker"], r"""$ df -h
Filesystem      Size  Used Avail Use% Mounted on
udev             63G     0   63G   0% /dev
tmpfs            13G  2.1M   13G   1% /run
/dev/nvme0n1p2  1.8T  1.1T  612G  65% /
tmpfs            63G     0   63G   0% /dev/shm
/dev/nvme1n1    3.5T  3.5T     0 100% /var/lib/docker
/dev/nvme0n1p1  511M  6.1M  505M   2% /boot/efi"""),
("disk_full", ["100% /scratch"], r"""[alice@login01 ~]$ df -h /scratch /home
Filesystem                                   Size  Used Avail Use% Mounted on
10.20.0.5@o2ib:10.20.0.6@o2ib:/lustrefs/scratch
                                             2.0P  2.0P  1.2T 100% /scratch
nfs01:/export/home                           40T   31T  9.0T  78% /home"""),
("disk_full", ["flood stage disk watermark [95%] exceeded"], r"""[2025-08-19T07:41:12,511][WARN ][o.e.c.r.a.DiskThresholdMonitor] [es-data-2] flood stage disk watermark [95%] exceeded on [x1Yp7bQdQ9u-c8mWm3C2Ng][es-data-2][/usr/share/elasticsearch/data] free: 4.9gb[2.4%], all indices on this node will be marked read-only
[2025-08-19T07:41:42,511][INFO ][o.e.c.r.a.DiskThresholdMonitor] [es-data-2] skipping monitor as a check is already in progress"""),

("disk_io_error", ["I/O error, dev sdc, sector 1953521664"], r"""Apr 17 23:51:08 storage-4 kernel: sd 6:0:2:0: [sdc] tag#17 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=7s
Apr 17 23:51:08 storage-4 kernel: sd 6:0:2:0: [sdc] tag#17 Sense Key : Medium Error [current]
Apr 17 23:51:08 storage-4 kernel: sd 6:0:2:0: [sdc] tag#17 Add. Sense: Unrecovered read error
Apr 17 23:51:08 storage-4 kernel: sd 6:0:2:0: [sdc] tag#17 CDB: Read(16) 88 00 00 00 00 00 74 70 6d 00 00 00 00 08 00 00
Apr 17 23:51:08 storage-4 kernel: I/O error, dev sdc, sector 1953521664 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 2"""),
("disk_io_error", ["Reallocated_Sector_Ct"], r"""smartctl 7.2 2020-12-30 r5155 [x86_64-linux-5.15.0-91-generic] (local build)
=== START OF READ SMART DATA SECTION ===
SMART overall-health self-assessment test result: PASSED

SMART Attributes Data Structure revision number: 16
Vendor Specific SMART Attributes with Thresholds:
ID# ATTRIBUTE_NAME          FLAG     VALUE WORST THRESH TYPE      UPDATED  WHEN_FAILED RAW_VALUE
  1 Raw_Read_Error_Rate     0x000f   083   063   044    Pre-fail  Always       -       212380480
  5 Reallocated_Sector_Ct   0x0033   005   005   010    Pre-fail  Always       -       3912
  9 Power_On_Hours          0x0032   045   045   000    Old_age   Always       -       48721
197 Current_Pending_Sector  0x0012   100   100   000    Old_age   Always       -       64
198 Offline_Uncorrectable   0x0010   100   100   000    Old_age   Offline      -       64"""),
("disk_io_error", ["I/O Error (sct 0x2 / sc 0x81)"], r"""[ 9912.101221] nvme0n1: I/O Cmd(0x2) @ LBA 2241113920, 256 blocks, I/O Error (sct 0x2 / sc 0x81) MORE DNR
[ 9912.101240] critical medium error, dev nvme0n1, sector 2241113920 op 0x0:(READ) flags 0x80700 phys_seg 4 prio class 2
[ 9912.118007] nvme0n1: I/O Cmd(0x2) @ LBA 2241114176, 256 blocks, I/O Error (sct 0x2 / sc 0x81) MORE DNR"""),

("filesystem_readonly", ["Read-only file system"], r"""$ touch /data/test
touch: cannot touch '/data/test': Read-only file system
$ mount | grep /data
/dev/mapper/vg0-data on /data type ext4 (ro,relatime,errors=remount-ro)"""),
("filesystem_readonly", ["Remounting filesystem read-only"], r"""[12021.551020] EXT4-fs error (device dm-2): ext4_lookup:1855: inode #2: comm postgres: deleted inode referenced: 6815751
[12021.551441] Aborting journal on device dm-2-8.
[12021.553110] EXT4-fs (dm-2): Remounting filesystem read-only
[12021.560021] EXT4-fs error (device dm-2) in ext4_orphan_del:2966: Journal has aborted"""),
("filesystem_readonly", ["read-only file system"], r"""2025-11-02T09:14:22.118Z	ERROR	controller	failed to write checkpoint	{"path": "/var/lib/agent/state.json", "error": "open /var/lib/agent/state.json: read-only file system"}
2025-11-02T09:14:52.120Z	ERROR	controller	failed to write checkpoint	{"path": "/var/lib/agent/state.json", "error": "open /var/lib/agent/state.json: read-only file system"}"""),

("tls_cert_expired", ["x509: certificate has expired or is not yet valid"], r"""$ kubectl get nodes
Unable to connect to the server: x509: certificate has expired or is not yet valid: current time 2025-12-01T08:14:22Z is after 2025-11-29T10:03:41Z
$ sudo kubeadm certs check-expiration | head -5
CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
admin.conf                 Nov 29, 2025 10:03 UTC   <invalid>       ca                      no
apiserver                  Nov 29, 2025 10:03 UTC   <invalid>       ca                      no"""),
("tls_cert_expired", ["certificate verify failed: certificate has expired"], r"""Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/urllib3/connectionpool.py", line 703, in urlopen
    httplib_response = self._make_request(
ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1007)

During handling of the above exception, another exception occurred:

requests.exceptions.SSLError: HTTPSConnectionPool(host='artifacts.internal.example', port=443): Max retries exceeded with url: /simple/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1007)')))"""),
("tls_cert_expired", ["NotAfter: Sun Mar 02 23:59:59 UTC 2025"], r"""2025-03-04 11:02:17.201 ERROR 1 --- [nio-8443-exec-3] o.a.t.util.net.NioEndpoint : Handshake failed
javax.net.ssl.SSLHandshakeException: PKIX path validation failed: java.security.cert.CertPathValidatorException: validity check failed
Caused by: java.security.cert.CertificateExpiredException: NotAfter: Sun Mar 02 23:59:59 UTC 2025
	at java.base/sun.security.x509.CertificateValidity.valid(CertificateValidity.java:277)"""),

("dns_resolution", ["Temporary failure in name resolution"], r"""$ pip install -U vllm
WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f1c2a0e3d90>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')': /simple/vllm/
ERROR: Could not find a version that satisfies the requirement vllm (from versions: none)
ERROR: No matching distribution found for vllm"""),
("dns_resolution", ["no such host"], r"""E1104 06:22:31.443120       1 reflector.go:147] k8s.io/client-go/informers/factory.go:159: Failed to watch *v1.Secret: failed to list *v1.Secret: Get "https://vault.vault.svc.cluster.local:8200/v1/sys/health": dial tcp: lookup vault.vault.svc.cluster.local on 10.96.0.10:53: no such host
E1104 06:22:33.101992       1 controller.go:211] sync failed, requeuing: dial tcp: lookup vault.vault.svc.cluster.local on 10.96.0.10:53: no such host"""),
("dns_resolution", ["Could not resolve host: github.com"], r"""+ git clone https://github.com/NVIDIA/nccl-tests.git
Cloning into 'nccl-tests'...
fatal: unable to access 'https://github.com/NVIDIA/nccl-tests.git/': Could not resolve host: github.com
srun: error: node-17: task 0: Exited with exit code 128"""),

("connection_refused", ["Connection refused"], r"""2025-07-22 12:01:45.021 UTC [88] FATAL:  could not connect to the primary server: connection to server at "pg-primary.db.svc" (10.43.2.17), port 5432 failed: Connection refused
	Is the server running on that host and accepting TCP/IP connections?
2025-07-22 12:01:50.031 UTC [89] FATAL:  could not connect to the primary server: connection to server at "pg-primary.db.svc" (10.43.2.17), port 5432 failed: Connection refused"""),
("connection_refused", ["ECONNREFUSED"], r"""npm ERR! code ECONNREFUSED
npm ERR! syscall connect
npm ERR! errno ECONNREFUSED
npm ERR! FetchError: request to http://verdaccio.local:4873/express failed, reason: connect ECONNREFUSED 10.1.4.9:4873"""),
("connection_refused", ["connect() failed (111: Connection refused)"], r"""2025/09/30 18:44:10 [error] 31#31: *88210 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.3.15, server: api.example.com, request: "POST /v1/chat/completions HTTP/1.1", upstream: "http://127.0.0.1:8000/v1/chat/completions", host: "api.example.com"
2025/09/30 18:44:10 [error] 31#31: *88212 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.3.16, server: api.example.com, request: "GET /health HTTP/1.1", upstream: "http://127.0.0.1:8000/health", host: "api.example.com"
10.0.3.15 - - [30/Sep/2025:18:44:10 +0000] "POST /v1/chat/completions HTTP/1.1" 502 157 "-" "python-requests/2.32.3\""""),

("segfault", ["segfault at 0 ip"], r"""[Wed Jan 22 10:03:41 2025] trtllm-serve[221301]: segfault at 0 ip 00007f2a1c33d8a4 sp 00007ffd4c2e1f60 error 4 in libnvinfer_plugin_tensorrt_llm.so[7f2a1a800000+3c00000] likely on CPU 17 (core 1, socket 1)
[Wed Jan 22 10:03:41 2025] Code: 48 8b 07 48 89 fb 48 8b 40 18 ff d0 48 8b 43 08 <48> 8b 00 48 85 c0 74 0a"""),
("segfault", ["Segmentation fault"], r"""Loading model... done (12.4s)
Warmup: 100%|██████████| 10/10 [00:03<00:00,  3.11it/s]
Benchmark:  43%|████▎     | 43/100 [00:14<00:19,  2.98it/s]
./run_bench.sh: line 22: 771230 Segmentation fault      (core dumped) python bench.py --model "$MODEL" --batch 64"""),
("segfault", ["Fatal Python error: Segmentation fault"], r"""Fatal Python error: Segmentation fault

Thread 0x00007f8d7a1fc640 (most recent call first):
  File "/usr/lib/python3.10/threading.py", line 324 in wait
  File "/usr/lib/python3.10/queue.py", line 180 in get

Current thread 0x00007f8e2c4b1740 (most recent call first):
  File "/opt/app/.venv/lib/python3.10/site-packages/faiss/swigfaiss_avx2.py", line 2213 in search
  File "/opt/app/retriever.py", line 71 in query"""),

("too_many_open_files", ["too many open files"], r"""2025/04/09 03:11:41 http: Accept error: accept tcp [::]:9090: accept4: too many open files; retrying in 5ms
2025/04/09 03:11:41 http: Accept error: accept tcp [::]:9090: accept4: too many open files; retrying in 10ms
2025/04/09 03:11:41 http: Accept error: accept tcp [::]:9090: accept4: too many open files; retrying in 20ms"""),
("too_many_open_files", ["[Errno 24] Too many open files"], r"""Traceback (most recent call last):
  File "/usr/lib/python3.11/multiprocessing/queues.py", line 244, in _feed
  File "/usr/lib/python3.11/multiprocessing/reduction.py", line 51, in dumps
  File "/usr/local/lib/python3.11/site-packages/torch/multiprocessing/reductions.py", line 568, in reduce_storage
    fd, size = storage._share_fd_cpu_()
RuntimeError: unable to open shared memory object </torch_3319_1918273645_988> in read-write mode: Too many open files (24)
OSError: [Errno 24] Too many open files: '/proc/self/fd'"""),
("too_many_open_files", ["Too many open files"], r"""Mar 30 17:20:03 kafka-3 kafka-server-start.sh[1881]: [2025-03-30 17:20:03,112] ERROR Error while accepting connection (kafka.network.Acceptor)
Mar 30 17:20:03 kafka-3 kafka-server-start.sh[1881]: java.io.IOException: Too many open files
Mar 30 17:20:03 kafka-3 kafka-server-start.sh[1881]:         at java.base/sun.nio.ch.Net.accept(Native Method)"""),

("permission_denied", ["Permission denied"], r"""$ ./deploy.sh
mkdir: cannot create directory '/opt/models/llama': Permission denied
cp: cannot create regular file '/opt/models/llama/config.json': No such file or directory
$ ls -ld /opt/models
drwxr-xr-x 4 root root 4096 Feb  2 10:11 /opt/models"""),
("permission_denied", ["permission denied while trying to connect to the Docker daemon socket"], r"""$ docker ps
permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json": dial unix /var/run/docker.sock: connect: permission denied"""),
("permission_denied", ["is forbidden", "cannot list resource"], r"""$ kubectl get pods -n kube-system
Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:ci:deployer" cannot list resource "pods" in API group "" in the namespace "kube-system\""""),
("permission_denied", ["avc:  denied"], r"""type=AVC msg=audit(1731501231.112:4410): avc:  denied  { read } for  pid=2231 comm="nginx" name="index.html" dev="dm-0" ino=134881 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0
2025/11/13 12:33:51 [error] 2231#2231: *7 open() "/srv/www/index.html" failed (13: Permission denied), client: 10.0.0.5, server: _, request: "GET / HTTP/1.1\""""),

("ssh_bruteforce", ["Failed password for invalid user admin"], r"""Oct 12 03:14:01 bastion sshd[99121]: Invalid user admin from 185.220.101.47 port 51022
Oct 12 03:14:03 bastion sshd[99121]: Failed password for invalid user admin from 185.220.101.47 port 51022 ssh2
Oct 12 03:14:04 bastion sshd[99124]: Invalid user oracle from 185.220.101.47 port 51040
Oct 12 03:14:06 bastion sshd[99124]: Failed password for invalid user oracle from 185.220.101.47 port 51040 ssh2
Oct 12 03:14:07 bastion sshd[99127]: Failed password for root from 185.220.101.47 port 51066 ssh2
Oct 12 03:14:08 bastion sshd[99127]: error: maximum authentication attempts exceeded for root from 185.220.101.47 port 51066 ssh2 [preauth]"""),
("ssh_bruteforce", ["Ban 45.148.10.22"], r"""2025-10-12 03:20:11,405 fail2ban.filter         [812]: INFO    [sshd] Found 45.148.10.22 - 2025-10-12 03:20:11
2025-10-12 03:20:13,117 fail2ban.filter         [812]: INFO    [sshd] Found 45.148.10.22 - 2025-10-12 03:20:13
2025-10-12 03:20:15,902 fail2ban.filter         [812]: INFO    [sshd] Found 45.148.10.22 - 2025-10-12 03:20:15
2025-10-12 03:20:16,044 fail2ban.actions        [812]: NOTICE  [sshd] Ban 45.148.10.22"""),
("ssh_bruteforce", ["Disconnected from invalid user"], r"""Nov 30 22:01:10 web-1 sshd[7710]: Disconnected from invalid user test 103.145.13.2 port 40122 [preauth]
Nov 30 22:01:12 web-1 sshd[7713]: Disconnected from invalid user ubuntu 103.145.13.2 port 40488 [preauth]
Nov 30 22:01:15 web-1 sshd[7716]: Disconnected from invalid user git 103.145.13.2 port 40810 [preauth]
Nov 30 22:01:17 web-1 sshd[7719]: Disconnected from invalid user postgres 103.145.13.2 port 41102 [preauth]"""),

("systemd_unit_failed", ["status=203/EXEC"], r"""● model-sync.service - Sync model weights from object storage
     Loaded: loaded (/etc/systemd/system/model-sync.service; enabled; preset: enabled)
     Active: failed (Result: exit-code) since Mon 2025-06-16 08:00:02 UTC; 3min ago
    Process: 40121 ExecStart=/usr/local/bin/model-sync --bucket s3://models (code=exited, status=203/EXEC)
   Main PID: 40121 (code=exited, status=203/EXEC)

Jun 16 08:00:02 gpu-01 systemd[1]: Started model-sync.service - Sync model weights from object storage.
Jun 16 08:00:02 gpu-01 (del-sync)[40121]: model-sync.service: Failed to locate executable /usr/local/bin/model-sync: No such file or directory
Jun 16 08:00:02 gpu-01 (del-sync)[40121]: model-sync.service: Failed at step EXEC spawning /usr/local/bin/model-sync: No such file or directory
Jun 16 08:00:02 gpu-01 systemd[1]: model-sync.service: Main process exited, code=exited, status=203/EXEC
Jun 16 08:00:02 gpu-01 systemd[1]: model-sync.service: Failed with result 'exit-code'."""),
("systemd_unit_failed", ["Start request repeated too quickly"], r"""Dec 01 10:12:44 node7 systemd[1]: triton.service: Main process exited, code=exited, status=1/FAILURE
Dec 01 10:12:44 node7 systemd[1]: triton.service: Failed with result 'exit-code'.
Dec 01 10:12:49 node7 systemd[1]: triton.service: Scheduled restart job, restart counter is at 5.
Dec 01 10:12:49 node7 systemd[1]: Stopped triton.service - Triton Inference Server.
Dec 01 10:12:49 node7 systemd[1]: triton.service: Start request repeated too quickly.
Dec 01 10:12:49 node7 systemd[1]: triton.service: Failed with result 'exit-code'.
Dec 01 10:12:49 node7 systemd[1]: Failed to start triton.service - Triton Inference Server."""),
("systemd_unit_failed", ["Dependency failed for"], r"""Sep 05 07:00:12 db-3 systemd[1]: dev-disk-by\x2duuid-7b1c.device: Job dev-disk-by\x2duuid-7b1c.device/start timed out.
Sep 05 07:00:12 db-3 systemd[1]: Timed out waiting for device dev-disk-by\x2duuid-7b1c.device - /dev/disk/by-uuid/7b1c.
Sep 05 07:00:12 db-3 systemd[1]: Dependency failed for mnt-pgdata.mount - /mnt/pgdata.
Sep 05 07:00:12 db-3 systemd[1]: Dependency failed for postgresql.service - PostgreSQL RDBMS.
Sep 05 07:00:12 db-3 systemd[1]: postgresql.service: Job postgresql.service/start failed with result 'dependency'."""),
("connection_refused", ["was refused"], r"""$ kubectl get nodes
E1119 08:41:02.118220   23114 memcache.go:265] couldn't get current server API group list: Get "http://localhost:8080/api?timeout=32s": dial tcp 127.0.0.1:8080: connect: connection refused
The connection to the server localhost:8080 was refused - did you specify the right host or port?"""),
("host_oom_killer", ["Signal 9 (SIGKILL) received by PID 77120"], r"""Loading checkpoint shards:  50%|█████     | 2/4 [00:41<00:41, 20.6s/it]
W1119 09:02:11.402000 77101 torch/distributed/elastic/multiprocessing/api.py:897] Sending process 77121 closing signal SIGTERM
E1119 09:02:12.110000 77101 torch/distributed/elastic/multiprocessing/api.py:869] failed (exitcode: -9) local_rank: 0 (pid: 77120) of binary: /usr/bin/python3
torch.distributed.elastic.multiprocessing.errors.ChildFailedError:
============================================================
finetune.py FAILED
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2025-11-19_09:02:12
  host      : worker-0
  rank      : 0 (local_rank: 0)
  exitcode  : -9 (pid: 77120)
  error_file: <N/A>
  traceback : Signal 9 (SIGKILL) received by PID 77120"""),
]
