/** A small `npm start`: two supervised children, stopped on signals, reporting every start on stdout. */
import path from "node:path";
import { spawnGroup, stopOnSignals, superviseService, type Service } from "../../../scripts/lib/supervisor";

const child = path.join(import.meta.dirname, "child-with-grandchild.ts");
const services: Service[] = [];
for (const name of ["one", "two"]) {
  services.push(
    superviseService({
      name,
      backoff: { initialMs: 100, maxMs: 1_000, resetAfterMs: 60_000 },
      start: async () => {
        const run = spawnGroup(process.execPath, ["--import", "tsx", child], { env: process.env, output: "pipe" });
        run.child.stdout?.on("data", (d: Buffer) => process.stdout.write(d));
        return run;
      },
    }),
  );
}
stopOnSignals(() => services);
process.stdout.write(`${JSON.stringify({ parent: process.pid })}\n`);
