/**
 * Where the runtime keeps things under its root directory. One place, so that reset,
 * adoption after a restart and garbage collection agree on every path.
 */
import { join } from "node:path";

export interface RuntimeLayout {
  root: string;
  /** OCI image layout: oci-layout, index.json, blobs/sha256/…, plus ingest/ for partial downloads. */
  images: string;
  /** Unpacked layers, one directory per chain id (hex), shared by every image using them. */
  layers: string;
  /** One directory per container: meta.json, the OCI bundle (config.json, rootfs/), upper/, work/. */
  containers: string;
  /** conmon writes one exit file per container here; watched for exits. */
  exits: string;
  /** conmon's attach sockets and control fifos. */
  conmonSockets: string;
  /** runc's state (--root), private to this runtime root. */
  runcRoot: string;
  /** One directory per sandbox: meta.json, ns/{net,ipc,uts,pid}, hosts, hostname, resolv.conf, shm/. */
  sandboxes: string;
  /** host-local IPAM's dataDir. */
  ipam: string;
  /** Default parent of per-pod log directories. */
  podLogs: string;
  /** The network settings in force, recorded so reset can undo them without flags. */
  networkState: string;
}

export function runtimeLayout(root: string): RuntimeLayout {
  return {
    root,
    images: join(root, "images"),
    layers: join(root, "layers"),
    containers: join(root, "containers"),
    exits: join(root, "exits"),
    conmonSockets: join(root, "conmon"),
    runcRoot: join(root, "runc"),
    sandboxes: join(root, "sandboxes"),
    ipam: join(root, "ipam"),
    podLogs: join(root, "pods"),
    networkState: join(root, "network.json"),
  };
}
