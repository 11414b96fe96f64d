/**
 * The message format of the Kubernetes WebSocket channel protocols (`channel.k8s.io` and its
 * versioned successors `v4.channel.k8s.io`, `v5.channel.k8s.io`): every binary message starts
 * with one byte naming the channel, and the rest is that channel's payload (apimachinery
 * `util/httpstream/wsstream/conn.go`). v5 adds one control message: `0xFF` followed by exactly
 * one channel byte half-closes that channel (KEP-4006), which is how kubectl says "stdin hit
 * EOF" (spec §7.2).
 */

/** The byte v5 reserves to announce that the sender will write no more on a channel. */
export const streamCloseMarker = 0xff;

export type ChannelMessage =
  | { readonly kind: "data"; readonly channel: number; readonly payload: Buffer }
  | { readonly kind: "close"; readonly channel: number }
  /** Upstream skips empty messages; so do we (it also sends one as a "connected" signal). */
  | { readonly kind: "empty" }
  | { readonly kind: "invalid"; readonly reason: string };

export function encodeChannelMessage(channel: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const message = Buffer.allocUnsafe(payload.length + 1);
  message[0] = channel;
  message.set(payload, 1);
  return message;
}

export function encodeStreamClose(channel: number): Buffer {
  return Buffer.from([streamCloseMarker, channel]);
}

/**
 * `supportsStreamClose` is true for v5 only: in older protocols 0xFF is just channel 255, which
 * nobody reads, so upstream ignores it like any other unknown channel.
 */
export function decodeChannelMessage(message: Buffer, supportsStreamClose: boolean): ChannelMessage {
  if (message.length === 0) return { kind: "empty" };
  if (supportsStreamClose && message[0] === streamCloseMarker) {
    if (message.length !== 2) {
      return { kind: "invalid", reason: `a stream close message carries exactly one channel byte, got ${message.length - 1}` };
    }
    return { kind: "close", channel: message[1]! };
  }
  return { kind: "data", channel: message[0]!, payload: message.subarray(1) };
}
