// Builds the @alicloud/credentials client for the configured source. Every credential value that
// passes through here is registered with the redactor, so it can never leak into an error message,
// even when it came from a RAM role and we never saw it in the config.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Credential, { DefaultCredentialsProvider, type CredentialsProvider } from "@alicloud/credentials";
import type { CredentialSource } from "../config";
import { CloudError } from "../errors";
import type { Redactor } from "../redact";

type Credentials = Awaited<ReturnType<CredentialsProvider["getCredentials"]>>;

/** Re-reads the mounted Secret at most every `refreshMs`, so a rotated key is picked up without a restart. */
class DirectoryCredentialsProvider implements CredentialsProvider {
  private cached?: { creds: Credentials; readAtMs: number };

  constructor(
    private readonly dir: string,
    private readonly refreshMs = 30_000,
  ) {}

  getProviderName(): string {
    return "static_ak";
  }

  async getCredentials(): Promise<Credentials> {
    const nowMs = Date.now();
    if (this.cached && nowMs - this.cached.readAtMs < this.refreshMs) return this.cached.creds;
    const read = async (name: string, optional = false): Promise<string> => {
      try {
        return (await readFile(join(this.dir, name), "utf8")).trim();
      } catch (e) {
        if (optional) return "";
        // The path is not secret; the content is never included.
        throw new Error(
          `cannot read credential file ${name} in ALIBABA_CLOUD_CREDENTIALS_DIR (${(e as NodeJS.ErrnoException).code ?? "error"})`,
        );
      }
    };
    const accessKeyId = await read("access-key-id");
    const accessKeySecret = await read("access-key-secret");
    const securityToken = await read("security-token", true);
    if (!accessKeyId || !accessKeySecret) {
      throw new Error(
        "credential files access-key-id / access-key-secret in ALIBABA_CLOUD_CREDENTIALS_DIR are empty",
      );
    }
    const creds: Credentials = {
      accessKeyId,
      accessKeySecret,
      securityToken,
      providerName: this.getProviderName(),
    };
    this.cached = { creds, readAtMs: nowMs };
    return creds;
  }
}

class StaticProvider implements CredentialsProvider {
  constructor(private readonly creds: Credentials) {}
  getProviderName(): string {
    return this.creds.providerName;
  }
  async getCredentials(): Promise<Credentials> {
    return this.creds;
  }
}

/** Registers whatever the inner provider returns with the redactor. */
class RedactingProvider implements CredentialsProvider {
  constructor(
    private readonly inner: CredentialsProvider,
    private readonly redactor: Redactor,
  ) {}
  getProviderName(): string {
    return this.inner.getProviderName();
  }
  async getCredentials(): Promise<Credentials> {
    let c: Credentials;
    try {
      c = await this.inner.getCredentials();
    } catch (e) {
      // No usable credentials (empty chain, unreadable Secret, metadata service down): an Auth
      // problem for the operator's purposes, whatever the provider threw.
      throw new CloudError({
        kind: "Auth",
        code: "CredentialsUnavailable",
        message: this.redactor.redact(
          `no usable credentials from ${this.inner.getProviderName()}: ${(e as Error).message ?? String(e)}`,
        ),
      });
    }
    this.redactor.add(c.accessKeyId, c.accessKeySecret, c.securityToken);
    return c;
  }
}

export function buildCredential(source: CredentialSource, redactor: Redactor): Credential {
  let inner: CredentialsProvider;
  switch (source.source) {
    case "static":
      redactor.add(source.accessKeyId, source.accessKeySecret, source.securityToken);
      inner = new StaticProvider({
        accessKeyId: source.accessKeyId,
        accessKeySecret: source.accessKeySecret,
        securityToken: source.securityToken ?? "",
        providerName: source.securityToken ? "static_sts" : "static_ak",
      });
      break;
    case "dir":
      inner = new DirectoryCredentialsProvider(source.dir);
      break;
    case "default-chain":
      inner = DefaultCredentialsProvider.builder().build();
      break;
  }
  return new Credential(null, new RedactingProvider(inner, redactor));
}
