# Kubernetes and OpenShift front ends: kubectl describe/get/top/events, oc status, k9s screens.
CASES = [
("k8s_oomkilled", ["OOMKilled"], r"""$ kubectl describe pod payments-api-6d7f9c8b5-qx2lm -n prod
Name:             payments-api-6d7f9c8b5-qx2lm
Namespace:        prod
Priority:         0
Node:             ip-10-0-12-44.ec2.internal/10.0.12.44
Status:           Running
Containers:
  api:
    Image:          123456789012.dkr.ecr.us-east-1.amazonaws.com/payments-api:2.14.1
    State:          Running
      Started:      Tue, 09 Sep 2025 10:21:40 +0000
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Tue, 09 Sep 2025 10:02:11 +0000
      Finished:     Tue, 09 Sep 2025 10:21:38 +0000
    Ready:          True
    Restart Count:  4
    Limits:
      cpu:     1
      memory:  512Mi
    Requests:
      cpu:        250m
      memory:     256Mi"""),
("k8s_oomkilled", ["OOMKilled"], r"""NAME                                READY   STATUS      RESTARTS      AGE
web-frontend-7b9d5d8f6c-8kq2v       1/1     Running     0             3d
web-frontend-7b9d5d8f6c-j4x9m       1/1     Running     0             3d
report-worker-5c6f7d9b8-zzt7q       0/1     OOMKilled   3 (45s ago)   12m
redis-0                             1/1     Running     0             14d"""),
("k8s_oomkilled", ["embedder-6bd7c9f5d-2kqfx"], r""" Context: prod-eu                                  <0> all       <a>      Attach     <l>       Logs
 Cluster: prod-eu                                  <1> default   <ctrl-d> Delete     <p>       Logs Previous
 K9s Rev: v0.32.5                                  <2> ml        <d>      Describe   <shift-f> Port-Forward
 K8s Rev: v1.29.8                                            <e>      Edit       <s>       Shell
 CPU:     34%
 MEM:     71%
┌──────────────────────────────────────────── Pods(ml)[3] ─────────────────────────────────────────────┐
│ NAME↑                              PF READY  STATUS    RESTARTS CPU  MEM   %CPU/R %CPU/L %MEM/R %MEM/L │
│ embedder-6bd7c9f5d-2kqfx           ●  1/1    Running          2  410  3987     82     41    389     97 │
│ ranker-7f9c4d8b6-p8w2n             ●  1/1    Running          0  120   611     24     12     59     29 │
│ tokenizer-svc-5d9b7c8f4-mm7tz      ●  1/1    Running          0   15   120      3      1     23     11 │
└──────────────────────────────────────────────────────────────────────────────────────────────────────┘"""),
("k8s_oomkilled", ["1019Mi"], r"""$ kubectl top pod -n etl
NAME                              CPU(cores)   MEMORY(bytes)
ingest-worker-66b8f9c7d-4xw2p     812m         1019Mi
ingest-worker-66b8f9c7d-9qkzr     790m         644Mi
scheduler-0                       12m          88Mi
$ kubectl describe pod ingest-worker-66b8f9c7d-4xw2p -n etl | grep -A3 Limits
    Limits:
      cpu:     2
      memory:  1Gi
    Requests:"""),

("k8s_crashloop", ["CrashLoopBackOff"], r"""$ kubectl get pods -n checkout
NAME                             READY   STATUS             RESTARTS         AGE
cart-5f7c9d8b6-wq7xz             0/1     CrashLoopBackOff   17 (2m14s ago)   64m
cart-5f7c9d8b6-zv2kt             0/1     CrashLoopBackOff   17 (2m31s ago)   64m
checkout-db-0                    1/1     Running            0                9d
$ kubectl logs cart-5f7c9d8b6-wq7xz -n checkout --previous
2025-10-04T11:02:41.551Z INFO  starting cart service version=3.2.0
2025-10-04T11:02:41.552Z FATAL config: required key CART_REDIS_URL missing
exit status 1"""),
("k8s_crashloop", ["is crash-looping"], r"""$ oc status --suggest
In project billing on server https://api.ocp4.example.com:6443

svc/billing-api - 172.30.44.17:8080
  deployment/billing-api deploys image-registry.openshift-image-registry.svc:5000/billing/billing-api:latest
    deployment #3 running for 21 minutes - 0/2 pods (warning: 14 restarts)

Errors:
  pod/billing-api-5b8c7f9d6-4pl2x is crash-looping

    The container is starting and exiting repeatedly. This usually means the container is unable
    to start, misconfigured, or limited by security restrictions. Check the container logs with

      oc logs billing-api-5b8c7f9d6-4pl2x -c billing-api

    Current security policy prevents your containers from being run as the root user. Some images
    may fail expecting to be able to change ownership or permissions on directories. Your admin
    can grant you access to run containers that need to run as the root user with this command:

      oc adm policy add-scc-to-user anyuid -n billing -z default

1 error, 1 info identified, use 'oc status --suggest' to see details."""),
("k8s_crashloop", ["Back-off restarting failed container"], r"""Events:
  Type     Reason     Age                   From               Message
  ----     ------     ----                  ----               -------
  Normal   Scheduled  18m                   default-scheduler  Successfully assigned ml/feature-store-0 to gke-pool-2-9f8a
  Normal   Pulled     16m (x5 over 18m)     kubelet            Container image "gcr.io/acme/feature-store:1.8" already present on machine
  Normal   Created    16m (x5 over 18m)     kubelet            Created container feature-store
  Normal   Started    16m (x5 over 18m)     kubelet            Started container feature-store
  Warning  BackOff    3m12s (x71 over 18m)  kubelet            Back-off restarting failed container feature-store in pod feature-store-0_ml(6a1d8c3e-22f1-4e5c-9b8f-0c7d2e1f3a4b)"""),
("k8s_crashloop", ["notifier-7d4b8c9f5d-5h6jk"], r"""$ kubectl get pods -o wide
NAME                         READY   STATUS    RESTARTS      AGE    IP            NODE
notifier-7d4b8c9f5d-5h6jk    0/1     Error     23 (5m ago)   97m    10.42.3.18    worker-3
mailer-6c8f7d5b9-xk2p8       1/1     Running   0             4d     10.42.1.77    worker-1"""),

("k8s_image_pull", ["ErrImagePull"], r"""Events:
  Type     Reason     Age                From               Message
  ----     ------     ----               ----               -------
  Normal   Scheduled  92s                default-scheduler  Successfully assigned dev/api-7c5d-x to minikube
  Normal   Pulling    45s (x3 over 91s)  kubelet            Pulling image "ghcr.io/acme/api:v2.0.0-rc1"
  Warning  Failed     44s (x3 over 90s)  kubelet            Failed to pull image "ghcr.io/acme/api:v2.0.0-rc1": rpc error: code = Unknown desc = failed to pull and unpack image "ghcr.io/acme/api:v2.0.0-rc1": failed to resolve reference "ghcr.io/acme/api:v2.0.0-rc1": ghcr.io/acme/api:v2.0.0-rc1: not found
  Warning  Failed     44s (x3 over 90s)  kubelet            Error: ErrImagePull
  Normal   BackOff    6s (x4 over 89s)   kubelet            Back-off pulling image "ghcr.io/acme/api:v2.0.0-rc1"
  Warning  Failed     6s (x4 over 89s)   kubelet            Error: ImagePullBackOff"""),
("k8s_image_pull", ["ImagePullBackOff"], r"""NAMESPACE     NAME                                  READY   STATUS             RESTARTS   AGE
kube-system   coredns-5d78c9869d-7kq2z              1/1     Running            0          21d
monitoring    grafana-6f8d7c9b5-l2m4n               0/1     ImagePullBackOff   0          7m
monitoring    prometheus-0                          2/2     Running            0          21d"""),
("k8s_image_pull", ["pull access denied"], r"""$ docker pull acme/internal-tools:latest
Error response from daemon: pull access denied for acme/internal-tools, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"""),
]
