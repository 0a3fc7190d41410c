export { RandomStream, type NumberedStreams } from './random-stream.ts';
export { participantStream, participantStreams, scenarioStream, studyStream, keyedUniform, keyedRoot, keyedPrefixAt, keyedUniformAt } from './stream-keys.ts';
