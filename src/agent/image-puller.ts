/**
 * Getting a container's image before it is created, as the kubelet's imageManager
 * EnsureImageExists (pkg/kubelet/images/image_manager.go): the pull policy decides whether
 * to pull, a failed pull backs off per pod and image (10 s doubling to 5 min, the same
 * flowcontrol back-off the crash loop uses), and every step is an event on the container
 * with upstream's reason and text. Returns the image to create the container from, or the
 * waiting reason and message the container shows instead.
 */
import { defaultPullPolicy, type Container, type Pod } from "../api/index.js";
import { goDuration, type Clock } from "../base/index.js";
import { credentialsForImage, isRuntimeError, type Image, type ImageService, type RegistryAuth } from "../runtime/index.js";
import { CrashLoopBackOff } from "./crash-loop-backoff.js";

export type ImageEventType = "Normal" | "Warning";
export type RecordContainerEvent = (type: ImageEventType, reason: string, message: string) => void;

export type EnsureImageResult =
  | { image: Image }
  | { waiting: { reason: "ErrImagePull" | "ImagePullBackOff" | "InvalidImageName" | "ErrImageNeverPull"; message: string }; retryAt?: Date };

/** upstream podWorkers backOffPeriod: a sync that failed is retried after this. */
const podWorkerBackOffMs = 10_000;

export type PullPolicy = "Always" | "IfNotPresent" | "Never";

/** The server defaults the policy; an object that reaches the agent without it gets the same rule. */
export function pullPolicy(container: Container): PullPolicy {
  const p = container.imagePullPolicy;
  if (p === "Always" || p === "IfNotPresent" || p === "Never") return p;
  return defaultPullPolicy(container.image);
}

export class ImagePuller {
  readonly #backOff: CrashLoopBackOff;
  /** When each key's last pull failed: the back-off counts from there. */
  readonly #failedAt = new Map<string, Date>();

  constructor(
    private readonly images: ImageService,
    private readonly clock: Clock,
  ) {
    this.#backOff = new CrashLoopBackOff({ clock, initialMs: 10_000, maxMs: 300_000 });
  }

  /**
   * Makes sure the container's image is stored. `pullSecrets` are the data of the pod's
   * imagePullSecrets (.dockerconfigjson or .dockercfg), tried in turn as the kubelet does.
   */
  async ensureImage(pod: Pod, container: Container, pullSecrets: readonly Uint8Array[], record: RecordContainerEvent): Promise<EnsureImageResult> {
    const image = container.image ?? "";
    const policy = pullPolicy(container);
    let present: Image | undefined;
    try {
      present = await this.images.imageStatus(image);
    } catch (e) {
      if (isRuntimeError(e, "InvalidImageName")) {
        record("Warning", "InspectFailed", `Failed to apply default image tag "${image}": ${e.message}`);
        record("Warning", "Failed", "Error: InvalidImageName");
        return { waiting: { reason: "InvalidImageName", message: `Failed to apply default image tag "${image}": ${e.message}` } };
      }
      throw e;
    }
    if (present !== undefined && policy !== "Always") {
      record("Normal", "Pulled", `Container image "${image}" already present on machine`);
      return { image: present };
    }
    if (policy === "Never") {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      record("Warning", "ErrImageNeverPull", message);
      record("Warning", "Failed", "Error: ErrImageNeverPull");
      return { waiting: { reason: "ErrImageNeverPull", message } };
    }

    const key = `${pod.metadata?.uid ?? ""}_${image}`;
    const now = this.clock.now();
    const failedAt = this.#failedAt.get(key);
    const wait = failedAt === undefined ? undefined : this.#backOff.inBackOffSince(key, failedAt, now);
    if (wait !== undefined) {
      const message = `Back-off pulling image "${image}"`;
      record("Normal", "BackOff", message);
      record("Warning", "Failed", "Error: ImagePullBackOff");
      return { waiting: { reason: "ImagePullBackOff", message }, retryAt: wait.until };
    }

    record("Normal", "Pulling", `Pulling image "${image}"`);
    const started = this.clock.now().getTime();
    try {
      const pulled = await this.pullWithSecrets(image, pullSecrets);
      const took = goDuration(this.clock.now().getTime() - started);
      this.#failedAt.delete(key);
      this.#backOff.reset(key);
      record("Normal", "Pulled", `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${pulled.size} bytes.`);
      return { image: pulled };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (isRuntimeError(e, "InvalidImageName")) {
        record("Warning", "InspectFailed", `Failed to apply default image tag "${image}": ${message}`);
        record("Warning", "Failed", "Error: InvalidImageName");
        return { waiting: { reason: "InvalidImageName", message: `Failed to apply default image tag "${image}": ${message}` } };
      }
      const at = this.clock.now();
      this.#backOff.next(key, at);
      this.#failedAt.set(key, at);
      record("Warning", "Failed", `Failed to pull image "${image}": ${message}`);
      record("Warning", "Failed", "Error: ErrImagePull");
      // Synced again after the pod worker's back-off period, as the kubelet requeues a failed
      // sync: while the pull back-off (which has just doubled) still holds, that sync shows
      // ImagePullBackOff, so the container alternates ErrImagePull / ImagePullBackOff.
      return { waiting: { reason: "ErrImagePull", message }, retryAt: new Date(at.getTime() + podWorkerBackOffMs) };
    }
  }

  /** Forget a pod's back-offs (it is gone). */
  forgetPod(uid: string): void {
    for (const key of [...this.#failedAt.keys()]) {
      if (key.startsWith(`${uid}_`)) {
        this.#failedAt.delete(key);
        this.#backOff.reset(key);
      }
    }
  }

  private async pullWithSecrets(image: string, pullSecrets: readonly Uint8Array[]): Promise<Image> {
    const auths: (RegistryAuth | undefined)[] = credentialsForImage(pullSecrets, image);
    if (auths.length === 0) return this.images.pullImage(image);
    let lastError: unknown;
    for (const auth of auths) {
      try {
        return await this.images.pullImage(image, auth ? { auth } : {});
      } catch (e) {
        if (isRuntimeError(e, "InvalidImageName")) throw e;
        lastError = e;
      }
    }
    throw lastError;
  }
}
