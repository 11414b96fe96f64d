/**
 * All field tables in one place, and the top-level kinds Peapod accepts as protobuf:
 * the ones kubectl 1.32's typed clients send for `kubectl create <kind>` and
 * `kubectl auth can-i` (kubectl pkg/cmd/create/*.go, pkg/cmd/auth/cani.go).
 */
import { apimachineryMessages } from "./apimachinery-messages.js";
import { appsV1Messages } from "./apps-v1-messages.js";
import { authorizationV1Messages } from "./authorization-v1-messages.js";
import { batchV1Messages } from "./batch-v1-messages.js";
import { coreV1ContainerMessages } from "./core-v1-container-messages.js";
import { coreV1ObjectMessages } from "./core-v1-object-messages.js";
import { coreV1PodMessages } from "./core-v1-pod-messages.js";
import { coreV1VolumeMessages } from "./core-v1-volume-messages.js";
import type { MessageTable } from "./message-spec.js";

export const messageTables: MessageTable = {
  ...apimachineryMessages,
  ...coreV1ObjectMessages,
  ...coreV1PodMessages,
  ...coreV1ContainerMessages,
  ...coreV1VolumeMessages,
  ...appsV1Messages,
  ...batchV1Messages,
  ...authorizationV1Messages,
};

export interface ProtobufKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/** The kinds decodable from protobuf; a kind's message has the kind's own name. */
export const protobufKinds: readonly ProtobufKind[] = [
  { apiVersion: "v1", kind: "Namespace" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "Secret" },
  { apiVersion: "v1", kind: "ServiceAccount" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "batch/v1", kind: "CronJob" },
  { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview" },
  { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview" },
];
