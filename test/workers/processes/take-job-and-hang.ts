/**
 * A worker that takes one prepare job and then hangs, for the test to kill with SIGKILL:
 * the job is left active in the database, exactly as when a real worker dies mid-job.
 */
import { startBoss } from "../../../server/jobs/boss";
import { QUEUES } from "../../../server/jobs/queues";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const boss = await startBoss(url, { supervise: false });
for (;;) {
  const [job] = await boss.fetch(QUEUES.prepareModel.name);
  if (job) {
    process.stdout.write(`took ${job.id}\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
setInterval(() => {}, 1_000);
