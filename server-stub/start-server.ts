import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildServer, type BuildDependencies } from './build-server.ts';
import type { ServerOptionsInput } from './options.ts';

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port`, with the port the system gave when 0 was asked for. */
  url: string;
  close(): Promise<void>;
}

/** Builds the server and listens; the only place that opens a socket. */
export async function startServer(
  options: ServerOptionsInput,
  listen: { port: number; host: string },
  dependencies: BuildDependencies = {},
): Promise<RunningServer> {
  const app = buildServer(options, dependencies);
  try {
    // An explicit backlog (Node's default is 511): a burst of connections waits in the kernel's queue
    // to be accepted, then served or closed at once by the connection cap, rather than overflowing it
    // and waiting for the client to retry its connection a second or more later.
    await app.listen({ port: listen.port, host: listen.host, backlog: app.checkin.options.http.backlog });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
