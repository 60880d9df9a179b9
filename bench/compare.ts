/** The compare query at scale (filled in by issue 9's compare work). */
export async function runCompareBench(): Promise<void> {
  throw new Error("the compare benchmark is not written yet");
}
