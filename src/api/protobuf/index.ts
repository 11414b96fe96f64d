export {
  decodeKubernetesProtobuf,
  protobufMagic,
  protobufMediaType,
  UnsupportedProtobufKindError,
  type DecodedObject,
} from "./decode.js";
export { messageDecoder, type MessageDecoder } from "./decode-message.js";
export { messageTables, protobufKinds, type ProtobufKind } from "./message-tables.js";
export type { FieldSpec, FieldTable, FieldType, MessageTable } from "./message-spec.js";
export { ProtobufDecodeError, WireReader, WireType, type Tag } from "./wire.js";
