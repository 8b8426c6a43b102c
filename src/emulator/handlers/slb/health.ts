// SLB emulator: DescribeHealthStatus. Nothing is ever dialed: a running listener reports every backend of its
// vserver group healthy, a stopped one unavailable.
import type { HandlerCtx, HandlerEntry } from "../../core";
import type { Doc } from "../../store";
import { getLb, listenersOf, PROTOS, VSG, type VsgDoc } from "./shared";

function describeHealthStatus(ctx: HandlerCtx): Doc {
  const lb = getLb(ctx);
  const port = ctx.p.int("ListenerPort", { min: 1, max: 65535 });
  const proto = ctx.p.oneOf("ListenerProtocol", PROTOS);
  const rows: Doc[] = [];
  for (const l of listenersOf(ctx.tx, lb.LoadBalancerId)) {
    if ((port !== undefined && l.ListenerPort !== port) || (proto && l.ListenerProtocol !== proto)) continue;
    const g =
      typeof l._attrs.VServerGroupId === "string"
        ? ctx.tx.get<VsgDoc>(VSG, l._attrs.VServerGroupId)
        : undefined;
    for (const b of g?.BackendServers ?? []) {
      rows.push({
        ListenerPort: l.ListenerPort,
        Protocol: l.ListenerProtocol,
        ServerId: b.ServerId,
        ServerIp: b.ServerIp ?? "",
        Port: b.Port,
        // Nothing is ever dialed: a running listener reports its backends healthy.
        ServerHealthStatus: l.Status === "running" ? "normal" : "unavailable",
      });
    }
  }
  return { BackendServers: { BackendServer: rows } };
}

export const healthHandlers: HandlerEntry[] = [["DescribeHealthStatus", false, describeHealthStatus]];
