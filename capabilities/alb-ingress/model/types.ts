// Types of the ALB desired model: what the cloud should look like for one AlbConfig and its member
// Ingresses (built by the other files of this folder, diffed by ../plan). Types only; no logic.
// § numbers refer to docs/alb-ingress.md. Where a field is the same fact the cloud layer states (an enum of
// the API, a zone mapping, a rule condition or action), its type is the cloud layer's (src/cloud/types/alb.ts).
import type {
  AlbAddressType,
  AlbBackendProtocol,
  AlbEdition,
  AlbHealthCheckConfig,
  AlbListenerCertificate,
  AlbListenerProtocol,
  AlbLoadBalancer,
  AlbRuleAction,
  AlbRuleCondition,
  AlbScheduler,
  AlbServer,
  AlbServerGroupAttributes,
  AlbServerGroupTuple,
  AlbServerType,
  AlbStickySessionConfig,
  AlbZoneMapping,
  Tag,
} from "../../../src/cloud";

export type { AlbAddressType, AlbEdition, AlbListenerProtocol, AlbScheduler };

export interface AlbConfigRef {
  name: string;
  uid: string;
  /**
   * The create intent (CREATE_INTENT_ANNOTATION in ../tracking.ts): part of every create token, so a new
   * intent never replays an old create. Undefined until the reconciler writes it.
   */
  createIntent?: string;
}

export type AlbServerGroupProtocol = AlbBackendProtocol;

export type DesiredZoneMapping = AlbZoneMapping;

export interface DesiredLoadBalancer {
  /** "create": the controller creates and owns the ALB. "reuse": `spec.config.id` names an existing ALB. */
  mode: "create" | "reuse";
  reuseId?: string;
  /** Reuse: the ALB's attributes (name, edition, tags) may be changed (`forceOverride`). */
  forceOverride: boolean;
  /** Reuse: a listener already on the ALB at a port we want may be taken over (`listenerForceOverride`). */
  listenerForceOverride: boolean;
  /** Create mode: the ALB name; reuse mode: only from `spec.config.name` ("" = left as the ALB has it). */
  name: string;
  vpcId: string;
  addressType: AlbAddressType;
  addressAllocatedMode: AlbLoadBalancer["addressAllocatedMode"];
  addressIpVersion: AlbLoadBalancer["addressIpVersion"];
  edition: AlbEdition;
  payType: "PostPay";
  resourceGroupId?: string;
  /** Create mode: at least two, in different zones (zone filled in from the VPC's vSwitches). */
  zoneMappings: DesiredZoneMapping[];
  /** Always true on an ALB we create (§5.1); turned off only right before we delete our own ALB. */
  deletionProtectionEnabled: boolean;
  /** `spec.config.tags`: added to the ALB; never removed by a later reconcile (we keep no record of them). */
  userTags: Tag[];
}

export type DesiredCertificate = Pick<AlbListenerCertificate, "certificateId" | "isDefault">;

/** A rule condition as the cloud layer takes it. */
export type RuleCondition = AlbRuleCondition;

/**
 * One server group in a forward (or mirror) action. `G` says how the group is named: by its desired
 * key in the model, by an id or Ref in a plan, by its id in the remote model.
 */
export type ServerGroupTuple<G> = Omit<AlbServerGroupTuple, "serverGroupId"> & { serverGroupId: G };

/** A rule action as the cloud layer takes it (AlbRuleAction), with server groups named by `G`. */
export type RuleAction<G> = Omit<AlbRuleAction, "forwardGroup" | "trafficMirror"> & {
  forwardGroup?: WithTuples<NonNullable<AlbRuleAction["forwardGroup"]>, G>;
  trafficMirror?: WithTuples<NonNullable<AlbRuleAction["trafficMirror"]>, G>;
};

type WithTuples<T, G> = Omit<T, "serverGroupTuples"> & { serverGroupTuples: ServerGroupTuple<G>[] };

export interface DesiredRule {
  /** `rule-<port>-<priority>` (§5.2). */
  name: string;
  /** 1…N in member order (§5.2); unique within the listener. */
  priority: number;
  direction: "Request" | "Response";
  conditions: RuleCondition[];
  /** Server groups named by their DesiredServerGroup key. */
  actions: RuleAction<string>[];
  /** "<namespace>/<name>" of the Ingress this rule comes from (for messages). */
  ingress: string;
}

export interface DesiredListener {
  port: number;
  protocol: AlbListenerProtocol;
  description: string;
  idleTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  gzipEnabled: boolean;
  /** HTTPS only. */
  http2Enabled?: boolean;
  /** HTTPS only. */
  securityPolicyId?: string;
  /** HTTPS/QUIC: exactly one isDefault (the listener's certificate); the others are additional. */
  certificates: DesiredCertificate[];
  /** Key of the (empty) server group the listener's default action forwards to (§5.1). */
  defaultServerGroup: string;
  rules: DesiredRule[];
}

/** A node's ECS instance or a pod's ENI (serverIp: the pod IP); port and weight as the cloud layer states them. */
export interface DesiredServer extends Pick<AlbServer, "serverId" | "serverIp" | "port" | "weight"> {
  serverType: Extract<AlbServerType, "Ecs" | "Eni">;
}

/** As the cloud layer takes it (AlbHealthCheckConfig); unset fields are the API's defaults. */
export type HealthCheckConfig = AlbHealthCheckConfig;
export type StickySessionConfig = AlbStickySessionConfig;

/** What identifies a server group's owner; written as tags (../tracking.ts serverGroupTags). */
export interface ServerGroupOwner {
  /** Empty for a listener's default group. */
  serviceNamespace: string;
  ingressName: string;
  serviceName: string;
  servicePort: string;
}

export interface DesiredServerGroup {
  /** Stable key: `<ns>/<ingress>/<service>/<port>`, or `listener/<port>` for a listener's default group. */
  key: string;
  /** The empty group a listener's default action forwards to (unmatched requests get 503). */
  listenerDefault?: boolean;
  /** Cloud name: derived from key and the immutable attributes (../tracking.ts serverGroupName). */
  name: string;
  owner: ServerGroupOwner;
  protocol: AlbServerGroupProtocol;
  scheduler: AlbScheduler;
  /** `backend-scheduler-uch-value` with scheduler Uch. */
  uchConfig?: AlbServerGroupAttributes["uchConfig"];
  healthCheck: HealthCheckConfig;
  stickySession: StickySessionConfig;
  upstreamKeepaliveEnabled: boolean;
  servers: DesiredServer[];
  /** Endpoint/ENI problems found while building the servers (the group is only added to while set). */
  invalidServerIps?: string[];
}

export interface DesiredModel {
  albConfig: AlbConfigRef;
  clusterId: string;
  /** Cleanup instead of ensure (the AlbConfig is being deleted). */
  deleting: boolean;
  /**
   * `status.loadBalancer.id` of the AlbConfig: the ALB we reported before. In create mode, not finding it
   * is an error, never a silent re-create.
   */
  reportedLoadBalancerId?: string;
  loadBalancer: DesiredLoadBalancer;
  listeners: DesiredListener[];
  serverGroups: DesiredServerGroup[];
  /** Member Ingresses ("<ns>/<name>") in rule order: the ones that get the ALB's hostname. */
  ingresses: string[];
}

export interface ModelError {
  /** "AlbConfig", "<ns>/<ingress>", an annotation key or a field path. */
  field: string;
  message: string;
  /** The member Ingress the error is about, if any ("<ns>/<name>"). */
  ingress?: string;
}
