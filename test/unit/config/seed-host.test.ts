// The editor's built-in host is the shipped seed profile itself, not a hand copy of it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostFactsFromProfile, SEED_HOST, type ProfileLike } from '../../../src-shared/config/host-facts.ts';

const profile = JSON.parse(readFileSync(new URL('../../../resources/hosts/seed-core2-q35.json', import.meta.url), 'utf8')) as ProfileLike;

describe('SEED_HOST', () => {
  it('is the facts of resources/hosts/seed-core2-q35.json, function for function', () => {
    expect(SEED_HOST).toEqual(hostFactsFromProfile(profile));
    expect(SEED_HOST.devices.map((d) => d.bdf)).toEqual(profile.pci.map((f) => f.bdf.toLowerCase()));
  });

  it('has the seed NIC at 02:00.0 driven by e1000 in dom0 and VT-d present', () => {
    const nic = SEED_HOST.devices.find((d) => d.bdf === '0000:02:00.0');
    expect(nic).toMatchObject({ vendorId: 0x8086, deviceId: 0x10b9, driver: 'e1000' });
    expect(SEED_HOST.vtd).toBe(true);
  });
});
