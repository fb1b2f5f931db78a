// Validates every GitHub Actions workflow in .github/workflows against GitHub's schema
// (@action-validator/core): keys, job and step shapes, `needs` and glob syntax.
// Run by `npm test` (`npm run lint:workflows`): a broken workflow fails here, not on GitHub.
import { readdir, readFile } from "node:fs/promises";
import { validateWorkflow } from "@action-validator/core";

const DIR = new URL("../.github/workflows/", import.meta.url);
const files = (await readdir(DIR)).filter((name) => /\.ya?ml$/.test(name)).sort();
if (files.length === 0) {
  console.error("lint:workflows: no workflow in .github/workflows");
  process.exit(1);
}

let failed = false;
for (const name of files) {
  const { errors } = validateWorkflow(await readFile(new URL(name, DIR), "utf8"));
  for (const error of errors) {
    failed = true;
    console.error(`.github/workflows/${name}: ${JSON.stringify(error, null, 2)}`);
  }
}
if (failed) process.exit(1);
console.log(`lint:workflows: ${files.join(", ")} valid`);
