// The admission baseline: an HTTPS webhook that allows everything, unchanged, in its own process
// (as our operator is). Usage: node --import tsx bench/noop-webhook.ts <port> <cert> <key>
import { readFileSync } from "node:fs";
import https from "node:https";

const [port, cert, key] = process.argv.slice(2);
https
  .createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { request?: { uid?: string } };
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          response: { uid: review.request?.uid ?? "", allowed: true },
        }),
      );
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log("noop webhook ready"));
process.on("SIGINT", () => process.exit(0));
