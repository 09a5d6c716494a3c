// Runs the site's own search script, as shipped (themes/default/static/js/search-engine.js,
// minified from themes/default/assets/js by build.sh)
// in Node against a built site's static search data, for the differential
// test (static_search_test.go). Reads a JSON file {data, queries, limit} and
// prints one JSON line per query: {q, total, urls, error}.

import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const cfg = JSON.parse(await readFile(process.argv[2], 'utf8'))
const { Engine } = await import(pathToFileURL(path.resolve(cfg.engine)).href)
const eng = new Engine(cfg.data.replace(/\/?$/, '/'), async (file) => {
  if (file.endsWith('.bin')) return new Uint8Array(await readFile(file))
  const text = await readFile(file, 'utf8')
  return file.endsWith('.txt') ? text : JSON.parse(text)
})
for (const q of cfg.queries) {
  try {
    const res = await eng.search(q)
    const top = await Promise.all(res.hits.slice(0, cfg.limit).map((h) => eng.result(h, res.plan)))
    console.log(JSON.stringify({ q, total: res.total, urls: top.map((r) => r.url) }))
  } catch (err) {
    console.log(JSON.stringify({ q, error: String(err.message || err) }))
  }
}
