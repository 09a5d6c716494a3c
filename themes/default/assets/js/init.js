// Handbook: load synchronously as the first child of <body>, before any
// content, so GOV.UK Frontend's JavaScript-only styles apply without a flash.
// Same as GOV.UK's inline snippet, as a file so the CSP needs no
// 'unsafe-inline'.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
