// ESM load hook: lets Node 20 import the parser's bundled JSON schemas without
// import attributes (`import schema from "./x.json"` otherwise fails).
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return nextLoad(url, { ...context, format: "json", importAttributes: { type: "json" } });
  }
  return nextLoad(url, context);
}
