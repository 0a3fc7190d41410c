// Worker threads do not inherit the tsx loader the CLI registered: this entry registers it, then
// loads the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
