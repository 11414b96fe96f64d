/** The error-stream Status for each way a remote command ends (spec §7.3). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { remoteCommandStatus, type RemoteCommandRequest, type RemoteCommandResult } from "./status.js";

const exec: RemoteCommandRequest = { kind: "exec", command: ["sh", "-c", "exit 7"] };
const attach: RemoteCommandRequest = { kind: "attach", command: [] };

const cases: Array<{ name: string; result: RemoteCommandResult; request: RemoteCommandRequest; want: string }> = [
  { name: "exit 0 is Success", result: { exitCode: 0 }, request: exec, want: '{"metadata":{},"status":"Success"}' },
  {
    name: "exit 7 is NonZeroExitCode with the code as cause",
    result: { exitCode: 7 },
    request: exec,
    want: '{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}',
  },
  {
    name: "an exec failure is an InternalError",
    result: { error: 'exec: "nosuch": executable file not found in $PATH' },
    request: exec,
    want: '{"metadata":{},"status":"Failure","message":"Internal error occurred: error executing command in container: exec: \\"nosuch\\": executable file not found in $PATH","reason":"InternalError","details":{"causes":[{"message":"error executing command in container: exec: \\"nosuch\\": executable file not found in $PATH"}]},"code":500}',
  },
  {
    name: "an attach failure says attaching",
    result: { error: "container not running" },
    request: attach,
    want: '{"metadata":{},"status":"Failure","message":"Internal error occurred: error attaching to container: container not running","reason":"InternalError","details":{"causes":[{"message":"error attaching to container: container not running"}]},"code":500}',
  },
];

for (const c of cases) {
  test(`remoteCommandStatus: ${c.name}`, () => {
    assert.equal(remoteCommandStatus(c.result, c.request), c.want);
  });
}
