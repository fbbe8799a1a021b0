/**
 * The kernel's copy of Xen's public event-channel header (include/xen/interface/event_channel.h
 * in 2.6.18-xen): the flag values a kernel passes, as Xen reads them.
 */

/** evtchn_bind_pirq_t.flags: the kernel will share the line with other domains' devices. */
export const BIND_PIRQ__WILL_SHARE = 1;
