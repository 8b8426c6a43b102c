// ALB 2020-06-16: the product's handler table, one section file per resource. Every mutation is asynchronous
// in the real API (it returns a JobId; Provisioning→Active/Running, Adding→Available, Processing→Succeeded).
// Here statuses are computed lazily from stored timestamps on the virtual clock (no timers: restarts are exact).
import { type Handler, productHandlers } from "../../core";
import { jobHandlers } from "./jobs";
import { listenerHandlers } from "./listeners";
import { loadBalancerHandlers } from "./load-balancers";
import { ruleHandlers } from "./rules";
import { serverGroupHandlers } from "./server-groups";

export const albHandlers: Handler[] = productHandlers("alb", [
  ...loadBalancerHandlers,
  ...listenerHandlers,
  ...serverGroupHandlers,
  ...ruleHandlers,
  ...jobHandlers,
]);
