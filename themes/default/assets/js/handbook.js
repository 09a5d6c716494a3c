// Handbook: progressive enhancement only; every page works without it.
// Load at the end of <body> with <script type="module" src="/js/handbook.js">.
import { initAll } from './govuk-frontend.min.js'

initAll()
