/**
 * The payload of an `installSnapshot` message: the state machine's snapshot bytes behind a
 * CRC-32C, so a follower never restores from bytes damaged on the way (record batches carry
 * their own CRC; snapshot bytes have none of their own).
 *
 * Layout: crc32c: uint32 big-endian (of the state bytes) | state bytes.
 *
 * Must not: interpret the state bytes (only the state machine does).
 */
import { crc32c } from '../protocol/crc32c.js';

const CRC_BYTES = 4;

export function encodeSnapshotPayload(state: Uint8Array): Uint8Array {
  const payload = new Uint8Array(CRC_BYTES + state.length);
  new DataView(payload.buffer).setUint32(0, crc32c(state));
  payload.set(state, CRC_BYTES);
  return payload;
}

/** The state bytes, or null when the payload is damaged (the message is then dropped). */
export function decodeSnapshotPayload(payload: Uint8Array): Uint8Array | null {
  if (payload.length < CRC_BYTES) return null;
  const expected = new DataView(payload.buffer, payload.byteOffset, CRC_BYTES).getUint32(0);
  const state = payload.subarray(CRC_BYTES);
  return crc32c(state) === expected ? state : null;
}
