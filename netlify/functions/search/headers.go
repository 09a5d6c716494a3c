package main

import "github.com/aws/aws-lambda-go/events"

// siteHeaders are the security headers netlify.toml gives every page of
// the site ([[headers]] for "/*"). Netlify does not add those to a
// function's responses, so the search page sends them itself.
// TestHeadersMatchNetlifyToml keeps the two the same.
var siteHeaders = map[string]string{
	"Content-Security-Policy":   "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
	"Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
	"X-Content-Type-Options":    "nosniff",
	"Referrer-Policy":           "no-referrer",
	"Permissions-Policy":        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

// withSiteHeaders adds the site's security headers to a response.
func withSiteHeaders(r events.APIGatewayProxyResponse) events.APIGatewayProxyResponse {
	if r.Headers == nil {
		r.Headers = map[string]string{}
	}
	for k, v := range siteHeaders {
		r.Headers[k] = v
	}
	return r
}
