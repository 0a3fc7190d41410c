export { RandomStream } from './random-stream.ts';
export { participantStream, scenarioStream, studyStream, keyedUniform } from './stream-keys.ts';
