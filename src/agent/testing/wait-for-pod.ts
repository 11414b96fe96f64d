/** Polls a pod through the API until a check passes; on timeout the error shows its last status. */
import type { PodObject } from "../../api/index.js";
import type { ResourceClient } from "../../client/index.js";
import { waitFor } from "../../../test/harness/wait-for.js";

export async function waitForPod(
  pods: ResourceClient<PodObject>,
  namespace: string,
  name: string,
  what: string,
  check: (pod: PodObject) => boolean,
  timeoutMs = 30_000,
): Promise<PodObject> {
  let last: PodObject | undefined;
  try {
    return await waitFor(
      async () => {
        last = await pods.get(namespace, name);
        return check(last) ? last : undefined;
      },
      { what: `pod ${name}: ${what}`, timeoutMs, intervalMs: 100 },
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last?.status, null, 1)}`);
  }
}
