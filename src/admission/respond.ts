// The thin layer between pure admission rules and Pepr: a rules decision becomes the webhook answer,
// and a hook that throws (a bug, a store not yet ready) still answers, with a reason kubectl can show,
// never a timeout or a crash of the webhook server.
import type { PeprValidateRequest } from "pepr";
import { describeError } from "../lib/errors";

/** What every capability's pure validation returns. */
export interface AdmissionDecision {
  allowed: boolean;
  /** Every problem at once; joined with "; " in the denial. */
  errors: string[];
  /** Shown by kubectl as "Warning: ..." on an allowed request. */
  warnings: string[];
}

type ValidateRequest = PeprValidateRequest<never>;
type ValidateResponse = ReturnType<ValidateRequest["Approve"]>;

export function respond(
  req: Pick<ValidateRequest, "Approve" | "Deny">,
  d: AdmissionDecision,
): ValidateResponse {
  if (d.allowed) return req.Approve(d.warnings.length ? d.warnings : undefined);
  return req.Deny(d.errors.join("; "));
}

/**
 * Runs a validate hook; an unexpected throw denies with its reason (fail closed, readably) instead of
 * leaving Pepr to answer with an opaque error. `what` names the object kind in the message.
 */
export function guardedValidate<R extends Pick<ValidateRequest, "Approve" | "Deny">>(
  what: string,
  hook: (req: R) => Promise<ValidateResponse> | ValidateResponse,
): (req: R) => Promise<ValidateResponse> {
  return async (req) => {
    try {
      return await hook(req);
    } catch (e) {
      return req.Deny(`internal error while validating the ${what}, try again: ${describeError(e)}`);
    }
  };
}
