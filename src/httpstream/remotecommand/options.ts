/**
 * Which streams an exec or attach request asks for, read from its query the way the API server
 * reads `PodExecOptions`/`PodAttachOptions`: kubectl sends only the true flags
 * (`stdin=true&stdout=true&…`), and a flag counts as true unless its first value is `0` or
 * `false` in any case (apimachinery `runtime` Convert_Slice_string_To_bool).
 */

export interface RemoteCommandOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export function parseRemoteCommandOptions(url: URL): RemoteCommandOptions | { error: string } {
  const flag = (name: string): boolean => {
    const values = url.searchParams.getAll(name);
    if (values.length === 0) return false;
    const first = values[0]!;
    return !(first === "0" || first.toLowerCase() === "false");
  };
  const tty = flag("tty");
  const stdin = flag("stdin");
  const stdout = flag("stdout");
  // A terminal has one output stream: stderr is merged into stdout (kubelet remotecommand
  // NewOptions drops it, and kubectl -t never asks for it).
  const stderr = flag("stderr") && !tty;
  if (!stdin && !stdout && !stderr) {
    // The API server's text (registry/core/pod ExecLocation / AttachLocation).
    return { error: "you must specify at least 1 of stdin, stdout, stderr" };
  }
  return { stdin, stdout, stderr, tty };
}

/** The command an exec request runs (`command=sh&command=-c&…`); empty for attach. */
export function requestedCommand(url: URL): string[] {
  return url.searchParams.getAll("command");
}
