// SLB (CLB) 2014-05-15: the product's handler table, one section file per resource. Response shapes follow
// the Go Tea models: older actions wrap lists the XML way (`LoadBalancers.LoadBalancer[]`),
// DescribeLoadBalancerListeners returns a plain array. Each row carries the parameter names real SDKs send
// (params.ts); other parameters are ignored, as the real gateway does.
import { type Handler, productHandlers } from "../../core";
import { aclHandlers } from "./acls";
import { certificateHandlers } from "./certificates";
import { domainExtensionHandlers } from "./domain-extensions";
import { healthHandlers } from "./health";
import { listenerHandlers } from "./listeners";
import { loadBalancerHandlers } from "./load-balancers";
import { slbParamSpec } from "./params";
import { tagHandlers } from "./tags";
import { vServerGroupHandlers } from "./vserver-groups";

const rows = productHandlers("slb", [
  ...loadBalancerHandlers,
  ...tagHandlers,
  ...listenerHandlers,
  ...vServerGroupHandlers,
  ...certificateHandlers,
  ...domainExtensionHandlers,
  ...healthHandlers,
  ...aclHandlers,
]);

export const slbHandlers: Handler[] = rows.map((h) => ({ ...h, params: slbParamSpec(h.action) }));
