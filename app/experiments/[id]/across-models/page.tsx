import type { Metadata } from "next";
import Link from "next/link";
import { type CrossModelState, type CrossModelView, crossModelExportHref, crossModelHref, parseCrossModelState } from "~/server/services/cross-model/url-state";
import { AgreementView } from "./agreement-view";
import { AcrossModelsControls, type ControlOptions } from "./controls";
import { CurvesView } from "./curves-view";
import { loadAgreement, loadCurves } from "./load";

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const VIEW_LABELS: Record<CrossModelView, string> = { curves: "Curves across models", agreement: "Agreement between models" };

async function load(id: string, state: CrossModelState) {
  return state.view === "curves" ? { view: "curves" as const, data: await loadCurves(id, state) } : { view: "agreement" as const, data: await loadAgreement(id, state) };
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const state = parseCrossModelState(await searchParams);
  const { data } = await load((await params).id, state);
  return { title: `${VIEW_LABELS[state.view]}: ${data.experiment.title}` };
}

/** Version options: the latest published one named as such, drafts marked. */
function versionOptions(versions: Array<{ version: number; publishedAt: Date | null }>): ControlOptions["versions"] {
  const latestPublished = versions.find((v) => v.publishedAt !== null)?.version;
  return versions.map((v) => ({ version: v.version, published: v.publishedAt !== null, latestPublished: v.version === latestPublished }));
}

export default async function AcrossModelsPage({ params, searchParams }: Props) {
  const { id } = await params;
  const state = parseCrossModelState(await searchParams);
  // Loaded (and a 404 decided) before anything streams.
  const loaded = await load(id, state);
  const { experiment, version, versions } = loaded.data;
  const options: ControlOptions =
    loaded.view === "curves"
      ? { versions: versionOptions(versions), version: version.version, hooks: loaded.data.hooks, hook: loaded.data.hook, metrics: loaded.data.metrics, metric: loaded.data.metric?.name ?? null }
      : {
          versions: versionOptions(versions),
          version: version.version,
          hooks: loaded.data.hooks,
          hook: loaded.data.hook,
          models: loaded.data.models.map((m) => ({ name: m.name, hasScores: m.hasScores })),
          a: loaded.data.a,
          b: loaded.data.b,
        };
  // The permalink names what the server chose, so it keeps showing the same thing later.
  const resolved: CrossModelState = {
    ...state,
    v: version.version,
    ...(loaded.view === "curves" ? { metric: loaded.data.metric?.name ?? state.metric, hook: loaded.data.hook ?? state.hook } : { a: loaded.data.a ?? state.a, b: loaded.data.b ?? state.b, hook: loaded.data.hook ?? state.hook }),
  };
  const experimentHref = `/experiments/${experiment.id}${version.version === experiment.latestVersion ? "" : `?version=${version.version}`}`;

  return (
    <article className="page across-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/experiments">Experiments</Link> / <Link href={experimentHref}>{experiment.title}</Link> / Across models
      </nav>
      <div className="page-head">
        <div>
          <h1 data-testid="across-title">Across models: {experiment.title}</h1>
          <p className="lede">
            Version {version.version}
            {version.version !== experiment.latestVersion && ` (the latest is version ${experiment.latestVersion})`} · does the finding hold beyond the model it was found on?
          </p>
        </div>
      </div>
      {experiment.state === "draft" && <p className="notice notice--info">This is a draft: only its author and moderators can see it.</p>}

      <nav className="tabs" aria-label="Views">
        {(["curves", "agreement"] as const).map((view) => (
          <Link key={view} href={crossModelHref(experiment.id, { ...state, view })} className="tabs__tab" aria-current={state.view === view ? "page" : undefined} data-testid={`view-${view}`}>
            {VIEW_LABELS[view]}
          </Link>
        ))}
      </nav>

      <AcrossModelsControls experimentId={experiment.id} state={state} options={options} />

      {loaded.view === "curves" ? <CurvesView data={loaded.data} axis={state.x} /> : <AgreementView data={loaded.data} />}

      <section aria-labelledby="across-downloads" className="across-downloads">
        <h2 id="across-downloads">Downloads and permalink</h2>
        <ul className="downloads" data-testid="across-downloads">
          <li>
            <a href={crossModelExportHref(experiment.id, resolved, state.view, "csv")}>{VIEW_LABELS[state.view]} (CSV)</a>
          </li>
          <li>
            <a href={crossModelExportHref(experiment.id, resolved, state.view, "json")}>{VIEW_LABELS[state.view]} (JSON)</a>
          </li>
          <li>
            <Link href={crossModelHref(experiment.id, resolved)} data-testid="across-permalink">
              Permalink to this view
            </Link>{" "}
            <span className="muted">(names the version, metric and models shown, so it keeps showing them as new runs arrive)</span>
          </li>
        </ul>
      </section>
    </article>
  );
}
