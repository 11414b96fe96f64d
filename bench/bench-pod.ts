/**
 * The pod the benchmark stores 10,000 times: what a Deployment of a web service with a
 * proxy sidecar typically produces (two containers with env, ports, resources and
 * probes, the usual labels and annotations), about 2.5 KB of JSON before defaulting.
 */

export const benchNamespace = "bench";

export function benchPodName(i: number): string {
  return `web-${String(i).padStart(5, "0")}`;
}

export function benchPod(i: number): Record<string, unknown> {
  const app = `shop-${i % 40}`;
  const hash = (0x5f3a1c + i * 7919).toString(16).slice(-6);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: benchPodName(i),
      namespace: benchNamespace,
      labels: {
        app,
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/component": "frontend",
        "app.kubernetes.io/part-of": "shop",
        "pod-template-hash": hash,
        release: i % 3 === 0 ? "canary" : "stable",
      },
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9090",
        "kubectl.kubernetes.io/default-container": "web",
      },
    },
    spec: {
      containers: [
        {
          name: "web",
          image: "registry.example.com/shop/web:1.24.3",
          args: ["--listen=:8080", "--metrics=:9090", "--log-format=json"],
          ports: [
            { name: "http", containerPort: 8080, protocol: "TCP" },
            { name: "metrics", containerPort: 9090, protocol: "TCP" },
          ],
          env: [
            { name: "SHOP_ENV", value: "production" },
            { name: "SHOP_REGION", value: "eu-west-1" },
            { name: "DATABASE_URL", value: `postgres://shop@db-${i % 4}.shop.svc:5432/shop` },
            { name: "CACHE_URL", value: "redis://cache.shop.svc:6379/0" },
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          ],
          resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
          livenessProbe: { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 10, periodSeconds: 10 },
          readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5, failureThreshold: 3 },
          volumeMounts: [{ name: "config", mountPath: "/etc/shop", readOnly: true }],
          imagePullPolicy: "IfNotPresent",
        },
        {
          name: "proxy",
          image: "docker.io/envoyproxy/envoy:v1.30.1",
          args: ["-c", "/etc/envoy/envoy.yaml", "--log-level", "warn"],
          ports: [{ name: "proxy", containerPort: 15001, protocol: "TCP" }],
          env: [{ name: "ENVOY_UID", value: "0" }, { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
          resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } },
          readinessProbe: { tcpSocket: { port: 15001 }, periodSeconds: 10 },
          volumeMounts: [{ name: "envoy", mountPath: "/etc/envoy", readOnly: true }],
        },
      ],
      volumes: [
        { name: "config", configMap: { name: "shop-config" } },
        { name: "envoy", configMap: { name: "envoy-config" } },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      nodeSelector: { "kubernetes.io/os": "linux" },
    },
  };
}
