/**
 * The Status errors a patch that cannot be applied turns into, with the codes and texts
 * the API server uses (apiserver pkg/endpoints/handlers/patch.go):
 *
 *  - a body that does not decode as the patch type: 400 BadRequest with the decoder's text;
 *  - a JSON patch whose operation fails (missing path, failed test, ...): 422 Invalid with
 *    the fixed text below; `NewGenericServerResponse` drops the library's own message;
 *  - strategic merge patch: `interpretStrategicMergePatchError` makes the malformed-directive
 *    errors 400 and "lists of lists" 422; every other error reaches the client as a 500
 *    whose message is the raw error text and whose reason is empty (`ErrorToAPIStatus`).
 */
import { BadRequestError, StatusError } from "../meta/status-errors.js";
import { goFormat, goTypeText } from "./go-format.js";
import type { JsonMap } from "./json-value.js";

/** apimachinery `NewGenericServerResponse` text for 422. */
export const genericInvalidMessage = "the server rejected our request due to an error in our request";

/** 400 BadRequest with upstream's text. */
export function patchBadRequest(message: string): StatusError {
  return new BadRequestError(message);
}

/**
 * 422 Invalid as `NewGenericServerResponse(422, ...)` builds it: a fixed message and empty
 * details. `why` is the underlying failure, kept as the error's `cause` for logs only.
 */
export function patchUnprocessable(why: string): StatusError {
  const err = new StatusError(422, "Invalid", genericInvalidMessage, {});
  err.cause = why;
  return err;
}

/** A plain Go error that the API server reports as a 500 without a reason. */
export function patchServerError(message: string): StatusError {
  return new StatusError(500, "", message);
}

// The errors of apimachinery pkg/util/mergepatch/errors.go, with the status each gets.

export const badPatchFormatForPrimitiveList = (): StatusError =>
  patchBadRequest("invalid patch format of primitive list");
export const badPatchFormatForRetainKeys = (): StatusError =>
  patchBadRequest("invalid patch format of retainKeys");
export const badPatchFormatForSetElementOrderList = (): StatusError =>
  patchBadRequest("invalid patch format of setElementOrder list");
export const noListOfLists = (): StatusError => patchUnprocessable("lists of lists are not supported");

export const noMergeKey = (m: JsonMap, key: string): StatusError =>
  patchServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);

/** `ErrBadArgType`: `expected` names the Go type the code asserted. */
export const badArgType = (expected: "map" | "slice", actual: unknown): StatusError =>
  patchServerError(`expected a ${expected === "map" ? "map[string]interface {}" : "[]interface {}"}, but received a ${goTypeText(actual)}`);

export const badPatchType = (directive: unknown, m: JsonMap): StatusError =>
  patchServerError(`unknown patch type: ${goFormat(directive, "s")} in map: ${goFormat(m)}`);
