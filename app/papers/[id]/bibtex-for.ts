// The generation lives on the server side (server/services/papers/bibtex-export.ts) so bulk exports
// and the API share it; the paper page keeps importing it from here.
export { bibtexFor, citationKey, type BibtexExportSource as BibtexSource } from "~/server/services/papers/bibtex-export";
