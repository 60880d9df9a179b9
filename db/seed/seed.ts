import { citationsFromDatabase } from "../../server/render/markdown-citation-lookup";
import { hash } from "@node-rs/argon2";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { renderedDescription } from "../../server/render/description";
import type { Database } from "../client";
import { backfillPaperKeys } from "../../server/services/papers/backfill";
import { authorAliases, paperTechniques, papers, techniqueRelations, techniques, users, type TechniqueRelationKind } from "../schema";
import { authorAliases as seedAuthorAliases } from "./data/author-aliases";
import { papers as seedPapers } from "./data/papers";
import { techniques as seedTechniques } from "./data/techniques";
import type { SeedTechnique } from "./data/types";
import { validateSeedData } from "./data/validate";
import { DEMO_USERS } from "./demo-users";

export interface SeedReport {
  techniquesAdded: number;
  papersAdded: number;
  usersAdded: number;
}

function relationsOf(t: SeedTechnique): Array<{ from: string; to: string; kind: TechniqueRelationKind }> {
  return [
    ...t.parents.map((parent) => ({ from: parent, to: t.slug, kind: "kind_of" as const })),
    ...(t.uses ?? []).map((to) => ({ from: t.slug, to, kind: "uses" as const })),
    ...(t.alternativeTo ?? []).map((to) => ({ from: t.slug, to, kind: "alternative_to" as const })),
    ...(t.evaluates ?? []).map((to) => ({ from: t.slug, to, kind: "evaluates" as const })),
  ];
}

/**
 * Loads the field's techniques and papers and the demo accounts. Idempotent: it only adds what
 * is missing, so community edits made since the last run are never overwritten.
 */
export async function seedDemo(db: Database, options: { demoUsers?: boolean } = {}): Promise<SeedReport> {
  const problems = validateSeedData(seedTechniques, seedPapers);
  if (problems.length) throw new Error(`Seed data is inconsistent:\n${problems.join("\n")}`);

  const report = await insertSeed(db, options);
  await renderPendingDescriptions(db);
  // Cite keys and dedupe keys for the seeded papers (and any row from before the keys existed).
  await backfillPaperKeys(db);
  return report;
}

/**
 * Descriptions are rendered once and stored (see server/render): do it for every row that has
 * neither HTML nor a render error (seeded just now, or from before rendering was stored), outside
 * the seed transaction so the lock is not held while rendering.
 */
async function renderPendingDescriptions(db: Database) {
  const rows = await db
    .select({ id: techniques.id, description: techniques.description })
    .from(techniques)
    .where(and(isNull(techniques.descriptionHtml), isNull(techniques.descriptionRenderError)));
  for (const row of rows) {
    const rendered = await renderedDescription(row.description, citationsFromDatabase(db));
    if (rendered.descriptionHtml === null && rendered.descriptionRenderError === null) continue;
    await db
      .update(techniques)
      .set(rendered)
      .where(and(eq(techniques.id, row.id), eq(techniques.description, row.description), isNull(techniques.descriptionHtml), isNull(techniques.descriptionRenderError)));
  }
}

function insertSeed(db: Database, options: { demoUsers?: boolean }): Promise<SeedReport> {
  return db.transaction(async (tx) => {
    // One seeder at a time (start-up of several processes against one database).
    await tx.execute(sql`select pg_advisory_xact_lock(919191)`);

    const insertedTechniques = await tx
      .insert(techniques)
      .values(
        seedTechniques.map((t) => ({
          slug: t.slug,
          name: t.name,
          summary: t.summary,
          description: t.description,
          aliases: t.aliases,
          approach: t.approach,
          direction: t.direction,
          unit: t.unit,
        })),
      )
      .onConflictDoNothing({ target: techniques.slug })
      .returning({ id: techniques.id });

    const ids = new Map(
      (await tx.select({ id: techniques.id, slug: techniques.slug }).from(techniques).where(inArray(techniques.slug, seedTechniques.map((t) => t.slug)))).map((r) => [r.slug, r.id]),
    );
    const idOf = (slug: string) => {
      const id = ids.get(slug);
      if (id === undefined) throw new Error(`seed: unknown technique ${slug}`);
      return id;
    };
    // Relations only for techniques this run created: later edits to older ones stand.
    const fresh = new Set(insertedTechniques.map((t) => t.id));
    const relations = seedTechniques.flatMap(relationsOf).filter((r) => fresh.has(idOf(r.to)) || fresh.has(idOf(r.from)));
    if (relations.length) {
      await tx
        .insert(techniqueRelations)
        .values(relations.map((r) => ({ fromId: idOf(r.from), toId: idOf(r.to), kind: r.kind })))
        .onConflictDoNothing();
    }

    let papersAdded = 0;
    for (const p of seedPapers) {
      const existing = await tx
        .select({ id: papers.id })
        .from(papers)
        .where(p.arxivId ? eq(papers.arxivId, p.arxivId) : p.doi ? eq(papers.doi, p.doi.toLowerCase()) : eq(papers.title, p.title))
        .limit(1);
      if (existing.length) continue;
      const [row] = await tx
        .insert(papers)
        .values({ title: p.title, authors: p.authors, year: p.year, venue: p.venue, abstract: p.abstract, arxivId: p.arxivId, doi: p.doi?.toLowerCase() ?? null, url: p.url })
        .returning({ id: papers.id });
      if (!row) throw new Error("seed: paper insert returned no row");
      papersAdded++;
      if (p.links.length) {
        await tx
          .insert(paperTechniques)
          .values(p.links.map((l) => ({ paperId: row.id, techniqueId: idOf(l.technique), relation: l.relation, note: l.note ?? null })))
          .onConflictDoNothing();
      }
    }

    // Idempotent through the unique (name, alias) index.
    await tx.insert(authorAliases).values(seedAuthorAliases.map((a) => ({ name: a.name, alias: a.alias }))).onConflictDoNothing();

    let usersAdded = 0;
    if (options.demoUsers ?? true) {
      for (const demo of DEMO_USERS) {
        const [row] = await tx
          .insert(users)
          .values({ email: demo.email, name: demo.name, role: demo.role, passwordHash: await hash(demo.password) })
          .onConflictDoNothing({ target: users.email })
          .returning({ id: users.id });
        if (row) usersAdded++;
      }
    }
    return { techniquesAdded: insertedTechniques.length, papersAdded, usersAdded };
  });
}
