import type { FastifyBaseLogger } from 'fastify';
import type { CheckInService } from './checkin-service.ts';

/**
 * Every `intervalMs` of wall time: close the windows that are due (verdicts, escalations), then delete
 * personal data past its retention (locations, device models, personal records, time zones) and note
 * the retention clock's instant in the store, so that a restart cannot wind retention back. A round does not start while the previous one runs; `stop` waits
 * for the running round, so the store can close after it.
 */
export function startHousekeeping(service: CheckInService, intervalMs: number, log: FastifyBaseLogger): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const round = async () => {
    try {
      await service.closeDue();
      service.deleteExpiredPersonalData();
    } catch (error) {
      log.error({ err: error }, 'housekeeping failed');
    }
  };
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = round().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
