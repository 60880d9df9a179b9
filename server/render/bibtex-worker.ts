// Worker thread: BibTeX text to papers. Runs under TaskWorker's time and memory budget.
import { entriesFromBibtex } from "./bibtex-entries";
import { serveTasks } from "./serve-tasks";

serveTasks((input) => {
  if (typeof input !== "string") return { error: "not a text" };
  try {
    return entriesFromBibtex(input);
  } catch (error) {
    if (error instanceof RangeError) return { error: "The BibTeX is nested too deeply to read." };
    return { error: "The BibTeX could not be read; check that every entry is complete." };
  }
});
