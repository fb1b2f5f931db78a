// A script file (no imports), so the wildcard declares modules rather than augmenting one.
/** Vite's `?raw` imports: a file's text, bundled into the test (workerd has no file system). */
declare module "*?raw" {
  const text: string;
  export default text;
}
