import { and, eq, inArray } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Database } from "~/db/client";
import { DEMO_EXPERIMENTS, type DemoExperiment, demoDatasetJsonl, demoSpec } from "~/db/seed/data/experiments";
import { CAUSAL_DEMO_EXPERIMENTS, type CausalDemoExperiment, causalDemoSpec } from "~/db/seed/data/experiments/causal";
import { papers as seedPapers } from "~/db/seed/data/papers";
import { techniques as seedTechniques } from "~/db/seed/data/techniques";
import { validateDemoExperiments } from "~/db/seed/data/validate";
import { experiments, experimentVersions, papers, users } from "~/db/schema";
import { DomainError } from "../../errors";
import { createRunQueue } from "../../jobs/experiment-runs";
import type { SessionUser } from "../../trpc/context";
import { uploadDataset } from "../datasets/store";
import { experimentContentSchema } from "./input";
import { publishExperiment } from "./publish";
import { createDraft } from "./save";

/**
 * The demo experiments (db/seed/data/experiments, the causal ones of spec version 2 after the
 * others), owned by the demo member: each data set is
 * uploaded through the store (the same rows are one data set), each experiment is created once
 * (found again by its title and owner) and published, which queues one run per ready model.
 * Publishing again on every start only queues what is missing — e.g. runs on a model that became
 * ready since — so calling this twice changes nothing.
 */

export interface DemoExperimentsReport {
  /** Why nothing was seeded (the owner does not exist), or null. */
  skipped: string | null;
  created: number;
  existing: number;
  runsQueued: number;
  /** Experiments whose runs could not be queued now (e.g. the owner's run quota); they stay published. */
  problems: string[];
}

async function ownerByEmail(db: Database, email: string): Promise<SessionUser | null> {
  const [row] = await db.select({ id: users.id, email: users.email, name: users.name, role: users.role }).from(users).where(eq(users.email, email));
  return row ?? null;
}

/** The experiment of this owner that has (or had, in any version) this title. */
async function findExperiment(db: Database, ownerId: string, title: string): Promise<number | null> {
  const [row] = await db
    .select({ id: experiments.id })
    .from(experiments)
    .innerJoin(experimentVersions, eq(experimentVersions.experimentId, experiments.id))
    .where(and(eq(experiments.ownerId, ownerId), eq(experimentVersions.title, title)))
    .orderBy(experiments.id)
    .limit(1);
  return row?.id ?? null;
}

async function paperIds(db: Database, arxivIds: string[]): Promise<number[]> {
  if (arxivIds.length === 0) return [];
  const rows = await db.select({ id: papers.id, arxivId: papers.arxivId }).from(papers).where(inArray(papers.arxivId, arxivIds));
  const missing = arxivIds.filter((a) => !rows.some((r) => r.arxivId === a));
  if (missing.length > 0) throw new Error(`demo experiments: papers ${missing.join(", ")} are not in the database — run the seed (db/seed/seed.ts) first`);
  return arxivIds.map((a) => rows.find((r) => r.arxivId === a)!.id);
}

/** The spec as published: a version-1 experiment's data set uploaded first (the same rows are one data set). */
async function publishedSpec(db: Database, owner: SessionUser, experiment: DemoExperiment | CausalDemoExperiment): Promise<Record<string, unknown>> {
  if (!("dataset" in experiment)) return causalDemoSpec(experiment);
  const upload = await uploadDataset(db, owner, {
    name: experiment.dataset.name,
    format: "jsonl",
    bytes: new TextEncoder().encode(demoDatasetJsonl(experiment.dataset)),
    previewOnly: false,
  });
  if (!upload.saved) throw new Error("demo experiments: the data set was previewed, not saved");
  return demoSpec(experiment, upload.id);
}

async function createOne(db: Database, owner: SessionUser, experiment: DemoExperiment | CausalDemoExperiment): Promise<number> {
  const content = experimentContentSchema.parse({
    title: experiment.title,
    question: experiment.question,
    techniques: experiment.techniques,
    paperIds: await paperIds(db, experiment.papers),
    spec: await publishedSpec(db, owner, experiment),
    // The causal methods have no per-layer metrics for claims to read.
    claims: "claims" in experiment ? experiment.claims.map((c) => c.claim) : [],
  });
  const draft = await createDraft(db, owner, content);
  return draft.id;
}

/** Every demo experiment with its spec as published (a data set id stands in for the upload's). */
export function demoExperimentSpecs() {
  return [...DEMO_EXPERIMENTS.map((e) => ({ ...e, spec: demoSpec(e, 1) })), ...CAUSAL_DEMO_EXPERIMENTS.map((e) => ({ ...e, spec: causalDemoSpec(e) }))];
}

export async function seedDemoExperiments(db: Database, boss: PgBoss, ownerEmail: string): Promise<DemoExperimentsReport> {
  const invalid = validateDemoExperiments(demoExperimentSpecs(), seedTechniques, seedPapers);
  if (invalid.length > 0) throw new Error(`Demo experiments are inconsistent:\n${invalid.join("\n")}`);
  const owner = await ownerByEmail(db, ownerEmail);
  if (!owner) return { skipped: `there is no account ${ownerEmail} to own them`, created: 0, existing: 0, runsQueued: 0, problems: [] };
  await createRunQueue(boss);
  const report: DemoExperimentsReport = { skipped: null, created: 0, existing: 0, runsQueued: 0, problems: [] };
  for (const experiment of [...DEMO_EXPERIMENTS, ...CAUSAL_DEMO_EXPERIMENTS]) {
    try {
      let id = await findExperiment(db, owner.id, experiment.title);
      if (id === null) {
        id = await createOne(db, owner, experiment);
        report.created++;
      } else {
        report.existing++;
      }
      // A draft left by an interrupted start is published now; a published one gets only missing runs.
      const published = await publishExperiment(db, boss, owner, id);
      report.runsQueued += published.runsQueued;
    } catch (error) {
      // The owner's quotas (a demo account people use) must not stop the platform from starting.
      if (!(error instanceof DomainError)) throw error;
      report.problems.push(`${experiment.title}: ${error.message}`);
    }
  }
  return report;
}
