/**
 * Path rules for files a volume projects and for sub-paths of mounts
 * (pkg/apis/core/validation validateLocalDescendingPath, validatePathNoBacksteps,
 * ValidateLocalNonReservedPath): they must stay inside the volume.
 */
import { FieldPath, invalid, type FieldError } from "../../meta/field-errors.js";

export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  // One error is enough even for ../../..
  return target.split("/").includes("..") ? [invalid(path, target, "must not contain '..'")] : [];
}

export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith("/")) errs.push(invalid(path, target, "must be a relative path"));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** Like a descending path, and `..data`-style names are reserved for the atomic writer. */
export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith("..") && !target.startsWith("../")) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}
