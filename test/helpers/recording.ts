// recording<T>(impl): a typed test double that records every method call and fails loudly on any method
// the test did not implement. Use it instead of `as unknown as Provider` casts; it fakes no behaviour itself.

export interface RecordedCall {
  method: string;
  args: unknown[];
}

export type Recording<T> = T & { calls: RecordedCall[] };

/**
 * A Proxy over `impl`: each method call is appended to `calls` (method name and arguments, before it
 * runs) and then forwarded to `impl`. Calling a method that `impl` lacks throws an Error naming it.
 * Non-function properties of `impl` read through unrecorded; `then` and symbols read as undefined unless
 * `impl` has them, so a recording can be awaited, logged and compared.
 */
export function recording<T extends object>(impl: Partial<T>): Recording<T> {
  const calls: RecordedCall[] = [];
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  const handler: ProxyHandler<Partial<T>> = {
    get(target, prop) {
      if (prop === "calls") return calls;
      const value: unknown = Reflect.get(target, prop);
      if (typeof prop === "symbol" || (prop === "then" && value === undefined)) return value;
      if (value !== undefined && typeof value !== "function") return value;
      let method = methods.get(prop);
      if (!method) {
        method = (...args: unknown[]): unknown => {
          calls.push({ method: prop, args });
          const fn: unknown = Reflect.get(target, prop);
          if (typeof fn !== "function")
            throw new Error(`recording: ${prop}() was called, but the test double does not implement it`);
          return Reflect.apply(fn, target, args);
        };
        methods.set(prop, method); // one function per name, so `double.m === double.m` holds
      }
      return method;
    },
  };
  // The one cast of the helper: the Proxy answers every property of T (unimplemented ones by throwing).
  return new Proxy(impl, handler) as Recording<T>;
}
