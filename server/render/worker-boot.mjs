// Worker threads start as plain Node: register tsx so the TypeScript worker module named in
// workerData can load (the same loader `npm start`, the seed and the tests use).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
