// SLB (CLB) 2014-05-15: the product's handler table, one section file per resource. Response shapes follow
// the Go Tea models: older actions wrap lists the XML way (`LoadBalancers.LoadBalancer[]`),
// DescribeLoadBalancerListeners returns a plain array.
import { type Handler, productHandlers } from "../../core";
import { aclHandlers } from "./acls";
import { certificateHandlers } from "./certificates";
import { domainExtensionHandlers } from "./domain-extensions";
import { healthHandlers } from "./health";
import { listenerHandlers } from "./listeners";
import { loadBalancerHandlers } from "./load-balancers";
import { tagHandlers } from "./tags";
import { vServerGroupHandlers } from "./vserver-groups";

export const slbHandlers: Handler[] = productHandlers("slb", [
  ...loadBalancerHandlers,
  ...tagHandlers,
  ...listenerHandlers,
  ...vServerGroupHandlers,
  ...certificateHandlers,
  ...domainExtensionHandlers,
  ...healthHandlers,
  ...aclHandlers,
]);
