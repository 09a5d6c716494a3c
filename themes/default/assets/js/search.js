// Handbook: search in the browser, from the static search data the build
// publishes (search-engine.js), so it works on any static host. It
//   - answers the search page (/search/?q=…&type=…) when no server has:
//     the number of results, ten at a time with "Show more results", a
//     snippet with the words found marked, links to the matching section,
//     what a typo was corrected to, and help when nothing matches;
//   - turns every <input type="search" data-hb-suggest> in a form that goes
//     to the search page into an ARIA 1.2 combobox of suggested pages, the
//     last word read as the start of a word (negl → neglect).
// Without JavaScript the form still submits to the search page, which a
// server fills in, or which says where to find every page.

import { Engine, QueryError } from './search-engine.js'

const PAGE = 10 // results shown at a time
const SUGGEST = 8
const DEBOUNCE_MS = 0 // no server to spare: each keystroke is answered, stale answers dropped
const MIN_CHARS = 2

const TYPE_LABELS = {
  arrangement: 'Arrangement',
  threshold: 'Threshold guidance',
  briefing: 'Briefing',
  procedure: 'Procedure',
  report: 'Report'
}
const typeLabel = (t) => TYPE_LABELS[t] || 'Page'

let engine = null
function getEngine (base) {
  if (!engine) {
    engine = new Engine(base, async (url) => {
      const res = await fetch(url, { credentials: 'same-origin' })
      if (!res.ok) throw new Error(`${url}: ${res.status}`)
      return url.endsWith('.bin') ? new Uint8Array(await res.arrayBuffer()) : url.endsWith('.txt') ? res.text() : res.json()
    })
  }
  return engine
}

// dataBase is where the search data is: given on the search page, else
// beside the search page the form goes to.
function dataBase (form) {
  const page = document.querySelector('[data-hb-search-data]')
  if (page) return new URL(page.dataset.hbSearchData, window.location.href).href
  const action = new URL(form.getAttribute('action') || '', window.location.href)
  return new URL(action.pathname.replace(/search\/?$/, '') + 'search-data/', action).href
}

function el (name, attrs = {}, ...children) {
  const e = document.createElement(name)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v)
  e.append(...children)
  return e
}

function snippetNode (pieces) {
  const f = document.createDocumentFragment()
  for (const [text, marked] of pieces) f.append(marked ? el('mark', {}, text) : text)
  return f
}

function searchURL (q, extra = {}) {
  const u = new URL(window.location.href)
  u.search = ''
  u.hash = ''
  u.searchParams.set('q', q)
  for (const [k, v] of Object.entries(extra)) if (v) u.searchParams.set(k, v)
  return u.pathname + u.search
}

// ---- The search page.

async function searchPage (root) {
  const out = root.querySelector('#hb-search-out')
  const form = root.querySelector('form')
  const input = form.querySelector('input[name="q"]')
  const select = form.querySelector('select[name="type"]')
  const params = new URLSearchParams(window.location.search)
  const q = (params.get('q') || '').trim()
  const type = params.get('type') || ''
  const exact = params.get('exact') === '1'
  input.value = q
  if (select && [...select.options].some((o) => o.value === type)) select.value = type
  if (!q && !type) return
  const eng = getEngine(dataBase(form))
  let res
  try {
    res = await eng.search(q, { type, exact })
  } catch (err) {
    const msg = err instanceof QueryError ? err.message : 'Search is not working at the moment. Try again later, or use the A to Z of every page.'
    showError(root, input, msg)
    return
  }
  document.title = `${q} - ${document.title}`
  const heading = el('h2', { class: 'govuk-heading-m', id: 'hb-search-results-heading', tabindex: '-1' },
    `${res.total} result${res.total === 1 ? '' : 's'} for ‘${q}’`)
  out.replaceChildren()
  if (res.plan.corrections.length) {
    let corrected = q
    for (const c of res.plan.corrections) corrected = corrected.split(c.from).join(c.to)
    out.append(el('p', { class: 'govuk-body hb-search-corrected' },
      'Showing results for ', el('strong', {}, corrected), '. Search instead for ',
      el('a', { class: 'govuk-link', href: searchURL(q, { type, exact: '1' }) }, q), '.'))
  }
  out.append(heading)
  if (!res.total) {
    out.append(el('p', { class: 'govuk-body' }, 'No pages matched your search.'))
    const help = root.querySelector('#hb-search-none')
    if (help) out.append(help.content.cloneNode(true))
    return
  }
  if (res.mode === 'some') {
    out.append(el('p', { class: 'govuk-body' }, 'No page has all of your words. These pages have some of them.'))
  }
  const list = el('ol', { class: 'hb-search-results govuk-list', 'aria-labelledby': 'hb-search-results-heading' })
  out.append(list)
  const more = el('button', { type: 'button', class: 'govuk-button govuk-button--secondary hb-search-more' }, 'Show more results')
  let shown = 0
  async function showNext () {
    const batch = res.hits.slice(shown, shown + PAGE)
    const items = await Promise.all(batch.map((h) => eng.result(h, res.plan)))
    let first = null
    for (const r of items) {
      const link = el('a', { class: 'govuk-link', href: r.url }, r.title)
      const li = el('li', { class: 'hb-search-result' },
        el('h3', { class: 'govuk-heading-s hb-search-result__title' }, link),
        el('strong', { class: 'govuk-tag govuk-tag--grey hb-search-result__type' }, typeLabel(r.type)))
      if (r.partial) li.append(' ', el('strong', { class: 'govuk-tag govuk-tag--yellow hb-search-result__partial' }, 'Matches only some of your words'))
      li.append(el('p', { class: 'govuk-body hb-search-result__snippet' }, snippetNode(r.snippet)))
      list.append(li)
      first = first || link
    }
    shown += batch.length
    if (shown < res.hits.length) {
      more.textContent = `Show more results (${shown} of ${res.hits.length} shown)`
      if (!more.isConnected) out.append(more)
    } else {
      more.remove()
    }
    return first
  }
  more.addEventListener('click', async () => {
    const first = await showNext()
    if (first) first.focus()
  })
  await showNext()
}

function showError (root, input, msg) {
  const out = root.querySelector('#hb-search-out')
  const group = input.closest('.govuk-form-group')
  group.classList.add('govuk-form-group--error')
  input.classList.add('govuk-input--error')
  input.setAttribute('aria-describedby', 'hb-search-q-error')
  group.querySelector('label').after(el('p', { id: 'hb-search-q-error', class: 'govuk-error-message' },
    el('span', { class: 'govuk-visually-hidden' }, 'Error:'), ' ' + msg))
  const summary = el('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary' },
    el('div', { role: 'alert' },
      el('h2', { class: 'govuk-error-summary__title' }, 'There is a problem'),
      el('div', { class: 'govuk-error-summary__body' },
        el('ul', { class: 'govuk-list govuk-error-summary__list' }, el('li', {}, el('a', { href: '#' + input.id }, msg))))))
  root.prepend(summary)
  out.replaceChildren()
}

// ---- Suggestions.

// suggestQuery reads the last word as the start of a word: it becomes the
// site's most common word beginning so (unless it is a word already).
async function suggestQuery (eng, text) {
  await eng.init()
  const m = text.match(/^(.*?)([\p{L}\p{N}]+)$/u)
  if (!m) return text
  const last = m[2].toLowerCase()
  if (Array.from(last).length < 3) return text
  const dict = await eng.dictionary(Array.from(last)[0])
  if (dict.byWord.has(last)) return text
  const [best] = await eng.complete(last, 1)
  return best ? m[1] + best : text
}

let uid = 0

function enhance (input) {
  const form = input.form
  if (!form || input.dataset.hbSuggestReady) return
  const action = new URL(form.getAttribute('action') || '', window.location.href)
  if (!/\/search\/?$/.test(action.pathname)) return
  input.dataset.hbSuggestReady = 'true'
  const eng = getEngine(dataBase(form))

  const n = ++uid
  const listId = `hb-suggest-list-${n}`
  const wrapper = el('div', { class: 'hb-suggest' })
  const list = el('ul', { id: listId, class: 'hb-suggest__listbox', role: 'listbox', 'aria-label': 'Suggested pages' })
  list.hidden = true
  const status = el('div', { class: 'govuk-visually-hidden hb-suggest__status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' })
  input.parentNode.insertBefore(wrapper, input)
  wrapper.append(input, list, status)
  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-expanded', 'false')
  input.setAttribute('aria-controls', listId)
  input.setAttribute('autocomplete', 'off')

  const typeSelect = form.querySelector('select[name="type"]')
  let timer = 0
  let options = []
  let active = -1
  let lastQuery = ''
  let seq = 0

  function setActive (i) {
    if (active >= 0 && options[active]) {
      options[active].setAttribute('aria-selected', 'false')
      options[active].classList.remove('hb-suggest__option--active')
    }
    active = i
    if (active >= 0 && options[active]) {
      const o = options[active]
      o.setAttribute('aria-selected', 'true')
      o.classList.add('hb-suggest__option--active')
      input.setAttribute('aria-activedescendant', o.id)
      o.scrollIntoView({ block: 'nearest' })
    } else {
      input.removeAttribute('aria-activedescendant')
    }
  }
  function close () {
    list.hidden = true
    input.setAttribute('aria-expanded', 'false')
    setActive(-1)
  }
  function open () {
    if (!options.length) return close()
    list.hidden = false
    input.setAttribute('aria-expanded', 'true')
  }
  function announce (text) {
    status.textContent = ''
    window.setTimeout(() => { status.textContent = text }, 50)
  }
  function render (results) {
    list.replaceChildren()
    options = []
    active = -1
    input.removeAttribute('aria-activedescendant')
    results.forEach((r, i) => {
      const li = el('li', { id: `${listId}-opt-${i}`, class: 'hb-suggest__option', role: 'option', 'aria-selected': 'false' })
      li.dataset.href = new URL(r.url, window.location.href).href
      li.append(el('span', { class: 'hb-suggest__link' }, r.title), el('span', { class: 'hb-suggest__type govuk-body-s' }, ` (${typeLabel(r.type)})`))
      if (r.snippet.length) {
        li.append(el('br'), el('span', { class: 'hb-suggest__snippet govuk-body-s', 'aria-hidden': 'true' }, snippetNode(r.snippet)))
      }
      li.addEventListener('mousedown', (e) => e.preventDefault())
      li.addEventListener('click', () => { window.location.href = li.dataset.href })
      list.append(li)
      options.push(li)
    })
    if (options.length) open(); else close()
    const k = results.length
    announce(k === 0 ? 'No results' : `${k} result${k === 1 ? '' : 's'} available`)
  }
  async function suggest (q) {
    const mine = ++seq
    try {
      const text = await suggestQuery(eng, q)
      const res = await eng.search(text, { type: typeSelect ? typeSelect.value : '' })
      const items = await Promise.all(res.hits.slice(0, SUGGEST).map((h) => eng.result(h, res.plan, { summaryOnly: true })))
      if (mine !== seq || input.value.trim() !== q) return
      render(items)
    } catch (err) {
      if (mine !== seq) return
      options = []
      list.replaceChildren()
      close()
    }
  }
  function schedule () {
    window.clearTimeout(timer)
    const q = input.value.trim()
    if (q === lastQuery) return
    lastQuery = q
    if (q.length < MIN_CHARS) {
      seq++
      options = []
      list.replaceChildren()
      close()
      return
    }
    timer = window.setTimeout(() => suggest(q), DEBOUNCE_MS)
  }
  input.addEventListener('input', schedule)
  input.addEventListener('focus', () => { eng.init().catch(() => {}); if (options.length && input.value.trim() === lastQuery) open() }, { once: false })
  if (typeSelect) typeSelect.addEventListener('change', () => { lastQuery = ''; schedule() })
  input.addEventListener('keydown', (e) => {
    switch (e.key) {
      case 'ArrowDown':
        if (list.hidden) { open(); if (options.length) setActive(0) } else setActive(active + 1 < options.length ? active + 1 : 0)
        e.preventDefault()
        break
      case 'ArrowUp':
        if (list.hidden) { open(); if (options.length) setActive(options.length - 1) } else setActive(active > 0 ? active - 1 : options.length - 1)
        e.preventDefault()
        break
      case 'Enter':
        if (!list.hidden && active >= 0 && options[active]) {
          e.preventDefault()
          window.location.href = options[active].dataset.href
        }
        break
      case 'Escape':
        if (!list.hidden) { close(); e.preventDefault() } else if (input.value) { input.value = ''; lastQuery = ''; e.preventDefault() }
        break
      case 'Tab':
        close()
        break
    }
  })
  input.addEventListener('blur', () => window.setTimeout(close, 100))
  form.addEventListener('submit', () => close())
}

const page = document.querySelector('[data-hb-search-page]')
if (page) searchPage(page)
document.querySelectorAll('input[type="search"][data-hb-suggest]').forEach(enhance)
