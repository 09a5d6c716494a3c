// Handbook: progressive enhancement only; every page works without it.
// Load at the end of <body> with <script type="module" src="/js/handbook.js">.
import { initAll } from './govuk-frontend.min.js'

initAll()

// The whole-document pages print "Printed from <address> on <date>" on
// every sheet: the date is today's, set here (without JavaScript the
// stamp gives the address only).
const printed = document.querySelectorAll('[data-hb-print-date]')
if (printed.length > 0) {
  const stamp = () => {
    const today = new Date().toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })
    printed.forEach((el) => { el.textContent = ' on ' + today })
  }
  stamp()
  window.addEventListener('beforeprint', stamp)
}
