// ALB emulator: ListAsynJobs, the status of the asynchronous jobs every mutation returns (computed lazily on
// the virtual clock, like every ALB status).
import type { HandlerCtx, HandlerEntry } from "../../core";
import type { Doc } from "../../store";
import { view, wantedOrAny } from "../common";
import { JOB, listPage } from "./shared";

function listAsynJobs(ctx: HandlerCtx): Doc {
  const ids = ctx.p.strList("JobIds");
  const resIds = ctx.p.strList("ResourceIds");
  const type = ctx.p.str("ResourceType");
  const api = ctx.p.str("ApiName");
  const all = ctx.tx
    .all<
      Doc & {
        Id: string;
        ResourceId: string;
        ResourceType: string;
        ApiName: string;
        CreateTime: number;
        _readyAtMs: number;
      }
    >(JOB)
    .filter(
      (j) =>
        wantedOrAny(ids, j.Id) &&
        (resIds.length === 0 || resIds.some((r) => j.ResourceId.split(",").includes(r))) &&
        (!type || j.ResourceType === type) &&
        (!api || j.ApiName === api),
    )
    .sort((a, b) => a.CreateTime - b.CreateTime);
  return listPage(ctx, "Jobs", all, (j) => {
    const done = ctx.nowMs >= j._readyAtMs;
    return {
      ...view(j),
      Status: done ? "Succeeded" : "Processing",
      ModifyTime: done ? j._readyAtMs : j.CreateTime,
      ErrorCode: "",
      ErrorMessage: "",
    };
  });
}

export const jobHandlers: HandlerEntry[] = [["ListAsynJobs", false, listAsynJobs]];
