/**
 * The host profiles shipped in resources/hosts, bundled into the simulator (so the utility
 * process and browser-mode child need no file paths). Parsed and validated on first use only.
 */
import seed from '../../resources/hosts/seed-core2-q35.json' with { type: 'json' };
import server from '../../resources/hosts/server-2drhd-5520.json' with { type: 'json' };
import laptop from '../../resources/hosts/laptop-gm965-no-vtd.json' with { type: 'json' };
import bridge from '../../resources/hosts/desktop-q35-pci-bridge.json' with { type: 'json' };
import { HostProfileError, validateHostProfile, type HostProfile } from '../hw/host-profile.ts';

export const DEFAULT_HOST = 'seed-core2-q35';

const RAW: Record<string, unknown> = { [seed.name]: seed, [server.name]: server, [laptop.name]: laptop, [bridge.name]: bridge };
const parsed = new Map<string, HostProfile>();

export const SHIPPED_HOSTS: readonly string[] = Object.keys(RAW).sort();

/** The shipped profile of that name; an unknown name is an error listing the known ones. */
export function shippedHost(name: string): HostProfile {
  const hit = parsed.get(name);
  if (hit) return hit;
  if (!Object.hasOwn(RAW, name)) throw new Error(`no host profile "${name}" (known: ${SHIPPED_HOSTS.join(', ')})`);
  const r = validateHostProfile(RAW[name]);
  if (!r.ok) throw new HostProfileError(r.issues);
  parsed.set(name, r.profile);
  return r.profile;
}
