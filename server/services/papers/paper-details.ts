/** A paper's bibliographic details: what the paper forms edit, a BibTeX entry yields and a correction changes. */
export interface PaperDetails {
  title: string;
  authors: string[];
  year: number | null;
  venue: string | null;
  abstract: string;
  arxivId: string | null;
  doi: string | null;
  url: string | null;
}
