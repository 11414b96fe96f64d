/**
 * /exec/{namespace}/{pod}/{container}?command=…&stdin=…&stdout=…&stderr=…&tty=…: a command
 * in a running container, as the kubelet serves it behind pods/exec (WebSocket v5 or SPDY,
 * both through serveRemoteCommand). The exit code becomes the Status kubectl turns into its
 * own; a process the runtime cannot start is an InternalError with the runtime's reason.
 * When the client goes, the process is killed, so nothing outlives the connection.
 */
import type { RemoteCommandStreams } from "../../httpstream/index.js";
import type { RuntimeService } from "../../runtime/index.js";
import type { NodeServer } from "./node-server.js";
import type { PodLookup } from "./pod-lookup.js";
import { registerRemoteCommand } from "./running-container.js";
import { firstTerminalSize, followTerminalSizes } from "./terminal-sizes.js";

export interface ExecDeps {
  lookup: PodLookup;
  runtime: Pick<RuntimeService, "listContainers" | "exec">;
}

export function registerExec(server: NodeServer, deps: ExecDeps): void {
  registerRemoteCommand(server, "exec", deps, (target, url, streams) => runExec(deps.runtime, target.id, url.searchParams.getAll("command"), streams));
}

async function runExec(runtime: ExecDeps["runtime"], id: string, cmd: string[], streams: RemoteCommandStreams): Promise<{ exitCode: number }> {
  const sizes = await firstTerminalSize(streams.resize);
  if (streams.signal.aborted) return { exitCode: 137 };
  const session = await runtime.exec(id, {
    cmd,
    tty: streams.tty,
    ...(streams.stdin ? { stdin: streams.stdin } : {}),
    ...(streams.stdout ? { stdout: streams.stdout } : {}),
    ...(streams.stderr ? { stderr: streams.stderr } : {}),
    ...(sizes.first ? { size: sizes.first } : {}),
  });
  const kill = (): void => session.kill();
  streams.signal.addEventListener("abort", kill, { once: true });
  followTerminalSizes(sizes.rest, (size) => session.resize(size));
  try {
    return { exitCode: await session.exit };
  } finally {
    streams.signal.removeEventListener("abort", kill);
  }
}
