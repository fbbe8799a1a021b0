/**
 * The network split driver's ring entries (xen/include/public/io/netif.h): a tx request is
 * {gref u32, offset u16, flags u16, id u16, size u16}, a tx response {id u16, status s16}; an rx
 * request {id u16, pad, gref u32}, an rx response {id u16, offset u16, flags u16, status s16}
 * (status: the frame's length, or a negative NETIF_RSP_*). Slots are the larger of each pair.
 */
export const TX_REQ_SIZE = 12;
export const RX_REQ_SIZE = 8;
export const NETIF_RSP_DROPPED = -2;
export const NETIF_RSP_ERROR = -1;
export const NETIF_RSP_OKAY = 0;
