// Keeps credential values out of every message the cloud layer produces. The adapter registers each
// secret it learns (static keys, files, values the RAM-role chain returns, registry passwords) and
// runs every outgoing error message through `redact` before it can reach a log or an Event.

const MIN_SECRET_LENGTH = 4; // shorter strings would mangle ordinary words
export const REDACTED = "<redacted>";

export class Redactor {
  private readonly secrets = new Set<string>();

  add(...values: Array<string | undefined | null>): void {
    for (const v of values) {
      if (typeof v === "string" && v.length >= MIN_SECRET_LENGTH) this.secrets.add(v);
    }
  }

  redact(text: string, extra: ReadonlyArray<string> = []): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    const all = [...this.secrets, ...extra.filter((s) => s.length >= MIN_SECRET_LENGTH)].sort(
      (a, b) => b.length - a.length,
    );
    for (const s of all) out = out.split(s).join(REDACTED);
    return out;
  }
}
