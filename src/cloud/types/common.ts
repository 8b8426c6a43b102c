// Types every product shares. No product types here (those live in slb.ts, alb.ts, eci.ts, ecs.ts, vpc.ts).

export type Tag = { key: string; value: string };
