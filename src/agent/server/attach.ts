/**
 * /attach/{namespace}/{pod}/{container}?stdin=…&stdout=…&stderr=…&tty=…: the streams of a
 * running container's main process, as the kubelet serves them behind pods/attach. The
 * terminal is the container's own (its spec's tty, which cannot change now). The session
 * ends when the container's output ends; a client that goes detaches and leaves the
 * container running (stdinOnce then closes its stdin, which is the runtime's business).
 */
import type { RemoteCommandStreams } from "../../httpstream/index.js";
import type { RuntimeService } from "../../runtime/index.js";
import type { NodeServer } from "./node-server.js";
import type { PodLookup } from "./pod-lookup.js";
import { registerRemoteCommand } from "./running-container.js";
import { firstTerminalSize, followTerminalSizes } from "./terminal-sizes.js";

export interface AttachDeps {
  lookup: PodLookup;
  runtime: Pick<RuntimeService, "listContainers" | "attach">;
}

export function registerAttach(server: NodeServer, deps: AttachDeps): void {
  registerRemoteCommand(server, "attach", deps, (target, _url, streams) => runAttach(deps.runtime, target.id, target.container.tty === true, streams));
}

async function runAttach(runtime: AttachDeps["runtime"], id: string, tty: boolean, streams: RemoteCommandStreams): Promise<{ exitCode: number }> {
  const sizes = await firstTerminalSize(streams.resize);
  if (streams.signal.aborted) return { exitCode: 0 };
  const session = await runtime.attach(id, {
    tty,
    ...(streams.stdin ? { stdin: streams.stdin } : {}),
    ...(streams.stdout ? { stdout: streams.stdout } : {}),
    ...(streams.stderr ? { stderr: streams.stderr } : {}),
    ...(sizes.first ? { size: sizes.first } : {}),
  });
  const detach = (): void => session.detach();
  streams.signal.addEventListener("abort", detach, { once: true });
  followTerminalSizes(sizes.rest, (size) => session.resize(size));
  try {
    await session.done;
    // The kubelet answers Success once the streams are done; attach has no exit code of its own.
    return { exitCode: 0 };
  } finally {
    streams.signal.removeEventListener("abort", detach);
  }
}
