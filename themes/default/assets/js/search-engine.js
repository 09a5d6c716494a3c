// Handbook: the search engine of the static site. It answers queries from
// the files `handbook build` writes under /search-data/ (see docs/search.md):
// the scores the server's index gives every (term, page) pair, in shards by
// term, which it adds up as the server's queries do. No DOM here: the
// search page and the suggestions (search-ui.js) use it in the browser, and
// the differential test runs it in Node against the built files.

const MAX_QUERY_LEN = 256
const MAX_WORDS = 24
const MAX_FUZZY_WORDS = 64
const RERANK = 50 // the best pages by score that the ranking fixes reorder
const EXCERPT_PARTS = 8
const TITLE_BOOST = 4
const NEAR_WHOLE_TITLE = 0.75
const PROXIMITY_BOOST = 1.5

// proximity is (m−1)/s for the shortest span s of positions holding one of
// each of the m clauses (of two or more) that have positions.
function proximity (sets) {
  const all = []
  let m = 0
  sets.forEach((set, c) => {
    if (set.size) m++
    for (const q of set) all.push([q, c])
  })
  if (m < 2) return 0
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const count = new Map()
  let best = -1
  let lo = 0
  for (let hi = 0; hi < all.length; hi++) {
    count.set(all[hi][1], (count.get(all[hi][1]) || 0) + 1)
    while (count.size === m) {
      const span = all[hi][0] - all[lo][0]
      if (best < 0 || span < best) best = span
      const c = all[lo][1]
      const k = count.get(c) - 1
      if (k) count.set(c, k); else count.delete(c)
      lo++
    }
  }
  return best > 0 ? (m - 1) / best : 0
}

// Messages for what the reader typed, as the server words them.
export const MESSAGES = {
  empty: 'Enter a word or phrase to search for.',
  tooLong: `Your search is too long. Use ${MAX_QUERY_LEN} characters or fewer.`,
  onlyNot: 'Add a word to search for, not only words to leave out.',
  noWords: 'Your search only has very common words or symbols in it. Try a more specific word.'
}

export class QueryError extends Error {}

// ---- Analysis: the server's "en" analyzer (words, possessive, lower case,
// stop words, Porter stemmer).

const isLetterOrDigit = (c) => /[\p{L}\p{N}\p{M}]/u.test(c)
const isLetter = (c) => /[\p{L}\p{M}]/u.test(c)
const isDigit = (c) => /\p{N}/u.test(c)
const MID_LETTER = new Set([':', '\u00b7', '\u0387', '\u05f4', '\u2027', '\ufe13', '\ufe55', '\uff1a'])
const MID_NUM = new Set([',', ';', '\u037e', '\u0589', '\u060c', '\u060d', '\u066c', '\u07f8', '\u2044', '\ufe10', '\ufe14', '\ufe50', '\ufe54', '\uff0c', '\uff1b'])
const MID_NUM_LET = new Set(['.', '\u2018', '\u2019', '\u2024', '\ufe52', '\uff07', '\uff0e', "'"])

// words splits text into words as Unicode's word boundaries do for the
// cases that matter here: letters and digits run together; an apostrophe,
// point or colon between letters, and a point or comma between digits,
// stay inside a word; an underscore joins.
export function words (text) {
  const cs = Array.from(text)
  const out = []
  let cur = ''
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]
    if (isLetterOrDigit(c) || c === '_') {
      cur += c
      continue
    }
    const prev = cs[i - 1]
    const next = cs[i + 1]
    if (cur && prev && next) {
      const letters = isLetter(prev) && isLetter(next)
      const digits = isDigit(prev) && isDigit(next)
      if ((MID_NUM_LET.has(c) && (letters || digits)) || (MID_LETTER.has(c) && letters) || (MID_NUM.has(c) && digits)) {
        cur += c
        continue
      }
    }
    if (cur) out.push(cur)
    cur = ''
  }
  if (cur) out.push(cur)
  return out.map((w) => w.replace(/^_+|_+$/g, '')).filter((w) => /[\p{L}\p{N}]/u.test(w))
}

// The Porter stemmer, as the server's (go-porterstemmer) has it.
function isConsonant (s, i) {
  switch (s[i]) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return false
    case 'y': return i === 0 ? true : !isConsonant(s, i - 1)
    default: return true
  }
}
function measure (s) {
  const n = s.length
  let m = 0
  let i = 0
  if (n === 0) return 0
  while (isConsonant(s, i)) { i++; if (i >= n) return m }
  while (i < n) {
    while (!isConsonant(s, i)) { i++; if (i >= n) return m }
    while (isConsonant(s, i)) { i++; if (i >= n) return m + 1 }
    m++
  }
  return m
}
const ends = (s, suf) => s.length > suf.length && s.slice(s.length - suf.length).join('') === suf
function containsVowel (s) { for (let i = 0; i < s.length; i++) if (!isConsonant(s, i)) return true; return false }
const doubleC = (s) => s.length >= 2 && s[s.length - 1] === s[s.length - 2] && isConsonant(s, s.length - 1)
const cvc = (s) => s.length >= 3 && isConsonant(s, s.length - 3) && !isConsonant(s, s.length - 2) && isConsonant(s, s.length - 1)
function step1a (s) {
  if (ends(s, 'sses') || ends(s, 'ies')) return s.slice(0, -2)
  if (ends(s, 'ss')) return s
  if (ends(s, 's')) return s.slice(0, -1)
  return s
}
function step1b (s) {
  const fix = (sub, keepE) => {
    if (ends(sub, 'at') || ends(sub, 'bl') || ends(sub, 'iz')) return [...sub, 'e']
    const c = sub[sub.length - 1]
    if (c !== 'l' && c !== 's' && c !== 'z' && doubleC(sub)) return sub.slice(0, -1)
    if (measure(sub) === 1 && cvc(sub) && c !== 'w' && c !== 'x' && c !== 'y') return [...sub, 'e']
    return sub
  }
  if (ends(s, 'eed')) return measure(s.slice(0, -3)) > 0 ? s.slice(0, -1) : s
  if (ends(s, 'ed')) { const sub = s.slice(0, -2); return containsVowel(sub) ? fix(sub) : s }
  if (ends(s, 'ing')) { const sub = s.slice(0, -3); return containsVowel(sub) ? fix(sub) : s }
  return s
}
function step1c (s) {
  if (s.length < 2) return s
  if (s[s.length - 1] === 'y' && containsVowel(s.slice(0, -1))) return [...s.slice(0, -1), 'i']
  return s
}
// [suffix, replacement] in the order the server tries them; the first
// suffix that ends the word decides, whether or not its measure allows it.
const STEP2 = [['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'], ['bli', 'ble'],
  ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'],
  ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'],
  ['biliti', 'ble'], ['logi', 'log']]
const STEP3 = [['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', '']]
const STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize']
function replaceStep (s, table, min) {
  for (const [suf, rep] of table) {
    if (ends(s, suf)) {
      const stem = s.slice(0, s.length - suf.length)
      return measure(stem) > min ? [...stem, ...rep] : s
    }
  }
  return s
}
function step4 (s) {
  for (const suf of STEP4) {
    if (ends(s, suf)) {
      const stem = s.slice(0, s.length - suf.length)
      if (suf === 'ion') {
        const c = stem[stem.length - 1]
        return measure(stem) > 1 && (c === 's' || c === 't') ? stem : s
      }
      return measure(stem) > 1 ? stem : s
    }
  }
  return s
}
function step5a (s) {
  if (s[s.length - 1] !== 'e') return s
  const sub = s.slice(0, -1)
  const m = measure(sub)
  if (m > 1) return sub
  const c = sub[sub.length - 1]
  if (m === 1 && !(cvc(sub) && c !== 'w' && c !== 'x' && c !== 'y')) return sub
  return s
}
function step5b (s) {
  const n = s.length
  if (n > 2 && s[n - 2] === 'l' && s[n - 1] === 'l' && measure(s.slice(0, -1)) > 1) return s.slice(0, -1)
  return s
}
export function porter (word) {
  let s = Array.from(word)
  if (s.length <= 2) return word
  s = step1a(s)
  s = step1b(s)
  s = step1c(s)
  s = replaceStep(s, STEP2, 0)
  s = replaceStep(s, STEP3, 0)
  s = step4(s)
  s = step5a(s)
  s = step5b(s)
  return s.join('')
}

// ---- Typos: the server's rule (search/store.go, plausibleTypo).

const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm']
const KEY_AT = new Map()
KEYBOARD.forEach((row, r) => Array.from(row).forEach((c, i) => KEY_AT.set(c, [r, i])))
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u'])
function neighbours (a, b) {
  if (VOWELS.has(a) && VOWELS.has(b)) return true
  const p = KEY_AT.get(a)
  const q = KEY_AT.get(b)
  if (!p || !q) return false
  return Math.abs(p[0] - q[0]) <= 1 && Math.abs(p[1] - q[1]) <= 1 && !(p[0] === q[0] && p[1] === q[1])
}

// typoOf reports whether typed is word with one slip of the fingers: a
// letter left out, added or swapped with the next, or a key next to the
// right one (or another vowel) pressed. Both start with the same letter.
export function typoOf (typed, word) {
  const a = Array.from(typed)
  const b = Array.from(word)
  if (a[0] !== b[0] || typed === word) return false
  if (a.length === b.length) {
    const diff = []
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i)
    if (diff.length === 1) return neighbours(a[diff[0]], b[diff[0]])
    return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a]
  if (long.length !== short.length + 1) return false
  let i = 0
  while (i < short.length && long[i] === short[i]) i++
  for (let j = i; j < short.length; j++) if (long[j + 1] !== short[j]) return false
  return true
}

// withinOneEdit: insertion, deletion, substitution or transposition of
// neighbours (what the server's Levenshtein automaton accepts).
function withinOneEdit (a, b) {
  a = Array.from(a); b = Array.from(b)
  if (Math.abs(a.length - b.length) > 1) return false
  if (a.length === b.length) {
    const diff = []
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i)
    return diff.length <= 1 || (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]])
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a]
  let i = 0
  while (i < short.length && long[i] === short[i]) i++
  for (let j = i; j < short.length; j++) if (long[j + 1] !== short[j]) return false
  return true
}

// ---- Query parsing, as the server's parseQuery.

const isSpace = (c) => /\s/u.test(c)
const isQuote = (c) => c === '"' || c === '\u201c' || c === '\u201d' || c === '\u201e'
const DASHES = new Set(['-', '+', '\u2013', '\u2014'])

export function parseQuery (text) {
  const pq = { words: [], phrases: [], notWords: [], notPhrases: [], level: 0 }
  if (Array.from(text).length > MAX_QUERY_LEN) throw new QueryError(MESSAGES.tooLong)
  text = Array.from(text).map((c) => (/[\p{Cc}\p{Cf}]/u.test(c) || c === '\ufffd') ? ' ' : c).join('')
  if (!text.trim()) throw new QueryError(MESSAGES.empty)
  const rs = Array.from(text)
  let n = 0
  for (let i = 0; i < rs.length && n < MAX_WORDS;) {
    if (isSpace(rs[i])) { i++; continue }
    let neg = false
    let j = i
    while (j < rs.length && DASHES.has(rs[j])) { if (rs[j] !== '+') neg = true; j++ }
    if (j < rs.length && isQuote(rs[j])) {
      let end = -1
      for (let k = j + 1; k < rs.length; k++) if (isQuote(rs[k])) { end = k; break }
      if (end >= 0) {
        const phrase = rs.slice(j + 1, end).join('').trim()
        i = end + 1
        if (!phrase) continue
        ;(neg ? pq.notPhrases : pq.phrases).push(phrase)
        n++
        continue
      }
      j++
    }
    let k = j
    while (k < rs.length && !isSpace(rs[k]) && !isQuote(rs[k])) k++
    let word = rs.slice(j, k).join('')
    i = k
    if (k < rs.length && isQuote(rs[k]) && k === j) i = k + 1
    word = word.replace(/^[-+\u2013\u2014]+|[-+\u2013\u2014]+$/g, '')
    if (!word) continue
    // "2023-24" is one thing: its numbers next to each other.
    if (neg) pq.notWords.push(word)
    else if (/^[0-9]+[-/\u2013][0-9]+$/.test(word)) pq.phrases.push(word)
    else pq.words.push(word)
    n++
  }
  takeLevel(pq)
  if (!pq.words.length && !pq.phrases.length && !pq.level) {
    throw new QueryError(pq.notWords.length || pq.notPhrases.length ? MESSAGES.onlyNot : MESSAGES.noWords)
  }
  return pq
}

function takeLevel (pq) {
  const ws = pq.words
  for (let i = 0; i < ws.length; i++) {
    const lw = ws[i].toLowerCase()
    if (!lw.startsWith('level')) continue
    let rest = lw.slice(5).replace(/^[-:]+/, '')
    let numAt = -1
    if (rest) numAt = i
    else if (i + 1 < ws.length) { rest = ws[i + 1].toLowerCase().replace(/[.,;:]+$/, ''); numAt = i + 1 }
    if (numAt < 0 || rest.length > 2 || !/^[+-]?\d+$/.test(rest)) continue
    const n = parseInt(rest, 10)
    if (!(n > 0)) continue
    pq.words = [...ws.slice(0, i), ...ws.slice(numAt + 1)]
    pq.level = n
    return
  }
}

// ---- The engine.

// fnv32a is the shard of a term, as the build chose it.
function fnv32a (s) {
  let h = 0x811c9dc5
  for (const b of new TextEncoder().encode(s)) {
    h ^= b
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

const F_TITLE = 1
const F_SUMMARY = 4
const F_REST = 16
const F_LEVEL = 32
const F_ALL_TITLE = 64 // every word of a "multi:" term is in the title
const F_ALL_SUMMARY = 128
const FIELD_FLAGS = [1, 2, 4, 8]
// The most bytes of further tiers one search reads to prove its ranking;
// past it, pages not yet proven rank by what is known of them.
const DEEP_BUDGET = 24 << 10

// Reader reads the build's unsigned varints.
class Reader {
  constructor (b, at = 0) { this.b = b; this.i = at }
  uv () {
    let x = 0; let m = 1; let c
    do { c = this.b[this.i++]; x += (c & 127) * m; m *= 128 } while (c & 128)
    return x
  }
}

const bits = (n) => { let k = 0; for (; n; n &= n - 1) k++; return k }
const has = (set, page) => (set[page >> 3] >> (page & 7)) & 1
function combine (sets, n, op) {
  const out = new Uint8Array(n)
  sets.forEach((s, i) => { for (let k = 0; k < n; k++) out[k] = i === 0 ? s[k] : op(out[k], s[k]) })
  return out
}
const or = (sets, n) => combine(sets, n, (a, b) => a | b)
const and = (sets, n) => combine(sets, n, (a, b) => a & b)
function members (set) {
  const out = []
  for (let k = 0; k < set.length; k++) if (set[k]) for (let j = 0; j < 8; j++) if (set[k] >> j & 1) out.push(k * 8 + j)
  return out
}

// readScores reads a posting's scores (the build's writeScores).
function readScores (r, page) {
  const flags = r.b[r.i++]
  const scores = [0, 0, 0, 0, 0]
  for (let f = 0; f < 4; f++) if (flags & FIELD_FLAGS[f]) scores[f] = r.uv()
  if (flags & F_LEVEL) scores[4] = r.uv()
  const titleN = flags & (F_TITLE | F_ALL_TITLE) ? r.uv() : 0
  let sum = 0; let k = 0
  for (let f = 0; f < 4; f++) if (flags & FIELD_FLAGS[f]) { sum += scores[f]; k++ }
  return { page, flags, scores, titleN, sum, k, secs: null, pos: null }
}
// readPlaces reads a posting's sections and first places (writePlaces).
function readPlaces (r, e) {
  const ns = r.uv()
  e.secs = []
  for (let k = 0; k < ns; k++) e.secs.push(r.uv())
  const np = r.uv()
  e.pos = []
  for (let k = 0, at = 0; k < np; k++) { at += r.uv(); e.pos.push(at) }
}

// Term is one term's postings, as far as they are loaded: the pages that
// hold it (a bitmap), and its postings best first, tier by tier.
class Term {
  constructor (eng, name, file, data) {
    this.eng = eng
    this.name = name
    this.file = file // the prefix of its tiers' files
    this.entries = new Map() // page → posting
    this.tiers = []
    const n = eng.meta.pages
    this.set = new Uint8Array((n + 7) >> 3)
    this.loaded = 0
    this.df = 0
    this.deep = 0 // bytes of further tiers read
    if (!data) return
    const r = new Reader(data)
    this.df = r.uv()
    const nt = r.uv()
    for (let i = 0; i < nt; i++) this.tiers.push({ count: r.uv(), size: r.uv(), c4: r.uv(), sum: r.uv(), c4Avg: r.uv(), sumAvg: r.uv(), pages: null })
    const kind = data[r.i++]
    if (kind === 1) {
      this.set.set(data.subarray(r.i, r.i + this.set.length))
      r.i += this.set.length
    } else if (kind === 2) {
      for (let p = 0; p < n; p++) this.set[p >> 3] |= 1 << (p & 7)
      for (let k = 0, p = 0, m = r.uv(); k < m; k++) { p += r.uv(); this.set[p >> 3] &= ~(1 << (p & 7)) }
    } else {
      for (let k = 0, p = 0; k < this.df; k++) { p += r.uv(); this.set[p >> 3] |= 1 << (p & 7) }
    }
    const head = []
    for (let page = 0; r.i < data.length;) {
      page += r.uv()
      const e = readScores(r, page)
      readPlaces(r, e)
      this.entries.set(page, e)
      head.push(page)
    }
    if (nt) this.tiers[0].pages = head
    this.loaded = 1
  }

  get complete () { return this.loaded >= this.tiers.length }
  // cBound is the most a posting not loaded scores as the only query of
  // its clause; sumBound the most its field scores add up to.
  get cBound () { return this.complete ? 0 : this.tiers[this.loaded - 1].c4 / 4 }
  get sumBound () { return this.complete ? 0 : this.tiers[this.loaded - 1].sum }
  // cAvg and sumAvg are the same on average.
  get cAvg () { return this.complete ? 0 : this.tiers[this.loaded - 1].c4Avg / 4 }
  get sumAvg () { return this.complete ? 0 : this.tiers[this.loaded - 1].sumAvg }

  // more loads the next tier's scores.
  async more () {
    const i = this.loaded
    const data = await this.eng.file(`${this.file}${i}.bin`)
    if (this.loaded !== i) return 0
    const r = new Reader(data)
    const pages = []
    for (let page = 0; r.i < data.length;) {
      page += r.uv()
      this.entries.set(page, readScores(r, page))
      pages.push(page)
    }
    this.tiers[i].pages = pages
    this.loaded++
    this.deep += data.length
  }

  async all () { while (!this.complete) await this.more() }

  // places loads where on its page the term is, for these postings.
  async places (pages) {
    const want = new Set()
    for (const page of pages) {
      const e = this.entries.get(page)
      if (!e || e.secs) continue
      for (let i = 1; i < this.loaded; i++) {
        const at = this.tiers[i].pages.indexOf(page)
        if (at >= 0) want.add(`${this.file}${i}-${Math.floor(at / CHUNK)}.bin`)
      }
    }
    await Promise.all([...want].map(async (name) => {
      const [, i, c] = name.match(/-(\d+)-(\d+)\.bin$/)
      const data = await this.eng.file(name)
      const r = new Reader(data)
      for (const page of this.tiers[i].pages.slice(c * CHUNK, (+c + 1) * CHUNK)) {
        const e = this.entries.get(page)
        if (e.secs) { readPlaces(r, { }); continue }
        readPlaces(r, e)
      }
    }))
  }
}
const CHUNK = 64 // postings in a file of places

export class Engine {
  // base: the URL of the data folder, ending in "/"; load(url) returns a
  // promise of the parsed JSON (or text, for .txt) at url.
  constructor (base, load) {
    this.base = base
    this.load = load
    this.cache = new Map()
    this.terms = new Map()
  }

  file (name) {
    if (!this.cache.has(name)) {
      const p = this.load(this.base + name)
      this.cache.set(name, p)
      p.catch(() => this.cache.delete(name))
    }
    return this.cache.get(name)
  }

  async init () {
    if (this.meta) return this.meta
    const m = await this.file('meta.json')
    this.meta = m
    this.stop = new Set(m.stop)
    this.maxLen = m.maxSyn
    return m
  }

  // analyse returns the stems of text, as the server's analyzer.
  analyse (text) {
    const out = []
    for (let w of words(text)) {
      if (/['\u2019\uff07][sS]$/.test(w)) w = w.slice(0, -2)
      w = w.toLowerCase()
      if (!w || this.stop.has(w)) continue
      out.push(porter(w))
    }
    return out
  }

  // phraseToks analyses a phrase word by word: each stem with its place
  // after the first (stop words leave gaps), as the server's phraseToks.
  phraseToks (text) {
    const out = []
    let n = 0
    let first = -1
    for (const w of words(text)) {
      n++
      const st = this.analyse(w)
      if (st.length !== 1) continue
      if (first < 0) first = n
      out.push({ stem: st[0], off: n - first })
    }
    return out
  }

  // shard reads the shard of heads that holds term: name → [index, data].
  async shard (term) {
    const k = fnv32a(term) & (this.meta.shards - 1)
    const name = `t/${k}.bin`
    const data = await this.file(name)
    if (!data.byName) {
      const r = new Reader(data)
      const dec = new TextDecoder()
      data.byName = new Map()
      for (let j = 0, n = r.uv(); j < n; j++) {
        const len = r.uv()
        const t = dec.decode(data.subarray(r.i, r.i + len))
        r.i += len
        const size = r.uv()
        data.byName.set(t, [j, data.subarray(r.i, r.i + size)])
        r.i += size
      }
      data.k = k
    }
    return data
  }

  // term returns a term's postings, its head loaded.
  async term (name) {
    if (!this.terms.has(name)) {
      // A big head is a file of its own (empty in the shard).
      this.terms.set(name, this.shard(name).then(async (sh) => {
        const e = sh.byName.get(name)
        const file = e ? `t/${sh.k}-${e[0]}-` : ''
        return new Term(this, name, file, e && (e[1].length ? e[1] : await this.file(file + '0.bin')))
      }))
    }
    return this.terms.get(name)
  }

  async dictionary (letter) {
    if (!this.meta.letters.includes(letter)) return Object.assign([], { byWord: new Map() })
    const name = /^[a-z]$/.test(letter) ? letter : 'u' + letter.codePointAt(0)
    const d = await this.file(`w/${name}.json`)
    if (!d.byWord) d.byWord = new Map(d.map((e) => [e[0], e]))
    return d
  }

  async page (n) { return this.file(`p/${n}.json`) }

  // near lists the site's words within one edit of w that are a slip of
  // the fingers for it (see typoOf), in the server's order.
  async near (w) {
    const dict = await this.dictionary(Array.from(w)[0])
    const out = []
    for (const e of dict) {
      if (out.length >= MAX_FUZZY_WORDS) break
      if (withinOneEdit(w, e[0])) out.push(e)
    }
    return out.filter((e) => typoOf(w, e[0]))
  }

  // synonyms lists the synonym groups with a variant that starts with
  // stem: each a list of variants {text, stems}. They are in the stem's
  // shard, beside its postings.
  async synonyms (stem) {
    const e = (await this.shard(stem)).byName.get('~syn:' + stem)
    return (e ? JSON.parse(new TextDecoder().decode(e[1])) : []).map((g) => g.map((v) => ({ text: v[0], stems: v.slice(1) })))
  }

  // longest finds the variant whose stems are the longest prefix of toks,
  // as the server's thesaurus.longest: [group, variant, stems covered].
  async longest (toks, word) {
    let group = null; let v = 0; let n = 0; let exact = false
    for (const g of await this.synonyms(toks[0])) {
      g.forEach((vr, vi) => {
        const st = vr.stems
        if (st[0] !== toks[0]) return
        const isExact = st.length === 1 && vr.text.toLowerCase() === word.toLowerCase()
        if (st.length < n || (st.length === n && (exact || !isExact)) || st.length > toks.length) return
        if (st.every((s, i) => s === toks[i])) { group = g; v = vi; n = st.length; exact = isExact }
      })
    }
    return [group, v, n]
  }

  // plan turns the parsed query into clauses: each a list of ways to
  // match it (alternatives), each a list of stems with a boost. It loads
  // what it needs from the dictionary for typos.
  async plan (pq, opts = {}) {
    await this.init()
    const p = { clauses: [], not: [], marks: new Set(), fuzzy: [], near: new Set(), corrections: [] }
    const toks = []
    for (const w of pq.words) for (const s of this.analyse(w)) toks.push({ stem: s, word: w })
    for (let i = 0; i < toks.length;) {
      const rest = toks.slice(i, i + this.maxLen).map((t) => t.stem)
      if (rest.length && this.maxLen) {
        const [g, v, n] = await this.longest(rest, toks[i].word)
        if (n > 0) {
          const alts = g.map((vr, k) => ({ stems: vr.stems, boost: k === v ? 1 : this.meta.synonymBoost, kind: vr.stems.length > 1 ? 'multi' : 'term' }))
          alts.forEach((a) => a.stems.forEach((s) => p.marks.add(s)))
          p.clauses.push({ alts, text: toks.slice(i, i + n).map((t) => t.word).join(' ') })
          i += n
          continue
        }
      }
      const t = toks[i++]
      p.marks.add(t.stem)
      const alts = [{ stems: [t.stem], boost: 1, kind: 'term' }]
      const lw = t.word.toLowerCase()
      const clause = { alts, text: t.word }
      if (!opts.exact && await this.wantFuzzy(lw)) {
        const done = new Set([t.stem])
        const nearWords = await this.near(lw)
        for (const e of nearWords) {
          p.near.add(e[0])
          if (!e[1] || done.has(e[1])) continue
          done.add(e[1])
          p.marks.add(e[1])
          alts.push({ stems: [e[1]], boost: this.meta.fuzzyBoost, kind: 'term', word: e[0], df: e[2] })
        }
        p.fuzzy.push(lw)
        clause.typo = lw
      }
      p.clauses.push(clause)
    }
    for (const ph of pq.phrases) {
      const toks = this.phraseToks(ph)
      if (!toks.length) continue
      const st = toks.map((t) => t.stem)
      st.forEach((s) => p.marks.add(s))
      p.clauses.push({ alts: [{ stems: st, boost: 1, kind: st.length > 1 ? 'phrase' : 'term', offsets: toks.map((t) => t.off) }], text: ph })
    }
    if (pq.level) {
      const n = String(pq.level)
      p.marks.add('level'); p.marks.add(n)
      p.clauses.push({ alts: [{ stems: ['level', n], boost: 1, kind: 'level' }], text: 'level ' + n })
    }
    for (const w of pq.notWords) for (const s of this.analyse(w)) p.not.push([s])
    for (const ph of pq.notPhrases) { const st = this.analyse(ph); if (st.length) p.not.push(st) }
    return p
  }

  async wantFuzzy (w) {
    const cs = Array.from(w)
    if (cs.length < this.meta.minFuzzy || !cs.every((c) => isLetter(c))) return false
    const dict = await this.dictionary(cs[0])
    return !dict.byWord.has(w)
  }

  // clauseTerms loads the terms of the clause's ways to match (alternatives):
  // a word's term; several words' "multi:" term, which holds what the
  // server's query for them finds; "level N" as the level field and the
  // words; a phrase the reader typed as its words, read whole.
  async clauseTerms (clause) {
    for (const alt of clause.alts) {
      const names = alt.kind === 'term' ? alt.stems
        : alt.kind === 'multi' ? ['multi:' + alt.stems.join(' ')]
          : alt.kind === 'level' ? ['level:' + alt.stems[1], 'multi:' + alt.stems.join(' ')]
            : alt.stems
      alt.terms = await Promise.all(names.map((t) => this.term(t)))
      if (alt.kind === 'level' || alt.kind === 'phrase') await Promise.all(alt.terms.map((t) => t.all()))
      const n = this.meta.pages
      alt.set = alt.kind === 'phrase' ? and(alt.terms.map((t) => t.set), n) : or(alt.terms.map((t) => t.set), n)
    }
    clause.set = or(clause.alts.map((a) => a.set), this.meta.pages)
  }

  // score is what clause scores on page, as bleve scores the server's
  // query for it (a disjunction of the field queries of each alternative:
  // the sum of those that match times the share of them that match), as
  // [least, most, known, guess]: a posting not loaded yet counts as
  // nothing for the least, as its term's bound for the most, and as the
  // average of its term's postings not loaded for the guess.
  score (clause, page) {
    let s = 0; let k = 0; let total = 0; let sMax = 0; let kMax = 0; let known = true
    let only = 0 // the bound when the clause is one word's and not loaded
    let sAvg = 0; let onlyAvg = 0
    for (const alt of clause.alts) {
      if (alt.kind === 'level') {
        total += 2
        const lv = alt.terms[0].entries.get(page)
        if (lv) { s += lv.scores[4]; k++ }
        const e = alt.terms[1].entries.get(page)
        if (e) { s += e.sum * e.k / 4; k++ }
        continue
      }
      total += 4
      if (alt.kind === 'phrase') {
        // Every word in a field: the sum of their scores there.
        const all = alt.terms.map((t) => t.entries.get(page))
        if (all.some((x) => !x)) continue
        let kk = 0
        for (let f = 0; f < 4; f++) {
          if (all.every((x) => x.flags & FIELD_FLAGS[f])) { for (const x of all) s += x.scores[f] * alt.boost; kk++ }
        }
        k += kk
        continue
      }
      const t = alt.terms[0]
      if (!has(t.set, page)) continue
      const e = t.entries.get(page)
      if (e) { s += e.sum * alt.boost; k += e.k; continue }
      known = false
      sMax += t.sumBound * alt.boost
      kMax += 4
      only = t.cBound * alt.boost
      sAvg += t.sumAvg * alt.boost
      onlyAvg = t.cAvg * alt.boost
    }
    const v = s * k / total
    if (known) return [v, v, true, v]
    if (clause.alts.length === 1) return [v, only, false, onlyAvg]
    return [v, (s + sMax) * Math.min(total, k + kMax) / total, false, (s + sAvg) * Math.min(total, k + kMax / 4) / total]
  }

  // rank scores every page found. It reads more tiers of the query's
  // terms until the best `want` pages are proven (no page not fully
  // known could score more), or DEEP_BUDGET bytes are read.
  async rank (pages, p, mode, want) {
    const n = p.clauses.length
    const ts = new Set()
    for (const c of p.clauses) for (const alt of c.alts) if (alt.kind === 'term' || alt.kind === 'multi') ts.add(alt.terms[0])
    for (;;) {
      let most = -1
      const hits = []
      for (const page of pages) {
        let lo = 0; let hi = 0; let guess = 0; let known = true; let matched = 0
        for (const c of p.clauses) {
          if (!has(c.set, page)) continue
          matched++
          const [a, b, k, g] = this.score(c, page)
          lo += a; hi += b; guess += g; known = known && k
        }
        const share = mode === 'some' ? matched / n : 1
        lo *= share; hi *= share; guess *= share
        hits.push({ page, score: lo, guess, matched, known })
        if (!known && hi > most) most = hi
      }
      hits.sort((a, b) => b.score - a.score || a.page - b.page)
      const top = hits.slice(0, want)
      if (most < 0 || (top.every((h) => h.known) && top.length === want && top[want - 1].score > most)) return hits
      // Read on in the term whose postings not loaded could score most.
      // Within the budget.
      let read = 0
      for (const t of ts) read += t.deep
      let next = null
      for (const c of p.clauses) {
        for (const alt of c.alts) {
          const t = alt.terms[0]
          if (alt.kind !== 'term' && alt.kind !== 'multi') continue
          if (t.complete || read + t.tiers[t.loaded].size > DEEP_BUDGET) continue
          if (!next || t.sumBound * alt.boost > next[1]) next = [t, t.sumBound * alt.boost]
        }
      }
      if (!next) {
        // Not proven: pages not fully known rank by a guess.
        for (const h of hits) h.score = h.guess
        return hits.sort((a, b) => b.score - a.score || a.page - b.page)
      }
      await next[0].more()
    }
  }

  // where tells, for a page and a clause, which fields and sections hold it.
  where (clause, page) {
    const info = { title: false, summary: false, rest: false, heads: new Set(), texts: new Set() }
    for (const alt of clause.alts) {
      const ts = alt.kind === 'level' ? alt.terms.slice(1) : alt.terms
      const all = ts.map((t) => t.entries.get(page)).filter((x) => x && x.secs)
      if (!all.length || (alt.kind === 'phrase' && all.length < alt.terms.length)) continue
      const every = (f) => all.every((x) => x.flags & f)
      if (every(F_ALL_TITLE)) info.title = true
      if (every(F_ALL_SUMMARY)) info.summary = true
      if (every(F_REST)) info.rest = true
      // A section holds the alternative when it holds each of its terms.
      const count = new Map()
      for (const x of all) {
        const seen = new Set()
        for (const c of x.secs) {
          const sec = c >> 1
          if (seen.has(sec)) continue
          seen.add(sec)
          count.set(sec, (count.get(sec) || 0) + 1)
        }
        for (const c of x.secs) if (c & 1 && alt.stems.length === 1) info.heads.add(c >> 1)
      }
      for (const [sec, k] of count) if (k === all.length) info.texts.add(sec)
    }
    return info
  }

  // places loads where the query's terms are on these pages.
  async places (p, pages) {
    const ts = new Set()
    for (const c of p.clauses) for (const alt of c.alts) for (const t of alt.terms) ts.add(t)
    await Promise.all([...ts].map((t) => t.places(pages)))
  }

  // search answers the query. It returns the total number of pages found,
  // the pages in order (each with its score and how many of the query's
  // clauses it matches) and what the query was made of. want: how many
  // of the best pages must be in the server's order.
  async search (text, opts = {}) {
    const pq = parseQuery(text)
    const p = await this.plan(pq, opts)
    if (!p.clauses.length) throw new QueryError(MESSAGES.noWords)
    const n = this.meta.pages
    await Promise.all(p.clauses.map((c) => this.clauseTerms(c)))
    let keep = new Uint8Array((n + 7) >> 3).fill(255)
    for (const st of p.not) {
      const ts = await Promise.all(st.map((s) => this.term(s)))
      const out = and(ts.map((t) => t.set), n)
      keep = keep.map((b, i) => b & ~out[i])
    }
    if (opts.type) {
      const code = (this.meta.types.find((t) => t[1] === opts.type) || [])[0]
      const all = await this.file('types.txt')
      keep = keep.map((b, i) => { let m = 0; for (let j = 0; j < 8; j++) if (all[i * 8 + j] === code) m |= 1 << j; return b & m })
    }
    // Every clause (AND); if no page has them all, any clause (OR).
    let mode = 'all'
    let pages = members(and([...p.clauses.map((c) => c.set), keep], n))
    // A phrase must be there as a phrase (where the server checks the
    // text): next to each other among the words' first places in the
    // body, or all in the title or the summary.
    const phrases = p.clauses.filter((c) => c.alts[0].kind === 'phrase')
    if (phrases.length && pages.length) {
      await this.places(p, pages)
      pages = pages.filter((page) => this.phrasesHold(phrases, page))
    }
    if (!pages.length && p.clauses.length > 1) {
      mode = 'some'
      pages = members(and([or(p.clauses.map((c) => c.set), n), keep], n))
    }
    const found = await this.rank(pages, p, mode, Math.min(pages.length, Math.max(RERANK, opts.want || 0)))
    await this.places(p, found.slice(0, RERANK).map((h) => h.page))
    this.rerank(found, p)
    // Typo corrections: each typo'd word whose own stem is nowhere on the
    // site is shown as corrected to its most common near word.
    for (const c of p.clauses) {
      if (!c.typo) continue
      const best = c.alts.slice(1).sort((a, b) => b.df - a.df || (a.word < b.word ? -1 : 1))[0]
      if (!c.alts[0].terms[0].df && best) p.corrections.push({ from: c.text, to: best.word })
    }
    return { total: found.length, hits: found, mode, plan: p, clauses: p.clauses.length }
  }

  phrasesHold (phrases, page) {
    for (const c of phrases) {
      const alt = c.alts[0]
      const all = alt.terms.map((t) => t.entries.get(page))
      if (all.some((x) => !x)) return false
      if (all.every((x) => x.flags & F_TITLE) || all.every((x) => x.flags & F_SUMMARY)) continue
      const at = all.map((x) => new Set(x.pos))
      if (!all[0].pos.some((p0) => alt.offsets.every((off, k) => at[k].has(p0 + off)))) return false
    }
    return true
  }

  // rerank applies the ranking rules that come after the index's scores
  // to the best RERANK pages, as the server's rerank (search/run.go): a
  // query that is the whole title, or nearly, and words close together.
  rerank (found, p) {
    const top = found.slice(0, RERANK)
    if (top.length < 2) return
    const n = p.clauses.length
    for (const h of top) {
      let inTitle = 0
      let titleN = 0
      const pos = []
      for (const c of p.clauses) {
        let t = false
        const here = new Set()
        for (const alt of c.alts) {
          // "level N": its words (the level field has no places).
          const ts = alt.kind === 'level' ? alt.terms.slice(1) : alt.terms
          const all = ts.map((x) => x.entries.get(h.page))
          for (const x of all) {
            if (!x) continue
            if (x.flags & F_ALL_TITLE) titleN = x.titleN
            for (const q of x.pos || []) here.add(q)
          }
          if (all.length && all.every((x) => x && x.flags & F_ALL_TITLE)) t = true
        }
        if (t) inTitle++
        pos.push(here)
      }
      let t = inTitle / Math.max(n, titleN)
      if (t < NEAR_WHOLE_TITLE) t = 0
      const x = n > 1 ? proximity(pos) : 0
      h.score *= (1 + TITLE_BOOST * t * t) * (1 + PROXIMITY_BOOST * x)
    }
    top.sort((a, b) => b.score - a.score)
    found.splice(0, top.length, ...top)
  }

  // result makes what a results list shows for hit: the URL (with the
  // section that matches best), the title, the type and a snippet as a
  // list of [text, marked] pieces.
  async result (hit, p, opts = {}) {
    const [page] = await Promise.all([this.page(hit.page), this.places(p, [hit.page])])
    const wh = p.clauses.map((c) => this.where(c, hit.page))
    // Score the page as a whole and each section, as the server's bestPart.
    let best = 0
    for (const w of wh) best += w.title ? 6 : w.summary ? 2 : w.rest ? 1 : 0
    let bi = 0
    page.x.forEach((_, i) => {
      let s = 0
      for (const w of wh) s += w.heads.has(i) ? 4 : w.title ? 1.5 : w.texts.has(i) ? 1 : 0
      if (s > best) { best = s; bi = i + 1 }
    })
    let url = page.u
    let title = page.t
    if (bi > 0) {
      const s = page.x[bi - 1]
      url += '#' + s[0]
      title += ': ' + s[1]
    }
    // The excerpts of a page's parts are in files of EXCERPT_PARTS.
    const body = opts.summaryOnly ? '' : (await this.file(`e/${hit.page}-${Math.floor(bi / EXCERPT_PARTS)}.json`))[bi % EXCERPT_PARTS]
    return { url, title, type: page.y, snippet: this.snippet(body, page.s, p), partial: hit.matched < p.clauses.length }
  }

  marks (text, p) {
    const out = []
    const re = /[\p{L}\p{N}]+(?:['\u2019.,][\p{L}\p{N}]+)*/gu
    for (const m of text.matchAll(re)) {
      const st = this.analyse(m[0])
      const lw = m[0].toLowerCase()
      if ((st.length === 1 && p.marks.has(st[0])) || p.near.has(lw) || p.fuzzy.some((f) => withinOneEdit(lw, f))) {
        out.push([m.index, m.index + m[0].length])
      }
    }
    return out
  }

  snippet (body, summary, p) {
    const LEN = 220
    const LEAD = 60
    let marks = body ? this.marks(body, p) : []
    let text = body
    if (!marks.length) {
      text = summary || body
      marks = this.marks(text, p)
      if (!marks.length) return [[text.slice(0, LEN), false]]
    }
    let bestAt = 0; let bestN = -1
    marks.forEach((m, i) => {
      const from = m[0] - LEAD
      let n = 0
      for (const o of marks.slice(i)) { if (o[1] > from + LEN) break; n++ }
      if (n > bestN) { bestAt = i; bestN = n }
    })
    let start = Math.max(0, marks[bestAt][0] - LEAD)
    while (start > 0 && !/\s/.test(text[start - 1])) start--
    let end = Math.min(text.length, start + LEN)
    while (end < text.length && !/\s/.test(text[end])) end++
    const out = []
    if (start > 0) out.push(['… ', false])
    let at = start
    for (const [a, b] of marks) {
      if (a < start || b > end) continue
      if (a > at) out.push([text.slice(at, a), false])
      out.push([text.slice(a, b), true])
      at = b
    }
    if (at < end) out.push([text.slice(at, end), false])
    if (end < text.length) out.push([' …', false])
    return out
  }

  // complete returns the site's words starting with prefix, most common
  // first.
  async complete (prefix, n = 3) {
    const lw = prefix.toLowerCase()
    const first = Array.from(lw)[0]
    if (!first) return []
    const dict = await this.dictionary(first)
    return dict.filter((e) => e[0].startsWith(lw)).sort((a, b) => b[2] - a[2] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map((e) => e[0])
  }
}
