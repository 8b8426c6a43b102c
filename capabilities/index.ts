// Every capability of the module, in one list (pepr.ts and the local runner both load this).
import { Capability } from "pepr";
import { AlbIngress } from "./alb-ingress";
import { ClbService } from "./clb-service";

export const capabilities: Capability[] = [ClbService, AlbIngress];
