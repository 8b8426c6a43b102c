// Every default of the operator, the emulator and the local control plane lives here, in one place.
// Environment variables override some of them at run time (each reader names its variable next to the default).

export const OPERATOR_DEFAULTS = {
  /** Finalizer the CLB reconciler adds before any cloud write (upstream CCM's name). */
  serviceFinalizer: "service.k8s.alibaba/resources",
  regionId: "cn-hangzhou",
  /** Reporting component of our Events. */
  eventComponent: "alicloud-operator",
  /** Any one Kubernetes API request (not watches) gives up after this long. */
  k8sRequestTimeoutMs: 30_000,
  /**
   * Work queue: concurrent reconciles when nothing else decides (the CLB controller derives its own from
   * the SLB rate limit, src/controller/controller.ts defaultWorkers). Env OPERATOR_WORKERS overrides.
   */
  workers: 3,
  maxWorkers: 32,
  /** Cloud actions of one plan in flight at once (src/reconcile/apply-graph.ts). */
  applyConcurrency: 4,
  /**
   * Kubernetes writes of one reconcile in flight at once (finalizers, status and Events of an ALB group's
   * Ingresses): one at a time, 40 members cost a second of a reconcile on a busy apiserver.
   */
  k8sWriteConcurrency: 8,
  /** Backends per add/remove/update API call that apply sends (CLB accepts at most 20). */
  backendsPerApiCall: 20,
  /** Per-key exponential backoff: first retry and cap. */
  backoffBaseMs: 5_000,
  backoffCapMs: 300_000,
  /** Global token bucket over every key's retries (retries per second / burst), as client-go's. */
  globalRatePerSecond: 10,
  globalBurst: 100,
  /** Listing a kind into a store (start-up seed, informer restart): first retry and cap. */
  seedBackoffBaseMs: 1_000,
  seedBackoffCapMs: 30_000,
  /** How long an admission request waits for the webhook's Service store to finish its first list. */
  admissionStoreWaitMs: 5_000,
  /** Periodic resync of every known key, to repair drift. */
  resyncIntervalMs: 10 * 60_000,
  /** Requeue when endpoints may become ready soon (upstream: 10 s). */
  potentialReadyRequeueMs: 10_000,
  /**
   * Backends per add/remove/update action of one vserver group (upstream `--sg-batch-size`, docs/clb-service.md §3.5).
   * Env OPERATOR_SG_BATCH_SIZE, 1..maxBackendBatchSize. The adapter still sends at most 20 per API call.
   */
  backendBatchSize: 40,
  maxBackendBatchSize: 40,
} as const;

// ---------------------------------------------------------------- cluster-wide cloud settings and policy

/**
 * Cluster-wide cloud settings and policy, shared by every capability (CLB now, ALB and ImageCache next).
 * One loader reads and checks them: src/operator/settings.ts (`loadCloudSettings`); a wrong value stops
 * the operator at start-up. README "Cluster identity", "Reuse policy" and "Cloud defaults" explain them.
 */
export const CLOUD_SETTINGS_ENV = {
  /** Written into ownership tags and names. Unset: the UID of the `clusterIdNamespace` Namespace. */
  clusterId: "CLUSTER_ID",
  /** The cluster's VPC: sent with every VPC create; ENI backends are looked up in it. */
  vpcId: "ALIBABA_CLOUD_VPC_ID",
  /** Comma list of default vSwitches: intranet SLBs that name none use the first. */
  vSwitchIds: "ALIBABA_CLOUD_VSWITCH_IDS",
  /** Resource group of every create that names none. */
  resourceGroupId: "ALIBABA_CLOUD_RESOURCE_GROUP_ID",
  /** `ecs` or `eni`: backends of a Service without a backend-type annotation. */
  defaultBackendType: "OPERATOR_DEFAULT_BACKEND_TYPE",
  /** `true`: admission rejects internet SLBs and the controllers refuse to create or reuse one. */
  forbidPublicLoadBalancer: "OPERATOR_FORBID_PUBLIC_LB",
  /** Comma list of namespaces whose Services may reuse an SLB by id. Unset or empty: every namespace. */
  reuseAllowedNamespaces: "OPERATOR_REUSE_ALLOWED_NAMESPACES",
  /** `true`: only SLBs tagged `reuseNamespaceTagKey` naming the Service's namespace may be reused. */
  reuseRequireNamespaceTag: "OPERATOR_REUSE_REQUIRE_NAMESPACE_TAG",
} as const;

export const CLOUD_SETTINGS_DEFAULTS = {
  /** CLUSTER_ID unset: the cluster id is this Namespace's UID (read once at start-up, never a constant). */
  clusterIdNamespace: "kube-system",
  defaultBackendType: "ecs" as "ecs" | "eni",
  forbidPublicLoadBalancer: false,
  reuseRequireNamespaceTag: false,
  /**
   * The tag an admin puts on an SLB to let namespaces reuse it in tag mode: the value is a comma list of
   * namespace names (an Alibaba tag value holds at most 128 characters).
   */
  reuseNamespaceTagKey: "alicloud-operator.io/reuse-namespaces",
} as const;

/**
 * Leader election of the controllers on a coordination.k8s.io/v1 Lease (src/k8s/leader.ts), in the watcher and
 * `all` modes; admission never elects. Env: OPERATOR_LEADER_ELECTION (`false` = every replica is leader),
 * OPERATOR_LEASE_NAMESPACE, OPERATOR_LEASE_NAME, OPERATOR_LEASE_DURATION_MS, OPERATOR_RENEW_DEADLINE_MS,
 * OPERATOR_RETRY_PERIOD_MS. The durations are client-go's defaults; leaseDuration > renewDeadline > retryPeriod.
 */
export const LEADER_ELECTION_DEFAULTS = {
  enabled: true,
  namespace: "pepr-system",
  name: "alicloud-operator-controller",
  /** A follower may take the Lease this long after the holder's last renewTime. */
  leaseDurationMs: 15_000,
  /** The leader gives up (stops writing) when no renew succeeded for this long. */
  renewDeadlineMs: 10_000,
  /** The leader renews, and followers try to acquire, this often. */
  retryPeriodMs: 2_000,
  /** On SIGTERM the process waits at most this long for the Lease release before it exits. */
  releaseTimeoutMs: 3_000,
} as const;

/**
 * Metrics and health on Pepr's server (src/operator/telemetry.ts). Env SSL_CERT_PATH (Pepr's own variable) names the
 * serving certificate whose NotAfter /metrics reports; Pepr's default path otherwise.
 */
export const TELEMETRY_DEFAULTS = {
  servingCertPath: "/etc/certs/tls.crt",
} as const;

/**
 * `make dev` (scripts/dev.ts over src/operator/dev-stack.ts): the admission process and each controller replica run
 * as separate processes; a controller that exits is restarted with backoff (src/operator/supervisor.ts). Env (the
 * Makefile passes its variables of the same names): REPLICAS (controller replicas; more than one elect a leader),
 * EMULATOR_RPS (the emulator's per-API rate limit), EMULATOR_QUOTAS (JSON, e.g. {"slbPerAccount":5}),
 * EMULATOR_THROTTLE_RATE / EMULATOR_ERROR_RATE (0..1), EMULATOR_LATENCY_MS.
 */
export const DEV_DEFAULTS = {
  replicas: 1,
  maxReplicas: 5,
  /** Ready nodes made by hand (no kubelet) so SLBs get ECS backends. */
  nodes: 2,
  /** Restart backoff of a controller process that exited: doubles per quick failure, capped. */
  restartBackoffBaseMs: 1_000,
  restartBackoffCapMs: 30_000,
  /** A controller that ran this long before exiting restarts after the base backoff again. */
  restartStableAfterMs: 60_000,
} as const;

export const CLOUD_DEFAULTS = {
  endpoint: undefined as string | undefined,
  connectTimeoutMs: 5_000,
  readTimeoutMs: 10_000,
  /** Client-side rate limit of each API (per action, as Alibaba throttles), requests per second, by family. */
  rateLimitPerSecond: { slb: 20, alb: 20, eci: 10, ecs: 20, vpc: 10, cas: 10 },
  maxRetries: 5,
  retryBaseMs: 200,
  retryCapMs: 10_000,
} as const;

/** ALB cloud layer (src/cloud/alibaba/alb.ts): the wait helpers' defaults. */
export const ALB_CLOUD_DEFAULTS = {
  /** waitForLoadBalancerActive / waitForJobs give up after this long (a new ALB takes about a minute). */
  waitTimeoutMs: 180_000,
  /** Between two polls of GetLoadBalancerAttribute (a new ALB takes about a minute). */
  pollIntervalMs: 1_000,
  /**
   * Between two ListAsynJobs polls. One poll answers every job of the provider's waiters (src/cloud/alibaba/
   * alb-jobs.ts), so a short interval costs few calls; listener and server-group jobs take about a second.
   */
  jobPollIntervalMs: 250,
} as const;

/**
 * The API version of each Alibaba Cloud product: the one table the cloud adapter (src/cloud, which
 * re-exports it) and the emulator's routing (src/emulator/core.ts) read.
 */
export const API_VERSIONS = {
  slb: "2014-05-15",
  alb: "2020-06-16",
  eci: "2018-08-08",
  ecs: "2014-05-26",
  vpc: "2016-04-28",
  /** SSL Certificates Service: the certificates ALB listeners reference. */
  cas: "2020-04-07",
} as const;

export const EMULATOR_DEFAULTS = {
  host: "127.0.0.1",
  accessKeyId: "testAk",
  accessKeySecret: "testSecret",
  accountId: "1234567890123456",
  regionId: "cn-hangzhou",
  /** Allowed clock skew and nonce memory (Alibaba: 15 minutes). */
  maxClockSkewMs: 15 * 60_000,
  quotas: {
    slbPerAccount: 60,
    listenersPerSlb: 50,
    backendsPerSlb: 200,
    albPerAccount: 50,
    /** ALB: listeners per instance, forwarding rules per instance, servers per server group, ACLs (unverified). */
    listenersPerAlb: 50,
    rulesPerAlb: 300,
    serversPerServerGroup: 1_000,
    albAclsPerAccount: 50,
    imageCachesPerAccount: 50,
    /** Elastic IPs per account and region (Alibaba's default EIP quota). */
    eipsPerAccount: 20,
  },
  /**
   * The one VPC the emulator models (VPC 2016-04-28, ECS 2014-05-26): every vSwitch belongs to it and
   * ENIs take their addresses from it. Pod IPs outside `cidrBlock` count as "not in the VPC".
   */
  vpc: {
    vpcId: "vpc-bp1emulator000000001",
    vSwitchId: "vsw-bp1emulator000000001",
    cidrBlock: "192.168.0.0/16",
    ipv6CidrBlock: "2408:4005:3cd:ab00::/56",
    /**
     * The VPC's seeded vSwitches, in two zones (plus the default one, whose zone is `-k`), so ALB zone rules
     * can be exercised: DescribeVSwitches lists them by VpcId/ZoneId, ALB zone mappings must name their zone.
     */
    vSwitches: [
      { vSwitchId: "vsw-bp1emulator000000001", zoneId: "k", cidrBlock: "192.168.0.0/20" },
      { vSwitchId: "vsw-bp1emulatorzoneh0001", zoneId: "h", cidrBlock: "192.168.16.0/20" },
      { vSwitchId: "vsw-bp1emulatorzonei0001", zoneId: "i", cidrBlock: "192.168.32.0/20" },
      { vSwitchId: "vsw-bp1emulatorzonej0001", zoneId: "j", cidrBlock: "192.168.48.0/20" },
    ],
  },
  /**
   * SSL certificates (cas 2020-04-07) the emulator starts with, for ALB HTTPS listeners and discovery by domain.
   * Ids are `<certId>-<regionId>` in ALB. The expired one is reported `Expired`.
   */
  casCertificates: [
    { certId: 12_000_001, name: "cafe-example", commonName: "cafe.example.com", sans: ["cafe.example.com"] },
    {
      certId: 12_000_002,
      name: "wildcard-example",
      commonName: "*.example.com",
      sans: ["*.example.com", "example.com"],
    },
    {
      certId: 12_000_003,
      name: "foo-bar",
      commonName: "foo.bar.com",
      sans: ["foo.bar.com", "www.foo.bar.com"],
    },
    {
      certId: 12_000_004,
      name: "expired-example",
      commonName: "old.example.com",
      sans: ["old.example.com"],
      expired: true,
    },
  ],
  /** A region's zones are `<regionId>-<letter>` for these letters (cn-hangzhou-b … cn-hangzhou-k). */
  zoneLetters: "abcdefghijk",
  /**
   * UTC offset of the billing day: a CLB change from pay-by-bandwidth to pay-by-traffic takes effect at the
   * next 00:00 of it (Beijing time, UTC+8).
   */
  billingDayUtcOffsetMs: 8 * 3_600_000,
  /** Request line + headers the emulator accepts (ALB batch calls carry up to 200 servers in the query). */
  maxRequestHeaderBytes: 128 * 1024,
  /** Journal records between snapshot compactions. */
  snapshotEvery: 1_000,
} as const;

export const CONTROL_PLANE_DEFAULTS = {
  kubernetesVersion: "v1.33.13",
  etcdVersion: "v3.5.21",
  helmVersion: "v3.18.6",
  /** Loopback service CIDR: a Service-based webhook can never make the apiserver dial off this machine. */
  serviceClusterIpRange: "127.100.0.0/16",
  startTimeoutMs: 60_000,
} as const;

/**
 * ECI image caches (capabilities/eci-imagecache, docs/eci-imagecache.md). Env: ECI_POLL_INITIAL_MS,
 * ECI_POLL_MAX_MS (the reconciler's polling while the cloud works on a cache).
 */
export const ECI_DEFAULTS = {
  /** Finalizer on every ImageCache the controller has seen: the cloud cache is deleted before it comes off. */
  imageCacheFinalizer: "eci.alibabacloud.com/imagecache",
  /** `spec.imageCacheSize` when absent (GiB); the CRD and the mutating webhook both apply it. */
  imageCacheSizeGiB: 20,
  /** Polling while a cache is Preparing/Creating/Updating: first delay, growth per poll, and cap. */
  pollInitialMs: 2_000,
  pollFactor: 1.5,
  pollMaxMs: 60_000,
  /**
   * One DescribeImageCaches listing of the cluster's caches answers every poll for this long (remote.ts),
   * so polling costs a call per 100 caches, not one per cache.
   */
  listMaxAgeMs: 1_000,
  /** How long a pod admission waits for the webhook's ImageCache store to finish its first list. */
  podStoreWaitMs: 2_000,
} as const;

/**
 * Webhook entries split out of the one entry Pepr generates (capabilities/webhook-policies.ts): requests for
 * these resources get their own entry with this failure policy, timeout and excluded namespaces.
 */
export const WEBHOOK_DEFAULTS = {
  /**
   * An outage of our webhook must never stop pod creation in the cluster: failures are ignored, the timeout is
   * short, and system namespaces (and the operator's own) are never sent to us.
   */
  pods: {
    failurePolicy: "Ignore",
    timeoutSeconds: 3,
    excludedNamespaces: ["kube-system", "kube-public", "kube-node-lease", "pepr-system"],
  },
  /** Services: refused when admission cannot answer; the chart lowers the timeout to admission.timeoutSeconds. */
  services: { failurePolicy: "Fail", timeoutSeconds: 30, excludedNamespaces: [] },
} as const;

/**
 * ALB Ingress, what the user writes (docs/alb-ingress.md): the AlbConfig defaults the mutating webhook fills in,
 * the listener defaults the controller applies, the IngressClass linkage and the Ingress group order.
 */
export const ALB_INGRESS_DEFAULTS = {
  /** IngressClass spec.controller of ALB classes, and the legacy kubernetes.io/ingress.class value. */
  ingressClassController: "ingress.k8s.alibabacloud/alb",
  legacyIngressClass: "alb",
  /** The group of an Ingress that names no IngressClass object (legacy; docs/alb-ingress.md §2). */
  legacyGroupName: "default",
  albConfig: {
    addressAllocatedMode: "Dynamic",
    addressType: "Internet",
    ipv6AddressType: "Intranet",
    addressIpVersion: "IPv4",
    edition: "Standard",
    payType: "PostPay",
  },
  listener: {
    /** Description of a listener without one: prefix + port. */
    descriptionPrefix: "ingress-auto-listener-",
    /** 0 or absent (the code's default, not the docs' 60; docs/alb-ingress.md decision D3). */
    idleTimeoutSeconds: 15,
    requestTimeoutSeconds: 60,
    securityPolicyId: "tls_cipher_policy_1_0",
  },
  /** Ingress order in its group: default and allowed range. */
  order: { default: 10, min: 1, max: 1000 },
  /** Prefix every SLS logstore of ALB access logs must have. */
  logStorePrefix: "alb_",
  /** How long an admission request waits for the webhook's stores to finish their first list. */
  admissionStoreWaitMs: 5_000,
} as const;

/**
 * ALB Ingress controller (capabilities/alb-ingress, docs/alb-ingress.md). The API's batch limits are the
 * cloud layer's ALB_BATCH_LIMITS; waits for a new ALB are ALB_CLOUD_DEFAULTS.
 */
export const ALB_DEFAULTS = {
  /** On the AlbConfig and every member Ingress (upstream IngressFinalizer). */
  finalizer: "ingress.k8s.alibaba/resources",
  /**
   * ALB actions of one plan in flight at once. Higher than CLB's: an ALB action spends most of its time
   * waiting for its asynchronous job (polled in batches, src/cloud/alibaba/alb-jobs.ts), not calling the
   * API, and the client-side rate limiter bounds the calls per API whatever the concurrency. A plan's group
   * creates that share a create started ahead (capabilities/alb-ingress/server-group-creates.ts) only wait:
   * with 16, such waits held every slot of a 40-member plan and its listener and rules started last.
   */
  applyConcurrency: 64,
  /**
   * How long a finished server group create is remembered (capabilities/alb-ingress/server-group-creates.ts):
   * a plan read before it finished asks for it again with the same token and gets the same group, no call.
   */
  createdServerGroupMemoryMs: 60_000,
  /**
   * Ingress and Service changes of a busy AlbConfig within this long start their new server groups' creates
   * together (capabilities/alb-ingress/controller.ts groupChanged): one model build for a burst of members.
   */
  createAheadDelayMs: 100,
  /**
   * A reconcile plans at most this many times: again when its group changed while it wrote finalizers and
   * read the cloud (capabilities/alb-ingress/controller.ts), then it applies what it has.
   */
  planRounds: 10,
} as const;
