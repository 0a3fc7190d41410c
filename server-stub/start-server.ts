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
    await app.listen({ port: listen.port, host: listen.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}
