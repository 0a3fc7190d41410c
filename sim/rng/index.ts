export { RandomStream } from './random-stream.ts';
export { participantStream, scenarioStream, keyedUniform } from './stream-keys.ts';
