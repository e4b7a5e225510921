// Reads {css, content, safelist} as JSON on stdin and prints the CSS rules whose selectors name
// a class, id or element that appears in one of the content files (PurgeCSS, from npm).
import { PurgeCSS } from "purgecss";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const spec = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const results = await new PurgeCSS().purge({
  css: spec.css,
  content: spec.content,
  safelist: spec.safelist,
  keyframes: true,
  fontFace: true,
  variables: true,
});
process.stdout.write(results.map((result) => result.css).join("\n"));
