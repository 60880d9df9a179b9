/**
 * Writes a run's live progress to its row at most every `intervalMs`, and reads back in the same
 * statement whether someone asked to cancel it (one cheap query, no extra polling). Logs one line
 * per stage to the worker log.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "~/db/client";
import { runs } from "~/db/schema";
import type { ProbeProgress } from "../../probes/progress";

export interface ProgressWriterOptions {
  intervalMs: number;
  log: (line: string) => void;
  /** Called once when the row says cancel_requested. */
  onCancelRequested: () => void;
  /** Test seam: runs after each progress row is written. */
  afterWrite?: (p: ProbeProgress) => Promise<void>;
}

export class ProgressWriter {
  private lastWrite = 0;
  private lastMessage = "";
  private cancelSeen = false;

  constructor(
    private readonly db: Database,
    private readonly runId: number,
    private readonly options: ProgressWriterOptions,
  ) {}

  /** The stage before the engine starts (loading the model). */
  async stage(stage: string): Promise<void> {
    this.options.log(`run ${this.runId}: ${stage}`);
    await this.write({ stage, message: stage, percent: 0, examplesDone: 0, examplesTotal: 0, layer: null });
  }

  async report(p: ProbeProgress): Promise<void> {
    if (p.message !== this.lastMessage) {
      this.lastMessage = p.message;
      this.options.log(`run ${this.runId}: ${p.message} (${Math.floor(p.percent)}%)`);
    }
    if (Date.now() - this.lastWrite < this.options.intervalMs) return;
    await this.write(p);
  }

  private async write(p: ProbeProgress): Promise<void> {
    this.lastWrite = Date.now();
    const [row] = await this.db
      .update(runs)
      .set({ stage: p.stage, percent: p.percent, examplesDone: p.examplesDone, examplesTotal: p.examplesTotal, currentLayer: p.layer })
      .where(and(eq(runs.id, this.runId), eq(runs.status, "running")))
      .returning({ cancelRequested: runs.cancelRequested });
    // No running row: cancelled, deleted, or finished by another delivery of the job — stop either way.
    if ((!row || row.cancelRequested) && !this.cancelSeen) {
      this.cancelSeen = true;
      this.options.onCancelRequested();
    }
    await this.options.afterWrite?.(p);
  }
}
