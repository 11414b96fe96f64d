/**
 * The WebSocket subprotocol names Kubernetes streaming endpoints negotiate (apimachinery
 * `util/remotecommand/constants.go` and `util/portforward/constants.go`).
 */

/** exec/attach with the 0xFF stream close (KEP-4006); kubectl 1.29+ offers only this one. */
export const channelProtocolV5 = "v5.channel.k8s.io";
/** exec/attach with JSON Status on the error channel and resize on channel 4; no stream close. */
export const channelProtocolV4 = "v4.channel.k8s.io";
/** A whole SPDY/3.1 port-forward session tunnelled in binary messages (spec §9.2). */
export const portForwardTunnelProtocol = "SPDY/3.1+portforward.k8s.io";

/** Whether the client may half-close a channel with 0xFF (only v5 defines it). */
export function supportsStreamClose(protocol: string): boolean {
  return protocol === channelProtocolV5;
}
