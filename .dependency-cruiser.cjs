/**
 * The import rules of ARCHITECTURE.md, checked by `npm run deps:check` (part of `npm test`):
 * no cycles, and the lower rooms never import the upper ones.
 */
const LOWER = "^src/(lib|db)/|^src/settings\\.ts$";
const UPPER = "^src/(domains|http|jobs)/|^src/(app|container|docs|index)\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes load order matter and the layers meaningless.",
      from: {},
      to: { circular: true },
    },
    {
      name: "lower-rooms-stay-below",
      severity: "error",
      comment: "lib/, db/ and settings.ts import no domain, no HTTP room, no composition root.",
      from: { path: LOWER },
      to: { path: UPPER },
    },
    {
      name: "domains-below-the-composition-root",
      severity: "error",
      comment: "Domains are wired by container.ts and mounted by app.ts; they never import them.",
      from: { path: "^src/domains/" },
      to: { path: "^src/(app|container|index)\\.ts$|^src/jobs/" },
    },
    {
      name: "no-hono-below-routes",
      severity: "error",
      comment: "Services, repositories and tables know nothing of HTTP (hono, src/http/).",
      from: { path: "\\.(service|repository|table|errors|values|pricing)\\.ts$|^src/(lib|db)/" },
      to: { path: "^src/http/|node_modules/hono/" },
    },
    {
      name: "no-foreign-repository",
      severity: "error",
      comment: "Domains talk to each other through services, never another domain's repository.",
      from: { path: "^src/domains/([^/]+)/" },
      to: { path: "^src/domains/[^/]+/[^/]+\\.repository\\.ts$", pathNot: "^src/domains/$1/" },
    },
  ],
  options: {
    // swc parses TypeScript itself: the typescript package here (7, native) has no JS API.
    parser: "swc",
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/.*\\.d\\.ts$" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
  },
};
