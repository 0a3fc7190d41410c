export { RandomStream } from './random-stream.ts';
export { participantStream, scenarioStream, keyedUniform, type StreamPurpose } from './stream-keys.ts';
