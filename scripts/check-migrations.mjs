// Fails when the Drizzle tables have changes that no migration captures yet.
// drizzle-kit generate writes nothing when the schema matches the last snapshot.
import { execFileSync } from "node:child_process";

const output = execFileSync("npx", ["drizzle-kit", "generate"], { encoding: "utf8" });
if (!output.includes("No schema changes")) {
  console.error(output);
  console.error(
    "db:check: the schema had changes without a migration; one was just generated in migrations/. Review and commit it.",
  );
  process.exit(1);
}
console.log("db:check: every schema change has a migration");
