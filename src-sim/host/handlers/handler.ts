/**
 * What a method handler is: params in, a result, a refusal, or a promise of either (methods
 * that take virtual time answer when that time has run). One file per method group builds its
 * handlers from the session's context; session.ts only dispatches.
 */
import type { MethodName, Params, ProtocolError, Result, SeriesName } from '../../../src-shared/protocol/index.ts';
import type { SimRuntime } from '../runtime.ts';

/** A handler's refusal; a class so no result shape can be mistaken for it. */
export class Failure {
  constructor(readonly error: ProtocolError) {}
}

export type Handler<M extends MethodName> = (params: Params<M>) => Result<M> | Failure | Promise<Result<M> | Failure>;

export type HandlerGroup<K extends MethodName> = { [M in K]: Handler<M> };

/** What handlers may touch of the session that runs them. */
export interface SessionContext {
  readonly runtime: SimRuntime;
  greet(): void;
  subscribe(series: SeriesName, maxRateHz: number | undefined): number;
  unsubscribe(id: number): boolean;
  followTrace(follow: boolean): void;
}
