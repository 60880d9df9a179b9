import type { Database } from "../../db/client";
import { techniqueRelations, techniques } from "../../db/schema";

/**
 * A five-node hierarchy for tests that must not depend on the seed's content:
 *   probing → linear-probing → control-tasks;  steering → caa;  caa uses linear-probing
 */
export async function insertSmallTaxonomy(db: Database) {
  const rows = await db
    .insert(techniques)
    .values([
      { slug: "probing", name: "Probing", summary: "Decode properties from activations with simple classifiers" },
      { slug: "linear-probing", name: "Linear probing", summary: "Train a linear classifier on frozen activations", aliases: ["linear probe"] },
      { slug: "control-tasks", name: "Control tasks", summary: "Compare probe accuracy against random-label baselines for selectivity" },
      { slug: "steering", name: "Activation steering", summary: "Add vectors to the residual stream to change behaviour" },
      { slug: "caa", name: "Contrastive Activation Addition", summary: "Steering with mean differences of contrastive prompt pairs" },
    ])
    .returning({ id: techniques.id, slug: techniques.slug });
  const id = Object.fromEntries(rows.map((r) => [r.slug, r.id])) as Record<string, number>;
  await db.insert(techniqueRelations).values([
    { fromId: id.probing!, toId: id["linear-probing"]!, kind: "kind_of" },
    { fromId: id["linear-probing"]!, toId: id["control-tasks"]!, kind: "kind_of" },
    { fromId: id.steering!, toId: id.caa!, kind: "kind_of" },
    { fromId: id.caa!, toId: id["linear-probing"]!, kind: "uses" },
  ]);
  return id;
}
