/**
 * A probe's port as the kubelet resolves it (pkg/probe ResolveContainerPort): a number,
 * the name of one of the container's ports, or a number written as a string.
 */
import { goQuote, type Container, type IntOrString } from "../../api/index.js";

export function resolveContainerPort(port: IntOrString | undefined, container: Container): number {
  let value: number;
  if (typeof port === "number") {
    value = port;
  } else if (typeof port === "string") {
    const named = container.ports?.find((p) => p.name === port);
    if (named) value = named.containerPort ?? 0;
    // The last try: a number stored as a string. Go's Atoi text is what users see in events.
    else if (/^[+-]?\d+$/.test(port)) value = Number(port);
    else throw new Error(`strconv.Atoi: parsing ${goQuote(port)}: invalid syntax`);
  } else {
    throw new Error(`intOrString had no kind: {Type:0 IntVal:0 StrVal:}`);
  }
  if (value > 0 && value < 65536) return value;
  throw new Error(`invalid port number: ${value}`);
}
