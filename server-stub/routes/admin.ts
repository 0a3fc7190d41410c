import type { FastifyInstance } from 'fastify';
import { errorReplies, type ApiSchemas, type Body } from '../api-schemas.ts';

const security = [{ bearer: [] }];

/** Fault injection at run time (officer token). Outside the faults and load shedding, so it always answers. */
export function adminRoutes(schemas: ApiSchemas) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { faults } = app.checkin;

    app.get(
      '/admin/faults',
      {
        config: { access: 'officer' },
        schema: { tags: ['admin'], summary: 'The faults in force', security, response: { 200: schemas.Faults, ...errorReplies } },
      },
      async () => faults.current,
    );

    app.put<{ Body: Body<'Faults'> }>(
      '/admin/faults',
      {
        config: { access: 'officer' },
        schema: {
          tags: ['admin'],
          summary: 'Replace the faults in force (fields left out take their defaults: no fault)',
          security,
          body: schemas.Faults,
          response: { 200: schemas.Faults, ...errorReplies },
        },
      },
      async (request) => {
        faults.replace(request.body);
        return faults.current;
      },
    );
  };
}
