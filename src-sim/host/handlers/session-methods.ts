/** hello and run control (sim.*): the handshake, speed, pause/resume, and running for a span. */
import { PROTOCOL_VERSION } from '../../../src-shared/protocol/index.ts';
import { APP_VERSION } from '../../../src-shared/app-version.ts';
import { runInSlices } from '../run-slices.ts';
import { Failure, type HandlerGroup, type SessionContext } from './handler.ts';

export function sessionHandlers(ctx: SessionContext): HandlerGroup<'hello' | 'sim.status' | 'sim.setSpeed' | 'sim.pause' | 'sim.resume' | 'sim.runFor'> {
  const rt = ctx.runtime;
  return {
    hello: (p) => {
      if (p.protocolVersion !== PROTOCOL_VERSION) {
        return new Failure({
          code: 'version-mismatch',
          message: `protocol version mismatch: the client speaks v${p.protocolVersion}, this simulator (${APP_VERSION}) speaks v${PROTOCOL_VERSION}; restart the app so both sides come from the same build`,
        });
      }
      ctx.greet();
      return { protocolVersion: PROTOCOL_VERSION, simVersion: APP_VERSION, status: rt.status() };
    },
    'sim.status': () => rt.status(),
    'sim.setSpeed': (p) => rt.setSpeed(p.speed),
    'sim.pause': () => rt.pause(),
    'sim.resume': () => rt.resume(),
    'sim.runFor': async (p) => {
      if (rt.pacer.isRunning) return new Failure({ code: 'busy', message: 'sim.runFor: the simulation is running; pause it first' });
      if (!(await runInSlices(rt, p.ns))) return new Failure({ code: 'busy', message: 'sim.runFor: another machine was powered on meanwhile' });
      return rt.status();
    },
  };
}
