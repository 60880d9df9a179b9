import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "~/db/client";
import { RUN_STATUSES, RUN_VERDICTS } from "~/db/schema/experiments";
import { chooseColumns, hostedModels, type ModelColumn } from "./columns";
import { COMPARE_PAGE_SIZE, type CellVerdict, type CompareQuery, type CompareSort } from "./url-state";

/**
 * The experiments × models matrix. Rows are published experiments (their latest version, which is
 * the published one); columns are hosted models (./columns.ts); a cell is what the version's runs
 * on that model say:
 *   - `run`: the latest attempt (its status, progress), whatever its state;
 *   - `result`: the latest attempt that finished (`done`), with the claim verdict and the headline
 *     metric its worker stored in the run's summary columns. A rerun that is queued, running or
 *     failed does not hide the last result; the cell says both.
 *   - `verdict`: the result's verdict ("unchecked" when it has none), or "not_run" without a result.
 *
 * Filters: technique (the technique and every technique below it by "kind of", so "probing" finds
 * linear-probing experiments too), models (the columns), verdict (rows where ANY shown model's cell
 * has it), title words. Sorts: newest version first, title, reproduction rate (the share of the
 * shown models whose cell is "reproduced"; the same denominator on every row, so it orders by that
 * count), or one model's headline value (largest first, rows without a value last).
 *
 * Two SQL statements per page, independent of the page size: the columns, then one statement that
 * returns the page's rows with their cells (as JSON) and the counts. Only the runs' summary columns
 * are read, never their metrics; the latest run of a version on a model is the one queued last
 * (highest id: a rerun, or the run of a newer engine, whose attempt restarts at 0), picked by
 * DISTINCT ON within runs_version_model_idx (version_id, model_id, …).
 */

export interface CompareCell {
  modelId: number;
  verdict: CellVerdict;
  /** The latest attempt, or null when this version never ran on the model. */
  run: { id: number; attempt: number; status: (typeof RUN_STATUSES)[number]; percent: number } | null;
  /** The latest finished attempt (may be `run` itself, or an earlier attempt while a rerun is pending). */
  result: {
    runId: number;
    attempt: number;
    verdict: (typeof RUN_VERDICTS)[number] | null;
    headline: { metric: string; value: number; layer: number | null } | null;
    finishedAt: Date | null;
  } | null;
}

export interface CompareRow {
  /** 1-based rank of the row among all matching rows. */
  position: number;
  experimentId: number;
  versionId: number;
  version: number;
  title: string;
  publishedAt: Date | null;
  techniques: Array<{ slug: string; name: string }>;
  /** One per shown model, in column order. */
  cells: CompareCell[];
  /** Shown models whose cell is "reproduced". */
  reproduced: number;
}

export interface CompareMatrix {
  state: CompareQuery;
  /** The columns of this view. */
  models: ModelColumn[];
  /** Every hosted model (the model filter's choices). */
  allModels: ModelColumn[];
  hiddenModels: number;
  unknownModels: string[];
  /** The technique filter as found (with how many techniques below it are included), or null. */
  technique: { slug: string; name: string; descendants: number } | null;
  rows: CompareRow[];
  /** Rows matching the filters, and published experiments in all. */
  total: number;
  publishedTotal: number;
  page: number;
  pageSize: number;
  pageCount: number;
  /** Things to tell the reader about the state they asked for (unknown technique or models, a page past the end, …). */
  notes: string[];
}

const cellJson = z.object({
  m: z.number(),
  id: z.number(),
  a: z.number(),
  s: z.enum(RUN_STATUSES),
  p: z.number().nullable(),
  rid: z.number().nullable(),
  ra: z.number().nullable(),
  v: z.enum(RUN_VERDICTS).nullable(),
  hm: z.string().nullable(),
  hv: z.number().nullable(),
  hl: z.number().nullable(),
  f: z.string().nullable(),
});

const rowJson = z.object({
  position: z.number(),
  experimentId: z.number(),
  versionId: z.number(),
  version: z.number(),
  title: z.string(),
  publishedAt: z.string().nullable(),
  techniques: z.array(z.object({ slug: z.string(), name: z.string() })),
  cells: z.array(cellJson),
});

const resultRow = z.object({
  total: z.number(),
  published_total: z.number(),
  technique: z.object({ slug: z.string(), name: z.string(), descendants: z.number() }).nullable(),
  rows: z.array(rowJson),
});

const ORDER: Record<CompareSort, SQL> = {
  newest: sql`published_at desc nulls last, experiment_id desc`,
  title: sql`lower(title), experiment_id`,
  reproduction: sql`reproduced desc, published_at desc nulls last, experiment_id desc`,
  value: sql`sort_value desc nulls last, published_at desc nulls last, experiment_id desc`,
};

const intArray = (ids: number[]) => sql`${`{${ids.join(",")}}`}::int[]`;
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export interface MatrixWindow {
  offset: number;
  limit: number;
}

/**
 * The statement behind a page (exported for EXPLAIN in the benchmark). `modelIds` are the shown
 * columns; `sortModelId` the column ordering a "value" sort.
 */
export function matrixStatement(state: CompareQuery, modelIds: number[], sortModelId: number | null, window: MatrixWindow): SQL {
  const sort: CompareSort = state.sort === "value" && sortModelId === null ? "newest" : state.sort;
  // Per-row figures over all matching rows are only computed when a filter or the sort needs them.
  const needsStats = state.verdict !== null || sort === "reproduction" || sort === "value";
  const ids = intArray(modelIds);
  const techniqueFilter = state.technique
    ? sql`and exists (select 1 from experiment_version_techniques evt where evt.version_id = v.id and evt.technique_id in (select id from picked))`
    : sql``;
  const titleFilter = state.q ? sql`and v.title ilike ${likePattern(state.q)}` : sql``;
  const stats = needsStats
    ? sql`,
      results as (
        select distinct on (r.version_id, r.model_id) r.version_id, r.model_id, r.verdict, r.headline_value
        from runs r
        where r.version_id in (select version_id from versions) and r.model_id = any(${ids}) and r.status = 'done'
        order by r.version_id, r.model_id, r.id desc
      ),
      stats as (
        select v.version_id,
          count(*) filter (where res.verdict = 'reproduced')::int as reproduced,
          coalesce(bool_or(case when res.model_id is null then 'not_run' else coalesce(res.verdict::text, 'unchecked') end = ${state.verdict ?? ""}), false) as matches,
          max(res.headline_value) filter (where s.model_id = ${sortModelId ?? -1}) as sort_value
        from versions v
        cross join unnest(${ids}) as s(model_id)
        left join results res on res.version_id = v.version_id and res.model_id = s.model_id
        group by v.version_id
      ),
      matching as (
        select v.*, coalesce(st.reproduced, 0) as reproduced, st.sort_value
        from versions v left join stats st on st.version_id = v.version_id
        ${state.verdict !== null ? sql`where coalesce(st.matches, false)` : sql``}
      )`
    : sql`,
      matching as (select v.*, 0 as reproduced, null::real as sort_value from versions v)`;

  return sql`
    with recursive
    picked as (
      select id from techniques where slug = ${state.technique ?? ""}
      union
      select rel.to_id from technique_relations rel join picked p on rel.from_id = p.id where rel.kind = 'kind_of'
    ),
    versions as (
      select e.id as experiment_id, v.id as version_id, v.version, v.title, v.published_at
      from experiments e
      join experiment_versions v on v.experiment_id = e.id and v.version = e.latest_version
      where e.state = 'published' and v.published_at is not null
      ${techniqueFilter}
      ${titleFilter}
    )${stats},
    page as (
      select m.*, row_number() over (order by ${ORDER[sort]}) as position
      from matching m
      order by position
      limit ${window.limit} offset ${window.offset}
    ),
    -- Per page row, so each version's runs come from runs_version_model_idx however large the table grows.
    latest as (
      select l.* from page p cross join lateral (
        select distinct on (r.model_id) r.version_id, r.model_id, r.id, r.attempt, r.status, r.percent
        from runs r
        where r.version_id = p.version_id and r.model_id = any(${ids})
        order by r.model_id, r.id desc
      ) l
    ),
    finished as (
      select f.* from page p cross join lateral (
        select distinct on (r.model_id) r.version_id, r.model_id, r.id, r.attempt, r.verdict, r.headline_metric, r.headline_value, r.headline_layer, r.finished_at
        from runs r
        where r.version_id = p.version_id and r.model_id = any(${ids}) and r.status = 'done'
        order by r.model_id, r.id desc
      ) f
    ),
    -- Grouped once per version and joined (a subquery per row would rescan them for every row of a large export).
    cells as (
      select l.version_id, json_agg(json_build_object(
        'm', l.model_id, 'id', l.id, 'a', l.attempt, 's', l.status, 'p', l.percent,
        'rid', f.id, 'ra', f.attempt, 'v', f.verdict, 'hm', f.headline_metric, 'hv', f.headline_value, 'hl', f.headline_layer, 'f', f.finished_at
      )) as cells
      from latest l left join finished f on f.version_id = l.version_id and f.model_id = l.model_id
      group by l.version_id
    ),
    tags as (
      select evt.version_id, json_agg(json_build_object('slug', t.slug, 'name', t.name) order by t.name) as techniques
      from experiment_version_techniques evt
      join page p on p.version_id = evt.version_id
      join techniques t on t.id = evt.technique_id
      group by evt.version_id
    )
    select
      (select count(*)::int from matching) as total,
      (select count(*)::int from experiments where state = 'published') as published_total,
      (select json_build_object('slug', t.slug, 'name', t.name, 'descendants', (select count(*) - 1 from picked)) from techniques t where t.slug = ${state.technique ?? ""}) as technique,
      coalesce((
        select json_agg(json_build_object(
          'position', p.position,
          'experimentId', p.experiment_id,
          'versionId', p.version_id,
          'version', p.version,
          'title', p.title,
          'publishedAt', p.published_at,
          'techniques', coalesce(g.techniques, '[]'::json),
          'cells', coalesce(c.cells, '[]'::json)
        ) order by p.position)
        from page p
        left join cells c on c.version_id = p.version_id
        left join tags g on g.version_id = p.version_id
      ), '[]'::json) as rows`;
}

function toCell(modelId: number, c: z.infer<typeof cellJson> | undefined): CompareCell {
  if (!c) return { modelId, verdict: "not_run", run: null, result: null };
  const result =
    c.rid === null || c.ra === null
      ? null
      : {
          runId: c.rid,
          attempt: c.ra,
          verdict: c.v,
          headline: c.hm !== null && c.hv !== null ? { metric: c.hm, value: c.hv, layer: c.hl } : null,
          finishedAt: c.f === null ? null : new Date(c.f),
        };
  return {
    modelId,
    verdict: result ? (result.verdict ?? "unchecked") : "not_run",
    run: { id: c.id, attempt: c.a, status: c.s, percent: c.p ?? 0 },
    result,
  };
}

const VERDICT_WORDS: Record<CellVerdict, string> = { reproduced: "reproduced", partly: "partly reproduced", not_reproduced: "not reproduced", unchecked: "not checked", not_run: "not run" };

/** One page of the matrix (or, with `window`, any slice of it: the export asks for everything up to its bound). */
export async function compareMatrix(db: Database, state: CompareQuery, window?: MatrixWindow): Promise<CompareMatrix> {
  const allModels = await hostedModels(db);
  const columns = chooseColumns(allModels, state);
  const notes: string[] = [];
  if (columns.unknown.length) notes.push(`No hosted model is called ${columns.unknown.map((n) => `“${n}”`).join(", ")}.`);
  let sortModelId: number | null = null;
  if (state.sort === "value") {
    sortModelId = columns.shown.find((m) => m.name === state.sortModel)?.id ?? null;
    if (sortModelId === null) notes.push(state.sortModel ? `“${state.sortModel}” is not among the models shown, so the rows are sorted newest first.` : "Choose a model to sort by its headline value; the rows are sorted newest first.");
  }
  const pageSize = COMPARE_PAGE_SIZE;
  const slice = window ?? { offset: (state.page - 1) * pageSize, limit: pageSize };
  const [raw] = await db.execute(
    matrixStatement(
      state,
      columns.shown.map((m) => m.id),
      sortModelId,
      slice,
    ),
  );
  const result = resultRow.parse(raw);
  if (state.technique && result.technique === null) notes.push(`There is no technique “${state.technique}”, so no experiment matches. Choose one from the list.`);
  const pageCount = Math.max(1, Math.ceil(result.total / pageSize));
  if (!window && state.page > pageCount && result.total > 0) {
    notes.push(`There is no page ${state.page}: these filters match ${result.total} experiment${result.total === 1 ? "" : "s"}, ${pageCount} page${pageCount === 1 ? "" : "s"} of ${pageSize}.`);
  }
  if (state.verdict !== null && columns.shown.length === 0) notes.push(`No model is shown, so no cell can be ${VERDICT_WORDS[state.verdict]}.`);

  const rows: CompareRow[] = result.rows.map((r) => {
    const byModel = new Map(r.cells.map((c) => [c.m, c]));
    const cells = columns.shown.map((m) => toCell(m.id, byModel.get(m.id)));
    return {
      position: r.position,
      experimentId: r.experimentId,
      versionId: r.versionId,
      version: r.version,
      title: r.title,
      publishedAt: r.publishedAt === null ? null : new Date(r.publishedAt),
      techniques: r.techniques,
      cells,
      reproduced: cells.filter((c) => c.verdict === "reproduced").length,
    };
  });
  return {
    state: { ...state, ...(state.sort === "value" && sortModelId === null ? { sort: "newest" as const, sortModel: null } : {}) },
    models: columns.shown,
    allModels,
    hiddenModels: columns.hidden,
    unknownModels: columns.unknown,
    technique: result.technique,
    rows,
    total: result.total,
    publishedTotal: result.published_total,
    page: state.page,
    pageSize,
    pageCount,
    notes,
  };
}
