// The ALB Ingress annotations as callers import them ("./annotations"): the registry and its parse
// function, the typed config and the JSON shapes of custom actions and conditions.
export * from "./types";
export * from "./codecs";
export * from "./registry";
