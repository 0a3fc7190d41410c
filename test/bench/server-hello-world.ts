// The baselines of test/bench/server-throughput.ts, in one bare fastify app: GET / answers
// {"hello":"world"}; POST /v1/participants/:id/checkins validates the check-in body with the server's
// own schema and answers 201 without doing anything, the ceiling of any check-in route.
// node --import tsx test/bench/server-hello-world.ts
import Fastify from 'fastify';
import { apiSchemas } from '../../server-stub/api-schemas.ts';

const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } } });
const { FaceCheckIn } = apiSchemas({ dimension: 128, bulkMaxParticipants: 1, bulkMaxWindows: 1 });
app.get('/', async () => ({ hello: 'world' }));
app.post('/v1/participants/:id/checkins', { schema: { body: FaceCheckIn } }, async (_request, reply) => reply.code(201).send({ ok: true }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : ''}\n`);
const stop = () => void app.close();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
