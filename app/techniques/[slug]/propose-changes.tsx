"use client";

import { ProposalPanels } from "../../_components/proposal-panels";
import type { TechniqueOption } from "../../_lib/types";
import { ProposeEditForm } from "./propose-edit-form";
import { ProposeMergeForm } from "./propose-merge-form";
import { ProposeRelationsForm, type ExistingRelation } from "./propose-relations-form";
import { ProposeRenameForm } from "./propose-rename-form";

/** Ways to propose a change to this technique; #propose-edit (or -relations, -merge, -rename) in the URL opens one. */
export function ProposeChanges(props: {
  slug: string;
  name: string;
  current: Parameters<typeof ProposeEditForm>[0]["current"];
  options: TechniqueOption[];
  relations: ExistingRelation[];
}) {
  return (
    <ProposalPanels
      label="Propose a change"
      panels={[
        { key: "edit", label: "Edit", content: <ProposeEditForm slug={props.slug} current={props.current} options={props.options} /> },
        { key: "relations", label: "Propose a relation", content: <ProposeRelationsForm slug={props.slug} name={props.name} options={props.options} existing={props.relations} /> },
        { key: "merge", label: "Propose merge", content: <ProposeMergeForm slug={props.slug} name={props.name} options={props.options} /> },
        { key: "rename", label: "Rename", content: <ProposeRenameForm slug={props.slug} name={props.name} /> },
      ]}
    />
  );
}
