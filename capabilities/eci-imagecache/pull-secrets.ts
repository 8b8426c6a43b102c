// Pull secrets to registry credentials (docs/eci-imagecache.md §3): a `kubernetes.io/dockerconfigjson`
// Secret's `auths` become one credential per registry. Pure; a problem names the Secret and what is wrong,
// never a value from it.
import type { EciRegistryCredential } from "../../src/cloud";

export const DOCKER_CONFIG_JSON_TYPE = "kubernetes.io/dockerconfigjson";

export interface SecretLike {
  type?: string;
  data?: Record<string, string>;
}

type Auth = { username?: unknown; password?: unknown; auth?: unknown };

/** Credentials from one Secret, or a problem phrase (no secret material in it). */
export function credentialsFromSecret(
  ref: string,
  secret: SecretLike | undefined,
): EciRegistryCredential[] | string {
  if (!secret) return `pull secret ${ref} not found`;
  if (secret.type !== DOCKER_CONFIG_JSON_TYPE)
    return `pull secret ${ref} has type ${JSON.stringify(secret.type ?? "")}; want ${DOCKER_CONFIG_JSON_TYPE}`;
  const encoded = secret.data?.[".dockerconfigjson"];
  if (!encoded) return `pull secret ${ref} has no .dockerconfigjson`;
  let auths: Record<string, Auth>;
  try {
    const parsed = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as { auths?: unknown };
    if (!parsed.auths || typeof parsed.auths !== "object") return `pull secret ${ref} has no auths`;
    auths = parsed.auths as Record<string, Auth>;
  } catch {
    return `pull secret ${ref}: .dockerconfigjson is not valid JSON`;
  }
  const out: EciRegistryCredential[] = [];
  for (const [server, a] of Object.entries(auths)) {
    let userName = typeof a?.username === "string" ? a.username : "";
    let password = typeof a?.password === "string" ? a.password : "";
    if ((!userName || !password) && typeof a?.auth === "string") {
      const decoded = Buffer.from(a.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        userName = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    }
    if (!userName || !password) return `pull secret ${ref}: registry ${server} has no username and password`;
    out.push({ server: registryHost(server), userName, password });
  }
  if (out.length === 0) return `pull secret ${ref} lists no registry`;
  return out;
}

/** `https://registry.example.com/v1/` -> `registry.example.com` (the form ECI takes). */
export function registryHost(server: string): string {
  return server.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
}
