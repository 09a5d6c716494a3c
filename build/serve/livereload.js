// handbook serve: reloads the page when the site has been rebuilt, and puts
// the reader back where they were. Added to every page by the dev server
// only; the published site never has it.
(function () {
  'use strict'
  var me = document.currentScript || document.querySelector('script[data-gen]')
  var gen = me ? me.getAttribute('data-gen') : ''
  var key = 'handbook-scroll:' + location.pathname + location.search

  // Back to where the reader was before the reload.
  var saved = null
  try {
    saved = JSON.parse(sessionStorage.getItem(key) || 'null')
    sessionStorage.removeItem(key)
  } catch (e) {}
  if (saved && typeof saved.y === 'number') {
    if ('scrollRestoration' in history) history.scrollRestoration = 'manual'
    var restore = function () { window.scrollTo(saved.x || 0, saved.y) }
    restore()
    window.addEventListener('load', restore)
  }

  function reload () {
    try {
      sessionStorage.setItem(key, JSON.stringify({ x: window.scrollX, y: window.scrollY }))
    } catch (e) {}
    location.reload()
  }

  // One stream per visible tab: browsers allow few connections per host.
  var source = null
  function connect () {
    if (source || !window.EventSource) return
    source = new EventSource('/_handbook/events')
    // data is the build number, then the pages it changed if not all.
    var check = function (e) {
      var parts = String(e.data).split(' ')
      if (parts[0] === gen) return
      if (parts.length > 1 && parts.indexOf(location.pathname, 1) < 0) {
        gen = parts[0] // this page is the same in that build
        return
      }
      reload()
    }
    source.addEventListener('hello', check)
    source.addEventListener('reload', check)
  }
  function disconnect () {
    if (source) source.close()
    source = null
  }
  document.addEventListener('visibilitychange', function () {
    if (document.hidden) disconnect(); else connect()
  })
  window.addEventListener('pagehide', disconnect)
  if (!document.hidden) connect()
})()
