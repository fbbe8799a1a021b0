/** series.*: subscriptions to the series catalogue, and trace.follow for the trace stream. */
import { Failure, type HandlerGroup, type SessionContext } from './handler.ts';

export function seriesHandlers(ctx: SessionContext): HandlerGroup<'series.subscribe' | 'series.unsubscribe' | 'trace.follow'> {
  return {
    'series.subscribe': (p) => ({ subscription: ctx.subscribe(p.series, p.maxRateHz) }),
    'series.unsubscribe': (p) => {
      if (!ctx.unsubscribe(p.subscription)) {
        return new Failure({ code: 'not-found', message: `params.subscription: no subscription ${p.subscription}`, path: 'params.subscription' });
      }
      return {};
    },
    'trace.follow': (p) => {
      ctx.followTrace(p.follow);
      return { following: p.follow };
    },
  };
}
