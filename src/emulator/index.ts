// Public, stable API of the Alibaba Cloud emulator (SLB 2014-05-15, ALB 2020-06-16, ECI 2018-08-08).
export { startEmulator, handlerTable } from "./server";
export type { EmulatorOptions, RunningEmulator } from "./server";
export type { FaultRule } from "./faults";
export type { Quotas, Transitions } from "./core";
