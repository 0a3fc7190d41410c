export { RandomStream, type NumberedStreams } from './random-stream.ts';
export { participantStream, participantStreams, scenarioStream, studyStream, keyedUniform, keyedPrefix, keyedUniformAt } from './stream-keys.ts';
