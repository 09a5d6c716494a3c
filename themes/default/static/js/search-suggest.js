// Handbook: search suggestions. Progressive enhancement only: without this
// file the search form submits to /search and the results page works alone.
// Load with <script type="module" src="/js/search-suggest.js"></script>.
//
// Every <input type="search" data-hb-suggest> inside a form whose action is
// /search becomes an ARIA 1.2 combobox (list autocomplete): typing fetches
// /search.json?q=… (debounced, stale requests aborted) and shows up to 8
// pages in a listbox. Up/Down move through the options, Enter opens the
// active one (or submits the form when none is active), Escape closes the
// list (or clears the input when it is already closed). A polite live region
// says how many results there are.
//
// Result titles are inserted as text. Snippets are HTML that the server has
// already escaped, with only <mark> elements added; they are parsed into an
// inert template and only text and <mark> nodes are copied across.

const DEBOUNCE_MS = 150
const MIN_CHARS = 2
const MAX_LEN = 256

let uid = 0

function safeSnippet (html) {
  const tpl = document.createElement('template')
  tpl.innerHTML = html // parsed inert: scripts do not run, nothing loads
  const out = document.createDocumentFragment()
  const copy = (from, to) => {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) {
        to.append(n.textContent)
      } else if (n.nodeType === Node.ELEMENT_NODE && n.nodeName === 'MARK') {
        const m = document.createElement('mark')
        copy(n, m)
        to.append(m)
      } else if (n.nodeType === Node.ELEMENT_NODE) {
        copy(n, to) // keep the text of anything else, drop the element
      }
    }
  }
  copy(tpl.content, out)
  return out
}

function typeLabel (t) {
  return {
    arrangement: 'Arrangement',
    threshold: 'Threshold guidance',
    briefing: 'Briefing',
    procedure: 'Procedure',
    report: 'Report'
  }[t] || 'Page'
}

function enhance (input) {
  const form = input.form
  if (!form || input.dataset.hbSuggestReady) return
  // The form goes to the site's search page ("/search/", or under a base
  // path); suggestions come from the JSON answer beside it.
  const action = new URL(form.getAttribute('action') || '', window.location.href)
  const searchPath = action.pathname.replace(/\/$/, '')
  if (!searchPath.endsWith('/search')) return
  input.dataset.hbSuggestReady = 'true'

  const n = ++uid
  const listId = `hb-suggest-list-${n}`
  const wrapper = document.createElement('div')
  wrapper.className = 'hb-suggest' // the theme's CSS positions the list

  const list = document.createElement('ul')
  list.id = listId
  list.className = 'hb-suggest__listbox'
  list.setAttribute('role', 'listbox')
  list.setAttribute('aria-label', 'Suggested pages')
  list.hidden = true

  const status = document.createElement('div')
  status.className = 'govuk-visually-hidden hb-suggest__status'
  status.setAttribute('role', 'status')
  status.setAttribute('aria-live', 'polite')
  status.setAttribute('aria-atomic', 'true')

  input.parentNode.insertBefore(wrapper, input)
  wrapper.append(input, list, status)

  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-expanded', 'false')
  input.setAttribute('aria-controls', listId)
  input.setAttribute('autocomplete', 'off')

  const typeSelect = form.querySelector('select[name="type"]')
  let timer = 0
  let controller = null
  let options = []
  let active = -1
  let lastQuery = ''

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
    if (options.length === 0) return close()
    list.hidden = false
    input.setAttribute('aria-expanded', 'true')
  }

  function announce (text) {
    // Clear first so that the same message is read again.
    status.textContent = ''
    window.setTimeout(() => { status.textContent = text }, 50)
  }

  function render (results) {
    list.replaceChildren()
    options = []
    active = -1
    input.removeAttribute('aria-activedescendant')
    results = results.filter((r) => { // only pages of this site
      try { return new URL(r.url, window.location.href).origin === window.location.origin } catch { return false }
    })
    results.forEach((r, i) => {
      const li = document.createElement('li')
      li.id = `${listId}-opt-${i}`
      li.className = 'hb-suggest__option'
      li.setAttribute('role', 'option')
      li.setAttribute('aria-selected', 'false')
      // An option's content is presentational (ARIA): no link inside it.
      // The option itself goes to the page, by Enter or a click.
      li.dataset.href = new URL(r.url, window.location.href).href
      const a = document.createElement('span')
      a.className = 'hb-suggest__link'
      a.textContent = r.title
      const tag = document.createElement('span')
      tag.className = 'hb-suggest__type govuk-body-s'
      tag.textContent = ` (${typeLabel(r.type)})`
      li.append(a, tag)
      if (r.snippet) {
        const p = document.createElement('span')
        p.className = 'hb-suggest__snippet govuk-body-s'
        p.setAttribute('aria-hidden', 'true') // the title is the option's name
        p.append(safeSnippet(r.snippet))
        li.append(document.createElement('br'), p)
      }
      li.addEventListener('mousedown', (e) => e.preventDefault()) // keep focus in the input
      li.addEventListener('click', () => { window.location.href = li.dataset.href })
      list.append(li)
      options.push(li)
    })
    if (options.length) open(); else close()
    const k = results.length
    announce(k === 0 ? 'No results' : `${k} result${k === 1 ? '' : 's'} available`)
  }

  async function fetchSuggestions (q) {
    if (controller) controller.abort()
    controller = new AbortController()
    const params = new URLSearchParams({ q })
    if (typeSelect && typeSelect.value) params.set('type', typeSelect.value)
    try {
      const res = await fetch(`${searchPath}.json?${params}`, {
        signal: controller.signal,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      if (!res.ok) { // a query the server will not take: no suggestions
        options = []
        list.replaceChildren()
        close()
        return
      }
      const data = await res.json()
      if (input.value.trim() !== q) return // typed on since
      render(Array.isArray(data) ? data : [])
    } catch (err) {
      if (err.name !== 'AbortError') close() // offline or failed: the form still works
    }
  }

  function schedule () {
    window.clearTimeout(timer)
    const q = input.value.trim()
    if (q === lastQuery) return
    lastQuery = q
    if (q.length < MIN_CHARS || q.length > MAX_LEN) {
      if (controller) controller.abort()
      options = []
      list.replaceChildren()
      close()
      return
    }
    timer = window.setTimeout(() => fetchSuggestions(q), DEBOUNCE_MS)
  }

  input.addEventListener('input', schedule)
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
        } // otherwise the form submits to /search
        break
      case 'Escape':
        if (!list.hidden) {
          close()
          e.preventDefault()
        } else if (input.value) {
          input.value = ''
          lastQuery = ''
          e.preventDefault()
        }
        break
      case 'Tab':
        close()
        break
    }
  })

  input.addEventListener('blur', () => window.setTimeout(close, 100))
  input.addEventListener('focus', () => { if (options.length && input.value.trim() === lastQuery) open() })
  form.addEventListener('submit', () => close())
}

export function initSearchSuggest (root = document) {
  root.querySelectorAll('input[type="search"][data-hb-suggest]').forEach(enhance)
}

initSearchSuggest()
