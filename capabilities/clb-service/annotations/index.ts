// The CLB annotations as callers import them ("./annotations"): the registry and its parse functions, the
// CLB codecs and vocabulary, the Service helpers, and the generic codec helpers the admission rules use.
export * from "./types";
export * from "./codecs";
export * from "./registry";
export * from "./service";
export {
  MAX_VALUE_CHARS,
  formatAnnotationMessage,
  isRfc1123Hostname,
  quoteValue,
  type Codec,
} from "../../../src/annotations/codec";
export type { AnnotationLookup, Mutability, VendorAlias } from "../../../src/annotations/registry";
