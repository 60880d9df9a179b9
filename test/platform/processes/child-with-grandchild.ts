/**
 * A stand-in for a supervised service: starts a grandchild (as serve.ts starts web processes),
 * reports both pids, and exits with its grandchild when its supervisor is gone or on SIGTERM.
 */
import { spawn } from "node:child_process";
import { onSupervisorGone } from "../../../scripts/lib/supervisor";

const grandchild = spawn("sleep", ["1000"], { stdio: "ignore" });
const stop = () => {
  grandchild.kill("SIGKILL");
  process.exit(0);
};
onSupervisorGone(stop);
process.on("SIGTERM", stop);
process.stdout.write(`${JSON.stringify({ child: process.pid, grandchild: grandchild.pid })}\n`);
setInterval(() => {}, 1_000);
