// Unit tests of certificateDomainMatches (cas.ts): which certificate domains cover an Ingress host.
import test from "node:test";
import assert from "node:assert/strict";
import { certificateDomainMatches } from "./cas";

const CASES: Array<[domain: string, host: string, matches: boolean]> = [
  ["cafe.example.com", "cafe.example.com", true],
  ["Cafe.Example.com", "cafe.example.COM", true],
  ["cafe.example.com", "tea.example.com", false],
  ["*.example.com", "cafe.example.com", true],
  ["*.example.com", "example.com", false],
  ["*.example.com", "a.b.example.com", false],
  ["*.example.com", "cafe.example.org", false],
  ["*.example.com", ".example.com", false],
  ["example.com", "*.example.com", false],
  [" cafe.example.com ", "cafe.example.com", true],
];

for (const [domain, host, matches] of CASES) {
  test(`certificate domain ${JSON.stringify(domain)} ${matches ? "covers" : "does not cover"} ${host}`, () => {
    assert.equal(certificateDomainMatches(domain, host), matches);
  });
}
