export { RandomStream } from './random-stream.ts';
export { participantStream, scenarioStream, studyStream, keyedUniform, type StreamPurpose } from './stream-keys.ts';
