import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/trpc/root";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type TaxonomyGraph = RouterOutputs["taxonomy"]["graph"];
export type TaxonomyNode = TaxonomyGraph["nodes"][number];
export type TaxonomyEdge = TaxonomyGraph["edges"][number];
export type TechniqueDetail = RouterOutputs["taxonomy"]["technique"];
export type TechniqueOption = RouterOutputs["taxonomy"]["options"][number];
export type PendingRevision = RouterOutputs["revisions"]["pending"][number];
export type PaperDetail = RouterOutputs["papers"]["byId"];
export type RelationKind = TaxonomyEdge["kind"];
