/**
 * The layer rules of shared/design.md, checked on every `npm test`:
 * dependencies point downwards only, and across layers only through a layer's index.ts.
 */
const layer = (name) => `^src/${name}/`;
const notIndex = (name) => `^src/${name}/(?!index\\.ts$).+`;
const layers = ["base", "api", "store", "apiserver", "client", "controllers", "scheduler", "agent", "runtime", "httpstream", "cli"];

module.exports = {
  forbidden: [
    {
      name: "api-is-pure",
      comment: "api holds object types and pure rules: no I/O, and it imports only base",
      severity: "error",
      from: { path: layer("api"), pathNot: "\\.test\\.ts$" },
      to: { path: ["^src/(store|apiserver|client|controllers|scheduler|agent|runtime|cli)/", "^(node:)?(fs|net|child_process|http|https|tls|dgram)$"] },
    },
    {
      name: "store-knows-no-kinds",
      comment: "store keeps bytes under keys; it never imports api",
      severity: "error",
      from: { path: layer("store") },
      to: { path: "^src/(api|apiserver|client|controllers|scheduler|agent|runtime|cli)/" },
    },
    {
      name: "runtime-knows-no-api",
      severity: "error",
      from: { path: layer("runtime") },
      to: { path: "^src/(api|client|store|apiserver|controllers|scheduler|agent|cli)/" },
    },
    {
      name: "agents-and-controllers-use-the-client",
      comment: "agent, controllers and scheduler reach the API only through client",
      severity: "error",
      from: { path: "^src/(agent|controllers|scheduler)/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(store|apiserver)/" },
    },
    {
      name: "httpstream-is-a-protocol-library",
      comment: "httpstream speaks the streaming protocols (SPDY/3.1, WebSocket channels) and knows no Kubernetes objects",
      severity: "error",
      from: { path: layer("httpstream") },
      to: { path: "^src/(api|store|apiserver|client|controllers|scheduler|agent|runtime|cli)/" },
    },
    {
      name: "apiserver-below-cli",
      severity: "error",
      from: { path: layer("apiserver") },
      to: { path: "^src/(client|controllers|scheduler|agent|runtime|cli)/" },
    },
    {
      name: "only-cli-picks-backends",
      comment: "concrete store backends are chosen by cli (and tests) only",
      severity: "error",
      from: { path: "^src/(?!cli/|store/)", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/store/(sqlite|etcd)/" },
    },
    ...layers.map((name) => ({
      name: `enter-${name}-through-index`,
      comment: `other layers import ${name} only through src/${name}/index.ts`,
      severity: "error",
      from: { path: "^src/", pathNot: [layer(name), "\\.test\\.ts$"] },
      to: { path: notIndex(name) },
    })),
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^dist/" },
  },
};
