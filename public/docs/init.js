// Starts the Scalar API reference on /docs (mounted on #reference: an element with id
// "api-reference" would also trigger the bundle's own auto-mount, without this config). A static file (not an inline script), so the
// page's Content-Security-Policy can allow scripts from 'self' only.
// Everything stays on this origin: no CDN fonts, no telemetry, no request proxy, no AI
// agent. The OAuth2 password flow's tokenUrl is relative, so Scalar resolves it against
// the document's server (this origin) and "Authorize" logs in with a same-origin POST.
window.Scalar.createApiReference("#reference", {
  url: "/api/v1/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  persistAuth: false,
  documentDownloadType: "json",
  authentication: { preferredSecurityScheme: "oauth2Password" },
});
