/**
 * What the editor checks configs against: the Xen era and the host (one of the shipped host
 * profiles). Chosen in the Configuration toolbar, remembered between sessions.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { DEFAULT_ERA, ERAS, isEra, type Era, type HostFacts } from '../../src-shared/config/index.ts';
import { hostFactsFromProfile, type ProfileLike } from '../../src-shared/config/host-facts.ts';
import { eraLabel } from '../../src-shared/config/era.ts';
import { setCheckContext } from '../editor/models.ts';
import { CHECK_CONTEXT_KEY, useSimStore } from './sim.ts';

const profiles = import.meta.glob<ProfileLike & { description?: string }>('../../resources/hosts/*.json', { eager: true, import: 'default' });
const PROFILES = new Map(Object.values(profiles).map((p) => [p.name, p]));
const facts = new Map<string, HostFacts>();

/** The shipped host profiles' names and what each machine is. */
export const HOST_CHOICES = [...PROFILES.values()].map((p) => ({ id: p.name, description: p.description })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * A shipped host profile as facts, worked out when first asked for: at start only the chosen
 * host's are needed, not every profile's.
 */
function factsOf(name: string): HostFacts | undefined {
  const p = PROFILES.get(name);
  if (!p) return undefined;
  if (!facts.has(name)) facts.set(name, hostFactsFromProfile(p));
  return facts.get(name);
}

export const DEFAULT_HOST = 'seed-core2-q35';
const STORAGE_KEY = CHECK_CONTEXT_KEY;

function remembered(): { era: Era; host: string } {
  try {
    const s = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as { era?: string; host?: string };
    return { era: s.era && isEra(s.era) ? s.era : DEFAULT_ERA, host: s.host && PROFILES.has(s.host) ? s.host : DEFAULT_HOST };
  } catch {
    return { era: DEFAULT_ERA, host: DEFAULT_HOST };
  }
}

export const useCheckContextStore = defineStore('check-context', () => {
  const start = remembered();
  const era = ref<Era>(start.era);
  const host = ref<string>(start.host);
  const eras = ERAS.map((e) => ({ id: e, label: eraLabel(e) }));
  const hosts = HOST_CHOICES.map((h) => h.id);
  const hostFacts = computed(() => (factsOf(host.value) ?? factsOf(DEFAULT_HOST))!);

  watch(
    [era, host],
    () => {
      setCheckContext(era.value, hostFacts.value);
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ era: era.value, host: host.value }));
    },
    { immediate: true },
  );
  // The chosen host is also the machine the simulator runs: choosing one powers it on.
  const sim = useSimStore();
  watch(host, (h) => void sim.powerOn(h), { immediate: true });

  return { era, host, eras, hosts, hostFacts };
});
