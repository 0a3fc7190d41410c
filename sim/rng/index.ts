export { RandomStream } from './random-stream.ts';
export { participantStream, scenarioStream, studyStream, keyedUniform, keyedPrefix, keyedUniformAt } from './stream-keys.ts';
