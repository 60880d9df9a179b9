"use client";

import { ProposalPanels } from "../../_components/proposal-panels";
import type { TechniqueOption } from "../../_lib/types";
import { PaperLinkForm } from "./paper-link-form";
import { PaperMetadataForm, type PaperFields } from "./paper-metadata-form";

/** Ways to propose a change to this paper; #propose-edit or #propose-link in the URL opens one. */
export function ProposePaperChanges({ paperId, current, options }: { paperId: number; current: PaperFields; options: TechniqueOption[] }) {
  return (
    <ProposalPanels
      label="Propose a change to this paper"
      testId="propose-paper-changes"
      panels={[
        { key: "edit", label: "Edit", content: <PaperMetadataForm paperId={paperId} current={current} /> },
        { key: "link", label: "Link to a technique", content: <PaperLinkForm paperId={paperId} options={options} /> },
      ]}
    />
  );
}
