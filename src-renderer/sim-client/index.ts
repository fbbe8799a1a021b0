/** Provides the one SimClient to the component tree. */
import { inject, type App, type InjectionKey } from 'vue';
import { SimClient } from './client.ts';

export const simClientKey: InjectionKey<SimClient> = Symbol('sim-client');

export function installSimClient(app: App, client: SimClient): void {
  app.provide(simClientKey, client);
}

export function useSimClient(): SimClient {
  const c = inject(simClientKey);
  if (!c) throw new Error('useSimClient() outside an app with installSimClient()');
  return c;
}

export { SimClient, SimCallError, type ConnectionState } from './client.ts';
export { defaultConnector, websocketConnector, type Connector, type Transport } from './transport.ts';
