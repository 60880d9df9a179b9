import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { spawnGroup, superviseService, type Service } from "../../scripts/lib/supervisor";

const PROCESSES = path.join(import.meta.dirname, "processes");

/** Gone, or a zombie nobody has reaped yet (the container's init may not reap). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects the JSON lines a process prints. */
function lines(child: ChildProcess): Record<string, number>[] {
  const seen: Record<string, number>[] = [];
  let buffer = "";
  child.stdout?.on("data", (d: Buffer) => {
    buffer += d.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.startsWith("{")) seen.push(JSON.parse(line) as Record<string, number>);
    }
  });
  return seen;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe("supervisor", () => {
  it("restarts a service killed with SIGKILL, and stops it and its grandchildren when told", async () => {
    const runs: Record<string, number>[][] = [];
    let service: Service | null = superviseService(
      {
        name: "child",
        backoff: { initialMs: 100, maxMs: 1_000, resetAfterMs: 60_000 },
        start: async () => {
          const run = spawnGroup(process.execPath, ["--import", "tsx", path.join(PROCESSES, "child-with-grandchild.ts")], { env: process.env, output: "pipe" });
          runs.push(lines(run.child));
          return run;
        },
      },
      () => {},
    );
    cleanup.push(() => service?.stop());
    const first = await until("the first run", () => runs[0]?.[0]);
    process.kill(first.child!, "SIGKILL");
    const second = await until("a restart", () => runs[1]?.[0]);
    expect(service.starts()).toBe(2);
    expect(second.child).not.toBe(first.child);
    expect(isGone(second.child!)).toBe(false);

    // The killed run's grandchild is not left running beside the new run.
    await until("the killed run's grandchild to be stopped", () => isGone(first.grandchild!));

    await service.stop();
    service = null;
    expect(isGone(second.child!)).toBe(true);
    await until("the grandchild to be stopped with its group", () => isGone(second.grandchild!));
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`stops every child and grandchild when the supervisor gets ${signal}`, async () => {
      const parent = spawn(process.execPath, ["--import", "tsx", path.join(PROCESSES, "supervisor-parent.ts")], { stdio: ["ignore", "pipe", "inherit"] });
      cleanup.push(() => {
        if (parent.exitCode === null) parent.kill("SIGKILL");
      });
      const seen = lines(parent);
      const pids = await until("both children", () => {
        const children = seen.filter((l) => l.child);
        return children.length === 2 && children.flatMap((l) => [l.child!, l.grandchild!]);
      });
      const exited = new Promise<number | null>((r) => parent.once("exit", (code) => r(code)));
      parent.kill(signal);
      expect(await exited).toBe(0);
      for (const pid of pids) await until(`pid ${pid} to stop`, () => isGone(pid));
    });
  }

  it("leaves no child behind when the supervisor itself is killed with SIGKILL", async () => {
    const parent = spawn(process.execPath, ["--import", "tsx", path.join(PROCESSES, "supervisor-parent.ts")], { stdio: ["ignore", "pipe", "inherit"] });
    const seen = lines(parent);
    const pids = await until("both children", () => {
      const children = seen.filter((l) => l.child);
      return children.length === 2 && children.flatMap((l) => [l.child!, l.grandchild!]);
    });
    parent.kill("SIGKILL");
    for (const pid of pids) await until(`pid ${pid} to stop`, () => isGone(pid));
  });
});
