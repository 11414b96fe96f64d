import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldErrorText } from "../../meta/field-errors.js";
import { eventsV1AsCore, validateEventCreate } from "./event-validation.js";

describe("events", () => {
  it("core/v1 events must live in their object's namespace", () => {
    const e = { metadata: { name: "p.1", namespace: "default" }, involvedObject: { kind: "Pod", name: "p", namespace: "other" }, reason: "Started" };
    assert.deepEqual(validateEventCreate(e, false).map(fieldErrorText),
      ["involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"]);
    assert.deepEqual(validateEventCreate({ ...e, involvedObject: { ...e.involvedObject, namespace: "default" } }, false), []);
  });

  it("events.k8s.io/v1 events need the reporting fields and no deprecated ones", () => {
    const e = eventsV1AsCore({
      metadata: { name: "p.1", namespace: "default" },
      eventTime: "2024-05-01T10:00:00.000000Z",
      regarding: { kind: "Pod", name: "p", namespace: "default" },
      type: "Normal",
      deprecatedCount: 3,
    });
    assert.deepEqual(validateEventCreate(e, true).map(fieldErrorText), [
      "reportingController: Required value",
      // Upstream also runs the qualified-name check on the empty controller.
      "reportingController: Invalid value: \"\": name part must be non-empty",
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "reportingInstance: Required value",
      "action: Required value",
      "reason: Required value",
      "count: Invalid value: \"\": needs to be unset",
    ]);
  });

  it("a complete scheduler event passes", () => {
    const e = eventsV1AsCore({
      metadata: { name: "p.1", namespace: "default" },
      eventTime: "2024-05-01T10:00:00.000000Z",
      regarding: { kind: "Pod", name: "p", namespace: "default" },
      type: "Normal", reason: "Scheduled", action: "Binding", note: "Successfully assigned default/p to n1",
      reportingController: "default-scheduler", reportingInstance: "default-scheduler-n1",
    });
    assert.deepEqual(validateEventCreate(e, true), []);
  });
});
