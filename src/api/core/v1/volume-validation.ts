/**
 * Pod volumes and the mounts that use them (pkg/apis/core/validation ValidateVolumes,
 * validateVolumeSource, ValidateVolumeMounts, ValidateVolumeDevices and the per-source
 * checks). Sources Peapod cannot run (cloud disks, iSCSI...) are only counted, so
 * "exactly one source" still holds for them.
 */
import { duplicate, FieldPath, forbidden, invalid, notFound, notSupported, required, tooLong, type FieldError } from "../../meta/field-errors.js";
import { isDNS1123Subdomain } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateDNS1123Label } from "../../meta/object-meta-validation.js";
import { quantitySign, tryParseQuantity } from "../../meta/quantity.js";
import { validateObjectFieldSelector, validateResourceFieldSelector, volumeFieldPaths } from "./env-validation.js";
import type { Container, DownwardAPIVolumeFile, KeyToPath, Volume, VolumeProjection } from "./pod-types.js";
import { validateLocalDescendingPath, validateLocalNonReservedPath, validatePathNoBacksteps } from "./volume-paths.js";

const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive";

/**
 * Sources in upstream's checking order with the path segment its "more than 1" error uses
 * (upstream really writes `cephFS` and `downwarAPI` there). The alpha `image` source is
 * absent: 1.32 drops it while ImageVolume is off.
 */
const sourceOrder: readonly (readonly [string, string])[] = [
  ["emptyDir", "emptyDir"], ["hostPath", "hostPath"], ["gitRepo", "gitRepo"], ["gcePersistentDisk", "gcePersistentDisk"],
  ["awsElasticBlockStore", "awsElasticBlockStore"], ["secret", "secret"], ["nfs", "nfs"], ["iscsi", "iscsi"],
  ["glusterfs", "glusterfs"], ["flocker", "flocker"], ["persistentVolumeClaim", "persistentVolumeClaim"], ["rbd", "rbd"],
  ["cinder", "cinder"], ["cephfs", "cephFS"], ["quobyte", "quobyte"], ["downwardAPI", "downwarAPI"], ["fc", "fc"],
  ["flexVolume", "flexVolume"], ["configMap", "configMap"], ["azureFile", "azureFile"], ["vsphereVolume", "vsphereVolume"],
  ["photonPersistentDisk", "photonPersistentDisk"], ["portworxVolume", "portworxVolume"], ["azureDisk", "azureDisk"],
  ["storageos", "storageos"], ["projected", "projected"], ["scaleIO", "scaleIO"], ["csi", "csi"], ["ephemeral", "ephemeral"],
];

const hostPathTypes = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];

function validateMode(mode: number | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && mode !== null && (mode > 0o777 || mode < 0) ? [invalid(path, mode, fileModeErrorMsg)] : [];
}

function validateKeyToPath(kp: KeyToPath, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!kp.key) errs.push(required(path.child("key")));
  if (!kp.path) errs.push(required(path.child("path")));
  errs.push(...validateLocalNonReservedPath(kp.path ?? "", path.child("path")));
  errs.push(...validateMode(kp.mode, path.child("mode")));
  return errs;
}

function validateDownwardAPIFile(file: DownwardAPIVolumeFile, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!file.path) errs.push(required(path.child("path")));
  errs.push(...validateLocalNonReservedPath(file.path ?? "", path.child("path")));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, volumeFieldPaths, path.child("fieldRef")));
    if (file.resourceFieldRef) errs.push(invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, path.child("resourceFieldRef"), true));
  } else {
    errs.push(required(path, "one of fieldRef and resourceFieldRef is required"));
  }
  errs.push(...validateMode(file.mode, path.child("mode")));
  return errs;
}

function validateProjectionSources(sources: readonly VolumeProjection[], path: FieldPath, errs: FieldError[]): void {
  const paths = new Set<string>();
  const claim = (p: string | undefined, shown: string): void => {
    if (!p) return;
    if (paths.has(p)) errs.push(invalid(path, shown, "conflicting duplicate paths"));
    else paths.add(p);
  };
  sources.forEach((src, i) => {
    let n = 0;
    const sp = path.child("sources").index(i);
    for (const key of ["secret", "configMap"] as const) {
      const s = src[key];
      if (!s) continue;
      n++;
      if (!s.name) errs.push(required(sp.child(key).child("name")));
      (s.items ?? []).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, sp.child(key).child("items").index(j)));
        claim(kp.path, s.name ?? "");
      });
    }
    if (src.downwardAPI) {
      n++;
      for (const file of src.downwardAPI.items ?? []) {
        errs.push(...validateDownwardAPIFile(file, sp.child("downwardAPI")));
        claim(file.path, file.path ?? "");
      }
    }
    if (src.serviceAccountToken) {
      n++;
      const t = src.serviceAccountToken;
      const exp = t.expirationSeconds ?? 0;
      const ep = sp.child("serviceAccountToken").child("expirationSeconds");
      if (exp < 600) errs.push(invalid(ep, exp, "may not specify a duration less than 10 minutes"));
      if (exp > 2 ** 32) errs.push(invalid(ep, exp, "may not specify a duration larger than 2^32 seconds"));
      // Upstream reports the token's path at the projected volume's level.
      if (!t.path) errs.push(required(path.child("path")));
      else errs.push(...validateLocalNonReservedPath(t.path, path.child("path")));
    }
    if (src.clusterTrustBundle) n++;
    if (n > 1) errs.push(forbidden(sp, "may not specify more than 1 volume type per source"));
  });
}

function validateSource(v: Volume, key: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case "emptyDir": {
      const limit = v.emptyDir?.sizeLimit;
      const q = limit === undefined ? undefined : tryParseQuantity(limit).quantity;
      if (q && quantitySign(q) < 0) errs.push(forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
      break;
    }
    case "hostPath": {
      const hp = v.hostPath!;
      if (!hp.path) return [required(path.child("path"))];
      errs.push(...validatePathNoBacksteps(hp.path, path.child("path")));
      if (hp.type !== undefined && !hostPathTypes.includes(hp.type)) errs.push(notSupported(path.child("type"), hp.type, hostPathTypes));
      break;
    }
    case "secret": {
      const s = v.secret!;
      if (!s.secretName) errs.push(required(path.child("secretName")));
      errs.push(...validateMode(s.defaultMode, path.child("defaultMode")));
      (s.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, path.child("items").index(i))));
      break;
    }
    case "configMap": {
      const c = v.configMap!;
      if (!c.name) errs.push(required(path.child("name")));
      errs.push(...validateMode(c.defaultMode, path.child("defaultMode")));
      (c.items ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, path.child("items").index(i))));
      break;
    }
    case "downwardAPI": {
      const d = v.downwardAPI!;
      errs.push(...validateMode(d.defaultMode, path.child("defaultMode")));
      // Upstream validates every item at the volume source's path, without an index.
      for (const file of d.items ?? []) errs.push(...validateDownwardAPIFile(file, path));
      break;
    }
    case "projected": {
      const p = v.projected!;
      errs.push(...validateMode(p.defaultMode, path.child("defaultMode")));
      validateProjectionSources(p.sources ?? [], path, errs);
      break;
    }
    case "persistentVolumeClaim":
      if (!v.persistentVolumeClaim!.claimName) errs.push(required(path.child("claimName")));
      break;
    case "nfs": {
      const n = v.nfs!;
      if (!n.server) errs.push(required(path.child("server")));
      if (!n.path) errs.push(required(path.child("path")));
      if (!(n.path ?? "").startsWith("/")) errs.push(invalid(path.child("path"), n.path ?? "", "must be an absolute path"));
      break;
    }
    case "gitRepo": {
      const g = v["gitRepo"] as { repository?: string; directory?: string };
      if (!g.repository) errs.push(required(path.child("repository")));
      errs.push(...validateLocalDescendingPath(g.directory ?? "", path.child("directory")));
      break;
    }
    case "csi": {
      const driver = v.csi!.driver ?? "";
      const dp = path.child("driver");
      if (!driver) errs.push(required(dp));
      if (driver.length > 63) errs.push(tooLong(dp, "", 63));
      for (const msg of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalid(dp, driver, msg));
      const ref = v.csi!.nodePublishSecretRef;
      if (ref) {
        if (!ref.name) errs.push(required(path.child("nodePublishSecretRef", "name")));
        else for (const msg of nameIsDNSSubdomain(ref.name, false)) errs.push(invalid(path.child("name"), ref.name, msg));
      }
      break;
    }
    case "ephemeral":
      if (!v.ephemeral!.volumeClaimTemplate) errs.push(required(path.child("volumeClaimTemplate")));
      break;
  }
  return errs;
}

function validateVolumeSource(v: Volume, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const [key, errorSegment] of sourceOrder) {
    if (v[key] === undefined || v[key] === null) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(errorSegment), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(...validateSource(v, key, path.child(key)));
  }
  if (count === 0) errs.push(required(path, "must specify a volume type"));
  return errs;
}

/** Validates the volumes and returns the ones mounts may refer to (those without errors). */
export function validateVolumes(volumes: readonly Volume[] | undefined, path: FieldPath): { valid: Map<string, Volume>; errors: FieldError[] } {
  const valid = new Map<string, Volume>();
  const errors: FieldError[] = [];
  (volumes ?? []).forEach((v, i) => {
    const p = path.index(i);
    const el = validateVolumeSource(v, p);
    const name = v.name ?? "";
    if (!name) el.push(required(p.child("name")));
    else el.push(...validateDNS1123Label(name, p.child("name")));
    if (valid.has(name)) el.push(duplicate(p.child("name"), name));
    if (el.length === 0) valid.set(name, v);
    else errors.push(...el);
  });
  return { valid, errors };
}

const propagationModes = ["Bidirectional", "HostToContainer", "None"];
const recursiveReadOnlyModes = ["Disabled", "Enabled", "IfPossible"];

export function validateVolumeMounts(c: Container, volumes: Map<string, Volume>, path: FieldPath, checkPrivilege: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  const devices = new Map((c.volumeDevices ?? []).map((d) => [d.name ?? "", d.devicePath ?? ""]));
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = path.index(i);
    const name = m.name ?? "";
    const mountPath = m.mountPath ?? "";
    if (!name) errs.push(required(p.child("name")));
    if (!volumes.has(name)) errs.push(notFound(p.child("name"), name));
    if (!mountPath) errs.push(required(p.child("mountPath")));
    if (mountPaths.has(mountPath)) errs.push(invalid(p.child("mountPath"), mountPath, "must be unique"));
    mountPaths.add(mountPath);
    if (devices.has(name)) errs.push(invalid(p.child("name"), name, "must not already exist in volumeDevices"));
    if ([...devices.values()].includes(mountPath)) {
      errs.push(invalid(p.child("mountPath"), mountPath, "must not already exist as a path in volumeDevices"));
    }
    // Upstream reports sub-path problems at the list's path, not the item's.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, path.child("subPath")));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(p.child("subPathExpr"), m.subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, path.child("subPathExpr")));
    }
    if (m.mountPropagation !== undefined) {
      const pp = path.child("mountPropagation");
      if (!propagationModes.includes(m.mountPropagation)) errs.push(notSupported(pp, m.mountPropagation, propagationModes));
      if (checkPrivilege && m.mountPropagation === "Bidirectional" && c.securityContext?.privileged !== true) {
        errs.push(forbidden(pp, "Bidirectional mount propagation is available only to privileged containers"));
      }
    }
    if (m.recursiveReadOnly !== undefined) {
      const rp = path.child("recursiveReadOnly");
      if (m.recursiveReadOnly === "Enabled" || m.recursiveReadOnly === "IfPossible") {
        if (!m.readOnly) errs.push(forbidden(rp, "may only be specified when readOnly is true"));
        if (m.mountPropagation && m.mountPropagation !== "None") {
          errs.push(forbidden(rp, "may only be specified when mountPropagation is None or not specified"));
        }
      } else if (m.recursiveReadOnly !== "Disabled") {
        errs.push(notSupported(rp, m.recursiveReadOnly, recursiveReadOnlyModes));
      }
    }
  });
  return errs;
}

/** Raw block devices need a PVC-backed volume. */
export function validateVolumeDevices(c: Container, volumes: Map<string, Volume>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  const devicePaths = new Set<string>();
  const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.name ?? "", m.mountPath ?? ""]));
  (c.volumeDevices ?? []).forEach((d, i) => {
    const p = path.index(i);
    const name = d.name ?? "";
    const devPath = d.devicePath ?? "";
    const vol = volumes.get(name);
    if (!name) errs.push(required(p.child("name")));
    if (names.has(name)) errs.push(invalid(p.child("name"), name, "must be unique"));
    if (vol && !vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(invalid(p.child("name"), name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
    }
    if (!vol) errs.push(notFound(p.child("name"), name));
    if (!devPath) errs.push(required(p.child("devicePath")));
    if (devicePaths.has(devPath)) errs.push(invalid(p.child("devicePath"), devPath, "must be unique"));
    if (devPath && devPath.split("/").includes("..")) {
      errs.push(invalid(p.child("devicePath"), devPath, "can not contain backsteps ('..')"));
    } else {
      devicePaths.add(devPath);
    }
    if (mounts.has(name)) errs.push(invalid(p.child("name"), name, "must not already exist in volumeMounts"));
    if ([...mounts.values()].includes(devPath)) {
      errs.push(invalid(p.child("devicePath"), devPath, "must not already exist as a path in volumeMounts"));
    }
    if (name) names.add(name);
  });
  return errs;
}
