/** SPDY/3.1, server side: the frame codec, header blocks, the session and the HTTP upgrade. */
export { spdy3HeaderDictionary, spdy3DictionaryId } from "./dictionary.js";
export {
  ControlType,
  encodeFrame,
  flagFin,
  flagUnidirectional,
  FrameReader,
  GoAwayStatus,
  maxFramePayload,
  RstStatus,
  SpdyProtocolError,
  spdyVersion,
  type Frame,
  type FrameReaderOptions,
  type HeaderFrame,
  type SettingsEntry,
} from "./frames.js";
export { decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor, type HeaderPairs } from "./header-block.js";
export { SpdySession, type SpdySessionOptions, type SpdyStream } from "./session.js";
export {
  acceptSpdyUpgrade,
  headerStreamProtocolVersion,
  negotiateStreamProtocol,
  type AcceptedSpdyUpgrade,
} from "./upgrade.js";
