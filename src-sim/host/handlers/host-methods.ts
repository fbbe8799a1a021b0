/** host.*: which machine is powered on, powering on another, and its PCI devices. */
import { Failure, type HandlerGroup, type SessionContext } from './handler.ts';
import { SHIPPED_HOSTS } from '../host-profiles.ts';
import { xenRun } from '../xen-run.ts';

export function hostHandlers(ctx: SessionContext): HandlerGroup<'host.powerOn' | 'host.list' | 'host.devices'> {
  const rt = ctx.runtime;
  return {
    'host.powerOn': (p) => {
      if (!SHIPPED_HOSTS.includes(p.host)) {
        return new Failure({ code: 'not-found', message: `params.host: no host profile "${p.host.slice(0, 80)}" (known: ${SHIPPED_HOSTS.join(', ')})`, path: 'params.host' });
      }
      return rt.powerOn(p.host);
    },
    'host.list': () => ({ hosts: [...SHIPPED_HOSTS], current: rt.world.profile.name }),
    'host.devices': () => ({ host: rt.world.profile.name, devices: xenRun(rt.world).devices() }),
  };
}
