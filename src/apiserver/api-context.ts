/** What the verb handlers share besides the resource they serve. */
import type { Clock } from "../base/index.js";
import type { Schema } from "../api/index.js";
import type { Admission } from "./admission/admission.js";

export interface ApiContext {
  readonly schema: Schema;
  readonly clock: Clock;
  readonly admission: Admission;
}
