/**
 * Process supervision for `npm start`: services (web server, worker, embedded PostgreSQL) are
 * restarted with backoff when they die, stopped in reverse order on shutdown, and children never
 * outlive the supervisor (own process groups, killed as groups; a stdin lifeline tells them when
 * the supervisor is gone, even after SIGKILL).
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { readFileSync } from "node:fs";

/** One run of a service: resolves `exited` with a description when it ends, for whatever reason. */
export interface Running {
  exited: Promise<string>;
  stop: () => Promise<void>;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A run that lasted this long resets the delay to `initialMs`. */
  resetAfterMs: number;
}
export const DEFAULT_BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

export interface ServiceOptions {
  name: string;
  start: () => Promise<Running>;
  /** The first run, when the caller started it already (e.g. the database, needed before anything else). */
  initial?: Running;
  backoff?: Backoff;
  /** Called after each (re)start, e.g. to log or to count. */
  onStart?: (run: number) => void;
}

export interface Service {
  name: string;
  /** How many times the service has been started (the first start included). */
  starts: () => number;
  /** No more restarts (the platform is stopping; a Ctrl-C may already have reached the child). */
  hold: () => void;
  stop: () => Promise<void>;
}

export type Log = (line: string) => void;

/** Runs a service until stopped, restarting it after each exit with exponential backoff. */
export function superviseService(options: ServiceOptions, log: Log = (line) => console.error(line)): Service {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  let stopping = false;
  let current: Running | null = null;
  let starts = 0;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = async () => {
    let delay = backoff.initialMs;
    let initial = options.initial;
    while (!stopping) {
      const startedAt = Date.now();
      let outcome: string;
      try {
        current = initial ?? (await options.start());
        initial = undefined;
        starts++;
        options.onStart?.(starts);
        if (stopping) {
          await current.stop();
          return;
        }
        outcome = await current.exited;
        // What the run left behind (e.g. a grandchild of a SIGKILLed process) must not outlive it.
        await current.stop().catch(() => {});
      } catch (error) {
        outcome = `failed to start: ${error instanceof Error ? error.message : String(error)}`;
      }
      current = null;
      if (stopping) return;
      if (Date.now() - startedAt >= backoff.resetAfterMs) delay = backoff.initialMs;
      log(`${options.name} ${outcome}; restarting in ${Math.round(delay / 100) / 10} s`);
      await pause(delay);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  };
  const done = loop();
  return {
    name: options.name,
    starts: () => starts,
    hold: () => {
      stopping = true;
      wake?.();
    },
    stop: async () => {
      stopping = true;
      wake?.();
      await current?.stop();
      await done;
    },
  };
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed (${signal})` : `exited (${code})`;
}

/** The environment variable that tells a child its stdin is a lifeline to its supervisor. */
export const LIFELINE_ENV = "MECHMAP_LIFELINE";

/**
 * Spawns a command in its own process group (so a terminal's Ctrl-C reaches the supervisor alone,
 * which stops everything in order) with stdin as a lifeline; stop() signals the whole group.
 */
export function spawnGroup(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; output?: "inherit" | "pipe"; stopTimeoutMs?: number }): Running & { child: ChildProcess } {
  const stdio: StdioOptions = ["pipe", options.output ?? "inherit", options.output ?? "inherit"];
  const child = spawn(command, args, { cwd: options.cwd, env: { ...options.env, [LIFELINE_ENV]: "stdin" }, stdio, detached: true });
  // The child never reads from us; only the pipe's end matters to it.
  child.stdin?.on("error", () => {});
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(describeExit(code, signal)));
    child.once("error", (error) => resolve(`could not start: ${error.message}`));
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    child,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup("SIGTERM");
        const timeout = new Promise((r) => setTimeout(r, options.stopTimeoutMs ?? 15_000).unref());
        await Promise.race([exited, timeout]);
      }
      // Whatever is left in the group (grandchildren that ignored SIGTERM, or outlived their parent).
      signalGroup("SIGKILL");
      await exited;
    },
  };
}

/**
 * For a child started by spawnGroup: calls `onGone` when the supervisor's end of stdin closes
 * (the supervisor exited, however it died). A no-op for processes started any other way.
 */
export function onSupervisorGone(onGone: () => void): void {
  if (process.env[LIFELINE_ENV] !== "stdin") return;
  process.stdin.on("data", () => {});
  process.stdin.once("end", onGone);
  process.stdin.once("error", onGone);
  process.stdin.resume();
}

function parentOf(pid: number): number | null {
  try {
    // "pid (comm) state ppid …"; comm may hold spaces or parentheses, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/**
 * Under `npm start`, npm forwards signals to its direct child only (a shell, which does not pass
 * them on), so when npm is killed the platform would be orphaned. This watches the launching npm
 * process (found through /proc, Linux) and calls `onGone` once it has exited.
 */
export function onLauncherGone(onGone: () => void, intervalMs = 1_000): void {
  if (!process.env.npm_lifecycle_event) return;
  let pid: number | null = process.ppid;
  for (let depth = 0; pid && pid > 1 && depth < 6; depth++) {
    if (/(^|\/)npm( |$)|npm-cli\.js/.test(commandLine(pid))) break;
    pid = parentOf(pid);
  }
  if (!pid || pid <= 1 || !/(^|\/)npm( |$)|npm-cli\.js/.test(commandLine(pid))) return;
  const launcher = pid;
  const timer = setInterval(() => {
    try {
      process.kill(launcher, 0);
    } catch {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
}

/**
 * Stops every service (last started first) on SIGINT, SIGTERM or SIGHUP, then exits; a second
 * signal exits at once. Returns `shutdown` for other reasons to stop (e.g. a fatal start error).
 */
export function stopOnSignals(services: () => Service[], options: { beforeExit?: () => Promise<void>; log?: Log } = {}): (code: number) => Promise<void> {
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    for (const service of services()) service.hold();
    for (const service of [...services()].reverse()) {
      await service.stop().catch((error: unknown) => options.log?.(`stopping ${service.name}: ${String(error)}`));
    }
    await options.beforeExit?.();
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (shuttingDown) process.exit(130);
      options.log?.(`${signal}: stopping the platform…`);
      void shutdown(0);
    });
  }
  return shutdown;
}
