/**
 * The shape of the field tables: for each protobuf message of the Kubernetes API, its
 * field numbers with the JSON name and the Go JSON rules that decide whether a value
 * shows up in the object Peapod handles.
 *
 * Field numbers and protobuf types are facts of the published `generated.proto` files;
 * the JSON names and the `optional`/`omitEmpty`/`inline` flags are facts of the Go
 * struct tags beside them (`json:"name,omitempty"`, pointer fields, embedded structs).
 */

export type ScalarType = "string" | "int32" | "int64" | "bool" | "bytes" | "double";

/** A reference to another message by its short name, e.g. `message:ObjectMeta`. */
export type MessageRef = `message:${string}`;

/** Maps travel as repeated `{1: key, 2: value}` entries; every Kubernetes map has string keys. */
export type MapType = `map<string,${ScalarType | MessageRef}>`;

export type FieldType = ScalarType | MessageRef | MapType;

export interface FieldSpec {
  /** The JSON name; empty for an embedded struct whose fields are inlined. */
  readonly json: string;
  readonly type: FieldType;
  readonly repeated?: true;
  /**
   * A Go pointer field: gogo writes it exactly when it is set, so the JSON has it exactly
   * when the wire has it, zero or not (`replicas: 0` stays).
   */
  readonly optional?: true;
  /**
   * A Go value field tagged `omitempty`: a zero scalar is left out of the JSON. Value
   * fields without it always appear (gogo writes them even when zero, and Go's JSON
   * encoder prints them), e.g. `containerPort`, `allowed: false`.
   */
  readonly omitEmpty?: true;
  /** An embedded struct tagged `json:",inline"`: its fields join the parent object. */
  readonly inline?: true;
}

/** One message: field number to field. */
export type FieldTable = Readonly<Record<number, FieldSpec>>;

/** Messages by short name (unique across the API groups Peapod decodes). */
export type MessageTable = Readonly<Record<string, FieldTable>>;
