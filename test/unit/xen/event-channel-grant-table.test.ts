/**
 * Xen's event channels and grant tables as the split network drivers meet them, driven through
 * the hypercalls of a booted seed host with the PV guest of the no-harm scenario: what each
 * refusal returns (errno for the hypercall, GNTST_* per grant op), what Xen logs, and that each
 * component's state survives save and restore.
 */
import { describe, expect, it } from 'vitest';
import { evtchnAllocUnbound, evtchnBindInterdomain, evtchnClose, evtchnOf, evtchnSend, ECS_INTERDOMAIN, ECS_UNBOUND } from '../../../src-sim/xen/common/event_channel.ts';
import { gnttabCopy, gnttabMapGrantRef, GNTCOPY_dest_gref, GNTMAP_host_map, GNTMAP_readonly, GNTST_bad_gntref, GNTST_general_error, GNTST_permission_denied, GNTST_okay, GTF_reading, type CopyOp, type MapOp } from '../../../src-sim/xen/common/grant_table.ts';
import { EINVAL, EPERM } from '../../../src-sim/xen/common/errno.ts';
import { bootVariant } from '../../scenarios/support/no-harm.ts';

function host() {
  const h = bootVariant('alone');
  const pv = h.xend.byName('pv-net')!;
  const emu = h.xend.byName('fc5-emu')!;
  return { h, xen: h.xen, pv: pv.domid, emu: emu.domid, nf: pv.pvGuest!.netdevs[0] };
}

describe('event channels', () => {
  it('a guest may not allocate a port in another domain (-EPERM); dom0 may', () => {
    const { xen, pv, emu } = host();
    expect(evtchnAllocUnbound(xen, pv, emu, pv)).toBe(-EPERM);
    expect(evtchnAllocUnbound(xen, 0, emu, pv)).toBeGreaterThan(0);
    expect(xen.hypercalls.records.at(-2)).toMatchObject({ hypercall: 'event_channel_op', op: 'EVTCHNOP_alloc_unbound', caller: pv, errno: '-EPERM' });
  });

  it('binding a port offered to someone else, or not unbound, is -EINVAL', () => {
    const { xen, pv, emu } = host();
    const port = evtchnAllocUnbound(xen, pv, pv, 0);
    expect(evtchnBindInterdomain(xen, emu, pv, port)).toBe(-EINVAL);
    const local = evtchnBindInterdomain(xen, 0, pv, port);
    expect(local).toBeGreaterThan(0);
    expect(evtchnBindInterdomain(xen, 0, pv, port)).toBe(-EINVAL);
    expect(evtchnOf(xen.domain(pv)!).ports[port]).toEqual({ state: ECS_INTERDOMAIN, remoteDomid: 0, remotePort: local });
  });

  it('send marks the peer pending; a masked port stays pending and raises no upcall', () => {
    const { h, xen, pv } = host();
    const port = evtchnAllocUnbound(xen, pv, pv, 0);
    const local = evtchnBindInterdomain(xen, 0, pv, port);
    const t = evtchnOf(xen.domain(pv)!);
    h.pc.sim.engine.runFor(1000);
    t.mask[port >> 5] |= 1 << (port & 31);
    expect(evtchnSend(xen, 0, local)).toBe(0);
    expect(t.isPending(port)).toBe(true);
    expect(t.upcallPending).toBe(false);
    expect(evtchnSend(xen, 0, 999)).toBe(-EINVAL);
  });

  it('closing one end leaves the other unbound, offered back to the closer', () => {
    const { xen, pv } = host();
    const port = evtchnAllocUnbound(xen, pv, pv, 0);
    const local = evtchnBindInterdomain(xen, 0, pv, port);
    expect(evtchnClose(xen, 0, local)).toBe(0);
    expect(evtchnOf(xen.domain(pv)!).ports[port]).toMatchObject({ state: ECS_UNBOUND, remoteDomid: 0 });
    expect(evtchnClose(xen, 0, local)).toBe(-EINVAL);
  });
});

describe('grant tables', () => {
  it('only the domain a grant names may map it; Xen logs the entry’s flags (here: mapped by dom0) and dom', () => {
    const { xen, pv, emu } = host();
    const ref = 8; // netfront's tx ring: the first ref after the reserved ones, granted to dom0
    const op: MapOp = { ref, dom: pv, flags: GNTMAP_host_map };
    expect(gnttabMapGrantRef(xen, emu, [op])).toBe(0);
    expect(op.status).toBe(GNTST_general_error);
    expect(xen.con.ring.at(-1)).toBe(`(XEN) grant_table.c:d${emu} Bad flags (19) or dom (0). (expected dom ${emu})`);
  });

  it('a read-only grant maps read-only but not writable; the entry shows GTF_reading while mapped', () => {
    const { h, xen, pv, nf } = host();
    expect(nf.xmit(new Uint8Array(60).fill(0xab))).toBe(true);
    // The tx request's grant, before netback has run: read it from the ring slot.
    const txRef = xen.world.pc.mem.readU32(tx0Slot(h));
    const rw: MapOp = { ref: txRef, dom: pv, flags: GNTMAP_host_map };
    const ro: MapOp = { ref: txRef, dom: pv, flags: GNTMAP_host_map | GNTMAP_readonly };
    gnttabMapGrantRef(xen, 0, [rw, ro]);
    expect([rw.status, ro.status]).toEqual([GNTST_general_error, GNTST_okay]);
    const gt = xen.domain(pv)!.grantTable!;
    expect(xen.world.pc.mem.readU32(gt.frames[0] + txRef * 8) & GTF_reading).toBe(GTF_reading);
  });

  it('a ref past the table is GNTST_bad_gntref; a copy from a frame the caller does not own is GNTST_general_error, by mfn of another domain GNTST_permission_denied', () => {
    const { xen, pv, emu } = host();
    const op: MapOp = { ref: 100000, dom: pv, flags: GNTMAP_host_map };
    gnttabMapGrantRef(xen, 0, [op]);
    expect(op.status).toBe(GNTST_bad_gntref);
    const foreign = xen.domain(emu)!.frames[0].mfn;
    const copy: CopyOp = { source: { mfn: foreign, domid: 0x7ff0, offset: 0 }, dest: { ref: 9, domid: pv, offset: 0 }, len: 64, flags: GNTCOPY_dest_gref };
    expect(gnttabCopy(xen, 0, [copy])).toBe(0);
    expect(copy.status).toBe(GNTST_general_error);
    expect(xen.con.ring.at(-1)).toBe(`(XEN) grant_table.c:d0 Could not get src frame ${foreign.toString(16)}`);
    const byMfn: CopyOp = { ...copy, source: { mfn: foreign, domid: emu, offset: 0 } };
    gnttabCopy(xen, 0, [byMfn]);
    expect(byMfn.status).toBe(GNTST_permission_denied);
  });
});

describe('snapshots of the new components', () => {
  it('event channels, grant tables, netback’s vif, xenstore, xenbr0 and the RTL8139 save and restore to the same state', () => {
    const { h } = host();
    const reg = h.pc.sim.snapshots;
    const ids = reg.ids.filter((id) => /evtchn|grant_table|netback|xenstore|xenbr0|rtl8139/.test(id));
    expect(ids.length).toBeGreaterThanOrEqual(8);
    for (const id of ids) {
      const c = reg.component<{ save(): unknown; restore(s: unknown): void }>(id);
      const before = JSON.stringify(c.save());
      c.restore(JSON.parse(before));
      expect(JSON.stringify(c.save()), id).toBe(before);
    }
  });
});

/** Machine address of netfront's first tx request slot (the tx ring page is its first allocation). */
function tx0Slot(h: ReturnType<typeof bootVariant>): number {
  return h.xend.byName('pv-net')!.pvGuest!.allocated[0] + 64;
}
