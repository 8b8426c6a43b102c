// ALB 2020-06-16: the product's handler table, one section file per resource. Every mutation is asynchronous
// in the real API (it returns a JobId; Provisioning→Active/Running, Adding→Available, Processing→Succeeded).
// Here statuses are computed lazily from stored timestamps on the virtual clock (no timers: restarts are exact).
import { type Handler, productHandlers } from "../../core";
import { aclHandlers } from "./acls";
import { jobHandlers } from "./jobs";
import { listenerHandlers } from "./listeners";
import { albParamSpec } from "./params";
import { loadBalancerHandlers } from "./load-balancers";
import { ruleHandlers } from "./rules";
import { serverGroupHandlers } from "./server-groups";
import { tagHandlers } from "./tags";

const rows = productHandlers("alb", [
  ...loadBalancerHandlers,
  ...listenerHandlers,
  ...serverGroupHandlers,
  ...ruleHandlers,
  ...jobHandlers,
  ...tagHandlers,
  ...aclHandlers,
]);

/** Each row takes the parameter names the SDK metadata declares (params.ts); others are ignored. */
export const albHandlers: Handler[] = rows.map((h) => ({ ...h, params: albParamSpec(h.action) }));
