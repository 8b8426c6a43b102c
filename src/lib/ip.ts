// IP address helpers shared by the controllers and the emulator: family, canonical text, CIDR checks.
import { BlockList, isIP } from "node:net";

export type IpFamily = 4 | 6;

/** 4, 6, or undefined for anything that is not a plain IP address. */
export function ipFamily(ip: string): IpFamily | undefined {
  const f = isIP(ip);
  return f === 4 || f === 6 ? f : undefined;
}

/**
 * The canonical text of an address: IPv6 lower-case and compressed (`2408:4005:0:0::1` → `2408:4005::1`),
 * so addresses from EndpointSlices and from the cloud compare equal. IPv4 is returned as given.
 */
export function canonicalIp(ip: string): string {
  if (ipFamily(ip) !== 6) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export interface Cidr {
  address: string;
  prefix: number;
  family: IpFamily;
}

export function parseCidr(cidr: string): Cidr | undefined {
  const slash = cidr.indexOf("/");
  if (slash < 0) return undefined;
  const address = cidr.slice(0, slash);
  const family = ipFamily(address);
  const prefixText = cidr.slice(slash + 1);
  if (!family || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family };
}

/** True when `ip` lies in any of the CIDR blocks (blocks of the other family, or malformed ones, never match). */
export function inAnyCidr(cidrs: readonly string[], ip: string): boolean {
  const family = ipFamily(ip);
  if (!family) return false;
  const list = new BlockList();
  let any = false;
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (!parsed || parsed.family !== family) continue;
    list.addSubnet(parsed.address, parsed.prefix, family === 4 ? "ipv4" : "ipv6");
    any = true;
  }
  return any && list.check(ip, family === 4 ? "ipv4" : "ipv6");
}

export function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
