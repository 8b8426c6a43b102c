// Throwaway PKI for the local control plane and the local webhook server, made with Debian's openssl
// (no Go, no network). Every file lands in one folder; nothing here is secret beyond this machine.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

export interface CertPaths {
  certPath: string;
  keyPath: string;
}

/** A self-signed CA; reused when it already exists in `dir`. */
export function ensureCa(dir: string, name: string): CertPaths {
  mkdirSync(dir, { recursive: true });
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    openssl(
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "3650",
        "-subj",
        `/CN=${name}`,
        "-keyout",
        keyPath,
        "-out",
        certPath,
      ],
      dir,
    );
  }
  return { certPath, keyPath };
}

/** A serving certificate signed by `ca`, with the given DNS and IP SANs; reused when present. */
export function ensureServingCert(
  dir: string,
  name: string,
  ca: CertPaths,
  sans: { dns: string[]; ips: string[] },
): CertPaths {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) return { certPath, keyPath };
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  const altNames = [...sans.dns.map((d) => `DNS:${d}`), ...sans.ips.map((ip) => `IP:${ip}`)].join(",");
  writeFileSync(extPath, `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${name}`, "-keyout", keyPath, "-out", csrPath],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      csrPath,
      "-CA",
      ca.certPath,
      "-CAkey",
      ca.keyPath,
      "-CAcreateserial",
      "-days",
      "3650",
      "-extfile",
      extPath,
      "-out",
      certPath,
    ],
    dir,
  );
  return { certPath, keyPath };
}

/** An RSA key for signing ServiceAccount tokens. */
export function ensureRsaKey(dir: string, name: string): string {
  const keyPath = join(dir, `${name}.key`);
  if (!existsSync(keyPath)) openssl(["genrsa", "-out", keyPath, "2048"], dir);
  return keyPath;
}
