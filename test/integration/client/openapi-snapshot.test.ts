import { expect, it } from "vitest";
import { api } from "../../helpers/http";

/**
 * client/openapi.json is the document as the app serves it, except `servers`: the live
 * document names the caller's origin, the committed one the deployment that serves it
 * (a relative URL), so it does not depend on where it was generated.
 */
function committedForm(document: Record<string, unknown>): string {
  const servers = [{ url: "/", description: "The deployment that serves this document" }];
  return `${JSON.stringify({ ...document, servers }, null, 2)}\n`;
}

// The drift check (like db:check): it fails when a route, schema or description changed
// and the committed client was not regenerated. `npm run client:generate` runs this file
// with --update to rewrite the snapshot, then regenerates the client's types from it.
it("client/openapi.json is the document the app serves", async () => {
  const res = await api("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  await expect(
    committedForm(await res.json()),
    "client/openapi.json is out of date: run `npm run client:generate` and commit client/",
  ).toMatchFileSnapshot("../../../client/openapi.json");
});
