// Runs a PodRunner (pod-runner.ts) as its own process, so a test's blocking kubectl and helm calls never
// stall the webhook traffic it forwards. Usage: node --import tsx pod-runner-main.ts '<options JSON>'.
// Stops on SIGTERM (every pod it runs gets SIGTERM first).
import { PodRunner, type PodRunnerOptions } from "./pod-runner";

const runner = new PodRunner(JSON.parse(process.argv[2] ?? "{}") as PodRunnerOptions);
runner.start();
process.once("SIGTERM", () => {
  void runner.stop().finally(() => process.exit(0));
});
